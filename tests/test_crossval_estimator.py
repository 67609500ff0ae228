"""The cross-validation estimator: shipped weights never reach a fold; the ridge penalty."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from conftest import write_yaml
from test_forecast import scripted
from test_timeline import D1, SCRIPTED, THREE, dated_world

from sim.cli import main
from sim.empirical import crossval
from sim.empirical.crossval import CV_FIT, PENALTY, RESET, cross_validate, majority
from sim.model.votes import Vote
from sim.scenario.schema import Parameters, Scenario

Y, N = Vote.YES, Vote.NO
RECORDED = np.array([Y, N, Y, Y, Y], dtype=np.int8)  # S, T, A, B, C as recorded on R1
BOUNDS = {"domestic_weight": (0.0, 2.0), "abstention_band": (0.05, 1.0)}


def _traded() -> Scenario:
    """The scripted world with C trading with the sponsor S: the trade weight moves C's vote."""
    ties = {
        "trade": [{"country": "C", "partner": "S", "weight": 1.0}],
        "security": [{"country": "B", "partner": "S", "weight": 1.0}],
    }
    data = dated_world(
        SCRIPTED["countries"], THREE, {"domestic_weight": 1.0}, history=[], ties=ties
    )
    return Scenario.model_validate(data)


def _cv(scenario: Scenario) -> dict[str, object]:
    result = cross_validate(
        scenario, RECORDED, "R1", folds=2, budget=5, replicates=2, bounds=BOUNDS
    )
    return result.to_json()


def test_weights_fitted_on_every_state_never_reach_a_fold(monkeypatch: pytest.MonkeyPatch) -> None:
    scenario = _traded()  # trade and security weights 0, as every scripted world has them
    # the scenario's own values of weights a calibration fitted (here trade, not refitted per
    # fold) are put back at the model's defaults: the result cannot depend on them
    shipped = scenario.model_copy(
        update={
            "parameters": scenario.parameters.model_copy(
                update={"trade_weight": 2.7, "security_weight": 0.1, "neutrality": 3.0}
            )
        }
    )
    one, two = _cv(scenario), _cv(shipped)
    assert one == two
    # at the default trade weight (1) C follows its trading partner S to yes, as recorded:
    # the held-out fold of S and C scores 1, the other (T, A, B) 2 of 3
    assert [(f["held_out"], f["held_out_accuracy"]) for f in one["folds"]] == [  # type: ignore[attr-defined]
        (["T", "A", "B"], pytest.approx(2 / 3)),
        (["S", "C"], 1.0),
    ]
    assert one["cv_accuracy_mean"] == pytest.approx(0.8)
    assert {"trade_weight", "security_weight", "quid_pro_quo_weight"} <= set(RESET)
    # the same folds without the reset: the scenario's trade weight 0 leaves C abstaining
    monkeypatch.setattr(crossval, "RESET", ())
    kept, shipped_kept = _cv(scenario), _cv(shipped)
    assert kept != shipped_kept
    assert kept["cv_accuracy_mean"] == pytest.approx(0.6)
    assert shipped_kept["cv_accuracy_mean"] == pytest.approx(0.8)


def test_more_folds_than_states_are_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(ValueError, match="folds must be 2 to the 5 states, got 6"):
        cross_validate(_traded(), RECORDED, "R1", folds=6, budget=2, replicates=1, bounds=BOUNDS)
    record = tmp_path / "r.csv"
    record.write_text(
        "resolution,date,iso3,vote\n" + "".join(f"R1,{D1},{c},yes\n" for c in "STABC")
    )
    scenario = write_yaml(tmp_path / "s.yaml", dated_world(SCRIPTED["countries"], THREE))
    argv = ["validate", str(scenario), "--record", str(record), "--resolution", "R1", "--json"]
    assert main([*argv, "--cv", "6", "--budget", "2"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: --cv 6: more folds than the scenario's 5 countries")


def test_a_prohibitive_penalty_keeps_the_defaults() -> None:
    result = cross_validate(
        scripted(), RECORDED, "R1", folds=2, budget=6, replicates=2, bounds=BOUNDS, penalty=1e6
    )
    defaults = {n: Parameters.model_fields[n].default for n in BOUNDS}
    assert all(fold.parameters == defaults for fold in result.folds)
    assert result.penalty == 1e6 and result.to_json()["penalty"] == 1e6


def test_default_estimator_fixes_the_unidentified_weights() -> None:
    assert len(CV_FIT) == 7 and PENALTY == 0.0
    fixed = {"quid_pro_quo_weight", "shared_adversaries_weight", "commitment_weight"}
    assert not fixed & set(CV_FIT) and fixed <= set(RESET)


def test_majority_over_members_and_ties_to_the_first() -> None:
    A = Vote.ABSTAIN
    runs = np.array(
        [
            [[Y, N, A]],  # member 0, one replicate, three states
            [[N, A, A]],
            [[N, Y, Y]],
        ],
        dtype=np.int8,
    )
    # state 0: N twice; state 1: a three-way tie, the first member's N; state 2: A twice
    assert majority(runs).tolist() == [[N, N, A]]


def test_a_bag_of_one_is_the_single_fit_and_a_bag_keeps_every_members_fit() -> None:
    common = {"folds": 2, "budget": 4, "replicates": 2, "bounds": BOUNDS}
    one = cross_validate(scripted(), RECORDED, "R1", **common)  # type: ignore[arg-type]
    bag = cross_validate(scripted(), RECORDED, "R1", members=3, **common)  # type: ignore[arg-type]
    assert [f.parameters for f in bag.folds] == [f.parameters for f in one.folds]
    assert all(len(f.members) == 2 for f in bag.folds) and bag.members == 3
    assert all(f.members == [] for f in one.folds)
