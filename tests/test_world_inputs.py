"""Bad input to the ``world`` verbs and a built world's records index: exit 2, one line."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from test_worlds import DATE, _fixture

from sim.cli import main
from sim.empirical.world_build import build_world
from sim.scenario.errors import ScenarioError
from sim.scenario.record_index import read_index


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


def _index(built: Path, tmp_path: Path, rewrite: Callable[[str], str]) -> Path:
    """A copy of the built world with its records/index.csv rewritten."""
    copy = tmp_path / "copy"
    shutil.copytree(built, copy)
    index = copy / "records" / "index.csv"
    index.write_text(rewrite(index.read_text()))
    return copy


def _first_file(text: str, name: str) -> str:
    """The index with its first row's ``file`` cell (the last column) replaced by ``name``."""
    head, first, *rest = text.splitlines()
    return "\n".join([head, first.rsplit(",", 1)[0] + "," + name, *rest]) + "\n"


@pytest.mark.parametrize(
    ("rewrite", "says"),
    [
        (lambda t: t.replace(",file", ",path"), "index.csv: file: no such column"),
        (lambda t: t.replace("symbol,", "sym,", 1), "index.csv: symbol: no such column"),
        (lambda t: t.replace(",title,", ",name,", 1), "index.csv: title: no such column"),
        (lambda t: _first_file(t, "../../../../etc/hostname"), "[0].file (line 2): must be"),
        (lambda t: _first_file(t, "/etc/hostname"), "[0].file (line 2): must be a file name"),
        (lambda t: _first_file(t, ".."), "[0].file (line 2): must be a file name"),
        (lambda t: _first_file(t, ""), "[0].file (line 2): empty"),
        (lambda t: "", "index.csv: symbol: no such column"),
        (lambda t: t + "\0", "index.csv: contains a NUL byte"),
    ],
)
def test_a_bad_records_index_is_one_line_naming_the_index_and_field(
    built: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    rewrite: Callable[[str], str],
    says: str,
) -> None:
    copy = _index(built, tmp_path, rewrite)
    line = _error(["world", "score", str(copy / "scenario.yaml"), "--seeds", "1"], capsys)
    assert says in line, line


def test_a_records_index_may_not_follow_a_link_out_of_its_folder(
    built: Path, tmp_path: Path
) -> None:
    secret = tmp_path / "secret.csv"
    secret.write_text("resolution,date,iso3,vote\nA/RES/74/1,2019-11-07,AAA,yes\n")
    copy = _index(built, tmp_path, lambda t: _first_file(t, "link.csv"))
    (copy / "records" / "link.csv").symlink_to(secret)
    with pytest.raises(ScenarioError, match=r"\[0\]\.file .*'link\.csv' leads outside records/"):
        read_index(copy / "records")
    (copy / "records" / "inside.csv").symlink_to(copy / "records" / "link.csv")
    with pytest.raises(ScenarioError, match="leads outside"):
        read_index(copy / "records")


def test_the_built_index_reads_as_before(built: Path) -> None:
    rows = read_index(built / "records")
    assert [(r["symbol"], r["title"], r["file"]) for r in rows] == [
        ("A/RES/74/1", "Nuclear", rows[0]["file"])
    ]
    assert (built / "records" / rows[0]["file"]).is_file()


def _no_fit(*args: object, **kwargs: object) -> None:
    raise AssertionError("the fit ran before --out was checked")


@pytest.mark.parametrize(
    ("out", "force", "says"),
    [
        ("fitted.yaml", False, "fitted.yaml: exists (use --force to replace it)"),
        ("missing/fitted.yaml", False, "missing: no such folder (create it first)"),
        ("missing/fitted.yaml", True, "missing: no such folder (create it first)"),
        ("folder", True, "folder: is a folder, not a file"),
        ("plain.txt/fitted.yaml", False, "plain.txt: is a file, not a folder"),
    ],
)
def test_world_fit_refuses_its_out_before_any_work(
    built: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    out: str,
    force: bool,
    says: str,
) -> None:
    monkeypatch.setattr("sim.empirical.session.fit_session", _no_fit)
    (tmp_path / "fitted.yaml").write_text("kept\n")
    (tmp_path / "folder").mkdir()
    (tmp_path / "plain.txt").write_text("kept\n")
    argv = ["world", "fit", str(built / "scenario.yaml"), "--out", str(tmp_path / out)]
    line = _error([*argv, "--budget", "2", *(["--force"] if force else [])], capsys)
    assert line.endswith(says), line
    assert str(tmp_path) in line  # the path as given
    assert not (tmp_path / "missing").exists()
    assert (tmp_path / "fitted.yaml").read_text() == (tmp_path / "plain.txt").read_text()


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write in any folder")
def test_world_fit_refuses_an_out_in_a_folder_it_cannot_write_before_any_work(
    built: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr("sim.empirical.session.fit_session", _no_fit)
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o555)
    argv = ["world", "fit", str(built / "scenario.yaml"), "--out", str(locked / "fitted.yaml")]
    assert _error(argv, capsys).endswith("locked: cannot write in this folder")


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The fixture datasets a world is built from."""
    return _fixture(tmp_path_factory.mktemp("data") / "data")


def _no_data(*args: object, **kwargs: object) -> None:
    raise AssertionError("the datasets were read before --out was checked")


BUILD = ["world", "build", "--date", DATE.isoformat()]

WORLD_BAD_INPUT = [
    # world build: the date, the data folder, the output folder
    (["world", "build", "--date", "2019-13-01"], "--date: not a date (YYYY-MM-DD): '2019-13-01'"),
    (["world", "build", "--date", "07/11/2019"], "--date: not a date (YYYY-MM-DD)"),
    (["world", "build", "--date", "1900-01-01"], "1900-01-01 is before the data"),
    (["world", "build", "--date", "2030-01-01"], "no recorded roll call on or after 2030-01-01"),
    ([*BUILD, "--data", "{tmp}/nowhere"], "nowhere: no data folder (give --data DIR)"),
    ([*BUILD, "--data", "{tmp}/plain.txt"], "plain.txt: no data folder (give --data DIR)"),
    ([*BUILD, "--out", "{tmp}/plain.txt"], "plain.txt: exists and is not a directory"),
    ([*BUILD, "--out", "{tmp}/full"], "full: directory exists and is not empty (use --force"),
    ([*BUILD, "--out", "{tmp}/plain.txt/w"], "plain.txt is a file, not a directory"),
    # world score: the folder, the seeds
    (["world", "score", "{world}", "--folder", "{tmp}/nowhere"], "nowhere: no such folder"),
    (["world", "score", "{world}", "--folder", "{tmp}/plain.txt"], "plain.txt: not a folder"),
    (["world", "score", "{world}", "--seeds", "x"], "--seeds: must be a whole number, got 'x'"),
    (["world", "score", "{world}", "--seeds", "1.5"], "--seeds: must be a whole number"),
    (["world", "score", "{tmp}/nowhere.yaml"], "nowhere.yaml: file not found"),
    # world fit: the weights and their bounds
    (["world", "fit", "{world}", "--fit", "nope"], "--fit: nope: not a numeric global"),
    (["world", "fit", "{world}", "--fit", "commitment_weight=1"], "bounds must be LOW:HIGH"),
    (["world", "fit", "{world}", "--fit", "commitment_weight=a:b"], "bounds must be LOW:HIGH"),
    (["world", "fit", "{world}", "--fit", "commitment_weight=2:1"], "need 0 <= LOW < HIGH"),
    (["world", "fit", "{world}", "--fit", "commitment_weight=0:inf"], "need 0 <= LOW < HIGH"),
    (
        ["world", "fit", "{world}", "--fit", "commitment_weight", "--fit", "commitment_weight=0:1"],
        "--fit: commitment_weight: is given twice",
    ),
    (["world", "fit", "{world}", "--folder", "{tmp}/nowhere"], "nowhere: no such folder"),
]


@pytest.mark.parametrize(
    ("argv", "says"), WORLD_BAD_INPUT, ids=[" ".join(argv[1:])[:50] for argv, _ in WORLD_BAD_INPUT]
)
def test_world_verbs_refuse_bad_input_in_one_line_before_any_work(
    built: Path,
    data: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    argv: list[str],
    says: str,
) -> None:
    (tmp_path / "plain.txt").write_text("kept\n")
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "kept.txt").write_text("kept\n")
    if "--out" in argv:  # a folder refused: before the datasets are read
        monkeypatch.setattr("sim.empirical.world_build.load_datasets", _no_data)
    monkeypatch.setattr("sim.empirical.session.fit_session", _no_fit)
    monkeypatch.setattr("sim.empirical.session.score_session", _no_fit)
    filled = [a.format(tmp=tmp_path, world=built / "scenario.yaml") for a in argv]
    if filled[1] == "build":
        filled += [] if "--data" in filled else ["--data", str(data)]
        filled += [] if "--out" in filled else ["--out", str(tmp_path / "new")]
    if filled[1] == "fit":
        filled += ["--out", str(tmp_path / "fitted.yaml"), "--budget", "2"]
    line = _error(filled, capsys)
    assert says in line, line
    assert not (tmp_path / "new").exists() and not (tmp_path / "fitted.yaml").exists()
    assert (tmp_path / "plain.txt").read_text() == "kept\n"
    assert [p.name for p in (tmp_path / "full").iterdir()] == ["kept.txt"]
