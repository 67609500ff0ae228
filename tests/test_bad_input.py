"""Every bad-input case: exit code 2, one line naming file and field, nothing written."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from conftest import world, write_yaml

from sim.cli import main
from sim.scenario.errors import ScenarioError
from sim.scenario.loading import load_scenario


def valid() -> dict:
    return world(
        countries=[{"id": "S"}, {"id": "T"}, {"id": "A"}, {"id": "B"}],
        agenda=[{"id": "R", "round": 1, "target": "T", "sponsors": ["S"]}],
        ties={"trade": [{"country": "A", "partner": "S", "weight": 0.5}]},
    )


def run_bad(tmp_path: Path, scenario: Path, capsys: pytest.CaptureFixture[str], *extra: str) -> str:
    out = tmp_path / "out"
    code = main(["run", str(scenario), "--out", str(out), "--no-plots", *extra])
    captured = capsys.readouterr()
    assert code == 2
    assert not out.exists(), "nothing may be written on bad input"
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1, captured.err
    assert "Traceback" not in captured.err
    return lines[0]


def mutate(data: dict, path: tuple, value: object) -> dict:
    node = data
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value
    return data


@pytest.mark.parametrize(
    ("path", "value", "expected"),
    [
        (
            ("countries", 3, "domestic_pressure"),
            1.7,
            "countries[3].domestic_pressure: must be between 0 and 1, got 1.7",
        ),
        (("countries", 0, "colour"), "red", "countries[0].colour: unknown field"),
        (("countries", 1, "arrears"), "maybe", "countries[1].arrears: must be a valid boolean"),
        (
            ("countries", 2, "patron_budget"),
            -1,
            "countries[2].patron_budget: must be at least 0, got -1",
        ),
        (("rounds",), "many", "rounds: must be a valid integer"),
        (("reference_states",), ["S", "ZZZ"], "reference_states[1]: names no country: 'ZZZ'"),
        (("agenda", 0, "target"), "ZZZ", "agenda[0].target: names no country: 'ZZZ'"),
        (("agenda", 0, "sponsors"), ["S", "QQ"], "agenda[0].sponsors[1]: names no country: 'QQ'"),
        (("agenda", 0, "issue"), "climate", "agenda[0].issue: unknown issue 'climate' (known: x)"),
        (("agenda", 0, "salience"), 2, "agenda[0].salience: must be between 0 and 1, got 2"),
        (
            ("agenda", 0, "fixed_votes"),
            {"A": "maybe"},
            "agenda[0].fixed_votes: must be one of yes, no, abstain, absent, got 'maybe'",
        ),
        (("parameters", "trade_wieght"), 1.0, "parameters.trade_wieght: unknown field"),
        (
            ("parameters", "favour_decay"),
            1.5,
            "parameters.favour_decay: must be between 0 and 1, got 1.5",
        ),
        (("countries", 1, "id"), "S", "countries[1].id: duplicate country id 'S'"),
        (
            ("ties", "trade", 0, "partner"),
            "NOPE",
            "ties.trade[0].partner: names no country: 'NOPE'",
        ),
        (
            ("favours",),
            [{"debtor": "A", "creditor": "X1", "amount": 1, "event": "e"}],
            "favours[0].creditor: names no country: 'X1'",
        ),
        (("name",), None, "name: must be a valid string"),
    ],
)
def test_bad_scenario_values(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], path: tuple, value: object, expected: str
) -> None:
    scenario = write_yaml(tmp_path / "bad.yaml", mutate(valid(), path, value))
    line = run_bad(tmp_path, scenario, capsys)
    assert line.startswith(f"error: {scenario}: ")
    assert expected in line


def test_trade_shares_above_one(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = valid()
    data["ties"]["trade"].append({"country": "A", "partner": "T", "weight": 0.6})
    line = run_bad(tmp_path, write_yaml(tmp_path / "s.yaml", data), capsys)
    assert "ties.trade[1].weight: trade shares of A sum to 1.1, above 1" in line


def five_traders() -> dict:
    data = valid()
    data["countries"].append({"id": "C", "name": "C", "domestic_pressure": 0.0})
    data["ties"]["trade"] = []
    return data


@pytest.mark.parametrize(
    "shares",
    [
        # 0.2 + 0.4 + 0.3 + 0.1 is 1.0000000000000002 in floats: a row of shares that sums to
        # 1 on paper must not be rejected for a rounding error
        (0.2, 0.4, 0.3, 0.1),
        # exactly 1.0: the limit itself is allowed
        (0.5, 0.5),
        (0.25, 0.25, 0.5),
    ],
)
def test_trade_rows_summing_to_one_are_accepted(tmp_path: Path, shares: tuple[float, ...]) -> None:
    data = five_traders()
    partners = ["S", "T", "B", "C"]
    data["ties"]["trade"] = [
        {"country": "A", "partner": p, "weight": w} for p, w in zip(partners, shares, strict=False)
    ]
    total = 0.0
    for w in shares:
        total += w
    assert total == 1.0 or total == 1.0000000000000002
    loaded = load_scenario(write_yaml(tmp_path / "s.yaml", data)).scenario
    assert [t.weight for t in loaded.ties.table("trade")] == list(shares)


def test_trade_row_just_above_one_is_rejected(tmp_path: Path) -> None:
    # 0.5 + 0.5 + 2**-20: above 1 by far more than a rounding error
    data = five_traders()
    data["ties"]["trade"] = [
        {"country": "A", "partner": "S", "weight": 0.5},
        {"country": "A", "partner": "T", "weight": 0.5},
        {"country": "A", "partner": "B", "weight": 2.0**-20},
    ]
    with pytest.raises(ScenarioError, match=r"ties.trade\[2\].weight: trade shares of A sum to"):
        load_scenario(write_yaml(tmp_path / "s.yaml", data))


def test_missing_required_field(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = valid()
    del data["countries"][2]["domestic_pressure"]
    line = run_bad(tmp_path, write_yaml(tmp_path / "s.yaml", data), capsys)
    assert "countries[2].domestic_pressure: required field is missing" in line


def test_missing_scenario_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    line = run_bad(tmp_path, tmp_path / "nope.yaml", capsys)
    assert line == f"error: {tmp_path / 'nope.yaml'}: file not found"


def test_invalid_yaml_names_the_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    scenario = tmp_path / "broken.yaml"
    scenario.write_text("name: x\ncountries: [\n  {id: A\n")
    line = run_bad(tmp_path, scenario, capsys)
    assert line.startswith(f"error: {scenario}: invalid YAML: line ")


def test_unsafe_yaml_tags_are_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    scenario = tmp_path / "evil.yaml"
    scenario.write_text("name: !!python/object/apply:os.system ['touch pwned']\n")
    line = run_bad(tmp_path, scenario, capsys)
    assert "invalid YAML" in line
    assert not (tmp_path / "pwned").exists()


def test_top_level_must_be_a_mapping(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    scenario = tmp_path / "list.yaml"
    scenario.write_text("- 1\n- 2\n")
    assert run_bad(tmp_path, scenario, capsys).endswith("must be a mapping at the top level")


def test_missing_csv_table(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = valid()
    data["countries"] = "tables/countries.csv"
    line = run_bad(tmp_path, write_yaml(tmp_path / "s.yaml", data), capsys)
    assert line == f"error: {tmp_path / 'tables' / 'countries.csv'}: countries: file not found"


def test_bad_csv_row_names_the_csv_file_and_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = valid()
    (tmp_path / "c.csv").write_text(
        "id,name,domestic_pressure,opinion_x\nS,S,0.5,\nT,T,0.5,\nA,A,0.5,3\nB,B,0.1,\n"
    )
    data["countries"] = "c.csv"
    line = run_bad(tmp_path, write_yaml(tmp_path / "s.yaml", data), capsys)
    assert line == (
        f"error: {tmp_path / 'c.csv'}: countries[2].public_opinion.x (line 4): "
        "must be between -1 and 1, got 3"
    )


def test_unreadable_csv(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = valid()
    (tmp_path / "t.csv").write_bytes(b"country,partner,weight\n\xff\xfe,S,0.1\n")
    data["ties"]["trade"] = "t.csv"
    line = run_bad(tmp_path, write_yaml(tmp_path / "s.yaml", data), capsys)
    assert line.startswith(f"error: {tmp_path / 't.csv'}: ties.trade: cannot read CSV")


def test_parameters_file_conflict(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "p.yaml").write_text(yaml.safe_dump({"parameters": {"trade_weight": 2.0}}))
    data = valid()
    data["parameters_file"] = "p.yaml"
    data["parameters"]["trade_weight"] = 1.0
    line = run_bad(tmp_path, write_yaml(tmp_path / "s.yaml", data), capsys)
    assert "parameters.trade_weight: set both here and in p.yaml; keep one" in line


@pytest.mark.parametrize(
    ("override", "expected"),
    [
        (
            "countries.ZZZ.domestic_pressure=0.3",
            "error: --set: countries.ZZZ: no entry with id 'ZZZ'",
        ),
        ("parameters.trade_weight", "error: --set: parameters.trade_weight: expected PATH=VALUE"),
        ("parameters.trade_weight=-3", "parameters.trade_weight: must be at least 0, got -3"),
        (
            "countries.A.domestic_pressure=high",
            "error: --set: countries.A.domestic_pressure: must be a valid number",
        ),
    ],
)
def test_bad_overrides(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], override: str, expected: str
) -> None:
    scenario = write_yaml(tmp_path / "s.yaml", valid())
    assert expected in run_bad(tmp_path, scenario, capsys, "--set", override)


def test_bad_command_line_values_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["run", "--rounds", "0", "--out", str(tmp_path / "o")]) == 2
    assert "must be at least 1" in capsys.readouterr().err
    assert not (tmp_path / "o").exists()


def test_results_dir_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["plot", str(tmp_path)]) == 2
    assert (
        capsys.readouterr().err.strip()
        == f"error: {tmp_path}: not a results directory (no manifest.json)"
    )
    assert main(["explain", str(tmp_path / "none"), "--country", "A"]) == 2


@pytest.mark.parametrize("verb", ["validate", "ablate", "backtest", "calibrate"])
def test_seed_counts_and_budgets_are_bounded(
    verb: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # A million replicates would run for hours: refused before any work, in one line.
    record = ["--record", "r.csv", "--resolution", "X"] if verb != "backtest" else []
    args = [verb, "scenario.yaml", *record, "--replicates", "1001"]
    assert main(args) == 2
    err = capsys.readouterr().err
    assert "--replicates: must be at most 1000, got 1001" in err
    if verb in ("backtest", "calibrate"):
        flag = "--calibrate" if verb == "backtest" else "--budget"
        assert main([verb, "scenario.yaml", *record, flag, "100001"]) == 2
        assert f"{flag}: must be at most 100000" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("error", "line"),
    [
        (PermissionError(13, "Permission denied", "/srv/s.yaml"), "/srv/s.yaml: Permission denied"),
        (OSError(28, "No space left on device"), "No space left on device"),
        (RecursionError("maximum recursion depth exceeded"), "input nested too deeply"),
    ],
)
def test_an_os_or_recursion_error_inside_a_verb_is_one_line(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    error: Exception,
    line: str,
) -> None:
    """Both are Exceptions: main must handle them before the generic bad-input check."""
    import sim.scenario.loading

    def refuse(*args: object, **kwargs: object) -> None:
        raise error

    monkeypatch.setattr(sim.scenario.loading, "load_scenario", refuse)
    assert main(["scenarios"]) == 2
    captured = capsys.readouterr()
    assert captured.err == f"error: {line}\n"
    assert "Traceback" not in captured.err
