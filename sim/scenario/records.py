"""Recorded roll calls: CSV files with one vote per member, named by resolution and date.

A record file has the columns ``resolution, date, iso3, name, vote`` (``country`` may stand for
``iso3``; ``name`` is optional): every row names the same resolution (``A/RES/ES-11/1``) and
date (ISO, ``2022-03-02``), and ``vote`` is one of ``yes / no / abstain / absent``. Records
serve as history for later votes (:mod:`sim.scenario.world`) and as the truth that
``validate``, ``calibrate`` and ``backtest`` score against (:mod:`sim.empirical`).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from sim.common.inputs import InputError, read_text, shorten
from sim.model.votes import Vote, VoteArray
from sim.scenario.errors import ScenarioError

SYMBOL_PREFIX = "A/RES/"


def symbol_key(symbol: str) -> str:
    """Return a symbol without ``A/RES/``: what :func:`same_resolution` compares."""
    return symbol.strip().removeprefix(SYMBOL_PREFIX)


def same_resolution(symbol: str, resolution_id: str) -> bool:
    """Whether a record's symbol names an agenda id (``A/RES/ES-11/1`` names ``ES-11/1``)."""
    return symbol_key(symbol) == symbol_key(resolution_id)


@dataclass(frozen=True)
class RollCall:
    """One recorded roll call as read: the resolution, its date and each member's vote."""

    path: Path
    resolution: str
    date: dt.date
    votes: dict[str, Vote]

    def codes(self, ids: list[str] | tuple[str, ...], *, complete: bool = True) -> VoteArray:
        """Vote codes in the order of ``ids``.

        With ``complete`` every id must have a row; otherwise a missing id is absent. Rows of
        ids not in ``ids`` are an error either way (a misspelt or foreign code).

        Raises
        ------
        ScenarioError
            Naming the file, for ids it lacks or rows no id matches.
        """
        unknown = sorted(set(self.votes) - set(ids))
        if unknown:
            shown = ", ".join(unknown[:8]) + (" ..." if len(unknown) > 8 else "")
            raise ScenarioError(self.path, "iso3", f"names no scenario country: {shorten(shown)}")
        missing = [c for c in ids if c not in self.votes]
        if missing and complete:
            shown = ", ".join(missing[:8]) + (" ..." if len(missing) > 8 else "")
            raise ScenarioError(
                self.path, "", f"no vote for {len(missing)} scenario countries: {shown}"
            )
        return np.array([self.votes.get(c, Vote.ABSENT) for c in ids], dtype=np.int8)


def read_roll_call(path: str | Path) -> RollCall:
    """Read a record file; every problem names the file, row and column.

    Raises
    ------
    ScenarioError
        For unreadable files, missing columns, rows naming another resolution or date, bad
        dates or votes, and duplicate rows.
    """
    path = Path(path)
    votes: dict[str, Vote] = {}
    symbols: set[str] = set()
    dates: set[str] = set()
    try:
        with io.StringIO(read_text(path).removeprefix("\ufeff"), newline="") as handle:
            reader = csv.DictReader(handle)
            fields = reader.fieldnames or []
            key = "iso3" if "iso3" in fields else "country" if "country" in fields else None
            if key is None or "vote" not in fields:
                raise ScenarioError(path, "", "needs columns iso3 (or country) and vote")
            if "resolution" not in fields or "date" not in fields:
                raise ScenarioError(
                    path,
                    "",
                    "needs columns resolution and date (which vote it records), "
                    "e.g. resolution A/RES/ES-11/1, date 2022-03-02",
                )
            for row_number, row in enumerate(reader):
                where = f"[{row_number}] (line {row_number + 2})"
                country = (row.get(key) or "").strip()
                if not country:
                    raise ScenarioError(path, f"{where}.{key}", "empty country code")
                if country in votes:
                    raise ScenarioError(path, f"{where}.{key}", f"duplicate row for {country}")
                try:
                    votes[country] = Vote.from_word(row.get("vote") or "")
                except ValueError as exc:
                    raise ScenarioError(path, f"{where}.vote", str(exc)) from None
                symbols.add((row.get("resolution") or "").strip())
                dates.add((row.get("date") or "").strip())
                if len(symbols) > 1 or len(dates) > 1:
                    raise ScenarioError(
                        path, f"{where}", "every row must name the same resolution and date"
                    )
    except FileNotFoundError:
        raise ScenarioError(path, "", "file not found") from None
    except InputError as exc:
        raise ScenarioError(path, "", str(exc)) from None
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise ScenarioError(path, "", f"cannot read CSV: {str(exc)[:100]}") from None
    if not votes:
        raise ScenarioError(path, "", "no rows")
    (symbol,), (day,) = symbols, dates
    if not symbol:
        raise ScenarioError(path, "resolution", "empty resolution")
    symbol = symbol[:200]
    try:
        date = dt.date.fromisoformat(day)
    except ValueError:
        raise ScenarioError(
            path, "date", f"must be an ISO date (YYYY-MM-DD), got {day!r}"
        ) from None
    return RollCall(path=path, resolution=symbol, date=date, votes=votes)
