"""A fit's two scores are named for what they are: accuracy, kappa, agreement r, a Brier."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_forecast import scripted
from test_worlds import DATE, _fixture

from sim.empirical.calibrate import Fit, search
from sim.empirical.session import fit_header, fit_session
from sim.empirical.walkforward import fit_records, training_records, walk_forward
from sim.empirical.world_build import build_world
from sim.scenario.loading import load_scenario


def test_a_session_fit_names_its_tie_breaker_agreement_r(tmp_path: Path) -> None:
    out = tmp_path / "world"
    build_world(_fixture(tmp_path / "data"), DATE, out)
    scenario = load_scenario(out / "scenario.yaml").scenario
    fit = fit_session(scenario, out, {"commitment_weight": (0.0, 1.0)}, budget=2, replicates=1)
    assert fit.score_names == ("accuracy", "agreement r")
    assert fit.named() == {"accuracy": fit.score["accuracy"], "agreement r": fit.score["kappa"]}
    assert fit.named(start=True)["agreement r"] == fit.start_score["kappa"]
    header = " ".join(line[2:] for line in fit_header(fit, "w.yaml", 2, 1, 0))
    assert f"agreement r {fit.score['kappa']:.4f}" in header


def test_a_proper_score_refit_names_its_objective_and_keeps_the_row_keys() -> None:
    scenario = scripted()
    records = training_records(scenario, scenario.history[2].date)
    bounds = {"domestic_weight": (0.0, 2.0)}
    fit = fit_records(scenario, records, bounds, 2, objective="brier")
    assert fit.score_names == ("minus brier", "accuracy")
    named = fit.named()
    assert named["minus brier"] == fit.score["accuracy"] <= 0.0
    assert 0.0 <= named["accuracy"] == fit.score["kappa"] <= 1.0
    assert fit_records(scenario, records, bounds, 2).score_names == ("accuracy", "kappa")
    cutoff = scenario.history[0].date
    result = walk_forward(scenario, cutoff, 2, 2, bounds=bounds, objective="brier")
    for row in result.rows:  # the keys the JSON has always had, with what they say
        assert 0.0 <= row["training_brier"] <= 2.0 and 0.0 <= row["training_accuracy"] <= 1.0


def test_a_plain_search_keeps_accuracy_and_kappa() -> None:
    scenario = scripted()
    fit = search(scenario, lambda s: (0.5, 0.25), {"domestic_weight": (0.0, 2.0)}, budget=2)
    assert fit.named() == {"accuracy": 0.5, "kappa": 0.25}
    assert isinstance(fit, Fit)
    with pytest.raises(KeyError):
        fit_header(fit, "w.yaml", 2, 1, 0)  # a kappa is not printed as an agreement r
