"""Recorded roll calls held against a scenario: the record must name the vote it is scored on.

The file format is in :mod:`sim.scenario.records` (``resolution, date, iso3, name, vote``). A
record scored against an agenda item must name that resolution (``A/RES/ES-11/1`` or
``ES-11/1``) and, when the item is dated, its date; anything else is refused (exit code 2),
so the ES-11/1 record can never be scored as ES-11/3.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sim.model.votes import VoteArray
from sim.scenario.errors import ScenarioError
from sim.scenario.records import RollCall, read_roll_call, same_resolution
from sim.scenario.schema import Resolution, Scenario


@dataclass(frozen=True)
class Record:
    """A recorded roll call aligned to a scenario's countries."""

    path: Path
    roll_call: RollCall
    codes: VoteArray


def agenda_item(scenario: Scenario, resolution: str) -> Resolution:
    """Return the agenda item with id ``resolution``.

    Raises
    ------
    ScenarioError
        If the agenda has no such item.
    """
    for item in scenario.agenda:
        if same_resolution(item.id, resolution):
            return item
    known = ", ".join(r.id for r in scenario.agenda)
    raise ScenarioError("--resolution", resolution, f"not on the agenda (known: {known})")


def read_record(path: str | Path, scenario: Scenario, resolution: str) -> Record:
    """Read a record for agenda item ``resolution`` and align it to the scenario's countries.

    Raises
    ------
    ScenarioError
        For unreadable files, a record of another resolution or date, unknown ids, bad votes,
        duplicates, or scenario countries missing from the record.
    """
    roll_call = read_roll_call(path)
    item = agenda_item(scenario, resolution)
    if not same_resolution(roll_call.resolution, item.id):
        raise ScenarioError(
            roll_call.path,
            "resolution",
            f"records {roll_call.resolution}, not {item.id}: give the record of {item.id}",
        )
    if item.date is not None and roll_call.date != item.date:
        raise ScenarioError(
            roll_call.path,
            "date",
            f"{roll_call.date}, but {item.id} is voted on {item.date} in the scenario",
        )
    codes = roll_call.codes([c.id for c in scenario.countries])
    return Record(path=roll_call.path, roll_call=roll_call, codes=codes)
