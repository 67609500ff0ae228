"""Probabilistic votes, proper scores and walk-forward re-estimation (issue 20 items 1, 2)."""

from __future__ import annotations

import copy
import datetime as dt
import json
import math
from collections import Counter
from pathlib import Path

import numpy as np
import pytest
from conftest import write_yaml
from test_timeline import D1, D2, D3, SCRIPTED, THREE, dated_world

from sim.bundled import SCENARIOS_DIR
from sim.cli import main
from sim.empirical.backtest import backtest
from sim.empirical.crossval import HABIT_CHOICES, cross_validate, fold_of_states
from sim.empirical.forecast import (
    ErrorTrack,
    Forecast,
    brier,
    calibrated_probabilities,
    hedged,
    log_loss,
    point_probabilities,
    reliability,
    replicate_probabilities,
    smoothed_rate,
    switch_rate,
)
from sim.empirical.quidproquo import disagreements, side
from sim.empirical.walkforward import training_records, walk_forward
from sim.model.votes import Vote
from sim.scenario.loading import load_scenario
from sim.scenario.schema import Scenario

A, Y, S, N = (int(v) for v in Vote)  # absent, yes, abstain, no


def scripted(records: list[dict[str, object]] | None = None) -> Scenario:
    data = dated_world(
        SCRIPTED["countries"],
        THREE,
        {"domestic_weight": 1.0},
        history=records or SCRIPTED["records"],
    )
    return Scenario.model_validate(data)


def test_replicate_shares_are_smoothed_by_half_a_vote() -> None:
    runs = np.array([[Y, N], [Y, Y]], dtype=np.int8)  # two replicates, two states
    p = replicate_probabilities(runs)
    # (count + 1/2) / (2 + 4 * 1/2), columns absent, yes, abstain, no
    assert p.tolist() == [[0.125, 0.625, 0.125, 0.125], [0.125, 0.375, 0.125, 0.375]]
    assert np.allclose(p.sum(axis=1), 1.0)


def test_brier_and_log_loss_by_hand() -> None:
    recorded = np.array([Y, N], dtype=np.int8)
    certain = point_probabilities(recorded, 0.0)
    assert brier(certain, recorded) == 0.0 and log_loss(certain, recorded) == 0.0
    wrong = point_probabilities(np.array([N, Y], dtype=np.int8), 0.0)
    assert brier(wrong, recorded) == 2.0  # the worst a multi-category Brier score can be
    assert log_loss(wrong, recorded) == math.inf
    uniform = np.full((2, 4), 0.25)
    assert brier(uniform, recorded) == pytest.approx(0.75)  # 0.75^2 + 3 * 0.25^2
    assert log_loss(uniform, recorded) == pytest.approx(math.log(4))
    hedged = point_probabilities(np.array([Y, Y], dtype=np.int8), 0.3)  # 0.7 yes, 0.1 others
    assert brier(hedged, recorded) == pytest.approx((0.09 + 0.03 + (0.7**2 + 0.81 + 0.01 * 2)) / 2)


def test_switch_rate_counts_only_earlier_consecutive_records() -> None:
    scenario = scripted()
    assert switch_rate(scenario, "x", scenario.history[0].date) == 0.5  # nothing before R1
    assert switch_rate(scenario, "x", scenario.history[1].date) == 0.5  # one record: no pair
    # R1 -> R2: B (yes -> no) and C (yes -> abstain) change, 2 of 5: (2 + 1/2) / (5 + 1)
    assert switch_rate(scenario, "x", scenario.history[2].date) == pytest.approx(2.5 / 6)
    # an issue with no pair of its own takes the other issues' rate as its prior: (0 + 2.5/6) / 1
    assert switch_rate(scenario, "other", scenario.history[2].date) == pytest.approx(2.5 / 6)
    assert switch_rate(scenario, "other", scenario.history[1].date) == 0.5  # none anywhere


def test_reliability_bins_pool_states_and_votes() -> None:
    recorded = np.array([Y, N], dtype=np.int8)
    model = np.array([[0.0, 0.95, 0.05, 0.0], [0.0, 0.55, 0.0, 0.45]])
    forecast = Forecast("R", model=model, persistence=model, recorded=recorded)
    bins = reliability([forecast], "model")
    # bin 0: five zeros and 0.05 (none recorded except... the no of state 2 is 0.45, bin 4)
    assert bins == [
        (pytest.approx(0.05 / 5), 0.0, 5),
        (0.45, 1.0, 1),
        (0.55, 0.0, 1),
        (0.95, 1.0, 1),
    ]


def test_backtest_rows_carry_proper_scores() -> None:
    result = backtest(scripted(), cutoff=scripted().history[0].date, replicates=2)
    rows = {r["resolution"]: r for r in result.rows}
    # the model (no noise) votes S yes, T no, A yes, B no, C abstain every time: 2 of 5 wrong on
    # R1 (B, C; the cutoff's record, run with the scenario's weights), none on R2, so R2's
    # forecast is hedged by (2 + 1/2) / (5 + 1) = 5/12: 7/12 on its (right) vote, 5/36 elsewhere
    assert rows["R2"]["model_error"] == pytest.approx(5 / 12)
    assert rows["R2"]["brier_mean"] == pytest.approx((5 / 12) ** 2 + 3 * (5 / 36) ** 2)
    assert rows["R2"]["log_loss_mean"] == pytest.approx(-math.log(7 / 12))
    # the smoothed shares alone: 0.625 on the recorded vote in every state
    assert rows["R2"]["shares_brier"] == pytest.approx(0.375**2 + 3 * 0.125**2)
    assert rows["R2"]["shares_log_loss"] == pytest.approx(-math.log(0.625))
    # R3 pools R1 and R2: (2 + 0 + 1/2) / (10 + 1); right on S, T, B, wrong on A (no), C (absent)
    e = 2.5 / 11
    assert rows["R3"]["model_error"] == pytest.approx(e)
    assert rows["R3"]["brier_mean"] == pytest.approx(
        (3 * (4 / 3) * e**2 + 2 * ((1 - e) ** 2 + (1 - e / 3) ** 2 + 2 * (e / 3) ** 2)) / 5
    )
    assert rows["R3"]["log_loss_mean"] == pytest.approx(
        (3 * -math.log(1 - e) + 2 * -math.log(e / 3)) / 5
    )
    # persistence (R1's votes) with no earlier pair: switch 1/2, so 1/2 on the latest vote and
    # 1/6 elsewhere; right on S, T, A (Brier 1/4 + 3/36), wrong on B, C (Brier 1)
    assert rows["R2"]["persistence_switch"] == 0.5
    assert rows["R2"]["persistence_brier"] == pytest.approx((3 * (0.25 + 3 / 36) + 2 * 1.0) / 5)
    assert rows["R2"]["persistence_log_loss"] == pytest.approx(
        (3 * -math.log(0.5) + 2 * -math.log(1 / 6)) / 5
    )
    assert rows["R2"]["all_yes_brier"] == pytest.approx(2 * (1 - 2 / 5))
    assert rows["R3"]["persistence_switch"] == pytest.approx(2.5 / 6)
    assert [f.resolution for f in result.forecasts] == ["R2", "R3"]


def test_hedged_rows_sum_to_one_and_a_certain_forecast_gets_the_error_rate() -> None:
    rng = np.random.default_rng(5)
    shares = rng.dirichlet(np.ones(4), size=50)
    for error in (0.0, 0.1, 0.5, 0.75):
        p = hedged(shares, error)
        assert np.allclose(p.sum(axis=1), 1.0) and (p >= 0).all()
    runs = np.array([[Y, N, S], [Y, N, N]], dtype=np.int8)
    p = calibrated_probabilities(runs, 0.3)
    # raw shares (no pseudo-count): S all yes, T all no, A half abstain half no
    assert p[0].tolist() == pytest.approx([0.1, 0.7, 0.1, 0.1])
    assert p[1].tolist() == pytest.approx([0.1, 0.1, 0.1, 0.7])
    assert p[2].tolist() == pytest.approx([0.1, 0.1, 0.35 + 0.05, 0.35 + 0.05])
    # persistence's point forecast is the same rule applied to certain shares
    codes = np.array([Y, N, S], dtype=np.int8)
    assert np.array_equal(point_probabilities(codes, 0.3), hedged(np.eye(4)[codes], 0.3))


def test_a_proper_score_is_best_when_the_error_rate_is_the_true_one() -> None:
    # 100 states, the model certain of each; 20 are recorded otherwise (a true miss rate 0.2)
    codes = np.full(100, Y, dtype=np.int8)
    recorded = codes.copy()
    recorded[:20] = np.array([N, S, A, N] * 5, dtype=np.int8)
    grid = np.round(np.arange(0.01, 0.75, 0.01), 2)
    runs = codes[None, :]
    briers = [brier(calibrated_probabilities(runs, e), recorded) for e in grid]
    losses = [log_loss(calibrated_probabilities(runs, e), recorded) for e in grid]
    assert grid[int(np.argmin(briers))] == 0.2
    assert grid[int(np.argmin(losses))] == 0.2


def test_the_error_rate_counts_only_earlier_records_on_the_issue_chain() -> None:
    d1, d2, d3 = (dt.date.fromisoformat(d) for d in (D1, D2, D3))
    track = ErrorTrack()
    recorded = np.array([Y, N, N, N], dtype=np.int8)
    track.add(d1, "x", np.array([[Y, Y, N, N]], dtype=np.int8), recorded)
    assert track.rate(d1, "x") == 0.5  # nothing before: the prior, as the switch rate's
    assert track.rate(d2, "x") == smoothed_rate(1, 4) == pytest.approx(1.5 / 5)
    # two replicates missing 0 and 2 of 2 states: one miss on average
    track.add(d2, "x", np.array([[Y, N], [N, Y]], dtype=np.int8), np.array([Y, N], dtype=np.int8))
    assert track.rate(d2, "x") == pytest.approx(1.5 / 5)  # a record of the same day is not earlier
    assert track.rate(d3, "x") == pytest.approx(2.5 / 7)
    # another issue's misses are only the prior (worth one state) of a chain without that issue
    track.add(d1, "y", np.array([[Y, Y]], dtype=np.int8), np.array([N, N], dtype=np.int8))
    assert track.rate(d3, "x") == pytest.approx((2 + 2.5 / 3) / 7)
    assert track.rate(d2, "y") == pytest.approx((2 + 1.5 / 5) / 3)
    assert track.rate(d3, ("y", "x")) == pytest.approx(4.5 / 9)
    assert track.rate(d3, "z") == pytest.approx(smoothed_rate(4, 8))  # no data: the others'


def test_the_backtest_hedges_with_no_record_on_or_after_the_vote() -> None:
    scenario = scripted()
    cutoff = scenario.history[0].date
    result = backtest(scenario, cutoff=cutoff, replicates=2)
    # another record of R3 (the last vote) cannot move R2's forecast; another of R2 moves R3's
    records = copy.deepcopy(SCRIPTED["records"])
    records[2]["votes"] = {c: "yes" for c in records[2]["votes"]}  # type: ignore[index]
    later = backtest(scripted(records), cutoff=cutoff, replicates=2)
    assert np.array_equal(result.forecasts[0].model, later.forecasts[0].model)
    assert result.rows[1]["model_error"] == later.rows[1]["model_error"]
    records = copy.deepcopy(SCRIPTED["records"])
    records[1]["votes"] = {c: "yes" for c in records[1]["votes"]}  # type: ignore[index]
    own = backtest(scripted(records), cutoff=cutoff, replicates=2)
    assert own.rows[0]["model_error"] == result.rows[0]["model_error"]  # R2 cannot see itself
    assert own.rows[1]["model_error"] != result.rows[1]["model_error"]  # R3 sees R2


def test_walk_forward_trains_only_on_records_before_each_vote() -> None:
    scenario = scripted()
    assert [r.resolution for r in training_records(scenario, scenario.history[2].date)] == [
        "R1",
        "R2",
    ]
    bounds = {"domestic_weight": (0.0, 2.0), "abstention_band": (0.05, 1.0)}
    result = walk_forward(scenario, scenario.history[0].date, 2, 6, bounds=bounds)
    assert [r["trained_on"] for r in result.rows] == ["R1", "R1;R2"]
    # a different record of the vote predicted (R3) changes nothing that was fitted before it
    records = copy.deepcopy(SCRIPTED["records"])
    records[2]["votes"] = {c: "yes" for c in records[2]["votes"]}  # type: ignore[index]
    other = walk_forward(scripted(records), scenario.history[0].date, 2, 6, bounds=bounds)
    for row, changed in zip(result.rows, other.rows, strict=True):
        assert {k: v for k, v in row.items() if k.startswith("weight_")} == {
            k: v for k, v in changed.items() if k.startswith("weight_")
        }
        assert row["training_accuracy"] == changed["training_accuracy"]
        assert row["model_error"] == changed["model_error"]  # hedged with R1 (and R2) only
    assert result.rows[1]["accuracy_mean"] != other.rows[1]["accuracy_mean"]  # R3 is scored
    # R2's hedge is the miss rate of the starting weights' run on R1 (the cutoff's record)
    assert result.rows[0]["model_error"] == pytest.approx(2.5 / 6)


def test_backtest_walk_forward_cli(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = dated_world(
        SCRIPTED["countries"], THREE, {"domestic_weight": 1.0}, history=SCRIPTED["records"]
    )
    path = write_yaml(tmp_path / "s.yaml", data)
    out = tmp_path / "wf"
    argv = ["backtest", str(path), "--cutoff", D1, "--replicates", "2", "--out", str(out)]
    fit = ["--fit", "domestic_weight=0:2"]
    assert main([*argv, "--walk-forward", "4", *fit, "--json"]) == 0
    document = json.loads(capsys.readouterr().out)
    keys = {"brier_mean", "log_loss_mean", "persistence_brier", "persistence_log_loss"}
    keys |= {"model_error", "shares_brier", "shares_log_loss"}
    assert all(keys <= set(r) for r in document["rows"])
    assert [r["trained_on"] for r in document["rows"]] == ["R1", "R1;R2"]
    assert "walk-forward: domestic_weight" in document["weights"]
    assert {p.name for p in (out / "plots").glob("*.png")} == {"backtest.png", "reliability.png"}
    assert "Reliability" in (out / "report.html").read_text()
    assert main([*argv[:-1], str(tmp_path / "x"), *fit]) == 2
    assert "--fit needs --walk-forward" in capsys.readouterr().err
    both = ["--walk-forward", "2", "--calibrate", "2", "--out", str(tmp_path / "y")]
    assert main([*argv[:-2], *both]) == 2
    assert (document["rows"][0]["date"], document["rows"][1]["date"]) == (D2, D3)


def test_folds_deal_states_out_evenly() -> None:
    folds = fold_of_states(193, 5, seed=0)
    assert sorted(np.bincount(folds).tolist()) == [38, 38, 39, 39, 39]
    assert np.array_equal(folds, fold_of_states(193, 5, seed=0))
    assert not np.array_equal(folds, fold_of_states(193, 5, seed=1))


def test_cross_validation_never_fits_on_the_held_out_states() -> None:
    scenario = scripted()
    recorded = np.array([Y, N, Y, Y, Y], dtype=np.int8)  # S, T, A, B, C as recorded on R1
    bounds = {"domestic_weight": (0.0, 2.0), "abstention_band": (0.05, 1.0)}
    result = cross_validate(
        scenario, recorded, "R1", folds=2, budget=4, replicates=2, bounds=bounds
    )
    held = [s for fold in result.folds for s in fold.held_out]
    assert sorted(held) == ["A", "B", "C", "S", "T"]
    assert all(f.absence_habit in HABIT_CHOICES for f in result.folds)
    # flip the record of every state held out of fold 0: fold 0's fit cannot change
    flipped = recorded.copy()
    ids = [c.id for c in scenario.countries]
    for state in result.folds[0].held_out:
        flipped[ids.index(state)] = A
    other = cross_validate(scenario, flipped, "R1", folds=2, budget=4, replicates=2, bounds=bounds)
    assert other.folds[0].parameters == result.folds[0].parameters
    assert other.folds[0].training_accuracy == result.folds[0].training_accuracy
    assert other.folds[0].held_out_accuracy != result.folds[0].held_out_accuracy


def test_validate_cv_cli(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = dated_world(SCRIPTED["countries"], THREE, {"domestic_weight": 1.0}, history=[])
    path = write_yaml(tmp_path / "s.yaml", data)
    rec = tmp_path / "r.csv"
    rec.write_text(
        "resolution,date,iso3,vote\n"
        + "".join(f"R1,{D1},{c},{v}\n" for c, v in SCRIPTED["records"][0]["votes"].items())  # type: ignore[attr-defined]
    )
    argv = ["validate", str(path), "--record", str(rec), "--resolution", "R1"]
    cv = ["--cv", "2", "--budget", "3", "--replicates", "2", "--fit", "domestic_weight=0:2"]
    assert main([*argv, *cv, "--json"]) == 0
    document = json.loads(capsys.readouterr().out)
    assert len(document["folds"]) == 2 and document["budget_per_fit"] == 3
    assert 0.0 <= document["cv_accuracy_mean"] <= 1.0
    assert main([*argv, "--fit", "domestic_weight"]) == 2
    assert "--fit needs --cv" in capsys.readouterr().err
    assert main([*argv, "--cv", "1"]) == 2


def test_a_vote_sides_with_favours_or_alignment() -> None:
    # a text against the target (Russia): a debtor of the East repays by no or abstain
    assert [side(v, "east") for v in ("yes", "no", "abstain", "absent")] == [
        "alignment",
        "favours",
        "favours",
        "neither",
    ]
    assert [side(v, "west") for v in ("yes", "no", "abstain", "absent")] == [
        "favours",
        "alignment",
        "alignment",
        "neither",
    ]


def test_the_states_where_favours_and_alignment_disagree_in_un_2022() -> None:
    scenario = load_scenario(SCENARIOS_DIR / "un_2022.yaml", []).scenario
    found = {d.country: d for d in disagreements(scenario, dt.date(2022, 3, 2))}
    # the Wagner deployments are private military ties, not Russian rescues (SOURCES.md, favours
    # section 4): CAF owes Russia nothing, and Mali owes only France (Serval 2013)
    assert {c: (d.owes, d.aligned) for c, d in found.items()} == {
        "CYP": ("east", "west"),
        "SRB": ("east", "west"),
        "TCD": ("west", "east"),
        "IRQ": ("west", "east"),
        "MLI": ("west", "east"),
    }
    sides = Counter(s for d in found.values() for s in d.sides.values())
    assert sides == {"favours": 8, "alignment": 17}  # the finding README states
    assert found["TCD"].votes["A/RES/ES-11/5"] == "yes"
