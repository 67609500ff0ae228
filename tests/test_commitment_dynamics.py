"""The commitment half-life as a fitted parameter, persistence through inherited issues, and
the walk-forward's proper-score objective (issue 20)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import numpy as np
import pytest
from conftest import write_yaml
from pydantic import ValidationError
from test_timeline import D1, SCRIPTED, THREE, dated_world, record, votes

from sim.cli import main
from sim.empirical.backtest import issue_chain, modal_votes, persistence, record_codes
from sim.empirical.forecast import switch_rate
from sim.empirical.walkforward import OBJECTIVES, fit_records, training_records
from sim.model.channels import (
    COMMITMENT_HALF_LIFE,
    COMMITMENT_HALF_LIFE_DAYS,
    COMMITMENT_PRECEDENT,
    REGISTRY,
)
from sim.scenario.loading import load_scenario
from sim.scenario.schema import Parameters

REPO = Path(__file__).resolve().parents[1]
UN = REPO / "scenarios" / "un_2022.yaml"
ACCOUNTABILITY = [
    "issues.accountability.inherits=human_rights",
    "issues.accountability.default_opinion=0.0",
    "agenda.ES-11/3.issue=accountability",
    "history.11.issue=accountability",
    "agenda.ES-11/5.issue=accountability",
    "history.13.issue=accountability",
]


def test_the_half_life_is_a_bounded_parameter_generated_from_the_registry() -> None:
    assert REGISTRY["commitment"].parameters == (COMMITMENT_HALF_LIFE, COMMITMENT_PRECEDENT)
    assert Parameters().commitment_half_life == COMMITMENT_HALF_LIFE_DAYS == 730.0
    assert Parameters(commitment_half_life=7.0).commitment_half_life == 7.0
    for bad in (6.9, 3650.5):
        with pytest.raises(ValidationError):
            Parameters(commitment_half_life=bad)
    assert Parameters().commitment_precedent == 1.0  # no difference unless fitted
    for bad in (0.99, 10.01):
        with pytest.raises(ValidationError):
            Parameters(commitment_precedent=bad)


@pytest.mark.parametrize(("half_life", "expected"), [(None, "abstain"), (30.0, "yes")])
def test_a_short_half_life_lets_an_old_abstention_go(
    half_life: float | None, expected: str
) -> None:
    # K leans yes by 0.3 (affinity with the sponsor S) and abstained 90 days before R1.
    # Commitment 0.5 widens its band by 0.5 * 0.5 ** (90 / h): with the default two years
    # (h = 730) by 0.459, to 0.659 > 0.3 (K abstains); with h = 30 by 0.0625, to 0.2625 < 0.3
    # (K votes yes).
    day = str(np.datetime64(D1) - np.timedelta64(90, "D"))
    parameters = {"commitment_weight": 0.5, "prior_alignment_weight": 1.0, "abstention_band": 0.2}
    if half_life is not None:
        parameters["commitment_half_life"] = half_life
    data = dated_world(
        [{"id": "S"}, {"id": "T"}, {"id": "K"}],
        THREE[:1],
        parameters,
        history=[record("OLD", day, {"K": "abstain"})],
        ties={"alignment": [{"country": "K", "partner": "S", "weight": 0.3}]},
    )
    assert votes(data)[0]["K"] == expected


def test_persistence_follows_the_issue_a_new_issue_inherits() -> None:
    shipped = load_scenario(UN).scenario
    coded = load_scenario(UN, ACCOUNTABILITY).scenario
    assert issue_chain(coded, "accountability") == ("accountability", "human_rights")
    assert issue_chain(shipped, "sovereignty") == ("sovereignty",)
    ids = [c.id for c in coded.countries]
    es3, es5 = (
        next(r for r in coded.history if r.resolution == f"A/RES/ES-11/{k}") for k in (3, 5)
    )
    # ES-11/3: no accountability record yet, so each state's latest human-rights vote, as shipped
    assert persistence(coded, "accountability", es3.date).tolist() == (
        persistence(shipped, "human_rights", es3.date).tolist()
    )
    # ES-11/5: its own record on the issue, ES-11/3, outranks the inherited ones
    assert persistence(coded, "accountability", es5.date).tolist() == (
        record_codes(es3, ids).tolist()
    )
    # the switch rate reads the chain's records as one sequence
    chain = issue_chain(coded, "accountability")
    assert switch_rate(coded, chain, es5.date) != switch_rate(coded, "human_rights", es5.date)


def test_the_objective_is_accuracy_or_a_proper_score() -> None:
    scenario = load_scenario(UN).scenario
    records = training_records(scenario, dt.date(2022, 3, 24))
    assert [r.resolution for r in records] == ["A/RES/ES-11/1"]
    assert OBJECTIVES == ("accuracy", "brier", "log_loss")
    with pytest.raises(ValueError, match="unknown objective"):
        fit_records(scenario, records, {"noise_sd": (0.0, 0.1)}, 1, objective="kappa")
    fit = fit_records(scenario, records, {"noise_sd": (0.0, 0.1)}, 1, objective="brier")
    # one evaluation, the start: minus the Brier score of four seeds' shares, in [-2, 0],
    # and the mean accuracy as the tie-break
    assert -2.0 <= fit.score["accuracy"] < 0.0
    assert 0.8 < fit.score["kappa"] <= 1.0


def test_backtest_walk_forward_objective_cli(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = dated_world(
        SCRIPTED["countries"], THREE, {"domestic_weight": 1.0}, history=SCRIPTED["records"]
    )
    path = write_yaml(tmp_path / "s.yaml", data)
    argv = ["backtest", str(path), "--cutoff", D1, "--replicates", "2", "--walk-forward", "3"]
    fit = ["--fit", "domestic_weight=0:2", "--out", str(tmp_path / "wf"), "--json"]
    assert main([*argv, *fit, "--objective", "brier"]) == 0
    document = json.loads(capsys.readouterr().out)
    assert "objective brier" in document["weights"]
    for row in document["rows"]:
        assert row["objective"] == "brier"
        assert 0.0 <= row["training_brier"] <= 2.0
        assert 0.0 <= row["training_accuracy"] <= 1.0
        assert set(row["modal_misses"].split(";")) <= {"", "S", "T", "A", "B", "C"}
    assert main([*argv, *fit, "--objective", "kappa"]) == 2


def test_the_modal_vote_is_the_most_frequent_and_ties_go_to_the_lower_code() -> None:
    runs = np.array([[1, 2, 3, 0], [1, 3, 3, 1], [2, 3, 1, 0], [1, 2, 1, 1]], dtype=np.int8)
    # state 0: yes 3x; state 1: abstain 2, no 2 -> abstain; state 2: no 2, yes 2 -> yes;
    # state 3: absent 2, yes 2 -> absent
    assert modal_votes(runs).tolist() == [1, 2, 1, 0]
