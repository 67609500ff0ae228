"""Tests written to kill surviving mutants of the model core (tools/mutation.sh).

Each test pins a behaviour that a surviving mutant changed and no other fast test noticed:
defaults, error messages, dtypes callers rely on, and edges hit exactly (dyadic floats).
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from contexts import scripted_context
from scipy import sparse

from sim.common.measures import adopted, alignment, blocs, cohen_kappa, joint_counts
from sim.common.seeds import Seed, child_seeds, replicate_seeds
from sim.model.channels import REGISTRY
from sim.model.context import VoteContext
from sim.model.ledger import FAVOUR_EPSILON, FavourLedger, Parties
from sim.model.rule import (
    Weights,
    decide_votes,
    deciding_channels,
    make_operators,
)
from sim.model.stages import allocate_inducements
from sim.model.votes import NO_FIXED_VOTE, Vote, classify

Y, A, N, X = 1, 2, 3, 0  # yes, abstain, no, absent
NAMES = REGISTRY.names


# --- seeds -------------------------------------------------------------------------------


def test_seed_generator_and_record() -> None:
    seed = Seed(5, (1, 2))
    expected = np.random.default_rng(np.random.SeedSequence(5, spawn_key=(1, 2))).random(3)
    assert seed.generator().random(3).tolist() == expected.tolist()
    assert seed.as_dict() == {"entropy": 5, "spawn_key": [1, 2]}
    assert Seed(5, ()).generator().random() == np.random.default_rng(5).random()


def test_replicate_seeds_of_one_replicate_is_the_root_alone() -> None:
    assert replicate_seeds(5, 1) == [Seed(5, ())]
    assert replicate_seeds(5, 3) == [Seed(5, ()), Seed(5, (0,)), Seed(5, (1,))]
    assert child_seeds(5, 0) == []


# --- vote codes ----------------------------------------------------------------------------


def test_a_bad_vote_word_names_the_choices() -> None:
    assert Vote.from_word(" Yes ") is Vote.YES
    with pytest.raises(ValueError, match=r"must be one of yes, no, abstain, absent, got 'maybe'"):
        Vote.from_word("maybe")


# --- measures ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("votes", "majority", "expected"),
    [
        ([Y, Y, N], "simple", True),
        ([Y, N], "simple", False),  # a tie is not adopted
        ([Y, A, A, X, X, N, N], "simple", False),  # abstentions and absences do not count
        ([Y, Y, N], "two_thirds", True),  # exactly two thirds
        ([Y, Y, N, N], "two_thirds", False),
        ([Y, Y, Y, N, A, A, A, X], "two_thirds", True),
        ([A, A, X], "two_thirds", False),  # needs at least one yes
        ([A, A, X], "simple", False),
        ([Y, Y, Y, N, N], "simple", True),
        ([Y, Y, Y, N, N], "two_thirds", False),  # a majority, not two thirds
        ([Y, A], "two_thirds", True),  # one yes and no no is enough
    ],
)
def test_adopted_by_the_charters_majorities(
    votes: list[int], majority: str, expected: bool
) -> None:
    assert adopted(np.array(votes), majority) is expected


def test_cohen_kappa_by_hand() -> None:
    a = np.array([1, 1, 2, 2])
    b = np.array([1, 2, 2, 2])
    # unweighted: po = 3/4, pe = (2*1 + 2*3) / 16 = 1/2 -> kappa = 1/2
    assert cohen_kappa(a, b) == 0.5
    # linear weights = quadratic weights for two labels one rank apart
    assert cohen_kappa(a, b, "linear") == 0.5
    assert cohen_kappa(a, b, "quadratic") == 0.5
    # three labels, ranks 0..2: a disagreement of two ranks weighs 2 (linear) or 4 (quadratic)
    a = np.array([1, 3, 3, 2])
    b = np.array([3, 3, 1, 2])
    # confusion: (1,3), (3,3), (3,1), (2,2); marginals a: 1,1,2; b: 1,1,2 over labels 1,2,3
    # expected[i, j] = row_i * col_j / 4; linear: observed 2 + 2 = 4;
    # expected = sum |i-j| r_i c_j / 4 = (1*1*1 + 2*1*2 + 1*1*1 + 1*1*2 + 2*2*1 + 1*2*1) / 4 = 3.5
    assert cohen_kappa(a, b, "linear") == pytest.approx(1 - 4 / 3.5)
    # quadratic: observed 4 + 4 = 8; expected (1 + 8 + 1 + 2 + 8 + 2) / 4 = 5.5
    assert cohen_kappa(a, b, "quadratic") == pytest.approx(1 - 8 / 5.5)
    # unweighted: observed 2 disagreements; expected (16 - (1 + 1 + 4)) / 4 = 2.5
    assert cohen_kappa(a, b) == pytest.approx(1 - 2 / 2.5)
    assert np.isnan(cohen_kappa(np.array([2, 2]), np.array([2, 2])))
    # perfect agreement with an expected disagreement of 1/2 + 1/2 = 1
    assert cohen_kappa(np.array([1, 2]), np.array([1, 2])) == 1.0
    # unequal marginals (a: 3 x 1, 1 x 2; b: 1 x 1, 3 x 2): po = 1/2, expected disagreement
    # (3 * 3 + 1 * 1) / 4 = 2.5 -> kappa = 1 - 2 / 2.5
    assert cohen_kappa(np.array([1, 1, 1, 2]), np.array([1, 2, 2, 2])) == pytest.approx(0.2)


def test_joint_counts_and_alignment_types_and_default_kappa() -> None:
    votes = np.array([[Y, Y, N, A], [Y, N, N, Y]])
    counts = joint_counts(votes)
    assert counts.dtype == np.int64 and counts.shape == (3, 3, 2, 2)
    result = alignment(votes)
    assert result.joint.dtype == np.int64 and result.joint[0, 1] == 4
    # the default is Häge's quadratic kappa: weights (|a - b| / 2) ** 2
    assert result.kappa[0, 1] == alignment(votes, kappa_power=2).kappa[0, 1]
    assert result.kappa[0, 1] != alignment(votes, kappa_power=3).kappa[0, 1]


def test_alignment_of_states_without_joint_votes_is_nan_and_quiet() -> None:
    votes = np.array([[Y, X], [X, N]])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        result = alignment(votes)
    assert np.isnan(result.agreement[0, 1]) and np.isnan(result.kappa[0, 1])


def test_blocs_of_fewer_than_two_states() -> None:
    for n in (0, 1):
        labels, order = blocs(np.ones((n, n)), threshold=0.5)
        assert labels.tolist() == [1] * n and order.tolist() == list(range(n))
        assert labels.dtype == np.int64 and order.dtype == np.int64


def test_two_states_split_or_join_exactly_at_the_threshold() -> None:
    agreement = np.array([[1.0, 0.75], [0.75, 1.0]])
    assert blocs(agreement, threshold=0.75)[0].tolist() == [1, 1]  # at the threshold: join
    assert blocs(agreement, threshold=0.875)[0].tolist() == [1, 2]
    apart = np.array([[1.0, 0.625], [0.625, 1.0]])
    assert blocs(apart, threshold=0.75)[0].tolist() == [1, 2]


def test_pairs_without_joint_votes_count_as_distance_one_half() -> None:
    agreement = np.array([[1.0, np.nan], [np.nan, 1.0]])
    assert blocs(agreement, threshold=0.5)[0].tolist() == [1, 1]
    assert blocs(agreement, threshold=0.625)[0].tolist() == [1, 2]


def test_blocs_use_average_linkage() -> None:
    # A-B close (0.125), B-C close (0.125), A-C far (0.75): single linkage chains all three at
    # 0.125; average linkage joins C to {A, B} only at (0.125 + 0.75) / 2 = 0.4375.
    agreement = 1.0 - np.array([[0.0, 0.125, 0.75], [0.125, 0.0, 0.125], [0.75, 0.125, 0.0]])
    labels, _ = blocs(agreement, threshold=0.75)  # merge up to distance 0.25
    assert labels.tolist() == [1, 1, 2]


# --- ledger --------------------------------------------------------------------------------


def _parties(*pairs: tuple[int, float]) -> Parties:
    return Parties(np.array([p for p, _ in pairs], dtype=np.int64), np.array([w for _, w in pairs]))


def test_settle_without_parties_returns_a_boolean_mask() -> None:
    ledger = FavourLedger(2)
    repaid = ledger.settle(np.array([Y, N], dtype=np.int8), _parties(), 0.5)
    assert repaid.dtype == np.bool_ and not repaid.any()


def test_repaying_dust_does_not_count_and_a_round_remembers_earlier_repayments() -> None:
    ledger = FavourLedger(3)
    ledger.balance[1, 0] = FAVOUR_EPSILON  # B owes A exactly the dust threshold
    ledger.balance[2, 0] = 0.25
    repaid = ledger.settle(np.array([Y, Y, A], dtype=np.int8), _parties((0, 1.0)), 0.5)
    assert repaid.tolist() == [False, False, False]  # repaying dust is not repaying
    repaid = ledger.settle(np.array([Y, A, Y], dtype=np.int8), _parties((0, 1.0)), 0.5)
    assert repaid.tolist() == [False, False, True]
    # a later vote in the same round without repayment keeps the round's record
    ledger.settle(np.array([Y, A, A], dtype=np.int8), _parties((0, 1.0)), 0.5)
    assert ledger.repaid_this_round.tolist() == [False, False, True]


def test_balances_of_exactly_the_dust_threshold_are_settled() -> None:
    ledger = FavourLedger(2)
    ledger.balance[0, 1] = FAVOUR_EPSILON
    debtor, creditor, balance = ledger.outstanding()
    assert debtor.size == creditor.size == balance.size == 0
    assert ledger.debtors() == 0


# --- rule ----------------------------------------------------------------------------------


def test_weights_by_name_with_defaults() -> None:
    weights = Weights.of({"trade": 2.0, "noise": 3.0}, abstention_band=0.25)
    assert weights.neutrality == 0.0 and weights.abstention_band == 0.25
    expected = [2.0 if c.name == "trade" else (c.default if c.weighted else 1.0) for c in REGISTRY]
    assert weights.channel.tolist() == expected
    assert weights["trade"] == 2.0
    assert weights["noise"] == 1.0  # unweighted channels take 1 whatever is asked
    assert weights["shared_adversaries"] == REGISTRY["shared_adversaries"].default
    with pytest.raises(KeyError, match=r"unknown channels: \['nope'\]"):
        Weights.of({"nope": 1.0}, abstention_band=0.25)


def _inputs(n: int, own: np.ndarray, fixed: list[int]) -> VoteContext:
    return scripted_context(
        n, opinion=own, fixed=fixed, attributes={"domestic_pressure": np.ones(n)}
    )


def test_decide_votes_damps_expectations_by_one_half_by_default() -> None:
    # X votes yes on its own (+0.5); Y trades half with X and leans -0.5 on its own. With
    # expectations moving half way, after two iterations Y still expects X at +0.5:
    # 0.25 - 0.5 = -0.25, a no (overshooting expectations would make it a yes).
    n = 2
    trade = sparse.csr_array(np.array([[0.0, 0.0], [0.5, 0.0]]))
    empty = sparse.csr_array((n, n))
    weights = Weights.of({"trade": 1.0, "domestic": 1.0}, abstention_band=0.125)
    operators = make_operators({"trade": trade, "security": empty, "adversaries": empty}, weights)
    inputs = _inputs(n, np.array([0.5, -0.5]), [NO_FIXED_VOTE, NO_FIXED_VOTE])
    outcome = decide_votes(operators, inputs, weights, max_iterations=2)
    assert outcome.votes.tolist() == [Vote.YES, Vote.NO]
    assert not outcome.converged and outcome.iterations == 2
    assert outcome.votes.dtype == np.int8


def test_a_patron_without_budget_buys_not_even_a_free_swing() -> None:
    score = np.array([0.25])  # exactly on the boundary: a swing would cost nothing
    votes = classify(score, 0.25)
    bonus, spent = allocate_inducements(score, votes, 0.25, 1.0, 0.0, 1.0, 1.0, np.array([True]))
    assert bonus.tolist() == [0.0] and spent == 0.0


def _decided(contributions: list[list[float]], band: float) -> list[str]:
    c = np.array(contributions)
    votes = classify(c.sum(axis=1), band)
    return [NAMES[i] for i in deciding_channels(c, votes, band)]


def test_deciding_channel_without_a_pivotal_one() -> None:
    k = len(NAMES)
    rows = np.zeros((3, k))
    # yes, no channel pivotal: the largest push toward yes decides, not the largest magnitude
    rows[0, :5] = [0.25, 0.25, 0.25, 0.25, -0.375]
    # abstains leaning to yes, no channel pivotal: what held it back (the one against the lean)
    rows[1, :3] = [0.125, -0.0625, 0.125]
    # abstains at exactly 0: nothing leans, so the strongest channel (the first of equals)
    rows[2, :2] = [0.25, -0.25]
    decided = _decided(rows.tolist(), 0.25)
    assert decided == [NAMES[0], NAMES[1], NAMES[0]]


def test_equal_swings_are_bought_in_country_order() -> None:
    # 50 voters 0.125 from the yes boundary interleaved with 50 at 0.25; the budget buys ten
    # of the cheap ones, and among equal prices the patron goes down the list in order.
    score = np.tile([0.0, 0.125], 50)
    votes = classify(score, 0.25)
    eligible = np.ones(score.size, dtype=bool)
    bonus, spent = allocate_inducements(score, votes, 0.25, 1.0, 1.25, 1.0, 0.5, eligible)
    assert np.flatnonzero(bonus).tolist() == list(range(1, 21, 2))
    assert spent == 1.25
