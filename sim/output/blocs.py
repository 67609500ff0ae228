"""What the run figures share: states ordered, coloured and named by bloc (no drawing).

States are ordered by bloc (the hierarchical clustering of :func:`sim.common.measures.blocs`)
wherever they are listed, and are named only where a label can be read: above
:data:`MAX_LABELS` states, figures name blocs, the reference states and isolated states instead
of every state. Colours are the Okabe & Ito (2008) colour-blind-safe palette.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

import numpy as np
from numpy.typing import NDArray

from sim.common.tables import RunResults
from sim.output.plotting import (
    OKABE_ITO,
)

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


def memoised(name: str, results: RunResults, compute: Callable[[], T]) -> T:
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
    ids, matrix = memoised("agreement", results, lambda: _agreement_matrix(results))
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
    (absences count against a state), then the scenario's order, among the members that cast
    at least half as many votes as the bloc's most present member (a state absent from most
    votes agrees fully on the few it cast and would otherwise lead: Gambia, present on 9 of
    unga_74's 90 votes, led the bloc of 110). The choice depends only on the stored tables,
    so it is the same on every redraw.
    """
    return dict(memoised("leads", results, lambda: _bloc_leads(results)))


def _bloc_leads(results: RunResults) -> dict[int, str]:
    ids, matrix = agreement_matrix(results)
    bloc = results["countries"]["bloc"].to_numpy()
    references = list(results.manifest.scenario.reference_states)
    votes = results["votes"]
    cast = votes.loc[votes["vote"] != "absent", "country"].value_counts()
    present = np.array([int(cast.get(c, 0)) for c in ids])
    return lead_members(ids, matrix, bloc, references, present)


def lead_members(
    ids: Sequence[str],
    agreement: NDArray[np.float64],
    bloc: NDArray[np.int64],
    references: Sequence[str],
    present: NDArray[np.int64],
) -> dict[int, str]:
    """Name each bloc after a member, by the rule of :func:`bloc_leads`.

    A reference state, else a permanent member of the Security Council, else the most central
    member (highest mean agreement with the others, then most votes cast, then first listed)
    of those that cast at least half as many votes as the most present member.
    """
    leads = {}
    for b in sorted(set(bloc.tolist())):
        members = np.flatnonzero(bloc == b)
        names = {ids[int(i)] for i in members}
        prominent = [c for c in (*references, *PERMANENT_MEMBERS) if c in names]
        if prominent:
            leads[int(b)] = prominent[0]
            continue
        inner = agreement[np.ix_(members, members)].copy()
        np.fill_diagonal(inner, np.nan)
        with np.errstate(invalid="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # a member with no joint vote
            typical = np.nan_to_num(np.nanmean(inner, axis=1), nan=-1.0)
        present_enough = present[members] * 2 >= np.max(present[members])
        best = min(
            np.flatnonzero(present_enough).tolist(),
            key=lambda k: (-round(float(typical[k]), 9), -present[members[k]], members[k]),
        )
        leads[int(b)] = ids[int(members[best])]
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
