"""Scripted worlds for the channels added with the mechanisms issue: exact votes."""

from __future__ import annotations

import copy
from typing import Any

import numpy as np
import pytest
from test_timeline import D1, D2, THREE, dated_world, record, votes

from sim.model.channels import COMMITMENT_HALF_LIFE_DAYS, commitment_term
from sim.model.rule import VoteInputs
from sim.model.votes import NO_FIXED_VOTE


def test_prior_alignment_pulls_toward_the_poles_a_state_voted_with() -> None:
    # R (target) votes no, U (sponsor) yes. A voted with R before (kappa 0.8), B with U (0.6),
    # C with both (0.3 each: the pulls cancel).
    ties = {
        "alignment": [
            {"country": "A", "partner": "R", "weight": 0.8},
            {"country": "B", "partner": "U", "weight": 0.6},
            {"country": "C", "partner": "R", "weight": 0.3},
            {"country": "C", "partner": "U", "weight": 0.3},
        ]
    }
    data = dated_world(
        [{"id": "U"}, {"id": "R"}, {"id": "A"}, {"id": "B"}, {"id": "C"}],
        [{"id": "V", "date": D1, "target": "R", "sponsors": ["U"]}],
        {"prior_alignment_weight": 1.0, "abstention_band": 0.5},
        ties=ties,
    )
    assert votes(data) == [{"U": "yes", "R": "no", "A": "no", "B": "yes", "C": "abstain"}]
    off = copy.deepcopy(data)
    off["parameters"]["prior_alignment_weight"] = 0.0
    assert votes(off)[0] == {"U": "yes", "R": "no", "A": "abstain", "B": "abstain", "C": "abstain"}


def inputs(own: list[float], age: list[float] | None) -> VoteInputs:
    n = len(own)
    zeros = np.zeros(n)
    return VoteInputs(
        attributes={},
        opinion=zeros,
        salience=1.0,
        favour_pull=zeros,
        fixed_votes=np.full(n, NO_FIXED_VOTE, dtype=np.int8),
        noise=zeros,
        inducement=zeros,
        own_record=np.array(own),
        own_record_age=None if age is None else np.array(age),
    )


def test_commitment_halves_every_half_life() -> None:
    h = COMMITMENT_HALF_LIFE_DAYS
    got = commitment_term(inputs([1.0, -1.0, 1.0, 0.0], [0.0, h, 2 * h, np.inf]), 2.0)
    assert got.tolist() == [2.0, -1.0, 0.5, 0.0]
    assert commitment_term(inputs([1.0], None), 2.0).tolist() == [0.0]


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
