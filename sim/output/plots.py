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

import itertools
import math
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import networkx as nx
import numpy as np
import pandas as pd
from matplotlib.collections import LineCollection
from matplotlib.colors import ListedColormap
from matplotlib.figure import Figure
from matplotlib.patches import Patch
from matplotlib.ticker import MaxNLocator

from sim.common.tables import RunResults
from sim.output.plotting import (
    OKABE_ITO,
    VOTE_COLOURS,
    VOTE_ORDER,
    DrawnPlot,
    PlotFormat,
    PlotSpec,
    check_format,
    save_figure,
    write_index,
)

MAX_LABELS = 60
"""Above this many countries, figures name blocs and notable states instead of every state."""
ROWS_PER_PANEL = 50
"""Most states listed in one panel of the vote chart (more are split over side-by-side panels)."""
ALWAYS_LABELLED = ("USA", "RUS", "CHN", "GBR", "FRA", "IND")
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


def agreement_matrix(results: RunResults) -> tuple[list[str], np.ndarray]:
    """Square agreement matrix (NaN where no joint vote) in ``countries.parquet`` order."""
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
    return ids, matrix


def bloc_order(results: RunResults) -> np.ndarray:
    """Row positions of ``countries.parquet`` sorted by bloc, then by dendrogram order."""
    countries = results["countries"]
    return np.lexsort((countries["order"].to_numpy(), countries["bloc"].to_numpy()))


def bloc_labels(results: RunResults) -> dict[int, str]:
    """Name each bloc by its number, a leading member and how many others it holds.

    The leading member is a reference state when one belongs to the bloc, otherwise its most
    typical member (highest mean agreement with the rest of the bloc; ties: scenario order).
    """
    ids, matrix = agreement_matrix(results)
    bloc = results["countries"]["bloc"].to_numpy()
    references = list(results.manifest["scenario"]["reference_states"])
    labels = {}
    for b in sorted(set(bloc.tolist())):
        members = np.flatnonzero(bloc == b)
        refs = [ids[i] for i in members if ids[i] in references]
        if refs:
            lead = refs[0]
        else:
            inner = matrix[np.ix_(members, members)]
            typical = np.nan_to_num(np.nanmean(inner, axis=1), nan=0.0)
            lead = ids[members[int(np.argmax(typical))]]
        more = f" +{members.size - 1}" if members.size > 1 else ""
        labels[int(b)] = f"bloc {b}: {lead}{more}"
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
    fig, ax = plt.subplots(figsize=(8, height))
    left = np.zeros(len(labels))
    total = float(tallies[list(VOTE_ORDER)].sum(axis=1).max()) if len(tallies) else 1.0
    for word in VOTE_ORDER:
        counts = tallies[word].to_numpy()
        bars = ax.barh(labels, counts, left=left, color=VOTE_COLOURS[word], label=word)
        if len(labels) <= 40:
            shown = [f"{c}" if c >= 0.04 * total else "" for c in counts]
            text = "white" if word in ("yes", "no") else "black"
            ax.bar_label(bars, labels=shown, label_type="center", fontsize=8, color=text)
        left += counts
    ax.invert_yaxis()
    ax.set_xlabel("number of states")
    ax.set_title("Votes cast on each resolution (round, resolution id)")
    ax.legend(ncols=4, loc="upper center", bbox_to_anchor=(0.5, -0.5 / height * 4), frameon=False)
    ax.spines[["top", "right"]].set_visible(False)
    return fig


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
    fig, axes = plt.subplots(1, panels, figsize=(width, height), squeeze=False)
    cmap = ListedColormap([VOTE_COLOURS[w] for w in ("absent", *VOTE_ORDER[:3])])
    labels = bloc_labels(results)
    for p, ax in enumerate(axes[0]):
        part = slice(p * rows, min(n, (p + 1) * rows))
        ax.imshow(matrix[part], cmap=cmap, vmin=-0.5, vmax=3.5, aspect="auto", interpolation="none")
        ax.set_yticks(range(len(ids[part])), list(ids[part]), fontsize=7)
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
    fig.tight_layout(rect=(0, 0.05, 1, 1))
    return fig


def figure_alignment_heatmap(results: RunResults) -> Figure:
    """Pairwise agreement, states ordered by bloc so blocs show as squares on the diagonal."""
    ids, matrix = agreement_matrix(results)
    countries = results["countries"]
    order = bloc_order(results)
    ordered = matrix[np.ix_(order, order)]
    n = len(ids)
    size = min(9.0, max(5.0, 0.2 * n + 2.0))
    fig, ax = plt.subplots(figsize=(size + 1.6, size))
    cmap = plt.get_cmap("cividis").with_extremes(bad="#FFFFFF")
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
        references = list(results.manifest["scenario"]["reference_states"])
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
    ref_a, ref_b = results.manifest["scenario"]["reference_states"]
    index = {c: i for i, c in enumerate(ids)}
    x = matrix[index[ref_a]]
    y = matrix[index[ref_b]]
    bloc = results["countries"]["bloc"].to_numpy()
    fig, ax = plt.subplots(figsize=(10.5, 7))
    jitter = np.random.default_rng(0).uniform(-0.008, 0.008, size=(2, len(ids)))
    ax.plot([0, 1], [1, 0], color="#999999", linewidth=0.8, linestyle="--", zorder=0)
    labels = bloc_labels(results)
    for b in sorted(labels):
        members = bloc == b
        ax.scatter(
            x[members] + jitter[0, members],
            y[members] + jitter[1, members],
            color=bloc_colour(b),
            s=34,
            edgecolor="white",
            linewidth=0.4,
            label=f"{labels[b]} ({int(members.sum())})",
        )
    leads = {label.split(": ")[1].split(" ")[0] for label in labels.values()}
    notable = {*ALWAYS_LABELLED, *leads}
    for (px, py), text in _point_labels(ids, x, y, (ref_a, ref_b), notable):
        ax.annotate(text, (px, py), fontsize=7, xytext=(4, 3), textcoords="offset points")
    ax.legend(title="bloc (states)", fontsize=8, loc="center left", bbox_to_anchor=(1.01, 0.5))
    ax.set_xlim(-0.05, 1.05)
    ax.set_ylim(-0.05, 1.05)
    ax.set_xlabel(f"agreement with {ref_a} (share of joint votes, abstain = half)")
    ax.set_ylabel(f"agreement with {ref_b} (share of joint votes, abstain = half)")
    ax.set_title(f"Alignment map: each state between {ref_a} and {ref_b}")
    ax.grid(alpha=0.3)
    return fig


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


def figure_bloc_network(results: RunResults) -> Figure:
    """States as nodes, linked where they agreed on at least ``bloc_agreement`` of joint votes."""
    ids, matrix = agreement_matrix(results)
    threshold = float(results.manifest["parameters"]["bloc_agreement"])
    bloc = results["countries"]["bloc"].to_numpy()
    n = len(ids)
    graph = nx.Graph()
    graph.add_nodes_from(range(n))
    a, b = np.triu_indices(n, k=1)
    strong = matrix[a, b] >= threshold
    graph.add_edges_from(zip(a[strong].tolist(), b[strong].tolist(), strict=True))
    isolated = [i for i in range(n) if graph.degree(i) == 0]
    linked = graph.subgraph([i for i in range(n) if graph.degree(i) > 0])
    layout = nx.spring_layout(linked, seed=0, k=3.0 / math.sqrt(max(n, 1)), iterations=200)
    xy = np.array([layout.get(i, (np.nan, np.nan)) for i in range(n)], dtype=float)
    fig, ax = plt.subplots(figsize=(10.5, 7.5))
    segments = [(xy[i], xy[j]) for i, j in graph.edges]
    # Dense networks (thousands of links) need lighter lines to stay readable, but never so
    # light that the links disappear.
    alpha = float(np.clip(60.0 / math.sqrt(max(len(segments), 1)), 0.08, 0.6))
    ax.add_collection(
        LineCollection(segments, colors="#555555", linewidths=0.6, alpha=alpha, zorder=1)
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
    references = set(results.manifest["scenario"]["reference_states"])
    leads = {label.split(": ")[1].split(" ")[0] for label in labels.values()}
    for i, name in enumerate(ids):
        if n <= MAX_LABELS or name in references or name in leads:
            ax.annotate(name, xy[i], fontsize=7, xytext=(4, 3), textcoords="offset points")
    ax.legend(title="bloc (states)", fontsize=8, loc="center left", bbox_to_anchor=(1.01, 0.5))
    if isolated:
        names = ", ".join(ids[i] for i in isolated[:20])
        more = f" and {len(isolated) - 20} more" if len(isolated) > 20 else ""
        ax.text(
            0.0,
            -0.02,
            f"Not linked to any state: {names}{more}",
            transform=ax.transAxes,
            fontsize=8,
            va="top",
            wrap=True,
        )
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
        fig, ax = plt.subplots(figsize=(8, 2.5))
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
    fig, (left, right) = plt.subplots(
        1, 2, figsize=(12, height), gridspec_kw={"width_ratios": [1.3, 1]}
    )
    image = left.imshow(top.to_numpy(), cmap="cividis", aspect="auto", vmin=0.0)
    left.set_yticks(range(len(top)), list(top.index), fontsize=8)
    step = max(1, len(rounds) // 12)
    left.set_xticks(range(0, len(rounds), step), [str(r) for r in rounds[::step]])
    left.set_xlabel("after round (0 = initial favours)")
    if len(rounds) <= 12:
        peak = float(top.to_numpy().max())
        for (row, col), value in np.ndenumerate(top.to_numpy()):
            colour = "black" if value > 0.6 * peak else "white"
            left.text(col, row, f"{value:.2f}", ha="center", va="center", fontsize=7, color=colour)
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
    ),
)
"""Every run plot, in the order the report shows them; ``{placeholders}`` are filled by
:func:`guide_fill`."""


def guide_fill(results: RunResults) -> dict[str, object]:
    """Values for the placeholders in the run plots' guides."""
    refs = results.manifest["scenario"].get("reference_states") or ["", ""]
    return {
        "ref_a": refs[0],
        "ref_b": refs[1],
        "threshold": results.manifest["parameters"]["bloc_agreement"],
    }


def draw_run_plots(results: RunResults, out: Path, fmt: PlotFormat = "png") -> list[Path]:
    """Draw every run plot into ``out`` (created if needed) as ``fmt``; return the files written.

    Also writes ``out/plots.json`` with each figure's title and filled-in reading guide.

    Parameters
    ----------
    results
        A run read back by :func:`sim.common.tables.load_run`.
    out
        Folder for the figures (``<stem>.<fmt>``, stems as in :data:`RUN_PLOTS`).
    fmt
        ``"png"`` (default) or ``"svg"``.
    """
    check_format(fmt)
    fill = guide_fill(results)
    drawn = [
        DrawnPlot(
            save_figure(spec.draw(results), out / f"{spec.stem}.{fmt}"),
            spec.title,
            spec.guide.format(**fill),
        )
        for spec in RUN_PLOTS
    ]
    write_index(out, drawn)
    return [d.path for d in drawn]
