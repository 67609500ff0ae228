"""The Mesa model: scenario -> arrays -> rules -> records.

Each round (a GA session in the bundled scenarios): favours dated to the round are granted; every
resolution on the round's agenda is voted on in agenda order: the model builds the vote's
read-only context (:class:`sim.model.context.VoteContext`), the rule decides
(:func:`sim.model.rule.decide_votes`), and the post-vote stages run in registry order
(:data:`sim.model.stages.STAGES`: vote buying, stay-aways, habitual absence, settling the favour
ledger, punishment). The stages that act on what happened (settling, punishment) act on a vote
the scenario's history records only once the round's votes are done: a record counts only after
its day, like every dated fact. At the end of the round the end-of-round stages run (decay).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Generic, Protocol, TypeVar

import mesa
import numpy as np

from sim.model.agents import Country
from sim.model.channels import COMMITMENT_HALF_LIFE, COMMITMENT_PRECEDENT, REGISTRY
from sim.model.context import LedgerView, OwnRecord, VoteContext
from sim.model.ledger import DENSE_CELLS, FAVOUR_EPSILON, FavourLedger, cut_ties
from sim.model.rule import (
    VoteOutcome,
    WeightParameters,
    Weights,
    country_bands,
    decide_votes,
    deciding_channels,
    make_operators,
)
from sim.model.stages import STAGES, StageHost, VoteState
from sim.model.votes import POSITION_OF_VOTE, BoolArray, FloatArray, IntArray, Vote, VoteArray
from sim.model.world import ResolutionFacts, World


class AgendaItem(Protocol):
    """What the model reads of a resolution (:class:`sim.scenario.schema.Resolution`)."""

    @property
    def id(self) -> str:
        """The resolution's id (its facts are ``world.resolutions[id]``)."""

    @property
    def salience(self) -> float:
        """How much the vote matters to domestic audiences, in [0, 1]."""


class ModelParameters(WeightParameters, Protocol):
    """What the model reads of the parameters (:class:`sim.scenario.schema.Parameters`).

    The stages read their blocks from it by field name (:meth:`sim.model.stages.Stage.block`).
    """

    @property
    def noise_sd(self) -> float:
        """Std. dev. of the per-country, per-resolution shock."""

    @property
    def max_iterations(self) -> int:
        """Cap on best-response iterations per decision."""

    @property
    def expectation_weight(self) -> float:
        """Share by which expected positions move toward observed ones per iteration."""


class RunSpec(Protocol):
    """What the model reads of a scenario (:class:`sim.scenario.schema.Scenario`).

    The model never sees scenario files or the schema: the scenario layer above it validates
    them and builds the :class:`~sim.model.world.World` (:func:`sim.scenario.world.build_world`).
    """

    @property
    def seed(self) -> int:
        """The default seed of a run."""

    @property
    def parameters(self) -> ModelParameters:
        """The global parameters of the rules."""

    @property
    def agenda(self) -> Sequence[AgendaItem]:
        """The agenda items, indexed by the world's timeline."""


@dataclass
class VoteRecord:
    """One resolution's vote as recorded: arrays over countries in scenario order.

    ``bands`` and ``deciding`` are derived from the recorded contributions and votes when first
    read, by the same functions and on the same arrays as at the vote, so they are the same bit
    for bit; a run whose results are never written (most sweep runs) never pays for them.
    """

    round: int
    resolution: AgendaItem
    votes: VoteArray
    fixed: np.ndarray
    contributions: FloatArray
    iterations: int
    converged: bool
    inducement_spent: float
    weights: Weights = field(repr=False)
    band_extra: FloatArray | None = field(default=None, repr=False)

    @cached_property
    def bands(self) -> FloatArray:
        """Each country's abstention band at the vote, channels' band terms included."""
        bands = country_bands(self.contributions, self.weights)
        return bands if self.band_extra is None else bands + self.band_extra

    @cached_property
    def deciding(self) -> IntArray:
        """Registry index of the channel that decided each vote (``deciding_channels``)."""
        return deciding_channels(self.contributions, self.votes, self.bands)


@dataclass
class RunRecord:
    """Everything a run produced, as arrays until :func:`sim.experiments.runs.write_run`."""

    votes: list[VoteRecord] = field(default_factory=list)
    favours: list[tuple[int, np.ndarray, np.ndarray, FloatArray]] = field(default_factory=list)


def _votes_this_round(model: AllianceModel[RunSpec]) -> int:
    """Resolutions voted on in the model's current round (the record's last ones)."""
    count = 0
    for record in reversed(model.record.votes):
        if record.round != model.round:
            break
        count += 1
    return count


def _outstanding(ledger: FavourLedger) -> tuple[IntArray, IntArray, FloatArray]:
    """Return what ``ledger.outstanding()`` returns: the round's favours record.

    A ledger small enough to be scanned whole (:data:`sim.model.ledger.DENSE_CELLS`) is scanned
    as one flat array: ``np.flatnonzero`` and ``divmod`` list the same cells in the same
    row-major order as the ledger's 2-D ``np.nonzero``, at a fifth of its cost (~40 against
    ~190 us at n = 193, once a round). Larger ledgers list their tracked entries themselves.
    """
    n = ledger.size
    if n * n > DENSE_CELLS:
        return ledger.outstanding()
    flat = ledger.balance.ravel()
    cells = np.flatnonzero(flat > FAVOUR_EPSILON)
    debtor, creditor = np.divmod(cells, n)
    return debtor, creditor, flat[cells]


S = TypeVar("S", bound=RunSpec)

AfterVote = Callable[[StageHost, VoteState, Any], None]
"""A post-vote stage's ``after_vote`` (:attr:`sim.model.stages.Stage.after_vote`)."""


class AllianceModel(mesa.Model, Generic[S]):  # type: ignore[misc]
    """UN General Assembly voting under trade, security, adversary, domestic and favour channels.

    Parameters
    ----------
    scenario
        A validated scenario (what the model reads of it: :class:`RunSpec`).
    world
        Its arrays, built by :func:`sim.scenario.world.build_world` (it reads no parameters,
        so the runs of a parameter sweep share one); the model only reads it.
    rng
        The run's random generator (or a seed for one); defaults to the scenario's seed.
    rounds
        Rounds to run; defaults to the world's timeline (``scenario.rounds``).

    Attributes
    ----------
    spec
        The validated scenario, typed as given (``AllianceModel[Scenario]`` above the model;
        ``scenario`` is taken by Mesa >= 3.4 for its own experiment object).
    """

    def __init__(
        self,
        scenario: S,
        world: World,
        *,
        rng: np.random.Generator | int | None = None,
        rounds: int | None = None,
    ) -> None:
        super().__init__(rng=np.random.default_rng(scenario.seed if rng is None else rng))
        self.spec: S = scenario
        self.parameters = scenario.parameters
        self.weights = Weights.from_parameters(scenario.parameters)
        self.world = world
        self.rounds = self.world.timeline.rounds if rounds is None else rounds
        self.round = 0
        n = self.world.size
        self.tables = dict(self.world.tables)
        self.operators = make_operators(self.tables, self.weights, self.world.tie_matrices)
        self.ledger = FavourLedger(n)
        self.start_budget = self.world.patron_budget
        self.patron_budget = self.world.patron_budget.copy()
        blocks = [(stage, stage.block(scenario.parameters)) for stage in STAGES]
        self._after_vote = [
            (s.after_vote, b, s.on_record) for s, b in blocks if s.after_vote is not None
        ]
        # stages acting on a recorded vote of this round, run at its end (after its day)
        self._after_day: list[tuple[AfterVote, VoteState, Any]] = []
        self._end_of_round = [(s.end_of_round, b) for s, b in blocks if s.end_of_round is not None]
        self.last_votes = np.full(n, -1, dtype=np.int8)
        # each country's latest own position per issue in this run, and when (for history)
        self.own_position = np.zeros((n, len(self.world.issues)))
        self.own_time = np.full((n, len(self.world.issues)), -np.inf)
        # whether that position is a recorded vote (known to the states only after its day)
        self.own_recorded = np.zeros((n, len(self.world.issues)), dtype=bool)
        self.punishments: list[tuple[BoolArray, IntArray, float]] = []
        self.record = RunRecord()
        Country.create_agents(
            self,
            n,
            country_id=list(self.world.ids),
            name=list(self.world.names),
            index=list(range(n)),
        )
        # mesa 3.3 keys a class-level id counter by model (Agent._ids), which keeps every model
        # ever built alive (~1.2 MB each: calibration ran out of memory). All agents exist now.
        # Mesa 3.5 has no such counter.
        counters = getattr(mesa.Agent, "_ids", None)
        if counters is not None:
            counters.pop(self, None)
        self.datacollector = mesa.DataCollector(
            model_reporters={
                "round": "round",
                "resolutions": _votes_this_round,
                "favours_outstanding": lambda m: m.ledger.total(),
                "debtors": lambda m: m.ledger.debtors(),
                "debtors_repaid": lambda m: int(m.ledger.repaid_this_round.sum()),
                "budget_left": lambda m: float(m.patron_budget.sum()),
            }
        )
        self.ledger.grant(self.world.favours.get(0, []))
        self._record_favours()
        self.running = self.round < self.rounds

    @property
    def favour_balance(self) -> FloatArray:
        """``(n, n)``: what each country owes each other now (the ledger's balances)."""
        return self.ledger.balance

    def _record_favours(self) -> None:
        self.record.favours.append((self.round, *_outstanding(self.ledger)))

    def step(self) -> None:
        """Run one round: grant dated favours, vote the agenda, act on its records, decay."""
        self.round += 1
        self.ledger.new_round()
        self.ledger.grant(self.world.favours.get(self.round, []))
        if self.round in self.world.tie_rounds:
            self._ties_come_into_force()
        for index in self.world.timeline.agenda.get(self.round, ()):
            self.vote(self.spec.agenda[index])
        for after_vote, state, block in self._after_day:
            after_vote(self, state, block)
        self._after_day.clear()
        for end_of_round, block in self._end_of_round:
            end_of_round(self, block)
        self._record_favours()
        self.datacollector.collect(self)
        self.running = self.round < self.rounds

    def _ties_come_into_force(self) -> None:
        """Dated ties enter or end this round: rebuild the tables, re-apply every punishment."""
        self.tables = self.world.tables_at(self.round)
        for against, parties, keep in self.punishments:
            for name in REGISTRY.sanctioned_tables:
                self.tables[name] = cut_ties(self.tables[name], against, parties, keep)
        self.operators = make_operators(self.tables, self.weights)

    def _now(self, day: object) -> float:
        """Return the time of a vote: its day (ordinal) on a dated agenda, else the round."""
        if isinstance(day, dt.date):
            return float(day.toordinal())
        return float(self.round)

    def run(self) -> RunRecord:
        """Step until the last round and return the record."""
        while self.running:
            self.step()
        return self.record

    def _context(self, resolution: AgendaItem, facts: ResolutionFacts) -> VoteContext:
        """Build the vote's read-only context, drawing its noise from the run's generator."""
        issue = facts.issue
        run_position, run_time = self._run_record(facts)
        return VoteContext(
            world=self.world,
            tables=self.tables,
            resolution=resolution.id,
            parties=facts.parties,
            issue=issue,
            day=facts.day,
            salience=resolution.salience,
            opinion=facts.opinion,
            fixed_votes=facts.fixed_votes,
            expected=(facts.known.position, facts.known.known) if facts.known.known.any() else None,
            recorded=facts.recorded,
            absent_streak=facts.absent_streak,
            ledger=LedgerView(self.ledger),
            own_record=OwnRecord(
                known_position=facts.known.position,
                known_time=facts.known.time,
                run_position=run_position,
                run_time=run_time,
                now=self._now(facts.day),
                # a registry ChannelParameter: a field of every schema Parameters
                half_life=float(getattr(self.parameters, COMMITMENT_HALF_LIFE.name)),
                precedent=facts.known.precedent,
                precedent_factor=float(getattr(self.parameters, COMMITMENT_PRECEDENT.name)),
            ),
            noise=self.parameters.noise_sd * self.rng.standard_normal(self.world.size),
            inducement=np.zeros(self.world.size),
            absence_rate=facts.absence_rate,
        )

    def _run_record(self, facts: ResolutionFacts) -> tuple[FloatArray, FloatArray]:
        """Each state's latest vote in this run on the item's issue, and when.

        Where a state has not voted on the issue, its latest on the nearest issue it inherits;
        none where its record is a precedent's (the same question on record outranks it). A
        recorded vote (one the history holds, taken as what happened) counts only after its
        day, like every dated fact (:mod:`sim.model.timeline`): on a day of several votes, the
        order of the records is not the order of the votes.
        """
        now = self._now(facts.day)

        def latest(issue: int) -> tuple[FloatArray, FloatArray]:
            time = self.own_time[:, issue].copy()
            time[self.own_recorded[:, issue] & (time >= now)] = -np.inf
            return self.own_position[:, issue].copy(), time

        position, time = latest(facts.issue)
        for parent in facts.inherits:
            missing = ~np.isfinite(time)
            parent_position, parent_time = latest(parent)
            position[missing] = parent_position[missing]
            time[missing] = parent_time[missing]
        if facts.known.precedent is not None:
            time[facts.known.precedent] = -np.inf
        return position, time

    def decide(self, context: VoteContext) -> VoteOutcome:
        """Decide the vote in ``context`` by iterated best response with the run's operators."""
        return decide_votes(
            self.operators,
            context,
            self.weights,
            self.parameters.max_iterations,
            self.parameters.expectation_weight,
        )

    def vote(self, resolution: AgendaItem) -> VoteRecord:
        """Vote on one resolution now, run the post-vote stages, and record.

        A stage that acts on what happened (:attr:`sim.model.stages.Stage.on_record`) waits
        for the end of the round when the history holds this vote's record: on a day of
        several votes the records' order is not the votes', so the ledger and the ties the
        day's other votes read must not hold it (:meth:`_run_record` keeps it from the states'
        own record the same way).
        """
        facts = self.world.resolutions[resolution.id]
        context = self._context(resolution, facts)
        outcome = self.decide(context)
        state = VoteState(context, outcome, outcome.votes.copy())
        for after_vote, block, on_record in self._after_vote:
            if on_record and context.recorded is not None:
                # a recorded vote counts only after its day (see _run_record)
                self._after_day.append((after_vote, state, block))
            else:
                after_vote(self, state, block)
        happened = state.happened
        cast = happened != Vote.ABSENT
        self.own_position[cast, facts.issue] = POSITION_OF_VOTE[happened[cast]]
        self.own_time[cast, facts.issue] = self._now(facts.day)
        self.own_recorded[cast, facts.issue] = context.recorded is not None
        self.last_votes = state.votes
        record = VoteRecord(
            round=self.round,
            resolution=resolution,
            votes=state.votes,
            fixed=~state.free,
            contributions=state.outcome.contributions,
            iterations=state.outcome.iterations,
            converged=state.outcome.converged,
            inducement_spent=state.spent,
            weights=self.weights,
            band_extra=state.outcome.band_extra,
        )
        self.record.votes.append(record)
        return record


__all__ = ["AgendaItem", "AllianceModel", "ModelParameters", "RunRecord", "RunSpec", "VoteRecord"]
