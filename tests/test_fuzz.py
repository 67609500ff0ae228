"""Fuzzing the input grammars: scenarios, sweeps and the command line never crash or blow up.

Hypothesis draws malformed scenarios, sweep files and argument lists; a corpus covers every
class the issue's fuzz found (deep nesting, alias bombs, devices, FIFOs, symlink loops, NUL
bytes, non-finite numbers, huge counts, files outside the scenario's folder). The promise: a
run either succeeds or exits 2 with one ``error:`` line of at most 300 characters, leaves
nothing in ``--out``, and never echoes a file's content. ``tools/fuzz.py`` runs the same
classes at scale in child processes under a memory limit and a timeout. A built world's
records index and the ``world fit`` options are drawn too.
"""

from __future__ import annotations

import copy
import json
import math
import os
import tempfile
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import world, write_yaml
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from sim.bundled import SCENARIOS_DIR
from sim.cli import main
from sim.common.inputs import InputError, load_yaml, read_bytes
from sim.experiments.spec import MAX_RUNS, load_sweep
from sim.scenario.errors import ScenarioError
from sim.scenario.loading import load_scenario
from sim.scenario.records import symbol_key
from sim.scenario.schema import Parameters
from sim.scenario.world import run_scenario

FUZZ = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def valid() -> dict[str, Any]:
    return world(
        countries=[{"id": "S"}, {"id": "T"}, {"id": "A"}, {"id": "B"}],
        agenda=[{"id": "R", "round": 1, "target": "T", "sponsors": ["S"]}],
        ties={"trade": [{"country": "A", "partner": "S", "weight": 0.5}]},
        favours=[{"debtor": "A", "creditor": "S", "amount": 0.5, "event": "e"}],
    )


def bad_line(tmp_path: Path, argv: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    """Run the CLI; it must exit 2 with one short error line and write nothing to out."""
    out = tmp_path / "out"
    code = main(argv)
    captured = capsys.readouterr()
    assert code == 2, captured.err
    assert "Traceback" not in captured.err
    lines = [line for line in captured.err.splitlines() if "error:" in line]
    assert len(lines) == 1, captured.err
    assert len(lines[0]) <= 300
    assert not (out.exists() and any(out.iterdir())), "nothing may be left in --out"
    return lines[0]


# ---- hypothesis: scenario grammar -------------------------------------------------------

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=30),
    st.sampled_from(["inf", "nan", "1e400", "-1e400", "", " ", "\0", "S", "T", "R", "x"]),
)
values = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3)
    ),
    max_leaves=8,
)
FIELDS = [
    ("name",),
    ("seed",),
    ("rounds",),
    ("reference_states",),
    ("reference_states", 1),
    ("issues",),
    ("parameters", "noise_sd"),
    ("parameters", "abstention_band"),
    ("parameters", "trade_weight"),
    ("parameters", "max_iterations"),
    ("parameters", "inducement_price"),
    ("countries", 0, "name"),
    ("countries", 1, "patron_budget"),
    ("countries", 2, "domestic_pressure"),
    ("countries", 3, "id"),
    ("ties", "trade", 0, "weight"),
    ("favours", 0, "amount"),
    ("favours", 0, "round"),
    ("agenda", 0, "round"),
    ("agenda", 0, "salience"),
    ("agenda", 0, "fixed_votes"),
    ("agenda", 0, "titel"),  # misspelt fields: named, with the close match
    ("parameters", "noise_sdd"),
    ("countries", 0, "domestic_presure"),
]


def _put(data: dict[str, Any], path: tuple[Any, ...], value: Any) -> None:
    """Set ``value`` at ``path``; skip a path an earlier change has already cut off."""
    node: Any = data
    try:
        for key in path[:-1]:
            node = node[key]
        node[path[-1]] = value
    except (KeyError, IndexError, TypeError):
        return


def _changed_beside_record(
    tmp_path: Path, data: dict[str, Any], changes: list[tuple[tuple[Any, ...], Any]], record: str
) -> Path | None:
    """Apply ``changes`` to ``data`` and write it as ``s.yaml`` beside ``rec.csv`` (``record``)
    in a fresh folder; return the YAML's path, or None if YAML or the file system cannot hold
    what hypothesis drew."""
    for path, value in changes:
        _put(data, path, copy.deepcopy(value))
    folder = Path(tempfile.mkdtemp(dir=tmp_path))
    try:
        (folder / "rec.csv").write_text(record)
        (folder / "s.yaml").write_text(yaml.safe_dump(data))
    except (yaml.YAMLError, UnicodeEncodeError, ValueError):
        return None
    return folder / "s.yaml"


def _finite(value: Any) -> bool:
    if isinstance(value, float):
        return math.isfinite(value)
    if isinstance(value, dict):
        return all(_finite(v) for v in value.values())
    if isinstance(value, (list, tuple)):
        return all(_finite(v) for v in value)
    return True


@FUZZ
@given(changes=st.lists(st.tuples(st.sampled_from(FIELDS), values), min_size=1, max_size=3))
def test_scenario_grammar(tmp_path: Path, changes: list[tuple[tuple[Any, ...], Any]]) -> None:
    data = valid()
    for path, value in changes:
        _put(data, path, copy.deepcopy(value))
    folder = Path(tempfile.mkdtemp(dir=tmp_path))
    try:
        text = yaml.safe_dump(data)
    except yaml.YAMLError:
        return
    (folder / "s.yaml").write_text(text)
    try:
        loaded = load_scenario(folder / "s.yaml")
    except ScenarioError as exc:
        assert len(str(exc)) <= 300
        return
    assert _finite(loaded.scenario.model_dump())
    assert loaded.scenario.reference_states[0] != loaded.scenario.reference_states[1]


# ---- hypothesis: the dated-history grammar ----------------------------------------------

RECORD_HEAD = "resolution,date,iso3,vote\n"


def valid_dated() -> dict[str, Any]:
    """A dated world with a record file as history, a suspension and a poll."""
    data = valid()
    data.pop("rounds")
    data["agenda"][0]["date"] = "2022-03-02"
    data["agenda"].append({"id": "Q", "date": "2022-04-07", "title": "q", "issue": "x"})
    data["favours"][0]["date"] = "2021-01-01"
    data["history"] = [{"record": "rec.csv", "issue": "x"}]
    data["suspensions"] = [{"country": "B", "start": "2021-01-01", "reason": "arrears"}]
    data["polls"] = [
        {"country": "A", "issue": "x", "value": 0.5, "fieldwork_end": "2022-01-01", "source": "p"}
    ]
    return data


RECORD_ROWS = "".join(f"A/RES/R,2022-03-02,{c},yes\n" for c in "STAB")
dates = st.one_of(
    st.dates().map(str),
    st.sampled_from(["2022-02-30", "0000-01-01", "99999-01-01", "yesterday", "", "2022-3-2"]),
    scalars,
)
cells = st.one_of(
    st.sampled_from(["A/RES/R", "A/RES/Q", "S", "T", "ZZZ", "yes", "no", "maybe", "", "\0"]),
    dates,
    st.text(max_size=12),
)
record_rows = st.lists(
    st.lists(cells, min_size=0, max_size=5).map(lambda row: ",".join(map(str, row))),
    max_size=5,
)
DATED_FIELDS = [
    ("history",),
    ("history", 0),
    ("history", 0, "record"),
    ("history", 0, "issue"),
    ("history", 1),
    ("suspensions",),
    ("suspensions", 0, "country"),
    ("suspensions", 0, "start"),
    ("suspensions", 0, "end"),
    ("suspensions", 0, "reason"),
    ("polls",),
    ("polls", 0, "value"),
    ("polls", 0, "issue"),
    ("polls", 0, "fieldwork_start"),
    ("polls", 0, "fieldwork_end"),
    ("agenda", 1, "date"),
    ("ties", "trade", 0, "date"),
    ("ties", "trade", 0, "until"),
]
history_entries = st.fixed_dictionaries(
    {},
    optional={
        "record": st.one_of(st.sampled_from(["rec.csv", "../rec.csv", "/dev/zero", "."]), scalars),
        "issue": st.one_of(st.just("x"), scalars),
        "resolution": st.one_of(st.just("R"), scalars),
        "date": dates,
        "votes": st.dictionaries(st.sampled_from(["S", "T", "a b", ""]), scalars, max_size=2),
    },
)


@FUZZ
@given(
    changes=st.lists(
        st.tuples(st.sampled_from(DATED_FIELDS), st.one_of(values, dates, history_entries)),
        max_size=3,
    ),
    header=st.sampled_from([RECORD_HEAD, "iso3,vote\n", "resolution,date,country,vote\n", ""]),
    rows=st.one_of(st.just(RECORD_ROWS), record_rows.map(lambda r: "\n".join(r) + "\n")),
)
def test_dated_history_grammar(
    tmp_path: Path, changes: list[tuple[tuple[Any, ...], Any]], header: str, rows: str
) -> None:
    """History, record files, suspensions, polls, tie dates: valid, or one short error."""
    data = valid_dated()
    path = _changed_beside_record(tmp_path, data, changes, header + rows)
    if path is None:
        return
    try:
        loaded = load_scenario(path)
    except ScenarioError as exc:
        assert len(str(exc)) <= 300
        assert "\n" not in str(exc)
        return
    scenario = loaded.scenario
    assert all(record.issue in scenario.issues for record in scenario.history)
    assert all(poll.issue in scenario.issues and -1 <= poll.value <= 1 for poll in scenario.polls)
    ids = {c.id for c in scenario.countries}
    assert all(
        s.country in ids and (s.end is None or s.end >= s.start) for s in scenario.suspensions
    )
    assert all(
        t.date is None or t.until is None or t.until > t.date for t in scenario.ties.table("trade")
    )


# ---- hypothesis: run --until, backtest and ablate arguments ------------------------------

empirical_argv = st.one_of(
    st.tuples(
        st.just("run"),
        st.lists(
            st.one_of(
                st.tuples(st.just("--until"), st.one_of(dates.map(str), st.text(max_size=12))),
                st.tuples(st.just("--rounds"), st.sampled_from(["1", "2", "0", "x"])),
            ),
            min_size=1,
            max_size=2,
        ),
    ),
    st.tuples(
        st.just("backtest"),
        st.lists(
            st.one_of(
                st.tuples(st.just("--cutoff"), st.one_of(dates.map(str), st.just("2022-03-01"))),
                st.tuples(st.just("--replicates"), st.sampled_from(["0", "-1", "1", "2", "x"])),
                st.tuples(st.just("--calibrate"), st.sampled_from(["0", "-2", "x", ""])),
                st.tuples(st.just("--out"), st.sampled_from([".", "", "/proc/x", "s.yaml/x"])),
            ),
            max_size=3,
        ),
    ),
    st.tuples(
        st.just("ablate"),
        st.lists(
            st.one_of(
                st.tuples(
                    st.just("--record"),
                    st.sampled_from(["rec.csv", "/dev/zero", "none.csv", ".", "a\0b"]),
                ),
                st.tuples(
                    st.just("--resolution"), st.sampled_from(["R", "A/RES/R", "Q", "NOPE", ""])
                ),
                st.tuples(st.just("--replicates"), st.sampled_from(["0", "1", "2", "x", "1e3"])),
            ),
            max_size=3,
        ),
    ),
)


@FUZZ
@given(command=empirical_argv)
def test_empirical_cli_grammar(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    command: tuple[str, list[tuple[str, str]]],
) -> None:
    """``run --until``, ``backtest`` and ``ablate``: exit 0, or 2 with one short error line."""
    folder = Path(tempfile.mkdtemp(dir=tmp_path))
    monkeypatch.chdir(folder)
    (folder / "rec.csv").write_text(RECORD_HEAD + RECORD_ROWS)
    write_yaml(folder / "s.yaml", valid_dated())
    verb, opts = command
    argv = [verb, "s.yaml"]
    defaults = {
        "run": ["--no-plots", "--out", "out"],
        "backtest": ["--out", "out", "--replicates", "1"],
        "ablate": ["--record", "rec.csv", "--resolution", "R", "--replicates", "1"],
    }[verb]
    given_flags = {flag for flag, _ in opts}
    for k in range(0, len(defaults), 2):
        if defaults[k] not in given_flags:
            argv += defaults[k : k + 2] if defaults[k] != "--no-plots" else [defaults[k]]
    if verb == "run" and "--no-plots" not in argv:
        argv.append("--no-plots")
    for flag, value in opts:
        argv += [flag, value]
    code = main(argv)
    captured = capsys.readouterr()
    assert code in (0, 2), captured.err
    assert "Traceback" not in captured.err
    if code == 2:
        lines = [line for line in captured.err.splitlines() if line.strip()]
        assert any(line.startswith(("error:", "usage:")) for line in lines), captured.err
        assert all(len(line) <= 300 for line in lines if "error:" in line)
        out = folder / "out"
        assert not (out.is_dir() and any(out.iterdir())), "nothing may be left in --out"


# ---- hypothesis: a built world's records index and the world verbs' options ---------------

SECRET = "SECRET-0f-another-folder"


def session_folder(root: Path, index: str | None = None) -> Path:
    """The dated world as a built world's folder: s.yaml, records/ (R and Q) and history/."""
    folder = Path(tempfile.mkdtemp(dir=root))
    (folder / "rec.csv").write_text(RECORD_HEAD + RECORD_ROWS)
    write_yaml(folder / "s.yaml", valid_dated())
    for name in ("records", "history"):
        (folder / name).mkdir()
    for item, day, vote in (("R", "2022-03-02", "yes"), ("Q", "2022-04-07", "no")):
        rows = "".join(f"A/RES/{item},{day},{c},{vote}\n" for c in "STAB")
        (folder / "records" / f"{item}.csv").write_text(RECORD_HEAD + rows)
    (folder / "records" / "index.csv").write_text(
        index if index is not None else "symbol,title,file\nR,r,R.csv\nQ,q,Q.csv\n"
    )
    (folder / "history" / "index.csv").write_text("symbol,title,file\n")
    (root / "outside.csv").write_text(f"{RECORD_HEAD}{SECRET},2022-03-02,S,yes\n")
    return folder


def _one_error_line(code: int, err: str) -> None:
    assert code in (0, 2), err
    assert "Traceback" not in err
    if code == 2:
        lines = [line for line in err.splitlines() if "error:" in line]
        assert len(lines) == 1 and len(lines[0]) <= 300, err


index_columns = st.one_of(
    st.permutations(["symbol", "title", "file", "rcid"]),
    st.lists(st.sampled_from(["symbol", "title", "file", "rcid", "date", "", "file"]), max_size=5),
)
index_files = st.one_of(
    st.sampled_from(
        [
            "R.csv",
            "Q.csv",
            "../outside.csv",
            "../../outside.csv",
            "/etc/hostname",
            "records/R.csv",
            "..",
            ".",
            "",
            "\\R.csv",
            "nope.csv",
            "index.csv",
            "link.csv",
        ]
    ),
    st.text(max_size=10),
)
BOTH = [("R", "r", "R.csv"), ("Q", "q", "Q.csv")]
any_rows = st.lists(
    st.tuples(st.sampled_from(["R", "Q", "A/RES/R", "", "Z"]), st.text(max_size=4), index_files),
    max_size=4,
)
index_rows = st.one_of(st.just(BOTH), any_rows.map(lambda rows: [*BOTH, *rows]), any_rows)


@FUZZ
@given(columns=index_columns, rows=index_rows, link=st.booleans())
def test_records_index_grammar(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    columns: list[str],
    rows: list[tuple[str, str, str]],
    link: bool,
) -> None:
    """A records index: exit 0, or 2 with one short line; never a file outside records/."""
    cells = {"symbol": 0, "title": 1, "file": 2}
    lines = [",".join(columns)]
    for row in rows:
        lines.append(",".join(_csv_cell(row[cells[c]]) if c in cells else "1" for c in columns))
    folder = session_folder(tmp_path, "\n".join(lines) + "\n")
    if link:
        (folder / "records" / "link.csv").symlink_to(tmp_path / "outside.csv")
    code = main(["world", "score", str(folder / "s.yaml"), "--seeds", "1"])
    captured = capsys.readouterr()
    _one_error_line(code, captured.err)
    assert SECRET not in captured.err + captured.out  # the outside file is never read


def _csv_cell(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


world_fit_options = st.lists(
    st.one_of(
        st.tuples(st.just("--seed"), st.sampled_from(["-1", "0", "7", str(2**63), "x", "1.5"])),
        st.tuples(st.just("--budget"), st.sampled_from(["-1", "0", "1", "2", "3", "100001"])),
        st.tuples(st.just("--replicates"), st.sampled_from(["0", "1", "2", "1001", "x"])),
        st.tuples(
            st.just("--fit"),
            st.sampled_from(
                [
                    "commitment_half_life",
                    "commitment_half_life=0:5",
                    "commitment_half_life=30:60",
                    "commitment_weight=0:1e300",
                    "expectation_weight=0:1",
                    "bloc_agreement=0.2:0.9",
                    "neutrality",
                    "absence_habit",
                    "max_iterations=1:5",
                    "nope",
                    "noise_sd=1:0",
                ]
            ),
        ),
    ),
    max_size=4,
)


@FUZZ
@given(options=world_fit_options)
def test_world_fit_options_grammar(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], options: list[tuple[str, str]]
) -> None:
    """``world fit``: exit 2 with one short line and nothing written, or a file that loads."""
    folder = session_folder(tmp_path)
    out = folder / "fitted.yaml"
    argv = ["world", "fit", str(folder / "s.yaml"), "--out", str(out)]
    flags = {flag for flag, _ in options}
    argv += [] if "--budget" in flags else ["--budget", "2"]
    argv += [] if "--replicates" in flags else ["--replicates", "1"]
    for flag, value in options:
        argv += [flag, value]
    code = main(argv)
    captured = capsys.readouterr()
    _one_error_line(code, captured.err)
    if code == 2:
        assert not out.exists()
        return
    fitted = yaml.safe_load(out.read_text())["parameters"]
    Parameters.model_validate(fitted)  # whatever the search tried, the loader takes


# ---- hypothesis: sweep grammar ----------------------------------------------------------

SWEEP = {
    "name": "fz",
    "scenario": str(SCENARIOS_DIR / "illustrative.yaml"),
    "parameters": {"parameters.trade_weight": {"values": [0.0, 1.0]}},
    "replicates": 1,
    "rounds": 1,
    "outcomes": [{"measure": "yes_share", "resolution": "ES-11/1"}],
}
axis = st.fixed_dictionaries(
    {},
    optional={
        "values": st.lists(scalars, min_size=0, max_size=4),
        "low": scalars,
        "high": scalars,
        "steps": st.one_of(st.integers(-5, 10**8), scalars),
    },
)
sweep_changes = st.fixed_dictionaries(
    {},
    optional={
        "seed": st.one_of(st.integers(-5, 2**70), scalars),
        "replicates": st.one_of(st.integers(-5, 10**9), scalars),
        "samples": st.one_of(st.integers(-5, 10**9), scalars),
        "rounds": st.one_of(st.integers(-5, 10**9), scalars),
        "design": st.sampled_from(["grid", "lhs", "sobol", "morris", "list", "magic"]),
        "parameters": st.dictionaries(
            st.sampled_from(
                ["parameters.trade_weight", "parameters.noise_sd", "name", "parameters.nope"]
            ),
            axis,
            max_size=2,
        ),
        "points": st.lists(
            st.dictionaries(
                st.sampled_from(["parameters.trade_weight", "parameters.noise_sd"]),
                scalars,
                max_size=2,
            ),
            max_size=3,
        ),
        "outcomes": st.lists(
            st.fixed_dictionaries(
                {"measure": st.sampled_from(["yes_share", "position", "agreement", "blocs"])},
                optional={
                    "resolution": st.sampled_from(["ES-11/1", "NOPE", ""]),
                    "country": st.sampled_from(["CHN", "XXX", "chn"]),
                    "reference": st.sampled_from(["USA", "ZZZ"]),
                },
            ),
            max_size=2,
        ),
        "name": st.sampled_from(["ok", "", "../../x", "a/b", "x" * 300]),
    },
)


@FUZZ
@given(changes=sweep_changes)
def test_sweep_grammar(tmp_path: Path, changes: dict[str, Any]) -> None:
    spec = {**copy.deepcopy(SWEEP), **changes}
    path = Path(tempfile.mkdtemp(dir=tmp_path)) / "w.yaml"
    try:
        path.write_text(yaml.safe_dump(spec))
    except yaml.YAMLError:
        return
    try:
        loaded = load_sweep(path)
    except ScenarioError as exc:
        assert len(str(exc)) <= 300
        return
    assert loaded.spec.design_size * loaded.spec.replicates <= MAX_RUNS
    assert 0 <= loaded.spec.seed < 2**63


# ---- hypothesis: command-line grammar ---------------------------------------------------

options = st.lists(
    st.one_of(
        st.tuples(st.just("--seed"), st.sampled_from(["-1", "0", "7", str(2**63), "x", "1e3"])),
        st.tuples(st.just("--rounds"), st.sampled_from(["0", "1", "1000000000", "-3", "two"])),
        st.tuples(st.just("--out"), st.sampled_from([".", "", "/proc/x", "afile/sub", "a\0b"])),
        st.tuples(
            st.just("--set"),
            st.sampled_from(
                [
                    "parameters.noise_sd=inf",
                    "parameters.noise_sd=.nan",
                    "rounds=1000000000",
                    "name=../../../../outside",
                    "countries.ZZZ.id=1",
                    "reference_states=[S, S]",
                    "x=" + "[" * 2000,
                ]
            ),
        ),
    ),
    min_size=1,
    max_size=3,
)


@FUZZ
@given(opts=options)
def test_cli_grammar(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    opts: list[tuple[str, str]],
) -> None:
    folder = Path(tempfile.mkdtemp(dir=tmp_path))
    monkeypatch.chdir(folder)
    (folder / "afile").write_text("x")
    scenario = write_yaml(folder / "s.yaml", valid())
    argv = ["run", str(scenario), "--no-plots"]
    if not any(flag == "--out" for flag, _ in opts):
        argv += ["--out", str(folder / "out")]
    for flag, value in opts:
        argv += [flag, value]
    code = main(argv)
    captured = capsys.readouterr()
    assert code in (0, 2)
    assert "Traceback" not in captured.err
    if code == 2:
        errors = [
            line for line in captured.err.splitlines() if line.startswith(("error:", "usage:"))
        ]
        assert errors and all(len(line) <= 300 for line in captured.err.splitlines())
    assert not (tmp_path.parent / "outside").exists()


# ---- the corpus: every class the issue's fuzz found -------------------------------------


def _scenario_with(tmp_path: Path, text_tail: str = "", **changes: Any) -> Path:
    data = valid()
    data.update(changes)
    path = tmp_path / "s.yaml"
    path.write_text(yaml.safe_dump(data) + text_tail)
    return path


def run_argv(scenario: Path | str, tmp_path: Path, *extra: str) -> list[str]:
    return ["run", str(scenario), "--out", str(tmp_path / "out"), "--no-plots", *extra]


CORPUS: dict[str, Any] = {
    "deep_list": lambda t: run_argv(_scenario_with(t, "description: " + "[" * 600 + "]" * 600), t),
    "deep_map": lambda t: run_argv(_scenario_with(t, "x: " + "{a: " * 5000 + "1" + "}" * 5000), t),
    "alias_bomb": lambda t: run_argv(_alias_bomb(t), t),
    "duplicate_key": lambda t: run_argv(_scenario_with(t, "name: again\n"), t),
    "dev_zero": lambda t: run_argv("/dev/zero", t),
    "dev_urandom": lambda t: run_argv("/dev/urandom", t),
    "fifo": lambda t: run_argv(_fifo(t / "p.yaml"), t),
    "symlink_loop": lambda t: run_argv(_loop(t), t),
    "nul_path": lambda t: run_argv(str(t / "a\0b.yaml"), t),
    "nul_table": lambda t: run_argv(_scenario_with(t, countries="c\0.csv"), t),
    "noise_inf": lambda t: run_argv(_scenario_with(t, "parameters: {noise_sd: .inf}\n"), t),
    "weight_1e400": lambda t: run_argv(
        _text_scenario(t, "trade_weight: 0.0", "trade_weight: 1.0e400"), t
    ),
    "band_nan": lambda t: run_argv(
        _text_scenario(t, "abstention_band: 0.2", "abstention_band: .nan"), t
    ),
    "budget_inf": lambda t: run_argv(
        _scenario_with(t, countries=_countries(patron_budget=".inf")), t
    ),
    "favour_inf": lambda t: run_argv(
        _scenario_with(
            t, favours=[{"debtor": "A", "creditor": "S", "amount": "1e400", "event": "e"}]
        ),
        t,
    ),
    "rounds_1e9": lambda t: run_argv(_scenario_with(t, rounds=10**9), t),
    "run_rounds_1e9": lambda t: run_argv(_scenario_with(t), t, "--rounds", "1000000000"),
    "seed_neg": lambda t: run_argv(_scenario_with(t), t, "--seed", "-1"),
    "identical_refs": lambda t: run_argv(_scenario_with(t, reference_states=["S", "S"]), t),
    "empty_name": lambda t: run_argv(_scenario_with(t, countries=_countries(name="")), t),
    "round_beyond_1e9": lambda t: run_argv(
        _scenario_with(t, agenda=[{"id": "R", "round": 10**9, "title": "r", "issue": "x"}]), t
    ),
    "outside_table": lambda t: run_argv(_scenario_with(t, countries="../../../../etc/passwd"), t),
    "absolute_table": lambda t: run_argv(_scenario_with(t, countries="/etc/hostname"), t),
    "proc_environ": lambda t: run_argv(_scenario_with(t, parameters_file="/proc/self/environ"), t),
    "table_dev_zero": lambda t: run_argv(_scenario_with(t, favours="/dev/zero"), t),
    "dup_header": lambda t: run_argv(_csv_scenario(t, "id,name,id\nS,s,S\nT,t,T\n"), t),
    "nul_cell": lambda t: run_argv(_csv_scenario(t, "id,name\nS,\0s\nT,t\nA,a\nB,b\n"), t),
    "out_dot": lambda t: ["run", str(_scenario_with(t)), "--out", ".", "--no-plots"],
    "out_parent_file": lambda t: ["run", str(_scenario_with(t)), "--out", str(_file(t) / "x")],
    "out_proc": lambda t: ["run", str(_scenario_with(t)), "--out", "/proc/self/x"],
    "out_dangling": lambda t: ["run", str(_scenario_with(t)), "--out", str(_dangling(t))],
    "huge_file": lambda t: run_argv(_huge(t), t),
    "poll_backwards": lambda t: run_argv(
        _dated_with(
            t,
            polls=[
                {
                    "country": "A",
                    "issue": "x",
                    "value": 0.5,
                    "fieldwork_start": "2022-02-01",
                    "fieldwork_end": "2022-01-01",
                    "source": "p",
                }
            ],
        ),
        t,
    ),
    "history_twice": lambda t: run_argv(
        _dated_with(t, history=[{"record": "rec.csv", "issue": "x"} for _ in range(2)]), t
    ),
    "record_dev_zero": lambda t: [
        "validate",
        str(_scenario_with(t)),
        "--record",
        "/dev/zero",
        "--resolution",
        "R",
    ],
}


def _dated_with(tmp_path: Path, **changes: Any) -> Path:
    (tmp_path / "rec.csv").write_text(RECORD_HEAD + RECORD_ROWS)
    data = valid_dated()
    data.update(changes)
    return write_yaml(tmp_path / "s.yaml", data)


def _alias_bomb(tmp_path: Path) -> Path:
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]" for i in range(1, 10)]
    path = tmp_path / "s.yaml"
    path.write_text("\n".join(lines) + "\n" + yaml.safe_dump(valid()))
    return path


def _text_scenario(tmp_path: Path, old: str, new: str) -> Path:
    path = write_yaml(tmp_path / "s.yaml", valid())
    text = path.read_text()
    assert old in text, text
    path.write_text(text.replace(old, new))
    return path


def _countries(**change: Any) -> list[dict[str, Any]]:
    countries = valid()["countries"]
    countries[1].update(change)
    return countries


def _csv_scenario(tmp_path: Path, csv_text: str) -> Path:
    (tmp_path / "c.csv").write_text(csv_text)
    return _scenario_with(tmp_path, countries="c.csv")


def _fifo(path: Path) -> Path:
    os.mkfifo(path)
    return path


def _loop(tmp_path: Path) -> Path:
    os.symlink(tmp_path / "b.yaml", tmp_path / "a.yaml")
    os.symlink(tmp_path / "a.yaml", tmp_path / "b.yaml")
    return tmp_path / "a.yaml"


def _file(tmp_path: Path) -> Path:
    (tmp_path / "afile").write_text("x")
    return tmp_path / "afile"


def _dangling(tmp_path: Path) -> Path:
    os.symlink(tmp_path / "nowhere", tmp_path / "dl")
    return tmp_path / "dl"


def _huge(tmp_path: Path) -> Path:
    path = tmp_path / "s.yaml"
    with path.open("w") as handle:
        handle.write(yaml.safe_dump(valid()))
        handle.write("description: '" + "x" * (17 * 1024 * 1024) + "'\n")
    return path


@pytest.mark.parametrize("case", sorted(CORPUS))
def test_corpus_rejected_in_one_line(
    case: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    line = bad_line(tmp_path, CORPUS[case](tmp_path), capsys)
    assert "Traceback" not in line


def test_outside_table_names_no_content(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    secret = tmp_path / "secret.csv"
    secret.write_text("id,name\nSECRET_TOKEN_123,x\n")
    inner = tmp_path / "scenario"
    inner.mkdir()
    os.symlink(secret, inner / "link.csv")
    scenario = _scenario_with(inner, countries="link.csv")
    line = bad_line(inner, run_argv(scenario, inner), capsys)
    assert "outside the scenario's folder" in line
    assert "SECRET_TOKEN_123" not in line


def test_allow_outside_lifts_the_confinement(tmp_path: Path) -> None:
    (tmp_path / "c.csv").write_text("id,name,domestic_pressure\nS,s,0\nT,t,0\nA,a,0\nB,b,0\n")
    inner = tmp_path / "scenario"
    inner.mkdir()
    scenario = _scenario_with(inner, countries="../c.csv")
    with pytest.raises(ScenarioError, match="outside"):
        load_scenario(scenario)
    assert len(load_scenario(scenario, allow_outside=True).scenario.countries) == 4


def test_bom_and_utf8_csv(tmp_path: Path) -> None:
    table = "\ufeffid,name,domestic_pressure\nS,s,0\nT,t,0\nA,a,0\nB,b,0\n"
    scenario = _csv_scenario(tmp_path, table)
    assert [c.id for c in load_scenario(scenario).scenario.countries] == ["S", "T", "A", "B"]


def test_default_output_stays_under_results(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import sim.bundled

    root = tmp_path / "deep" / "results"
    monkeypatch.setattr(sim.bundled, "RESULTS_ROOT", root)
    scenario = _scenario_with(tmp_path)
    code = main(["run", str(scenario), "--no-plots", "--set", "name=../../../../outside"])
    assert code == 0, capsys.readouterr().err
    written = Path(capsys.readouterr().out.strip().splitlines()[-1]).resolve()
    assert written.is_relative_to(root.resolve())
    assert not (tmp_path / "outside").exists()


def test_yaml_limits_directly() -> None:
    with pytest.raises(InputError, match="deeper"):
        load_yaml("[" * 200 + "]" * 200)
    with pytest.raises(InputError, match="duplicate key"):
        load_yaml("a: 1\nb: 2\na: 3\n")
    with pytest.raises(InputError, match="alias"):
        load_yaml("a: &a [1]\n" + "b: [" + ", ".join(["*a"] * 1500) + "]\n")
    assert load_yaml("a: &x {b: 1}\nc: *x\n") == {"a": {"b": 1}, "c": {"b": 1}}


def test_read_bytes_refuses_devices_and_large_files(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="not a regular file"):
        read_bytes(Path("/dev/zero"))
    big = tmp_path / "big"
    big.write_bytes(b"x" * 101)
    with pytest.raises(InputError, match="too large"):
        read_bytes(big, limit=100)


SWEEP_BAD = {
    "seed_2_63": {"seed": 2**63},
    "values_true": {"parameters": {"parameters.trade_weight": {"values": [True]}}},
    "values_1e308": {"parameters": {"parameters.trade_weight": {"values": [1e308]}}},
    "mixed_values": {"parameters": {"parameters.trade_weight": {"values": [0.5, "x", 1]}}},
    "no_steps": {"parameters": {"parameters.trade_weight": {"low": 0, "high": 1}}},
    "steps_huge": {
        "parameters": {"parameters.trade_weight": {"low": 0, "high": 1, "steps": 10**7}}
    },
    "samples_huge": {
        "design": "lhs",
        "samples": 10**7,
        "parameters": {"parameters.trade_weight": {"low": 0, "high": 1}},
    },
    "list_keys": {
        "design": "list",
        "points": [{"parameters.trade_weight": 1}, {"parameters.noise_sd": 0.1}],
    },
    "list_bad_point": {
        "design": "list",
        "points": [{"parameters.trade_weight": 1}, {"parameters.trade_weight": -1}],
    },
    "unknown_resolution": {"outcomes": [{"measure": "yes_share", "resolution": "NOPE"}]},
    "unknown_country": {
        "outcomes": [{"measure": "position", "resolution": "ES-11/1", "country": "XXX"}]
    },
    "unknown_reference": {
        "outcomes": [{"measure": "agreement", "country": "USA", "reference": "Z"}]
    },
    "not_a_scenario": {"scenario": "other.yaml"},
}


@pytest.mark.parametrize("case", sorted(SWEEP_BAD))
def test_sweep_corpus(case: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "other.yaml").write_text("name: x\nfoo: 1\n")
    spec = {**copy.deepcopy(SWEEP), **SWEEP_BAD[case]}
    (tmp_path / "w.yaml").write_text(yaml.safe_dump(spec))
    argv = ["sweep", str(tmp_path / "w.yaml"), "--out", str(tmp_path / "out"), "--quiet"]
    line = bad_line(tmp_path, [*argv, "--executor", "serial", "--no-report"], capsys)
    assert "w.yaml" in line


# ---- hypothesis: file names in a scenario (tables, parameters file) ----------------------

file_names = st.one_of(
    st.text(st.characters(codec=None, exclude_categories=()), max_size=8),  # lone surrogates too
    st.sampled_from(["\ud800", "\ud800.csv", "a\udcff.csv", "../x.csv", "", ".", "/dev/zero"]),
)


@FUZZ
@given(
    field=st.sampled_from(["countries", "favours", "agenda", "parameters_file"]),
    name=file_names,
)
def test_file_names_in_a_scenario(tmp_path: Path, field: str, name: str) -> None:
    """Any text naming a table or parameters file loads or gives one ScenarioError line."""
    data = valid()
    data[field] = name
    folder = Path(tempfile.mkdtemp(dir=tmp_path))
    (folder / "s.yaml").write_text(json.dumps(data))  # JSON escapes what YAML cannot hold
    try:
        load_scenario(folder / "s.yaml")
    except ScenarioError as exc:
        assert len(str(exc)) <= 300


# ---- hypothesis: precedents and inherited issues (issue 21) -----------------------------


def valid_precedented() -> dict[str, Any]:
    """The dated world with issue ``y`` inheriting ``x``; Q names the record of R."""
    data = valid_dated()
    data["issues"]["y"] = {"default_opinion": 0.0, "inherits": "x"}
    data["agenda"][1].update(issue="y", precedents=["A/RES/R"])
    return data


record_names = st.one_of(
    st.sampled_from(["A/RES/R", "R", "A/RES/Q", "Q", "NOPE", "A/RES/", "", " ", "\0", "a b"]),
    st.text(max_size=8),
)
precedent_lists = st.one_of(
    st.lists(record_names, max_size=3),
    st.lists(st.just("A/RES/R"), min_size=65, max_size=66),  # over MAX_PRECEDENTS
    scalars,
    values,
)
issue_names = st.one_of(st.sampled_from(["x", "y", "z", "", "X", "y "]), scalars)
PRECEDENT_FIELDS = {
    ("agenda", 0, "precedents"): precedent_lists,  # R: its own day's record is not before it
    ("agenda", 1, "precedents"): precedent_lists,
    ("agenda", 1, "precedents", 0): record_names,
    ("agenda", 1, "date"): dates,
    ("agenda", 1, "issue"): issue_names,
    ("issues", "x", "inherits"): issue_names,
    ("issues", "y", "inherits"): issue_names,
    ("history", 0, "issue"): issue_names,
}
precedent_changes = st.lists(
    st.sampled_from(sorted(PRECEDENT_FIELDS, key=str)).flatmap(
        lambda path: st.tuples(st.just(path), PRECEDENT_FIELDS[path])
    ),
    min_size=1,
    max_size=3,
)


@FUZZ
@given(changes=precedent_changes)
@example(changes=[(("agenda", 1, "precedents", 0), "R")])  # names the record A/RES/R
def test_precedents_and_inherits_grammar(
    tmp_path: Path, changes: list[tuple[tuple[Any, ...], Any]]
) -> None:
    """Bad precedents or inheritance: one short ScenarioError naming the field; else it runs."""
    data = valid_precedented()
    path = _changed_beside_record(tmp_path, data, changes, RECORD_HEAD + RECORD_ROWS)
    if path is None:
        return
    try:
        scenario = load_scenario(path).scenario
    except ScenarioError as exc:
        message = str(exc)
        assert len(message) <= 300 and "\n" not in message
        fields = {where[2] if where[0] == "agenda" else where[-1] for where, _ in changes}
        if fields == {"precedents"}:
            assert "precedents" in message, message
        if fields == {"inherits"}:
            assert "inherits" in message, message
        return
    history = {symbol_key(r.resolution): r.date for r in scenario.history}  # as the loader matches
    for item in scenario.agenda:
        dates = [history[symbol_key(p)] for p in item.precedents]
        assert all(d < item.date for d in dates if item.date is not None)
    for name in scenario.issues:
        seen = [name]
        while (parent := scenario.issues[seen[-1]].inherits) is not None:
            assert parent in scenario.issues and parent not in seen
            seen.append(parent)
    run_scenario(scenario, rng=0)  # what loads, runs


PRECEDENT_CORPUS: dict[str, tuple[Any, str]] = {
    "unknown_precedent": (
        lambda d: d["agenda"][1].update(precedents=["A/RES/NOPE"]),
        "agenda[1].precedents[0]",
    ),
    "precedent_of_the_same_day": (
        lambda d: d["agenda"][0].update(precedents=["A/RES/R"]),
        "agenda[0].precedents[0]",
    ),
    "precedent_of_an_undated_item": (
        lambda d: d["agenda"][1].update(date=None, round=2),
        "agenda",
    ),
    "precedent_not_a_list": (
        lambda d: d["agenda"][1].update(precedents={"a": 1}),
        "agenda[1].precedents",
    ),
    "too_many_precedents": (
        lambda d: d["agenda"][1].update(precedents=["A/RES/R"] * 65),
        "agenda[1].precedents",
    ),
    "inherits_unknown": (lambda d: d["issues"]["y"].update(inherits="z"), "issues.y.inherits"),
    "inherits_itself": (lambda d: d["issues"]["y"].update(inherits="y"), "issues.y.inherits"),
    "inherits_loop": (lambda d: d["issues"]["x"].update(inherits="y"), "inherits"),
    "inherits_not_a_name": (lambda d: d["issues"]["y"].update(inherits=[1]), "issues.y.inherits"),
}


@pytest.mark.parametrize("case", sorted(PRECEDENT_CORPUS))
def test_precedent_corpus_rejected_in_one_line_naming_the_field(
    case: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    change, field = PRECEDENT_CORPUS[case]
    data = valid_precedented()
    change(data)
    (tmp_path / "rec.csv").write_text(RECORD_HEAD + RECORD_ROWS)
    line = bad_line(tmp_path, run_argv(write_yaml(tmp_path / "s.yaml", data), tmp_path), capsys)
    assert field in line, line


def test_the_precedented_world_itself_runs(tmp_path: Path) -> None:
    (tmp_path / "rec.csv").write_text(RECORD_HEAD + RECORD_ROWS)
    scenario = load_scenario(write_yaml(tmp_path / "s.yaml", valid_precedented())).scenario
    assert scenario.agenda[1].precedents == ["A/RES/R"]
    assert scenario.issues["y"].inherits == "x"
    assert len(run_scenario(scenario, rng=0).record.votes) == 2
