"""A scenario's index of recorded roll calls: ``records/index.csv`` beside it, read in bounds.

A built world (``alliance-sim world build``) keeps the recorded votes of its agenda in
``records/`` and its history's in ``history/``, each folder with an ``index.csv`` naming one
record file per roll call (``symbol, title, file``; the builder writes more columns). The
agenda's records are not the scenario's history: the model never reads them. They are the truth
a session is scored against (:mod:`sim.empirical.session`) and what a run shows beside its
simulated votes (``recorded.parquet``, :func:`agenda_records`), as un_2022 shows the records it
holds in its history. Recorded votes dated on or after a vote therefore never inform it.

Every file is read through :func:`sim.scenario.loading.read_input_file` (a regular file of at
most :data:`~sim.common.inputs.MAX_FILE_BYTES`), the index lists only files directly in its
folder, and the folder itself must lie inside the scenario's folder once symbolic links are
resolved; a run reads at most one record per agenda item.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from pathlib import Path

from sim.common.inputs import shorten
from sim.scenario.errors import ScenarioError
from sim.scenario.loading import read_input_file
from sim.scenario.records import RollCall, read_roll_call, symbol_key
from sim.scenario.schema import LoadedScenario, Resolution

INDEX_COLUMNS = ("symbol", "title", "file")
"""The columns of a world's ``index.csv`` that are read (the builder writes more)."""

RECORDS = "records"
"""The folder of a world's agenda records, beside its ``history/``."""


def read_index(folder: Path) -> list[dict[str, str]]:
    """Rows of a world's ``index.csv`` (``symbol``, ``title``, ``file``...), read within limits.

    The file is read through :func:`sim.scenario.loading.read_input_file` (a regular file, at most
    :data:`~sim.common.inputs.MAX_FILE_BYTES`). Every ``file`` names a record in ``folder``
    itself: a bare file name that stays inside the folder once symbolic links are resolved.

    Parameters
    ----------
    folder
        The ``records/`` or ``history/`` folder of a built world.

    Returns
    -------
    list of dict
        One dict per row, column name to cell (a missing cell is ``""``).

    Raises
    ------
    ScenarioError
        Naming ``index.csv`` and the column or row, if it cannot be read, lacks a column of
        :data:`INDEX_COLUMNS`, or a row's ``file`` is empty or not a file in ``folder``.
    """
    path = folder / "index.csv"
    text = read_input_file(path)
    try:
        reader = csv.DictReader(io.StringIO(text, newline=""))
        columns = reader.fieldnames or []
        for column in INDEX_COLUMNS:
            if column not in columns:
                needed = ", ".join(INDEX_COLUMNS)
                raise ScenarioError(path, column, f"no such column (an index needs {needed})")
        rows = [{k: v or "" for k, v in row.items() if k is not None} for row in reader]
    except csv.Error as exc:
        raise ScenarioError(path, "", f"cannot read CSV: {str(exc)[:100]}") from None
    for number, row in enumerate(rows):
        problem = _outside(folder, row["file"])
        if problem:
            raise ScenarioError(path, f"[{number}].file (line {number + 2})", problem)
    return rows


def _outside(folder: Path, name: str) -> str:
    """Why ``name`` is not a file directly in ``folder`` ("" if it is)."""
    if not name.strip():
        return "empty: name the record file"
    if "/" in name or "\\" in name or name in (".", "..") or "\0" in name:
        return f"must be a file name in {folder.name}/, got {shorten(name)}"
    try:
        inside = (folder / name).resolve().is_relative_to(folder.resolve())
    except (OSError, RuntimeError, ValueError):
        inside = False
    return "" if inside else f"{shorten(name)} leads outside {folder.name}/"


def world_folder(yaml_path: Path) -> Path:
    """Return the folder holding a scenario's ``records/`` (and a built world's ``history/``).

    ``<stem>/`` beside the YAML file when it has ``records/`` (a bundled world:
    ``scenarios/unga_74.yaml`` and ``scenarios/unga_74/records/``), else the YAML's own folder
    (a built world: ``scenario.yaml`` beside ``records/``). The ``world`` verbs and a run read
    the same folder.
    """
    beside = yaml_path.with_suffix("")
    return beside if (beside / RECORDS).is_dir() else yaml_path.parent


def agenda_records(loaded: LoadedScenario) -> dict[str, RollCall]:
    """Return the recorded roll calls of the scenario's agenda items that its world records.

    Read from ``records/`` in :func:`world_folder` (nothing if it has no index, as for un_2022,
    whose records are its history) by :func:`index_records`. For display only: nothing here
    reaches the model.

    Returns
    -------
    dict
        Agenda id to its record, in agenda order; items without a record are left out.

    Raises
    ------
    ScenarioError
        Naming the file, if ``records/`` leads outside the scenario's folder, the index or a
        record cannot be read, or a record names another resolution or day than its item
        (:func:`index_records`).
    """
    folder = world_folder(loaded.path) / RECORDS
    if not (folder / "index.csv").is_file():
        return {}
    try:
        inside = folder.resolve().is_relative_to(loaded.path.parent.resolve())
    except (OSError, RuntimeError, ValueError):
        inside = False
    if not inside:
        raise ScenarioError(folder, "", f"leads outside the scenario's folder {loaded.path.parent}")
    return {k: record for k, (record, _) in index_records(folder, loaded.scenario.agenda).items()}


def index_records(
    folder: Path, agenda: Sequence[Resolution]
) -> dict[str, tuple[RollCall, dict[str, str]]]:
    """Return each agenda item's record in ``folder`` (a ``records/`` folder) and its index row.

    For each item the first row of ``index.csv`` (:func:`read_index`) whose ``symbol`` names it
    (``A/RES/74/7``, :func:`~sim.scenario.records.symbol_key`), in agenda order; items without
    one are left out. The one reader of a world's agenda records, for runs
    (:func:`agenda_records`) and session scores (:mod:`sim.empirical.session`).

    Raises
    ------
    ScenarioError
        Naming the file, if the index or a record cannot be read, or a record names another
        resolution, or another day, than the item it is listed for.
    """
    rows: dict[str, dict[str, str]] = {}
    for row in read_index(folder):
        rows.setdefault(symbol_key(row["symbol"]), row)
    out: dict[str, tuple[RollCall, dict[str, str]]] = {}
    for item in agenda:
        listed = rows.get(symbol_key(item.id))
        if listed is None or item.id in out:
            continue
        record = read_roll_call(folder / listed["file"])
        if symbol_key(record.resolution) != symbol_key(item.id):
            raise ScenarioError(
                record.path,
                "resolution",
                f"records {shorten(record.resolution)}, but index.csv lists it for {item.id}",
            )
        if item.date is not None and record.date != item.date:
            raise ScenarioError(record.path, "date", f"is {record.date}, not {item.date}")
        out[item.id] = (record, listed)
    return out
