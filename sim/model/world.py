"""The arrays the rules work on, built once per run from a scenario.

Countries are indexed in scenario order; every vector is ``(n,)`` and every tie matrix
``(n, n)``. Everything static is held here: country attributes, tie tables, the favour schedule
by round and each resolution's parties and fixed votes. The model reads only these typed
objects; :func:`sim.scenario.world.build_world` builds them from a validated scenario.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cached_property

import numpy as np
from scipy import sparse

from sim.model.channels import REGISTRY
from sim.model.ledger import Grant, Parties
from sim.model.rule import tie_matrices
from sim.model.timeline import Timeline
from sim.model.votes import BoolArray, FloatArray, IntArray, VoteArray

TieEntry = tuple[int, int, int, int, float]
"""One cell of a tie matrix with the rounds it enters and leaves in.

``(enters, leaves, row, col, weight)``; it is in force for rounds ``enters <= r < leaves``.
"""


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
    precedent
        Whether the record is the country's vote on one of the item's precedents (the same
        question voted before), which outranks its later votes on the issue (n,); None where
        the item names none.
    """

    position: FloatArray
    known: BoolArray
    time: FloatArray
    precedent: BoolArray | None = None


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
    inherits
        Columns of the issues it inherits from, nearest first: a state with no record of its
        own on the issue takes its latest on these.
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
    absence_rate
        Share of the recorded votes dated before it (history, every issue) each country
        missed (n,) (:class:`sim.model.absence.AbsenceHistory`); None where not built.
    """

    parties: Parties
    fixed_votes: VoteArray
    issue: int
    opinion: FloatArray
    day: dt.date | None
    known: Known
    recorded: VoteArray | None
    absent_streak: IntArray
    absence_rate: FloatArray | None = None
    inherits: tuple[int, ...] = ()


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
        Rounds at whose start dated ties come into force or end (tables change then).
    unused_favours
        Favours dated after the last vote (never granted).
    entries
        Every tie's cells by table, in table order, each with the rounds at whose start it
        enters (0 = from the start) and leaves (0 = never counts); :meth:`tables_at` builds
        the matrices from them.
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
    entries: Mapping[str, tuple[TieEntry, ...]]

    @cached_property
    def tie_matrices(self) -> tuple[sparse.csr_array, ...]:
        """The tie channels' operators for the starting ``tables``, built on first use.

        Runs that share a world (a sweep worker's runs of one base scenario) share these;
        only the weighted sum (:func:`sim.model.rule.make_operators`) is built per run.
        """
        return tie_matrices(self.tables)

    def tables_at(self, round_number: int) -> dict[str, sparse.csr_array]:
        """Raw tie matrices with every tie in force at the start of ``round_number``.

        A tie is in force from the round it enters until the round it leaves (excluded).
        """
        return {
            t.name: tie_matrix(
                (
                    (row, col, weight)
                    for enters, leaves, row, col, weight in self.entries[t.name]
                    if enters <= round_number < leaves
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


def tie_matrix(
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
