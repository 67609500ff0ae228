"""Recorded votes beside simulated ones: agreement per resolution, the misses, and a figure.

A run whose scenario holds the recorded roll call of a resolution it votes on (the dated
history, e.g. ``scenarios/records/A_RES_ES-11_1.csv`` in un_2022, or a built world's
``records/``, e.g. ``scenarios/unga_74/records/``, which the model never reads) stores it in
``recorded.parquet`` (``resolution, country, vote``). Everything here reads that table and the
simulated ``votes`` and ``contributions`` tables; runs without a record (or written before the
table existed) simply have nothing to compare.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from sim.common.tables import RunResults
from sim.output.plotting import VOTE_ORDER, PlotSpec, subplots


def recorded_votes(results: RunResults) -> pd.DataFrame | None:
    """Return the run's recorded votes (``resolution, country, vote``), or None if none."""
    table = results.tables.get("recorded")
    if table is None or table.empty:
        return None
    return table


def comparison(results: RunResults) -> pd.DataFrame:
    """Every simulated vote on a recorded resolution beside the recorded one.

    Columns ``round, resolution, country, simulated, recorded, fixed, deciding_channel``, in
    the order of the contributions table; empty when the run holds no record.
    """
    recorded = recorded_votes(results)
    columns = ["round", "resolution", "country", "simulated", "recorded", "fixed"]
    if recorded is None:
        return pd.DataFrame(columns=[*columns, "deciding_channel"])
    simulated = results["contributions"][
        ["round", "resolution", "country", "vote", "fixed", "deciding_channel"]
    ].rename(columns={"vote": "simulated"})
    merged = simulated.merge(
        recorded.rename(columns={"vote": "recorded"}), on=["resolution", "country"], how="inner"
    )
    return merged[[*columns, "deciding_channel"]].reset_index(drop=True)


def agreement(results: RunResults) -> pd.DataFrame:
    """Per recorded resolution vote: states, how many the run got right, and the share."""
    table = comparison(results)
    table = table.assign(right=table["simulated"] == table["recorded"])
    grouped = table.groupby(["round", "resolution"], sort=False)
    return pd.DataFrame(
        {
            "states": grouped.size(),
            "same vote": grouped["right"].sum().astype(int),
            "share": grouped["right"].mean(),
        }
    ).reset_index()


def misses(results: RunResults) -> pd.DataFrame:
    """Return the states whose simulated vote differs from the recorded one, with names.

    Columns ``round, resolution, state, name, recorded, simulated, deciding channel`` (``fixed``
    where the scenario fixed the vote), ordered by resolution vote, then state.
    """
    table = comparison(results)
    wrong = table[table["simulated"] != table["recorded"]]
    names = results["countries"].set_index("country")["name"]
    return pd.DataFrame(
        {
            "round": wrong["round"].to_numpy(),
            "resolution": wrong["resolution"].to_numpy(),
            "state": wrong["country"].to_numpy(),
            "name": [str(names.get(c, c)) for c in wrong["country"]],
            "recorded": wrong["recorded"].to_numpy(),
            "simulated": wrong["simulated"].to_numpy(),
            "deciding channel": np.where(
                wrong["fixed"].to_numpy(bool), "fixed", wrong["deciding_channel"].to_numpy()
            ),
        }
    )


def confusion(table: pd.DataFrame) -> np.ndarray:
    """``(4, 4)`` counts: rows recorded, columns simulated, both in :data:`VOTE_ORDER`."""
    counts = np.zeros((len(VOTE_ORDER), len(VOTE_ORDER)), dtype=int)
    index = {word: i for i, word in enumerate(VOTE_ORDER)}
    for recorded, simulated in zip(table["recorded"], table["simulated"], strict=True):
        counts[index[recorded], index[simulated]] += 1
    return counts


MAX_PANELS = 9
"""Most recorded votes drawn one panel each; a run recording more (a whole session) is drawn
one panel per issue, its votes pooled."""


def figure_recorded(results: RunResults) -> Figure:
    """One panel per recorded resolution vote: recorded votes (rows) x simulated (columns).

    Above :data:`MAX_PANELS` recorded votes, one panel per issue pools its votes (every vote
    first), so a session of 90 roll calls stays one readable figure.
    """
    table = comparison(results)
    keys = list(dict.fromkeys(zip(table["round"], table["resolution"], strict=True)))
    if len(keys) > MAX_PANELS:
        return _figure_recorded_by_issue(results, table)
    columns = min(len(keys), 3) or 1
    rows = -(-len(keys) // columns) or 1
    fig, axes = subplots(
        rows, columns, figsize=(3.4 * columns + 0.6, 3.2 * rows + 0.5), squeeze=False
    )
    for ax in axes.flat[len(keys) :]:
        ax.set_visible(False)
    for ax, (round_number, resolution) in zip(axes.flat, keys, strict=False):
        part = table[(table["round"] == round_number) & (table["resolution"] == resolution)]
        _confusion_panel(ax, confusion(part), f"R{round_number} {resolution}", text_size=None)
    fig.suptitle("Recorded against simulated votes (diagonal: the run got the vote right)")
    return fig


def _figure_recorded_by_issue(results: RunResults, table: pd.DataFrame) -> Figure:
    tallies = results["tallies"][["round", "resolution", "issue"]]
    table = table.merge(tallies, on=["round", "resolution"], how="left")
    groups = [("every vote", table)] + [
        (str(issue), part) for issue, part in table.groupby("issue", sort=False)
    ]
    columns = min(len(groups), 4)
    rows = -(-len(groups) // columns)
    fig, axes = subplots(
        rows, columns, figsize=(3.4 * columns + 0.6, 3.2 * rows + 0.5), squeeze=False
    )
    for ax in axes.flat[len(groups) :]:
        ax.set_visible(False)
    for ax, (name, part) in zip(axes.flat, groups, strict=False):
        votes = part[["round", "resolution"]].drop_duplicates().shape[0]
        _confusion_panel(ax, confusion(part), f"{name} ({votes} votes)")
    fig.suptitle(
        "Recorded against simulated votes, pooled per issue (diagonal: the run got it right)"
    )
    return fig


def _confusion_panel(ax: Any, counts: np.ndarray, name: str, text_size: float | None = 8) -> None:
    """Draw one confusion panel titled ``name``: counts in its cells, the diagonal bold.

    ``text_size`` is the font size of the counts (None: matplotlib's default size).
    """
    ax.imshow(np.log1p(counts), cmap="Blues", vmin=0, vmax=np.log1p(max(counts.max(), 1)))
    peak = counts.max()
    size = {} if text_size is None else {"fontsize": text_size}
    for (r, c), value in np.ndenumerate(counts):
        colour = "white" if value > 0.5 * peak else "black"
        weight = "bold" if r == c else "normal"
        ax.text(c, r, str(value), ha="center", va="center", color=colour, weight=weight, **size)
    ax.set_xticks(range(len(VOTE_ORDER)), VOTE_ORDER, fontsize=8)
    ax.set_yticks(range(len(VOTE_ORDER)), VOTE_ORDER, fontsize=8)
    ax.set_xlabel("simulated", fontsize=9)
    ax.set_ylabel("recorded", fontsize=9)
    right = int(np.trace(counts))
    ax.set_title(f"{name}: {right}/{counts.sum()} same", fontsize=10)


RECORD_PLOT: PlotSpec[RunResults] = PlotSpec(
    "recorded_vs_simulated",
    "Recorded against simulated votes",
    (
        "One panel per resolution vote whose roll call the scenario records (above nine, one "
        "panel per issue pooling its votes, every vote first): each cell counts the states "
        "that recorded the row's vote and were simulated casting the column's. "
        "The diagonal (bold) is what the run gets right; the table of misses below names the "
        "states off it."
    ),
    figure_recorded,
    cost=0.3,
)
"""Drawn only for runs that hold a record (:func:`sim.output.plots.run_plots`)."""
