"""Run figures of the space of votes: the scaled alignment map and the blocs of each issue.

Drawn from stored result tables only (the computations are in :mod:`sim.output.vote_space`);
chosen for a run by :func:`sim.output.plots.run_plots`: the scaled map replaces the
reference-state map on runs with many votes, the blocs per issue come with runs of several
issues.
"""

from __future__ import annotations

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import Patch

from sim.common.tables import RunResults
from sim.output.blocs import (
    ALWAYS_LABELLED,
    bloc_colour,
    bloc_labels,
    bloc_leads,
)
from sim.output.plotting import PlotSpec, subplots
from sim.output.vote_space import (
    Coordinates,
    alignment_coordinates,
    issue_blocs,
    recorded_coordinates,
)

EXTREMES = 3
"""States named at each end of each axis of the scaled map."""
SMALL_BLOC = 3
"""Blocs of fewer states are pooled into one grey segment of the blocs-per-issue figure."""
OTHER_COLOUR = "#BBBBBB"


def figure_scaled_map(results: RunResults) -> Figure:
    """Every state placed by principal coordinates of its agreement, coloured by bloc.

    With the run's recorded roll calls (enough of them, :func:`recorded_coordinates`), a
    second panel places the states by their recorded votes, coloured by their simulated bloc.
    """
    recorded = recorded_coordinates(results)
    panels = [("simulated", alignment_coordinates(results), len(results["tallies"]))]
    if recorded is not None:
        panels.append(("recorded", *recorded))
    fig, axes = subplots(
        1, len(panels), figsize=(10.5 if len(panels) == 1 else 16.0, 7.5), squeeze=False
    )
    for ax, (kind, coords, votes) in zip(axes[0], panels, strict=True):
        _scatter_map(ax, results, coords, legend=ax is axes[0][-1])
        ax.set_title(f"{kind}: {votes} votes", fontsize=10)
    fig.suptitle(
        "Alignment map: states placed by principal coordinates of their voting agreement "
        "(close = vote alike)",
        fontsize=11,
    )
    return fig


def _scatter_map(ax: Axes, results: RunResults, coords: Coordinates, legend: bool) -> None:
    ids = list(results["countries"]["country"])
    bloc = results["countries"]["bloc"].to_numpy()
    labels = bloc_labels(results)
    x, y = coords.xy[:, 0], coords.xy[:, 1]
    for b in sorted(labels):
        members = (bloc == b) & coords.placed
        if members.any():
            ax.scatter(
                x[members],
                y[members],
                color=bloc_colour(b),
                s=26,
                alpha=0.85,
                edgecolor="white",
                linewidth=0.4,
                label=f"{labels[b]} ({int(members.sum())})",
            )
    below = False
    placed_labels = map_labels(ids, coords, _notable(results))
    for k, ((px, py), text) in enumerate(placed_labels):
        crowded = any(
            abs(px - qx) < 0.08 and abs(py - qy) < 0.04
            for (qx, qy), _ in placed_labels[max(0, k - 3) : k]
        )
        below = crowded and not below  # a label close to the one before goes the other side
        ax.annotate(
            text, (px, py), fontsize=7, xytext=(3, -9 if below else 3), textcoords="offset points"
        )
    if legend:
        ax.legend(title="bloc (states)", fontsize=8, loc="center left", bbox_to_anchor=(1.01, 0.5))
    missing = [c for c, ok in zip(ids, coords.placed.tolist(), strict=True) if not ok]
    if missing:
        more = f" and {len(missing) - 20} more" if len(missing) > 20 else ""
        ax.text(
            0.0,
            -0.1,
            f"Not placed (no vote in common with any state): {', '.join(missing[:20])}{more}",
            transform=ax.transAxes,
            fontsize=8,
            va="top",
        )
    first, second = coords.explained
    ax.set_xlabel(f"first principal coordinate ({first:.0%} of the variance)")
    ax.set_ylabel(f"second principal coordinate ({second:.0%} of the variance)")
    ax.axhline(0.0, color="#999999", linewidth=0.6, zorder=0)
    ax.axvline(0.0, color="#999999", linewidth=0.6, zorder=0)
    ax.set_aspect("equal", adjustable="datalim")
    ax.grid(alpha=0.3)


def _notable(results: RunResults) -> set[str]:
    references = set(results.manifest.scenario.reference_states)
    return {*references, *ALWAYS_LABELLED, *bloc_leads(results).values()}


def map_labels(
    ids: list[str], coords: Coordinates, notable: set[str]
) -> list[tuple[tuple[float, float], str]]:
    """Label the notable states and the :data:`EXTREMES` states at each end of each axis.

    States within 0.01 of each other are one point, named once: up to three names, then
    ``+k`` for the others there (``USA, ISR +2``), notable states first.
    """
    placed = np.flatnonzero(coords.placed)
    if placed.size == 0:
        return []
    xy = coords.xy
    wanted = {i for i in placed if ids[i] in notable}
    for axis in range(2):
        ranked = placed[np.argsort(xy[placed, axis], kind="stable")]
        wanted |= set(ranked[:EXTREMES].tolist()) | set(ranked[-EXTREMES:].tolist())
    cells: dict[tuple[int, int], list[int]] = {}
    for i in placed.tolist():
        cells.setdefault((round(xy[i, 0] * 100), round(xy[i, 1] * 100)), []).append(i)
    out = []
    for members in cells.values():
        if not any(i in wanted for i in members):
            continue
        members.sort(key=lambda i: (ids[i] not in notable, i not in wanted, i))
        shown = [ids[i] for i in members[:3]]
        more = f" +{len(members) - 3}" if len(members) > 3 else ""
        i = members[0]
        out.append(((float(xy[i, 0]), float(xy[i, 1])), ", ".join(shown) + more))
    return sorted(out)


def figure_issue_blocs(results: RunResults) -> Figure:
    """One bar per issue (every vote first), split into that issue's blocs.

    A segment's width is its bloc's size; its colour is the run's own bloc (every vote) that
    most of its members belong to, so a colour split across segments is an overall bloc that
    divides on that issue. Blocs under :data:`SMALL_BLOC` states are pooled in grey.
    """
    entries = issue_blocs(results)
    overall = results["countries"]["bloc"].to_numpy()
    ids = list(results["countries"]["country"])
    n = len(ids)
    fig, ax = subplots(figsize=(12.0, 1.6 + 0.75 * len(entries)))
    names = []
    used: set[int] = set()
    for row, entry in enumerate(entries):
        left = 0.0
        small = 0
        for b, lead in entry.leads.items():
            members = np.flatnonzero(entry.bloc == b)
            if members.size < SMALL_BLOC:
                small += members.size
                continue
            values, counts = np.unique(overall[members], return_counts=True)
            majority = int(values[np.argmax(counts)])
            used.add(majority)
            colour = bloc_colour(majority)
            ax.barh(row, members.size, left=left, color=colour, edgecolor="white", height=0.7)
            if members.size >= 0.06 * n:
                more = f" +{members.size - 1}"
                ax.text(
                    left + members.size / 2,
                    row,
                    f"{lead}{more}",
                    ha="center",
                    va="center",
                    fontsize=7,
                    color="white" if colour not in ("#F0E442", "#E69F00", "#56B4E9") else "black",
                    in_layout=False,
                )
            left += members.size
        if small:
            ax.barh(row, small, left=left, color=OTHER_COLOUR, edgecolor="white", height=0.7)
        blocs = len(entry.leads)
        names.append(f"{entry.issue}\n({entry.votes} votes, {blocs} blocs)")
    ax.set_yticks(range(len(entries)), names, fontsize=8)
    ax.invert_yaxis()
    ax.set_xlim(0, n)
    ax.set_xlabel("states (segment: one bloc on that issue, named after its lead state)")
    handles = [
        Patch(color=bloc_colour(b), label=label)
        for b, label in bloc_labels(results).items()
        if b in used
    ]
    handles.append(Patch(color=OTHER_COLOUR, label=f"blocs of fewer than {SMALL_BLOC} states"))
    ax.legend(
        handles=handles,
        title="colour: overall bloc of most members",
        fontsize=8,
        loc="upper left",
        bbox_to_anchor=(1.01, 1.0),
    )
    ax.spines[["top", "right"]].set_visible(False)
    ax.set_title("Blocs per issue: the clustering of every vote, redone on each issue's votes")
    return fig


SCALED_MAP: PlotSpec[RunResults] = PlotSpec(
    "alignment_map",
    "Alignment map",
    (
        "Each state placed by classical multidimensional scaling (principal coordinates) of "
        "1 \u2212 agreement over all the run's votes, coloured by bloc: states that vote alike"
        " sit together, and the first axis is the session's strongest cleavage (the axis "
        "label says how much of the variance each axis carries). {ref_a} is on the positive "
        "side of both axes; distances are in agreement units and the axes have no other "
        "meaning. Named: the reference and notable states, bloc leads, and the states at "
        "each end of each axis (+k: k more states at the same point). {recorded_panel}"
    ),
    figure_scaled_map,
    cost=0.6,
)
"""The alignment map of runs with many votes (:func:`sim.output.vote_space.scaled_map`)."""

ISSUE_BLOCS_PLOT: PlotSpec[RunResults] = PlotSpec(
    "blocs_by_issue",
    "Blocs per issue",
    (
        "The top bar is the run's blocs over every vote; each bar below redoes the same "
        "clustering on one issue's votes only. A segment is a bloc (width: its states, label:"
        " its lead state and how many others), coloured by the overall bloc most of its "
        "members belong to: one colour in two segments is a bloc that splits on that issue, "
        "two colours in one segment are blocs that vote together on it. Grey pools the blocs"
        " of fewer than three states. An issue with one or two votes yields coarse blocs."
    ),
    figure_issue_blocs,
    cost=0.3,
    crop=True,
)
"""Drawn for runs whose votes span more than one issue (:func:`sim.output.plots.run_plots`)."""
