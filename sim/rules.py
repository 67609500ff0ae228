"""The vote rule and the favour ledger, as pure functions over arrays.

Every function here takes all countries at once: vectors have shape ``(n,)``, tie matrices are
``(n, n)`` sparse CSR arrays whose row ``i`` describes country ``i``'s links to every ``j``.
Nothing here keeps state or draws random numbers; the model (``sim.model``) owns both.

Sign convention: a *position* is ``+1`` for yes, ``0`` for abstain/absent/unknown and ``-1``
for no. A *score* (net support) is a sum of channel contributions in the same direction:
positive pushes toward yes, negative toward no.

The channels and the literature they come from:

``trade``
    Pull toward the expected positions of trade partners, weighted by trade share. Economic
    interdependence restrains hostile alignment (Oneal & Russett 1999; for UN votes, Flores-Macías
    & Kreps 2013 on China's trade partners converging on its positions).
``security``
    The same with arms-import shares, alliances, bases and defence agreements (Strüver 2016;
    on ES-11/1, defence cooperation with Russia predicted voting with it, *International
    Interactions* 49(3), 2023).
``shared_adversaries``
    Affinity with states that share one's adversaries, "the enemy of my enemy" (Heider 1946;
    Maoz et al. 2007 on structural balance in alliance networks).
``own_adversaries``
    Leaning against what one's own adversaries want (strategic rivalry, Thompson & Dreyer 2011).
``domestic``
    Accountability x public opinion x salience: democratic governments answer to their publics,
    personalist regimes do not (Bueno de Mesquita et al. 2003; Carter & Stone 2015).
``quid_pro_quo``
    A debtor leans toward the preference of the states it owes for past protection (Dreher,
    Nunnenkamp & Thiele 2008; Kuziemko & Werker 2006 on vote buying), saturating with ``tanh``.
``inducement``
    Side payments a patron spends to swing persuadable voters (Carter & Stone 2015).
``noise``
    Idiosyncratic shock per country and resolution vote, drawn from the run's single seeded
    generator (so a vote's noise also depends on how many votes came before it).

The vote is the score cut by an abstention band; states in arrears lose their vote (UN Charter,
Article 19). Others' positions are *expected* positions: all countries update simultaneously
from the positions of the previous iteration, repeated until nothing changes (a fixed point) or
an iteration cap is hit (a best-response dynamic in the sense of Fudenberg & Levine 1998).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum
from typing import Final

import numpy as np
from numpy.typing import NDArray
from scipy import sparse

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]
BoolArray = NDArray[np.bool_]
VoteArray = NDArray[np.int8]


class Vote(IntEnum):
    """A recorded vote, coded as political science codes UN roll calls.

    ``YES = 1, ABSTAIN = 2, NO = 3`` is the ordinal coding of Voeten (2000) and Häge (2011);
    ``ABSENT = 0`` (did not vote, or had no vote) is missing in every alignment measure.
    """

    ABSENT = 0
    YES = 1
    ABSTAIN = 2
    NO = 3

    @property
    def word(self) -> str:
        """Return the lower-case word used in files (``yes``, ``no``, ``abstain``, ``absent``)."""
        return self.name.lower()

    @classmethod
    def from_word(cls, word: str) -> Vote:
        """Parse a lower-case vote word; raise ``ValueError`` for anything else."""
        try:
            return cls[word.strip().upper()]
        except KeyError:
            raise ValueError(f"must be one of yes, no, abstain, absent, got {word!r}") from None


VOTE_WORDS: Final = tuple(v.word for v in Vote)
"""Vote words indexed by vote code (``VOTE_WORDS[Vote.YES] == "yes"``)."""

POSITION_OF_VOTE: Final = np.array([0.0, 1.0, 0.0, -1.0])
"""Position of each vote code: absent 0, yes +1, abstain 0, no -1."""

CHANNELS: Final = (
    "trade",
    "security",
    "shared_adversaries",
    "own_adversaries",
    "domestic",
    "quid_pro_quo",
    "inducement",
    "noise",
)
"""Names of the channels, in the column order of every contributions array."""

NO_FIXED_VOTE: Final = -1
"""Marker in a ``fixed_votes`` vector for a country that decides freely."""


@dataclass(frozen=True)
class Weights:
    """The global weights of the vote rule (all dimensionless score units).

    Attributes
    ----------
    trade, security, shared_adversaries, own_adversaries, domestic, quid_pro_quo
        Multipliers of each channel (a channel's raw value lies in [-1, 1]).
    abstention_band
        Half-width of the abstain zone: yes above ``+band``, no below ``-band``.
    neutrality
        How much cross-pressure widens a country's abstain zone (score units per unit of
        cross-pressure; 0 = off). See :func:`country_bands`.
    """

    trade: float
    security: float
    shared_adversaries: float
    own_adversaries: float
    domestic: float
    quid_pro_quo: float
    abstention_band: float
    neutrality: float = 0.0


@dataclass(frozen=True)
class Ties:
    """Tie matrices, normalised so every channel lies in [-1, 1], and their weighted sum.

    Build with :func:`make_ties`; every matrix is ``(n, n)`` CSR with zero diagonal.

    Attributes
    ----------
    trade
        ``trade[i, j]``: share of i's total trade that is with j; row sums are at most 1.
    security
        i's security dependence on j, rows scaled down to sum at most 1.
    shared
        Shared-adversary affinity ``A A^T`` without its diagonal, rows normalised to sum 1
        (or 0 for states with no adversary in common with anyone).
    adversary
        Adversary intensities ``A``, rows normalised to sum 1 (or 0).
    influence
        ``trade * w_t + security * w_s + shared * w_sh - adversary * w_own``: the linear part of
        the score, used in the best-response iterations (one sparse product per iteration).
    """

    trade: sparse.csr_array
    security: sparse.csr_array
    shared: sparse.csr_array
    adversary: sparse.csr_array
    influence: sparse.csr_array


def _row_normalised(matrix: sparse.csr_array, cap_only: bool) -> sparse.csr_array:
    """Divide each row by its sum (``cap_only``: only rows summing above 1)."""
    row_sum = np.asarray(matrix.sum(axis=1)).ravel()
    divisor = np.maximum(row_sum, 1.0) if cap_only else np.where(row_sum > 1e-12, row_sum, 1.0)
    return sparse.csr_array(sparse.diags_array(1.0 / divisor) @ matrix)


def make_ties(
    trade: sparse.csr_array,
    security: sparse.csr_array,
    adversary: sparse.csr_array,
    weights: Weights,
) -> Ties:
    """Normalise raw tie matrices and combine them with the channel weights.

    Parameters
    ----------
    trade
        Trade shares, rows summing to at most 1 (checked by the scenario loader).
    security
        Raw security strengths in [0, 1]; rows whose sum exceeds 1 are scaled down to sum 1.
    adversary
        Adversary intensities in [0, 1] (symmetric where rivalries are mutual).
    weights
        Channel weights (for the combined ``influence`` matrix).

    Returns
    -------
    Ties
        The normalised matrices and their weighted sum.
    """
    trade = sparse.csr_array(trade, dtype=np.float64)
    security = _row_normalised(sparse.csr_array(security, dtype=np.float64), cap_only=True)
    adversary = sparse.csr_array(adversary, dtype=np.float64)
    shared = sparse.csr_array(adversary @ adversary.T).tolil()
    shared.setdiag(0.0)
    shared = sparse.csr_array(shared)
    shared.eliminate_zeros()
    shared = _row_normalised(shared, cap_only=False)
    adversary = _row_normalised(adversary, cap_only=False)
    influence = sparse.csr_array(
        weights.trade * trade
        + weights.security * security
        + weights.shared_adversaries * shared
        - weights.own_adversaries * adversary
    )
    return Ties(trade, security, shared, adversary, influence)


def social_channels(ties: Ties, positions: FloatArray) -> FloatArray:
    """Raw values of the four tie channels for every country, given others' positions.

    Parameters
    ----------
    ties
        The tie matrices (see :func:`make_ties`).
    positions
        Expected position of every country on the resolution (n,), in [-1, 1].

    Returns
    -------
    numpy.ndarray
        ``(n, 4)``: trade-weighted position (Oneal & Russett 1999), security-weighted position
        (Strüver 2016), mean position of states sharing an adversary (Heider 1946; Maoz et al.
        2007) and minus the mean position of one's adversaries (Thompson & Dreyer 2011). Each
        lies in [-1, 1].
    """
    return np.column_stack(
        (
            ties.trade @ positions,
            ties.security @ positions,
            ties.shared @ positions,
            -(ties.adversary @ positions),
        )
    )


def classify(score: FloatArray, band: float | FloatArray) -> VoteArray:
    """Cut net support into votes: yes above ``+band``, no below ``-band``, abstain between.

    Parameters
    ----------
    score
        Net support (n,).
    band
        Half-width of the abstention zone (>= 0), one for all or one per country.

    Returns
    -------
    numpy.ndarray
        Vote codes (n,) as ``int8`` (see :class:`Vote`).
    """
    votes = np.full(score.shape, Vote.ABSTAIN, dtype=np.int8)
    votes[score > band] = Vote.YES
    votes[score < -band] = Vote.NO
    return votes


@dataclass(frozen=True)
class VoteInputs:
    """Everything about one resolution that the vote rule reads, one entry per country.

    Attributes
    ----------
    accountability
        Domestic pressure / government accountability in [0, 1] (n,).
    opinion
        Public opinion on the resolution's issue in [-1, 1] (n,).
    salience
        Salience of the resolution in [0, 1]; scales the domestic channel.
    favour_pull
        Net favours owed to the resolution's parties, signed by what each party wants (n,);
        see :func:`favour_pull`.
    fixed_votes
        A vote code per country that does not decide freely (sponsors yes, target no,
        scenario overrides, arrears absent), else :data:`NO_FIXED_VOTE` (n,).
    noise
        Idiosyncratic shock per country (n,), drawn by the caller from the run's generator.
    inducement
        Score bonus bought by patrons (n,); zeros when inducements are off.
    """

    accountability: FloatArray
    opinion: FloatArray
    salience: float
    favour_pull: FloatArray
    fixed_votes: VoteArray
    noise: FloatArray
    inducement: FloatArray


@dataclass(frozen=True)
class VoteOutcome:
    """Result of :func:`decide_votes` for one resolution.

    Attributes
    ----------
    votes
        Vote codes (n,).
    contributions
        ``(n, len(CHANNELS))`` channel contributions at the final iteration.
    score
        Net support (n,), the row sums of ``contributions``.
    iterations
        Simultaneous-update iterations used.
    converged
        Whether a fixed point was reached before the cap.
    """

    votes: VoteArray
    contributions: FloatArray
    score: FloatArray
    iterations: int
    converged: bool


def own_contributions(inputs: VoteInputs, weights: Weights) -> FloatArray:
    """Contributions that do not depend on others' positions, ``(n, 4)``.

    Columns: domestic (accountability x opinion x salience), quid pro quo (``tanh`` of the
    favour pull), inducement, noise.
    """
    return np.column_stack(
        (
            weights.domestic * inputs.salience * inputs.accountability * inputs.opinion,
            weights.quid_pro_quo * np.tanh(inputs.favour_pull),
            inputs.inducement,
            inputs.noise,
        )
    )


def contributions_for(
    ties: Ties, inputs: VoteInputs, weights: Weights, positions: FloatArray
) -> FloatArray:
    """Weighted contribution of every channel for every country, given others' positions.

    Returns
    -------
    numpy.ndarray
        ``(n, len(CHANNELS))`` in the order of :data:`CHANNELS`; row sums are the scores.
    """
    scale = np.array(
        [weights.trade, weights.security, weights.shared_adversaries, weights.own_adversaries]
    )
    return np.hstack((social_channels(ties, positions) * scale, own_contributions(inputs, weights)))


def decide_votes(
    ties: Ties,
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
    and abstention from everyone else. The loop stops at a fixed point -- the votes repeat and
    each is the best response to the others' actual votes -- or after ``max_iterations``;
    the outcome says which (no fixed point need exist, and several may).

    Parameters
    ----------
    ties
        Tie matrices.
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
    own = own_contributions(inputs, weights).sum(axis=1)

    def best_response(expected: FloatArray) -> VoteArray:
        if weights.neutrality > 0:
            contributions = contributions_for(ties, inputs, weights, expected)
            band = country_bands(contributions, weights)
            votes = classify(contributions.sum(axis=1), band)
        else:
            votes = classify(ties.influence @ expected + own, weights.abstention_band)
        votes[fixed] = fixed_codes
        return votes

    votes = np.full(own.shape, Vote.ABSTAIN, dtype=np.int8)
    votes[fixed] = fixed_codes
    expected = POSITION_OF_VOTE[votes]
    used = expected
    converged = False
    iterations = 0
    while iterations < max_iterations:
        iterations += 1
        used = expected
        new_votes = best_response(expected)
        observed = POSITION_OF_VOTE[new_votes]
        repeated = np.array_equal(new_votes, votes)
        votes = new_votes
        # A fixed point: every vote is the best response to the others' actual votes.
        if repeated and (
            np.array_equal(used, observed) or np.array_equal(best_response(observed), votes)
        ):
            converged = True
            used = observed
            break
        expected = expected + expectation_weight * (observed - expected)
    contributions = contributions_for(ties, inputs, weights, used)
    return VoteOutcome(
        votes=votes,
        contributions=contributions,
        score=contributions.sum(axis=1),
        iterations=iterations,
        converged=converged,
    )


def favour_pull(owed_to_parties: FloatArray, party_preferences: FloatArray) -> FloatArray:
    """Net favours each country owes toward a resolution's outcome.

    Parameters
    ----------
    owed_to_parties
        ``(n, k)``: ``favour_balance[i, p]`` for the k parties (target and sponsors).
    party_preferences
        ``(k,)``: +1 for a sponsor, -1 for the target.

    Returns
    -------
    numpy.ndarray
        ``(n,)``: sum over parties of debt x preference; the quid-pro-quo channel is
        ``quid_pro_quo * tanh(pull)`` (diminishing returns to accumulated debt).
    """
    return owed_to_parties @ party_preferences


@dataclass(frozen=True)
class LedgerUpdate:
    """New ledger entries between every country and a resolution's parties.

    Attributes
    ----------
    owed_to_parties
        ``(n, k)``: what each country now owes each party.
    owed_by_parties
        ``(n, k)``: what each party now owes each country (``favour_balance[p, i]``).
    repaid
        ``(n, k)``: debt each country repaid to each party by this vote.
    """

    owed_to_parties: FloatArray
    owed_by_parties: FloatArray
    repaid: FloatArray


def settle_favours(
    owed_to_parties: FloatArray,
    owed_by_parties: FloatArray,
    votes: VoteArray,
    party_preferences: FloatArray,
    credit: float,
) -> LedgerUpdate:
    """Update the favour ledger after a vote: repay debts first, then earn credit.

    A country that votes the way party p wants (yes for a sponsor, no for the target) does p a
    favour worth ``credit``. It first pays down what it owes p; the rest becomes p's debt to it.
    This is the reciprocity of Keohane (1986) made into an account, as in the vote-trading
    models of Coleman (1966). The caller keeps the entries between the parties themselves
    unchanged (a sponsor does not earn credit with a co-sponsor by sponsoring).

    Parameters
    ----------
    owed_to_parties, owed_by_parties
        ``(n, k)`` ledger blocks (see :class:`LedgerUpdate`).
    votes
        Vote codes (n,).
    party_preferences
        +1 for sponsors, -1 for the target (k,).
    credit
        Favour units earned by one favourable vote (earn rate x salience).

    Returns
    -------
    LedgerUpdate
        The new blocks and the amounts repaid.
    """
    in_favour = POSITION_OF_VOTE[votes][:, None] * party_preferences[None, :] > 0
    earned = np.where(in_favour, credit, 0.0)
    repaid = np.minimum(owed_to_parties, earned)
    return LedgerUpdate(
        owed_to_parties=owed_to_parties - repaid,
        owed_by_parties=owed_by_parties + (earned - repaid),
        repaid=repaid,
    )


def opposed(votes: VoteArray, party_preferences: FloatArray) -> BoolArray:
    """Which countries voted against which party, ``(n, k)``.

    A vote against a party is yes on a resolution that targets it or no on one it sponsors.
    Patrons punish these (Russia's warning before the April 2022 vote; Carter & Stone 2015).
    """
    return POSITION_OF_VOTE[votes][:, None] * party_preferences[None, :] < 0


def allocate_inducements(
    score: FloatArray,
    votes: VoteArray,
    band: float,
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
        Abstention band.
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
    candidates = np.flatnonzero(eligible & ~on_side & (gap <= reach))
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
    push = np.clip(contributions, 0.0, None).sum(axis=1)
    pull = -np.clip(contributions, None, 0.0).sum(axis=1)
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
    """Index into :data:`CHANNELS` of the channel that decided each vote.

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
    changes = np.empty(contributions.shape, dtype=bool)
    for c in range(contributions.shape[1]):
        changes[:, c] = classify(without[:, c], band) != votes
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


def cut_ties(
    matrix: sparse.csr_array, against: BoolArray, parties: IntArray, keep: float
) -> sparse.csr_array:
    """Scale the ties of punished states toward the punishing parties.

    Parameters
    ----------
    matrix
        Raw tie matrix (n, n); entry ``[i, p]`` is i's tie to p.
    against
        ``(n, k)``: whether country i is punished by party k.
    parties
        Indices of the k parties.
    keep
        Share of each punished tie kept (``1 - punishment_tie_loss``).

    Returns
    -------
    scipy.sparse.csr_array
        A new matrix; sanctions shrink economic and security links (Hufbauer et al. 2007).
    """
    coo = matrix.tocoo()
    party_of_column = np.full(matrix.shape[1], -1, dtype=np.int64)
    party_of_column[parties] = np.arange(parties.size)
    k = party_of_column[coo.col]
    hit = k >= 0
    hit[hit] = against[coo.row[hit], k[hit]]
    data = coo.data.copy()
    data[hit] *= keep
    return sparse.csr_array((data, (coo.row, coo.col)), shape=matrix.shape)
