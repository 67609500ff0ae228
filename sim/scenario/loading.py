"""Reading a scenario: YAML + CSV tables, includes, overrides, confinement to its folder.

A scenario is one YAML file. Any of ``countries``, ``ties.<table>``, ``favours`` and ``agenda``
may instead name a CSV table by a path relative to the YAML file; ``parameters_file`` names a
YAML file of global parameters (as written by ``alliance-sim calibrate``); ``history`` may name
roll-call record files. Every problem is reported as one :class:`ScenarioError` naming the file
and the field path (``countries[3].domestic_pressure: must be between 0 and 1, got 1.7``).
"""

from __future__ import annotations

import csv
import hashlib
import io
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import yaml
from pydantic import (
    ValidationError,
)

from sim.common.inputs import (
    InputError,
    load_yaml,
    read_bytes,
    read_text,
    resolve,
    shorten,
    yaml_problem,
)
from sim.scenario.errors import ScenarioError
from sim.scenario.messages import first_error, format_loc
from sim.scenario.records import read_roll_call
from sim.scenario.references import check_references
from sim.scenario.schema import (
    RENAMED_PARAMETERS,
    TABLE_FIELDS,
    TIE_FIELDS,
    LoadedScenario,
    Scenario,
)


def read_input_file(path: Path) -> str:
    """Read one text file within the limits of :mod:`sim.common.inputs`; errors name the file."""
    try:
        return read_text(path)
    except FileNotFoundError:
        raise ScenarioError(path, "", "file not found") from None
    except InputError as exc:
        raise ScenarioError(path, "", str(exc)) from None


def read_yaml_file(path: Path) -> Any:
    """Read one YAML file within the limits of :mod:`sim.common.inputs`; errors name the file."""
    text = read_input_file(path)
    try:
        return load_yaml(text)
    except InputError as exc:
        raise ScenarioError(path, "", str(exc)) from None
    except yaml.YAMLError as exc:
        raise ScenarioError(path, "", yaml_problem(exc)) from None


_read_yaml = read_yaml_file


def read_csv_rows(path: Path, field: str) -> tuple[list[str], list[dict[str, str]]]:
    """Read a CSV table within the limits: header (unique, BOM dropped) and rows.

    Cells are stripped; empty cells are left out of a row.
    """
    try:
        text = read_text(path)
    except FileNotFoundError:
        raise ScenarioError(path, field, "file not found") from None
    except InputError as exc:
        message = str(exc)
        if not message.startswith(("cannot read", "file too large")):
            message = f"cannot read CSV: {message}"
        raise ScenarioError(path, field, message) from None
    try:
        reader = csv.reader(io.StringIO(text, newline=""))
        header = [h.strip() for h in next(reader, [])]
        seen: set[str] = set()
        for name in header:
            if not name:
                raise ScenarioError(path, field, "a column has no name in the header")
            if name in seen:
                raise ScenarioError(path, field, f"duplicate column {shorten(name)}")
            seen.add(name)
        rows: list[dict[str, str]] = []
        for cells in reader:
            if not cells:
                continue
            if len(cells) > len(header):
                raise ScenarioError(
                    path,
                    f"{field}[{len(rows)}]",
                    f"more cells than columns (line {reader.line_num})",
                )
            rows.append(
                {k: v.strip() for k, v in zip(header, cells, strict=False) if v and v.strip()}
            )
        return header, rows
    except csv.Error as exc:
        raise ScenarioError(path, field, f"cannot read CSV: {str(exc)[:100]}") from None


def _read_csv(path: Path, field: str) -> list[dict[str, str]]:
    return read_csv_rows(path, field)[1]


def _country_from_row(row: dict[str, str]) -> dict[str, Any]:
    """Map a countries.csv row: ``opinion_<issue>`` and ``<field>_source`` columns nest."""
    out: dict[str, Any] = {}
    for key, value in row.items():
        if key.endswith("_source"):
            out.setdefault("sources", {})[key.removesuffix("_source")] = value
        elif key.startswith("opinion_"):
            out.setdefault("public_opinion", {})[key.removeprefix("opinion_")] = value
        else:
            out[key] = value
    return out


_LIST_VALUED = {"sponsors", "precedents"}


def _agenda_from_row(row: dict[str, str]) -> dict[str, Any]:
    """Map an agenda.csv row: ``sponsors`` and ``precedents`` are space-separated lists."""
    return {k: v.split() if k in _LIST_VALUED else v for k, v in row.items()}


class Origins:
    """Which file each top-level list came from, to name it in errors."""

    def __init__(
        self, yaml_path: Path, allow_outside: bool = False, parameters_file: str | None = None
    ) -> None:
        self.yaml_path = yaml_path
        self.allow_outside = allow_outside
        self.parameters_file = parameters_file
        self.tables: dict[str, Path] = {}
        self.files: list[Path] = [yaml_path]

    def locate(self, loc: tuple[int | str, ...]) -> tuple[Path, str]:
        """Return the file a field path lives in, and the path (with the CSV line for rows)."""
        label = (
            f"ties.{loc[1]}"
            if len(loc) > 1 and loc[0] == "ties"
            else str(loc[:1][0] if loc else "")
        )
        path = format_loc(loc)
        if label not in self.tables:
            return self.yaml_path, path
        row = (
            loc[2]
            if label.startswith("ties.") and len(loc) > 2
            else loc[1]
            if len(loc) > 1
            else None
        )
        if isinstance(row, int):
            path += f" (line {row + 2})"
        return self.tables[label], path


def _confined(base: Path, value: str, origins: Origins, label: str) -> Path:
    """Resolve a path named in a scenario; refuse one outside the scenario's folder."""
    try:
        path = resolve(base / value)
    except InputError as exc:
        raise ScenarioError(origins.yaml_path, label, str(exc)) from None
    except UnicodeEncodeError:  # a lone surrogate ("\ud800", from JSON) names no file
        raise ScenarioError(
            origins.yaml_path, label, f"{shorten(value)} is not a valid file name"
        ) from None
    if not origins.allow_outside and not path.is_relative_to(base):
        raise ScenarioError(
            origins.yaml_path,
            label,
            f"{shorten(value)} is outside the scenario's folder {base} "
            "(move it there, or pass --allow-outside)",
        )
    return path


def _expand_history(data: dict[str, Any], origins: Origins) -> None:
    """Read every ``{record: path, issue: ...}`` history entry's record file in place."""
    entries = data.get("history")
    if not isinstance(entries, list):
        return
    for i, entry in enumerate(entries):
        if not isinstance(entry, dict) or "record" not in entry:
            continue
        extra = set(entry) - {"record", "issue"}
        if extra:
            raise ScenarioError(
                origins.yaml_path, f"history[{i}].{sorted(extra)[0]}", "unknown field"
            )
        record = entry["record"]
        if not isinstance(record, str):
            raise ScenarioError(origins.yaml_path, f"history[{i}].record", "must be a file path")
        path = _confined(origins.yaml_path.parent, record, origins, f"history[{i}].record")
        roll_call = read_roll_call(path)
        origins.files.append(path)
        entries[i] = {
            "resolution": roll_call.resolution,
            "date": roll_call.date,
            "issue": entry.get("issue"),
            "votes": {c: v.word for c, v in roll_call.votes.items()},
            "file": record,
        }


def _expand_tables(data: dict[str, Any], origins: Origins) -> None:
    base = origins.yaml_path.parent

    def expand(container: dict[str, Any], key: str, label: str) -> None:
        value = container.get(key)
        if not isinstance(value, str):
            return
        table_path = _confined(base, value, origins, label)
        rows = _read_csv(table_path, label)
        if key == "countries":
            container[key] = [_country_from_row(r) for r in rows]
        elif key == "agenda":
            container[key] = [_agenda_from_row(r) for r in rows]
        else:
            container[key] = rows
        origins.tables[label] = table_path
        origins.files.append(table_path)

    for key in TABLE_FIELDS:
        expand(data, key, key)
    _expand_history(data, origins)
    ties = data.get("ties")
    if isinstance(ties, dict):
        for key in TIE_FIELDS:
            expand(ties, key, f"ties.{key}")

    include = data.pop("parameters_file", None)
    if origins.parameters_file is not None:  # the caller's choice replaces the YAML's
        include = origins.parameters_file
    if include is None:
        return
    if not isinstance(include, str):
        raise ScenarioError(origins.yaml_path, "parameters_file", "must be a file path")
    include_path = _confined(base, include, origins, "parameters_file")
    included = _read_yaml(include_path)
    origins.files.append(include_path)
    if isinstance(included, dict) and "parameters" in included:
        included = included["parameters"]
    if not isinstance(included, dict):
        raise ScenarioError(include_path, "parameters", "must be a mapping of parameter names")
    inline = data.get("parameters") or {}
    if not isinstance(inline, dict):
        raise ScenarioError(origins.yaml_path, "parameters", "must be a mapping")
    for key in included:
        if key in inline:
            raise ScenarioError(
                origins.yaml_path,
                f"parameters.{key}",
                f"set both here and in {include[:80]}; keep one",
            )
    data["parameters"] = {**included, **inline}


def parse_override(text: str) -> tuple[str, Any]:
    """Split ``PATH=VALUE``; the value is read as YAML (numbers, booleans, lists)."""
    if "=" not in text:
        raise ScenarioError("--set", text, "expected PATH=VALUE")
    path, raw = text.split("=", 1)
    path = path.strip()
    if not path:
        raise ScenarioError("--set", text, "empty path")
    try:
        value = load_yaml(raw) if raw.strip() else ""
    except InputError as exc:
        raise ScenarioError("--set", path, str(exc)) from None
    except yaml.YAMLError:
        value = raw
    return path, value


def apply_override(data: dict[str, Any], path: str, value: Any) -> None:
    """Set ``value`` at a dotted ``path`` in raw scenario data, in place.

    Lists of records (``countries``, ``agenda``) are addressed by ``id``:
    ``countries.CHN.domestic_pressure``, ``agenda.ES-11/1.salience``; other lists by index.
    Missing mapping keys are created (the schema then rejects unknown fields).
    """
    parts = path.split(".")
    node: Any = data
    for depth, part in enumerate(parts):
        last = depth == len(parts) - 1
        where = ".".join(parts[: depth + 1])
        if isinstance(node, list):
            index = _find_in_list(node, part, where)
            if last:
                node[index] = value
                return
            node = node[index]
        elif isinstance(node, dict):
            if last:
                node[part] = value
                return
            if part not in node or node[part] is None:
                node[part] = {}
            node = node[part]
        else:
            raise ScenarioError("--set", where, f"cannot descend into a {type(node).__name__}")


def _find_in_list(items: list[Any], key: str, where: str) -> int:
    for index, item in enumerate(items):
        if isinstance(item, dict) and str(item.get("id")) == key:
            return index
    if key.isdigit() and int(key) < len(items):
        return int(key)
    raise ScenarioError("--set", where, f"no entry with id {shorten(key)}")


def files_sha256(files: Iterable[Path], base: Path) -> str:
    """Return the hash of :attr:`LoadedScenario.sha256`.

    Every file's bytes, labelled by its path relative to ``base`` (the scenario's folder), in
    the order given.
    """
    digest = hashlib.sha256()
    for file in files:
        try:
            label = str(file.relative_to(base))
        except ValueError:
            label = file.name
        digest.update(label.encode() + b"\0" + read_bytes(file) + b"\0")
    return digest.hexdigest()


def resolve_scenario_path(path: str | Path) -> Path:
    """Resolve a scenario path; a NUL byte or a symlink loop is a :class:`ScenarioError`."""
    try:
        return resolve(path)
    except InputError as exc:
        raise ScenarioError(shorten(str(path), 100), "", str(exc)) from None


def expand_scenario_data(
    yaml_path: Path, origins: Origins | None = None, allow_outside: bool = False
) -> dict[str, Any]:
    """Read a scenario YAML with its CSV tables and parameters file, not yet validated."""
    yaml_path = resolve_scenario_path(yaml_path)
    data = _read_yaml(yaml_path)
    if not isinstance(data, dict):
        raise ScenarioError(yaml_path, "", "must be a mapping at the top level")
    _expand_tables(data, origins or Origins(yaml_path, allow_outside))
    return data


def load_scenario(
    path: str | Path,
    overrides: Iterable[str] = (),
    *,
    allow_outside: bool = False,
    parameters_file: str | None = None,
) -> LoadedScenario:
    """Read, expand, override and validate a scenario file.

    Parameters
    ----------
    path
        The scenario YAML file.
    overrides
        ``PATH=VALUE`` strings applied after tables are read and before validation.
    allow_outside
        Let CSV tables and ``parameters_file`` lie outside the scenario's folder.
    parameters_file
        A parameters file to read instead of the one the YAML names (a path relative to the
        YAML's folder, confined to it like the YAML's own ``parameters_file``).

    Returns
    -------
    LoadedScenario
        The validated scenario with its files and hash.

    Raises
    ------
    ScenarioError
        On any problem, naming the file and the field path.
    """
    yaml_path = resolve_scenario_path(path)
    origins = Origins(yaml_path, allow_outside, parameters_file)
    data = expand_scenario_data(yaml_path, origins)
    overrides = tuple(overrides)
    overridden: set[str] = set()
    for text in overrides:
        where, value = parse_override(text)
        apply_override(data, where, value)
        overridden.add(where)
    check_renamed(data.get("parameters"), yaml_path)
    try:
        scenario = Scenario.model_validate(data)
    except ValidationError as exc:
        loc, message = first_error(exc, Scenario)
        raise ScenarioError(*_blame(loc, overridden, data, origins), message) from None
    check_references(scenario, origins.locate)
    return LoadedScenario(
        scenario=scenario,
        path=yaml_path,
        files=tuple(origins.files),
        sha256=files_sha256(origins.files, yaml_path.parent),
        overrides=overrides,
    )


def check_renamed(parameters: Any, file: str | Path) -> None:
    """Name the new spelling of a renamed parameter instead of calling it unknown.

    Raises
    ------
    ScenarioError
        If ``parameters`` (a raw mapping) uses an old name.
    """
    if not isinstance(parameters, dict):
        return
    for old, new in RENAMED_PARAMETERS.items():
        if old in parameters:
            raise ScenarioError(file, f"parameters.{old}", f"renamed to {new}")


def _blame(
    loc: tuple[int | str, ...], overridden: set[str], data: dict[str, Any], origins: Origins
) -> tuple[str | Path, str]:
    """Blame ``--set`` (not the CSV) for a field a command-line override set."""
    for where in overridden:
        if _override_loc(where, data) == loc:
            return "--set", where
    return origins.locate(loc)


def _override_loc(where: str, data: dict[str, Any]) -> tuple[int | str, ...] | None:
    """Return the schema location an override path addresses (ids become indices)."""
    node: Any = data
    loc: list[int | str] = []
    for part in where.split("."):
        if isinstance(node, list):
            index = next(
                (
                    i
                    for i, item in enumerate(node)
                    if isinstance(item, dict) and str(item.get("id")) == part
                ),
                int(part) if part.isdigit() else None,
            )
            if index is None or index >= len(node):
                return None
            loc.append(index)
            node = node[index]
        elif isinstance(node, dict):
            loc.append(part)
            node = node.get(part)
        else:
            return None
    return tuple(loc)
