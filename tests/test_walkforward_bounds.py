"""The walk-forward's default fit list: bounds the schema accepts, commitment's as measured."""

from __future__ import annotations

from sim.empirical.calibrate import DEFAULT_BOUNDS, MAX_FITTED, check_bounds, parse_bounds
from sim.empirical.session import SESSION_FIT
from sim.empirical.walkforward import WALK_FORWARD_FIT


def test_the_default_fit_list_is_a_search_the_schema_accepts() -> None:
    check_bounds(WALK_FORWARD_FIT)  # raises ScenarioError on a bound the schema refuses
    assert len(WALK_FORWARD_FIT) <= MAX_FITTED
    assert WALK_FORWARD_FIT["quid_pro_quo_weight"][0] == 0.0  # no floor: the data may drop it


def test_commitment_keeps_the_registry_bound_the_wider_one_was_measured_worse() -> None:
    # The refits press against 3, but the session fit's 0-6, tried with search seeds 0-2 at
    # budget 120, gave worse Brier scores on ES-11/3 to /5 (README, walk-forward section):
    # widening it again needs that measurement redone, not only this line changed.
    assert WALK_FORWARD_FIT["commitment_weight"] == DEFAULT_BOUNDS["commitment_weight"] == (0, 3)
    assert SESSION_FIT["commitment_weight"] == (0.0, 6.0)
    check_bounds(parse_bounds(["commitment_weight=0:6"]))  # the tried bound: `--fit` takes it
