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
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import matplotlib
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.collections import LineCollection
from matplotlib.colors import ListedColormap
from matplotlib.figure import Figure
from matplotlib.patches import Patch
from matplotlib.text import Text
from matplotlib.ticker import MaxNLocator
from matplotlib.transforms import Bbox

from sim.common.tables import RunResults, load_run
from sim.output.plotting import (
    OKABE_ITO,
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
from sim.output.workers import draw_jobs

T = TypeVar("T")

MAX_LABELS = 60
"""Above this many countries, figures name blocs and notable states instead of every state."""
ROWS_PER_PANEL = 50
"""Most states listed in one panel of the vote chart (more are split over side-by-side panels)."""
PERMANENT_MEMBERS = ("USA", "RUS", "CHN", "GBR", "FRA")
"""The Security Council's permanent members: a bloc holding one is named after it."""
ALWAYS_LABELLED = (*PERMANENT_MEMBERS, "IND")
"""States named on the alignment map whatever its size: the Security Council's permanent
members and India, whose positions readers look for first."""
LEDGER_PAIRS = 15
"""Debtor-creditor pairs shown in the favour ledger (those with the largest balances)."""


EXTRA_BLOC_COLOURS = (
    "#882255",
    "#44AA99",
    "#999933",
    "#AA4499",
    "#332288",
    "#88CCEE",
    "#DDCC77",
    "#117733",
    "#661100",
    "#6699CC",
    "#AA4466",
    "#4477AA",
)
"""Blocs 9 and on (Tol's muted palette and friends): no two of the first 20 blocs share one."""


def bloc_colour(bloc: int) -> str:
    """Colour of a bloc (1, 2, ...): Okabe-Ito for the first eight, then distinct others."""
    palette = (*OKABE_ITO, *EXTRA_BLOC_COLOURS)
    return palette[(bloc - 1) % len(palette)]


_MEMO: dict[str, tuple[RunResults, Any]] = {}


def _memo(name: str, results: RunResults, compute: Callable[[], T]) -> T:
    """Compute ``name`` once per results object (the figures of a run share it)."""
    slot = _MEMO.get(name)
    if slot is not None and slot[0] is results:
        value: T = slot[1]
        return value
    value = compute()
    _MEMO[name] = (results, value)
    return value


def agreement_matrix(results: RunResults) -> tuple[list[str], np.ndarray]:
    """Square agreement matrix (NaN where no joint vote) in ``countries.parquet`` order.

    Computed once per results object and shared read-only by the figures.
    """
    ids, matrix = _memo("agreement", results, lambda: _agreement_matrix(results))
    return list(ids), matrix


def _agreement_matrix(results: RunResults) -> tuple[list[str], np.ndarray]:
    countries = results["countries"]
    ids = list(countries["country"])
    index = {c: i for i, c in enumerate(ids)}
    matrix = np.full((len(ids), len(ids)), np.nan)
    np.fill_diagonal(matrix, 1.0)
    table = results["alignment"]
    a = table["country_a"].map(index).to_numpy()
    b = table["country_b"].map(index).to_numpy()
    values = table["agreement"].to_numpy()
    matrix[a, b] = values
    matrix[b, a] = values
    matrix.flags.writeable = False
    return ids, matrix


def bloc_order(results: RunResults) -> np.ndarray:
    """Row positions of ``countries.parquet`` sorted by bloc, then by dendrogram order."""
    countries = results["countries"]
    return np.lexsort((countries["order"].to_numpy(), countries["bloc"].to_numpy()))


def bloc_leads(results: RunResults) -> dict[int, str]:
    """Return the member each bloc is named after: its most prominent, else most central state.

    In this order: a reference state in the bloc (the first listed); else a permanent member
    of the Security Council (:data:`PERMANENT_MEMBERS`, in that order); else the most central
    member: the highest mean agreement with the other members, then the most votes cast
    (absences count against a state), then the scenario's order. The choice depends only on
    the stored tables, so it is the same on every redraw.
    """
    return dict(_memo("leads", results, lambda: _bloc_leads(results)))


def _bloc_leads(results: RunResults) -> dict[int, str]:
    ids, matrix = agreement_matrix(results)
    bloc = results["countries"]["bloc"].to_numpy()
    references = list(results.manifest.scenario.reference_states)
    votes = results["votes"]
    cast = votes.loc[votes["vote"] != "absent", "country"].value_counts()
    present = np.array([int(cast.get(c, 0)) for c in ids])
    leads = {}
    for b in sorted(set(bloc.tolist())):
        members = np.flatnonzero(bloc == b)
        names = {ids[i] for i in members}
        prominent = [c for c in (*references, *PERMANENT_MEMBERS) if c in names]
        if prominent:
            leads[int(b)] = prominent[0]
            continue
        inner = matrix[np.ix_(members, members)].copy()
        np.fill_diagonal(inner, np.nan)
        with np.errstate(invalid="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # a member with no joint vote
            typical = np.nan_to_num(np.nanmean(inner, axis=1), nan=-1.0)
        best = min(
            range(members.size),
            key=lambda k: (-round(float(typical[k]), 9), -present[members[k]], members[k]),
        )
        leads[int(b)] = ids[members[best]]
    return leads


def bloc_labels(results: RunResults) -> dict[int, str]:
    """Name each bloc by its number, its lead (:func:`bloc_leads`) and how many others it holds.

    For example ``bloc 2: CHN +24``: bloc 2 holds China and 24 other states.
    """
    bloc = results["countries"]["bloc"].to_numpy()
    labels = {}
    for b, lead in bloc_leads(results).items():
        size = int((bloc == b).sum())
        more = f" +{size - 1}" if size > 1 else ""
        labels[b] = f"bloc {b}: {lead}{more}"
    return labels


def vote_labels(results: RunResults) -> list[str]:
    """Label of each resolution vote, ``R<round> <id>``, in ``tallies.parquet`` order."""
    tallies = results["tallies"]
    return [f"R{r} {res}" for r, res in zip(tallies["round"], tallies["resolution"], strict=True)]


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
    for word in VOTE_ORDER:
        counts = tallies[word].to_numpy()
        bars = ax.barh(labels, counts, left=left, color=VOTE_COLOURS[word], label=word)
        if len(labels) <= 40:
            shown = [f"{c}" if c >= 0.04 * total else "" for c in counts]
            text = "white" if word in ("yes", "no") else "black"
            # inside the bars: left out of the layout pass, which then measures fewer texts
            ax.bar_label(
                bars, labels=shown, label_type="center", fontsize=8, color=text, in_layout=False
            )
        left += counts
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


def figure_alignment_map(results: RunResults) -> Figure:
    """Each state's agreement with the two reference states (e.g. the US and Russia)."""
    ids, matrix = agreement_matrix(results)
    ref_a, ref_b = results.manifest.scenario.reference_states
    index = {c: i for i, c in enumerate(ids)}
    x = matrix[index[ref_a]]
    y = matrix[index[ref_b]]
    bloc = results["countries"]["bloc"].to_numpy()
    fig, ax = subplots(figsize=(10.5, 7))
    jitter = np.random.default_rng(0).uniform(-0.008, 0.008, size=(2, len(ids)))
    ax.plot([0, 1], [1, 0], color="#999999", linewidth=0.8, linestyle="--", zorder=0)
    labels = bloc_labels(results)
    placed = ~(np.isnan(x) | np.isnan(y))
    for b in sorted(labels):
        members = (bloc == b) & placed
        if not members.any():  # a bloc of states that never voted with a reference state
            continue
        ax.scatter(
            x[members] + jitter[0, members],
            y[members] + jitter[1, members],
            color=bloc_colour(b),
            s=34,
            edgecolor="white",
            linewidth=0.4,
            label=f"{labels[b]} ({int(members.sum())})",
        )
    notable = {*ALWAYS_LABELLED, *bloc_leads(results).values()}
    for (px, py), text in _point_labels(ids, x, y, (ref_a, ref_b), notable):
        ax.annotate(text, (px, py), fontsize=7, xytext=(4, 3), textcoords="offset points")
    ax.legend(
        title="bloc (states shown)", fontsize=8, loc="center left", bbox_to_anchor=(1.01, 0.5)
    )
    if not placed.all():
        _note_missing(
            ax,
            f"Not shown (no vote in common with {ref_a} or {ref_b})",
            [c for c, ok in zip(ids, placed.tolist(), strict=True) if not ok],
            y=-0.1,
        )
    ax.set_xlim(-0.05, 1.05)
    ax.set_ylim(-0.05, 1.05)
    ax.set_xlabel(f"agreement with {ref_a} (share of joint votes, abstain = half)")
    ax.set_ylabel(f"agreement with {ref_b} (share of joint votes, abstain = half)")
    ax.set_title(f"Alignment map: each state between {ref_a} and {ref_b}")
    ax.grid(alpha=0.3)
    return fig


def _note_missing(ax: Axes, what: str, names: list[str], y: float = -0.02) -> None:
    """Write ``what: A, B and N more`` under an axes (at most 20 names)."""
    more = f" and {len(names) - 20} more" if len(names) > 20 else ""
    ax.text(
        0.0,
        y,
        f"{what}: {', '.join(names[:20])}{more}",
        transform=ax.transAxes,
        fontsize=8,
        va="top",
        wrap=True,
    )


def _point_labels(
    ids: list[str],
    x: np.ndarray,
    y: np.ndarray,
    references: tuple[str, str],
    notable: set[str] | frozenset[str] = frozenset(),
) -> list[tuple[tuple[float, float], str]]:
    """One label per position shared by states: every state when few, else groups and outliers.

    States at the same position are named together (``RUS, BLR, PRK``; above four,
    ``USA, DEU +118``, reference states first). Above :data:`MAX_LABELS` states, only
    positions held by a reference state or a ``notable`` one (named first), by five or more
    states, or by at most three states (outliers, when there are no more than 25 such
    positions) are labelled.
    """
    groups: dict[tuple[float, float], list[str]] = {}
    for name, px, py in zip(ids, x.tolist(), y.tolist(), strict=True):
        if not (math.isnan(px) or math.isnan(py)):
            groups.setdefault((round(px, 3), round(py, 3)), []).append(name)
    small = sum(1 for members in groups.values() if len(members) <= 3)
    out = []
    for point, group in sorted(groups.items()):
        members = sorted(group, key=lambda c: (c not in references, c not in notable, ids.index(c)))
        keep = (
            len(ids) <= MAX_LABELS
            or any(c in references or c in notable for c in members)
            or len(members) >= 5
            or (len(members) <= 3 and small <= 25)
        )
        if keep:
            if len(members) <= 4:
                text = ", ".join(members)
            else:  # every reference or notable state by name, at least two names
                named = [c for c in members if c in references or c in notable]
                named += [c for c in members if c not in named][: max(0, 2 - len(named))]
                text = f"{', '.join(named)} +{len(members) - len(named)}"
            out.append((point, text))
    return out


def spring_layout(
    adjacency: np.ndarray, k: float, iterations: int = 50, seed: int = 0
) -> np.ndarray:
    """Force-directed positions of a graph (Fruchterman & Reingold 1991), in numpy.

    The dense algorithm of ``networkx.spring_layout`` without building a graph object:
    linked nodes attract with force ``d**2 / k``, all pairs repel with ``k**2 / d``, and
    each node moves at most a shrinking temperature per iteration. Deterministic in ``seed``.

    Parameters
    ----------
    adjacency
        ``(n, n)`` symmetric 0/1 matrix of links.
    k
        Ideal distance between linked nodes.
    iterations
        Number of moves.
    seed
        Seed of the random start.

    Returns
    -------
    numpy.ndarray
        ``(n, 2)`` positions, centred and scaled into [-1, 1].
    """
    n = adjacency.shape[0]
    pos = np.random.default_rng(seed).uniform(size=(n, 2))
    if n < 2:
        return np.zeros((n, 2))
    temperature = 0.1 * float(np.max(np.ptp(pos, axis=0)))
    cooling = temperature / (iterations + 1)
    for _ in range(iterations):
        delta = pos[:, None, :] - pos[None, :, :]
        distance = np.maximum(np.hypot(delta[..., 0], delta[..., 1]), 0.01)
        force = k * k / distance**2 - adjacency * distance / k
        shift = np.einsum("ij,ijk->ik", force, delta)
        length = np.maximum(np.hypot(shift[:, 0], shift[:, 1]), 0.01)
        pos += shift * (temperature / length)[:, None]
        temperature -= cooling
    pos -= pos.mean(axis=0)
    scale = float(np.max(np.abs(pos)))
    return pos / scale if scale > 0 else pos


def figure_bloc_network(results: RunResults) -> Figure:
    """States as nodes, linked where they agreed on at least ``bloc_agreement`` of joint votes.

    States linked to nobody (a state absent from every vote, say) stand in a row under the
    network, so every state in the legend is drawn.
    """
    ids, matrix = agreement_matrix(results)
    threshold = float(results.manifest.parameters["bloc_agreement"])
    bloc = results["countries"]["bloc"].to_numpy()
    n = len(ids)
    adjacency = np.nan_to_num(matrix, nan=0.0) >= threshold
    np.fill_diagonal(adjacency, False)
    degree = adjacency.sum(axis=1)
    linked = np.flatnonzero(degree > 0)
    isolated = np.flatnonzero(degree == 0)
    xy = np.zeros((n, 2))
    if linked.size:
        xy[linked] = spring_layout(
            adjacency[np.ix_(linked, linked)].astype(float), k=3.0 / math.sqrt(n)
        )
    if isolated.size:  # a row under the network, evenly spaced
        spread = np.linspace(-1.0, 1.0, isolated.size + 2)[1:-1]
        xy[isolated, 0] = spread if isolated.size > 1 else 0.0
        xy[isolated, 1] = (np.min(xy[linked, 1]) if linked.size else 0.0) - 0.35
    fig, ax = subplots(figsize=(10.5, 7.5))
    a, b = np.nonzero(np.triu(adjacency, k=1))
    segments = np.stack([xy[a], xy[b]], axis=1)
    # Dense networks (thousands of links) need lighter lines to stay readable, but never so
    # light that the links disappear.
    alpha = float(np.clip(60.0 / math.sqrt(max(len(segments), 1)), 0.08, 0.6))
    ax.add_collection(
        LineCollection(list(segments), colors="#555555", linewidths=0.6, alpha=alpha, zorder=1)
    )
    labels = bloc_labels(results)
    for k in sorted(labels):
        members = bloc == k
        ax.scatter(
            xy[members, 0],
            xy[members, 1],
            color=bloc_colour(k),
            s=60 if n <= MAX_LABELS else 22,
            edgecolor="white",
            linewidth=0.5,
            zorder=2,
            label=f"{labels[k]} ({int(members.sum())})",
        )
    references = set(results.manifest.scenario.reference_states)
    leads = set(bloc_leads(results).values())
    named = set(ids[i] for i in isolated) if isolated.size <= 20 else set()
    for i, name in enumerate(ids):
        if n <= MAX_LABELS or name in references or name in leads or name in named:
            ax.annotate(
                name, xy[i], fontsize=7, xytext=(4, 3), textcoords="offset points", in_layout=False
            )
    ax.legend(title="bloc (states)", fontsize=8, loc="center left", bbox_to_anchor=(1.01, 0.5))
    if isolated.size:
        _note_missing(ax, "Not linked to any state (bottom row)", [ids[i] for i in isolated])
    ax.set_title(
        f"Bloc network: a line joins two states that cast the same vote on at least "
        f"{threshold:.0%} of joint votes\n(position from a force-directed layout; "
        f"{len(segments)} links)",
        fontsize=11,
    )
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_aspect("equal", adjustable="datalim")
    ax.spines[:].set_visible(False)
    return fig


def figure_favour_ledger(results: RunResults) -> Figure:
    """Who owes whom: the largest debtor -> creditor balances, and each creditor's total."""
    favours = results["favours"]
    rounds = sorted(set(results["rounds"]["round"].tolist()) | {0})
    if favours.empty:
        fig, ax = subplots(figsize=(8, 2.5))
        ax.text(0.5, 0.5, "No favours were owed in this run.", ha="center", va="center")
        ax.set_axis_off()
        ax.set_title("Favour ledger: who owes whom after each round")
        return fig
    pairs = favours["debtor"] + " owes " + favours["creditor"]
    wide = (
        favours.assign(pair=pairs)
        .pivot_table(index="pair", columns="round", values="balance", aggfunc="sum")
        .reindex(columns=rounds)
        .fillna(0.0)
    )
    top = wide.loc[wide.max(axis=1).sort_values(ascending=False, kind="stable").index]
    top = top.iloc[:LEDGER_PAIRS]
    height = min(12.0, max(3.5, 0.33 * len(top) + 2.0))
    fig, (left, right) = subplots(
        1, 2, figsize=(12, height), gridspec_kw={"width_ratios": [1.3, 1]}
    )
    image = left.imshow(top.to_numpy(), cmap="cividis", aspect="auto", vmin=0.0)
    left.set_yticks(range(len(top)), list(top.index), fontsize=8)
    step = max(1, len(rounds) // 12)
    left.set_xticks(range(0, len(rounds), step), [str(r) for r in rounds[::step]])
    left.set_xlabel("after round (0 = initial favours)")
    if len(rounds) <= 12:
        peak = float(np.max(top.to_numpy()))
        for (row, col), value in np.ndenumerate(top.to_numpy()):
            colour = "black" if value > 0.6 * peak else "white"
            left.text(
                *(col, row, f"{value:.2f}"),
                ha="center",
                va="center",
                fontsize=7,
                color=colour,
                in_layout=False,  # inside its cell: nothing for the layout pass to make room for
            )
    fig.colorbar(image, ax=left, fraction=0.05, label="balance (favour units)")
    left.set_title(f"Largest debts (top {len(top)} of {len(wide)} pairs)", fontsize=10)

    credit = (
        favours.pivot_table(index="round", columns="creditor", values="balance", aggfunc="sum")
        .reindex(index=rounds)
        .fillna(0.0)
    )
    leaders = credit.max().sort_values(ascending=False, kind="stable").index[:7]
    # Creditors whose curves coincide share one line and one label ("SAU, ARE, RWA"), so no
    # state is listed in the legend yet hidden under another's line.
    groups: dict[tuple[float, ...], list[str]] = {}
    for creditor in leaders:
        key = tuple(np.round(credit[creditor].to_numpy(float), 9).tolist())
        groups.setdefault(key, []).append(str(creditor))
    for k, members in enumerate(groups.values()):
        right.plot(
            credit.index,
            credit[members[0]],
            marker="o",
            markersize=3,
            color=OKABE_ITO[k % len(OKABE_ITO)],
            label=", ".join(members),
        )
    right.xaxis.set_major_locator(MaxNLocator(integer=True))
    right.set_xlabel("after round (0 = initial favours)")
    right.set_ylabel("favour units owed to the state")
    right.set_title("Credit held by the largest creditors", fontsize=10)
    right.legend(title="creditor", fontsize=8)
    right.grid(alpha=0.3)
    right.spines[["top", "right"]].set_visible(False)
    fig.suptitle("Favour ledger: who owes whom after each round")
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
    """Return the plots of this run: :data:`RUN_PLOTS`, plus the record comparison if any."""
    if recorded_votes(results) is None:
        return RUN_PLOTS
    return (*RUN_PLOTS, RECORD_PLOT)


def guide_fill(results: RunResults) -> dict[str, object]:
    """Values for the placeholders in the run plots' guides."""
    refs = results.manifest.scenario.reference_states or ["", ""]
    return {
        "ref_a": refs[0],
        "ref_b": refs[1],
        "threshold": results.manifest.parameters["bloc_agreement"],
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
