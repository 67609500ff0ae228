"""The pure functions of sim.rules against hand-computed values and dense oracles."""

from __future__ import annotations

import numpy as np
import pytest
from contexts import scripted_context
from scipy import sparse

from sim.model.channels import REGISTRY
from sim.model.ledger import cut_ties
from sim.model.rule import (
    Weights,
    contributions_for,
    country_bands,
    cross_pressure,
    deciding_channels,
    make_operators,
)
from sim.model.stages import allocate_inducements, stay_away
from sim.model.votes import Vote, classify

CHANNELS = REGISTRY.names


def test_classify_uses_strict_band_edges() -> None:
    votes = classify(np.array([0.21, 0.2, 0.0, -0.2, -0.21]), 0.2)
    assert [Vote(v).word for v in votes] == ["yes", "abstain", "abstain", "abstain", "no"]


def test_social_channels_match_a_dense_computation() -> None:
    rng = np.random.default_rng(3)
    n = 9
    trade = rng.random((n, n)) * (rng.random((n, n)) < 0.4)
    np.fill_diagonal(trade, 0)
    trade = trade / np.maximum(trade.sum(axis=1, keepdims=True), 1.0)
    security = rng.random((n, n)) * (rng.random((n, n)) < 0.4)
    np.fill_diagonal(security, 0)
    adversary = (rng.random((n, n)) < 0.3).astype(float)
    np.fill_diagonal(adversary, 0)
    positions = rng.choice([-1.0, 0.0, 1.0], size=n)
    weights = Weights.of(
        {
            "trade": 1.0,
            "security": 1.0,
            "shared_adversaries": 1.0,
            "own_adversaries": 1.0,
            "domestic": 0.0,
            "quid_pro_quo": 0.0,
        },
        abstention_band=0.2,
    )
    tables = {
        "trade": sparse.csr_array(trade),
        "security": sparse.csr_array(security),
        "adversaries": sparse.csr_array(adversary),
        "alignment": sparse.csr_array((n, n)),
    }
    operators = make_operators(tables, weights)
    context = scripted_context(n, tables=tables)
    got = contributions_for(operators, context, weights, positions)

    sec = security / np.maximum(security.sum(axis=1, keepdims=True), 1.0)
    shared = adversary @ adversary.T
    np.fill_diagonal(shared, 0)
    expected_shared = np.array(
        [shared[i] @ positions / shared[i].sum() if shared[i].sum() > 0 else 0.0 for i in range(n)]
    )
    expected_own = np.array(
        [
            -(adversary[i] @ positions) / adversary[i].sum() if adversary[i].sum() > 0 else 0.0
            for i in range(n)
        ]
    )
    np.testing.assert_allclose(got[:, 0], trade @ positions)
    np.testing.assert_allclose(got[:, 1], sec @ positions)
    np.testing.assert_allclose(got[:, 2], expected_shared)
    np.testing.assert_allclose(got[:, 3], expected_own)
    np.testing.assert_allclose(operators.influence @ positions, got[:, :4].sum(axis=1))
    np.testing.assert_array_equal(got[:, 4:], 0.0)  # own channels off, no alignment ties


def test_inducements_target_opponents_toward_abstention_and_respect_the_budget() -> None:
    score = np.array([-0.3, 0.1, -0.9, 0.5])
    votes = classify(score, 0.2)  # no, abstain, no, yes
    eligible = np.array([True, True, True, True])
    bonus, spent = allocate_inducements(
        score, votes, 0.2, preference=1.0, budget=0.2, price=1.0, reach=0.5, eligible=eligible
    )
    # gaps: country0 -> reach -0.2 from -0.3: 0.1; country1 -> reach 0.2 from 0.1: 0.1;
    # country2 -> 0.7 > reach; country3 already yes. Budget 0.2 buys both 0.1 gaps.
    np.testing.assert_allclose(bonus, [0.1, 0.1, 0.0, 0.0], atol=1e-6)
    assert spent == pytest.approx(0.2, abs=1e-6)
    score[3] = 0.45
    bonus, spent = allocate_inducements(
        score, votes, 0.2, preference=-1.0, budget=1.0, price=2.0, reach=0.5, eligible=eligible
    )
    # a target wants no: country3 (yes, 0.45) needs -0.25 to abstain (cost 0.5), country1
    # (abstain, 0.1) needs -0.3 to vote no (cost 0.6): the budget of 1.0 buys only the first.
    np.testing.assert_allclose(bonus, [0.0, 0.0, 0.0, -0.25], atol=1e-6)
    assert spent == pytest.approx(0.5)


def test_cut_ties_scales_only_punished_links_to_the_punisher() -> None:
    matrix = sparse.csr_array(np.array([[0, 0.4, 0.2], [0.5, 0, 0], [0.3, 0.6, 0]]))
    against = np.array([[True], [False], [True]])
    cut = cut_ties(matrix, against, np.array([1]), keep=0.5).toarray()
    np.testing.assert_allclose(cut, [[0, 0.2, 0.2], [0.5, 0, 0], [0.3, 0.3, 0]])


def test_deciding_channel_is_the_pivotal_one() -> None:
    contributions = np.zeros((3, len(CHANNELS)))
    contributions[0, [0, 4]] = [0.5, -0.1]  # yes thanks to trade (pivotal)
    contributions[1, [1, 4]] = [-0.6, 0.5]  # abstains: security holds back domestic
    contributions[2, [4, 5]] = [0.1, 0.05]  # abstains: too weak a pull, strongest = domestic
    votes = classify(contributions.sum(axis=1), 0.2)
    decided = [CHANNELS[i] for i in deciding_channels(contributions, votes, 0.2)]
    assert decided == ["trade", "security", "domestic"]


# Exact boundaries. Every value below is a dyadic fraction, so the sums are exact in binary
# floating point and the edge is hit exactly (0.1 + 0.1 would miss it by a rounding error).


def test_inducements_buy_up_to_a_budget_spent_exactly() -> None:
    # Two abstainers at 0: each is 0.25 from the yes boundary; the budget is 0.25 + 0.25.
    score = np.array([0.0, 0.0])
    votes = classify(score, 0.25)
    assert votes.tolist() == [Vote.ABSTAIN, Vote.ABSTAIN]
    eligible = np.array([True, True])
    bonus, spent = allocate_inducements(
        score, votes, 0.25, preference=1.0, budget=0.5, price=1.0, reach=0.5, eligible=eligible
    )
    assert bonus.tolist() == [0.25 + 1e-9, 0.25 + 1e-9]
    assert spent == 0.5
    # a budget just short of the second swing buys only the first
    bonus, spent = allocate_inducements(
        score, votes, 0.25, preference=1.0, budget=0.375, price=1.0, reach=0.5, eligible=eligible
    )
    assert bonus.tolist() == [0.25 + 1e-9, 0.0]
    assert spent == 0.25


def test_inducements_reach_a_gap_exactly_at_the_reach() -> None:
    # The gap from 0 to the boundary 0.25 equals the reach: the voter is persuadable.
    score = np.array([0.0, -0.5])
    votes = classify(score, 0.25)  # abstain, no
    eligible = np.array([True, True])
    bonus, spent = allocate_inducements(
        score, votes, 0.25, preference=1.0, budget=4.0, price=2.0, reach=0.25, eligible=eligible
    )
    # country 1 (no at -0.5) is 0.25 from abstaining (-0.25): also exactly at the reach
    assert bonus.tolist() == [0.25 + 1e-9, 0.25 + 1e-9]
    assert spent == 1.0
    # a reach just below the gap leaves both alone
    bonus, spent = allocate_inducements(
        score, votes, 0.25, preference=1.0, budget=4.0, price=2.0, reach=0.125, eligible=eligible
    )
    assert bonus.tolist() == [0.0, 0.0] and spent == 0.0


def test_a_target_buys_toward_no_and_nobody_on_its_side_or_ineligible() -> None:
    score = np.array([0.5, 0.0, -0.5, 0.0])
    votes = classify(score, 0.25)  # yes, abstain, no, abstain
    eligible = np.array([True, True, True, False])
    bonus, spent = allocate_inducements(
        score, votes, 0.25, preference=-1.0, budget=1.0, price=1.0, reach=0.25, eligible=eligible
    )
    # yes at 0.5 -> abstain below 0.25: gap 0.25; abstain at 0 -> no below -0.25: gap 0.25;
    # the no voter is already on the target's side; country 3 may not be bought.
    assert bonus.tolist() == [-(0.25 + 1e-9), -(0.25 + 1e-9), 0.0, 0.0]
    assert spent == 0.5


@pytest.mark.parametrize(("budget", "price"), [(0.0, 1.0), (1.0, 0.0), (-1.0, 1.0)])
def test_no_budget_or_no_price_buys_nothing(budget: float, price: float) -> None:
    score = np.array([0.0])
    bonus, spent = allocate_inducements(
        score, classify(score, 0.25), 0.25, 1.0, budget, price, 1.0, np.array([True])
    )
    assert bonus.tolist() == [0.0] and spent == 0.0


def test_cross_pressure_is_the_smaller_of_push_and_pull() -> None:
    contributions = np.array([[0.25, -0.5, 0.125], [0.5, 0.25, 0.0], [-0.25, 0.0, 0.0]])
    assert cross_pressure(contributions).tolist() == [0.375, 0.0, 0.0]
    weights = Weights(np.ones(3), abstention_band=0.25, neutrality=0.5)
    assert country_bands(contributions, weights).tolist() == [0.4375, 0.25, 0.25]


def test_stay_away_exactly_at_the_cross_pressure_threshold_and_the_salience_cap() -> None:
    # cross-pressure min(0.25, 0.5) = 0.25 exactly, for an abstainer and for a yes voter
    contributions = np.array([[0.25, -0.5], [0.25, -0.5], [0.125, -0.5]])
    votes = np.array([Vote.ABSTAIN, Vote.YES, Vote.ABSTAIN], dtype=np.int8)
    away = stay_away(votes, contributions, salience=0.5, min_cross_pressure=0.25, max_salience=0.5)
    assert away.tolist() == [True, False, False]  # only abstainers stay away
    # a resolution salient just above the cap keeps everyone in the room
    away = stay_away(
        votes, contributions, salience=0.625, min_cross_pressure=0.25, max_salience=0.5
    )
    assert away.tolist() == [False, False, False]


@pytest.mark.parametrize("band", [0.0, -0.0, 5e-324, 1e-300, 0.1, 0.35, 2.0, 1e308, np.inf, -1.0])
def test_the_one_band_classifier_casts_classify_s_votes(band: float) -> None:
    # decide_votes cuts with a sorted search; it must agree with classify everywhere: at and
    # one step either side of both boundaries, at signed zeros, infinities and NaN.
    from sim.model.votes import classifier

    edges = [band, -band]
    near = [np.nextafter(e, d) for e in edges for d in (np.inf, -np.inf)]
    special = [np.nan, np.inf, -np.inf, 0.0, -0.0, 5e-324, -5e-324, 1e308, -1e308]
    noise = np.random.default_rng(1).normal(size=500) * min(max(abs(band), 1e-3), 1e3)
    score = np.concatenate([special, edges, near, noise])
    expected = classify(score, band)
    got = classifier(band)(score)
    assert got.dtype == expected.dtype == np.int8
    assert np.array_equal(got, expected)
