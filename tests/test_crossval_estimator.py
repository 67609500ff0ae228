"""The cross-validation estimator: shipped weights never reach a fold; the ridge penalty."""

from __future__ import annotations

import numpy as np
from test_forecast import scripted

from sim.empirical.crossval import CV_FIT, PENALTY, RESET, cross_validate, majority
from sim.model.votes import Vote
from sim.scenario.schema import Parameters

Y, N = Vote.YES, Vote.NO
RECORDED = np.array([Y, N, Y, Y, Y], dtype=np.int8)  # S, T, A, B, C as recorded on R1
BOUNDS = {"domestic_weight": (0.0, 2.0), "abstention_band": (0.05, 1.0)}


def test_weights_fitted_on_every_state_never_reach_a_fold() -> None:
    scenario = scripted()
    # the scenario's own values of weights a calibration fitted (here trade, not refitted per
    # fold) are put back at the model's defaults: the result cannot depend on them
    shipped = scenario.model_copy(
        update={
            "parameters": scenario.parameters.model_copy(
                update={"trade_weight": 2.7, "security_weight": 0.1, "neutrality": 3.0}
            )
        }
    )
    one = cross_validate(scenario, RECORDED, "R1", folds=2, budget=5, replicates=2, bounds=BOUNDS)
    two = cross_validate(shipped, RECORDED, "R1", folds=2, budget=5, replicates=2, bounds=BOUNDS)
    assert one.to_json() == two.to_json()
    assert {"trade_weight", "security_weight", "quid_pro_quo_weight"} <= set(RESET)


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
