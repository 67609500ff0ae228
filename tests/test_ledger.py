"""The favour ledger on its own, against ledgers computed by hand.

Every value is a sum or product of 0.5, 0.25, 0.125 ... so floats hold it exactly and the
asserts use ``==``. One model-level test checks that only patrons (budget > 0) punish.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from conftest import model_of, world
from scipy import sparse

from sim.model.ledger import (
    FAVOUR_EPSILON,
    FavourLedger,
    Grant,
    Parties,
    cut_ties,
    opposed,
    pairwise_sum,
)
from sim.model.votes import Vote

A, B, C, D = 0, 1, 2, 3


def _parties(*pairs: tuple[int, float]) -> Parties:
    return Parties(np.array([i for i, _ in pairs], dtype=np.int64), np.array([p for _, p in pairs]))


def _votes(*codes: Vote) -> np.ndarray:
    return np.array([int(c) for c in codes], dtype=np.int8)


def _ledger(balance: list[list[float]]) -> FavourLedger:
    ledger = FavourLedger(len(balance))
    ledger.balance[:] = np.array(balance)
    return ledger


def test_new_ledger_is_empty() -> None:
    ledger = FavourLedger(3)
    assert ledger.balance.shape == (3, 3)
    assert (ledger.balance == 0.0).all()
    assert not ledger.repaid_this_round.any()
    assert not ledger.repaid_ever.any()
    assert ledger.debtors() == 0
    debtor, creditor, balance = ledger.outstanding()
    assert debtor.size == creditor.size == balance.size == 0


def test_grant_accumulates_in_order() -> None:
    ledger = FavourLedger(3)
    ledger.grant([Grant(A, B, 0.25), Grant(C, A, 0.5), Grant(A, B, 0.125)])
    expected = np.array(
        [
            [0.0, 0.375, 0.0],
            [0.0, 0.0, 0.0],
            [0.5, 0.0, 0.0],
        ]
    )
    assert np.array_equal(ledger.balance, expected)
    ledger.grant([Grant(B, C, 1.0)])
    expected[B, C] = 1.0
    assert np.array_equal(ledger.balance, expected)
    assert ledger.debtors() == 3


def test_grant_of_nothing_changes_nothing() -> None:
    ledger = _ledger([[0.0, 0.5], [0.25, 0.0]])
    before = ledger.balance.copy()
    ledger.grant([])
    assert np.array_equal(ledger.balance, before)


def test_pull_is_debt_times_preference_summed_over_parties() -> None:
    # A sponsors (+1), C is the target (-1); B and D are voters.
    ledger = _ledger(
        [
            [0.0, 0.0, 0.5, 0.0],  # A owes C 0.5
            [0.25, 0.0, 0.125, 0.0],  # B owes A 0.25 and C 0.125
            [0.0, 0.0, 0.0, 0.0],
            [0.0, 0.5, 1.0, 0.0],  # D owes B 0.5 (not a party) and C 1.0
        ]
    )
    pull = ledger.pull(_parties((A, 1.0), (C, -1.0)))
    assert pull.tolist() == [-0.5, 0.125, 0.0, -1.0]


def test_pull_with_two_sponsors_adds_up() -> None:
    ledger = _ledger(
        [
            [0.0, 0.0, 0.0],
            [0.0, 0.0, 0.0],
            [0.25, 0.5, 0.0],
        ]
    )
    assert ledger.pull(_parties((A, 1.0), (B, 1.0))).tolist() == [0.0, 0.0, 0.75]


def test_pull_without_parties_is_zero() -> None:
    ledger = _ledger([[0.0, 0.5], [0.25, 0.0]])
    pull = ledger.pull(Parties(np.zeros(0, dtype=np.int64), np.zeros(0)))
    assert pull.tolist() == [0.0, 0.0]


def test_settle_repays_first_then_earns_credit() -> None:
    # A sponsors (+1), D is the target (-1). B owes A 0.25 and votes yes, C votes no.
    ledger = _ledger(
        [
            [0.0, 0.0, 0.0, 0.0],
            [0.25, 0.0, 0.0, 0.0],
            [0.0, 0.0, 0.0, 0.0],
            [0.0, 0.0, 0.0, 0.0],
        ]
    )
    parties = _parties((A, 1.0), (D, -1.0))
    repaid = ledger.settle(_votes(Vote.YES, Vote.YES, Vote.NO, Vote.NO), parties, credit=0.5)
    expected = np.array(
        [
            # B's yes is what A wants: it repays A 0.25, the other 0.25 becomes A's debt to B.
            # C's no is what the target D wants (and against A, which changes nothing).
            [0.0, 0.25, 0.0, 0.0],
            [0.0, 0.0, 0.0, 0.0],
            [0.0, 0.0, 0.0, 0.0],
            [0.0, 0.0, 0.5, 0.0],  # D owes C the full credit for its no
        ]
    )
    assert np.array_equal(ledger.balance, expected)
    assert repaid.tolist() == [False, True, False, False]
    assert ledger.repaid_this_round.tolist() == [False, True, False, False]
    assert ledger.repaid_ever.tolist() == [False, True, False, False]


def test_settle_partial_repayment_leaves_the_rest_owed() -> None:
    # B owes A 0.75; a yes worth 0.5 pays down 0.5 and earns nothing.
    ledger = _ledger([[0.0, 0.0], [0.75, 0.0]])
    repaid = ledger.settle(_votes(Vote.YES, Vote.YES), _parties((A, 1.0)), credit=0.5)
    assert ledger.balance.tolist() == [[0.0, 0.0], [0.25, 0.0]]
    assert repaid.tolist() == [False, True]


def test_settle_voter_owing_half_a_credit_repays_and_earns_the_rest() -> None:
    # The brief's example in exact floats: owes 0.25, credit 0.5 -> owes 0, party owes 0.25.
    ledger = _ledger([[0.0, 0.125], [0.25, 0.0]])
    ledger.settle(_votes(Vote.YES, Vote.YES), _parties((A, 1.0)), credit=0.5)
    # A already owed B 0.125; the surplus 0.25 adds to it.
    assert ledger.balance.tolist() == [[0.0, 0.375], [0.0, 0.0]]


def test_settle_leaves_abstainers_absentees_and_opponents_unchanged() -> None:
    # A sponsors. B abstains, C is absent, D votes no: none of them did A a favour.
    before = [
        [0.0, 0.125, 0.25, 0.5],
        [0.5, 0.0, 0.0, 0.0],
        [0.25, 0.0, 0.0, 0.0],
        [0.125, 0.0, 0.0, 0.0],
    ]
    ledger = _ledger(before)
    repaid = ledger.settle(
        _votes(Vote.YES, Vote.ABSTAIN, Vote.ABSENT, Vote.NO), _parties((A, 1.0)), credit=0.5
    )
    assert ledger.balance.tolist() == before
    assert not repaid.any()
    assert not ledger.repaid_this_round.any()
    assert not ledger.repaid_ever.any()


def test_settle_a_no_favours_the_target_and_repays_it() -> None:
    # D is the only party, a target: C's no repays its debt to D.
    ledger = _ledger(
        [
            [0.0, 0.0, 0.0, 0.0],
            [0.0, 0.0, 0.0, 0.0],
            [0.0, 0.0, 0.0, 0.5],
            [0.0, 0.0, 0.0, 0.0],
        ]
    )
    repaid = ledger.settle(
        _votes(Vote.YES, Vote.ABSTAIN, Vote.NO, Vote.NO), _parties((D, -1.0)), credit=0.125
    )
    assert ledger.balance[C, D] == 0.375
    assert ledger.balance[D, C] == 0.0
    # A's yes goes against the target: no favour either way.
    assert ledger.balance[A, D] == 0.0
    assert ledger.balance[D, A] == 0.0
    assert repaid.tolist() == [False, False, True, False]


def test_settle_leaves_entries_between_parties_and_the_diagonal_alone() -> None:
    # A and B sponsor, D is the target; C votes yes. Parties' votes are their own role.
    before = np.array(
        [
            [0.0, 0.25, 0.0, 0.5],
            [0.125, 0.0, 0.0, 0.25],
            [0.0, 0.0, 0.0, 0.0],
            [0.5, 0.125, 0.0, 0.0],
        ]
    )
    ledger = _ledger(before.tolist())
    parties = _parties((A, 1.0), (B, 1.0), (D, -1.0))
    ledger.settle(_votes(Vote.YES, Vote.YES, Vote.YES, Vote.NO), parties, credit=0.25)
    expected = before.copy()
    expected[A, C] = 0.25  # C's yes is a favour to A
    expected[B, C] = 0.25  # ... and to B
    for p in (A, B, D):
        for q in (A, B, D):
            assert ledger.balance[p, q] == before[p, q], (p, q)
    assert np.array_equal(ledger.balance, expected)
    assert (np.diag(ledger.balance) == 0.0).all()


def test_settle_keeps_the_diagonal_zero_for_a_voting_party() -> None:
    ledger = FavourLedger(3)
    ledger.settle(_votes(Vote.YES, Vote.YES, Vote.YES), _parties((A, 1.0), (B, 1.0)), 0.5)
    assert (np.diag(ledger.balance) == 0.0).all()
    assert ledger.balance.tolist() == [
        [0.0, 0.0, 0.5],
        [0.0, 0.0, 0.5],
        [0.0, 0.0, 0.0],
    ]


def test_settle_without_parties_does_nothing() -> None:
    ledger = _ledger([[0.0, 0.5], [0.25, 0.0]])
    repaid = ledger.settle(
        _votes(Vote.YES, Vote.NO), Parties(np.zeros(0, dtype=np.int64), np.zeros(0)), 0.5
    )
    assert ledger.balance.tolist() == [[0.0, 0.5], [0.25, 0.0]]
    assert repaid.tolist() == [False, False]


def test_repaid_this_round_resets_but_repaid_ever_remembers() -> None:
    ledger = _ledger([[0.0, 0.0, 0.0], [0.25, 0.0, 0.0], [0.25, 0.0, 0.0]])
    parties = _parties((A, 1.0))
    first = ledger.settle(_votes(Vote.YES, Vote.YES, Vote.NO), parties, credit=0.5)
    assert first.tolist() == [False, True, False]
    ledger.new_round()
    assert ledger.repaid_this_round.tolist() == [False, False, False]
    assert ledger.repaid_ever.tolist() == [False, True, False]
    # Second round: C repays; B has nothing left to repay (it holds credit instead).
    second = ledger.settle(_votes(Vote.YES, Vote.YES, Vote.YES), parties, credit=0.5)
    assert second.tolist() == [False, False, True]
    assert ledger.repaid_this_round.tolist() == [False, False, True]
    assert ledger.repaid_ever.tolist() == [False, True, True]
    assert ledger.balance.tolist() == [
        [0.0, 0.75, 0.25],
        [0.0, 0.0, 0.0],
        [0.0, 0.0, 0.0],
    ]


def test_punish_scales_only_the_punishers_row_entries_of_the_punished() -> None:
    # Parties: A (sponsor), D (target). A punishes C; D punishes B.
    before = np.array(
        [
            [0.0, 0.5, 0.5, 0.25],
            [0.5, 0.0, 0.25, 0.5],
            [0.5, 0.25, 0.0, 0.5],
            [0.25, 0.5, 0.5, 0.0],
        ]
    )
    ledger = _ledger(before.tolist())
    against = np.array(
        [
            [False, False],
            [False, True],
            [True, False],
            [False, False],
        ]
    )
    ledger.punish(against, _parties((A, 1.0), (D, -1.0)), keep=0.5)
    expected = before.copy()
    expected[A, C] = 0.25  # C loses half its credit with A
    expected[D, B] = 0.25  # B loses half its credit with D
    assert np.array_equal(ledger.balance, expected)
    # What the punished owe the punisher is untouched.
    assert ledger.balance[C, A] == 0.5
    assert ledger.balance[B, D] == 0.5


def test_punish_with_nobody_against_changes_nothing() -> None:
    before = [[0.0, 0.5], [0.25, 0.0]]
    ledger = _ledger(before)
    ledger.punish(np.zeros((2, 1), dtype=bool), _parties((A, 1.0)), keep=0.0)
    assert ledger.balance.tolist() == before


def test_decay_multiplies_every_balance() -> None:
    ledger = _ledger([[0.0, 0.5, 1.0], [0.25, 0.0, 0.0], [0.0, 0.125, 0.0]])
    ledger.decay(0.5)
    assert ledger.balance.tolist() == [
        [0.0, 0.25, 0.5],
        [0.125, 0.0, 0.0],
        [0.0, 0.0625, 0.0],
    ]
    ledger.decay(0.25)
    assert ledger.balance.tolist() == [
        [0.0, 0.1875, 0.375],
        [0.09375, 0.0, 0.0],
        [0.0, 0.046875, 0.0],
    ]
    ledger.decay(0.0)
    assert ledger.balance[A, C] == 0.375
    ledger.decay(1.0)
    assert (ledger.balance == 0.0).all()


def test_outstanding_lists_entries_above_epsilon_row_by_row() -> None:
    ledger = _ledger(
        [
            [0.0, 0.5, FAVOUR_EPSILON / 2],
            [0.0, 0.0, 0.0],
            [0.25, 0.125, 0.0],
        ]
    )
    debtor, creditor, balance = ledger.outstanding()
    assert debtor.tolist() == [A, C, C]
    assert creditor.tolist() == [B, A, B]
    assert balance.tolist() == [0.5, 0.25, 0.125]
    assert ledger.debtors() == 2  # A's dust does not count, its 0.5 does; B owes nothing


def test_debtors_ignores_dust() -> None:
    ledger = _ledger([[0.0, FAVOUR_EPSILON / 4], [0.0, 0.0]])
    assert ledger.debtors() == 0
    assert ledger.outstanding()[0].size == 0


def test_opposed_truth_table() -> None:
    votes = _votes(Vote.ABSENT, Vote.YES, Vote.ABSTAIN, Vote.NO)
    against = opposed(votes, np.array([1.0, -1.0]))
    assert against.shape == (4, 2)
    assert against.tolist() == [
        # sponsor, target
        [False, False],  # absent opposes nobody
        [False, True],  # yes opposes the target
        [False, False],  # abstain opposes nobody
        [True, False],  # no opposes the sponsor
    ]


def test_opposed_without_parties_has_no_columns() -> None:
    against = opposed(_votes(Vote.YES, Vote.NO), np.zeros(0))
    assert against.shape == (2, 0)


def test_cut_ties_scales_only_punished_links_to_the_punisher() -> None:
    dense = np.array(
        [
            [0.0, 0.5, 0.25, 0.5],
            [0.5, 0.0, 0.5, 0.25],
            [0.5, 0.25, 0.0, 0.5],
            [0.25, 0.5, 0.5, 0.0],
        ]
    )
    matrix = sparse.csr_array(dense)
    # Parties A (column 0 of against) and D (column 1). C is punished by A; B by D.
    against = np.array(
        [
            [False, False],
            [False, True],
            [True, False],
            [False, False],
        ]
    )
    cut = cut_ties(matrix, against, np.array([A, D], dtype=np.int64), keep=0.5)
    expected = dense.copy()
    expected[C, A] = 0.25  # C's tie to A
    expected[B, D] = 0.125  # B's tie to D
    assert isinstance(cut, sparse.csr_array)
    assert np.array_equal(cut.toarray(), expected)
    # The punisher's own ties to the punished, and other links, are untouched.
    assert cut.toarray()[A, C] == 0.25
    assert cut.toarray()[C, D] == 0.5
    # The input matrix is not modified.
    assert np.array_equal(matrix.toarray(), dense)


def test_cut_ties_with_keep_zero_removes_the_link_value() -> None:
    matrix = sparse.csr_array(np.array([[0.0, 0.5], [0.25, 0.0]]))
    cut = cut_ties(matrix, np.array([[False], [True]]), np.array([A], dtype=np.int64), 0.0)
    assert cut.toarray().tolist() == [[0.0, 0.5], [0.0, 0.0]]


# --- model level: only patrons punish ------------------------------------------------------


def _punishing_world(patron_budget: float) -> dict[str, Any]:
    """A sponsors; OPP votes no (opinion -1), FRIEND votes yes (opinion +1).

    A owes OPP and FRIEND 0.5 each before the vote; both have trade and security ties to A.
    """
    countries = [
        {"id": "A", "patron_budget": patron_budget},
        {"id": "OPP", "domestic_pressure": 1.0, "public_opinion": {"x": -1.0}},
        {"id": "FRIEND", "domestic_pressure": 1.0, "public_opinion": {"x": 1.0}},
    ]
    ties = {
        "trade": [
            {"country": "OPP", "partner": "A", "weight": 0.5},
            {"country": "FRIEND", "partner": "A", "weight": 0.5},
            {"country": "A", "partner": "OPP", "weight": 0.5},
        ],
        "security": [
            {"country": "OPP", "partner": "A", "weight": 0.5},
            {"country": "FRIEND", "partner": "A", "weight": 0.25},
        ],
    }
    favours = [
        {"debtor": "A", "creditor": "OPP", "amount": 0.5, "event": "e1"},
        {"debtor": "A", "creditor": "FRIEND", "amount": 0.5, "event": "e2"},
    ]
    return world(
        countries,
        [{"id": "R1", "round": 1, "sponsors": ["A"], "salience": 1.0}],
        parameters={
            "domestic_weight": 1.0,
            "punishment": True,
            "punishment_credit_loss": 0.5,
            "punishment_tie_loss": 0.5,
            "favour_credit": 0.25,
        },
        ties=ties,
        favours=favours,
    )


def _dense_tables(tables: dict[str, sparse.csr_array]) -> dict[str, list[list[float]]]:
    return {name: matrix.toarray().tolist() for name, matrix in tables.items()}


def test_only_a_patron_punishes_opponents() -> None:
    a, opp, friend = 0, 1, 2
    without = model_of(_punishing_world(0.0))
    with_budget = model_of(_punishing_world(1.0))
    for model in (without, with_budget):
        (record,) = model.record.votes
        assert [int(v) for v in record.votes] == [Vote.YES, Vote.NO, Vote.YES]

    # Budget 0: no punishment. FRIEND's yes earned 0.25 more credit; OPP's 0.5 is untouched.
    assert without.ledger.balance.tolist() == [
        [0.0, 0.5, 0.75],
        [0.0, 0.0, 0.0],
        [0.0, 0.0, 0.0],
    ]
    assert _dense_tables(without.tables) == _dense_tables(without.world.tables)

    # Budget 1: A keeps half of what it owed OPP, and OPP's ties to A lose half.
    assert with_budget.ledger.balance.tolist() == [
        [0.0, 0.25, 0.75],
        [0.0, 0.0, 0.0],
        [0.0, 0.0, 0.0],
    ]
    trade = with_budget.tables["trade"].toarray()
    security = with_budget.tables["security"].toarray()
    assert trade[opp, a] == 0.25
    assert security[opp, a] == 0.25
    # FRIEND's ties, and A's own tie to OPP, are untouched; the world's tables are not mutated.
    assert trade[friend, a] == 0.5
    assert security[friend, a] == 0.25
    assert trade[a, opp] == 0.5
    assert with_budget.world.tables["trade"].toarray()[opp, a] == 0.5
    # Tables nobody punishes through stay as built.
    assert (
        with_budget.tables["adversaries"].toarray().tolist()
        == with_budget.world.tables["adversaries"].toarray().tolist()
    )


@pytest.mark.parametrize("n", [1, 2, 3, 9, 12, 40, 193, 700, 1024, 2000])
def test_pairwise_sum_replays_numpy_sum_bit_for_bit(n: int) -> None:
    """The ledger's O(non-zeros) total equals ``balance.sum()`` in every bit."""
    rng = np.random.default_rng(n)
    for density in (0.0005, 0.01, 0.3):
        matrix = np.zeros((n, n))
        keys = np.unique(rng.integers(0, n * n, max(1, int(density * n * n))))
        matrix.flat[keys] = rng.random(keys.size) * 10.0 ** rng.integers(-9, 4, keys.size)
        candidates = np.unique(np.concatenate([keys, rng.integers(0, n * n, 3)]))
        total = pairwise_sum(candidates, matrix.ravel()[candidates], n * n)
        assert np.float64(total).tobytes() == matrix.sum().tobytes()


def test_ledger_total_and_bookkeeping_match_the_dense_balance() -> None:
    """Sparse bookkeeping (total, outstanding, debtors) equals the dense definitions."""
    rng = np.random.default_rng(3)
    n = 1100  # above the dense-sum cutoff
    ledger = FavourLedger(n)
    ledger.grant([Grant(int(d), int(c), 0.5) for d, c in rng.integers(0, n, (300, 2)) if d != c])
    votes = rng.integers(0, 4, n).astype(np.int8)
    parties = Parties(np.array([5, 17, 900]), np.array([1.0, 1.0, -1.0]))
    for _ in range(3):
        ledger.settle(votes, parties, 0.25)
        ledger.decay(0.05)
    total, got, owing = ledger.total(), ledger.outstanding(), ledger.debtors()
    dense = ledger.balance.copy()
    assert np.float64(total).tobytes() == dense.sum().tobytes()
    debtor, creditor = np.nonzero(dense > FAVOUR_EPSILON)
    np.testing.assert_array_equal(got[0], debtor)
    np.testing.assert_array_equal(got[1], creditor)
    np.testing.assert_array_equal(got[2], dense[debtor, creditor])
    assert owing == int((dense.sum(axis=1) > FAVOUR_EPSILON).sum())
    assert ledger.debtors() == owing  # after a rescan of the exposed array


def test_diffuse_settlement_binds_both_sides_and_never_weakens_the_tie() -> None:
    # 0 owes party 1 (the target) 0.5; 0 and 2 vote no (with 1), 3 votes yes (against it).
    ledger = FavourLedger(4)
    ledger.grant([Grant(0, 1, 0.5)])
    parties = Parties(np.array([1]), np.array([-1.0]))
    votes = np.array([Vote.NO, Vote.NO, Vote.NO, Vote.YES], dtype=np.int8)
    repaid = ledger.settle(votes, parties, 0.25, diffuse=True)
    assert repaid.tolist() == [True, False, False, False]
    assert ledger.balance.tolist() == [
        [0.0, 0.75, 0.0, 0.0],
        [0.25, 0.0, 0.25, 0.0],
        [0.0, 0.25, 0.0, 0.0],
        [0.0, 0.0, 0.0, 0.0],
    ]
    specific = FavourLedger(4)
    specific.grant([Grant(0, 1, 0.5)])
    specific.settle(votes, parties, 0.25)
    assert specific.balance[0, 1] == 0.25  # repaid: the pull toward 1 halves
