"""The Mesa model: scenario -> arrays -> rules -> records.

Each round (a GA session in the bundled scenarios): favours dated to the round are granted; every
resolution on the round's agenda is voted on in agenda order (:func:`sim.model.rule.decide_votes`,
then optional inducements and stay-aways); after each vote the favour ledger is settled and
parties may punish opponents (:mod:`sim.model.ledger`); at the end of the round every balance
decays.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import mesa
import numpy as np

from sim.model.agents import Country
from sim.model.channels import REGISTRY
from sim.model.ledger import FavourLedger, Parties, cut_ties, opposed
from sim.model.rule import (
    VoteInputs,
    VoteOutcome,
    allocate_inducements,
    country_bands,
    decide_votes,
    deciding_channels,
    make_operators,
    stay_away,
)
from sim.model.scenario import Resolution, Scenario
from sim.model.votes import NO_FIXED_VOTE, FloatArray, Vote, VoteArray
from sim.model.world import build_world, weights_of


@dataclass
class VoteRecord:
    """One resolution's vote as recorded: arrays over countries in scenario order."""

    round: int
    resolution: Resolution
    votes: VoteArray
    fixed: np.ndarray
    contributions: FloatArray
    bands: FloatArray
    deciding: np.ndarray
    iterations: int
    converged: bool
    inducement_spent: float


@dataclass
class RunRecord:
    """Everything a run produced, as arrays until :func:`sim.experiments.runs.write_run`."""

    votes: list[VoteRecord] = field(default_factory=list)
    favours: list[tuple[int, np.ndarray, np.ndarray, FloatArray]] = field(default_factory=list)


def _votes_this_round(model: AllianceModel) -> int:
    """Resolutions voted on in the model's current round (the record's last ones)."""
    count = 0
    for record in reversed(model.record.votes):
        if record.round != model.round:
            break
        count += 1
    return count


class AllianceModel(mesa.Model):  # type: ignore[misc]
    """UN General Assembly voting under trade, security, adversary, domestic and favour channels.

    Parameters
    ----------
    scenario
        A validated scenario.
    rng
        The run's random generator (or a seed for one); defaults to the scenario's seed.
    rounds
        Rounds to run; defaults to ``scenario.rounds``.

    Attributes
    ----------
    spec
        The validated scenario (``scenario`` is taken by Mesa >= 3.4 for its own experiment
        object).
    """

    def __init__(
        self,
        scenario: Scenario,
        *,
        rng: np.random.Generator | int | None = None,
        rounds: int | None = None,
    ) -> None:
        super().__init__(rng=np.random.default_rng(scenario.seed if rng is None else rng))
        self.spec = scenario
        self.parameters = scenario.parameters
        self.weights = weights_of(scenario.parameters)
        self.world = build_world(scenario)
        self.rounds = scenario.rounds if rounds is None else rounds
        self.round = 0
        n = self.world.size
        self.tables = dict(self.world.tables)
        self.operators = make_operators(self.tables, self.weights)
        self.ledger = FavourLedger(n)
        self.patron_budget = self.world.patron_budget.copy()
        self.last_votes = np.full(n, -1, dtype=np.int8)
        self.record = RunRecord()
        Country.create_agents(
            self,
            n,
            country_id=list(self.world.ids),
            name=list(self.world.names),
            index=list(range(n)),
        )
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
        self.record.favours.append((self.round, *self.ledger.outstanding()))

    def step(self) -> None:
        """Run one round: grant dated favours, vote the agenda, decay the ledger."""
        self.round += 1
        self.ledger.new_round()
        self.ledger.grant(self.world.favours.get(self.round, []))
        for resolution in self.spec.agenda:
            if resolution.comes_up(self.round):
                self.vote(resolution)
        self.ledger.decay(self.parameters.favour_decay)
        self._record_favours()
        self.datacollector.collect(self)
        self.running = self.round < self.rounds

    def run(self) -> RunRecord:
        """Step until the last round and return the record."""
        while self.running:
            self.step()
        return self.record

    def _inputs(
        self, resolution: Resolution, parties: Parties, fixed_votes: VoteArray, issue: int
    ) -> VoteInputs:
        n = self.world.size
        return VoteInputs(
            attributes=self.world.attributes,
            opinion=self.world.opinion[:, issue],
            salience=resolution.salience,
            favour_pull=self.ledger.pull(parties),
            fixed_votes=fixed_votes,
            noise=self.parameters.noise_sd * self.rng.standard_normal(n),
            inducement=np.zeros(n),
        )

    def _buy_votes(
        self, outcome: VoteOutcome, inputs: VoteInputs, parties: Parties
    ) -> tuple[FloatArray, float]:
        """Every patron among the parties spends on persuadable voters.

        All patrons bid against the same pre-inducement scores; their bonuses add up, so
        opposing patrons can cancel each other out.
        """
        bonus = np.zeros(self.world.size)
        spent_total = 0.0
        eligible = inputs.fixed_votes == NO_FIXED_VOTE
        for k, patron in enumerate(parties.index):
            add, spent = allocate_inducements(
                outcome.score,
                outcome.votes,
                self.weights.abstention_band,
                float(parties.preference[k]),
                float(self.patron_budget[patron]),
                self.parameters.inducement_price,
                self.parameters.inducement_reach,
                eligible,
            )
            bonus += add
            self.patron_budget[patron] -= spent
            spent_total += spent
        return bonus, spent_total

    def vote(self, resolution: Resolution) -> VoteRecord:
        """Vote on one resolution now, settle the ledger, punish, and record."""
        facts = self.world.resolutions[resolution.id]
        parties = facts.parties
        inputs = self._inputs(resolution, parties, facts.fixed_votes, facts.issue)
        max_iterations = self.parameters.max_iterations
        outcome = decide_votes(
            self.operators, inputs, self.weights, max_iterations, self.parameters.expectation_weight
        )
        spent = 0.0
        if self.parameters.inducements and np.any(self.patron_budget[parties.index] > 0):
            bonus, spent = self._buy_votes(outcome, inputs, parties)
            if spent > 0:
                inputs = VoteInputs(**{**inputs.__dict__, "inducement": bonus})
                outcome = decide_votes(
                    self.operators,
                    inputs,
                    self.weights,
                    max_iterations,
                    self.parameters.expectation_weight,
                )
        votes = outcome.votes.copy()
        free = inputs.fixed_votes == NO_FIXED_VOTE
        if self.parameters.absence:
            away = stay_away(
                votes,
                outcome.contributions,
                resolution.salience,
                self.parameters.absence_cross_pressure,
                self.parameters.absence_max_salience,
            )
            votes[away & free] = Vote.ABSENT
        self._settle(votes, parties, resolution.salience)
        self.last_votes = votes
        bands = country_bands(outcome.contributions, self.weights)
        record = VoteRecord(
            round=self.round,
            resolution=resolution,
            votes=votes,
            fixed=~free,
            contributions=outcome.contributions,
            bands=bands,
            deciding=deciding_channels(outcome.contributions, votes, bands),
            iterations=outcome.iterations,
            converged=outcome.converged,
            inducement_spent=spent,
        )
        self.record.votes.append(record)
        return record

    def _settle(self, votes: VoteArray, parties: Parties, salience: float) -> None:
        """Repay and earn favours with the parties; patrons punish those who opposed them."""
        if parties.index.size == 0:
            return
        self.ledger.settle(votes, parties, self.parameters.favour_credit * salience)
        if not self.parameters.punishment:
            return
        against = opposed(votes, parties.preference)
        against[:, self.world.patron_budget[parties.index] <= 0] = False
        against[parties.index] = False  # parties' own votes are fixed by their role
        if not against.any():
            return
        self.ledger.punish(against, parties, 1.0 - self.parameters.punishment_credit_loss)
        cut = 1.0 - self.parameters.punishment_tie_loss
        for name in REGISTRY.sanctioned_tables:
            self.tables[name] = cut_ties(self.tables[name], against, parties.index, cut)
        self.operators = make_operators(self.tables, self.weights)


def run_scenario(
    scenario: Scenario, *, rng: np.random.Generator | int | None = None, rounds: int | None = None
) -> AllianceModel:
    """Build a model, run it to the end, and return it (its ``record`` holds the results)."""
    model = AllianceModel(scenario, rng=rng, rounds=rounds)
    model.run()
    return model


__all__ = ["AllianceModel", "RunRecord", "VoteRecord", "run_scenario"]
