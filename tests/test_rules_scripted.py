"""Scripted worlds with exact expected vote tables (one mechanism at a time)."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import model_of, votes_of, world

RESOLUTION = {"id": "R", "round": 1, "target": "T", "sponsors": ["S"]}


def quid_pro_quo_world(debt: float) -> dict:
    return world(
        countries=[
            {"id": "S"},
            {"id": "T"},
            {"id": "D", "domestic_pressure": 0.6, "public_opinion": {"x": 0.6}},
            {"id": "E"},
        ],
        agenda=[RESOLUTION],
        parameters={"domestic_weight": 1.0, "quid_pro_quo_weight": 1.0},
        favours=[
            {"debtor": "D", "creditor": "T", "amount": debt, "event": "veto"},
            {"debtor": "E", "creditor": "S", "amount": 1.0, "event": "aid"},
        ],
    )


def test_debtor_votes_with_its_creditor_when_the_creditor_is_targeted() -> None:
    # D: domestic +0.36, favour pull -tanh(2) = -0.964 -> no. E owes the sponsor: +0.76 -> yes.
    assert votes_of(quid_pro_quo_world(debt=2.0)) == [
        {"S": "yes", "T": "no", "D": "no", "E": "yes"}
    ]


def test_without_debt_the_debtor_votes_by_its_public_opinion() -> None:
    assert votes_of(quid_pro_quo_world(debt=0.0)) == [
        {"S": "yes", "T": "no", "D": "yes", "E": "yes"}
    ]


def test_repaying_by_voting_reduces_the_debt_and_decay_shrinks_it() -> None:
    data = quid_pro_quo_world(debt=2.0)
    data["parameters"].update({"favour_credit": 0.5, "favour_decay": 0.1})
    model = model_of(data)
    d, t = model.world.index("D"), model.world.index("T")
    # voted no (in T's favour): 2.0 - 0.5 repaid, then 10% decay at the end of the round
    assert model.favour_balance[d, t] == pytest.approx((2.0 - 0.5) * 0.9)
    s, e = model.world.index("S"), model.world.index("E")
    assert model.favour_balance[e, s] == pytest.approx((1.0 - 0.5) * 0.9)


def test_democracy_with_strong_opinion_overrides_a_weak_tie_autocracy_follows_it() -> None:
    data = world(
        countries=[
            {"id": "S"},
            {"id": "T"},
            {"id": "DEM", "domestic_pressure": 0.9, "public_opinion": {"x": 0.8}},
            {"id": "AUT", "domestic_pressure": 0.1, "public_opinion": {"x": 0.8}},
        ],
        agenda=[RESOLUTION],
        parameters={"domestic_weight": 1.0, "security_weight": 1.0},
        ties={
            "security": [
                {"country": "DEM", "partner": "T", "weight": 0.3},
                {"country": "AUT", "partner": "T", "weight": 0.3},
            ]
        },
    )
    # DEM: 0.72 - 0.30 = +0.42 -> yes; AUT: 0.08 - 0.30 = -0.22 -> no (band 0.2)
    assert votes_of(data) == [{"S": "yes", "T": "no", "DEM": "yes", "AUT": "no"}]


def trade_restraint_world(trade: float, security: float) -> dict:
    return world(
        countries=[{"id": "S"}, {"id": "T"}, {"id": "C"}],
        agenda=[RESOLUTION],
        parameters={"trade_weight": 1.0, "security_weight": 1.0},
        ties={
            "trade": [{"country": "C", "partner": "S", "weight": trade}] if trade else [],
            "security": [{"country": "C", "partner": "T", "weight": security}],
        },
    )


@pytest.mark.parametrize(
    ("trade", "security", "expected"),
    [
        (0.6, 0.7, "abstain"),  # restrained: +0.6 - 0.7 = -0.1
        (0.0, 0.7, "no"),  # no trade to lose: follows its security patron
        (0.6, 0.3, "yes"),  # weak patron tie: trade wins, +0.3
    ],
)
def test_trade_with_the_sponsors_restrains_support_for_a_targeted_security_patron(
    trade: float, security: float, expected: str
) -> None:
    assert votes_of(trade_restraint_world(trade, security)) == [
        {"S": "yes", "T": "no", "C": expected}
    ]


def test_expected_positions_iterate_to_a_fixed_point() -> None:
    # L decides from opinion; F only follows its trade partner L; G follows F.
    data = world(
        countries=[
            {"id": "S"},
            {"id": "T"},
            {"id": "L", "domestic_pressure": 1.0, "public_opinion": {"x": 0.5}},
            {"id": "F"},
            {"id": "G"},
        ],
        agenda=[{"id": "R", "round": 1}],
        parameters={"domestic_weight": 1.0, "trade_weight": 1.0, "expectation_weight": 1.0},
        ties={
            "trade": [
                {"country": "F", "partner": "L", "weight": 0.5},
                {"country": "G", "partner": "F", "weight": 0.5},
            ]
        },
    )
    model = model_of(data)
    record = model.record.votes[0]
    assert votes_of(data) == [{"S": "abstain", "T": "abstain", "L": "yes", "F": "yes", "G": "yes"}]
    # plain best response: iteration 1: L yes; 2: F yes; 3: G yes; 4: nothing changes
    assert record.iterations == 4
    assert record.converged
    data["parameters"]["expectation_weight"] = 0.5  # damped: same votes, expectations catch up
    assert votes_of(data) == [{"S": "abstain", "T": "abstain", "L": "yes", "F": "yes", "G": "yes"}]
    assert model_of(data).record.votes[0].converged


def test_a_vote_without_a_reachable_fixed_point_is_recorded_as_not_converged() -> None:
    # A and B each follow the other but lean apart: plain simultaneous best response swaps
    # them for ever (and so does a damped one here); both stop at the cap and say so.
    data = world(
        countries=[
            {"id": "S"},
            {"id": "T"},
            {"id": "A", "domestic_pressure": 1.0, "public_opinion": {"x": 0.3}},
            {"id": "B", "domestic_pressure": 1.0, "public_opinion": {"x": -0.3}},
        ],
        agenda=[{"id": "R", "round": 1}],
        parameters={
            "domestic_weight": 1.0,
            "trade_weight": 1.0,
            "expectation_weight": 1.0,
            "max_iterations": 9,
        },
        ties={
            "trade": [
                {"country": "A", "partner": "B", "weight": 0.6},
                {"country": "B", "partner": "A", "weight": 0.6},
            ]
        },
    )
    plain = model_of(data).record.votes[0]
    assert (plain.converged, plain.iterations) == (False, 9)
    assert votes_of(data) == [{"S": "abstain", "T": "abstain", "A": "yes", "B": "no"}]
    data["parameters"]["expectation_weight"] = 0.5
    damped = model_of(data).record.votes[0]
    assert (damped.converged, damped.iterations) == (False, 9)
    # with a nudge toward one equilibrium (B's public cares less), damping finds it
    data["countries"][3]["public_opinion"]["x"] = -0.1
    assert votes_of(data) == [{"S": "abstain", "T": "abstain", "A": "yes", "B": "yes"}]
    assert model_of(data).record.votes[0].converged


def test_shared_adversaries_draw_together_and_own_adversaries_push_apart() -> None:
    data = world(
        countries=[{"id": "S"}, {"id": "T"}, {"id": "FRIEND"}, {"id": "FOE"}, {"id": "ENEMY"}],
        agenda=[RESOLUTION],
        parameters={"shared_adversaries_weight": 1.0, "own_adversaries_weight": 1.0},
        ties={
            "adversaries": [
                {"country": "T", "partner": "ENEMY", "weight": 1.0},
                {"country": "FRIEND", "partner": "ENEMY", "weight": 1.0},
                {"country": "FOE", "partner": "T", "weight": 1.0},
            ]
        },
    )
    # FRIEND shares T's enemy -> leans to T's no (-1) and against ENEMY (abstaining: 0).
    # FOE counts T as adversary -> leans against T's no: +1. ENEMY: T and FRIEND are its
    # adversaries -> -(mean of -1 and -1... FRIEND votes no) = +1 -> yes.
    assert votes_of(data) == [{"S": "yes", "T": "no", "FRIEND": "no", "FOE": "yes", "ENEMY": "yes"}]


def test_arrears_mean_absent_and_fixed_votes_override() -> None:
    data = world(
        countries=[{"id": "S"}, {"id": "T"}, {"id": "P", "arrears": True}, {"id": "Q"}],
        agenda=[{**RESOLUTION, "fixed_votes": {"Q": "abstain", "S": "no"}}],
        parameters={"domestic_weight": 1.0},
    )
    assert votes_of(data) == [{"S": "no", "T": "no", "P": "absent", "Q": "abstain"}]


def test_patron_buys_the_cheapest_persuadable_vote_within_its_budget() -> None:
    data = world(
        countries=[
            {"id": "S", "patron_budget": 0.15},
            {"id": "T"},
            {"id": "NEAR", "domestic_pressure": 1.0, "public_opinion": {"x": 0.1}},
            {"id": "FAR", "domestic_pressure": 1.0, "public_opinion": {"x": 0.05}},
        ],
        agenda=[RESOLUTION],
        parameters={
            "domestic_weight": 1.0,
            "inducements": True,
            "inducement_price": 1.0,
            "inducement_reach": 0.5,
        },
    )
    # Gaps to the yes boundary (0.2): NEAR 0.1, FAR 0.15. The budget buys only NEAR.
    model = model_of(data)
    assert votes_of(data) == [{"S": "yes", "T": "no", "NEAR": "yes", "FAR": "abstain"}]
    assert model.patron_budget[model.world.index("S")] == pytest.approx(0.05, abs=1e-6)
    assert model.record.votes[0].inducement_spent == pytest.approx(0.1, abs=1e-6)


def test_patron_punishes_opponents_by_cutting_credit_and_ties() -> None:
    data = world(
        countries=[
            {"id": "S"},
            {"id": "T", "patron_budget": 1.0},
            {"id": "O", "domestic_pressure": 1.0, "public_opinion": {"x": 0.9}},
        ],
        agenda=[RESOLUTION],
        parameters={
            "domestic_weight": 1.0,
            "punishment": True,
            "punishment_credit_loss": 0.5,
            "punishment_tie_loss": 0.25,
        },
        ties={"trade": [{"country": "O", "partner": "T", "weight": 0.4}]},
        favours=[{"debtor": "T", "creditor": "O", "amount": 1.0, "event": "loan"}],
    )
    model = model_of(data)
    o, t = model.world.index("O"), model.world.index("T")
    assert votes_of(data)[0]["O"] == "yes"
    assert model.favour_balance[t, o] == pytest.approx(0.5)
    assert model.tables["trade"][o, t] == pytest.approx(0.3)


def test_cross_pressured_abstainer_stays_away_on_a_low_salience_vote() -> None:
    countries = [
        {"id": "S"},
        {"id": "T"},
        {"id": "X", "domestic_pressure": 1.0, "public_opinion": {"x": 0.7}},
    ]
    ties = {"security": [{"country": "X", "partner": "T", "weight": 0.7}]}
    params = {
        "domestic_weight": 1.0,
        "security_weight": 1.0,
        "absence": True,
        "absence_cross_pressure": 0.5,
        "absence_max_salience": 0.5,
    }
    low = world(countries, [{**RESOLUTION, "salience": 0.4}], params, ties=ties)
    # at salience 0.4 domestic is +0.28 against -0.7: net -0.42 -> no, not an abstention
    assert votes_of(low)[0]["X"] == "no"
    ties["security"][0]["weight"] = 0.3
    low = world(countries, [{**RESOLUTION, "salience": 0.4}], params, ties=ties)
    # +0.28 vs -0.30: cross-pressure 0.28 < 0.5 -> stays and abstains
    assert votes_of(low)[0]["X"] == "abstain"
    params["absence_cross_pressure"] = 0.25
    assert (
        votes_of(world(countries, [{**RESOLUTION, "salience": 0.4}], params, ties=ties))[0]["X"]
        == "absent"
    )
    high = world(countries, [{**RESOLUTION, "salience": 0.9}], params, ties=ties)
    # salient: +0.63 - 0.30 = 0.33 -> yes
    assert votes_of(high)[0]["X"] == "yes"


def test_resolutions_repeat_and_dated_favours_arrive_in_their_round() -> None:
    data = world(
        countries=[{"id": "S"}, {"id": "T"}, {"id": "D"}],
        agenda=[{**RESOLUTION, "repeat_every": 2}],
        parameters={"quid_pro_quo_weight": 1.0},
        favours=[{"debtor": "D", "creditor": "T", "amount": 1.0, "round": 3, "event": "veto"}],
    )
    data["rounds"] = 5
    assert votes_of(data) == [
        {"S": "yes", "T": "no", "D": "abstain"},  # round 1: no debt yet
        {"S": "yes", "T": "no", "D": "no"},  # round 3: owes T
        {"S": "yes", "T": "no", "D": "no"},  # round 5
    ]
    model = model_of(data)
    assert [r.round for r in model.record.votes] == [1, 3, 5]
    assert np.isfinite(model.favour_balance).all()


def test_neutrality_makes_a_cross_pressured_state_abstain() -> None:
    # X: domestic +0.9 against a security pull of -0.6: net +0.3 > band 0.2 -> yes.
    # With neutrality 0.5 its band widens by 0.5 * min(0.9, 0.6) = 0.3 to 0.5 -> abstain;
    # Y, pulled one way only (+0.3), keeps the plain band and votes yes.
    countries = [
        {"id": "S"},
        {"id": "T"},
        {"id": "X", "domestic_pressure": 1.0, "public_opinion": {"x": 0.9}},
        {"id": "Y", "domestic_pressure": 1.0, "public_opinion": {"x": 0.3}},
    ]
    ties = {"security": [{"country": "X", "partner": "T", "weight": 0.6}]}
    params = {"domestic_weight": 1.0, "security_weight": 1.0}
    assert votes_of(world(countries, [RESOLUTION], params, ties=ties))[0] == {
        "S": "yes",
        "T": "no",
        "X": "yes",
        "Y": "yes",
    }
    params["neutrality"] = 0.5
    assert votes_of(world(countries, [RESOLUTION], params, ties=ties))[0] == {
        "S": "yes",
        "T": "no",
        "X": "abstain",
        "Y": "yes",
    }
