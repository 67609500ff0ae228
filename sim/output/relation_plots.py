"""Run figures of relations between states: the alignment map, the bloc network, the ledger.

Drawn from stored result tables only; listed in :data:`sim.output.plots.RUN_PLOTS`.
"""

from __future__ import annotations

import math

import numpy as np
from matplotlib.axes import Axes
from matplotlib.collections import LineCollection
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from sim.common.tables import RunResults
from sim.output.blocs import (
    ALWAYS_LABELLED,
    LEDGER_PAIRS,
    MAX_LABELS,
    agreement_matrix,
    bloc_colour,
    bloc_labels,
    bloc_leads,
)
from sim.output.plotting import (
    OKABE_ITO,
    subplots,
)


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
