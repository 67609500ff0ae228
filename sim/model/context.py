"""What a channel or a post-vote stage may read about one vote: a read-only :class:`VoteContext`.

The model builds one context per vote (:meth:`sim.model.model.AllianceModel.vote`) and hands it
to every channel (:mod:`sim.model.channels`), which derives its own inputs from it, and to the
rule core (:mod:`sim.model.rule`), which reads only what every channel shares: the fixed votes
and the expected positions. Nothing here changes the model; a channel that needs something new
about the vote reads it from here instead of asking the model to compute it for everyone.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import Protocol

import numpy as np
from scipy import sparse

from sim.model.ledger import FavourLedger, Parties
from sim.model.votes import BoolArray, FloatArray, IntArray, VoteArray


class WorldView(Protocol):
    """The static arrays of a scenario a channel may read (:class:`sim.model.world.World`)."""

    @property
    def ids(self) -> tuple[str, ...]:
        """Country ids, in scenario order."""

    @property
    def attributes(self) -> Mapping[str, FloatArray]:
        """Every registered country attribute by name (n,)."""

    @property
    def issues(self) -> tuple[str, ...]:
        """Issue names, in the column order of ``opinion``."""

    @property
    def patron_budget(self) -> FloatArray:
        """Inducement budget at the start of the run (n,)."""


@dataclass(frozen=True)
class LedgerView:
    """A read-only view of the favour ledger (:class:`sim.model.ledger.FavourLedger`)."""

    _ledger: FavourLedger

    def pull(self, parties: Parties) -> FloatArray:
        """Net favours each country owes toward the parties, signed by what each wants (n,)."""
        return self._ledger.pull(parties)

    @property
    def balance(self) -> FloatArray:
        """``(n, n)`` what each country owes each other now (read-only)."""
        return self._ledger.balance_view


DEFAULT_HALF_LIFE = 730.0
"""Default half-life of a state's own record (``commitment_half_life``; two years in days)."""


@dataclass(frozen=True)
class OwnRecord:
    """Each state's own latest position on the vote's issue before the vote, and when.

    ``known`` is the latest recorded roll call dated before the vote (history); ``run`` is the
    state's own latest vote on the issue in this run. A record of the same day beats the run's
    vote.

    Attributes
    ----------
    known_position, known_time
        From the history: position (+1, 0, -1; 0 where none) and when (``-inf`` where none).
    run_position, run_time
        From the run: position and when (``-inf`` where it has not voted on the issue).
    now
        When the vote is held (day ordinal on a dated agenda, else the round).
    half_life
        Age at which a record counts half (``commitment_half_life``, same unit as ``now``).
    precedent
        Whether each state's record is its vote on one of the item's precedents (the same text
        voted before, :attr:`sim.model.world.Known.precedent`); None where the item names none.
    precedent_factor
        How many times a precedent's record counts (``commitment_precedent``; 1 = like any
        other record on the issue).
    """

    known_position: FloatArray
    known_time: FloatArray
    run_position: FloatArray
    run_time: FloatArray
    now: float
    half_life: float = DEFAULT_HALF_LIFE
    precedent: BoolArray | None = None
    precedent_factor: float = 1.0

    @cached_property
    def latest(self) -> FloatArray:
        """When each state's latest position was taken (``-inf`` where none) (n,)."""
        latest: FloatArray = np.maximum(self.known_time, self.run_time)
        return latest

    @cached_property
    def position(self) -> FloatArray:
        """Each state's latest known position on the issue, 0 where none (n,)."""
        recorded = self.known_time >= self.run_time
        position = np.where(recorded, self.known_position, self.run_position)
        chosen: FloatArray = np.where(np.isfinite(self.latest), position, 0.0)
        return chosen

    @cached_property
    def strength(self) -> FloatArray:
        """How many times each state's record counts: the precedent factor on a precedent (n,)."""
        strength: FloatArray = np.ones_like(self.known_time)
        if self.precedent is not None:
            strength[self.precedent & np.isfinite(self.known_time)] = self.precedent_factor
        return strength

    @cached_property
    def age(self) -> FloatArray:
        """How long ago it was taken (days or rounds; ``inf`` where none) (n,)."""
        age: FloatArray = self.now - self.latest
        return age


@dataclass(frozen=True)
class VoteContext:
    """Everything about one vote that channels and post-vote stages may read.

    Built once per vote by the model and never changed (a stage that changes what the vote
    reads, such as vote buying, makes a new one with :func:`dataclasses.replace`). Arrays are
    over countries in scenario order.

    Attributes
    ----------
    world
        The scenario's static arrays (attributes, ids, issues, budgets).
    tables
        The tie tables in force now (raw CSR, by table name; punishment may have cut them).
    resolution
        The resolution's id.
    parties
        Sponsors (+1) and target (-1): indices and preferences.
    issue
        Column of the resolution's issue in ``world.issues``.
    day
        The voting day (dated agendas), else None.
    salience
        Salience of the resolution in [0, 1].
    opinion
        Public opinion on the issue before the vote, in [-1, 1] (n,).
    fixed_votes
        A vote code per country that does not decide freely (sponsors yes, target no, scenario
        overrides, arrears and suspensions absent), else ``NO_FIXED_VOTE`` (n,).
    expected
        Positions of the others expected before any iteration: recorded positions from the
        history where known (positions, known), or None (everyone free starts at abstention).
    recorded
        This vote's own record in the history, else None (what follows the vote rests on it).
    absent_streak
        How many of the latest recorded votes before it each country missed in a row (n,).
    ledger
        The favour ledger as it stands before the vote (read-only).
    own_record
        Each state's own latest position on the issue and its age.
    noise
        The run's random draw for this vote: one shock per country, ``noise_sd`` times a
        standard normal from the run's generator, drawn whether or not it is used (n,).
    inducement
        Score bonus bought by patrons (n,); zeros until vote buying has run.
    absence_rate
        Share of the recorded roll calls dated before the vote (history, every issue) each
        state missed (n,); zeros where there is no earlier record
        (:class:`sim.model.absence.AbsenceHistory`). None in contexts built without a history.
    """

    world: WorldView
    tables: Mapping[str, sparse.csr_array]
    resolution: str
    parties: Parties
    issue: int
    day: dt.date | None
    salience: float
    opinion: FloatArray
    fixed_votes: VoteArray
    expected: tuple[FloatArray, BoolArray] | None
    recorded: VoteArray | None
    absent_streak: IntArray
    ledger: LedgerView
    own_record: OwnRecord
    noise: FloatArray
    inducement: FloatArray
    absence_rate: FloatArray | None = None

    @property
    def size(self) -> int:
        """Number of countries."""
        return int(self.fixed_votes.shape[0])
