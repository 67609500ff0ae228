"""Build the model's :class:`~sim.model.world.World` from a validated scenario, once per run.

This is where scenario input meets the model: the schema's rows become the arrays, tie cells,
favour schedule and per-resolution facts the model reads (no randomness involved).
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections.abc import Iterable, Iterator
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
from sim.scenario.records import symbol_key
from sim.scenario.schema import HistoryRecord, Resolution, Scenario, Tie
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
    """``Vote.from_word``, cached: every history cell is read once per world."""
    return Vote.from_word(word)


class _History:
    """The history as vote codes (records x countries, by date), read once per world.

    Each agenda item asks for the latest positions on its issue and its absence streaks as of
    its date; many items share a date and an issue, so the answers are cached per (date,
    issue): a session of 90 items over 10 days reads the history about 10 times per issue, not
    90, and the loop over a record's votes is an array operation. ``row_of`` finds a
    resolution's own record (the latest by date) without a scan per item.
    """

    def __init__(self, records: Iterable[HistoryRecord], ids: tuple[str, ...]) -> None:
        ordered = sorted(records, key=lambda r: r.date)  # stable: file order within a day
        self.records = ordered
        self.n = len(ids)
        self.codes = np.array(
            [[_code(r.votes.get(c, "absent")) for c in ids] for r in ordered], dtype=np.int8
        ).reshape(len(ordered), self.n)
        self.days = [r.date for r in ordered]
        self.symbols = [symbol_key(r.resolution) for r in ordered]
        self.row_of = {symbol: k for k, symbol in enumerate(self.symbols)}  # latest by date
        self.ordinals = [float(r.date.toordinal()) for r in ordered]
        self._latest: dict[tuple[dt.date, str], tuple[FloatArray, FloatArray]] = {}
        self._streaks: dict[dt.date, IntArray] = {}

    def earlier(self, day: dt.date) -> int:
        """Return how many records are dated strictly before ``day``."""
        return bisect.bisect_left(self.days, day)

    def latest(self, rows: Iterable[int]) -> tuple[FloatArray, FloatArray]:
        """Each country's position in the latest of ``rows`` where it voted, and its time."""
        position = np.zeros(self.n)
        time = np.full(self.n, -np.inf)
        for k in rows:  # in date order: later records overwrite earlier ones
            cast = self.codes[k] != Vote.ABSENT
            position[cast] = POSITION_OF_VOTE[self.codes[k][cast]]
            time[cast] = self.ordinals[k]
        return position, time

    def on_issue(self, day: dt.date, issue: str) -> tuple[FloatArray, FloatArray]:
        """:meth:`latest` over the records on ``issue`` dated before ``day`` (cached)."""
        key = (day, issue)
        if key not in self._latest:
            stop = self.earlier(day)
            self._latest[key] = self.latest(
                k for k in range(stop) if self.records[k].issue == issue
            )
        return self._latest[key]

    def absent_streak(self, day: dt.date) -> IntArray:
        """Consecutive recorded absences of every country before ``day`` (cached)."""
        if day not in self._streaks:
            streak = np.zeros(self.n, dtype=np.int64)
            still = np.ones(self.n, dtype=bool)
            for k in reversed(range(self.earlier(day))):
                still &= self.codes[k] == Vote.ABSENT
                if not still.any():
                    break
                streak += still
            self._streaks[day] = streak
        return self._streaks[day].copy()


def _known(history: _History, resolution: Resolution, chain: tuple[str, ...]) -> Known:
    """Each country's own record for an agenda item from the history dated before it.

    Its vote on the item's precedents where it cast one; else its latest position on the
    item's issue; else, following ``chain`` (the issues the item's issue inherits), on the
    nearest of those where it has one.
    """
    n, day = history.n, resolution.date
    if day is None:
        return Known(position=np.zeros(n), known=np.zeros(n, bool), time=np.full(n, -np.inf))
    position, time = np.zeros(n), np.full(n, -np.inf)
    for issue in chain:
        missing = ~np.isfinite(time)
        if not missing.any():
            break
        found, when = history.on_issue(day, issue)
        position[missing], time[missing] = found[missing], when[missing]
    if not resolution.precedents:
        return Known(position=position, known=np.isfinite(time), time=time)
    keys = {symbol_key(p) for p in resolution.precedents}
    found, when = history.latest(
        k for k in range(history.earlier(day)) if history.symbols[k] in keys
    )
    precedent = np.isfinite(when)
    position[precedent], time[precedent] = found[precedent], when[precedent]
    return Known(position=position, known=np.isfinite(time), time=time, precedent=precedent)


def issue_chain(scenario: Scenario, issue: str) -> tuple[str, ...]:
    """Return an issue and those it inherits from, nearest first (``Issue.inherits``).

    Chains are acyclic (checked on loading); an issue the scenario does not declare is a
    chain of its own (the backtest asks of history records' issues).
    """
    chain = [issue]
    while (known := scenario.issues.get(chain[-1])) is not None and known.inherits is not None:
        chain.append(known.inherits)
    return tuple(chain)


def _facts(
    scenario: Scenario,
    resolution: Resolution,
    position: dict[str, int],
    issues: tuple[str, ...],
    arrears: BoolArray,
    opinion: FloatArray,
    absences: AbsenceHistory,
    history: _History,
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
    chain = issue_chain(scenario, resolution.issue)
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
    row = history.row_of.get(symbol_key(resolution.id))
    recorded = None if row is None else history.codes[row].copy()
    return ResolutionFacts(
        parties=Parties(np.asarray(index, dtype=np.int64), np.asarray(preference)),
        fixed_votes=fixed,
        issue=issue,
        inherits=tuple(issues.index(name) for name in chain[1:]),
        opinion=column,
        day=day,
        known=_known(history, resolution, chain),
        recorded=recorded,
        absent_streak=np.zeros(len(ids), np.int64) if day is None else history.absent_streak(day),
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
        prior_until=[c.absence_prior_date for c in scenario.countries],
    )
    history = _History(scenario.history, tuple(position))
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
            r.id: _facts(scenario, r, position, issues, arrears, opinion, absences, history)
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
