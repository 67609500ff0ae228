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

import numpy as np
from scipy import sparse
from scipy.sparse import _sparsetools

from sim.model.channels import REGISTRY, Channel, OwnTerm
from sim.model.votes import (
    NO_FIXED_VOTE,
    POSITION_OF_VOTE,
    BoolArray,
    FloatArray,
    IntArray,
    Vote,
    VoteArray,
    classifier,
    classify,
)


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
    own_terms
        Their term functions, in the same order.
    band_columns
        Registry indices of the channels that widen abstention bands.
    band_terms
        Their band functions, in the same order.
    """

    tie_columns: IntArray
    against: tuple[bool, ...]
    matrices: tuple[sparse.csr_array, ...]
    influence: sparse.csr_array
    own_columns: IntArray
    own_terms: tuple[OwnTerm, ...]
    band_columns: IntArray
    band_terms: tuple[OwnTerm, ...]

    @cached_property
    def stacked(self) -> tuple[IntArray, IntArray, FloatArray] | None:
        """The tie matrices one above the other, as CSR parts ``(indptr, indices, data)``.

        One product with it gives every tie channel's raw value, ``(k * n,)``, each row summed
        in its stored order as ``matvec`` sums it; None when there are no tie channels or a
        matrix is not float64. Built on first use, once per set of operators.
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
        return indptr, indices, data


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
    ties: list[tuple[int, Channel]] = [(i, c) for i, c in enumerate(REGISTRY) if c.is_tie]
    own: list[tuple[int, Channel]] = [(i, c) for i, c in enumerate(REGISTRY) if not c.is_tie]
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
        own_terms=tuple(c.term for _, c in own if c.term is not None),
        band_columns=np.array([i for i, c in enumerate(REGISTRY) if c.band], dtype=np.int64),
        band_terms=tuple(c.band for c in REGISTRY if c.band is not None),
    )


@dataclass(frozen=True)
class VoteInputs:
    """Everything about one resolution that the vote rule reads, one entry per country.

    Attributes
    ----------
    attributes
        Every per-country attribute a channel reads, by name (n,) each (the world's).
    opinion
        Public opinion on the resolution's issue in [-1, 1] (n,).
    salience
        Salience of the resolution in [0, 1]; scales the domestic channel.
    favour_pull
        Net favours owed to the resolution's parties, signed by what each party wants (n,);
        see :meth:`sim.model.ledger.FavourLedger.pull`.
    fixed_votes
        A vote code per country that does not decide freely (sponsors yes, target no,
        scenario overrides, arrears absent), else :data:`NO_FIXED_VOTE` (n,).
    noise
        Idiosyncratic shock per country (n,), drawn by the caller from the run's generator.
    inducement
        Score bonus bought by patrons (n,); zeros when inducements are off.
    own_record
        Each country's latest known position on the resolution's issue, from recorded roll
        calls dated before the vote or its own earlier votes in the run (0 where none) (n,).
    own_record_age
        How long ago that position was taken (days on a dated agenda, rounds on a numbered
        one; ``inf`` where none) (n,). None in inputs built without a history.
    expected
        Expected positions of the others before any iteration: recorded positions from the
        history where known, else None (everyone free starts from abstention).
    affinity
        Each country's prior voting affinity with the resolution's parties, signed by what each
        party wants, in [-1, 1] (:func:`party_affinity`) (n,); None where not computed.
    """

    attributes: Mapping[str, FloatArray]
    opinion: FloatArray
    salience: float
    favour_pull: FloatArray
    fixed_votes: VoteArray
    noise: FloatArray
    inducement: FloatArray
    own_record: FloatArray | None = None
    own_record_age: FloatArray | None = None
    expected: tuple[FloatArray, BoolArray] | None = None
    affinity: FloatArray | None = None


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
        The channels' band terms (:func:`band_widening`), None when none widens a band.
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


def matvec(matrix: sparse.csr_array, x: FloatArray) -> FloatArray:
    """``matrix @ x`` for a float CSR array, without scipy's per-call dispatch.

    Calls the same compiled routine as ``@`` (each row summed in stored order), so the result
    is bit for bit the same; the dispatch it skips costs more than the product at n ~ 200.
    """
    if matrix.data.dtype != np.float64 or x.dtype != np.float64:
        product: FloatArray = matrix @ x
        return product
    n_rows, n_cols = matrix.shape
    y = np.zeros(n_rows)
    _sparsetools.csr_matvec(n_rows, n_cols, matrix.indptr, matrix.indices, matrix.data, x, y)
    return y


def party_affinity(matrix: sparse.csr_array, index: IntArray, preference: FloatArray) -> FloatArray:
    """Each country's affinity with a resolution's parties, signed by what each party wants.

    ``clip(sum_p preference_p * matrix[i, p], -1, 1)`` over the parties ``index`` (sponsors
    +1, target -1): with ``matrix`` the signed ``alignment`` table (kappa with each party in
    earlier sessions), a state that voted with the sponsors gets a positive value, one that
    voted with the target a negative one (Voeten 2000).
    """
    party = np.zeros(matrix.shape[1])
    party[index] = preference
    affinity: FloatArray = np.clip(matvec(matrix, party), -1.0, 1.0)
    return affinity


def band_widening(operators: Operators, inputs: VoteInputs, weights: Weights) -> FloatArray | None:
    """Sum of the channels' band terms (n,), or None when no channel widens bands."""
    if not operators.band_terms:
        return None
    extra = np.zeros(inputs.opinion.shape[0])
    for i, term in zip(operators.band_columns, operators.band_terms, strict=True):
        weight = float(weights.channel[i])
        if weight != 0.0:
            extra += term(inputs, weight)
    return extra if extra.any() else None


def own_contributions(operators: Operators, inputs: VoteInputs, weights: Weights) -> FloatArray:
    """Weighted contributions of the own channels (those not depending on others' positions).

    Returns
    -------
    numpy.ndarray
        ``(n, k)`` for the k own channels, in registry order.
    """
    own = np.empty((inputs.opinion.shape[0], len(operators.own_terms)))
    for k, (i, term) in enumerate(zip(operators.own_columns, operators.own_terms, strict=True)):
        own[:, k] = term(inputs, float(weights.channel[i]))
    return own


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
        Tie operators and own-channel terms.
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
        n = self.size
        contributions = self.template.copy()
        k = self.columns.size
        if self.stacked is None or positions.dtype != np.float64:
            for column, against, matrix in zip(
                self.columns, self.operators.against, self.operators.matrices, strict=True
            ):
                raw = matvec(matrix, positions)
                contributions[:, column] = (-raw if against else raw) * self.weights.channel[column]
            return contributions
        raw = np.zeros(k * n)
        _sparsetools.csr_matvec(k * n, positions.shape[0], *self.stacked, positions, raw)
        contributions[:, self.columns] = raw.reshape(k, n).T * self.signed
        return contributions


def _contributions(
    operators: Operators, own: FloatArray, weights: Weights, positions: FloatArray
) -> FloatArray:
    """Every channel's contribution given the own channels' block ``own`` (n, k)."""
    return _Contributions(operators, own, weights)(positions)


def contributions_for(
    operators: Operators, inputs: VoteInputs, weights: Weights, positions: FloatArray
) -> FloatArray:
    """Weighted contribution of every channel for every country, given others' positions.

    Returns
    -------
    numpy.ndarray
        ``(n, len(REGISTRY))`` in registry order; row sums are the scores.
    """
    return _contributions(
        operators, own_contributions(operators, inputs, weights), weights, positions
    )


def _same(a: np.ndarray, b: np.ndarray) -> bool:
    """``np.array_equal`` for two arrays of one shape, without its checks."""
    return bool((a == b).all())


def decide_votes(
    operators: Operators,
    inputs: VoteInputs,
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
    known from recorded roll calls (``inputs.expected``) is first expected to vote as it last
    did. The loop stops at a fixed point -- the votes repeat and
    each is the best response to the others' actual votes -- or after ``max_iterations``;
    the outcome says which (no fixed point need exist, and several may).

    The own channels are computed once per call; an iteration costs one sparse product (one
    per tie channel when ``neutrality > 0``, whose bands need every channel), and the full
    contributions are built once, at the end, from the positions that produced the votes.

    Parameters
    ----------
    operators
        Tie operators and own-channel terms (see :func:`make_operators`).
    inputs
        The resolution's per-country inputs.
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
    fixed = inputs.fixed_votes != NO_FIXED_VOTE
    fixed_codes = inputs.fixed_votes[fixed]
    own_block = own_contributions(operators, inputs, weights)
    own = own_block.sum(axis=1)
    neutral = weights.neutrality > 0
    cut = classifier(weights.abstention_band)
    contributions_at = _Contributions(operators, own_block, weights)
    influence = operators.influence
    extra = band_widening(operators, inputs, weights)
    band = None if extra is None else weights.abstention_band + extra
    n = own.shape[0]
    parts = (influence.indptr, influence.indices, influence.data)
    direct = influence.data.dtype == np.float64

    recent: list[tuple[FloatArray, FloatArray]] = []  # (positions, contributions), last two

    def best_response(expected: FloatArray) -> VoteArray:
        if neutral:
            contributions = contributions_at(expected)
            recent[:] = [*recent[-1:], (expected, contributions)]
            bands = country_bands(contributions, weights)
            votes = classify(contributions.sum(axis=1), bands if extra is None else bands + extra)
        else:
            if direct and expected.dtype == np.float64:  # matvec without its per-call checks
                product = np.zeros(n)
                _sparsetools.csr_matvec(n, n, *parts, expected, product)
            else:
                product = matvec(influence, expected)
            votes = cut(product + own) if band is None else classify(product + own, band)
        votes[fixed] = fixed_codes
        return votes

    votes = np.full(own.shape, Vote.ABSTAIN, dtype=np.int8)
    votes[fixed] = fixed_codes
    expected = POSITION_OF_VOTE[votes]
    if inputs.expected is not None:
        prior, known = inputs.expected
        expected = np.where(known & ~fixed, prior, expected)
    used = expected
    converged = False
    iterations = 0
    while iterations < max_iterations:
        iterations += 1
        used = expected
        new_votes = best_response(expected)
        observed = POSITION_OF_VOTE[new_votes]
        repeated = _same(new_votes, votes)
        votes = new_votes
        # A fixed point: every vote is the best response to the others' actual votes.
        if repeated and (_same(used, observed) or _same(best_response(observed), votes)):
            converged = True
            used = observed
            break
        expected = expected + expectation_weight * (observed - expected)
    # With neutrality on, the contributions at the final positions were mostly just computed.
    done = [c for positions, c in recent if positions is used]
    contributions = done[-1] if done else contributions_at(used)
    return VoteOutcome(
        votes=votes,
        contributions=contributions,
        score=contributions.sum(axis=1),
        iterations=iterations,
        converged=converged,
        band_extra=extra,
    )


def allocate_inducements(
    score: FloatArray,
    votes: VoteArray,
    band: float | FloatArray,
    preference: float,
    budget: float,
    price: float,
    reach: float,
    eligible: BoolArray,
) -> tuple[FloatArray, float]:
    """Buy one-category swings for a patron from the cheapest persuadable voters.

    A voter is persuadable when its score is within ``reach`` of the next boundary toward the
    patron's side; swinging it costs ``price`` per score unit of that gap. The patron buys the
    cheapest swings first until its budget runs out (a greedy version of the vote-buying models
    of Groseclose & Snyder 1996).

    Parameters
    ----------
    score
        Net support before inducements (n,).
    votes
        Votes before inducements (n,).
    band
        Abstention band: one for all, or each country's own (n,) as the vote used it
        (:func:`country_bands`); a swing is priced to the voter's own boundary.
    preference
        +1 if the patron sponsors the resolution, -1 if it is the target.
    budget
        What the patron can spend (budget units).
    price
        Budget units per score unit of swing.
    reach
        Largest gap a patron will try to close (score units).
    eligible
        Countries that may be bought (n,): free voters that are not parties.

    Returns
    -------
    tuple
        The bonus added to each voter's score (n,), signed toward the patron's side, and the
        amount spent.
    """
    bonus = np.zeros_like(score)
    if budget <= 0 or price <= 0:
        return bonus, 0.0
    # Distance to the next boundary toward the patron's side, in the patron's direction.
    oriented = preference * score
    next_boundary = np.where(
        preference * POSITION_OF_VOTE[votes] < 0, -band, band
    )  # opposed -> reach abstain; abstaining -> reach the patron's side
    gap = next_boundary - oriented
    on_side = preference * POSITION_OF_VOTE[votes] > 0
    # gap > 0: a swing always costs something, so buying never adds to a budget.
    candidates = np.flatnonzero(eligible & ~on_side & (gap > 0) & (gap <= reach))
    order = candidates[np.argsort(gap[candidates], kind="stable")]
    cost = np.cumsum(gap[order] * price)
    bought = order[cost <= budget + 1e-12]
    # A hair past the boundary, so that the bought voter crosses it (the cut is strict).
    bonus[bought] = preference * (gap[bought] + 1e-9)
    spent = float(gap[bought].sum() * price)
    return bonus, spent


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


def stay_away(
    votes: VoteArray,
    contributions: FloatArray,
    salience: float,
    min_cross_pressure: float,
    max_salience: float,
) -> BoolArray:
    """Abstainers that stay away instead: cross-pressure high and the resolution not salient.

    Parameters
    ----------
    votes
        Vote codes (n,).
    contributions
        ``(n, len(CHANNELS))`` channel contributions.
    salience
        The resolution's salience in [0, 1].
    min_cross_pressure
        Cross-pressure (score units) at which an abstainer stays away.
    max_salience
        Stay-aways happen only on resolutions at most this salient.

    Returns
    -------
    numpy.ndarray
        Boolean mask (n,) of countries recorded absent.
    """
    if salience > max_salience:
        return np.zeros(votes.shape, dtype=bool)
    away: BoolArray = (votes == Vote.ABSTAIN) & (
        cross_pressure(contributions) >= min_cross_pressure
    )
    return away


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
