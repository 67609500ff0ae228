"""Compare two runs: which states changed their vote on which resolution, and what moved them.

The counterfactual workflow: run a scenario (A), change one thing (``--set``, a favour removed,
a weight switched off) and run it again (B); ``alliance-sim compare A B`` lines the two runs up
vote by vote. For every (round, resolution, country) whose vote differs it records both votes,
both net scores and each channel's change in contribution, and names the channel that moved
the state: the one whose contribution changed most in the direction of the new vote (toward
yes when the vote moved toward yes, toward no otherwise). A vote fixed in one run and free in
the other is attributed to ``fixed vote``.
"""

from __future__ import annotations

import base64
import html
from pathlib import Path

import numpy as np
import pandas as pd

from sim.common.files import ResultsError, atomic_write, publish_dir, write_table
from sim.common.tables import RunResults, arrow_table
from sim.output.plotting import OKABE_ITO, DrawnPlot, save_figure, subplots, write_index

KEY = ["round", "resolution", "country"]
NOT_CHANNELS = {*KEY, "score", "band", "vote", "deciding_channel", "fixed"}
POSITION = {"yes": 1.0, "abstain": 0.0, "absent": 0.0, "no": -1.0}
CHANGES_GUIDE = (
    "Each bar counts the votes that differ between run A and run B, by the channel that moved "
    "the state: the channel whose contribution to net support changed most toward the new "
    "vote. Votes fixed in one run only are attributed to 'fixed vote'."
)


def vote_changes(a: RunResults, b: RunResults) -> tuple[pd.DataFrame, dict[str, int]]:
    """Return one row per vote that differs between runs A and B, and match counts.

    Columns: ``round, resolution, country, vote_a, vote_b, score_a, score_b, moved_by,
    shift`` (the mover's change in contribution, score units) and ``delta_<channel>`` for every
    channel. The counts say how many votes were matched, and how many occur in one run only.
    """
    ca, cb = a["contributions"], b["contributions"]
    channels = [c for c in ca.columns if c not in NOT_CHANNELS and c in cb.columns]
    merged = ca.merge(cb, on=KEY, suffixes=("_a", "_b"), how="outer", indicator=True)
    counts = {
        "matched": int((merged["_merge"] == "both").sum()),
        "only_a": int((merged["_merge"] == "left_only").sum()),
        "only_b": int((merged["_merge"] == "right_only").sum()),
    }
    both = merged[merged["_merge"] == "both"]
    changed = both[both["vote_a"] != both["vote_b"]].copy()
    deltas = pd.DataFrame(
        {f"delta_{c}": changed[f"{c}_b"] - changed[f"{c}_a"] for c in channels},
        index=changed.index,
    )
    toward = np.sign(
        changed["vote_b"].map(POSITION).to_numpy(float)
        - changed["vote_a"].map(POSITION).to_numpy(float)
    )
    score_move = np.sign((changed["score_b"] - changed["score_a"]).to_numpy(float))
    direction = np.where(toward != 0, toward, score_move)
    movers: list[str] = []
    shifts: list[float] = []
    matrix = deltas.to_numpy(float) if channels else np.zeros((len(changed), 0))
    fixed_a = changed["fixed_a"].to_numpy(bool)
    fixed_b = changed["fixed_b"].to_numpy(bool)
    for i in range(len(changed)):
        if fixed_a[i] != fixed_b[i]:
            movers.append("fixed vote")
            shifts.append(float("nan"))
            continue
        pushed = matrix[i] * (direction[i] if direction[i] != 0 else 1.0)
        if pushed.size == 0 or not np.any(np.abs(matrix[i]) > 1e-12):
            movers.append("noise")  # no channel changed: the random shock decided
            shifts.append(0.0)
            continue
        k = int(np.argmax(pushed))
        movers.append(channels[k])
        shifts.append(float(matrix[i, k]))
    table = pd.DataFrame(
        {
            "round": changed["round"].astype("int64"),
            "resolution": changed["resolution"].astype(str),
            "country": changed["country"].astype(str),
            "vote_a": changed["vote_a"].astype(str),
            "vote_b": changed["vote_b"].astype(str),
            "score_a": changed["score_a"].astype(float),
            "score_b": changed["score_b"].astype(float),
            "moved_by": movers,
            "shift": shifts,
        }
    )
    table = pd.concat([table, deltas], axis=1).sort_values(KEY).reset_index(drop=True)
    return table, counts


def _plot_changes(table: pd.DataFrame, path: Path) -> Path:
    fig, ax = subplots(figsize=(7, 4))
    if table.empty:
        ax.text(0.5, 0.5, "no vote changed", ha="center", va="center", transform=ax.transAxes)
        ax.set_axis_off()
    else:
        counts = table.groupby(["moved_by", "resolution"]).size().unstack(fill_value=0)
        counts = counts.loc[counts.sum(axis=1).sort_values().index]
        left = np.zeros(len(counts))
        for k, resolution in enumerate(counts.columns):
            values = counts[resolution].to_numpy(float)
            ax.barh(
                counts.index,
                values,
                left=left,
                color=OKABE_ITO[k % len(OKABE_ITO)],
                label=str(resolution),
            )
            left += values
        ax.set_xlabel("votes changed (A -> B)")
        ax.legend(title="resolution", fontsize=8, title_fontsize=8)
    ax.set_title("Votes that changed between the two runs,\nby the channel that moved them")
    return save_figure(fig, path)


def _report(table: pd.DataFrame, counts: dict[str, int], names: tuple[str, str], png: Path) -> str:
    image = base64.b64encode(png.read_bytes()).decode("ascii")
    rows = "\n".join(
        "<tr>"
        + "".join(
            f"<td>{html.escape(str(v))}</td>"
            for v in (
                r.round,
                r.resolution,
                r.country,
                r.vote_a,
                r.vote_b,
                r.moved_by,
                f"{r.shift:+.3f}",
            )
        )
        + "</tr>"
        for r in table.itertuples()
    )
    a, b = (html.escape(n) for n in names)
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Run comparison</title>
<style>body{{font-family:sans-serif;max-width:60em;margin:2em auto}}
table{{border-collapse:collapse}}td,th{{border:1px solid #ccc;padding:2px 6px}}</style></head>
<body><h1>Run comparison: A = {a}, B = {b}</h1>
<h2>Votes that changed</h2>
<p>{len(table)} of {counts["matched"]} matched votes differ ({counts["only_a"]} votes occur in A
only, {counts["only_b"]} in B only). {html.escape(CHANGES_GUIDE)}</p>
<img alt="votes changed by channel" src="data:image/png;base64,{image}">
<table><tr><th>round</th><th>resolution</th><th>country</th><th>vote in A</th>
<th>vote in B</th><th>moved by</th><th>shift (score units)</th></tr>
{rows}
</table></body></html>
"""


def write_run_comparison(
    out: Path, a: RunResults, b: RunResults, *, force: bool = False
) -> tuple[Path, pd.DataFrame]:
    """Publish ``vote_changes.parquet`` and ``.csv``, a plot and ``report.html`` for two runs."""
    for results in (a, b):
        if "contributions" not in results.tables:
            raise ResultsError(f"{results.path}: has no contributions table")
    table, counts = vote_changes(a, b)
    names = (str(a.path), str(b.path))

    def fill(staging: Path) -> None:
        write_table(arrow_table(table), staging / "vote_changes.parquet")
        atomic_write(staging / "vote_changes.csv", table.to_csv(index=False))
        png = _plot_changes(table, staging / "plots" / "vote_changes.png")
        write_index(
            staging / "plots",
            [DrawnPlot(png, "Votes that changed, by the channel that moved them", CHANGES_GUIDE)],
        )
        atomic_write(staging / "report.html", _report(table, counts, names, png))

    return publish_dir(out, fill, force), table


__all__ = ["vote_changes", "write_run_comparison"]
