"""Turn a validated scenario into the arrays the rules work on, once per run.

Countries are indexed in scenario order; every vector is ``(n,)`` and every tie matrix
``(n, n)``. Everything static is computed here once: country attributes, tie tables, the favour
schedule by round and each resolution's parties and fixed votes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from functools import cached_property, lru_cache
from typing import NoReturn

import numpy as np
from scipy import sparse

from sim.model.channels import REGISTRY, TieTable
from sim.model.errors import ScenarioError
from sim.model.ledger import Grant, Parties
from sim.model.records import same_resolution
from sim.model.rule import tie_matrices
from sim.model.scenario import Resolution, Scenario, Tie
from sim.model.timeline import Timeline, timeline_of
from sim.model.votes import (
    NO_FIXED_VOTE,
    POSITION_OF_VOTE,
    BoolArray,
    FloatArray,
    IntArray,
    Vote,
    VoteArray,
)


@dataclass(frozen=True)
class Known:
    """The latest recorded position of every country on an issue before a vote.

    Attributes
    ----------
    position
        Position (+1 yes, 0 abstain, -1 no) in the latest record where the country voted; 0
        where it has none (n,).
    known
        Whether a record gave it a position (n,).
    time
        When that record was voted (days since 0001-01-01; ``-inf`` where unknown) (n,).
    """

    position: FloatArray
    known: BoolArray
    time: FloatArray


@dataclass(frozen=True)
class ResolutionFacts:
    """What is settled about a resolution before anyone decides.

    Attributes
    ----------
    parties
        Sponsors (+1) and target (-1).
    fixed_votes
        Parties' votes, overrides, and absences (arrears, suspensions in force), else
        :data:`~sim.model.votes.NO_FIXED_VOTE`.
    issue
        Column of the issue in the world's ``opinion``.
    opinion
        Public opinion on the issue before the vote: the latest poll whose fieldwork ended
        before it, else the country's undated opinion, else the issue default (n,).
    day
        The voting day (dated agendas).
    known
        The latest recorded positions on the issue dated before the vote (history).
    recorded
        This vote's own record, when the scenario's history holds it (used for what happens
        after the vote: the favour ledger, punishment and later history), else None.
    absent_streak
        How many of the latest recorded votes dated before it (history, every issue) each
        country missed in a row (n,); 0 on an undated agenda.
    """

    parties: Parties
    fixed_votes: VoteArray
    issue: int
    opinion: FloatArray
    day: dt.date | None
    known: Known
    recorded: VoteArray | None
    absent_streak: IntArray


@dataclass(frozen=True)
class World:
    """Arrays of one scenario, indexed by country position.

    Attributes
    ----------
    ids, names
        Country ids and names, in scenario order.
    attributes
        Every registered country attribute (``domestic_pressure`` ...) by name (n,).
    opinion
        ``(n, n_issues)`` public opinion, issue defaults filled in; columns follow ``issues``.
    issues
        Issue names, in the column order of ``opinion``.
    arrears
        Countries without a vote (UN Charter Art. 19) (n,).
    patron_budget
        Inducement budget at the start of the run (n,).
    tables
        Raw tie matrices (CSR) by registered table name.
    favours
        The favour schedule: grants by the round at whose start they are made (0 = before).
    resolutions
        Facts of every agenda item, by resolution id.
    timeline
        The rounds and what is voted on in each (:mod:`sim.model.timeline`).
    tie_rounds
        Rounds at whose start dated ties come into force (tables change then).
    unused_favours
        Favours dated after the last vote (never granted).
    """

    ids: tuple[str, ...]
    names: tuple[str, ...]
    attributes: Mapping[str, FloatArray]
    opinion: FloatArray
    issues: tuple[str, ...]
    arrears: BoolArray
    patron_budget: FloatArray
    tables: Mapping[str, sparse.csr_array]
    favours: Mapping[int, list[Grant]]
    resolutions: Mapping[str, ResolutionFacts]
    timeline: Timeline
    tie_rounds: frozenset[int]
    unused_favours: int
    scenario: Scenario

    @cached_property
    def tie_matrices(self) -> tuple[sparse.csr_array, ...]:
        """The tie channels' operators for the starting ``tables``, built on first use.

        Runs that share a world (a sweep worker's runs of one base scenario) share these;
        only the weighted sum (:func:`sim.model.rule.make_operators`) is built per run.
        """
        return tie_matrices(self.tables)

    def tables_at(self, round_number: int) -> dict[str, sparse.csr_array]:
        """Raw tie matrices with every tie in force at the start of ``round_number``."""
        position = {c: i for i, c in enumerate(self.ids)}
        timeline = self.timeline
        return {
            t.name: _tie_matrix(
                _entries(
                    t,
                    [
                        tie
                        for tie in self.scenario.ties.table(t.name)
                        if timeline.enters(tie.date) <= round_number
                    ],
                    position,
                ),
                self.size,
                t.combine == "max",
            )
            for t in REGISTRY.tie_tables
        }

    @property
    def size(self) -> int:
        """Number of countries."""
        return len(self.ids)

    def index(self, country_id: str) -> int:
        """Position of a country id."""
        return self.ids.index(country_id)


def _tie_matrix(
    entries: Iterable[tuple[int, int, float]], n: int, strongest: bool
) -> sparse.csr_array:
    """Collect ``(row, col, weight)`` entries into a CSR matrix.

    Repeated cells are combined by ``max`` when ``strongest`` (a rivalry listed twice is one
    rivalry) and otherwise summed (arms + alliance + base links add up), capped at 1.
    """
    cells: dict[tuple[int, int], float] = {}
    for row, col, weight in entries:
        old = cells.get((row, col), 0.0)
        cells[(row, col)] = max(old, weight) if strongest else min(1.0, old + weight)
    keys = sorted(cells)
    values = np.array([cells[k] for k in keys], dtype=float)
    rows = np.array([k[0] for k in keys], dtype=np.int64)
    cols = np.array([k[1] for k in keys], dtype=np.int64)
    return sparse.csr_array((values, (rows, cols)), shape=(n, n))


def _entries(
    table: TieTable, ties: list[Tie], position: dict[str, int]
) -> Iterator[tuple[int, int, float]]:
    for tie in ties:
        yield position[tie.country], position[tie.partner], tie.weight
        if table.mutual and getattr(tie, "mutual", False):
            yield position[tie.partner], position[tie.country], tie.weight


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
    tie_rounds = frozenset(
        enters
        for t in REGISTRY.tie_tables
        for tie in scenario.ties.table(t.name)
        if 0 < (enters := timeline.enters(tie.date)) <= timeline.rounds
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
            t.name: _tie_matrix(
                _entries(
                    t,
                    [x for x in scenario.ties.table(t.name) if timeline.enters(x.date) == 0],
                    position,
                ),
                n,
                t.combine == "max",
            )
            for t in REGISTRY.tie_tables
        },
        favours=favours,
        resolutions={
            r.id: _facts(scenario, r, position, issues, arrears, opinion) for r in scenario.agenda
        },
        timeline=timeline,
        tie_rounds=tie_rounds,
        unused_favours=unused,
        scenario=scenario,
    )
