"""Bad input to the ``world`` verbs and a built world's records index: exit 2, one line."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_worlds import DATE, _fixture

from sim.cli import main
from sim.empirical.world_build import build_world


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A built world (four states, one recorded vote) to point the verbs at."""
    root = tmp_path_factory.mktemp("world")
    out = root / "world"
    build_world(_fixture(root / "data"), DATE, out)
    return out


def _error(argv: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    code = main(argv)
    err = capsys.readouterr().err
    assert code == 2, err
    assert "Traceback" not in err
    lines = [line for line in err.splitlines() if "error:" in line]
    assert len(lines) == 1, err
    return lines[0]


@pytest.mark.parametrize(
    ("option", "value", "says"),
    [
        ("--seed", "-1", "--seed: must be at least 0, got -1"),
        ("--seed", str(2**63), "--seed: must be at most"),
        ("--budget", "1", "--budget: must be at least 2, got 1"),
        ("--budget", "100001", "--budget: must be at most 100000"),
        ("--replicates", "0", "--replicates: must be at least 1, got 0"),
        ("--replicates", "1001", "--replicates: must be at most 1000"),
        ("--budget", "x", "--budget: must be a whole number"),
    ],
)
def test_world_fit_refuses_out_of_range_options_in_one_line(
    built: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    option: str,
    value: str,
    says: str,
) -> None:
    target = tmp_path / "fitted.yaml"
    argv = ["world", "fit", str(built / "scenario.yaml"), "--out", str(target)]
    line = _error([*argv, "--budget", "2", "--replicates", "1", option, value], capsys)
    assert says in line, line
    assert not target.exists()


@pytest.mark.parametrize(
    ("value", "says"),
    [("0", "must be at least 1, got 0"), ("1001", "must be at most 1000"), ("-3", "at least 1")],
)
def test_world_score_bounds_its_seeds(
    built: Path, capsys: pytest.CaptureFixture[str], value: str, says: str
) -> None:
    line = _error(["world", "score", str(built / "scenario.yaml"), "--seeds", value], capsys)
    assert "--seeds" in line and says in line, line


def test_world_help_names_all_three_verbs(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--help"]) == 0
    top = " ".join(capsys.readouterr().out.split())
    assert "world build a dated world" in top and "or fit global weights to one" in top, top
    assert main(["world", "--help"]) == 0
    description = capsys.readouterr().out.split("positional arguments")[0]
    assert "fit a few global weights" in " ".join(description.split())
