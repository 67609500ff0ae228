"""The vote rule, as pure functions over arrays of every country at once.

Vectors have shape ``(n,)``; tie operators are ``(n, n)`` sparse CSR arrays whose row ``i``
describes country ``i``'s links to every ``j``. Nothing here keeps state or draws random
numbers; the model (:mod:`sim.model.model`) owns both, and the favour ledger lives in
:mod:`sim.model.ledger`. The channels and their literature are in the registry,
:mod:`sim.model.channels`; the sign convention in :mod:`sim.model.votes`.

A country's score (net support) is the sum of its channels' contributions; the vote is the
score cut by an abstention band, widened by cross-pressure when ``neutrality > 0``; states in
arrears lose their vote (UN Charter, Article 19). Others' positions are *expected* positions:
all countries update simultaneously from the positions of the previous iteration, repeated
until nothing changes (a fixed point) or an iteration cap is hit (a best-response dynamic in the
sense of Fudenberg & Levine 1998).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import Any, Protocol

import numpy as np
from scipy import sparse

from sim.model.channels import REGISTRY, Channel
from sim.model.context import VoteContext
from sim.model.votes import (
    NO_FIXED_VOTE,
    POSITION_OF_VOTE,
    FloatArray,
    IntArray,
    Vote,
    VoteArray,
    classifier,
    classify,
)


class WeightParameters(Protocol):
    """The parameters the weights are read from (:class:`sim.scenario.schema.Parameters`)."""

    @property
    def abstention_band(self) -> float:
        """Half-width of the abstain zone."""

    @property
    def neutrality(self) -> float:
        """Widening of the band per unit of cross-pressure."""

    def weight(self, channel: str) -> float:
        """Weight of a channel by its registry name."""


@dataclass(frozen=True)
class Weights:
    """The global weights of the vote rule (all dimensionless score units).

    Attributes
    ----------
    channel
        One weight per registered channel, in registry order (1 for unweighted channels).
    abstention_band
        Half-width of the abstain zone: yes above ``+band``, no below ``-band``.
    neutrality
        How much cross-pressure widens a country's abstain zone (score units per unit of
        cross-pressure; 0 = off). See :func:`country_bands`.
    """

    channel: FloatArray
    abstention_band: float
    neutrality: float = 0.0

    @classmethod
    def of(
        cls, weights: Mapping[str, float], abstention_band: float, neutrality: float = 0.0
    ) -> Weights:
        """Weights by channel name; weighted channels not named take their registry default."""
        unknown = set(weights) - set(REGISTRY.names)
        if unknown:
            raise KeyError(f"unknown channels: {sorted(unknown)}")
        values = [float(weights.get(c.name, c.default)) if c.weighted else 1.0 for c in REGISTRY]
        return cls(np.array(values), abstention_band, neutrality)

    @classmethod
    def from_parameters(cls, parameters: WeightParameters) -> Weights:
        """Return the channel weights and band of the rules from a scenario's parameters."""
        return cls.of(
            {c.name: parameters.weight(c.name) for c in REGISTRY.weighted},
            abstention_band=parameters.abstention_band,
            neutrality=parameters.neutrality,
        )

    def __getitem__(self, name: str) -> float:
        """Weight of one channel by name."""
        return float(self.channel[REGISTRY.names.index(name)])


@dataclass(frozen=True)
class Operators:
    """The tie channels' operators and their weighted sum, built once per set of tie tables.

    Attributes
    ----------
    tie_columns
        Registry indices of the tie channels.
    against
        Per tie channel, whether its raw value is minus its product (leaning away).
    matrices
        One ``(n, n)`` CSR operator per tie channel; ``matrix @ positions`` is its raw value.
    influence
        ``sum(weight_c * matrix_c)``: the linear part of the score, one sparse product per
        best-response iteration.
    own_columns
        Registry indices of the own channels.
    own_channels
        The own channels, in the same order.
    """

    tie_columns: IntArray
    against: tuple[bool, ...]
    matrices: tuple[sparse.csr_array, ...]
    influence: sparse.csr_array
    own_columns: IntArray
    own_channels: tuple[Channel[Any], ...]

    @cached_property
    def stacked(self) -> sparse.csr_array | None:
        """The tie matrices one above the other, ``(k * n, n)``.

        One product with it gives every tie channel's raw value, ``(k * n,)``, each row summed
        in its stored order as a product with the matrix alone sums it; None when there are no
        tie channels or a matrix is not float64. Built on first use, once per set of operators.
        """
        if not self.matrices or any(m.data.dtype != np.float64 for m in self.matrices):
            return None
        ends = np.cumsum([0] + [int(m.indptr[-1]) for m in self.matrices])
        indptr = np.concatenate(
            [
                m.indptr[:-1].astype(np.int64) + start
                for m, start in zip(self.matrices, ends[:-1], strict=True)
            ]
            + [ends[-1:].astype(np.int64)]
        )
        indices = np.concatenate(
            [m.indices[: m.indptr[-1]].astype(np.int64) for m in self.matrices]
        )
        data = np.concatenate([m.data[: m.indptr[-1]] for m in self.matrices])
        n = self.matrices[0].shape[1]
        return sparse.csr_array((data, indices, indptr), shape=(len(self.matrices) * n, n))


def tie_matrices(tables: Mapping[str, sparse.csr_array]) -> tuple[sparse.csr_array, ...]:
    """Every tie channel's operator (registry order) from the raw tie tables.

    They depend on the tables alone, not on the weights: a world builds them once for its
    starting tables (:attr:`sim.model.world.World.tie_matrices`) and every run that starts
    from it shares them.

    Parameters
    ----------
    tables
        Raw tie matrices by table name (see :class:`sim.model.channels.TieTable`); a
        registered table missing here is empty.
    """
    n = next(iter(tables.values())).shape[0] if tables else 0
    empty = sparse.csr_array((n, n))
    tables = {t.name: tables.get(t.name, empty) for t in REGISTRY.tie_tables}
    return tuple(c.operator(tables) for c in REGISTRY if c.is_tie and c.operator is not None)


def make_operators(
    tables: Mapping[str, sparse.csr_array],
    weights: Weights,
    matrices: tuple[sparse.csr_array, ...] | None = None,
) -> Operators:
    """Build every tie channel's operator from the raw tie tables and combine them.

    Parameters
    ----------
    tables
        Raw tie matrices by table name (see :class:`sim.model.channels.TieTable`); a
        registered table missing here is empty.
    weights
        Channel weights (for the combined ``influence`` matrix).
    matrices
        :func:`tie_matrices` of ``tables`` when they were built already.
    """
    n = next(iter(tables.values())).shape[0] if tables else 0
    ties = [(i, c) for i, c in enumerate(REGISTRY) if c.is_tie]
    own = [(i, c) for i, c in enumerate(REGISTRY) if not c.is_tie]
    if matrices is None:
        matrices = tie_matrices(tables)
    influence = sparse.csr_array((n, n))
    for k, (i, channel) in enumerate(ties):
        term = float(weights.channel[i]) * matrices[k]
        if k == 0:
            influence = -term if channel.against else term
        else:
            influence = influence - term if channel.against else influence + term
    return Operators(
        tie_columns=np.array([i for i, _ in ties], dtype=np.int64),
        against=tuple(c.against for _, c in ties),
        matrices=matrices,
        influence=sparse.csr_array(influence),
        own_columns=np.array([i for i, _ in own], dtype=np.int64),
        own_channels=tuple(c for _, c in own),
    )


@dataclass(frozen=True)
class VoteOutcome:
    """Result of :func:`decide_votes` for one resolution.

    Attributes
    ----------
    votes
        Vote codes (n,).
    contributions
        ``(n, len(REGISTRY))`` channel contributions at the final iteration.
    score
        Net support (n,), the row sums of ``contributions``.
    iterations
        Simultaneous-update iterations used.
    converged
        Whether a fixed point was reached before the cap.
    band_extra
        The channels' band terms (see :func:`own_contributions`), None when none widens a band.
    """

    votes: VoteArray
    contributions: FloatArray
    score: FloatArray
    iterations: int
    converged: bool
    band_extra: FloatArray | None = None

    def bands(self, weights: Weights) -> FloatArray:
        """Each country's band at the final iteration, channels' band terms included."""
        bands = country_bands(self.contributions, weights)
        return bands if self.band_extra is None else bands + self.band_extra


def own_contributions(
    operators: Operators, context: VoteContext, weights: Weights
) -> tuple[FloatArray, FloatArray | None]:
    """Weighted contributions of the own channels, and how much they widen each band.

    Each own channel derives its inputs from the vote's context (``prepare``), once; a
    channel whose weight is 0 is skipped and its column left 0.

    Returns
    -------
    tuple
        The ``(n, k)`` block of the k own channels, in registry order, and the sum of the
        channels' band terms (n,), or None when no channel widens a band.
    """
    n = context.size
    own = np.zeros((n, len(operators.own_channels)))
    extra: FloatArray | None = None
    for k, (i, channel) in enumerate(
        zip(operators.own_columns, operators.own_channels, strict=True)
    ):
        weight = float(weights.channel[i])
        if weight == 0.0 or channel.prepare is None or channel.term is None:
            continue
        prepared = channel.prepare(context)
        own[:, k] = channel.term(prepared, weight)
        if channel.band is not None:
            extra = (np.zeros(n) if extra is None else extra) + channel.band(prepared, weight)
    return own, (extra if extra is not None and extra.any() else None)


class _Contributions:
    """Every channel's contribution at given positions, for one resolution's own block.

    What can be done once per vote is done here, once: the own channels' columns are laid out
    in a template that each call copies, and the tie channels' signed weights are looked up,
    so that an iteration of the best response costs one sparse product (all tie matrices
    stacked, :attr:`Operators.stacked`) and a few array operations. ``-raw * w`` and
    ``raw * -w`` are the same number, so the signs ride on the weights.

    Parameters
    ----------
    operators
        Tie operators and own channels.
    own
        The own channels' block ``(n, k)`` (:func:`own_contributions`).
    weights
        Channel weights.
    """

    def __init__(self, operators: Operators, own: FloatArray, weights: Weights) -> None:
        n = own.shape[0]
        self.size = n
        self.operators = operators
        self.weights = weights
        self.template = np.zeros((n, operators.tie_columns.size + operators.own_columns.size))
        self.template[:, operators.own_columns] = own
        self.columns = operators.tie_columns
        self.signed = np.array(
            [
                -weights.channel[c] if against else weights.channel[c]
                for c, against in zip(operators.tie_columns, operators.against, strict=True)
            ]
        )
        self.stacked = operators.stacked

    def __call__(self, positions: FloatArray) -> FloatArray:
        """Return the ``(n, len(REGISTRY))`` contributions at ``positions`` (n,)."""
        contributions = self.template.copy()
        if self.stacked is None or positions.dtype != np.float64:
            for column, against, matrix in zip(
                self.columns, self.operators.against, self.operators.matrices, strict=True
            ):
                raw = matrix @ positions
                contributions[:, column] = (-raw if against else raw) * self.weights.channel[column]
            return contributions
        raw = self.stacked @ positions
        contributions[:, self.columns] = raw.reshape(self.columns.size, self.size).T * self.signed
        return contributions


def contributions_for(
    operators: Operators, context: VoteContext, weights: Weights, positions: FloatArray
) -> FloatArray:
    """Weighted contribution of every channel for every country, given others' positions.

    Returns
    -------
    numpy.ndarray
        ``(n, len(REGISTRY))`` in registry order; row sums are the scores.
    """
    own, _ = own_contributions(operators, context, weights)
    return _Contributions(operators, own, weights)(positions)


def _same(a: np.ndarray, b: np.ndarray) -> bool:
    """``np.array_equal`` for two arrays of one shape, without its checks."""
    return bool((a == b).all())


class _BestResponse:
    """Every free country's vote given the expected positions of the others.

    With ``neutrality > 0`` the bands need every channel, so each call builds the full
    contributions (one stacked sparse product) and keeps the last two; otherwise a call costs
    one product with the combined ``influence`` matrix plus the own channels' fixed sum.
    """

    def __init__(
        self,
        operators: Operators,
        own_block: FloatArray,
        extra: FloatArray | None,
        weights: Weights,
    ) -> None:
        self.own = own_block.sum(axis=1)
        self.neutral = weights.neutrality > 0
        self.cut = classifier(weights.abstention_band)
        self.contributions_at = _Contributions(operators, own_block, weights)
        self.influence = operators.influence
        self.weights = weights
        self.extra = extra
        self.band = None if extra is None else weights.abstention_band + extra
        self.recent: list[tuple[FloatArray, FloatArray]] = []  # (positions, contributions)

    def __call__(self, expected: FloatArray, fixed: np.ndarray, codes: VoteArray) -> VoteArray:
        """Votes (n,) at ``expected`` positions, the ``fixed`` countries casting ``codes``."""
        if self.neutral:
            contributions = self.contributions_at(expected)
            self.recent[:] = [*self.recent[-1:], (expected, contributions)]
            bands = country_bands(contributions, self.weights)
            band = bands if self.extra is None else bands + self.extra
            votes = classify(contributions.sum(axis=1), band)
        else:
            score = self.influence @ expected + self.own
            votes = self.cut(score) if self.band is None else classify(score, self.band)
        votes[fixed] = codes
        return votes

    def contributions(self, used: FloatArray) -> FloatArray:
        """Return the contributions at ``used`` (with neutrality on, mostly computed already)."""
        done = [c for positions, c in self.recent if positions is used]
        return done[-1] if done else self.contributions_at(used)


def decide_votes(
    operators: Operators,
    context: VoteContext,
    weights: Weights,
    max_iterations: int,
    expectation_weight: float = 0.5,
) -> VoteOutcome:
    """Find every country's vote on one resolution by iterated best response.

    All countries update simultaneously. Each iteration classifies every score computed from
    the *expected* positions of the others, then moves the expectations a share
    ``expectation_weight`` toward the positions just observed (adaptive expectations, Nerlove
    1958; with weight 1 this is plain simultaneous best response, with smaller weights a damped
    fictitious play, Brown 1951, which damps the two-cycles that simultaneous updating produces
    in coordination games). Iteration 0 expects the fixed votes (parties, overrides, arrears)
    and abstention from everyone else, except that a country whose position on the issue is
    known from recorded roll calls (``context.expected``) is first expected to vote as it last
    did. The loop stops at a fixed point -- the votes repeat and each is the best response to
    the others' actual votes -- or after ``max_iterations``; the outcome says which (no fixed
    point need exist, and several may).

    The own channels are computed once per call (each from the context, skipped at weight 0);
    an iteration costs one sparse product, and the full contributions are built once, at the
    end, from the positions that produced the votes. Of the context, the core reads only what
    every channel shares: the fixed votes and the expected positions.

    Parameters
    ----------
    operators
        Tie operators and own channels (see :func:`make_operators`).
    context
        The vote's read-only context.
    weights
        Channel weights and the abstention band.
    max_iterations
        Cap on iterations (>= 1).
    expectation_weight
        Share in [0.01, 1] by which expectations move toward observed positions per iteration.

    Returns
    -------
    VoteOutcome
        Votes, contributions (at the others' final votes when converged, else at the
        expectations that produced the final votes), scores and convergence information.
    """
    fixed = context.fixed_votes != NO_FIXED_VOTE
    codes = context.fixed_votes[fixed]
    own_block, extra = own_contributions(operators, context, weights)
    respond = _BestResponse(operators, own_block, extra, weights)
    votes = np.full(context.size, Vote.ABSTAIN, dtype=np.int8)
    votes[fixed] = codes
    expected = POSITION_OF_VOTE[votes]
    if context.expected is not None:
        prior, known = context.expected
        expected = np.where(known & ~fixed, prior, expected)
    used = expected
    converged = False
    iterations = 0
    while iterations < max_iterations:
        iterations += 1
        used = expected
        new_votes = respond(expected, fixed, codes)
        observed = POSITION_OF_VOTE[new_votes]
        repeated = _same(new_votes, votes)
        votes = new_votes
        # A fixed point: every vote is the best response to the others' actual votes.
        if repeated and (_same(used, observed) or _same(respond(observed, fixed, codes), votes)):
            converged = True
            used = observed
            break
        expected = expected + expectation_weight * (observed - expected)
    contributions = respond.contributions(used)
    return VoteOutcome(
        votes=votes,
        contributions=contributions,
        score=contributions.sum(axis=1),
        iterations=iterations,
        converged=converged,
        band_extra=extra,
    )


def cross_pressure(contributions: FloatArray) -> FloatArray:
    """How hard a country is pulled both ways: the smaller of its total push and total pull.

    Cross-pressured actors withdraw (Lazarsfeld, Berelson & Gaudet 1944; for UN absence,
    Voeten 2000 on strategic non-voting). Returns (n,) values >= 0.
    """
    # np.maximum / np.minimum are what np.clip with one open end calls, minus its overhead.
    push = np.maximum(contributions, 0.0).sum(axis=1)
    pull = -np.minimum(contributions, 0.0).sum(axis=1)
    pressure: FloatArray = np.minimum(push, pull)
    return pressure


def country_bands(contributions: FloatArray, weights: Weights) -> FloatArray:
    """Each country's abstention band, widened by the cross-pressure it is under.

    ``band_i = abstention_band + neutrality * cross_pressure_i``: a state pulled hard both ways
    needs a clearer net lean before it takes a side, the cross-pressure hypothesis of
    Lazarsfeld, Berelson & Gaudet (1944) applied to hedging states at the UN (the neutrality of
    China and India in March 2022).
    """
    bands: FloatArray = weights.abstention_band + weights.neutrality * cross_pressure(contributions)
    return bands


def deciding_channels(
    contributions: FloatArray, votes: VoteArray, band: float | FloatArray
) -> IntArray:
    """Registry index (:mod:`sim.model.channels`) of the channel that decided each vote.

    A channel is *pivotal* when removing it alone would change the vote. The deciding channel
    is the pivotal channel with the largest absolute contribution. When none is pivotal: for
    a yes or no, the largest contribution toward that side; for an abstention, the strongest
    channel against the side the score leans to (what held it back), or, if nothing opposes,
    the strongest channel (too weak a pull). This is the counterfactual notion of cause of
    Lewis (1973) applied one channel at a time. Absent votes get the largest absolute
    contribution. ``band`` is each country's band with every channel present.

    Returns
    -------
    numpy.ndarray
        ``(n,)`` channel indices.
    """
    score = contributions.sum(axis=1)
    without = score[:, None] - contributions
    band_column = band[:, None] if isinstance(band, np.ndarray) else band
    changes = classify(without, band_column) != votes[:, None]
    side = POSITION_OF_VOTE[votes][:, None]
    against_lean = -contributions * np.sign(score)[:, None]
    held_back = np.where(
        (against_lean > 0).any(axis=1, keepdims=True), against_lean, np.abs(contributions)
    )
    toward = np.where(side != 0, contributions * side, np.abs(contributions))
    toward = np.where((votes == Vote.ABSTAIN)[:, None], held_back, toward)
    pivotal_strength = np.where(changes, np.abs(contributions), -np.inf)
    any_pivotal = changes.any(axis=1)
    deciding: IntArray = np.where(
        any_pivotal, np.argmax(pivotal_strength, axis=1), np.argmax(toward, axis=1)
    ).astype(np.int64)
    return deciding
