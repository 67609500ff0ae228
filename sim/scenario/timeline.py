"""Build and check a scenario's :class:`~sim.model.timeline.Timeline` (rounds, voting days).

The rules of the two kinds of agenda (numbered, dated) are in :mod:`sim.model.timeline`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NoReturn

from sim.model.timeline import Timeline
from sim.scenario.records import same_resolution
from sim.scenario.schema import Scenario

Fail = Callable[[tuple[int | str, ...], str], NoReturn]


def timeline_of(scenario: Scenario, fail: Fail) -> Timeline:
    """Build and check the timeline; ``fail(location, message)`` reports a problem.

    Raises
    ------
    Whatever ``fail`` raises (the loader's :class:`~sim.scenario.errors.ScenarioError`).
    """
    agenda = scenario.agenda
    if all(r.date is not None for r in agenda):
        return _dated(scenario, fail)
    for i, resolution in enumerate(agenda):
        if resolution.round is None:
            fail(("agenda", i, "round"), "required unless every agenda item has a date")
    last = max(r.round or 0 for r in agenda)
    rounds = scenario.rounds if scenario.rounds is not None else last
    for i, resolution in enumerate(agenda):
        if (resolution.round or 0) > rounds:
            fail(("agenda", i, "round"), f"{resolution.round} is after the last round ({rounds})")
    for key in ("suspensions", "polls", "history"):
        if getattr(scenario, key):
            fail((key,), "dated facts need a dated agenda (a date on every agenda item)")
    for i, favour in enumerate(scenario.favours):
        if (favour.round or 0) > rounds:
            fail(("favours", i, "round"), f"{favour.round} is after the last round ({rounds})")
    voted: dict[int, tuple[int, ...]] = {}
    for r in range(1, rounds + 1):
        voted[r] = tuple(i for i, item in enumerate(agenda) if _comes_up(item.round, item, r))
    return Timeline(dated=False, rounds=rounds, days=(), agenda=voted)


def _comes_up(first: int | None, item: object, round_number: int) -> bool:
    every = getattr(item, "repeat_every", None)
    if first is None:
        return False
    if round_number == first:
        return True
    return every is not None and round_number > first and (round_number - first) % every == 0


def _dated(scenario: Scenario, fail: Fail) -> Timeline:
    days = tuple(sorted({r.date for r in scenario.agenda if r.date is not None}))
    rank = {day: k + 1 for k, day in enumerate(days)}
    voted: dict[int, list[int]] = {r: [] for r in range(1, len(days) + 1)}
    for i, item in enumerate(scenario.agenda):
        assert item.date is not None
        derived = rank[item.date]
        if item.repeat_every is not None:
            fail(("agenda", i, "repeat_every"), "needs numbered rounds (not a dated agenda)")
        if item.round is not None and item.round != derived:
            fail(
                ("agenda", i, "round"),
                f"{item.round}, but {item.date} is voting day {derived} of the dated agenda",
            )
        voted[derived].append(i)
    if scenario.rounds is not None and scenario.rounds != len(days):
        fail(("rounds",), f"{scenario.rounds}, but the dated agenda has {len(days)} voting days")
    timeline = Timeline(
        dated=True, rounds=len(days), days=days, agenda={r: tuple(v) for r, v in voted.items()}
    )
    for i, favour in enumerate(scenario.favours):
        if favour.date is None:
            fail(("favours", i, "date"), "required on a dated agenda (when did it happen?)")
        entered = timeline.enters(favour.date)
        if favour.round is not None and favour.round != entered:
            fail(
                ("favours", i, "round"),
                f"{favour.round}, but dated {favour.date} it enters in round {entered}",
            )
    on_agenda = {r.id: r for r in scenario.agenda}
    for i, record in enumerate(scenario.history):
        if record.issue not in scenario.issues:
            fail(("history", i, "issue"), f"unknown issue {record.issue!r}")
        for item in on_agenda.values():
            if same_resolution(record.resolution, item.id) and item.date != record.date:
                fail(
                    ("history", i, "date"),
                    f"{record.date}, but {item.id} is on the agenda for {item.date}",
                )
    for i, poll in enumerate(scenario.polls):
        if poll.issue not in scenario.issues:
            fail(("polls", i, "issue"), f"unknown issue {poll.issue!r}")
    return timeline
