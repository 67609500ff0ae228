"""A backtest written to disk: ``backtest.parquet``, its plot, manifest and report.

The table has one row per predicted resolution (see :mod:`sim.empirical.backtest`); the plot
shows, per resolution in date order, the model's accuracy (seed mean, bars: +/- one sd)
against persistence and all-yes; the reliability diagram pools every state's forecast
probability of every vote over the predicted resolutions (:mod:`sim.empirical.forecast`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
from matplotlib.figure import Figure

from sim.common.files import publish_dir, write_table
from sim.common.manifests import BacktestManifest, write_manifest
from sim.output.plotting import OKABE_ITO, DrawnPlot, save_figure, subplots, write_index
from sim.output.report import write_report

GUIDE = (
    "One group per recorded vote after the cutoff, in date order. The model's accuracy is the "
    "mean over seeds (bar: +/- one standard deviation); persistence repeats each state's "
    "latest recorded vote on the same issue; all-yes predicts yes everywhere. The model "
    "explains a vote better than the naive forecasts only where its bar stands above both."
)

RELIABILITY_GUIDE = (
    "Every state's forecast probability of each of yes, abstain, no and absent, pooled over the "
    "predicted votes and binned by tenths; a dot is a bin's mean forecast against how often "
    "that vote was recorded, its size the number of forecasts. A calibrated forecast lies on "
    "the diagonal; below it the forecast was over-confident. The model's probabilities are "
    "its replicate shares hedged by its own miss rate on the earlier records, persistence's "
    "its latest vote with the earlier switch rate."
)


def backtest_frame(rows: list[dict[str, Any]]) -> pd.DataFrame:
    """Return the rows as a flat table: tallies spread into ``sim_<vote>`` and ``rec_<vote>``."""
    flat = []
    for row in rows:
        out = {k: v for k, v in row.items() if k not in ("tallies", "recorded_tallies")}
        out.update({f"sim_{k}": float(v) for k, v in row["tallies"].items()})
        out.update({f"rec_{k}": int(v) for k, v in row["recorded_tallies"].items()})
        flat.append(out)
    return pd.DataFrame(flat)


def figure_backtest(frame: pd.DataFrame) -> Figure:
    """Accuracy per resolution: model (mean, sd bars), persistence and all-yes."""
    fig, ax = subplots(figsize=(max(5.0, 1.3 * len(frame) + 2), 4.2))
    x = np.arange(len(frame))
    width = 0.27
    ax.bar(
        x - width,
        frame["accuracy_mean"],
        width,
        yerr=frame["accuracy_sd"],
        capsize=3,
        color=OKABE_ITO[0],
        label="model (seed mean +/- sd)",
    )
    ax.bar(x, frame["persistence_accuracy"], width, color=OKABE_ITO[3], label="persistence")
    ax.bar(x + width, frame["all_yes_accuracy"], width, color="#BBBBBB", label="all yes")
    ax.set_xticks(x, [f"{r}\n{d}" for r, d in zip(frame["resolution"], frame["date"], strict=True)])
    ax.set_ylim(0, 1)
    ax.set_ylabel("accuracy (share of members)")
    ax.set_title("Backtest: the model against naive forecasts")
    ax.legend(fontsize=8, loc="lower right")
    ax.grid(axis="y", alpha=0.3)
    return fig


Bins = list[tuple[float, float, int]]
"""Reliability bins: (mean forecast probability, observed frequency, count) each."""


def figure_reliability(curves: dict[str, Bins]) -> Figure:
    """Reliability diagram of the model's and persistence's probabilistic forecasts.

    ``curves`` maps ``model`` and ``persistence`` to their bins
    (:func:`sim.empirical.forecast.reliability`).
    """
    fig, ax = subplots(figsize=(5.0, 5.0))
    ax.plot([0, 1], [0, 1], color="#888888", lw=1, ls="--", label="calibrated")
    for which, color, label in (
        ("model", OKABE_ITO[0], "model (shares hedged by its earlier miss rate)"),
        ("persistence", OKABE_ITO[3], "persistence"),
    ):
        x, y, n = (np.array(v) for v in zip(*curves[which], strict=True))
        ax.plot(x, y, color=color, lw=1, alpha=0.6)
        ax.scatter(x, y, s=10 + 60 * np.sqrt(n / n.max()), color=color, label=label, zorder=3)
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    ax.set_xlabel("forecast probability")
    ax.set_ylabel("observed frequency")
    ax.set_title("Reliability of the vote forecasts")
    ax.legend(fontsize=8, loc="upper left")
    ax.grid(alpha=0.3)
    return fig


def write_backtest(
    out: Path,
    rows: list[dict[str, Any]],
    manifest: BacktestManifest,
    *,
    force: bool,
    reliability: dict[str, Bins] | None = None,
) -> Path:
    """Publish the backtest directory atomically: table, plots, manifest and report."""
    frame = backtest_frame(rows)

    def fill(staging: Path) -> None:
        write_table(pa.Table.from_pandas(frame, preserve_index=False), staging / "backtest.parquet")
        path = save_figure(figure_backtest(frame), staging / "plots" / "backtest.png")
        drawn = [DrawnPlot(path, "Backtest", GUIDE)]
        if reliability:
            path = save_figure(
                figure_reliability(reliability), staging / "plots" / "reliability.png"
            )
            drawn.append(DrawnPlot(path, "Reliability", RELIABILITY_GUIDE))
        write_index(staging / "plots", drawn)
        write_manifest(staging, manifest)
        write_report(staging)

    return publish_dir(out, fill, force)
