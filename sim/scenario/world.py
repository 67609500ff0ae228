"""Build the model's :class:`~sim.model.world.World` from a validated scenario, once per run.

This is where scenario input meets the model: the schema's rows become the arrays, tie cells,
favour schedule and per-resolution facts the model reads (no randomness involved).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from functools import lru_cache
from typing import NoReturn

import numpy as np

from sim.model.absence import AbsenceHistory
from sim.model.channels import REGISTRY, TieTable
from sim.model.ledger import Grant, Parties
from sim.model.model import AllianceModel
from sim.model.timeline import Timeline
from sim.model.votes import NO_FIXED_VOTE, POSITION_OF_VOTE, BoolArray, FloatArray, IntArray, Vote
from sim.model.world import Known, ResolutionFacts, TieEntry, World, tie_matrix
from sim.scenario.errors import ScenarioError
from sim.scenario.records import same_resolution
from sim.scenario.schema import Resolution, Scenario, Tie
from sim.scenario.timeline import timeline_of

ScenarioModel = AllianceModel[Scenario]
"""The Mesa model of a validated scenario (its ``spec`` is the :class:`Scenario`)."""


def _entries(
    table: TieTable, ties: list[Tie], position: dict[str, int], timeline: Timeline
) -> Iterator[TieEntry]:
    """Cells of a tie table in table order, each with the rounds it enters and leaves in."""
    for tie in ties:
        enters, leaves = timeline.enters(tie.date), timeline.leaves(tie.until)
        yield enters, leaves, position[tie.country], position[tie.partner], tie.weight
        if table.mutual and getattr(tie, "mutual", False):
            yield enters, leaves, position[tie.partner], position[tie.country], tie.weight


def _fail(loc: tuple[int | str, ...], message: str) -> NoReturn:
    raise ScenarioError("<scenario>", ".".join(str(p) for p in loc), message)


@lru_cache(maxsize=64)
def _code(word: str) -> Vote:
    """``Vote.from_word``, cached: history is read once per agenda item (big sessions)."""
    return Vote.from_word(word)


def _known(scenario: Scenario, ids: tuple[str, ...], issue: str, day: dt.date | None) -> Known:
    """Latest recorded position per country on ``issue`` from history dated before ``day``."""
    n = len(ids)
    position = np.zeros(n)
    time = np.full(n, -np.inf)
    if day is not None:
        index = {c: i for i, c in enumerate(ids)}
        records = sorted(
            (r for r in scenario.history if r.issue == issue and r.date < day),
            key=lambda r: r.date,
        )
        for record in records:  # later records overwrite earlier ones
            for country, word in record.votes.items():
                code = _code(word)
                if country in index and code != Vote.ABSENT:
                    position[index[country]] = POSITION_OF_VOTE[code]
                    time[index[country]] = record.date.toordinal()
    return Known(position=position, known=np.isfinite(time), time=time)


def _absent_streak(scenario: Scenario, ids: tuple[str, ...], day: dt.date | None) -> IntArray:
    """Consecutive recorded absences of every country up to ``day`` (latest records first)."""
    streak = np.zeros(len(ids), dtype=np.int64)
    if day is None:
        return streak
    records = sorted((r for r in scenario.history if r.date < day), key=lambda r: r.date)
    still = np.ones(len(ids), dtype=bool)
    for record in reversed(records):
        absent = np.array([_code(record.votes.get(c, "absent")) == Vote.ABSENT for c in ids])
        still &= absent
        if not still.any():
            break
        streak += still
    return streak


def _facts(
    scenario: Scenario,
    resolution: Resolution,
    position: dict[str, int],
    issues: tuple[str, ...],
    arrears: BoolArray,
    opinion: FloatArray,
    absences: AbsenceHistory,
) -> ResolutionFacts:
    """Parties, fixed votes, opinion and history of one agenda item (see ResolutionFacts)."""
    index = [position[s] for s in resolution.sponsors]
    preference = [1.0] * len(index)
    if resolution.target is not None:
        index.append(position[resolution.target])
        preference.append(-1.0)
    fixed = np.full(len(position), NO_FIXED_VOTE, dtype=np.int8)
    for sponsor in resolution.sponsors:
        fixed[position[sponsor]] = Vote.YES
    if resolution.target is not None:
        fixed[position[resolution.target]] = Vote.NO
    for country_id, word in resolution.fixed_votes.items():
        fixed[position[country_id]] = Vote.from_word(word)
    fixed[arrears] = Vote.ABSENT
    day = resolution.date
    issue = issues.index(resolution.issue)
    column = opinion[:, issue].copy()
    if day is not None:
        for suspension in scenario.suspensions:
            if suspension.start < day and (suspension.end is None or day <= suspension.end):
                fixed[position[suspension.country]] = Vote.ABSENT
        latest: dict[str, dt.date] = {}
        for poll in scenario.polls:
            if poll.issue != resolution.issue or not poll.fieldwork_end < day:
                continue
            if poll.country not in latest or latest[poll.country] <= poll.fieldwork_end:
                latest[poll.country] = poll.fieldwork_end
                column[position[poll.country]] = poll.value
    ids = tuple(position)
    recorded = None
    for record in scenario.history:
        if same_resolution(record.resolution, resolution.id):
            recorded = np.array(
                [Vote.from_word(record.votes.get(c, "absent")) for c in ids], dtype=np.int8
            )
    return ResolutionFacts(
        parties=Parties(np.asarray(index, dtype=np.int64), np.asarray(preference)),
        fixed_votes=fixed,
        issue=issue,
        opinion=column,
        day=day,
        known=_known(scenario, ids, resolution.issue, day),
        recorded=recorded,
        absent_streak=_absent_streak(scenario, ids, day),
        absence_rate=absences.rate(day),
    )


def build_world(scenario: Scenario) -> World:
    """Build the arrays of a scenario (no randomness involved)."""
    position = {c.id: i for i, c in enumerate(scenario.countries)}
    n = len(position)
    issues = tuple(scenario.issues)
    opinion = np.array(
        [
            [c.public_opinion.get(name, scenario.issues[name].default_opinion) for name in issues]
            for c in scenario.countries
        ],
        dtype=float,
    ).reshape(n, len(issues))
    arrears = np.array([c.arrears for c in scenario.countries], bool)
    absences = AbsenceHistory.of(
        ((r.date, r.votes) for r in scenario.history),
        tuple(position),
        prior=(
            np.array([c.absence_prior_missed for c in scenario.countries], float),
            np.array([c.absence_prior_roll_calls for c in scenario.countries], float),
        ),
    )
    timeline = timeline_of(scenario, _fail)
    favours: dict[int, list[Grant]] = {}
    unused = 0
    for favour in scenario.favours:
        enters = favour.round if favour.round is not None else timeline.enters(favour.date)
        if enters > timeline.rounds:
            unused += 1
            continue
        favours.setdefault(enters, []).append(
            Grant(position[favour.debtor], position[favour.creditor], favour.amount)
        )
    entries = {
        t.name: tuple(_entries(t, scenario.ties.table(t.name), position, timeline))
        for t in REGISTRY.tie_tables
    }
    tie_rounds = frozenset(
        change
        for cells in entries.values()
        for enters, leaves, *_ in cells
        for change in (enters, leaves)
        if 0 < change <= timeline.rounds
    )
    return World(
        ids=tuple(c.id for c in scenario.countries),
        names=tuple(c.name for c in scenario.countries),
        attributes={
            a.name: np.array([c.attribute(a.name) for c in scenario.countries], float)
            for a in REGISTRY.country_attributes
        },
        opinion=opinion,
        issues=issues,
        arrears=arrears,
        patron_budget=np.array([c.patron_budget for c in scenario.countries], float),
        tables={
            t.name: tie_matrix(
                (
                    (row, col, weight)
                    for enters, leaves, row, col, weight in entries[t.name]
                    if enters == 0 < leaves
                ),
                n,
                t.combine == "max",
            )
            for t in REGISTRY.tie_tables
        },
        favours=favours,
        resolutions={
            r.id: _facts(scenario, r, position, issues, arrears, opinion, absences)
            for r in scenario.agenda
        },
        timeline=timeline,
        tie_rounds=tie_rounds,
        unused_favours=unused,
        entries=entries,
    )


def run_scenario(
    scenario: Scenario,
    *,
    rng: np.random.Generator | int | None = None,
    rounds: int | None = None,
    world: World | None = None,
) -> ScenarioModel:
    """Build the world (unless given), run a model to the end, and return it.

    Its ``record`` holds the results; ``world`` is ``build_world(scenario)`` when already built
    (the runs of a parameter sweep share one).
    """
    world = build_world(scenario) if world is None else world
    model = ScenarioModel(scenario, world, rng=rng, rounds=rounds)
    model.run()
    return model
