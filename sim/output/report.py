"""One self-contained HTML page per results directory: ``DIR/report.html``.

The page opens from disk with no server and no network: plots are embedded as base64 data URIs,
the style sheet is inline and there is no script. It is rendered with Jinja2 templates
(``sim/templates``) with autoescaping on, so text from a scenario file (names, titles,
overrides) is always shown as text, never interpreted as HTML.

A run's report shows the manifest summary, every plot with a reading guide, the tallies, the
most and least aligned pairs, the blocs, and every state's vote on every resolution with the
channel that decided it. A sweep's report shows its manifest, plots, run status, per-point
summary and sensitivity indices.
"""

from __future__ import annotations

import base64
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import yaml

from sim import __version__
from sim.common.files import ResultsError, atomic_write
from sim.common.manifests import (
    BacktestManifest,
    RunManifest,
    SweepManifest,
    manifest_kind,
    read_manifest,
)
from sim.common.tables import RunResults, load_run
from sim.output.blocs import bloc_labels, bloc_order
from sim.output.index import read_index
from sim.output.plots import draw_run_plots, run_plots
from sim.output.plotting import PlotFormat
from sim.output.recorded import agreement, misses, recorded_votes
from sim.output.sweep_plots import draw_sweep_plots, sobol_caveat
from sim.output.vote_space import issue_bloc_table, issues

REPORT_NAME = "report.html"
PAIRS_SHOWN = 10
"""Rows in each of the most- and least-aligned pair tables."""


@dataclass(frozen=True)
class Table:
    """A table ready for the template: header, formatted cells, and which columns are numbers."""

    columns: list[str]
    rows: list[list[str]]
    numeric: list[bool]


def write_report(results_dir: Path, *, fmt: PlotFormat = "png") -> Path:
    """Write ``results_dir/report.html`` for a run or a sweep; return its path.

    Plots missing from ``results_dir/plots`` in format ``fmt`` are drawn first (existing ones
    are embedded as they are). The page is written to a temporary file and moved into place.

    Parameters
    ----------
    results_dir
        A run, a sweep or a backtest directory (the ``kind`` of its manifest)
    fmt
        Format of a run's plots: ``"png"`` (default) or ``"svg"``; sweep plots are PNG.

    Raises
    ------
    ResultsError
        If the directory is not a results directory, or holds neither a run nor a sweep.
    """
    results_dir = Path(results_dir)
    kind = manifest_kind(results_dir)
    if kind == "run":
        run = read_manifest(results_dir, RunManifest)
        template, context = "run.html.j2", _run_context(results_dir, run, fmt)
    elif kind == "sweep":
        sweep = read_manifest(results_dir, SweepManifest)
        template, context = "sweep.html.j2", _sweep_context(results_dir, sweep)
    elif kind == "backtest":
        backtest = read_manifest(results_dir, BacktestManifest)
        template, context = "backtest.html.j2", _backtest_context(results_dir, backtest)
    else:
        raise ResultsError(
            f"{results_dir}: holds a {kind!r}; a report needs a run, a sweep or a backtest"
        )
    html = _environment().get_template(template).render(package_version=__version__, **context)
    atomic_write(results_dir / REPORT_NAME, html)
    return results_dir / REPORT_NAME


def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.PackageLoader("sim.output", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def data_uri(path: Path) -> str:
    """Return the file as a base64 ``data:`` URI (PNG or SVG), for embedding in the page."""
    mime = {".png": "image/png", ".svg": "image/svg+xml"}[path.suffix]
    return f"data:{mime};base64,{base64.b64encode(path.read_bytes()).decode('ascii')}"


def format_value(value: Any) -> str:
    """Format one table cell: floats to 3 decimals, NaN/None as an en dash, booleans as yes/no."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "\u2013"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:.3f}"
    return str(value)


def frame_table(frame: pd.DataFrame) -> Table:
    """Turn a DataFrame into a :class:`Table` (numbers right-aligned, cells formatted)."""
    numeric = [
        pd.api.types.is_numeric_dtype(frame[c]) and not pd.api.types.is_bool_dtype(frame[c])
        for c in frame.columns
    ]
    rows = [[format_value(v) for v in row] for row in frame.astype(object).itertuples(index=False)]
    return Table(columns=[str(c) for c in frame.columns], rows=rows, numeric=numeric)


def _mapping_table(mapping: dict[str, Any], key: str, value: str) -> Table:
    return Table(
        columns=[key, value],
        rows=[[str(k), format_value(v)] for k, v in mapping.items()],
        numeric=[False, False],
    )


def _embed(folder: Path, entries: list[dict[str, Any]]) -> list[Any]:
    """Return the figures of a plots index, ready for the template (images inlined)."""
    return [
        {
            "stem": Path(entry["file"]).stem,
            "file": f"plots/{entry['file']}",
            "title": entry["title"],
            "guide": entry["guide"],
            "src": data_uri(folder / entry["file"]),
        }
        for entry in entries
        if (folder / entry["file"]).exists()
    ]


def _plots_index(folder: Path, wanted: list[str], draw: Any) -> list[dict[str, Any]]:
    """Return the plot index, drawing the plots first when a wanted file is missing."""
    index = read_index(folder)
    files = {entry["file"] for entry in index or []}
    if index is None or not all(name in files and (folder / name).exists() for name in wanted):
        draw()
        index = read_index(folder) or []
    return index


def _run_context(path: Path, manifest: RunManifest, fmt: PlotFormat) -> dict[str, Any]:
    results = load_run(path, manifest=manifest)
    plot_dir = path / "plots"
    index = _plots_index(
        plot_dir,
        [f"{spec.stem}.{fmt}" for spec in run_plots(results)],
        lambda: draw_run_plots(results, plot_dir, fmt),
    )
    scenario = manifest.scenario
    ref_a, ref_b = scenario.reference_states
    threshold = float(manifest.parameters["bloc_agreement"])
    summary = [
        ("scenario", scenario.name),
        ("scenario file", scenario.path),
        ("scenario SHA-256", scenario.sha256),
        ("overrides", ", ".join(scenario.overrides) or "none"),
        ("seed", manifest.seed),
        ("rounds", manifest.rounds),
        ("reference states", f"{ref_a}, {ref_b}"),
        ("created", manifest.created),
        ("command", " ".join(manifest.command or []) or "\u2013"),
        ("alliance-sim", manifest.versions.get("alliance-sim", "\u2013")),
        ("mesa", manifest.versions.get("mesa", "\u2013")),
        ("python", manifest.versions.get("python", "\u2013")),
    ]
    tallies = results["tallies"][
        [
            "round",
            "resolution",
            "title",
            "issue",
            "yes",
            "abstain",
            "no",
            "absent",
            "adopted",
            "iterations",
            "converged",
        ]
    ]
    vote_columns, vote_rows = _vote_grid(results)
    return {
        "title": f"alliance-sim run: {scenario.name}",
        "description": (
            f"{len(results['countries'])} states, {len(results['tallies'])} resolution votes "
            f"over {manifest.rounds} rounds, seed {manifest.seed}."
        ),
        "summary": summary,
        "plots": _embed(plot_dir, [e for e in index if e["file"].endswith(f".{fmt}")]),
        "tallies": frame_table(tallies),
        "top_pairs": frame_table(_pairs(results, top=True)),
        "bottom_pairs": frame_table(_pairs(results, top=False)),
        "blocs": frame_table(_blocs(results)),
        "issue_blocs": _issue_blocs_context(results),
        "bloc_agreement": format_value(threshold),
        "recorded": _recorded_context(results),
        "vote_columns": vote_columns,
        "vote_rows": vote_rows,
        "parameters": _mapping_table(manifest.parameters, "parameter", "value"),
        "versions": _mapping_table(manifest.versions, "package", "version"),
    }


def _issue_blocs_context(results: RunResults) -> list[dict[str, Any]]:
    """Return one table of blocs per issue (every vote first), or none for a one-issue run."""
    if len(issues(results)) < 2:
        return []
    table = issue_bloc_table(results)
    out = []
    for issue, part in table.groupby("issue", sort=False):
        out.append(
            {
                "issue": str(issue),
                "votes": int(part["votes"].iloc[0]),
                "blocs": len(part),
                "table": frame_table(part[["bloc", "lead", "states", "members"]]),
            }
        )
    return out


def _recorded_context(results: RunResults) -> dict[str, Table] | None:
    """Return the agreement with the recorded votes and the misses, or None without a record."""
    if recorded_votes(results) is None:
        return None
    return {"agreement": frame_table(agreement(results)), "misses": frame_table(misses(results))}


def _pairs(results: RunResults, *, top: bool) -> pd.DataFrame:
    """Return the most (or least) aligned pairs with at least one joint vote."""
    names = results["countries"].set_index("country")["name"]
    table = results["alignment"]
    table = table[table["joint_votes"] > 0]
    ordered = table.sort_values(
        ["agreement", "country_a", "country_b"],
        ascending=[not top, True, True],
        kind="stable",
    ).head(PAIRS_SHOWN)
    return pd.DataFrame(
        {
            "pair": [
                f"{names[a]} ({a}) \u2013 {names[b]} ({b})"
                for a, b in zip(ordered["country_a"], ordered["country_b"], strict=True)
            ],
            "joint votes": ordered["joint_votes"].to_numpy(),
            "agreement": ordered["agreement"].to_numpy(),
            "S": ordered["s_score"].to_numpy(),
            "kappa": ordered["kappa"].to_numpy(),
        }
    )


def _blocs(results: RunResults) -> pd.DataFrame:
    countries = results["countries"].iloc[bloc_order(results)]
    labels = bloc_labels(results)
    rows = []
    for bloc in sorted(labels):
        members = countries[countries["bloc"] == bloc]
        rows.append(
            {
                "bloc": labels[bloc],
                "states": len(members),
                "members": ", ".join(
                    f"{n} ({c})" for c, n in zip(members["country"], members["name"], strict=True)
                ),
            }
        )
    return pd.DataFrame(rows)


def _vote_grid(results: RunResults) -> tuple[list[dict[str, str]], list[dict[str, Any]]]:
    """Columns (one per resolution vote) and rows (one per state, in bloc order) of votes."""
    tallies = results["tallies"]
    columns = [
        {"label": f"R{r} {res}", "title": str(title)}
        for r, res, title in zip(
            tallies["round"], tallies["resolution"], tallies["title"], strict=True
        )
    ]
    keys = list(zip(tallies["round"], tallies["resolution"], strict=True))
    table = results["contributions"]
    by_vote = {
        (c, int(r), res): row
        for c, r, res, row in zip(
            table["country"],
            table["round"],
            table["resolution"],
            table[["vote", "fixed", "deciding_channel", "score"]].itertuples(index=False),
            strict=True,
        )
    }
    countries = results["countries"].iloc[bloc_order(results)]
    rows = []
    for country, name, bloc in zip(
        countries["country"], countries["name"], countries["bloc"], strict=True
    ):
        cells = []
        for round_number, resolution in keys:
            vote, fixed, deciding, score = by_vote[(country, int(round_number), resolution)]
            channel = "fixed" if fixed else str(deciding)
            cells.append(
                {
                    "vote": str(vote),
                    "channel": channel.replace("_", " "),
                    "score": f"{float(score):+.3f}",
                }
            )
        rows.append({"country": country, "name": name, "bloc": int(bloc), "cells": cells})
    return columns, rows


def _read_table(path: Path) -> pd.DataFrame:
    try:
        frame: pd.DataFrame = pq.read_table(path).to_pandas()
    except (OSError, pa.ArrowInvalid) as exc:
        raise ResultsError(f"{path}: cannot read: {exc}") from None
    return frame


def _sweep_file_text(path: Path, manifest: SweepManifest) -> str:
    """Return the sweep file as written (its copy), else its specification as YAML."""
    copy = path / "sweep.yaml"
    try:
        if copy.is_file() and copy.stat().st_size <= 1_000_000:
            return copy.read_text(encoding="utf-8", errors="replace")
    except OSError:
        pass
    return yaml.safe_dump(manifest.sweep.spec, sort_keys=False, allow_unicode=True)


def _sweep_context(path: Path, manifest: SweepManifest) -> dict[str, Any]:
    runs = _read_table(path / "runs.parquet")
    summary = _read_table(path / "summary.parquet")
    sensitivity_path = path / "sensitivity.parquet"
    sensitivity = _read_table(sensitivity_path) if sensitivity_path.exists() else None
    parameters = manifest.parameters
    outcomes = manifest.outcomes
    plot_dir = path / "plots"
    index = _plots_index(plot_dir, [], lambda: draw_sweep_plots(path))
    status = runs.groupby("status", sort=True).agg(
        runs=("run_id", "size"), seconds=("seconds", "sum")
    )
    failed = runs[runs["status"] != "ok"][["run_id", "point_id", "replicate", "error"]]
    return {
        "title": f"alliance-sim sweep: {manifest.sweep.name}",
        "description": (
            f"{summary['point_id'].nunique()} design points, {len(runs)} runs, "
            f"{len(parameters)} varied parameters, {len(outcomes)} outcomes."
        ),
        "summary": [
            ("design", manifest.design),
            ("root seed", manifest.root_seed),
            ("varied parameters", ", ".join(parameters)),
            ("outcomes", ", ".join(outcomes)),
            ("created", manifest.created),
            ("command", " ".join(manifest.command or []) or "not recorded"),
            ("resume or redo", f"alliance-sim sweep --resume {path}"),
        ],
        "specification": _sweep_file_text(path, manifest),
        "plots": _embed(plot_dir, index),
        "status": frame_table(status.reset_index()),
        "failures": frame_table(failed),
        "point_summary": frame_table(summary),
        "sensitivity": None if sensitivity is None else frame_table(sensitivity),
        "sensitivity_caveat": None
        if sensitivity is None
        else sobol_caveat(sensitivity, manifest.sweep.spec.get("samples")),
        "versions": _mapping_table(manifest.versions, "package", "version"),
    }


def _backtest_context(path: Path, manifest: BacktestManifest) -> dict[str, Any]:
    table = _read_table(path / "backtest.parquet")
    plot_dir = path / "plots"
    beaten = int((table["accuracy_mean"] > table["persistence_accuracy"]).sum())
    return {
        "title": f"alliance-sim backtest: {manifest.scenario.name}",
        "description": (
            f"{len(table)} recorded votes after {manifest.cutoff}; the model beats "
            f"persistence on {beaten} of them ({manifest.replicates} seeds each)."
        ),
        "summary": [
            ("scenario", manifest.scenario.path),
            ("cutoff", manifest.cutoff),
            ("weights", manifest.weights),
            ("replicates", manifest.replicates),
            ("created", manifest.created),
            ("command", " ".join(manifest.command or []) or "\u2013"),
        ],
        "plots": _embed(plot_dir, read_index(plot_dir) or []),
        "backtest": frame_table(table),
        "versions": _mapping_table(manifest.versions, "package", "version"),
    }
