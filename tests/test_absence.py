"""Absence forecast from each state's absence rate over the history dated before a vote."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pytest
from conftest import write_yaml
from test_timeline import THREE, dated_world

from sim.model.absence import AbsenceHistory
from sim.model.votes import Vote
from sim.scenario.errors import ScenarioError
from sim.scenario.loading import load_scenario
from sim.scenario.schema import Scenario
from sim.scenario.world import run_scenario

D = dt.date
# free states that missed at least half of the roll calls before ES-11/1: 304 of 2017-2019
# (Voeten's data) and the 9 Ukraine records of 2014-2021 (history)
AWAY_ON_ES_11_1 = {"DMA", "SOM", "SSD", "STP"}


def test_rate_counts_only_records_dated_before_the_vote() -> None:
    history = AbsenceHistory.of(
        [
            (D(2020, 1, 1), {"A": "yes", "B": "absent"}),
            (D(2019, 1, 1), {"A": "no"}),  # B has no row: absent
            (D(2021, 1, 1), {"A": "absent", "B": "abstain"}),
        ],
        ["A", "B"],
    )
    assert history.rate(None).tolist() == [0.0, 0.0]
    assert history.rate(D(2019, 1, 1)).tolist() == [0.0, 0.0]  # the same day does not count
    assert history.rate(D(2020, 6, 1)).tolist() == [0.0, 1.0]
    assert history.rate(D(2022, 1, 1)) == pytest.approx([1 / 3, 2 / 3])


def test_prior_is_pooled_roll_call_by_roll_call_with_the_history() -> None:
    history = AbsenceHistory.of(
        [(D(2020, 1, 1), {"A": "yes", "B": "absent"}), (D(2021, 1, 1), {"A": "absent"})],
        ["A", "B"],
        prior=(np.array([3.0, 0.0]), np.array([10.0, 10.0])),
    )
    assert history.rate(None) == pytest.approx([0.3, 0.0])
    assert history.rate(D(2020, 6, 1)) == pytest.approx([3 / 11, 1 / 11])
    assert history.rate(D(2022, 1, 1)) == pytest.approx([4 / 12, 2 / 12])


def test_un_2022_prior_is_sessions_72_to_74_of_voetens_data() -> None:
    countries = {c.id: c for c in load_scenario("scenarios/un_2022.yaml").scenario.countries}
    # 309 roll calls, less the five Ukraine texts that are also in the history (Voeten writes
    # two of them R/73/.., three A/RES/..: all five are left out)
    assert {c.absence_prior_roll_calls for c in countries.values()} == {304.0}
    # Dominica missed 220 of the 304 roll calls of 2017-2019; the United States none
    assert countries["DMA"].absence_prior_missed == 220
    assert countries["USA"].absence_prior_missed == 0
    assert "sessions 72-74" in countries["DMA"].sources["absence_prior"]
    # dated by its last roll call (27 December 2019): it informs the votes of 2022
    assert {c.absence_prior_date for c in countries.values()} == {dt.date(2019, 12, 27)}


def test_un_2022_rates_and_the_stage_on_records_habitual_absentees_absent() -> None:
    scenario = load_scenario("scenarios/un_2022.yaml").scenario
    off = run_scenario(scenario)
    ids = off.world.ids
    # before ES-11/1 the history holds 9 roll calls (2014-2021)
    facts = off.world.resolutions
    rate = facts["ES-11/1"].absence_rate
    assert rate is not None
    prior = (
        np.array([c.absence_prior_missed for c in scenario.countries]),
        np.array([c.absence_prior_roll_calls for c in scenario.countries]),
    )
    history = AbsenceHistory.of(((r.date, r.votes) for r in scenario.history), ids, prior)
    assert history.missed.shape == (15, 193)
    assert np.array_equal(rate, history.rate(D(2022, 3, 2)))
    parameters = scenario.parameters.model_copy(update={"absence_rate": 0.5})
    on = run_scenario(scenario.model_copy(update={"parameters": parameters}))
    for before, after in zip(off.record.votes, on.record.votes, strict=True):
        day_rate = facts[before.resolution.id].absence_rate
        assert day_rate is not None
        high = (day_rate >= 0.5) & ~after.fixed
        assert np.all(after.votes[high] == Vote.ABSENT)
        changed = before.votes != after.votes
        assert not np.any(changed & ~high)
    first = on.record.votes[0]
    assert {ids[i] for i in np.flatnonzero((rate >= 0.5) & ~first.fixed)} == AWAY_ON_ES_11_1
    assert {ids[i] for i in np.flatnonzero(first.votes == Vote.ABSENT)} >= AWAY_ON_ES_11_1


def test_the_prior_counts_only_for_votes_after_its_last_roll_call() -> None:
    prior = (np.array([3.0, 0.0]), np.array([10.0, 10.0]))
    history = AbsenceHistory.of(
        [(D(2020, 1, 1), {"A": "yes", "B": "absent"})],
        ["A", "B"],
        prior=prior,
        prior_until=[D(2020, 6, 1), None],
    )
    # A's prior ends on 1 June 2020: a vote on or before that day sees only the record
    assert history.rate(D(2020, 3, 1)) == pytest.approx([0 / 1, 1 / 11])
    assert history.rate(D(2020, 6, 1)) == pytest.approx([0 / 1, 1 / 11])
    assert history.rate(D(2020, 6, 2)) == pytest.approx([3 / 11, 1 / 11])
    assert history.rate(None) == pytest.approx([0.3, 0.0])  # an undated vote: the prior alone


def _dated_prior(until: str | None) -> dict[str, object]:
    countries = [
        {"id": "S"},
        {"id": "T"},
        {"id": "C", "absence_prior_missed": 6, "absence_prior_roll_calls": 8},
    ]
    if until is not None:
        countries[2]["absence_prior_date"] = until
    return dated_world(countries, THREE)


def test_a_vote_dated_before_the_priors_end_ignores_it() -> None:
    # C missed 6 of 8 roll calls up to 1 March 2020: R1 (10 January) is before that, R2 and R3
    # after; the scenario has no history, so R1 sees nothing
    model = run_scenario(Scenario.model_validate(_dated_prior("2020-03-01")))
    rates = {r: model.world.resolutions[r].absence_rate for r in ("R1", "R2", "R3")}
    assert [None if v is None else v.tolist() for v in rates.values()] == [
        [0.0, 0.0, 0.0],
        [0.0, 0.0, 0.75],
        [0.0, 0.0, 0.75],
    ]


def test_a_prior_without_its_date_is_refused_naming_the_field(tmp_path: Path) -> None:
    path = write_yaml(tmp_path / "s.yaml", _dated_prior(None))
    with pytest.raises(ScenarioError, match="absence_prior_date: is needed with"):
        load_scenario(path)
    assert load_scenario(write_yaml(tmp_path / "t.yaml", _dated_prior("2019-12-27")))
