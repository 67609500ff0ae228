"""The pure functions of sim.rules against hand-computed values and dense oracles."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import sparse

from sim.rules import (
    CHANNELS,
    Vote,
    Weights,
    allocate_inducements,
    classify,
    cut_ties,
    deciding_channels,
    make_ties,
    settle_favours,
    social_channels,
)


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
    weights = Weights(1.0, 1.0, 1.0, 1.0, 0.0, 0.0, 0.2)
    ties = make_ties(
        sparse.csr_array(trade), sparse.csr_array(security), sparse.csr_array(adversary), weights
    )
    got = social_channels(ties, positions)

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
    np.testing.assert_allclose(ties.influence @ positions, got.sum(axis=1))
    np.testing.assert_allclose(ties.influence @ positions, got.sum(axis=1))


def test_settle_favours_repays_debt_before_earning_credit() -> None:
    owed_to = np.array([[0.3, 0.0], [0.0, 0.0], [1.0, 0.0]])  # (n=3, k=2 parties)
    owed_by = np.zeros((3, 2))
    votes = np.array([Vote.NO, Vote.YES, Vote.ABSTAIN], dtype=np.int8)
    update = settle_favours(owed_to, owed_by, votes, np.array([-1.0, 1.0]), credit=0.5)
    # country 0 voted no: favours party 0 (target): repays 0.3, earns 0.2 credit
    # country 1 voted yes: favours party 1 (sponsor): earns 0.5; abstainer: nothing
    np.testing.assert_allclose(update.owed_to_parties, [[0.0, 0.0], [0.0, 0.0], [1.0, 0.0]])
    np.testing.assert_allclose(update.owed_by_parties, [[0.2, 0.0], [0.0, 0.5], [0.0, 0.0]])
    np.testing.assert_allclose(update.repaid, [[0.3, 0.0], [0.0, 0.0], [0.0, 0.0]])


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
