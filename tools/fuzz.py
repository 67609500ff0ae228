"""Fuzz the command line with malformed scenarios, sweeps and arguments; tally what happens.

Usage::

    python tools/fuzz.py [--cases 1200] [--seed 0] [--timeout 30] [--memory-gib 3] [--json F]

Each case writes its inputs into a fresh folder and runs ``alliance-sim`` (``sim.cli.main``) in a
forked child process under a memory limit (``RLIMIT_AS``) and a timeout. The parent imports the
package once, so a case costs a fork, not an interpreter start. Each outcome is sorted into:

``accepted``      exit 0
``rejected``      exit 2 with one ``error:`` line of at most 300 characters (as promised)
``bad_message``   exit 2 but the message is not one short line
``accepted_bad``  exit 0 on an input that must be refused (``expect="reject"``)
``traceback``     an uncaught exception (any other exit, or a traceback on stderr)
``hang``          still running at the timeout (killed)
``blowup``        killed by the memory limit (MemoryError, or a signal)
``left_output``   a failed case that left files in its ``--out``

The acceptance bar is 0 ``traceback``, ``hang``, ``blowup``, ``accepted_bad`` and ``left_output``.
"""

from __future__ import annotations

import argparse
import contextlib
import copy
import json
import os
import random
import resource
import shutil
import signal
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("MPLBACKEND", "Agg")

import yaml

ROOT = Path(__file__).resolve().parents[1]
SCENARIOS = ROOT / "scenarios"

HOSTILE: list[Any] = [
    float("inf"),
    float("-inf"),
    float("nan"),
    "1e400",
    "-1e400",
    1e308,
    -1.0,
    -(10**30),
    10**30,
    2**63,
    10**9,
    True,
    False,
    None,
    "",
    " ",
    "x" * 5000,
    "\0",
    "a\0b",
    [],
    {},
    [[[[1]]]],
    {"a": {"b": 1}},
    0,
    1,
    0.5,
    "NaN",
    "inf",
    "../../../../etc/passwd",
    "/dev/zero",
]


@dataclass
class Case:
    """One fuzz case: a class label, what to expect, how to build it."""

    kind: str
    expect: str  # "reject" or "any"
    build: Callable[[Path], list[str]]  # writes inputs into a folder, returns argv
    note: str = ""
    out: str | None = None  # the --out folder (relative to the case folder) to check after
    extra: dict[str, Any] = field(default_factory=dict)


def _leaves(data: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    paths = [prefix] if prefix else []
    if isinstance(data, dict):
        for key, value in data.items():
            paths += _leaves(value, (*prefix, key))
    elif isinstance(data, list):
        for i, value in enumerate(data):
            paths += _leaves(value, (*prefix, i))
    return paths


def _set(data: Any, path: tuple[Any, ...], value: Any) -> None:
    for part in path[:-1]:
        data = data[part]
    data[path[-1]] = value


def _delete(data: Any, path: tuple[Any, ...]) -> None:
    for part in path[:-1]:
        data = data[part]
    del data[path[-1]]


def _dump(data: Any) -> str:
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True)


def _copy_scenario(name: str, folder: Path) -> tuple[Path, dict[str, Any]]:
    """Copy a bundled scenario (YAML and its table folder) into ``folder``."""
    source = SCENARIOS / f"{name}.yaml"
    tables = SCENARIOS / name
    if tables.is_dir():
        shutil.copytree(tables, folder / name)
    target = folder / f"{name}.yaml"
    data = yaml.safe_load(source.read_text(encoding="utf-8"))
    return target, data


def _run_args(scenario: Path | str, *more: str) -> list[str]:
    return ["run", str(scenario), "--out", "out", "--no-plots", *more]


# ---- scenario cases ---------------------------------------------------------------------


def scenario_mutation(rng: random.Random) -> Case:
    """Replace or delete 1-3 random fields of a bundled scenario with hostile values."""
    name = rng.choice(["illustrative", "synthetic"])
    ops = rng.randint(1, 3)
    plan = []
    for _ in range(ops):
        plan.append((rng.random(), rng.random(), rng.choice(HOSTILE), rng.random()))

    def build(folder: Path) -> list[str]:
        target, data = _copy_scenario(name, folder)
        leaves = _leaves(data)
        for pick, what, value, _ in plan:
            path = leaves[int(pick * len(leaves))]
            try:
                if what < 0.15:
                    _delete(data, path)
                else:
                    _set(data, path, copy.deepcopy(value))
            except (KeyError, IndexError, TypeError):
                pass
            leaves = _leaves(data) or leaves
        target.write_text(_dump(data), encoding="utf-8")
        return _run_args(target.name)

    return Case("scenario_field", "any", build, out="out")


NONFINITE = ["inf", "-inf", "nan", "1.0e400", "-1.0e400", "'1e400'", ".inf", ".nan"]
FLOAT_PATHS = [
    "parameters.noise_sd",
    "parameters.abstention_band",
    "parameters.trade_weight",
    "parameters.quid_pro_quo_weight",
    "parameters.inducement_price",
    "parameters.neutrality",
    "countries.0.patron_budget",
    "countries.1.domestic_pressure",
    "favours.0.amount",
    "agenda.0.salience",
]


def scenario_nonfinite(rng: random.Random) -> Case:
    """Put inf, NaN or 1e400 into a float parameter, weight, budget or favour amount."""
    path = rng.choice(FLOAT_PATHS)
    value = rng.choice(NONFINITE)

    def build(folder: Path) -> list[str]:
        target, data = _copy_scenario("illustrative", folder)
        node: Any = data
        parts = path.split(".")
        for part in parts[:-1]:
            node = node[int(part)] if isinstance(node, list) else node.setdefault(part, {})
        node[parts[-1]] = "__VALUE__"
        text = _dump(data).replace("'__VALUE__'", value)
        target.write_text(text, encoding="utf-8")
        return _run_args(target.name)

    return Case("nonfinite", "reject", build, note=f"{path}={value}", out="out")


def scenario_structure(rng: random.Random) -> Case:
    """Attack the YAML itself: nesting, aliases, duplicate keys, size, judgement calls."""
    kinds = [
        "deep_list",
        "deep_map",
        "alias_bomb",
        "duplicate_key",
        "bom",
        "empty",
        "binary",
        "huge",
        "scalar",
        "identical_refs",
        "empty_name",
        "round_beyond",
        "rounds_huge",
        "long_line",
        "python_tag",
    ]
    kind = rng.choice(kinds)
    depth = rng.choice([100, 600, 5000, 100000])
    expect = "any" if kind in ("bom", "round_beyond") else "reject"

    def build(folder: Path) -> list[str]:
        target, data = _copy_scenario("illustrative", folder)
        text = _dump(data)
        if kind == "deep_list":
            text += "description: " + "[" * depth + "]" * depth + "\n"
        elif kind == "deep_map":
            text += "description: " + "{a: " * depth + "1" + "}" * depth + "\n"
        elif kind == "alias_bomb":
            lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
            for i in range(1, 12):
                prev = f"*a{i - 1}"
                lines.append(f"a{i}: &a{i} [{', '.join([prev] * 10)}]")
            text = "\n".join(lines) + "\n" + text
        elif kind == "duplicate_key":
            text += "seed: 5\n"
        elif kind == "bom":
            text = "\ufeff" + text
        elif kind == "empty":
            text = ""
        elif kind == "binary":
            target.write_bytes(bytes(random.Random(depth).randrange(256) for _ in range(4096)))
            return _run_args(target.name)
        elif kind == "huge":
            text += "description: '" + "x" * (20 * 1024 * 1024) + "'\n"
        elif kind == "scalar":
            text = "just a string\n"
        elif kind == "identical_refs":
            data["reference_states"] = ["USA", "USA"]
            text = _dump(data)
        elif kind == "empty_name":
            data["countries"][0]["name"] = ""
            text = _dump(data)
        elif kind == "round_beyond":
            data["agenda"][0]["round"] = 99
            text = _dump(data)
        elif kind == "rounds_huge":
            data["rounds"] = rng.choice([10**9, 10**7, 10**5])
            text = _dump(data)
        elif kind == "long_line":
            data["countries"][0]["id"] = "Z" * 100000
            text = _dump(data)
        elif kind == "python_tag":
            text += "evil: !!python/object/apply:os.system ['echo hi']\n"
        target.write_text(text, encoding="utf-8")
        return _run_args(target.name)

    return Case(f"yaml_{kind}", expect, build, out="out")


def special_path(rng: random.Random) -> Case:
    """Give a device, FIFO, directory, symlink loop or NUL byte as the scenario path."""
    kinds = [
        "dev_zero",
        "dev_urandom",
        "fifo",
        "directory",
        "symlink_loop",
        "dangling",
        "nul",
        "missing",
        "proc_environ",
    ]
    kind = rng.choice(kinds)

    def build(folder: Path) -> list[str]:
        if kind == "dev_zero":
            return _run_args("/dev/zero")
        if kind == "dev_urandom":
            return _run_args("/dev/urandom")
        if kind == "fifo":
            os.mkfifo(folder / "pipe.yaml")
            return _run_args("pipe.yaml")
        if kind == "directory":
            (folder / "d.yaml").mkdir()
            return _run_args("d.yaml")
        if kind == "symlink_loop":
            os.symlink("b.yaml", folder / "a.yaml")
            os.symlink("a.yaml", folder / "b.yaml")
            return _run_args("a.yaml")
        if kind == "dangling":
            os.symlink("nowhere.yaml", folder / "s.yaml")
            return _run_args("s.yaml")
        if kind == "nul":
            return _run_args("a\0b.yaml")
        if kind == "missing":
            return _run_args("missing.yaml")
        return _run_args("/proc/self/environ")

    return Case(f"path_{kind}", "reject", build, out="out")


def table_case(rng: random.Random) -> Case:
    """Point a table or parameters_file outside the folder, at devices; break the CSV."""
    kinds = [
        "etc_passwd",
        "absolute",
        "proc_environ",
        "dev_zero",
        "fifo",
        "symlink_out",
        "dup_header",
        "bom",
        "extra_cells",
        "nul_cell",
        "huge_cell",
        "empty_header",
        "params_outside",
        "params_dev_zero",
        "nul_path",
        "secret",
    ]
    kind = rng.choice(kinds)
    expect = "any" if kind == "bom" else "reject"

    def build(folder: Path) -> list[str]:
        target, data = _copy_scenario("synthetic", folder)
        csv = folder / "synthetic" / "countries.csv"
        if kind == "etc_passwd":
            data["countries"] = "../../../../../../etc/passwd"
        elif kind == "absolute":
            data["countries"] = "/etc/hostname"
        elif kind == "proc_environ":
            data["countries"] = "/proc/self/environ"
        elif kind == "dev_zero":
            data["favours"] = "/dev/zero"
        elif kind == "fifo":
            os.mkfifo(folder / "synthetic" / "pipe.csv")
            data["favours"] = "synthetic/pipe.csv"
        elif kind == "symlink_out":
            secret = folder.parent / f"{folder.name}-secret.csv"
            secret.write_text("id,name\nSECRET_TOKEN_123,x\n")
            os.symlink(secret, folder / "synthetic" / "link.csv")
            data["countries"] = "synthetic/link.csv"
        elif kind == "secret":
            (folder / "synthetic" / "agenda.csv").write_text(
                "id,round,title,issue\nr1,1,t,SECRET_TOKEN_123\n"
            )
        elif kind == "dup_header":
            lines = csv.read_text().splitlines()
            head = lines[0].split(",")
            lines[0] = ",".join([*head, head[1]])
            lines[1:] = [line + ",x" for line in lines[1:]]
            csv.write_text("\n".join(lines) + "\n")
        elif kind == "bom":
            csv.write_text("\ufeff" + csv.read_text())
        elif kind == "extra_cells":
            lines = csv.read_text().splitlines()
            lines[3] += ",1,2,3"
            csv.write_text("\n".join(lines) + "\n")
        elif kind == "nul_cell":
            lines = csv.read_text().splitlines()
            lines[2] = lines[2].replace(",", ",\0", 1)
            csv.write_text("\n".join(lines) + "\n")
        elif kind == "huge_cell":
            lines = csv.read_text().splitlines()
            lines[2] = lines[2] + "x" * 200000
            csv.write_text("\n".join(lines) + "\n")
        elif kind == "empty_header":
            lines = csv.read_text().splitlines()
            lines[0] = lines[0] + ","
            csv.write_text("\n".join(lines) + "\n")
        elif kind == "params_outside":
            data["parameters_file"] = "../../../../../../etc/passwd"
        elif kind == "params_dev_zero":
            data["parameters_file"] = "/dev/zero"
        elif kind == "nul_path":
            data["agenda"] = "synthetic/agenda\0.csv"
        target.write_text(_dump(data), encoding="utf-8")
        return _run_args(target.name)

    return Case(f"table_{kind}", expect, build, out="out")


SET_PATHS = [
    "parameters.trade_weight",
    "parameters.noise_sd",
    "parameters.max_iterations",
    "countries.CHN.domestic_pressure",
    "countries.prk.domestic_pressure",
    "agenda.ES-11/1.salience",
    "name",
    "rounds",
    "seed",
    "reference_states",
    "countries",
    "a.b.c.d",
    "countries.999.id",
    "",
]
SET_VALUES = [
    "1.7",
    "-1",
    "inf",
    ".inf",
    "1e400",
    "nan",
    "true",
    "[1, 2]",
    "{a: 1}",
    "../../../../outside",
    "10000000",
    "2**63",
    "9223372036854775808",
    "",
    "'x'",
    "[[[[[[[[[[]]]]]]]]]]",
    "&a [*a]",
]


def set_case(rng: random.Random) -> Case:
    """Apply hostile ``--set`` overrides."""
    sets = [f"{rng.choice(SET_PATHS)}={rng.choice(SET_VALUES)}" for _ in range(rng.randint(1, 2))]

    def build(folder: Path) -> list[str]:
        target, data = _copy_scenario("illustrative", folder)
        target.write_text(_dump(data), encoding="utf-8")
        argv = _run_args(target.name)
        for text in sets:
            argv += ["--set", text]
        return argv

    return Case("set_override", "any", build, note=" ".join(sets), out="out")


# ---- dated-history cases ----------------------------------------------------------------

RECORDS = ("A_RES_68_262.csv", "A_RES_ES-11_1.csv")


def _dated_scenario(folder: Path) -> tuple[Path, dict[str, Any]]:
    """Copy the illustrative world, dated, with two records as history, a suspension, a poll."""
    target, data = _copy_scenario("illustrative", folder)
    data["agenda"][2]["date"] = "2022-06-01"
    (folder / "records").mkdir()
    for name in RECORDS:
        shutil.copy(SCENARIOS / "records" / name, folder / "records" / name)
    data["history"] = [
        {"record": "records/A_RES_68_262.csv", "issue": "sovereignty"},
        {"record": "records/A_RES_ES-11_1.csv", "issue": "sovereignty"},
    ]
    data["suspensions"] = [
        {"country": "VEN", "start": "2021-01-01", "end": "2022-12-31", "reason": "arrears"}
    ]
    data["polls"] = [
        {
            "country": "DEU",
            "issue": "sovereignty",
            "value": 0.7,
            "fieldwork_end": "2022-02-20",
            "source": "a poll",
        }
    ]
    return target, data


def _record_text(folder: Path) -> str:
    return (folder / "records" / "A_RES_ES-11_1.csv").read_text()


def _edit_record(folder: Path, kind: str) -> None:
    """Break the ES-11/1 record file in one way (``kind``)."""
    path = folder / "records" / "A_RES_ES-11_1.csv"
    lines = _record_text(folder).splitlines()
    if kind == "empty":
        lines = []
    elif kind == "header_only":
        lines = lines[:1]
    elif kind == "no_vote_column":
        lines = [",".join(line.split(",")[:4]) for line in lines]
    elif kind == "no_date_column":
        lines = [",".join(line.split(",")[0:1] + line.split(",")[2:]) for line in lines]
    elif kind == "mixed_resolution":
        lines[3] = lines[3].replace("A/RES/ES-11/1", "A/RES/ES-11/2")
    elif kind == "mixed_date":
        lines[3] = lines[3].replace("2022-03-02", "2022-03-03")
    elif kind == "bad_date":
        lines[1:] = [line.replace("2022-03-02", "2022-02-30") for line in lines[1:]]
    elif kind == "bad_vote":
        lines[2] = lines[2].rsplit(",", 1)[0] + ",maybe"
    elif kind == "duplicate_row":
        lines.append(lines[1])
    elif kind == "empty_country":
        cells = lines[2].split(",")
        cells[2] = ""
        lines[2] = ",".join(cells)
    elif kind == "bad_country":
        cells = lines[2].split(",")
        cells[2] = "X Y!" + "Z" * 200
        lines[2] = ",".join(cells)
    elif kind == "bom":
        lines[0] = "\ufeff" + lines[0]
    elif kind == "nul":
        lines[2] = lines[2].replace(",", ",\0", 1)
    elif kind == "huge_cell":
        lines[2] += "x" * 300000
    elif kind == "other_date":  # the record of an agenda item, dated otherwise than the item
        lines[1:] = [line.replace("2022-03-02", "2022-03-09") for line in lines[1:]]
    elif kind == "far_future":
        lines[1:] = [line.replace("2022-03-02", "9999-12-31") for line in lines[1:]]
    elif kind == "far_past":
        lines[1:] = [line.replace("2022-03-02", "0001-01-01") for line in lines[1:]]
    elif kind == "long_symbol":
        lines[1:] = [line.replace("A/RES/ES-11/1", "A/RES/" + "9" * 5000) for line in lines[1:]]
    elif kind == "binary":
        path.write_bytes(bytes(random.Random(7).randrange(256) for _ in range(4096)))
        return
    path.write_text("\n".join(lines) + ("\n" if lines else ""))


RECORD_EDITS = [
    ("empty", "reject"),
    ("header_only", "reject"),
    ("no_vote_column", "reject"),
    ("no_date_column", "reject"),
    ("mixed_resolution", "reject"),
    ("mixed_date", "reject"),
    ("bad_date", "reject"),
    ("bad_vote", "reject"),
    ("duplicate_row", "reject"),
    ("empty_country", "reject"),
    ("bad_country", "reject"),
    ("bom", "any"),
    ("nul", "reject"),
    ("huge_cell", "any"),
    ("other_date", "reject"),
    ("far_future", "any"),
    ("far_past", "any"),
    ("long_symbol", "any"),
    ("binary", "reject"),
]

HISTORY_EDITS: list[tuple[str, str, Callable[[dict[str, Any]], None]]] = [
    ("record_missing", "reject", lambda d: d["history"][0].update(record="records/none.csv")),
    ("record_outside", "reject", lambda d: d["history"][0].update(record="../../etc/passwd")),
    ("record_absolute", "reject", lambda d: d["history"][0].update(record="/etc/hostname")),
    ("record_dev_zero", "reject", lambda d: d["history"][0].update(record="/dev/zero")),
    ("record_dir", "reject", lambda d: d["history"][0].update(record="records")),
    ("record_nul", "reject", lambda d: d["history"][0].update(record="records/a\0.csv")),
    ("record_int", "reject", lambda d: d["history"][0].update(record=5)),
    ("record_list", "reject", lambda d: d["history"][0].update(record=["a", "b"])),
    ("issue_unknown", "reject", lambda d: d["history"][0].update(issue="nope")),
    ("issue_huge", "reject", lambda d: d["history"][0].update(issue="x" * 5000)),
    ("issue_missing", "reject", lambda d: d["history"][0].pop("issue")),
    ("issue_nul", "reject", lambda d: d["history"][0].update(issue="a\0b")),
    ("extra_field", "reject", lambda d: d["history"][0].update(weight=1)),
    ("entry_scalar", "reject", lambda d: d.update(history=["records/A_RES_68_262.csv"])),
    ("history_scalar", "reject", lambda d: d.update(history="records")),
    ("history_map", "reject", lambda d: d.update(history={"a": 1})),
    ("history_null", "any", lambda d: d.update(history=None)),
    ("history_empty", "any", lambda d: d.update(history=[])),
    ("duplicate_record", "reject", lambda d: d["history"].append(dict(d["history"][1]))),
    (
        "inline_bad_vote",
        "reject",
        lambda d: d["history"].append(
            {
                "resolution": "X",
                "date": "2020-01-01",
                "issue": "sovereignty",
                "votes": {"USA": "eh"},
            }
        ),
    ),
    (
        "inline_bad_id",
        "reject",
        lambda d: d["history"].append(
            {
                "resolution": "X",
                "date": "2020-01-01",
                "issue": "sovereignty",
                "votes": {"a b": "yes"},
            }
        ),
    ),
    (
        "inline_empty_resolution",
        "reject",
        lambda d: d["history"].append(
            {"resolution": "", "date": "2020-01-01", "issue": "sovereignty", "votes": {}}
        ),
    ),
    ("undated_agenda", "reject", lambda d: d["agenda"][2].pop("date")),
    ("suspension_unknown", "reject", lambda d: d["suspensions"][0].update(country="ZZZ")),
    ("suspension_end_first", "reject", lambda d: d["suspensions"][0].update(end="2020-01-01")),
    ("suspension_bad_date", "reject", lambda d: d["suspensions"][0].update(start="yesterday")),
    ("suspension_year_0", "reject", lambda d: d["suspensions"][0].update(start="0000-01-01")),
    ("suspension_huge_year", "reject", lambda d: d["suspensions"][0].update(start="99999-01-01")),
    ("suspension_int_date", "reject", lambda d: d["suspensions"][0].update(start=10**30)),
    ("suspension_no_reason", "reject", lambda d: d["suspensions"][0].pop("reason")),
    ("suspension_no_end", "any", lambda d: d["suspensions"][0].pop("end")),
    ("suspension_far", "any", lambda d: d["suspensions"][0].update(end="9999-12-31")),
    ("suspension_dev_zero", "reject", lambda d: d.update(suspensions="/dev/zero")),
    ("suspension_csv_missing", "reject", lambda d: d.update(suspensions="susp.csv")),
    ("suspensions_many", "reject", lambda d: d.update(suspensions="__MANY__")),
    ("poll_value", "reject", lambda d: d["polls"][0].update(value=1.5)),
    ("poll_inf", "reject", lambda d: d["polls"][0].update(value=float("inf"))),
    ("poll_nan", "reject", lambda d: d["polls"][0].update(value=float("nan"))),
    ("poll_bool", "reject", lambda d: d["polls"][0].update(value=True)),
    ("poll_issue", "reject", lambda d: d["polls"][0].update(issue="nope")),
    ("poll_issue_huge", "reject", lambda d: d["polls"][0].update(issue="y" * 5000)),
    ("poll_country", "reject", lambda d: d["polls"][0].update(country="ZZZ")),
    ("poll_no_end", "reject", lambda d: d["polls"][0].pop("fieldwork_end")),
    (
        "poll_start_after_end",
        "reject",
        lambda d: d["polls"][0].update(fieldwork_start="2023-01-01"),
    ),
    ("poll_no_source", "reject", lambda d: d["polls"][0].pop("source")),
    ("polls_scalar", "reject", lambda d: d.update(polls=7)),
    ("valid", "any", lambda d: None),
]


def dated_case(rng: random.Random) -> Case:
    """Break the dated-history inputs: history entries, record files, suspensions, polls."""
    if rng.random() < 0.4:
        kind, expect = rng.choice(RECORD_EDITS)
        label = f"dated_record_{kind}"

        def build(folder: Path) -> list[str]:
            target, data = _dated_scenario(folder)
            _edit_record(folder, kind)
            target.write_text(_dump(data), encoding="utf-8")
            return _run_args(target.name)

        return Case(label, expect, build, out="out")
    name, expect, mutate = rng.choice(HISTORY_EDITS)

    def build_edit(folder: Path) -> list[str]:
        target, data = _dated_scenario(folder)
        mutate(data)
        text = _dump(data)
        if name == "suspensions_many":  # written out, not as YAML aliases of one entry
            row = "- {country: VEN, start: '2021-01-01', reason: r}\n"
            text = text.replace("suspensions: __MANY__\n", "suspensions:\n" + row * 100_001)
        target.write_text(text, encoding="utf-8")
        return _run_args(target.name)

    return Case(f"dated_{name}", expect, build_edit, out="out")


def _dated_args(folder: Path) -> str:
    target, data = _dated_scenario(folder)
    target.write_text(_dump(data), encoding="utf-8")
    return target.name


UNTIL = [
    "2022-02-30",
    "0001-01-01",
    "9999-12-31",
    "",
    "x" * 5000,
    "2022-3-2",
    "20220302",
    "2022-03-02T00:00",
    "\u0662\u0660\u0662\u0662-03-02",
    "-2022-03-02",
    "2022-03-01",
]


def empirical_args_case(rng: random.Random) -> Case:
    """Hostile ``run --until``, ``backtest`` and ``ablate`` arguments on a dated scenario."""
    variants: list[tuple[str, str, Callable[[Path], list[str]]]] = [
        ("until_bad", "reject", lambda f: _run_args(_dated_args(f), "--until", rng_until)),
        ("until_valid", "any", lambda f: _run_args(_dated_args(f), "--until", "2022-04-30")),
        (
            "until_and_rounds",
            "reject",
            lambda f: _run_args(_dated_args(f), "--until", "2022-04-30", "--rounds", "1"),
        ),
        ("until_undated", "reject", lambda f: _run_args("S", "--until", "2022-04-30")),
        ("backtest_cutoff_bad", "reject", lambda f: _backtest(f, "--cutoff", rng_until)),
        ("backtest_cutoff_ok", "any", lambda f: _backtest(f, "--cutoff", "2022-03-01")),
        (  # the default cutoff (2022-03-02) leaves no recorded vote after it
            "backtest_default",
            "reject",
            lambda f: ["backtest", _dated_args(f), "--replicates", "2", "--out", "out"],
        ),
        ("backtest_undated", "reject", lambda f: ["backtest", "S", "--out", "out"]),
        ("backtest_replicates", "reject", lambda f: _backtest(f, "--replicates", rng_count)),
        ("backtest_calibrate", "reject", lambda f: _backtest(f, "--calibrate", rng_count)),
        ("backtest_out_file", "reject", lambda f: _backtest(f, "--out", "S")),
        ("backtest_out_proc", "reject", lambda f: _backtest(f, "--out", "/proc/x")),
        ("backtest_json", "any", lambda f: _backtest(f, "--cutoff", "2022-03-01", "--json")),
        ("ablate_record_dev_zero", "reject", lambda f: _ablate(f, "--record", "/dev/zero")),
        ("ablate_record_missing", "reject", lambda f: _ablate(f, "--record", "none.csv")),
        ("ablate_record_dir", "reject", lambda f: _ablate(f, "--record", "records")),
        ("ablate_record_nul", "reject", lambda f: _ablate(f, "--record", "a\0b")),
        (
            "ablate_record_other",
            "reject",
            lambda f: _ablate(f, "--record", "records/A_RES_68_262.csv"),
        ),
        ("ablate_resolution", "reject", lambda f: _ablate(f, "--resolution", rng_resolution)),
        ("ablate_replicates", "reject", lambda f: _ablate(f, "--replicates", rng_count)),
        ("ablate_set", "reject", lambda f: _ablate(f, "--set", "parameters.noise_sd=inf")),
        ("ablate_valid", "any", lambda f: _ablate(f, "--replicates", "2")),
        ("validate_record_binary", "reject", _validate_binary),
    ]
    label, expect, make = rng.choice(variants)
    rng_until = rng.choice(UNTIL)
    rng_count = rng.choice(["0", "-1", "1e3", "x", "", str(10**30), "1000001"])
    rng_resolution = rng.choice(["NOPE", "", "x" * 5000, "A/RES/ES-11/1", "es-11/1", "\u00e9"])
    if label == "until_bad" and rng_until == "2022-03-01":
        expect = "any"
    if label == "ablate_resolution" and rng_resolution == "A/RES/ES-11/1":
        expect = "any"

    def build(folder: Path) -> list[str]:
        target, data = _copy_scenario("illustrative", folder)
        target.write_text(_dump(data), encoding="utf-8")
        (folder / "S").symlink_to(target.name)
        return make(folder)

    note = {"until_bad": rng_until, "backtest_cutoff_bad": rng_until}.get(label, "")
    if label.endswith(("_replicates", "_calibrate")):
        note = rng_count
    if label == "ablate_resolution":
        note = rng_resolution[:40]
    return Case(f"empirical_{label}", expect, build, note=note, out="out")


def _backtest(folder: Path, *more: str) -> list[str]:
    """Backtest the dated scenario; its one record after 2022-03-01 is on the agenda."""
    argv = ["backtest", _dated_args(folder), "--replicates", "2", *more]
    if "--cutoff" not in more:
        argv += ["--cutoff", "2022-03-01"]
    return argv if "--out" in more else [*argv, "--out", "out"]


def _ablate(folder: Path, *more: str) -> list[str]:
    scenario = _dated_args(folder)
    argv = ["ablate", scenario, "--record", "records/A_RES_ES-11_1.csv"]
    argv += ["--resolution", "ES-11/1", "--replicates", "2"]
    options = list(more)
    while options:  # a later option replaces the default one of the same name
        flag, value = options[:2]
        options = options[2:]
        if flag in argv[2:]:
            argv[argv.index(flag, 2) + 1] = value
        else:
            argv += [flag, value]
    return argv


def _validate_binary(folder: Path) -> list[str]:
    scenario = _dated_args(folder)
    (folder / "records" / "bin.csv").write_bytes(bytes(range(256)) * 8)
    return ["validate", scenario, "--record", "records/bin.csv", "--resolution", "ES-11/1"]


# ---- sweep cases ------------------------------------------------------------------------

QUICK: dict[str, Any] = {
    "name": "fz",
    "scenario": "illustrative.yaml",
    "parameters": {"parameters.trade_weight": {"values": [0.0, 1.0]}},
    "design": "grid",
    "replicates": 1,
    "rounds": 1,
    "seed": 1,
    "outcomes": [{"measure": "yes_share", "resolution": "ES-11/1"}],
}

SWEEP_MUTATIONS: list[tuple[str, str, Callable[[dict[str, Any]], None]]] = [
    ("seed_2_63", "reject", lambda d: d.update(seed=2**63)),
    ("seed_neg", "reject", lambda d: d.update(seed=-1)),
    (
        "mixed_values",
        "reject",
        lambda d: d["parameters"].update({"parameters.trade_weight": {"values": [0.5, "x", 1]}}),
    ),
    (
        "values_true",
        "reject",
        lambda d: d["parameters"].update({"parameters.trade_weight": {"values": [True]}}),
    ),
    (
        "values_1e308",
        "reject",
        lambda d: d["parameters"].update({"parameters.trade_weight": {"values": [1e308]}}),
    ),
    (
        "values_inf",
        "reject",
        lambda d: d["parameters"].update({"parameters.trade_weight": {"values": [float("inf")]}}),
    ),
    (
        "low_high_no_steps",
        "reject",
        lambda d: d["parameters"].update({"parameters.trade_weight": {"low": 0, "high": 1}}),
    ),
    (
        "steps_huge",
        "reject",
        lambda d: d["parameters"].update(
            {"parameters.trade_weight": {"low": 0, "high": 1, "steps": 10**7}}
        ),
    ),
    (
        "samples_huge",
        "reject",
        lambda d: d.update(
            design="lhs",
            samples=10**7,
            parameters={"parameters.trade_weight": {"low": 0, "high": 1}},
        ),
    ),
    ("replicates_huge", "reject", lambda d: d.update(replicates=10**9)),
    ("rounds_huge", "reject", lambda d: d.update(rounds=10**9)),
    (
        "list_keys_differ",
        "reject",
        lambda d: d.update(
            design="list",
            points=[{"parameters.trade_weight": 1.0}, {"parameters.noise_sd": 0.1}],
        ),
    ),
    (
        "list_bad_point",
        "reject",
        lambda d: d.update(
            design="list",
            points=[{"parameters.trade_weight": 1.0}, {"parameters.trade_weight": -5}],
        ),
    ),
    (
        "unknown_resolution",
        "reject",
        lambda d: d.update(outcomes=[{"measure": "yes_share", "resolution": "NOPE"}]),
    ),
    (
        "unknown_country",
        "reject",
        lambda d: d.update(
            outcomes=[{"measure": "position", "resolution": "ES-11/1", "country": "XXX"}]
        ),
    ),
    (
        "unknown_reference",
        "reject",
        lambda d: d.update(
            outcomes=[{"measure": "agreement", "country": "USA", "reference": "ZZZ"}]
        ),
    ),
    ("not_a_scenario", "reject", lambda d: d.update(scenario="other.yaml")),
    ("scenario_dev_zero", "reject", lambda d: d.update(scenario="/dev/zero")),
    ("scenario_nul", "reject", lambda d: d.update(scenario="a\0b")),
    ("name_traversal", "any", lambda d: d.update(name="../../../../outside")),
    ("no_outcomes", "reject", lambda d: d.update(outcomes=[])),
    ("outcomes_scalar", "reject", lambda d: d.update(outcomes="x")),
    ("design_unknown", "reject", lambda d: d.update(design="magic")),
    (
        "deep_values",
        "reject",
        lambda d: d["parameters"].update({"parameters.trade_weight": {"values": [[[[[1]]]]]}}),
    ),
    (
        "path_unknown",
        "reject",
        lambda d: d["parameters"].update({"parameters.nope": {"values": [1]}}),
    ),
    ("valid", "any", lambda d: None),
]


def sweep_case(rng: random.Random) -> Case:
    """Mutate a small valid sweep file in one of the known-bad ways (or keep it valid)."""
    label, expect, mutate = rng.choice(SWEEP_MUTATIONS)
    text_attack = rng.random() < 0.15

    def build(folder: Path) -> list[str]:
        target, data = _copy_scenario("illustrative", folder)
        target.write_text(_dump(data), encoding="utf-8")
        (folder / "other.yaml").write_text("name: x\nfoo: 1\n")
        spec = copy.deepcopy(QUICK)
        mutate(spec)
        text = _dump(spec)
        if text_attack:
            text += "description: " + "[" * 3000 + "]" * 3000 + "\n"
        (folder / "sweep.yaml").write_text(text, encoding="utf-8")
        return [
            "sweep",
            "sweep.yaml",
            "--out",
            "out",
            "--executor",
            "serial",
            "--quiet",
            "--no-report",
        ]

    name = f"sweep_{'deep' if text_attack else label}"
    return Case(name, "reject" if text_attack else expect, build, out="out")


# ---- argument cases ---------------------------------------------------------------------


def argument_case(rng: random.Random) -> Case:
    """Hostile command-line arguments: seeds, rounds, --out paths, missing folders."""
    variants: list[tuple[str, str, Callable[[Path], list[str]]]] = [
        ("seed_neg", "reject", lambda f: _run_args("S", "--seed", "-1")),
        ("seed_huge", "reject", lambda f: _run_args("S", "--seed", str(2**64))),
        ("rounds_huge", "reject", lambda f: _run_args("S", "--rounds", "1000000000")),
        ("rounds_zero", "reject", lambda f: _run_args("S", "--rounds", "0")),
        ("out_dot", "reject", lambda f: ["run", "S", "--out", ".", "--no-plots"]),
        ("out_empty", "reject", lambda f: ["run", "S", "--out", "", "--no-plots"]),
        ("out_parent_file", "reject", _out_parent_file),
        ("out_proc", "reject", lambda f: ["run", "S", "--out", "/proc/x/y", "--no-plots"]),
        ("out_dangling", "reject", _out_dangling),
        ("out_nul", "reject", lambda f: ["run", "S", "--out", "a\0b", "--no-plots"]),
        ("out_loop", "reject", _out_loop),
        ("explain_missing", "reject", lambda f: ["explain", "nowhere", "--country", "PRK"]),
        ("compare_missing", "reject", lambda f: ["compare", "x", "y"]),
        ("plot_file", "reject", lambda f: ["plot", "S"]),
        ("report_proc", "reject", lambda f: ["report", "/proc"]),
        ("resume_missing", "reject", lambda f: ["sweep", "--resume", "nowhere"]),
        ("sweep_dev_zero", "reject", lambda f: ["sweep", "/dev/zero", "--out", "out"]),
        ("unknown_verb", "reject", lambda f: ["frobnicate"]),
        ("set_nul", "reject", lambda f: _run_args("S", "--set", "name=\0")),
        ("set_deep", "reject", lambda f: _run_args("S", "--set", "name=" + "[" * 5000)),
        ("fit_unknown", "reject", _calibrate_unknown),
        ("valid_seed", "any", lambda f: _run_args("S", "--seed", "7")),
    ]
    label, expect, make = rng.choice(variants)

    def build(folder: Path) -> list[str]:
        target, data = _copy_scenario("illustrative", folder)
        target.write_text(_dump(data), encoding="utf-8")
        (folder / "S").symlink_to(target.name)
        return make(folder)

    return Case(f"arg_{label}", expect, build, out="out")


def _out_parent_file(folder: Path) -> list[str]:
    (folder / "afile").write_text("x")
    return ["run", "S", "--out", "afile/sub", "--no-plots"]


def _out_dangling(folder: Path) -> list[str]:
    os.symlink("nowhere", folder / "dl")
    return ["run", "S", "--out", "dl", "--no-plots"]


def _out_loop(folder: Path) -> list[str]:
    os.symlink("l2", folder / "l1")
    os.symlink("l1", folder / "l2")
    return ["run", "S", "--out", "l1/x", "--no-plots"]


def _calibrate_unknown(folder: Path) -> list[str]:
    return [
        "calibrate",
        "S",
        "--record",
        str(SCENARIOS / "records" / "A_RES_ES-11_1.csv"),
        "--resolution",
        "ES-11/1",
        "--fit",
        "nope",
        "--budget",
        "2",
    ]


GENERATORS: list[tuple[Callable[[random.Random], Case], float]] = [
    (scenario_mutation, 0.30),
    (scenario_nonfinite, 0.10),
    (scenario_structure, 0.12),
    (special_path, 0.06),
    (table_case, 0.12),
    (set_case, 0.10),
    (sweep_case, 0.12),
    (argument_case, 0.08),
    (dated_case, 0.14),
    (empirical_args_case, 0.10),
]


def make_cases(n: int, seed: int) -> list[Case]:
    """Draw ``n`` cases from the generators, deterministically in ``seed``."""
    rng = random.Random(seed)
    makers = [g for g, _ in GENERATORS]
    weights = [w for _, w in GENERATORS]
    return [rng.choices(makers, weights)[0](rng) for _ in range(n)]


# ---- running ----------------------------------------------------------------------------


@dataclass
class Outcome:
    """What one case did: its class and verdict, time and the tail of stderr."""

    kind: str
    verdict: str
    seconds: float
    stderr: str


def _child(argv: list[str], folder: Path, memory: int, timeout: float) -> None:
    """In the forked child: limits, redirect output, run the CLI, exit with its code."""
    os.setpgid(0, 0)
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    resource.setrlimit(resource.RLIMIT_CPU, (int(timeout) + 5, int(timeout) + 10))
    os.chdir(folder)
    err = os.open(folder / ".stderr", os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    out = os.open(os.devnull, os.O_WRONLY)
    os.dup2(err, 2)
    os.dup2(out, 1)
    code = 1
    try:
        from sim.cli import main

        code = main(argv)
    except MemoryError:
        os.write(2, b"\nFUZZ: MemoryError\n")
        code = 137
    except BaseException:
        import traceback

        os.write(2, ("\nFUZZ: Traceback\n" + traceback.format_exc()).encode())
        code = 99
    finally:
        with contextlib.suppress(Exception):
            sys.stdout.flush()
            sys.stderr.flush()
        os._exit(code if isinstance(code, int) else 1)


def run_case(case: Case, work: Path, memory: int, timeout: float) -> Outcome:
    """Build one case in a fresh folder, run it in a forked child, and judge it."""
    folder = Path(tempfile.mkdtemp(dir=work))
    try:
        argv = case.build(folder)
    except Exception as exc:
        shutil.rmtree(folder, ignore_errors=True)
        return Outcome(case.kind, "skipped", 0.0, f"build failed: {exc}")
    start = time.monotonic()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - child
        _child(argv, folder, memory, timeout)
    verdict = ""
    status = 0
    while True:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            break
        if time.monotonic() - start > timeout:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            verdict = "hang"
            break
        time.sleep(0.01)
    seconds = time.monotonic() - start
    try:
        stderr = (folder / ".stderr").read_text(errors="replace")
    except OSError:
        stderr = ""
    if not verdict:
        verdict = _verdict(case, status, stderr, folder)
    shutil.rmtree(folder, ignore_errors=True)
    return Outcome(case.kind, verdict, seconds, stderr[-2000:])


def _verdict(case: Case, status: int, stderr: str, folder: Path) -> str:
    if os.WIFSIGNALED(status):
        return "blowup"
    code = os.WEXITSTATUS(status)
    if "FUZZ: MemoryError" in stderr or code == 137:
        return "blowup"
    if "Traceback" in stderr or code not in (0, 2):
        return "traceback"
    if code == 0:
        return "accepted_bad" if case.expect == "reject" else "accepted"
    if case.out is not None:
        out = folder / case.out
        if out.is_dir() and not out.is_symlink() and any(out.iterdir()):
            return "left_output"
    lines = [line for line in stderr.splitlines() if line.strip()]
    errors = [line for line in lines if line.startswith("error:")]
    usage = any(line.startswith("usage:") for line in lines)
    if usage and any(": error:" in line for line in lines):
        return "rejected"  # argparse's usage error: exit 2 with the usage line
    if len(errors) == 1 and len(errors[0]) <= 300:
        return "rejected"
    return "bad_message"


def main(argv: list[str] | None = None) -> int:
    """Run the cases and print the tally; exit 1 if any case broke a promise."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=1200)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--timeout", type=float, default=30.0)
    parser.add_argument("--memory-gib", type=float, default=3.0)
    parser.add_argument("--json", type=Path, help="write the tally and failures here")
    parser.add_argument("--show", type=int, default=3, help="failures to print per class")
    parser.add_argument(
        "--shard",
        default="0/1",
        metavar="K/N",
        help="run only cases i with i %% N == K (run N shards side by side, then --merge)",
    )
    parser.add_argument(
        "--merge", type=Path, nargs="+", metavar="JSON", help="add up the --json of shards"
    )
    args = parser.parse_args(argv)
    if args.merge:
        return _merge(args.merge)
    k, n = (int(x) for x in args.shard.split("/"))

    import sim.cli
    import sim.experiments.runner
    import sim.model.model
    import sim.output.plots
    import sim.output.report
    import sim.output.sweep_plots  # noqa: F401

    cases = make_cases(args.cases, args.seed)
    memory = int(args.memory_gib * 1024**3)
    tally: Counter[str] = Counter()
    by_kind: dict[str, Counter[str]] = {}
    failures: list[dict[str, Any]] = []
    times: dict[str, list[float]] = {}
    bad = {"traceback", "hang", "blowup", "accepted_bad", "left_output", "bad_message"}
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="alliance-fuzz-") as tmp:
        work = Path(tmp)
        for i, case in enumerate(cases):
            if i % n != k:
                continue
            result = run_case(case, work, memory, args.timeout)
            tally[result.verdict] += 1
            by_kind.setdefault(case.kind, Counter())[result.verdict] += 1
            if result.verdict in bad:
                failures.append(
                    {
                        "case": i,
                        "kind": case.kind,
                        "note": case.note,
                        "verdict": result.verdict,
                        "stderr": result.stderr[-600:],
                    }
                )
            times.setdefault(case.kind, []).append(result.seconds)
            if sum(tally.values()) % 50 == 0:
                print(f"{i + 1}/{len(cases)} {dict(tally)}", file=sys.stderr, flush=True)
                if args.json:
                    _write_json(args.json, tally, by_kind, failures, time.monotonic() - started)
    elapsed = time.monotonic() - started
    total = sum(tally.values())
    print(f"{total} cases in {elapsed:.0f} s: {dict(sorted(tally.items()))}")
    for kind in sorted(by_kind):
        slowest = max(times.get(kind, [0.0]))
        print(f"  {kind:<28} {dict(sorted(by_kind[kind].items()))}  max {slowest:.1f} s")
    shown: Counter[str] = Counter()
    for failure in failures:
        key = f"{failure['kind']}/{failure['verdict']}"
        if shown[key] < args.show:
            shown[key] += 1
            print(f"--- {key} {failure['note']}\n{failure['stderr'][-400:]}")
    if args.json:
        _write_json(args.json, tally, by_kind, failures, elapsed)
    return 1 if any(tally[v] for v in bad) else 0


def _write_json(
    path: Path,
    tally: Counter[str],
    by_kind: dict[str, Counter[str]],
    failures: list[dict[str, Any]],
    seconds: float,
) -> None:
    path.write_text(
        json.dumps(
            {
                "cases": sum(tally.values()),
                "seconds": round(seconds),
                "tally": dict(tally),
                "by_kind": {kind: dict(counts) for kind, counts in by_kind.items()},
                "failures": failures,
            },
            indent=2,
        )
    )


def _merge(paths: list[Path]) -> int:
    """Add up the tallies of several shards' JSON files and print them like one run."""
    tally: Counter[str] = Counter()
    by_kind: dict[str, Counter[str]] = {}
    failures = 0
    for path in paths:
        data = json.loads(path.read_text())
        tally.update(data["tally"])
        for kind, counts in data["by_kind"].items():
            by_kind.setdefault(kind, Counter()).update(counts)
        failures += len(data["failures"])
    print(f"{sum(tally.values())} cases: {dict(sorted(tally.items()))}")
    for kind in sorted(by_kind):
        print(f"  {kind:<28} {dict(sorted(by_kind[kind].items()))}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
