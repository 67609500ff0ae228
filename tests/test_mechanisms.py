"""Scripted worlds for the channels added with the mechanisms issue: exact votes."""

from __future__ import annotations

import copy
from typing import Any

import numpy as np
import pytest
from contexts import scripted_context
from test_timeline import D1, D2, THREE, dated_world, record, votes

from sim.model.channels import COMMITMENT_HALF_LIFE_DAYS, commitment_term, record_fading


def test_prior_alignment_leans_toward_the_parties_a_state_voted_with() -> None:
    # R (target) votes no, U (sponsor) yes. A voted with R before (kappa 0.8), B with U (0.6),
    # C with both (0.3 each: the two cancel), D apart from U (kappa -0.7), E apart from R
    # (-0.6). The signed affinity is kappa with U minus kappa with R.
    ties = {
        "alignment": [
            {"country": "A", "partner": "R", "weight": 0.8},
            {"country": "B", "partner": "U", "weight": 0.6},
            {"country": "C", "partner": "R", "weight": 0.3},
            {"country": "C", "partner": "U", "weight": 0.3},
            {"country": "D", "partner": "U", "weight": -0.7},
            {"country": "E", "partner": "R", "weight": -0.6},
        ]
    }
    ids = ["U", "R", "A", "B", "C", "D", "E"]
    data = dated_world(
        [{"id": c} for c in ids],
        [{"id": "V", "date": D1, "target": "R", "sponsors": ["U"]}],
        {"prior_alignment_weight": 1.0, "abstention_band": 0.5},
        ties=ties,
    )
    assert votes(data) == [
        {"U": "yes", "R": "no", "A": "no", "B": "yes", "C": "abstain", "D": "no", "E": "yes"}
    ]
    # the parties' roles set the sign: with R sponsoring against U, every lean turns over
    swapped = copy.deepcopy(data)
    swapped["agenda"][0].update(target="U", sponsors=["R"])
    assert votes(swapped)[0] == {
        "U": "no",
        "R": "yes",
        "A": "yes",
        "B": "no",
        "C": "abstain",
        "D": "yes",
        "E": "no",
    }
    off = copy.deepcopy(data)
    off["parameters"]["prior_alignment_weight"] = 0.0
    assert set(list(votes(off)[0].values())[2:]) == {"abstain"}


def test_prior_alignment_is_a_fixed_affinity_not_a_cascade() -> None:
    # F has no alignment row: however many others lean toward the target, F stays put (the
    # first, tie-channel form pulled everyone toward the target's expected no).
    ties = {"alignment": [{"country": c, "partner": "R", "weight": 0.9} for c in "ABC"]}
    data = dated_world(
        [{"id": c} for c in ["U", "R", "A", "B", "C", "F"]],
        [{"id": "V", "date": D1, "target": "R", "sponsors": ["U"]}],
        {"prior_alignment_weight": 1.0, "abstention_band": 0.5},
        ties=ties,
    )
    assert votes(data)[0] == {
        "U": "yes",
        "R": "no",
        "A": "no",
        "B": "no",
        "C": "no",
        "F": "abstain",
    }


def test_fellow_members_of_an_organisation_pull_together() -> None:
    # G's members: the sponsor S, and A and B. C belongs to H with the target T only.
    # A (and B) average their fellow members' expected positions: S yes, the other 0 at
    # first, so +0.5 > band 0.3: both vote yes, and then each sees +1. C sees T's no: -1.
    def org(name: str, members: list[str]) -> list[dict[str, Any]]:
        share = 1.0 / (len(members) - 1)
        return [
            {"country": a, "partner": b, "weight": share, "kind": name}
            for a in members
            for b in members
            if a != b
        ]

    data = dated_world(
        [{"id": c} for c in ["S", "T", "A", "B", "C", "N"]],
        [{"id": "V", "date": D1, "target": "T", "sponsors": ["S"]}],
        {"organisations_weight": 1.0, "abstention_band": 0.3},
        ties={"organisations": org("G", ["S", "A", "B"]) + org("H", ["T", "C"])},
    )
    assert votes(data)[0] == {
        "S": "yes",
        "T": "no",
        "A": "yes",
        "B": "yes",
        "C": "no",
        "N": "abstain",
    }
    weak = copy.deepcopy(data)
    weak["parameters"]["organisations_weight"] = 0.25  # +0.25 at most for A: inside the band
    assert votes(weak)[0] == {
        "S": "yes",
        "T": "no",
        "A": "abstain",
        "B": "abstain",
        "C": "abstain",
        "N": "abstain",
    }


@pytest.mark.parametrize(
    ("reciprocity", "expected"), [("specific", ["no", "abstain"]), ("diffuse", ["no", "no"])]
)
def test_a_no_voter_that_repays_stays_with_its_creditor_under_diffuse_reciprocity(
    reciprocity: str, expected: list[str]
) -> None:
    # N owes the target T 0.3 (a veto in 2019): tanh(0.3) = 0.29 > band 0.2, so N votes no on
    # R1. Specific reciprocity repays 0.25 of it: 0.05 left, tanh 0.05 < 0.2, N abstains on
    # R2. Diffuse reciprocity binds N further (0.3 + 0.25): N votes no again.
    data = dated_world(
        [{"id": "S"}, {"id": "T"}, {"id": "N"}],
        THREE[:2],
        {"quid_pro_quo_weight": 1.0, "reciprocity": reciprocity, "favour_credit": 0.25},
        favours=[
            {"debtor": "N", "creditor": "T", "amount": 0.3, "event": "veto", "date": "2019-06-01"}
        ],
    )
    assert [v["N"] for v in votes(data)] == expected


def test_commitment_halves_every_half_life() -> None:
    h = COMMITMENT_HALF_LIFE_DAYS
    own, age = [1.0, -1.0, 1.0, 0.0], [0.0, h, 2 * h, np.inf]
    context = scripted_context(4, own_position=np.array(own), own_age=np.array(age))
    got = commitment_term(record_fading(context), 2.0)
    assert got.tolist() == [2.0, -1.0, 0.5, 0.0]
    # no record at all (infinitely old): no pull, whatever the position says
    none = scripted_context(1, own_position=np.array([1.0]))
    assert commitment_term(record_fading(none), 2.0).tolist() == [0.0]


@pytest.mark.parametrize(
    ("weight", "expected"),
    [(0.0, ["abstain", "abstain"]), (1.0, ["yes", "yes"])],
)
def test_a_state_keeps_to_its_recorded_position(weight: float, expected: list[str]) -> None:
    # K has no other pull. It voted yes in 2019 (recorded); with commitment it keeps to it on
    # R1 and, from its own vote on R1, again on R2.
    history: list[dict[str, Any]] = [record("OLD", "2019-06-01", {"K": "yes"})]
    data = dated_world(
        [{"id": "S"}, {"id": "T"}, {"id": "K"}],
        THREE[:2],
        {"commitment_weight": weight, "abstention_band": 0.2},
        history=history,
    )
    assert [v["K"] for v in votes(data)] == expected
    # the record counts only for votes after it: dated after R1, R1 is free
    data["history"] = [record("OLD", "2020-03-01", {"K": "yes"})]
    later = [v["K"] for v in votes(data)]
    assert later == (["abstain", "yes"] if weight else ["abstain", "abstain"])
    assert D1 < "2020-03-01" < D2


@pytest.mark.parametrize(("weight", "expected"), [(0.0, "yes"), (0.5, "abstain")])
def test_a_recorded_abstention_widens_the_band(weight: float, expected: str) -> None:
    # K leans yes by 0.3 (its affinity with the sponsor S). It abstained on the issue one
    # half-life before R1: commitment 0.5 widens its band by 0.25, from 0.2 to 0.45 > 0.3.
    day = str(np.datetime64(D1) - np.timedelta64(int(COMMITMENT_HALF_LIFE_DAYS), "D"))
    data = dated_world(
        [{"id": "S"}, {"id": "T"}, {"id": "K"}],
        THREE[:1],
        {"commitment_weight": weight, "prior_alignment_weight": 1.0, "abstention_band": 0.2},
        history=[record("OLD", day, {"K": "abstain"})],
        ties={"alignment": [{"country": "K", "partner": "S", "weight": 0.3}]},
    )
    assert votes(data)[0]["K"] == expected


@pytest.mark.parametrize(("habit", "expected"), [(0, "yes"), (2, "absent"), (3, "yes")])
def test_a_habitual_absentee_stays_away(habit: int, expected: str) -> None:
    # H leans yes (affinity 0.5 with the sponsor) and missed the two latest recorded votes (it
    # voted in the one before): with a habit of 2 it stays away, with 3 its streak is too short.
    # B missed the latest record only; P, a party, is never kept away.
    history: list[dict[str, Any]] = [
        record("A", "2019-01-01", {"H": "yes", "B": "yes", "S": "yes"}),
        record("B", "2019-02-01", {"B": "yes", "S": "yes"}),
        record("C", "2019-03-01", {"S": "yes"}),
    ]
    data = dated_world(
        [{"id": "S"}, {"id": "T"}, {"id": "H"}, {"id": "B"}],
        THREE[:1],
        {"absence_habit": habit, "prior_alignment_weight": 1.0},
        history=history,
        ties={"alignment": [{"country": c, "partner": "S", "weight": 0.5} for c in "HB"]},
    )
    got = votes(data)[0]
    assert got["H"] == expected
    assert got["B"] == ("absent" if habit == 1 else "yes")
    assert (got["S"], got["T"]) == ("yes", "no")
