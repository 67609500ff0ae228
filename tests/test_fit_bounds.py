"""What a fit may search: default bounds from the registry, given bounds inside the schema."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from conftest import world, write_yaml
from test_worlds import DATE, _fixture

from sim.cli import main
from sim.empirical.calibrate import EXTRA_BOUNDS, check_bounds, parse_bounds, search
from sim.empirical.world_build import build_world
from sim.model.channels import REGISTRY
from sim.scenario.errors import ScenarioError
from sim.scenario.loading import load_scenario
from sim.scenario.schema import Parameters, Scenario


def test_a_channel_parameter_alone_takes_the_registrys_bounds() -> None:
    assert parse_bounds(["commitment_half_life"]) == {"commitment_half_life": (7.0, 3650.0)}
    for p in REGISTRY.channel_parameters:
        assert EXTRA_BOUNDS[p.name] == (p.low, p.high)
    check_bounds(EXTRA_BOUNDS)  # every default the schema takes


@pytest.mark.parametrize(
    ("spec", "says"),
    [
        ("commitment_half_life=0:5", "LOW outside the schema: must be between 7 and 3650, got 0"),
        ("commitment_half_life=30:4000", "HIGH outside the schema: must be between 7 and 3650"),
        ("expectation_weight=0:1", "LOW outside the schema: must be between 0.01 and 1, got 0"),
        ("bloc_agreement=0.5:2", "HIGH outside the schema: must be between 0 and 1, got 2"),
        ("neutrality=0:1e300", "HIGH outside the schema: must be at most 1e+06"),
    ],
)
def test_bounds_outside_the_schema_are_refused(spec: str, says: str) -> None:
    with pytest.raises(ScenarioError, match="--fit") as caught:
        parse_bounds([spec])
    assert says in str(caught.value), caught.value


def test_a_search_never_tries_a_value_the_schema_refuses(tmp_path: Path) -> None:
    data = world([{"id": "S"}, {"id": "T"}], [{"id": "R", "round": 1, "target": "T"}])
    scenario = load_scenario(write_yaml(tmp_path / "s.yaml", data)).scenario
    tried: list[float] = []

    def objective(candidate: Scenario) -> tuple[float, float]:
        tried.append(candidate.parameters.commitment_half_life)
        return 0.0, 0.0

    with pytest.raises(ScenarioError, match="LOW outside the schema"):
        search(scenario, objective, {"commitment_half_life": (0.0, 5.0)}, budget=4)
    assert tried == []
    fit = search(scenario, objective, {"commitment_half_life": (7.0, 30.0)}, budget=4)
    assert len(tried) == 4 and all(7.0 <= t <= 730.0 for t in tried)  # 730: the start
    Parameters.model_validate(fit.complete)


def test_world_fit_refuses_out_of_schema_bounds_before_fitting(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "world"
    build_world(_fixture(tmp_path / "data"), DATE, out)
    target = tmp_path / "fitted.yaml"
    argv = ["world", "fit", str(out / "scenario.yaml"), "--out", str(target), "--budget", "2"]
    assert main([*argv, "--fit", "commitment_half_life=0:5"]) == 2
    err = capsys.readouterr().err
    lines = [line for line in err.splitlines() if "error:" in line]
    assert len(lines) == 1 and "Traceback" not in err, err
    assert "commitment_half_life=0:5: LOW outside the schema" in lines[0]
    assert not target.exists()
    assert main([*argv, "--replicates", "1", "--fit", "commitment_half_life"]) == 0
    fitted = yaml.safe_load(target.read_text())["parameters"]
    assert 7.0 <= fitted["commitment_half_life"] <= 3650.0


@pytest.mark.parametrize("specs", [["trade_weight", "trade_weight=0:2"], ["neutrality"] * 2])
def test_a_parameter_given_twice_is_refused_not_overwritten(specs: list[str]) -> None:
    # every verb that fits (calibrate, backtest --walk-forward, validate --cv, world fit)
    with pytest.raises(ScenarioError, match="is given twice"):
        parse_bounds(specs)
