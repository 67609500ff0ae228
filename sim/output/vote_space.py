"""The space of votes: a 2-D map of the states and their blocs issue by issue (no drawing).

The map places every state by classical multidimensional scaling (principal coordinates
analysis; Torgerson 1952, Gower 1966) of the distances ``1 - agreement`` between states, so
that states which vote alike sit together and the two axes are the two strongest cleavages of
the session. This is the agreement-matrix counterpart of the principal components Voeten
(2000) extracts from UN roll calls, and a simpler relative of the ideal points of Bailey,
Strezhnev & Voeten (2017), who fit a dynamic IRT model to the roll calls. It needs many
votes: with a handful of roll calls (un_2022) the states fall on a few points of a line, and
the figures keep the map of agreement with the two reference states instead.

Blocs per issue are the clustering of :func:`sim.common.measures.blocs` (average linkage, the
run's ``bloc_agreement`` threshold) on the agreement over the votes of one issue only.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from sim.common.measures import alignment, blocs
from sim.common.tables import RunResults
from sim.model.votes import Vote
from sim.output.blocs import agreement_matrix, bloc_leads, lead_members, memoised

MAP_MIN_VOTES = 10
"""Fewest resolution votes for the scaled map; fewer keep the reference-state map."""

ALL_ISSUES = "all votes"
"""Name of the row of every vote together in the blocs-per-issue figure and table."""


@dataclass(frozen=True)
class Coordinates:
    """States placed by principal coordinates of ``1 - agreement``.

    Attributes
    ----------
    xy
        ``(n, 2)`` coordinates (NaN for states not placed), in agreement units: two states
        that always vote alike are at distance 0, two that always vote opposite ~1 apart.
    explained
        Share of the scaled variance each axis carries (its eigenvalue over the sum of the
        positive ones).
    placed
        Which states are placed: those with at least one joint vote with another state.
    """

    xy: NDArray[np.float64]
    explained: tuple[float, float]
    placed: NDArray[np.bool_]


def principal_coordinates(
    agreement: NDArray[np.float64], reference: int | None = None
) -> Coordinates:
    """Classical MDS (Torgerson 1952; Gower 1966) of ``1 - agreement`` in two dimensions.

    The squared distances are double-centred, ``B = -J D**2 J / 2``, and each state's
    coordinate on an axis is its entry in one of the two leading eigenvectors of ``B`` times
    the square root of the eigenvalue (0 for a non-positive one). Pairs without a joint vote
    take distance 0.5, as in the bloc clustering; states with no joint vote at all are left
    out (NaN). The sign of each eigenvector is arbitrary, so it is fixed: the ``reference``
    state (the run's first reference state) is on the positive side of each axis, or, where it
    sits at 0, the state with the largest absolute coordinate is.

    Parameters
    ----------
    agreement
        ``(n, n)`` agreement matrix (NaN where no joint vote; the diagonal is ignored).
    reference
        Row of the state that fixes the signs, or None.

    Returns
    -------
    Coordinates
        The ``(n, 2)`` coordinates, the share of variance per axis and the placed states.
    """
    n = agreement.shape[0]
    off = ~np.eye(n, dtype=bool)
    placed: NDArray[np.bool_] = np.asarray((off & ~np.isnan(agreement)).any(axis=1), dtype=bool)
    xy = np.full((n, 2), np.nan)
    keep = np.flatnonzero(placed)
    if keep.size < 2:
        return Coordinates(xy, (0.0, 0.0), placed)
    inner = agreement[np.ix_(keep, keep)]
    distance = np.where(np.isnan(inner), 0.5, 1.0 - inner)
    distance = (distance + distance.T) / 2.0
    np.fill_diagonal(distance, 0.0)
    m = keep.size
    centre = np.eye(m) - np.full((m, m), 1.0 / m)
    gram = -0.5 * centre @ (distance**2) @ centre
    values, vectors = np.linalg.eigh((gram + gram.T) / 2.0)
    top = np.argsort(values)[::-1][:2]
    tiny = 1e-12 * max(float(np.max(np.abs(values))), 1e-300)
    lead = np.where(values[top] > tiny, values[top], 0.0)
    coords = vectors[:, top] * np.sqrt(lead)
    if coords.shape[1] < 2:
        coords = np.column_stack([coords, np.zeros(m)])
        lead = np.append(lead, 0.0)
    at = {int(k): i for i, k in enumerate(keep)}
    for axis in range(2):
        column = coords[:, axis]
        scale = float(np.max(np.abs(column))) if m else 0.0
        if scale <= 1e-12:
            coords[:, axis] = 0.0
            continue
        sign_of = at.get(reference) if reference is not None else None
        if sign_of is None or abs(column[sign_of]) <= 1e-9 * scale:
            sign_of = int(np.argmax(np.abs(column)))
        if column[sign_of] < 0:
            coords[:, axis] = -column
    xy[keep] = coords
    total = float(values[values > tiny].sum())
    shares = (float(lead[0] / total), float(lead[1] / total)) if total > 0 else (0.0, 0.0)
    return Coordinates(xy, shares, placed)


def vote_codes(results: RunResults, issue: str | None = None) -> NDArray[np.int64]:
    """``(n_states, n_votes)`` vote codes (1 yes, 2 abstain, 3 no, 0 absent) of one issue.

    States in ``countries.parquet`` order, votes in ``tallies.parquet`` order; ``issue=None``
    takes every vote.
    """
    tallies = results["tallies"]
    if issue is not None:
        tallies = tallies[tallies["issue"] == issue]
    keys = [f"{r} {res}" for r, res in zip(tallies["round"], tallies["resolution"], strict=True)]
    ids = list(results["countries"]["country"])
    votes = results["votes"]
    codes = votes["vote"].map({v.word: int(v) for v in Vote})
    table = pd.DataFrame(
        {
            "key": votes["round"].astype(str) + " " + votes["resolution"],
            "country": votes["country"],
            "code": codes,
        }
    )
    wide = table.pivot(index="country", columns="key", values="code")
    matrix = wide.reindex(index=ids, columns=keys).fillna(0).to_numpy(dtype=np.int64)
    return matrix


def alignment_coordinates(results: RunResults) -> Coordinates:
    """Place the states of a run by :func:`principal_coordinates` of its agreement table."""
    return memoised("coordinates", results, lambda: _alignment_coordinates(results))


def _alignment_coordinates(results: RunResults) -> Coordinates:
    ids, matrix = agreement_matrix(results)
    references = list(results.manifest.scenario.reference_states)
    reference = ids.index(references[0]) if references and references[0] in ids else None
    return principal_coordinates(matrix, reference)


def scaled_map(results: RunResults) -> bool:
    """Whether the run has votes enough (:data:`MAP_MIN_VOTES`) for the scaled map."""
    return len(results["tallies"]) >= MAP_MIN_VOTES


@dataclass(frozen=True)
class IssueBlocs:
    """The blocs of one issue: label per state, each bloc's lead, and the votes counted."""

    issue: str
    votes: int
    bloc: NDArray[np.int64]
    leads: dict[int, str]


def issues(results: RunResults) -> list[str]:
    """Return the issues of the run's votes, in order of first vote."""
    return list(dict.fromkeys(str(i) for i in results["tallies"]["issue"]))


def issue_blocs(results: RunResults) -> list[IssueBlocs]:
    """Blocs on every vote (first, :data:`ALL_ISSUES`) and on each issue's votes alone.

    The first entry repeats the run's own blocs (``countries.parquet``) so that the issues can
    be read against them; each issue's are :func:`sim.common.measures.blocs` of the agreement
    over that issue's votes, with the run's ``bloc_agreement`` threshold.
    """
    return memoised("issue_blocs", results, lambda: _issue_blocs(results))


def _issue_blocs(results: RunResults) -> list[IssueBlocs]:
    threshold = float(results.manifest.parameters["bloc_agreement"])
    ids = list(results["countries"]["country"])
    references = list(results.manifest.scenario.reference_states)
    overall = results["countries"]["bloc"].to_numpy().astype(np.int64)
    out = [IssueBlocs(ALL_ISSUES, len(results["tallies"]), overall, bloc_leads(results))]
    for issue in issues(results):
        codes = vote_codes(results, issue)
        agreement = alignment(codes).agreement
        labels, _ = blocs(agreement, threshold)
        present = (codes != 0).sum(axis=1)
        leads = lead_members(ids, agreement, labels, references, present)
        out.append(IssueBlocs(issue, codes.shape[1], labels, leads))
    return out


def issue_bloc_table(results: RunResults) -> pd.DataFrame:
    """One row per bloc of each issue: ``issue, votes, bloc, lead, states, members``.

    Issues in the order of :func:`issue_blocs` (every vote first); blocs numbered by size
    within their issue; members listed by id in ``countries.parquet`` order.
    """
    ids = list(results["countries"]["country"])
    rows = []
    for entry in issue_blocs(results):
        for b, lead in entry.leads.items():
            members = [ids[i] for i in np.flatnonzero(entry.bloc == b)]
            rows.append(
                {
                    "issue": entry.issue,
                    "votes": entry.votes,
                    "bloc": b,
                    "lead": lead,
                    "states": len(members),
                    "members": ", ".join(members),
                }
            )
    return pd.DataFrame(rows, columns=["issue", "votes", "bloc", "lead", "states", "members"])


def recorded_coordinates(results: RunResults) -> tuple[Coordinates, int] | None:
    """Place the states by their recorded votes, if the run holds :data:`MAP_MIN_VOTES` of them.

    The recorded roll calls (``recorded.parquet``, see :mod:`sim.output.recorded`) are scaled
    as the simulated votes are, signs fixed by the same reference state; returns the
    coordinates and the number of recorded votes, or None with fewer records.
    """
    return memoised("recorded_coordinates", results, lambda: _recorded_coordinates(results))


def _recorded_coordinates(results: RunResults) -> tuple[Coordinates, int] | None:
    table = results.tables.get("recorded")
    if table is None or table["resolution"].nunique() < MAP_MIN_VOTES:
        return None
    ids = list(results["countries"]["country"])
    wide = table.assign(code=table["vote"].map({v.word: int(v) for v in Vote})).pivot(
        index="country", columns="resolution", values="code"
    )
    codes = wide.reindex(index=ids).fillna(0).to_numpy(dtype=np.int64)
    references = list(results.manifest.scenario.reference_states)
    reference = ids.index(references[0]) if references and references[0] in ids else None
    agreement = alignment(codes).agreement
    return principal_coordinates(agreement, reference), codes.shape[1]
