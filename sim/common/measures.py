"""Alignment measures between states, from a matrix of recorded votes.

Votes are coded ``yes = 1, abstain = 2, no = 3`` and ``0`` for absent (missing); every measure
uses, for each pair, only the votes both cast (pair-wise deletion), as in Voeten (2000) and
Häge (2011). All pairs are computed at once from joint-vote counts.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
from numpy.typing import NDArray
from scipy.cluster import hierarchy
from scipy.spatial.distance import squareform

from sim.model.votes import CAST_CODES, Vote

CODES = CAST_CODES


@dataclass(frozen=True)
class Alignment:
    """Pairwise alignment matrices ``(n, n)`` over a set of votes; NaN where undefined.

    Attributes
    ----------
    joint
        Number of votes both states cast.
    agreement
        Share of agreement: 1 for the same vote, 0.5 when one abstained, 0 for opposite votes
        (the US State Department's voting coincidence with half credit; Lijphart 1963).
    s_score
        Signorino & Ritter's (1999) S with absolute distance and d_max = 2: ``2 * agreement - 1``.
    kappa
        Cohen's kappa with quadratic weights for the ordinal votes (Häge 2011); NaN when the
        expected disagreement is zero (e.g. both states always voted yes).
    """

    joint: NDArray[np.int64]
    agreement: NDArray[np.float64]
    s_score: NDArray[np.float64]
    kappa: NDArray[np.float64]


def joint_counts(votes: NDArray[np.integer]) -> NDArray[np.int64]:
    """Joint vote counts ``counts[a, b, i, j]``: votes where i voted code a+1 and j code b+1.

    Parameters
    ----------
    votes
        ``(n_states, n_votes)`` vote codes (0 = absent).

    Returns
    -------
    numpy.ndarray
        ``(3, 3, n, n)`` integer counts.
    """
    # float products use BLAS (integer ones do not: 5x slower at 193 x 90); every count is an
    # integer far below 2**53, so the float sums are exact
    indicators = [(votes == code).astype(np.float64) for code in CODES]
    return np.array([[a @ b.T for b in indicators] for a in indicators]).astype(np.int64)


def alignment(votes: NDArray[np.integer], kappa_power: int = 2) -> Alignment:
    """Agreement, S-score and Häge's kappa for every pair of states.

    Parameters
    ----------
    votes
        ``(n_states, n_votes)`` vote codes: 1 yes, 2 abstain, 3 no, 0 absent.
    kappa_power
        Exponent k of the disagreement weights ``(|a - b| / 2) ** k``: 2 quadratic (default),
        1 linear.

    Returns
    -------
    Alignment
        The pairwise matrices (diagonals included: a state with itself).
    """
    counts = joint_counts(votes).astype(float)
    codes = np.array(CODES, dtype=float)
    distance = np.abs(codes[:, None] - codes[None, :])  # |a - b| in {0, 1, 2}
    joint = counts.sum(axis=(0, 1))
    with np.errstate(invalid="ignore", divide="ignore"):
        mean_distance = np.einsum("ab,abij->ij", distance, counts) / joint
        agreement = 1.0 - mean_distance / 2.0
        weights = (distance / 2.0) ** kappa_power
        observed = np.einsum("ab,abij->ij", weights, counts) / joint
        share_i = counts.sum(axis=1) / joint  # (3, n, n): i's marginal over joint votes
        share_j = counts.sum(axis=0) / joint
        expected = np.einsum("ab,aij,bij->ij", weights, share_i, share_j)
        kappa = np.where(expected > 1e-12, 1.0 - observed / expected, np.nan)
    return Alignment(
        joint=joint.astype(np.int64),
        agreement=agreement,
        s_score=2.0 * agreement - 1.0,
        kappa=kappa,
    )


def cohen_kappa(
    a: NDArray[np.integer],
    b: NDArray[np.integer],
    weights: Literal["linear", "quadratic"] | None = None,
) -> float:
    """Cohen's (1960) kappa between two label vectors; NaN when undefined.

    Unweighted (nominal) by default; ``linear`` or ``quadratic`` weights the disagreement by
    the distance between the labels' ranks among the labels present (Cohen 1968), as
    scikit-learn does. For the pairwise kappa of UN alignment see :func:`alignment`.
    """
    labels, codes = np.unique(np.concatenate([a, b]), return_inverse=True)
    k = labels.size
    confusion = np.zeros((k, k))
    np.add.at(confusion, (codes[: a.size], codes[a.size :]), 1.0)
    expected = np.outer(confusion.sum(axis=1), confusion.sum(axis=0)) / confusion.sum()
    rank = np.arange(k)
    distance = np.abs(rank[:, None] - rank[None, :]).astype(float)
    weight = (distance > 0).astype(float) if weights is None else distance
    if weights == "quadratic":
        weight = distance**2
    disagreement_expected = float((weight * expected).sum())
    if disagreement_expected <= 0.0:
        return float("nan")
    return 1.0 - float((weight * confusion).sum()) / disagreement_expected


def adopted(votes: NDArray[np.integer], majority: str) -> bool:
    """Whether a vote adopts its resolution: a simple or two-thirds majority of those voting.

    Abstentions and absences do not count as voting (UN Charter, Article 18; GA Rules of
    Procedure, rule 86); a two-thirds vote needs at least one yes.
    """
    yes = int((votes == Vote.YES).sum())
    no = int((votes == Vote.NO).sum())
    if majority == "two_thirds":
        return yes > 0 and 3 * yes >= 2 * (yes + no)
    return yes > no


def blocs(
    agreement: NDArray[np.float64], threshold: float
) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """Voting blocs by average-linkage hierarchical clustering on ``1 - agreement``.

    States join a bloc while their average agreement is at least ``threshold`` (Lijphart 1963
    and Holloway 1990 on UN voting blocs). Pairs with no joint vote count as distance 0.5.

    Parameters
    ----------
    agreement
        ``(n, n)`` agreement matrix.
    threshold
        Average agreement at which clusters stop merging, in [0, 1].

    Returns
    -------
    tuple
        Bloc label per state (1, 2, ...; numbered by size, largest first, then by first
        member) and the leaf order of the dendrogram (for heatmaps).
    """
    n = agreement.shape[0]
    if n < 2:
        return np.ones(n, dtype=np.int64), np.arange(n, dtype=np.int64)
    distance = np.where(np.isnan(agreement), 0.5, 1.0 - agreement)
    distance = (distance + distance.T) / 2.0
    np.fill_diagonal(distance, 0.0)
    tree = hierarchy.linkage(squareform(np.clip(distance, 0.0, None), checks=False), "average")
    raw = hierarchy.fcluster(tree, t=1.0 - threshold + 1e-12, criterion="distance")
    order = hierarchy.leaves_list(
        hierarchy.optimal_leaf_ordering(tree, squareform(distance, checks=False))
    )
    labels, first, sizes = np.unique(raw, return_index=True, return_counts=True)
    ranking = sorted(range(labels.size), key=lambda k: (-sizes[k], first[k]))
    relabel = {int(labels[k]): rank + 1 for rank, k in enumerate(ranking)}
    return np.array([relabel[int(x)] for x in raw], dtype=np.int64), order.astype(np.int64)
