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
import json
import math
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from sim import __version__
from sim.plots import (
    RUN_PLOTS,
    PlotFormat,
    bloc_labels,
    bloc_order,
    draw_run_plots,
)
from sim.results import ResultsError, RunResults, load_run, read_manifest
from sim.sweep_plots import draw_sweep_plots, slug

REPORT_NAME = "report.html"
PAIRS_SHOWN = 10
"""Rows in each of the most- and least-aligned pair tables."""

RUN_GUIDES: dict[str, tuple[str, str]] = {
    "tallies": (
        "Tallies",
        "One bar per resolution vote (label: round, resolution id, and whether it was adopted): "
        "how many states voted yes (blue), abstained (orange), voted no (vermillion) or were "
        "absent (grey). A long orange segment means the resolution split states that did not "
        "want to take sides.",
    ),
    "votes_by_bloc": (
        "Every state's vote, grouped by bloc",
        "One row per state, one column per resolution vote, coloured by the vote (same colours "
        "as the tallies). States are grouped by bloc (black lines; the label names a leading "
        "member and how many others the bloc holds), so a bloc that votes together shows as a "
        "block of one colour and a state that breaks ranks shows as a cell of another. Large "
        "worlds are split into side-by-side panels.",
    ),
    "alignment_heatmap": (
        "Agreement between every pair of states",
        "Cell colour is the share of joint votes two states cast alike (1 yellow: always the "
        "same vote; 0.5: one abstained; 0 dark blue: opposite votes); white cells had no vote "
        "in common. States are ordered by bloc, so blocs appear as bright squares on the "
        "diagonal, separated by white lines, and dark off-diagonal blocks are opposed blocs.",
    ),
    "alignment_map": (
        "Alignment map",
        "Each state's agreement with the two reference states, {ref_a} (x) and {ref_b} (y), "
        "coloured by bloc. States top-left vote with {ref_b}, bottom-right with {ref_a}; the "
        "dashed diagonal is where siding with one means opposing the other, and states in the "
        "middle of it are cross-pressured. States at the same point are named together.",
    ),
    "bloc_network": (
        "Bloc network",
        "States are nodes coloured by bloc; a line joins two states that cast the same vote on "
        "at least {threshold:.0%} of their joint votes. Tightly knit clusters are voting blocs; "
        "a state bridging two clusters agrees strongly with both. Distances come from a "
        "force-directed layout and have no unit; states linked to nobody are listed below.",
    ),
    "favour_ledger": (
        "Favour ledger",
        "Left: the debts with the largest balances (\u201cA owes B\u201d, in favour units) after "
        "each round, round 0 being the favours the scenario starts with. Debts shrink when the "
        "debtor votes the creditor's way and by decay every round. Right: the total credit held "
        "by the largest creditors, i.e. how much leverage each can still call on.",
    ),
}
"""Title and one-paragraph reading guide of each run plot, by file stem."""


def sweep_guide(stem: str, manifest: dict[str, Any]) -> tuple[str, str]:
    """Title and reading guide of a sweep plot from its file stem (see :mod:`sim.sweep_plots`)."""
    names = {slug(n): n for n in [*manifest["parameters"], *manifest["outcomes"]]}
    if stem.endswith("__sensitivity"):
        outcome = names.get(stem.removesuffix("__sensitivity"), stem)
        return (
            f"Sensitivity of {outcome}",
            "How much each varied parameter moves this outcome: Sobol first-order (S1) and "
            "total (ST) indices as shares of its variance, or Morris mu* (mean absolute "
            "elementary effect, outcome units) and sigma (interactions and non-linearity), "
            "with 95% confidence bars. A parameter near zero can be fixed without changing it.",
        )
    if stem.endswith("__heatmap"):
        outcome = names.get(stem.removesuffix("__heatmap"), stem)
        return (
            f"{outcome} over the two-parameter grid",
            "Each cell is a design point's mean over its replicates. Gradients along one axis "
            "show which parameter drives the outcome; a diagonal pattern shows the two trade "
            "off against each other.",
        )
    outcome_slug, _, parameter_slug = stem.partition("__vs__")
    outcome, parameter = names.get(outcome_slug, outcome_slug), names.get(parameter_slug, "")
    return (
        f"{outcome} against {parameter}",
        "Each point is a design point's mean over its replicates; the band (grids) or bars "
        "(sampled designs) are the 95% Student-t interval over replicates. On a two-parameter "
        "grid each line holds the other parameter fixed. A steep line means the outcome "
        "responds to this parameter; overlapping bands mean the difference is within noise.",
    )


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
        A run directory (``manifest["kind"] == "run"``) or a sweep directory (``"sweep"``).
    fmt
        Format of a run's plots: ``"png"`` (default) or ``"svg"``; sweep plots are PNG.

    Raises
    ------
    ResultsError
        If the directory is not a results directory, or holds neither a run nor a sweep.
    """
    results_dir = Path(results_dir)
    manifest = read_manifest(results_dir)
    kind = manifest.get("kind")
    if kind == "run":
        template, context = "run.html.j2", _run_context(results_dir, manifest, fmt)
    elif kind == "sweep":
        template, context = "sweep.html.j2", _sweep_context(results_dir, manifest)
    else:
        raise ResultsError(f"{results_dir}: holds a {kind!r}; a report needs a run or a sweep")
    html = _environment().get_template(template).render(package_version=__version__, **context)
    return _write_atomically(results_dir / REPORT_NAME, html)


def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.PackageLoader("sim", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def _write_atomically(path: Path, text: str) -> Path:
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as file:
            file.write(text)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return path


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


def _embed(files: list[Path], guides: dict[str, tuple[str, str]], **fill: Any) -> list[Any]:
    plots = []
    for path in files:
        title, guide = guides.get(path.stem, (path.stem.replace("_", " ").capitalize(), ""))
        plots.append(
            {
                "stem": path.stem,
                "file": f"plots/{path.name}",
                "title": title,
                "guide": guide.format(**fill),
                "src": data_uri(path),
            }
        )
    return plots


def _run_context(path: Path, manifest: dict[str, Any], fmt: PlotFormat) -> dict[str, Any]:
    results = load_run(path, manifest=manifest)
    plot_dir = path / "plots"
    files = [plot_dir / f"{stem}.{fmt}" for stem in RUN_PLOTS]
    if not all(f.exists() for f in files):
        files = draw_run_plots(results, plot_dir, fmt)
    scenario = manifest["scenario"]
    ref_a, ref_b = scenario["reference_states"]
    threshold = float(manifest["parameters"]["bloc_agreement"])
    summary = [
        ("scenario", scenario["name"]),
        ("scenario file", scenario["path"]),
        ("scenario SHA-256", scenario["sha256"]),
        ("overrides", ", ".join(scenario["overrides"]) or "none"),
        ("seed", manifest["seed"]),
        ("rounds", manifest["rounds"]),
        ("reference states", f"{ref_a}, {ref_b}"),
        ("created", manifest.get("created", "\u2013")),
        ("command", " ".join(manifest.get("command") or []) or "\u2013"),
        ("alliance-sim", manifest["versions"].get("alliance-sim", "\u2013")),
        ("mesa", manifest["versions"].get("mesa", "\u2013")),
        ("python", manifest["versions"].get("python", "\u2013")),
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
        "title": f"alliance-sim run: {scenario['name']}",
        "description": (
            f"{len(results['countries'])} states, {len(results['tallies'])} resolution votes "
            f"over {manifest['rounds']} rounds, seed {manifest['seed']}."
        ),
        "summary": summary,
        "plots": _embed(files, RUN_GUIDES, ref_a=ref_a, ref_b=ref_b, threshold=threshold),
        "tallies": frame_table(tallies),
        "top_pairs": frame_table(_pairs(results, top=True)),
        "bottom_pairs": frame_table(_pairs(results, top=False)),
        "blocs": frame_table(_blocs(results)),
        "bloc_agreement": format_value(threshold),
        "vote_columns": vote_columns,
        "vote_rows": vote_rows,
        "parameters": _mapping_table(manifest["parameters"], "parameter", "value"),
        "versions": _mapping_table(manifest["versions"], "package", "version"),
    }


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


def _sweep_context(path: Path, manifest: dict[str, Any]) -> dict[str, Any]:
    runs = _read_table(path / "runs.parquet")
    summary = _read_table(path / "summary.parquet")
    sensitivity_path = path / "sensitivity.parquet"
    sensitivity = _read_table(sensitivity_path) if sensitivity_path.exists() else None
    parameters = [str(p) for p in manifest["parameters"]]
    outcomes = [str(o) for o in manifest["outcomes"]]
    plot_dir = path / "plots"
    if not any(plot_dir.glob("*.png")):
        draw_sweep_plots(path)
    files = sorted(plot_dir.glob("*.png"))
    guides = {p.stem: sweep_guide(p.stem, manifest) for p in files}
    status = runs.groupby("status", sort=True).agg(
        runs=("run_id", "size"), seconds=("seconds", "sum")
    )
    failed = runs[runs["status"] != "ok"][["run_id", "point_id", "replicate", "error"]]
    return {
        "title": f"alliance-sim sweep: {manifest.get('sweep', {}).get('name', path.name)}",
        "description": (
            f"{summary['point_id'].nunique()} design points, {len(runs)} runs, "
            f"{len(parameters)} varied parameters, {len(outcomes)} outcomes."
        ),
        "summary": [
            ("design", manifest.get("design", "\u2013")),
            ("root seed", manifest.get("root_seed", "\u2013")),
            ("varied parameters", ", ".join(parameters)),
            ("outcomes", ", ".join(outcomes)),
            ("created", manifest.get("created", "\u2013")),
            ("command", " ".join(manifest.get("command") or []) or "\u2013"),
        ],
        "specification": json.dumps(manifest.get("sweep", {}), indent=2, sort_keys=True),
        "plots": _embed(files, guides),
        "status": frame_table(status.reset_index()),
        "failures": frame_table(failed),
        "point_summary": frame_table(summary),
        "sensitivity": None if sensitivity is None else frame_table(sensitivity),
        "versions": _mapping_table(manifest.get("versions", {}), "package", "version"),
    }
