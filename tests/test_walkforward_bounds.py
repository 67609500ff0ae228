"""The walk-forward's default fit list: bounds the schema accepts; commitment as in a session."""

from __future__ import annotations

from sim.empirical.calibrate import DEFAULT_BOUNDS, MAX_FITTED, check_bounds, parse_bounds
from sim.empirical.session import SESSION_FIT
from sim.empirical.walkforward import WALK_FORWARD_FIT


def test_the_default_fit_list_is_a_search_the_schema_accepts() -> None:
    check_bounds(WALK_FORWARD_FIT)  # raises ScenarioError on a bound the schema refuses
    assert len(WALK_FORWARD_FIT) <= MAX_FITTED
    assert WALK_FORWARD_FIT["quid_pro_quo_weight"][0] == 0.0  # no floor: the data may drop it


def test_commitment_may_pull_harder_than_the_registry_bound_as_in_a_session_fit() -> None:
    # With the registry's 0-3 the refits before ES-11/3 to /5 sat at or next to 3 (issue 20):
    # a state's own vote weeks earlier may deserve more than one unit of pull, as in a session.
    low, high = WALK_FORWARD_FIT["commitment_weight"]
    assert (low, high) == SESSION_FIT["commitment_weight"] == (0.0, 6.0)
    assert high > DEFAULT_BOUNDS["commitment_weight"][1] == 3.0
    assert parse_bounds(["commitment_weight=0:6"]) == {"commitment_weight": (0.0, 6.0)}
