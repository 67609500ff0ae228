"""Sweep figures, drawn from a sweep directory's stored tables (never from live runs).

Colours follow the Okabe & Ito (2008) colour-blind-safe palette.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import partial
from pathlib import Path
from textwrap import fill

import numpy as np
import pandas as pd
from matplotlib.axes import Axes

from sim.common.tables import load_sweep_results
from sim.output.plotting import (
    OKABE_ITO,
    DrawnPlot,
    is_position,
    label_position_axis,
    lay_out,
    outcome_title,
    parameter_title,
    save_figure,
    subplots,
    write_index,
)
from sim.output.workers import draw_jobs

MAX_LINES = 6
SETTLED_CONF = 0.1
"""Widest 95% half-interval (share of variance) of a Sobol index read as settled."""

SENSITIVITY_GUIDE = (
    "How much each varied parameter moves this outcome: Sobol first-order (S1) and total (ST) "
    "indices as shares of its variance, or Morris mu* (mean absolute elementary effect, outcome "
    "units) and sigma (interactions and non-linearity), with 95% confidence bars. A parameter "
    "near zero can be fixed without changing it."
)
HEATMAP_GUIDE = (
    "Each cell is a design point's mean over its replicates. Gradients along one axis show "
    "which parameter drives the outcome; a diagonal pattern shows the two trade off against "
    "each other."
)
CURVE_GUIDE = (
    "Each point is a design point's mean over its replicates; the band (grids) or bars "
    "(sampled designs) are the 95% Student-t interval over replicates, clipped to the "
    "outcome's range for shares, agreement and positions (none with one replicate). Lines "
    "drawn on top of each other are identical. On a two-parameter grid "
    "each line holds the other parameter fixed. A steep line means the outcome responds to "
    "this parameter; overlapping bands mean the difference is within noise."
)


def slug(text: str) -> str:
    """Return a file-name-safe version of a parameter path or outcome name."""
    return re.sub(r"[^A-Za-z0-9]+", "_", text).strip("_")


def _label(value: object) -> str:
    """Format a parameter value for a legend or tick: ``0.5``, ``1``, ``True``, ``abc``."""
    return f"{value:g}" if isinstance(value, float) else str(value)


MARKERS = ("o", "s", "^", "D", "v", "P")
LINESTYLES = ("-", "--", "-.", ":", (0, (5, 1)), (0, (1, 1)))


def _band(
    ax: Axes,
    frame: pd.DataFrame,
    x: str,
    outcome: str,
    colour: str,
    label: str | None,
    k: int = 0,
) -> None:
    """Draw one mean curve with its interval band.

    ``k`` varies marker and dash, so curves that coincide stay visible on top of each other.
    """
    frame = frame.sort_values(x)
    ax.plot(
        frame[x],
        frame[f"{outcome}_mean"],
        marker=MARKERS[k % len(MARKERS)],
        linestyle=LINESTYLES[k % len(LINESTYLES)],
        markersize=6 - 0.6 * (k % len(MARKERS)),
        color=colour,
        label=label,
    )
    ax.fill_between(
        frame[x],
        frame[f"{outcome}_lo"],
        frame[f"{outcome}_hi"],
        color=colour,
        alpha=0.2,
        linewidth=0,
    )


def plot_outcome_vs_parameter(
    summary: pd.DataFrame,
    parameters: list[str],
    design: str,
    outcome: str,
    parameter: str,
    path: Path,
) -> Path:
    """Outcome (mean over replicates, 95% band) against one parameter.

    On a two-parameter grid, one line per value of the other parameter (up to six); on sampled
    designs, each point with its interval as an error bar.
    """
    fig, ax = subplots(figsize=(7, 4.5))
    others = [p for p in parameters if p != parameter]
    if design in ("grid", "list") and not others:
        _band(ax, summary, parameter, outcome, OKABE_ITO[0], None)
    elif design == "grid" and len(others) == 1 and summary[others[0]].nunique() <= MAX_LINES:
        other = others[0]
        for k, (value, group) in enumerate(summary.groupby(other, sort=True)):
            _band(
                ax,
                group,
                parameter,
                outcome,
                OKABE_ITO[k % len(OKABE_ITO)],
                _label(value),
                k,
            )
        ax.legend(
            fontsize=8,
            title=parameter_title(other),
            title_fontsize=8,
            loc="center left",
            bbox_to_anchor=(1.01, 0.5),
        )
    else:
        mean = summary[f"{outcome}_mean"]
        err = np.vstack([mean - summary[f"{outcome}_lo"], summary[f"{outcome}_hi"] - mean])
        ax.errorbar(
            summary[parameter],
            mean,
            yerr=np.nan_to_num(err),
            fmt="o",
            color=OKABE_ITO[0],
            ecolor="#999999",
            markersize=4,
            capsize=2,
        )
    ax.set_xlabel(parameter_title(parameter))
    if is_position(outcome):
        label_position_axis(ax.yaxis)
        ax.set_ylabel("position (mean over replicates)")
    else:
        ax.set_ylabel(f"{outcome_title(outcome)}\n(mean over replicates)")
    counts = summary[f"{outcome}_n"] if f"{outcome}_n" in summary else pd.Series([2])
    if counts.max() <= 1:
        detail = "one replicate per point: no interval"
    else:
        detail = "mean over replicates; band or bars: 95% interval, clipped to the range"
    title = f"{outcome_title(outcome)} against {parameter_title(parameter)}"
    ax.set_title(f"{title}\n({detail})", fontsize=10)
    ax.grid(alpha=0.3)
    return save_figure(fig, path)


def plot_heatmap(summary: pd.DataFrame, parameters: list[str], outcome: str, path: Path) -> Path:
    """Mean outcome over a two-parameter grid."""
    x, y = parameters
    table = summary.pivot_table(index=y, columns=x, values=f"{outcome}_mean", aggfunc="mean")
    fig, ax = subplots(figsize=(7, 5.5))
    image = ax.imshow(table.to_numpy(), origin="lower", aspect="auto", cmap="cividis")
    ax.set_xticks(
        range(table.shape[1]),
        [_label(v) for v in table.columns],
        rotation=45,
    )
    ax.set_yticks(range(table.shape[0]), [_label(v) for v in table.index])
    for (i, j), value in np.ndenumerate(table.to_numpy()):
        if np.isfinite(value):
            ax.text(
                j,
                i,
                f"{value:.2f}",
                ha="center",
                va="center",
                fontsize=7,
                color="white" if value < np.nanmean(table.to_numpy()) else "black",
            )
    ax.set_xlabel(parameter_title(x))
    ax.set_ylabel(parameter_title(y))
    bar = fig.colorbar(image, ax=ax, label=f"{outcome_title(outcome)} (mean over replicates)")
    if is_position(outcome):
        image.set_clim(-1, 1)
        label_position_axis(bar.ax.yaxis)
    ax.set_title(
        f"{outcome_title(outcome)}\nover {parameter_title(x)} x {parameter_title(y)}", fontsize=10
    )
    return save_figure(fig, path)


def sobol_caveat(indices: pd.DataFrame, samples: int | None) -> str | None:
    """Say why Sobol indices are not settled yet, or None when they look settled.

    Unsettled: a first-order index below zero (impossible for a share of variance, so pure
    sampling error) or a 95% interval wider than +/- :data:`SETTLED_CONF`. Saltelli et al.
    (2010) estimators converge slowly; the remedy is more base samples.
    """
    rows = indices[indices["method"] == "sobol"]
    if rows.empty:
        return None
    negative = int((rows["S1"] < 0).sum())
    widest = float(np.nanmax(rows[["S1_conf", "ST_conf"]].to_numpy(float), initial=0.0))
    if negative == 0 and widest <= SETTLED_CONF:
        return None
    found = []
    if negative:
        found.append(f"{negative} first-order {'index' if negative == 1 else 'indices'} below 0")
    if widest > SETTLED_CONF:
        found.append(f"intervals up to \u00b1{widest:.2f}")
    base = f"{samples} base samples" if samples else "this many samples"
    return (
        f"Caveat: with {base}, {' and '.join(found)}: the estimates are not settled; "
        "raise samples (e.g. x8) before reading small or close indices."
    )


def plot_sensitivity(
    indices: pd.DataFrame, outcome: str, path: Path, samples: int | None = None
) -> Path:
    """SALib indices of one outcome: S1 and ST (Sobol) or mu* and sigma (Morris), with CIs.

    Unsettled Sobol indices (:func:`sobol_caveat`) get the caveat under the bars.
    """
    rows = indices[indices["outcome"] == outcome]
    method = str(rows["method"].iloc[0])
    series = (
        [("S1", "S1_conf"), ("ST", "ST_conf")]
        if method == "sobol"
        else [("mu_star", "mu_star_conf"), ("sigma", None)]
    )
    fig, ax = subplots(figsize=(7, 0.5 * len(rows) + 2))
    where = np.arange(len(rows))
    height = 0.38
    for k, (column, conf) in enumerate(series):
        if column not in rows:
            continue
        ax.barh(
            where + (k - 0.5) * height,
            rows[column],
            height=height,
            xerr=rows[conf] if conf and conf in rows else None,
            color=OKABE_ITO[k],
            label=column,
            capsize=2,
        )
    ax.set_yticks(where, [parameter_title(str(p)) for p in rows["parameter"]])
    ax.invert_yaxis()
    ax.axvline(0, color="black", linewidth=0.6)
    ax.set_xlabel(
        "index (bars: 95% confidence)" if method == "sobol" else "elementary effect (outcome units)"
    )
    ax.set_title(
        f"{'Sobol' if method == 'sobol' else 'Morris'} sensitivity of\n{outcome_title(outcome)}",
        fontsize=10,
    )
    ax.legend(fontsize=8, loc="center left", bbox_to_anchor=(1.01, 0.5))
    caveat = sobol_caveat(rows, samples)
    if caveat is not None:  # under the axes, in the room the layout leaves for it
        lay_out(fig, rect=(0, 0.6 / fig.get_figheight(), 1, 1))
        fig.text(0.01, 0.02, fill(caveat, 100), fontsize=8, color=OKABE_ITO[1], va="bottom")
    return save_figure(fig, path)


def draw_sweep_plots(out: Path, workers: int | None = None) -> list[Path]:
    """Draw every sweep plot into ``out/plots`` from the stored tables; index them.

    The figures are drawn in parallel by :func:`~sim.output.workers.draw_jobs` (``workers``
    processes at most; default: the cores available).
    """
    results = load_sweep_results(out)
    manifest = results.manifest
    summary = results.summary
    parameters = manifest.parameters
    numeric = [p for p in parameters if pd.api.types.is_numeric_dtype(summary[p])]
    plots = out / "plots"
    jobs: list[Callable[[], Path]] = []
    entries: list[tuple[str, str]] = []
    for outcome in manifest.outcomes:
        for parameter in numeric:
            path = plots / f"{slug(outcome)}__vs__{slug(parameter)}.png"
            jobs.append(
                partial(
                    plot_outcome_vs_parameter,
                    *(summary, numeric, manifest.design, outcome, parameter, path),
                )
            )
            entries.append(
                (f"{outcome_title(outcome)} against {parameter_title(parameter)}", CURVE_GUIDE)
            )
        if manifest.design == "grid" and len(numeric) == 2:
            path = plots / f"{slug(outcome)}__heatmap.png"
            jobs.append(partial(plot_heatmap, summary, numeric, outcome, path))
            entries.append((f"{outcome_title(outcome)} over the two-parameter grid", HEATMAP_GUIDE))
        indices = results.sensitivity
        if (
            indices is not None
            and (indices["outcome"] == outcome).any()
            and indices[indices["outcome"] == outcome]["note"].eq("").all()
        ):
            path = plots / f"{slug(outcome)}__sensitivity.png"
            samples = manifest.sweep.spec.get("samples")
            jobs.append(partial(plot_sensitivity, indices, outcome, path, samples))
            entries.append((f"Sensitivity of {outcome_title(outcome)}", SENSITIVITY_GUIDE))
    paths = draw_jobs(jobs, workers=workers)
    plots.mkdir(parents=True, exist_ok=True)
    write_index(plots, [DrawnPlot(p, *e) for p, e in zip(paths, entries, strict=True)])
    return paths


def plot_comparison(
    table: pd.DataFrame, parameter: str, outcome: str, labels: tuple[str, str], path: Path
) -> Path:
    """Two sweeps' outcome against a shared parameter (overlaid), and their difference."""
    rows = (
        table[table["outcome"] == outcome]
        .groupby(parameter, sort=True)
        .mean(numeric_only=True)
        .reset_index()
    )
    fig, (top, bottom) = subplots(2, 1, figsize=(7, 6.5), sharex=True)
    top.plot(rows[parameter], rows["mean_a"], marker="o", color=OKABE_ITO[0], label=labels[0])
    top.plot(rows[parameter], rows["mean_b"], marker="s", color=OKABE_ITO[1], label=labels[1])
    top.set_ylabel(f"{outcome_title(outcome)}\n(mean)")
    if is_position(outcome):
        label_position_axis(top.yaxis)
    top.legend(fontsize=8)
    top.set_title(
        f"{outcome_title(outcome)}:\ntwo sweeps against {parameter_title(parameter)}", fontsize=10
    )
    top.grid(alpha=0.3)
    bottom.plot(rows[parameter], rows["difference"], marker="o", color=OKABE_ITO[2])
    bottom.fill_between(
        rows[parameter], rows["lo"], rows["hi"], color=OKABE_ITO[2], alpha=0.2, linewidth=0
    )
    bottom.axhline(0, color="black", linewidth=0.6)
    bottom.set_ylabel("difference B - A (95% Welch)")
    bottom.set_xlabel(parameter_title(parameter))
    bottom.grid(alpha=0.3)
    return save_figure(fig, path)
