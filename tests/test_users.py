"""What a user sees (issue 19): recorded votes beside simulated ones, bundled names, CSV export,
the notebook API, and the note on debts quid pro quo ignores."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest

import sim
from sim.bundled import SCENARIOS_DIR, resolve_scenario, resolve_sweep
from sim.cli import EXIT_BAD_INPUT, EXIT_OK, main
from sim.common.tables import TABLES, load_run
from sim.output.explain import explain_votes
from sim.output.recorded import misses
from sim.output.report import write_report
from tests.conftest import world, write_yaml
from tests.test_report import Page


@pytest.fixture(scope="module")
def un_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("un") / "run"
    assert main(["run", "un_2022", "--rounds", "1", "--no-plots", "--out", str(out)]) == EXIT_OK
    return out


# --- 5. recorded beside simulated ------------------------------------------------------------


def test_run_stores_the_recorded_roll_call_of_its_resolutions(un_run: Path) -> None:
    recorded = pq.read_table(un_run / "recorded.parquet").to_pandas()
    assert list(recorded.columns) == ["resolution", "country", "vote"]
    assert set(recorded["resolution"]) == {"ES-11/1"} and len(recorded) == 193
    votes = dict(zip(recorded["country"], recorded["vote"], strict=True))
    # A/RES/ES-11/1: 141 / 5 / 35, 12 absent (scenarios/records/A_RES_ES-11_1.csv)
    assert pd.Series(votes).value_counts().to_dict() == {
        "yes": 141,
        "abstain": 35,
        "absent": 12,
        "no": 5,
    }
    assert votes["MNG"] == "abstain" and votes["PRK"] == "no"
    manifest = json.loads((un_run / "manifest.json").read_text())
    assert "recorded.parquet" in manifest["files"]


def test_a_world_without_records_has_an_empty_recorded_table(tmp_path: Path) -> None:
    out = tmp_path / "run"
    assert main(["run", "illustrative", "--no-plots", "--out", str(out)]) == EXIT_OK
    assert pq.read_table(out / "recorded.parquet").num_rows == 0
    assert "recorded: " not in explain_votes(load_run(out), "PRK")


def test_report_has_the_misses_and_the_recorded_figure(un_run: Path) -> None:
    page = Page(write_report(un_run).read_text(encoding="utf-8"))
    assert "Recorded against simulated votes" in [i["alt"] for i in page.images]
    agreement = page.tables["recorded-agreement"]
    assert agreement[0] == ["round", "resolution", "states", "same vote", "share"]
    assert agreement[1][:3] == ["1", "ES-11/1", "193"]
    missed = {row[2]: row for row in page.tables["misses-table"][1:]}
    assert missed["MNG"][4:6] == ["abstain", "no"]  # the example: recorded, simulated
    assert "PRK" not in missed and "CHN" not in missed
    right = int(agreement[1][3])
    assert len(missed) == 193 - right


def test_misses_are_exactly_the_votes_that_differ(un_run: Path) -> None:
    results = load_run(un_run)
    table = misses(results)
    simulated = results["votes"].set_index("country")["vote"]
    recorded = results["recorded"].set_index("country")["vote"]
    differ = sorted(simulated.index[simulated != recorded.reindex(simulated.index)])
    assert sorted(table["state"]) == differ


def test_explain_prints_the_recorded_vote(un_run: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["explain", str(un_run), "--country", "MNG", "--resolution", "ES-11/1"]) == 0
    out = capsys.readouterr().out
    assert "  vote: NO (" in out
    assert "  recorded: ABSTAIN (simulated NO: a miss)" in out
    assert main(["explain", str(un_run), "--country", "PRK", "--resolution", "ES-11/1"]) == 0
    assert "  recorded: NO (the same)" in capsys.readouterr().out


def test_decided_is_claimed_only_for_a_channel_pushing_toward_the_vote(un_run: Path) -> None:
    results = load_run(un_run)
    table = results["contributions"]
    # China abstains; the run names trade, which pushes toward yes: it held China back, it did
    # not decide an abstention
    text = explain_votes(results, "CHN", "ES-11/1")
    trade = next(line for line in text.splitlines() if line.lstrip().startswith("trade "))
    assert "held it in the band (strongest pull against its lean to NO)" in trade
    assert "decided" not in text
    for country in table["country"].unique()[:60]:
        for line in explain_votes(results, country, "ES-11/1").splitlines():
            if line.endswith("<- decided"):
                value = float(line.split()[1])
                row = table[(table["country"] == country)].iloc[0]
                assert row["vote"] in ("yes", "no"), (country, line)
                assert value * (1 if row["vote"] == "yes" else -1) > 0, (country, line)


# --- 13. quid pro quo and creditors that are no party -----------------------------------------


def _patron_shields_client(folder: Path) -> Path:
    data = world(
        [{"id": "PAT"}, {"id": "CLI"}, {"id": "TGT"}, {"id": "SPO"}],
        [{"id": "R1", "round": 1, "target": "TGT", "sponsors": ["SPO"]}],
        parameters={"quid_pro_quo_weight": 1.0},
        favours=[{"debtor": "CLI", "creditor": "PAT", "amount": 2.0, "event": "veto"}],
    )
    return write_yaml(folder / "patron.yaml", data)


def test_explain_says_when_quid_pro_quo_ignores_a_debt_to_a_non_party(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "run"
    scenario = _patron_shields_client(tmp_path)
    assert main(["run", str(scenario), "--no-plots", "--out", str(out)]) == EXIT_OK
    capsys.readouterr()
    contributions = load_run(out)["contributions"].set_index("country")
    assert contributions.loc["CLI", "quid_pro_quo"] == 0.0  # the debt to PAT counts nothing
    assert main(["explain", str(out), "--country", "CLI"]) == EXIT_OK
    text = capsys.readouterr().out
    assert (
        "  note: owes favours to PAT (2.00), none of them a party to R1 (target TGT; sponsors "
        "SPO); quid pro quo counts only debts to the target and sponsors, so these count "
        "nothing here"
    ) in text
    assert main(["explain", str(out), "--country", "PAT"]) == EXIT_OK
    assert "note:" not in capsys.readouterr().out  # PAT owes nobody


# --- 7. bundled scenarios and sweeps by name --------------------------------------------------


def test_bundled_names_resolve_and_paths_win(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    assert resolve_scenario("illustrative") == SCENARIOS_DIR / "illustrative.yaml"
    assert resolve_scenario("un_2022.yaml") == SCENARIOS_DIR / "un_2022.yaml"
    assert resolve_sweep("quick") == SCENARIOS_DIR / "sweeps" / "quick.yaml"
    assert resolve_scenario("nowhere") == Path("nowhere")  # not a name: left for the loader
    assert resolve_scenario("sub/illustrative") == Path("sub/illustrative")
    (tmp_path / "illustrative").write_text("mine")
    assert resolve_scenario("illustrative") == Path("illustrative")  # a local file wins


def test_run_and_sweep_take_bundled_names_from_anywhere(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    run_out, sweep_out = tmp_path / "r", tmp_path / "s"
    assert main(["run", "illustrative", "--no-plots", "--out", str(run_out)]) == EXIT_OK
    assert json.loads((run_out / "manifest.json").read_text())["scenario"]["name"] == (
        "illustrative"
    )
    argv = ["sweep", "quick", "--executor", "serial", "--quiet", "--no-report"]
    assert main([*argv, "--out", str(sweep_out)]) == EXIT_OK
    assert (sweep_out / "runs.parquet").exists()
    capsys.readouterr()
    assert main(["run", "no_such_world", "--no-plots"]) == EXIT_BAD_INPUT
    assert "no_such_world" in capsys.readouterr().err


def test_missing_viz_extra_names_the_install_for_wheel_users(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setitem(__import__("sys").modules, "sim.viz", None)  # as if solara were missing
    assert main(["viz"]) == EXIT_BAD_INPUT
    err = capsys.readouterr().err
    assert "pip install 'alliance-sim[viz]'" in err and "-e" not in err


def test_no_module_reads_the_preparation_data() -> None:
    package = Path(sim.__file__).parent
    for path in package.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        assert "derived/" not in text and "'derived'" not in text and '"derived"' not in text


# --- 9. export -----------------------------------------------------------------------------


def test_export_writes_every_table_of_a_run_as_csv(
    un_run: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "csv"
    assert main(["export", str(un_run), "--format", "csv", "--out", str(out)]) == EXIT_OK
    assert capsys.readouterr().out.strip() == str(out)
    names = {p.name for p in out.iterdir()}
    assert names == {f"{t}.csv" for t in (*TABLES, "recorded", "parties")}
    for table in (*TABLES, "recorded"):
        parquet = pq.read_table(un_run / f"{table}.parquet").to_pandas()
        csv = pd.read_csv(out / f"{table}.csv", keep_default_na=False, na_values=[""])
        assert list(csv.columns) == list(parquet.columns)
        pd.testing.assert_frame_equal(csv, parquet, check_dtype=False)  # floats round-trip
    # refuses to overwrite, then --force replaces it whole
    assert main(["export", str(un_run), "--out", str(out)]) == EXIT_BAD_INPUT
    assert str(out) in capsys.readouterr().err
    (out / "stray.txt").write_text("x")
    assert main(["export", str(un_run), "--out", str(out), "--force"]) == EXIT_OK
    assert not (out / "stray.txt").exists()
    assert [p.name for p in tmp_path.iterdir()] == ["csv"], "no staging folder left behind"


def test_export_default_folder_and_a_sweep(tmp_path: Path) -> None:
    sweep_out = tmp_path / "sweep"
    argv = ["sweep", "quick", "--executor", "serial", "--quiet", "--no-report"]
    assert main([*argv, "--out", str(sweep_out)]) == EXIT_OK
    assert main(["export", str(sweep_out)]) == EXIT_OK
    assert {p.name for p in (sweep_out / "csv").iterdir()} == {"runs.csv", "summary.csv"}
    runs = pd.read_csv(sweep_out / "csv" / "runs.csv")
    stored = pd.read_parquet(sweep_out / "runs.parquet")
    assert list(runs.columns) == list(stored.columns) and len(runs) == 36
    pd.testing.assert_series_equal(runs["run_id"], stored["run_id"], check_dtype=False)
    assert main(["export", str(tmp_path / "nothing")]) == EXIT_BAD_INPUT


# --- 8. notebook API -------------------------------------------------------------------------


def test_api_run_equals_the_command_line_and_writes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    res = sim.run("un_2022", seed=1, set={"parameters.trade_weight": 0}, rounds=1)
    assert isinstance(res, sim.RunResult) and res.path is None
    assert not any(tmp_path.iterdir()), "sim.run without out= writes nothing"
    out = tmp_path / "cli"
    argv = ["run", "un_2022", "--seed", "1", "--set", "parameters.trade_weight=0", "--rounds"]
    assert main([*argv, "1", "--no-plots", "--out", str(out)]) == EXIT_OK
    for name in (*TABLES, "recorded", "parties"):
        expected = pq.read_table(out / f"{name}.parquet").to_pandas()
        pd.testing.assert_frame_equal(res[name], expected, check_exact=True)
    assert res.manifest.parameters["trade_weight"] == 0
    assert res.tallies.equals(res["tallies"]) and res.votes.shape == (193, 4)
    assert "recorded: ABSTAIN" in res.explain("MNG", "ES-11/1")


def test_api_run_with_out_writes_and_load_reads_back(tmp_path: Path) -> None:
    res = sim.run("illustrative", seed=3, out=tmp_path / "r")
    assert res.path == tmp_path / "r" and (tmp_path / "r" / "votes.parquet").exists()
    again = sim.load(tmp_path / "r")
    assert isinstance(again, sim.RunResult)
    pd.testing.assert_frame_equal(again.votes, res.votes)
    assert "seed=3" in repr(again)


def test_api_sweep_and_load(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    sw = sim.sweep("quick", executor="serial")
    assert not any(tmp_path.iterdir()) and sw.path is None
    assert len(sw.runs) == 36 and sw.summary["point_id"].nunique() == 9
    kept = sim.sweep("quick", executor="serial", out=tmp_path / "s")
    loaded = sim.load(tmp_path / "s")
    assert isinstance(loaded, sim.SweepResult)
    outcomes = [c for c in sw.runs.columns if "[" in c or c == "favours_outstanding"]
    pd.testing.assert_frame_equal(sw.runs[outcomes], kept.runs[outcomes])
    pd.testing.assert_frame_equal(loaded.summary, kept.summary)


def test_api_bad_input_raises_the_one_line_error() -> None:
    from sim.scenario.errors import ScenarioError

    with pytest.raises(ScenarioError, match="trade_weight"):
        sim.run("illustrative", set={"parameters.trade_weight": -1})
    with pytest.raises(AttributeError):
        _ = sim.no_such_name  # type: ignore[attr-defined]
