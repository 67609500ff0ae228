"""The SolaraViz app's model side: parameters SolaraViz passes in build the model they name."""

from __future__ import annotations

import inspect

import pytest

pytest.importorskip("solara", reason="the viz extra is not installed (pip install -e .[viz])")
pytest.importorskip("altair", reason="mesa.visualization needs altair (the viz extra)")

from mesa.visualization import Slider

from sim.bundled import SCENARIOS_DIR
from sim.model.channels import REGISTRY
from sim.viz import WEIGHTS, AllianceApp, bundled_scenarios, components, model_params


def initial_values() -> dict[str, object]:
    """What SolaraViz passes to the model class: each input's starting value."""
    return {
        name: option.value if isinstance(option, Slider) else option["value"]
        for name, option in model_params().items()
    }


def test_model_params_match_the_model_signature() -> None:
    params = model_params()
    accepted = set(inspect.signature(AllianceApp.__init__).parameters) - {"self"}
    assert accepted == {"scenario_name", "seed", "kwargs"}
    assert set(params) == {"scenario_name", "seed", *WEIGHTS}
    assert set(WEIGHTS) == {
        *(c.weight_parameter for c in REGISTRY.weighted),
        "abstention_band",
    }
    assert params["scenario_name"]["values"] == bundled_scenarios()
    assert bundled_scenarios() == sorted(p.stem for p in SCENARIOS_DIR.glob("*.yaml"))
    for name in WEIGHTS:
        assert isinstance(params[name], Slider) and params[name].min == 0.0


def test_initial_values_reproduce_the_default_scenario() -> None:
    model = AllianceApp(**initial_values())  # type: ignore[arg-type]
    plain = AllianceApp()
    assert model.parameters == plain.parameters
    assert model.parameters.quid_pro_quo_weight == 1.2  # illustrative.yaml's value
    assert model.seed_value == 20220302


def test_a_slider_value_reaches_the_vote() -> None:
    base = AllianceApp()
    changed = AllianceApp(quid_pro_quo_weight=0.0, seed="20220302")
    assert changed.parameters.quid_pro_quo_weight == 0.0
    assert changed.loaded.overrides == ("parameters.quid_pro_quo_weight=0.0",)
    base.step()
    changed.step()
    prk = base.world.index("PRK")
    assert base.record.votes[0].votes[prk] != changed.record.votes[0].votes[prk]


def test_results_follow_the_rounds() -> None:
    model = AllianceApp(scenario_name="synthetic", seed=3)
    assert model.results() is None
    model.step()
    first = model.results()
    assert first is not None and list(first["tallies"]["round"]) == [1]
    assert model.results() is first  # cached until the next vote
    model.step()
    second = model.results()
    assert second is not None and list(second["tallies"]["round"]) == [1, 2]
    assert second.manifest.scenario.name == "synthetic"


def test_components_are_page_zero_entries() -> None:
    entries = components()
    assert len(entries) == 4
    assert all(isinstance(e, tuple) and e[1] == 0 for e in entries)
