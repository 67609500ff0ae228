"""Messages a user reads on bad input: name what is wrong, suggest the fix, one line, exit 2."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
import yaml
from conftest import world

from sim.bundled import SCENARIOS_DIR
from sim.cli import main


def small() -> dict[str, object]:
    return world(
        countries=[{"id": "S"}, {"id": "T"}, {"id": "A"}],
        agenda=[{"id": "R", "round": 1, "target": "T", "sponsors": ["S"]}],
    )


def one_error(capsys: pytest.CaptureFixture[str], argv: list[str]) -> str:
    code = main(argv)
    err = capsys.readouterr().err
    assert code == 2, err
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: "), err
    assert "Traceback" not in err
    return lines[0]


def run_argv(path: Path) -> list[str]:
    return ["run", str(path), "--no-plots", "--out", str(path.parent / "out")]


@pytest.mark.parametrize(
    ("where", "typo", "message"),
    [
        ("agenda", "titel", "agenda[0].titel: unknown field; did you mean 'title'?"),
        (
            "parameters",
            "noise_sdd",
            "parameters.noise_sdd: unknown field; did you mean 'noise_sd'?",
        ),
    ],
)
def test_a_misspelt_field_is_named_with_the_close_match(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], where: str, typo: str, message: str
) -> None:
    data = small()
    if where == "agenda":
        item = data["agenda"][0]  # type: ignore[index]
        item[typo] = item.pop("title")
    else:
        data["parameters"][typo] = 0.1  # type: ignore[index]
    (tmp_path / "s.yaml").write_text(yaml.safe_dump(data))
    line = one_error(capsys, run_argv(tmp_path / "s.yaml"))
    assert line.endswith(message)  # the missing "title" is the same mistake: not counted
    assert "required field is missing" not in line


def test_no_pydantic_wording(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = small()
    data["issues"] = {"x": 3}
    (tmp_path / "s.yaml").write_text(yaml.safe_dump(data))
    line = one_error(capsys, run_argv(tmp_path / "s.yaml"))
    assert line.endswith("issues.x: must be a mapping of fields, got 3")


def test_a_bad_measure_shows_the_value_and_the_close_match(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sweep = {
        "name": "t",
        "scenario": str(SCENARIOS_DIR / "illustrative.yaml"),
        "parameters": {"parameters.trade_weight": {"values": [0, 1]}},
        "outcomes": [{"measure": "yes_shares", "resolution": "ES-11/1"}],
    }
    (tmp_path / "s.yaml").write_text(yaml.safe_dump(sweep))
    argv = ["sweep", str(tmp_path / "s.yaml"), "--out", str(tmp_path / "o"), "--quiet"]
    line = one_error(capsys, argv)
    assert "outcomes[0].measure: got 'yes_shares' (did you mean 'yes_share'?), which is " in line
    sweep["outcomes"] = [{"measur": "adopted", "resolution": "ES-11/1"}]
    (tmp_path / "s.yaml").write_text(yaml.safe_dump(sweep))
    line = one_error(capsys, argv)
    assert line.endswith("outcomes[0].measur: unknown field; did you mean 'measure'?")
    assert not (tmp_path / "o").exists()


def test_a_lone_surrogate_in_a_table_path_is_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = small()
    data["favours"] = "\ud800.csv"
    (tmp_path / "s.yaml").write_text(json.dumps(data))  # JSON is YAML; it escapes the surrogate
    line = one_error(capsys, run_argv(tmp_path / "s.yaml"))
    assert line.endswith("favours: '\\ud800.csv' is not a valid file name")


SWEEP = {
    "name": "t",
    "scenario": str(SCENARIOS_DIR / "illustrative.yaml"),
    "rounds": 1,
    "parameters": {"parameters.trade_weight": {"values": [0, 1]}},
    "outcomes": [{"measure": "yes_share", "resolution": "ES-11/1"}],
}


@pytest.fixture
def finished_sweep(tmp_path: Path) -> Path:
    (tmp_path / "s.yaml").write_text(yaml.safe_dump(SWEEP))
    out = tmp_path / "sweep"
    argv = ["sweep", str(tmp_path / "s.yaml"), "--out", str(out), "--quiet", "--no-report"]
    assert main([*argv, "--executor", "serial"]) == 0
    return out


def test_resuming_a_finished_sweep_with_a_corrupt_runs_table_is_one_line(
    finished_sweep: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (finished_sweep / "runs.parquet").write_bytes(b"not parquet")
    line = one_error(capsys, ["sweep", "--resume", str(finished_sweep), "--quiet"])
    assert "runs.parquet: not a readable Parquet file" in line


def test_plot_redraws_a_sweep_folder(
    finished_sweep: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    drawn = sorted(p.name for p in (finished_sweep / "plots").iterdir())
    for path in (finished_sweep / "plots").iterdir():
        path.unlink()
    capsys.readouterr()
    assert main(["plot", str(finished_sweep), "--quiet"]) == 0
    printed = capsys.readouterr().out.split()
    assert sorted(p.name for p in (finished_sweep / "plots").iterdir()) == drawn
    assert sorted(Path(p).name for p in printed) == [n for n in drawn if n != "plots.json"]
    line = one_error(capsys, ["plot", str(finished_sweep), "--svg"])
    assert line.endswith("sweep plots are drawn as PNG only; drop --svg")


def test_dask_without_the_extra_is_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "distributed", None)  # import distributed fails
    (tmp_path / "s.yaml").write_text(yaml.safe_dump(SWEEP))
    argv = ["sweep", str(tmp_path / "s.yaml"), "--out", str(tmp_path / "o"), "--quiet"]
    line = one_error(capsys, [*argv, "--executor", "dask"])
    assert line == (
        "error: --executor dask needs dask and distributed: pip install 'alliance-sim[dask]'"
    )
    assert not (tmp_path / "o").exists()
