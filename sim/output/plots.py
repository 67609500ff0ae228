"""Figures drawn from stored result tables (never from a live model).

Every figure is built by a ``figure_*`` function that takes result tables and returns a
matplotlib :class:`~matplotlib.figure.Figure`; :func:`draw_run_plots` saves them as PNG
(default) or SVG (sweep figures are in :mod:`sim.output.sweep_plots`). States are ordered by
bloc (the hierarchical clustering of :func:`sim.common.measures.blocs`) wherever they are
listed, and are named only where a label can be read: above :data:`MAX_LABELS` states,
figures name blocs, the reference states and isolated states instead of every state.

Colours are the Okabe & Ito (2008) colour-blind-safe palette (:mod:`sim.output.plotting`).
"""

from __future__ import annotations

import functools
import itertools
import math
from pathlib import Path
from typing import Any

import matplotlib
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.colors import ListedColormap
from matplotlib.figure import Figure
from matplotlib.patches import Patch
from matplotlib.text import Text
from matplotlib.transforms import Bbox

from sim.common.tables import RunResults, load_run
from sim.output.blocs import (
    MAX_LABELS,
    ROWS_PER_PANEL,
    agreement_matrix,
    bloc_labels,
    bloc_order,
    vote_labels,
)
from sim.output.plotting import (
    VOTE_COLOURS,
    VOTE_ORDER,
    DrawnPlot,
    PlotFormat,
    PlotSpec,
    check_format,
    lay_out,
    save_figure,
    subplots,
    write_index,
)
from sim.output.recorded import RECORD_PLOT, recorded_votes
from sim.output.relation_plots import (
    figure_alignment_map,
    figure_bloc_network,
    figure_favour_ledger,
)
from sim.output.space_plots import ISSUE_BLOCS_PLOT, SCALED_MAP
from sim.output.vote_space import (
    alignment_coordinates,
    issues,
    recorded_coordinates,
    scaled_map,
)
from sim.output.workers import draw_jobs


def figure_tallies(results: RunResults) -> Figure:
    """Stacked bars: how many states voted yes / abstain / no / absent on each resolution."""
    tallies = results["tallies"]
    labels = [
        f"{label} ({'adopted' if adopted else 'rejected'})"
        for label, adopted in zip(vote_labels(results), tallies["adopted"], strict=True)
    ]
    height = min(max(2.8, 0.45 * len(labels) + 1.8), 30.0)
    fig, ax = subplots(figsize=(8, height))
    left = np.zeros(len(labels))
    total = float(tallies[list(VOTE_ORDER)].sum(axis=1).max()) if len(tallies) else 1.0
    # a whole session (90 votes): one text for the row names, not a tick label per bar,
    # which layout measured again and again (most of this figure's time; see RowNames)
    many = len(labels) > 40
    rows: Any = np.arange(len(labels)) if many else labels
    for word in VOTE_ORDER:
        counts = tallies[word].to_numpy()
        bars = ax.barh(rows, counts, left=left, color=VOTE_COLOURS[word], label=word)
        if len(labels) <= 40:
            shown = [f"{c}" if c >= 0.04 * total else "" for c in counts]
            text = "white" if word in ("yes", "no") else "black"
            # inside the bars: left out of the layout pass, which then measures fewer texts
            ax.bar_label(
                bars, labels=shown, label_type="center", fontsize=8, color=text, in_layout=False
            )
        left += counts
    if many:
        ax.set_yticks([])
        ax.set_ylim(-0.5, len(labels) - 0.5)
        ax.add_artist(RowNames(ax, labels, fontsize=8))
    ax.invert_yaxis()
    ax.set_xlabel("number of states")
    ax.set_title("Votes cast on each resolution (round, resolution id)")
    # beside the bars, top right, where the eye goes after reading a bar
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False, title="vote")
    ax.spines[["top", "right"]].set_visible(False)
    return fig


class RowNames(Text):
    """The names of an image's rows, left of its axes, as one multi-line text.

    One text instead of a tick label per row: a tick is five artists and its label is measured
    several times per draw, which made the vote chart of 193 states the slowest figure. At
    every draw the line spacing is set so that line ``i`` sits beside row ``i`` (each line of
    a text with a numeric line spacing is exactly ``spacing * (ascent + descent)`` high).

    Parameters
    ----------
    ax
        Axes whose image (``imshow``, ``aspect="auto"``) has one row per name.
    names
        Row names, top row first.
    **kwargs
        Text properties (``fontsize`` ...).
    """

    def __init__(self, ax: Axes, names: list[str], **kwargs: Any) -> None:
        super().__init__(
            -0.01,
            0.5,
            "\n".join(names),
            transform=ax.transAxes,
            ha="right",
            va="center",
            linespacing=1.0,
            clip_on=False,
            **kwargs,
        )
        self.rows = max(1, len(names))

    def _fit(self, renderer: Any) -> None:
        if self.axes is None or renderer is None:
            return
        self.set_linespacing(1.0)
        unit = super().get_window_extent(renderer).height / self.rows
        if unit > 0:
            self.set_linespacing(self.axes.bbox.height / self.rows / unit)

    def get_window_extent(self, renderer: Any = None, dpi: float | None = None) -> Bbox:
        """Extent of the text with its lines spread over the rows."""
        self._fit(renderer)
        return super().get_window_extent(renderer, dpi)

    def draw(self, renderer: Any) -> None:
        """Draw the names, one beside each row."""
        self._fit(renderer)
        super().draw(renderer)


def figure_votes_by_bloc(results: RunResults) -> Figure:
    """Every state's vote on every resolution, states grouped by bloc (panels of 50 at most)."""
    countries = results["countries"]
    order = bloc_order(results)
    ids = countries["country"].to_numpy()[order]
    bloc = countries["bloc"].to_numpy()[order]
    columns = vote_labels(results)
    votes = results["votes"]
    codes = votes["vote"].map({w: i for i, w in enumerate(("absent", *VOTE_ORDER[:3]))})
    key = votes["round"].astype(str) + " " + votes["resolution"]
    table = pd.DataFrame({"key": key, "country": votes["country"], "code": codes})
    wide = table.pivot(index="country", columns="key", values="code")
    keys = [
        f"{r} {res}"
        for r, res in zip(
            results["tallies"]["round"], results["tallies"]["resolution"], strict=True
        )
    ]
    matrix = wide.reindex(index=ids, columns=keys).to_numpy(dtype=float)
    n, m = matrix.shape
    panels = max(1, math.ceil(n / ROWS_PER_PANEL))
    rows = math.ceil(n / panels)
    cell = 0.32 if m <= 20 else max(0.06, 6.0 / m)
    width = min(18.0, max(7.0, panels * (2.6 + cell * m)))
    height = min(14.0, 1.6 + 0.16 * rows + (0.9 if m <= 40 else 0.2))
    fig, axes = subplots(1, panels, figsize=(width, height), squeeze=False)
    cmap = ListedColormap([VOTE_COLOURS[w] for w in ("absent", *VOTE_ORDER[:3])])
    labels = bloc_labels(results)
    for p, ax in enumerate(axes[0]):
        part = slice(p * rows, min(n, (p + 1) * rows))
        ax.imshow(matrix[part], cmap=cmap, vmin=-0.5, vmax=3.5, aspect="auto", interpolation="none")
        ax.set_yticks([])
        ax.add_artist(RowNames(ax, [str(c) for c in ids[part]], fontsize=7))
        if m <= 40:
            ax.set_xticks(range(m), columns, rotation=0 if m * panels <= 6 else 90, fontsize=7)
        else:
            ax.set_xticks([])
            ax.set_xlabel(f"{m} resolution votes in order", fontsize=8)
        part_bloc = bloc[part]
        for edge in np.flatnonzero(np.diff(part_bloc)) + 0.5:
            ax.axhline(edge, color="black", linewidth=1.2)
        starts = np.concatenate([[0], np.flatnonzero(np.diff(part_bloc)) + 1])
        for start in starts:
            ax.annotate(
                labels[int(part_bloc[start])],
                xy=(1.0, start),
                xycoords=("axes fraction", "data"),
                xytext=(3, 0),
                textcoords="offset points",
                fontsize=7,
                va="top",
            )
        if m <= 40:  # white cell borders as two line collections, not one tick per cell
            shown = len(ids[part])
            white = {"color": "white", "linewidth": 0.6, "zorder": 1.5}
            ax.hlines(np.arange(shown + 1) - 0.5, -0.5, m - 0.5, **white)
            ax.vlines(np.arange(m + 1) - 0.5, -0.5, shown - 0.5, **white)
        ax.tick_params(which="both", length=0)
    legend = [Patch(color=VOTE_COLOURS[w], label=w) for w in VOTE_ORDER]
    fig.legend(handles=legend, ncols=4, loc="lower center", frameon=False, fontsize=9)
    fig.suptitle("Every state's vote on each resolution, states grouped by bloc")
    lay_out(fig, rect=(0, 0.05, 1, 1))
    return fig


def figure_alignment_heatmap(results: RunResults) -> Figure:
    """Pairwise agreement, states ordered by bloc so blocs show as squares on the diagonal."""
    ids, matrix = agreement_matrix(results)
    countries = results["countries"]
    order = bloc_order(results)
    ordered = matrix[np.ix_(order, order)]
    n = len(ids)
    size = min(9.0, max(5.0, 0.2 * n + 2.0))
    fig, ax = subplots(figsize=(size + 1.6, size))
    cmap = matplotlib.colormaps["cividis"].with_extremes(bad="#FFFFFF")
    image = ax.imshow(ordered, cmap=cmap, vmin=0.0, vmax=1.0, interpolation="nearest")
    bloc = countries["bloc"].to_numpy()[order]
    if n <= MAX_LABELS:
        names = [ids[i] for i in order]
        ax.set_xticks(range(n), names, rotation=90, fontsize=7)
        ax.set_yticks(range(n), names, fontsize=7)
    else:
        labels = bloc_labels(results)
        starts = np.concatenate([[0], np.flatnonzero(np.diff(bloc)) + 1, [n]])
        middles, names = [], []
        for start, stop in itertools.pairwise(starts):
            if stop - start >= n / 40:
                middles.append((start + stop - 1) / 2)
                names.append(labels[int(bloc[start])])
        ax.set_yticks(middles, names, fontsize=9)
        references = list(results.manifest.scenario.reference_states)
        where = [int(np.flatnonzero(np.array(ids)[order] == r)[0]) for r in references]
        ax.set_xticks(where, references, rotation=90, fontsize=9)
        ax.set_xlabel(f"{n} states in the same order (reference states marked)")
    for edge in np.flatnonzero(np.diff(bloc)) + 0.5:
        ax.axhline(edge, color="white", linewidth=0.8)
        ax.axvline(edge, color="white", linewidth=0.8)
    fig.colorbar(
        image, ax=ax, fraction=0.046, label="agreement (1 same vote, 0.5 one abstained, 0 opposite)"
    )
    ax.set_title("Voting agreement between states, grouped by bloc (white lines)")
    return fig


RUN_PLOTS: tuple[PlotSpec[RunResults], ...] = (
    PlotSpec(
        "tallies",
        "Tallies",
        (
            "One bar per resolution vote (label: round, resolution id, and whether it was "
            "adopted): how many states voted yes (blue), abstained (orange), voted no "
            "(vermillion) or were absent (grey). A long orange segment means the resolution "
            "split states that did not want to take sides."
        ),
        figure_tallies,
        cost=0.3,
        crop=True,
    ),
    PlotSpec(
        "votes_by_bloc",
        "Every state's vote, grouped by bloc",
        (
            "One row per state, one column per resolution vote, coloured by the vote (same "
            "colours as the tallies). States are grouped by bloc (black lines; the label "
            "names a leading member and how many others the bloc holds), so a bloc that votes"
            " together shows as a block of one colour and a state that breaks ranks shows as "
            "a cell of another. Large worlds are split into side-by-side panels."
        ),
        figure_votes_by_bloc,
        cost=1.0,
    ),
    PlotSpec(
        "alignment_heatmap",
        "Agreement between every pair of states",
        (
            "Cell colour is the share of joint votes two states cast alike (1 yellow: always "
            "the same vote; 0.5: one abstained; 0 dark blue: opposite votes); white cells had"
            " no vote in common. States are ordered by bloc, so blocs appear as bright "
            "squares on the diagonal, separated by white lines, and dark off-diagonal blocks "
            "are opposed blocs."
        ),
        figure_alignment_heatmap,
        cost=0.4,
        crop=True,
    ),
    PlotSpec(
        "alignment_map",
        "Alignment map",
        (
            "Each state's agreement with the two reference states, {ref_a} (x) and {ref_b} "
            "(y), coloured by bloc. States top-left vote with {ref_b}, bottom-right with "
            "{ref_a}; the dashed diagonal is where siding with one means opposing the other, "
            "and states in the middle of it are cross-pressured. States at the same point are"
            " named together."
        ),
        figure_alignment_map,
        cost=0.5,
    ),
    PlotSpec(
        "bloc_network",
        "Bloc network",
        (
            "States are nodes coloured by bloc; a line joins two states that cast the same "
            "vote on at least {threshold:.0%} of their joint votes. Tightly knit clusters are"
            " voting blocs; a state bridging two clusters agrees strongly with both. "
            "Distances come from a force-directed layout and have no unit; states linked to "
            "nobody are listed below."
        ),
        figure_bloc_network,
        cost=0.6,
    ),
    PlotSpec(
        "favour_ledger",
        "Favour ledger",
        (
            "Left: the debts with the largest balances (“A owes B”, in favour units) after "
            "each round, round 0 being the favours the scenario starts with. Debts shrink "
            "when the debtor votes the creditor's way and by decay every round. Right: the "
            "total credit held by the largest creditors, i.e. how much leverage each can "
            "still call on."
        ),
        figure_favour_ledger,
        cost=0.9,
    ),
)
"""Every run plot, in the order the report shows them; ``{placeholders}`` are filled by
:func:`guide_fill`. Costs are the seconds each took for un_2022 (193 states, 5 votes) on a
2-core development machine."""


def run_plots(results: RunResults) -> tuple[PlotSpec[RunResults], ...]:
    """Return the plots of this run: :data:`RUN_PLOTS`, adapted to what the run holds.

    On a run of :data:`~sim.output.vote_space.MAP_MIN_VOTES` votes or more the alignment map
    is the scaled map (:data:`~sim.output.space_plots.SCALED_MAP`) instead of the map of
    agreement with the reference states; the blocs per issue follow the bloc network when the
    votes span several issues, and the record comparison comes last when the run holds one.
    """
    specs: list[PlotSpec[RunResults]] = []
    for spec in RUN_PLOTS:
        specs.append(SCALED_MAP if spec.stem == "alignment_map" and scaled_map(results) else spec)
        if spec.stem == "bloc_network" and len(issues(results)) > 1:
            specs.append(ISSUE_BLOCS_PLOT)
    if recorded_votes(results) is not None:
        specs.append(RECORD_PLOT)
    return tuple(specs)


def guide_fill(results: RunResults) -> dict[str, object]:
    """Values for the placeholders in the run plots' guides."""
    refs = results.manifest.scenario.reference_states or ["", ""]
    recorded = recorded_coordinates(results) if scaled_map(results) else None
    return {
        "ref_a": refs[0],
        "ref_b": refs[1],
        "threshold": results.manifest.parameters["bloc_agreement"],
        "recorded_panel": ""
        if recorded is None
        else (
            f"Right: the same map of the {recorded[1]} recorded roll calls, states coloured "
            "by their simulated bloc, so a state far from its bloc's colour there is one the "
            "run places in the wrong company."
        ),
    }


def draw_run_plots(
    results: RunResults, out: Path, fmt: PlotFormat = "png", workers: int | None = None
) -> list[Path]:
    """Draw every run plot into ``out`` (created if needed) as ``fmt``; return the files written.

    Also writes ``out/plots.json`` with each figure's title and filled-in reading guide. The
    figures are drawn in parallel by :func:`~sim.output.workers.draw_jobs`.

    Parameters
    ----------
    results
        A run read back by :func:`sim.common.tables.load_run`.
    out
        Folder for the figures (``<stem>.<fmt>``, stems as in :data:`RUN_PLOTS`).
    fmt
        ``"png"`` (default) or ``"svg"``.
    workers
        Most processes drawing at once (default: the cores available; 1 draws here).
    """
    check_format(fmt)
    fill = guide_fill(results)
    # what several figures share is computed once, before the workers fork and inherit it
    agreement_matrix(results)
    bloc_order(results)
    if scaled_map(results):
        alignment_coordinates(results)
    specs = run_plots(results)
    jobs = [
        functools.partial(_draw_one, spec, results, out / f"{spec.stem}.{fmt}") for spec in specs
    ]
    paths = draw_jobs(jobs, [spec.cost for spec in specs], workers)
    drawn = [
        DrawnPlot(path, spec.title, spec.guide.format(**fill))
        for spec, path in zip(specs, paths, strict=True)
    ]
    write_index(out, drawn)
    return paths


def redraw_run_plots(results_dir: Path, fmt: PlotFormat = "png") -> list[Path]:
    """Draw every run plot of a results directory into its ``plots`` folder, from its tables."""
    return draw_run_plots(load_run(results_dir), results_dir / "plots", fmt)


def _draw_one(spec: PlotSpec[RunResults], results: RunResults, path: Path) -> Path:
    return save_figure(spec.draw(results), path, crop=spec.crop)
