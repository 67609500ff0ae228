"""Run-vs-run compare: a scripted counterfactual whose vote change and cause are known."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from conftest import world, write_yaml

from sim.cli import main


def quid_pro_quo_world(favours: list[dict]) -> dict:
    # D leans yes by public opinion (+0.36) but owes the target T 2 favour units (pull -0.96).
    return world(
        countries=[
            {"id": "S"},
            {"id": "T"},
            {"id": "D", "domestic_pressure": 0.6, "public_opinion": {"x": 0.6}},
            {"id": "E"},
        ],
        agenda=[{"id": "R", "round": 1, "target": "T", "sponsors": ["S"]}],
        parameters={"domestic_weight": 1.0, "quid_pro_quo_weight": 1.0},
        favours=favours,
    )


VETO = {"debtor": "D", "creditor": "T", "amount": 2.0, "event": "veto"}
AID = {"debtor": "E", "creditor": "S", "amount": 1.0, "event": "aid"}


def test_removing_a_favour_flips_the_debtor_and_blames_quid_pro_quo(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    a = write_yaml(tmp_path / "a.yaml", quid_pro_quo_world([VETO, AID]))
    b = write_yaml(tmp_path / "b.yaml", quid_pro_quo_world([AID]))  # the veto never happened
    for scenario, out in ((a, "run_a"), (b, "run_b")):
        assert main(["run", str(scenario), "--out", str(tmp_path / out), "--quiet"]) == 0
    capsys.readouterr()
    out = tmp_path / "cmp"
    code = main(["compare", str(tmp_path / "run_a"), str(tmp_path / "run_b"), "--out", str(out)])
    printed = capsys.readouterr().out
    assert code == 0
    changes = pd.read_parquet(out / "vote_changes.parquet")
    assert changes[["resolution", "country", "vote_a", "vote_b", "moved_by"]].to_dict(
        "records"
    ) == [
        {
            "resolution": "R",
            "country": "D",
            "vote_a": "no",
            "vote_b": "yes",
            "moved_by": "quid_pro_quo",
        }
    ]
    assert changes["shift"].item() > 0.9  # the -tanh(2) pull is gone
    assert (out / "plots" / "vote_changes.png").exists()
    report = (out / "report.html").read_text()
    assert "quid_pro_quo" in report and "Votes that changed" in report
    assert "quid_pro_quo" in printed and printed.strip().splitlines()[-1] == str(out)


def test_identical_runs_show_no_change(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    a = write_yaml(tmp_path / "a.yaml", quid_pro_quo_world([VETO, AID]))
    for out in ("run_a", "run_b"):
        assert main(["run", str(a), "--out", str(tmp_path / out), "--no-plots"]) == 0
    out = tmp_path / "cmp"
    assert (
        main(["compare", str(tmp_path / "run_a"), str(tmp_path / "run_b"), "--out", str(out)]) == 0
    )
    assert "no vote changed" in capsys.readouterr().out
    assert pd.read_parquet(out / "vote_changes.parquet").empty


def test_a_run_and_a_sweep_are_not_compared(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    a = write_yaml(tmp_path / "a.yaml", quid_pro_quo_world([VETO, AID]))
    assert main(["run", str(a), "--out", str(tmp_path / "run_a"), "--no-plots"]) == 0
    sweep = tmp_path / "sw"
    sweep.mkdir()
    (sweep / "manifest.json").write_text('{"kind": "sweep"}')
    capsys.readouterr()
    assert main(["compare", str(tmp_path / "run_a"), str(sweep)]) == 2
    assert "compare two runs or two sweeps" in capsys.readouterr().err


def test_runs_of_different_worlds_are_refused_unless_allowed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    a = write_yaml(tmp_path / "a.yaml", quid_pro_quo_world([VETO, AID]))
    smaller = quid_pro_quo_world([VETO])
    smaller["countries"] = [c for c in smaller["countries"] if c["id"] != "E"]
    b = write_yaml(tmp_path / "b.yaml", smaller)
    for scenario, out in ((a, "run_a"), (b, "run_b")):
        assert main(["run", str(scenario), "--out", str(tmp_path / out), "--no-plots"]) == 0
    capsys.readouterr()
    argv = ["compare", str(tmp_path / "run_a"), str(tmp_path / "run_b")]
    assert main([*argv, "--out", str(tmp_path / "cmp")]) == 2
    assert capsys.readouterr().err.splitlines() == [
        "error: the runs are of different worlds (A has 4 countries, B 3; only in A: E); "
        "pass --allow-different-worlds to compare them anyway"
    ]
    assert not (tmp_path / "cmp").exists()
    assert main([*argv, "--out", str(tmp_path / "cmp"), "--allow-different-worlds"]) == 0
