"""How much the un_2022 fit rests on the +0.5 sovereignty opinion default (issue 20, item 3).

For the 180 members with no poll, the domestic channel reduces to ``domestic_weight x 0.5 x
accountability x salience``: the default is a regime-type intercept whose size only the
product with the fitted weight pins down (SOURCES.md, opinion_sovereignty).
"""

from __future__ import annotations

import numpy as np
import pytest

from sim.scenario.loading import load_scenario
from sim.scenario.schema import Scenario
from sim.scenario.world import run_scenario


@pytest.fixture(scope="module")
def scenario() -> Scenario:
    return load_scenario("scenarios/un_2022.yaml").scenario


def _es_11_1_accuracy(scenario: Scenario, default: float, domestic_scale: float = 1.0) -> float:
    issues = dict(scenario.issues)
    issues["sovereignty"] = issues["sovereignty"].model_copy(update={"default_opinion": default})
    weight = scenario.parameters.domestic_weight * domestic_scale
    parameters = scenario.parameters.model_copy(update={"domestic_weight": weight})
    model = run_scenario(scenario.model_copy(update={"issues": issues, "parameters": parameters}))
    vote = next(v for v in model.record.votes if v.resolution.id == "ES-11/1")
    recorded = model.world.resolutions["ES-11/1"].recorded
    assert recorded is not None
    return float(np.mean(vote.votes == recorded))


def test_no_poll_states_lean_only_through_the_default(scenario: Scenario) -> None:
    free_of_polls = [c for c in scenario.countries if "sovereignty" not in c.public_opinion]
    assert len(free_of_polls) == 180
    assert scenario.issues["sovereignty"].default_opinion == 0.5


def test_the_es_11_1_fit_collapses_without_the_default(scenario: Scenario) -> None:
    shipped = _es_11_1_accuracy(scenario, 0.5)
    assert shipped > 0.87
    assert _es_11_1_accuracy(scenario, 0.0) < 0.55
    # a default of 1 with the weight halved gives the same fit: only the product is identified
    assert _es_11_1_accuracy(scenario, 1.0, 0.5) == shipped
