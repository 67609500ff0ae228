"""validate's numbers on a hand-made record, calibrate on a synthetic world with known weights."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import yaml
from conftest import world, write_yaml

from sim.cli import main
from sim.common.measures import cohen_kappa
from sim.common.seeds import Seed, replicate_seeds
from sim.empirical.calibrate import calibrate, parse_bounds
from sim.empirical.records import read_record
from sim.empirical.validate import validate
from sim.model.votes import VOTE_WORDS
from sim.scenario.errors import ScenarioError
from sim.scenario.loading import load_scenario
from sim.scenario.schema import Parameters
from sim.scenario.synthetic import synthetic_scenario
from sim.scenario.world import run_scenario


def scripted() -> dict:
    # S sponsors, T is targeted; Y1, Y2 vote yes from opinion, N1 owes T (no), A1 abstains,
    # P is in arrears (absent). Noise off: the simulated votes are exactly these.
    return world(
        countries=[
            {"id": "S"},
            {"id": "T"},
            {"id": "Y1", "domestic_pressure": 1.0, "public_opinion": {"x": 0.9}},
            {"id": "Y2", "domestic_pressure": 1.0, "public_opinion": {"x": 0.9}},
            {"id": "N1"},
            {"id": "A1"},
            {"id": "P", "arrears": True},
        ],
        agenda=[{"id": "R", "round": 1, "target": "T", "sponsors": ["S"]}],
        parameters={"domestic_weight": 1.0, "quid_pro_quo_weight": 1.0},
        favours=[{"debtor": "N1", "creditor": "T", "amount": 2.0, "event": "veto"}],
    )


RECORD = "resolution,date,iso3,vote\n" + "".join(
    f"R,2000-01-01,{c},{v}\n"
    for c, v in [
        ("S", "yes"),
        ("T", "no"),
        ("Y1", "yes"),
        ("Y2", "abstain"),
        ("N1", "no"),
        ("A1", "absent"),
        ("P", "absent"),
    ]
)
# simulated: yes no yes yes no abstain absent -> misses: Y2 (abstain->yes), A1 (absent->abstain)


def test_validate_numbers_on_a_hand_made_record(tmp_path: Path) -> None:
    scenario_path = write_yaml(tmp_path / "s.yaml", scripted())
    (tmp_path / "record.csv").write_text(RECORD)
    scenario = load_scenario(scenario_path).scenario
    report = validate(scenario, tmp_path / "record.csv", "R")
    assert report.accuracy == pytest.approx(5 / 7)
    assert report.accuracy_merged == pytest.approx(6 / 7)  # A1 absent=abstain now matches
    # kappa by hand: po = 5/7; marginals sim (yes 3, no 2, abst 1, absent 1),
    # record (yes 2, no 2, abst 1, absent 2): pe = (3*2 + 2*2 + 1*1 + 1*2) / 49 = 13/49
    assert report.kappa == pytest.approx((5 / 7 - 13 / 49) / (1 - 13 / 49))
    assert report.baseline_accuracy == pytest.approx(2 / 7)
    assert report.confusion["abstain"] == {"absent": 0, "yes": 1, "abstain": 0, "no": 0}
    assert report.confusion["absent"] == {"absent": 1, "yes": 0, "abstain": 1, "no": 0}
    assert report.tally["simulated"] == {"absent": 1, "yes": 3, "abstain": 1, "no": 2}
    assert report.tally["recorded"] == {"absent": 2, "yes": 2, "abstain": 1, "no": 2}
    assert [(m.country, m.recorded, m.simulated) for m in report.misses] == [
        ("Y2", "abstain", "yes"),
        ("A1", "absent", "abstain"),
    ]
    assert report.misses[0].contributions["domestic"] == pytest.approx(0.9)


@pytest.mark.parametrize("weights", [None, "linear", "quadratic"])
def test_the_one_kappa_matches_scikit_learn(weights: str | None) -> None:
    from sklearn.metrics import cohen_kappa_score

    rng = np.random.default_rng(0)
    a, b = rng.integers(0, 4, 50), rng.integers(1, 4, 50)
    assert cohen_kappa(a, b, weights) == pytest.approx(cohen_kappa_score(a, b, weights=weights))


def test_validate_cli_json_and_text(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    scenario_path = write_yaml(tmp_path / "s.yaml", scripted())
    (tmp_path / "record.csv").write_text(RECORD)
    args = ["validate", str(scenario_path), "--record", str(tmp_path / "record.csv")]
    assert main([*args, "--resolution", "R", "--json", "--replicates", "3"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert list(report) == [  # the order of the dict the report was before it was typed
        *("accuracy", "accuracy_merged", "kappa", "absent_f1", "yes_f1", "abstain_f1", "no_f1"),
        *("sd", "baseline_accuracy", "baseline_vote", "confusion", "tally", "resolution"),
        *("record", "record_resolution", "record_date", "replicates", "seeds", "countries"),
        "misses",
    ]
    assert list(report["sd"]) == list(report)[:7]
    assert list(report["misses"][0]) == [
        *("country", "name", "recorded", "simulated", "score", "contributions"),
    ]
    assert report["seeds"][0] == {"entropy": 0, "spawn_key": []}
    assert [s["spawn_key"] for s in report["seeds"][1:]] == [[0], [1]]
    assert report["accuracy"] == pytest.approx(5 / 7)
    assert main([*args, "--resolution", "R"]) == 0
    text = capsys.readouterr().out
    rows = [line.split() for line in text.splitlines()]
    # the numbers of test_validate_numbers_on_a_hand_made_record, as printed
    # seed means +/- sd over the 10 default replicates; noise is off, so every sd is 0
    assert ["accuracy", "0.714", "+/-", "0.000"] in rows  # 5/7
    assert ["accuracy", "(absent=abstain)", "0.857", "+/-", "0.000"] in rows  # 6/7
    assert ["Cohen's", "kappa", "0.611", "+/-", "0.000"] in rows  # 22/36
    header = ["absent", "yes", "abstain", "no"]
    at = rows.index(header)
    # confusion rows (recorded) by columns (simulated): 5 on the diagonal, Y2 and A1 off it
    assert rows[at + 1 : at + 5] == [
        ["absent", "1", "0", "1", "0"],
        ["yes", "0", "2", "0", "0"],
        ["abstain", "0", "1", "0", "0"],
        ["no", "0", "0", "0", "2"],
    ]
    assert ["simulated", "1.0", "3.0", "1.0", "2.0"] in rows  # mean over replicates
    assert ["recorded", "2", "2", "1", "2"] in rows
    misses = [r[:4] for r in rows if r[:1] in (["Y2"], ["A1"])]
    assert misses == [["Y2", "abstain", "->", "yes"], ["A1", "absent", "->", "abstain"]]
    assert main([*args, "--resolution", "NOPE"]) == 2
    assert "--resolution: NOPE: not on the agenda (known: R)" in capsys.readouterr().err


def test_bad_records_are_clear_errors(tmp_path: Path) -> None:
    scenario = load_scenario(write_yaml(tmp_path / "s.yaml", scripted())).scenario
    head = "resolution,date,iso3,vote\n"
    cases = {
        head + "R,2000-01-01,S,yes\nR,2000-01-01,ZZ,no\n": "iso3: names no scenario country: 'ZZ'",
        head + "R,2000-01-01,S,maybe\n": "[0] (line 2).vote: must be one of yes, no, abstain",
        head + "R,2000-01-01,S,yes\nR,2000-01-01,S,no\n": "[1] (line 3).iso3: duplicate row for S",
        "resolution,date,code,vote\nR,2000-01-01,S,yes\n": "needs columns iso3 (or country)",
        head + "R,2000-01-01,S,yes\n": "no vote for 6 scenario countries: T, Y1",
        "iso3,vote\nS,yes\n": "needs columns resolution and date",
        head + "Q,2000-01-01,S,yes\n": "resolution: records Q, not R: give the record of R",
        head + "R,2000-01-01,S,yes\nR,2000-01-02,T,no\n": "must name the same resolution and date",
        head + "R,01/01/2000,S,yes\n": "date: must be an ISO date (YYYY-MM-DD), got '01/01/2000'",
    }
    for text, message in cases.items():
        (tmp_path / "r.csv").write_text(text)
        with pytest.raises(ScenarioError, match=None) as error:
            read_record(tmp_path / "r.csv", scenario, "R")
        assert message in str(error.value)


def test_replicate_seeds_start_with_the_scenario_seed() -> None:
    seeds = replicate_seeds(42, 3)
    assert seeds[0] == Seed(42, ())
    children = np.random.SeedSequence(42).spawn(2)
    assert seeds[1:] == [Seed(42, tuple(c.spawn_key)) for c in children]


TRUE = {"trade_weight": 1.2, "quid_pro_quo_weight": 0.8}


def synthetic_record(tmp_path: Path) -> tuple[object, Path]:
    base = synthetic_scenario(300, seed=11, rounds=1)
    truth = base.model_copy(
        update={"parameters": base.parameters.model_copy(update={**TRUE, "noise_sd": 0.0})}
    )
    model = run_scenario(truth, rng=0)
    votes = model.record.votes[0].votes
    path = tmp_path / "record.csv"
    resolution = truth.agenda[0].id
    lines = [
        "resolution,date,iso3,vote",
        *[
            f"{resolution},2000-01-01,{c},{VOTE_WORDS[v]}"
            for c, v in zip(model.world.ids, votes, strict=True)
        ],
    ]
    path.write_text("\n".join(lines) + "\n")
    bad = truth.model_copy(
        update={
            "parameters": truth.parameters.model_copy(
                update={"trade_weight": 2.9, "quid_pro_quo_weight": 0.05}
            )
        }
    )
    return bad, path


@pytest.mark.parametrize("method", ["compass", "evolution"])
def test_calibrate_recovers_known_weights_from_a_bad_start(tmp_path: Path, method: str) -> None:
    bad, record = synthetic_record(tmp_path)
    bounds = parse_bounds(["trade_weight=0:3", "quid_pro_quo_weight=0:3"])
    fit = calibrate(bad, record, "SYN-1", bounds=bounds, budget=120, seed=0, method=method)
    assert fit.start_score["accuracy"] < 0.9
    assert fit.score["accuracy"] >= 0.98
    assert fit.evaluations <= 120
    if method == "evolution":  # whole generations of 10 x 2 members, then the compass
        assert fit.evaluations > 100
        return
    # Stated tolerance: each recovered weight within 0.35 of the truth (votes are a step
    # function of the weights, so a band of weights reproduces the same roll call; the
    # evolution run above lands elsewhere on that plateau, at the same accuracy).
    for name, value in TRUE.items():
        assert abs(fit.parameters[name] - value) <= 0.35, (name, fit.parameters[name])


def test_calibrate_cli_writes_an_includable_parameters_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    scenario_path = write_yaml(tmp_path / "s.yaml", scripted())
    (tmp_path / "record.csv").write_text(RECORD)
    out = tmp_path / "fitted.yaml"
    args = [
        "calibrate",
        str(scenario_path),
        "--record",
        str(tmp_path / "record.csv"),
        "--resolution",
        "R",
    ]
    assert (
        main([*args, "--budget", "20", "--out", str(out), "--quiet", "--fit", "domestic_weight"])
        == 0
    )
    printed = capsys.readouterr().out.strip().splitlines()
    assert printed[-1] == str(out)
    fitted = yaml.safe_load(out.read_text())["parameters"]
    assert set(fitted) == set(Parameters.model_fields)  # complete: every global parameter
    assert fitted["quid_pro_quo_weight"] == 1.0  # the scenario's own value, not the default
    assert out.read_text().splitlines()[5].startswith("# score (mean over 3 seeds): accuracy")
    data = scripted()
    del data["parameters"]
    data["parameters_file"] = "fitted.yaml"
    included = load_scenario(write_yaml(tmp_path / "uses.yaml", data)).scenario
    assert included.parameters.model_dump() == Parameters.model_validate(fitted).model_dump()
    assert main([*args, "--budget", "5", "--out", str(out), "--quiet"]) == 2
    assert "exists (use --force" in capsys.readouterr().err
    assert main([*args, "--fit", "abstention_band=2:1", "--out", str(tmp_path / "x.yaml")]) == 2
    err = capsys.readouterr().err.strip()
    assert err == "error: --fit: abstention_band=2:1: need 0 <= LOW < HIGH"
    assert main([*args, "--fit", "colour", "--out", str(tmp_path / "x.yaml")]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("error: --fit: colour: not a numeric global parameter (")
    assert "domestic_weight" in err
    assert not (tmp_path / "x.yaml").exists()


def test_ablate_json_keeps_its_shape(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    scenario_path = write_yaml(tmp_path / "s.yaml", scripted())
    (tmp_path / "record.csv").write_text(RECORD)
    argv = ["ablate", str(scenario_path), "--record", str(tmp_path / "record.csv")]
    assert main([*argv, "--resolution", "R", "--replicates", "1", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert list(report) == ["resolution", "replicates", "full", "channels"]
    assert report["full"]["accuracy_mean"] == pytest.approx(5 / 7)
    domestic = next(row for row in report["channels"] if row["channel"] == "domestic")
    assert list(domestic) == ["channel", "accuracy_mean", "accuracy_sd", "difference", "changed"]
    assert domestic["changed"], "the scripted votes rest on domestic pressure"
    assert list(domestic["changed"][0]) == [
        *("country", "with", "without", "recorded", "pushed", "contribution"),
    ]
    assert main([*argv, "--resolution", "R", "--replicates", "1"]) == 0
    assert capsys.readouterr().out.startswith("R: leave one channel out, 1 replicate(s); ")


def start_above_the_bounds(tmp_path: Path) -> Path:
    """The scripted world with a domestic weight of 4.0, above its default bounds 0:3."""
    data = scripted()
    data["parameters"]["domestic_weight"] = 4.0
    (tmp_path / "record.csv").write_text(RECORD)
    return write_yaml(tmp_path / "s.yaml", data)


@pytest.mark.parametrize("budget", [2, 5, 30])
def test_calibrate_starts_from_the_scenario_and_never_ends_worse(
    tmp_path: Path, budget: int
) -> None:
    scenario = load_scenario(start_above_the_bounds(tmp_path)).scenario
    bounds = parse_bounds(["domestic_weight", "abstention_band"])
    fit = calibrate(scenario, tmp_path / "record.csv", "R", bounds=bounds, budget=budget)
    assert fit.start_parameters["domestic_weight"] == 4.0  # not clipped to 3.0
    assert fit.widened == {"domestic_weight": (0.0, 4.0)}
    start = validate(scenario, tmp_path / "record.csv", "R", replicates=3)
    assert fit.start_score["accuracy"] == start.accuracy
    assert (fit.score["accuracy"], fit.score["kappa"]) >= (
        fit.start_score["accuracy"],
        fit.start_score["kappa"],
    )
    if fit.score == fit.start_score:
        assert fit.parameters == fit.start_parameters


def test_the_written_file_scores_what_calibrate_reported(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    scenario_path = start_above_the_bounds(tmp_path)
    out = tmp_path / "fitted.yaml"
    argv = ["calibrate", str(scenario_path), "--record", str(tmp_path / "record.csv")]
    argv += ["--resolution", "R", "--budget", "25", "--out", str(out), "--quiet"]
    assert main([*argv, "--fit", "domestic_weight", "--fit", "abstention_band"]) == 0
    captured = capsys.readouterr()
    assert captured.err.splitlines() == [
        "note: domestic_weight: searched 0:4, widened to include the scenario's value 4"
    ]
    best = next(line for line in captured.out.splitlines() if line.startswith("best after"))
    data = yaml.safe_load(scenario_path.read_text())
    del data["parameters"]
    data["parameters_file"] = "fitted.yaml"
    uses = write_yaml(tmp_path / "uses.yaml", data)
    assert (
        main(
            [
                "validate",
                str(uses),
                "--record",
                str(tmp_path / "record.csv"),
                "--resolution",
                "R",
                "--replicates",
                "3",
                "--json",
            ]
        )
        == 0
    )
    report = json.loads(capsys.readouterr().out)
    assert f"accuracy {report['accuracy']:.3f}, kappa {report['kappa']:.3f}" in best
    header = out.read_text().splitlines()[5]
    assert header.endswith(f"accuracy {report['accuracy']:.4f}, kappa {report['kappa']:.4f}")
    # without --quiet the progress bar draws on stderr; stdout holds the results alone
    argv.remove("--quiet")
    assert main([*argv, "--fit", "domestic_weight", "--force"]) == 0
    assert capsys.readouterr().out.splitlines()[0].startswith("start: accuracy ")
