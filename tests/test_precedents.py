"""Issues that inherit another's record, and agenda items that name their precedents."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from test_timeline import D1, D2, THREE, dated_world, record, votes

from sim.scenario.errors import ScenarioError
from sim.scenario.references import check_references
from sim.scenario.schema import Scenario
from sim.scenario.world import build_world

KEEPS = {"commitment_weight": 1.0, "abstention_band": 0.2}
"""Commitment on, every other channel off: a state with no record abstains."""


def child_world(inherits: str | None, **extra: Any) -> dict[str, Any]:
    """Issue ``y`` (maybe inheriting ``x``); K voted no on an ``x`` record in 2019."""
    data = dated_world(
        [{"id": "S"}, {"id": "T"}, {"id": "K"}],
        [{**THREE[0], "issue": "y"}],
        KEEPS,
        history=[record("OLD", "2019-06-01", {"K": "no"})],
        **extra,
    )
    data["issues"]["y"] = {"default_opinion": 0.0, "inherits": inherits}
    return data


@pytest.mark.parametrize(("inherits", "expected"), [(None, "abstain"), ("x", "no")])
def test_a_new_issue_starts_from_the_record_of_the_issue_it_inherits(
    inherits: str | None, expected: str
) -> None:
    assert votes(child_world(inherits))[0]["K"] == expected


def test_an_own_record_on_the_issue_comes_before_the_inherited_one() -> None:
    data = child_world("x")
    data["history"].append({**record("NEW", "2019-01-01", {"K": "yes"}), "issue": "y"})
    # its own record on y is older than the x record, and still wins
    assert votes(data)[0]["K"] == "yes"


def test_in_a_run_a_vote_on_the_parent_issue_counts_for_the_child() -> None:
    # K leans yes on R1 (issue x, affinity with S); R2 is on y, where K has no pull but its
    # own vote on R1, which y inherits; without inheritance it abstains on R2.
    agenda = [THREE[0], {**THREE[1], "issue": "y"}]
    for inherits, expected in ((None, ["yes", "abstain"]), ("x", ["yes", "yes"])):
        data = dated_world(
            [{"id": "S"}, {"id": "T"}, {"id": "K"}],
            agenda,
            {**KEEPS, "prior_alignment_weight": 1.0},
            ties={"alignment": [{"country": "K", "partner": "S", "weight": 0.5}]},
        )
        data["agenda"][1]["sponsors"] = []  # no party K has an affinity with
        data["agenda"][1]["target"] = None
        data["issues"]["y"] = {"default_opinion": 0.0, "inherits": inherits}
        assert [v["K"] for v in votes(data)] == expected


def test_a_precedent_outranks_later_records_on_the_issue() -> None:
    history = [
        record("A/RES/1/10", "2019-01-01", {"K": "no", "L": "yes"}),
        record("A/RES/1/11", "2019-06-01", {"K": "yes"}),
    ]
    data = dated_world(
        [{"id": "S"}, {"id": "T"}, {"id": "K"}, {"id": "L"}],
        [{**THREE[0], "precedents": ["A/RES/1/10"]}],
        KEEPS,
        history=history,
    )
    # K's vote on the precedent (no) beats its later yes on the issue; L, which voted only on
    # the precedent, keeps it; the world marks whose record is a precedent's
    assert votes(data)[0] == {"S": "yes", "T": "no", "K": "no", "L": "yes"}
    known = build_world(Scenario.model_validate(data)).resolutions["R1"].known
    assert known.precedent is not None
    assert known.precedent.tolist() == [False, False, True, True]
    plain = copy.deepcopy(data)
    plain["agenda"][0]["precedents"] = []
    assert votes(plain)[0]["K"] == "yes"


def test_a_precedent_outranks_the_runs_own_votes_on_the_issue() -> None:
    # K voted no on the precedent; in the run it votes yes on R1 (affinity with S); R2 names
    # the precedent and K, with no other pull there, returns to it.
    history = [record("A/RES/1/10", "2019-01-01", {"K": "no"})]
    data = dated_world(
        [{"id": "S"}, {"id": "T"}, {"id": "K"}],
        [THREE[0], {**THREE[1], "precedents": ["A/RES/1/10"]}],
        {**KEEPS, "prior_alignment_weight": 3.0},
        history=history,
        ties={"alignment": [{"country": "K", "partner": "S", "weight": 0.5}]},
    )
    data["agenda"][1]["sponsors"] = []
    data["agenda"][1]["target"] = None
    assert [v["K"] for v in votes(data)] == ["yes", "no"]


def invalid(data: dict[str, Any]) -> str:
    with pytest.raises(ScenarioError) as caught:
        check_references(Scenario.model_validate(data))
    return str(caught.value)


def test_bad_inheritance_and_precedents_are_refused_by_field() -> None:
    unknown = child_world("z")
    assert "issues.y.inherits" in invalid(unknown) and "'z'" in invalid(unknown)
    loop = child_world("x")
    loop["issues"]["x"]["inherits"] = "y"
    assert "comes back" in invalid(loop)
    data = dated_world(
        [{"id": "S"}, {"id": "T"}],
        [{**THREE[0], "precedents": ["A/RES/1/10"]}],
        history=[record("OLD", "2019-01-01", {"S": "yes"})],
    )
    assert "agenda[0].precedents[0]" in invalid(data) and "not in the history" in invalid(data)
    data["history"].append(record("A/RES/1/10", D2, {"S": "yes"}))
    assert D1 < D2 and "not dated before" in invalid(data)
    undated = copy.deepcopy(data)
    for item in undated["agenda"]:
        item.pop("date")
        item["round"] = 1
    assert "needs a dated agenda item" in invalid(undated)


@pytest.mark.parametrize(("factor", "expected"), [(1.0, "yes"), (4.0, "no")])
def test_a_vote_on_the_same_text_binds_commitment_precedent_times_as_much(
    factor: float, expected: str
) -> None:
    # K voted no on R1's precedent, L no on another text of the issue on the same day; both
    # lean yes through their affinity with S. At factor 1 both records pull alike and both
    # vote yes; at factor 4 only K's (a precedent's) pulls four times as hard, and K returns
    # to its no while L does not.
    history = [
        record("A/RES/1/10", "2019-01-01", {"K": "no"}),
        record("A/RES/1/11", "2019-01-01", {"L": "no"}),
    ]
    alignment = [{"country": c, "partner": "S", "weight": 0.5} for c in ("K", "L")]
    data = dated_world(
        [{"id": "S"}, {"id": "T"}, {"id": "K"}, {"id": "L"}],
        [{**THREE[0], "precedents": ["A/RES/1/10"]}],
        {**KEEPS, "prior_alignment_weight": 2.0, "commitment_precedent": factor},
        history=history,
        ties={"alignment": alignment},
    )
    assert votes(data)[0] == {"S": "yes", "T": "no", "K": expected, "L": "yes"}


def test_a_recorded_vote_counts_for_the_states_only_after_its_day() -> None:
    # R1 and R1b are voted on the same day; the history holds both records (a backtest's
    # view). K's recorded no on R1 must not become its own record for R1b on that day: with no
    # pull but commitment, K abstains on R1 and R1b (it would vote no on R1b if R1's record
    # leaked). On R2, a later day, its latest record (R1b's abstention) keeps it there.
    history = [
        record("R1", D1, {"S": "yes", "T": "no", "K": "no"}),
        record("R1b", D1, {"S": "yes", "T": "no", "K": "abstain"}),
    ]
    agenda = [THREE[0], {**THREE[0], "id": "R1b"}, THREE[1]]
    data = dated_world([{"id": "S"}, {"id": "T"}, {"id": "K"}], agenda, KEEPS, history=history)
    assert [v["K"] for v in votes(data)] == ["abstain", "abstain", "abstain"]
