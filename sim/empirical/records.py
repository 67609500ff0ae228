"""Recorded roll calls: CSV files with one vote per member, aligned to a scenario's countries.

A record has one row per member: ``iso3`` (or ``country``), optionally ``name``, and ``vote``
in ``yes / no / abstain / absent``.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from sim.model.inputs import InputError, read_text, shorten
from sim.model.scenario import Scenario, ScenarioError
from sim.model.votes import Vote


@dataclass(frozen=True)
class Record:
    """A recorded roll call: vote codes aligned to a scenario's countries."""

    path: Path
    codes: np.ndarray


def read_record(path: str | Path, scenario: Scenario) -> Record:
    """Read a roll-call CSV and align it to the scenario's countries.

    Raises
    ------
    ScenarioError
        Naming the file and row for unreadable files, unknown ids, bad votes, duplicates, or
        scenario countries missing from the record.
    """
    path = Path(path)
    ids = [c.id for c in scenario.countries]
    position = {c: i for i, c in enumerate(ids)}
    codes = np.full(len(ids), -1, dtype=np.int8)
    try:
        with io.StringIO(read_text(path), newline="") as handle:  # bounded: no /dev/zero
            reader = csv.DictReader(handle)
            fields = reader.fieldnames or []
            key = "iso3" if "iso3" in fields else "country" if "country" in fields else None
            if key is None or "vote" not in fields:
                raise ScenarioError(path, "", "needs columns iso3 (or country) and vote")
            for row_number, row in enumerate(reader):
                where = f"[{row_number}] (line {row_number + 2})"
                country = (row.get(key) or "").strip()
                if country not in position:
                    raise ScenarioError(
                        path, f"{where}.{key}", f"names no country: {shorten(country)}"
                    )
                if codes[position[country]] >= 0:
                    raise ScenarioError(path, f"{where}.{key}", f"duplicate row for {country}")
                try:
                    codes[position[country]] = Vote.from_word(row.get("vote") or "")
                except ValueError as exc:
                    raise ScenarioError(path, f"{where}.vote", str(exc)) from None
    except FileNotFoundError:
        raise ScenarioError(path, "", "file not found") from None
    except InputError as exc:
        raise ScenarioError(path, "", str(exc)) from None
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise ScenarioError(path, "", f"cannot read CSV: {str(exc)[:100]}") from None
    missing = [ids[i] for i in np.flatnonzero(codes < 0)]
    if missing:
        shown = ", ".join(missing[:8]) + (" ..." if len(missing) > 8 else "")
        raise ScenarioError(path, "", f"no vote for {len(missing)} scenario countries: {shown}")
    return Record(path=path, codes=codes)
