"""The Mesa model: scenario -> arrays -> rules -> records.

Each round (a GA session in the bundled scenarios): favours dated to the round are granted; every
resolution on the round's agenda is voted on in agenda order (:func:`sim.rules.decide_votes`,
then optional inducements and stay-aways); after each vote the favour ledger is settled and
parties may punish opponents; at the end of the round every balance decays.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import mesa
import numpy as np

from sim.agents import Country
from sim.rules import (
    CHANNELS,
    NO_FIXED_VOTE,
    FloatArray,
    Vote,
    VoteArray,
    VoteInputs,
    VoteOutcome,
    allocate_inducements,
    country_bands,
    cut_ties,
    decide_votes,
    deciding_channels,
    favour_pull,
    make_ties,
    opposed,
    settle_favours,
    stay_away,
)
from sim.scenario import Resolution, Scenario
from sim.world import Parties, build_world, fixed_votes_of, parties_of, weights_of

FAVOUR_EPSILON = 1e-9
"""Balances below this many favour units are treated as settled."""


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
    """Everything a run produced, held as arrays until :mod:`sim.results` writes it."""

    votes: list[VoteRecord] = field(default_factory=list)
    favours: list[tuple[int, np.ndarray, np.ndarray, FloatArray]] = field(default_factory=list)


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
        self.trade = self.world.trade.copy()
        self.security = self.world.security.copy()
        self.ties = make_ties(self.trade, self.security, self.world.adversary, self.weights)
        self.favour_balance = np.zeros((n, n))
        self.patron_budget = self.world.patron_budget.copy()
        self.last_votes = np.full(n, -1, dtype=np.int8)
        self.repaid_this_round = np.zeros(n, dtype=bool)
        self.repaid_ever = np.zeros(n, dtype=bool)
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
                "resolutions": lambda m: sum(1 for r in m.record.votes if r.round == m.round),
                "favours_outstanding": lambda m: float(m.favour_balance.sum()),
                "debtors": lambda m: int((m.favour_balance.sum(axis=1) > FAVOUR_EPSILON).sum()),
                "debtors_repaid": lambda m: int(m.repaid_this_round.sum()),
                "budget_left": lambda m: float(m.patron_budget.sum()),
            }
        )
        self._grant_favours(0)
        self._record_favours()
        self.running = self.round < self.rounds

    def _grant_favours(self, round_number: int) -> None:
        for favour in self.spec.favours:
            if favour.round == round_number:
                debtor = self.world.index(favour.debtor)
                creditor = self.world.index(favour.creditor)
                self.favour_balance[debtor, creditor] += favour.amount

    def _record_favours(self) -> None:
        debtor, creditor = np.nonzero(self.favour_balance > FAVOUR_EPSILON)
        balance = self.favour_balance[debtor, creditor]
        self.record.favours.append((self.round, debtor, creditor, balance))

    def step(self) -> None:
        """Run one round: grant dated favours, vote the agenda, decay the ledger."""
        self.round += 1
        self.repaid_this_round[:] = False
        self._grant_favours(self.round)
        for resolution in self.spec.agenda:
            if resolution.comes_up(self.round):
                self.vote(resolution)
        self.favour_balance *= 1.0 - self.parameters.favour_decay
        self._record_favours()
        self.datacollector.collect(self)
        self.running = self.round < self.rounds

    def run(self) -> RunRecord:
        """Step until the last round and return the record."""
        while self.running:
            self.step()
        return self.record

    def _inputs(
        self, resolution: Resolution, parties: Parties, inducement: FloatArray | None = None
    ) -> VoteInputs:
        issue = self.world.issues.index(resolution.issue)
        n = self.world.size
        return VoteInputs(
            accountability=self.world.accountability,
            opinion=self.world.opinion[:, issue],
            salience=resolution.salience,
            favour_pull=favour_pull(self.favour_balance[:, parties.index], parties.preference),
            fixed_votes=fixed_votes_of(resolution, self.world),
            noise=self.parameters.noise_sd * self.rng.standard_normal(n),
            inducement=np.zeros(n) if inducement is None else inducement,
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
        parties = parties_of(resolution, self.world)
        inputs = self._inputs(resolution, parties)
        max_iterations = self.parameters.max_iterations
        outcome = decide_votes(
            self.ties, inputs, self.weights, max_iterations, self.parameters.expectation_weight
        )
        spent = 0.0
        if self.parameters.inducements and np.any(self.patron_budget[parties.index] > 0):
            bonus, spent = self._buy_votes(outcome, inputs, parties)
            if spent > 0:
                inputs = VoteInputs(**{**inputs.__dict__, "inducement": bonus})
                outcome = decide_votes(
                    self.ties,
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
        owed_to = self.favour_balance[:, parties.index]
        owed_by = self.favour_balance[parties.index, :].T
        update = settle_favours(
            owed_to, owed_by, votes, parties.preference, self.parameters.favour_credit * salience
        )
        new_to = update.owed_to_parties
        new_by = update.owed_by_parties
        # Parties neither owe nor earn with each other through their own resolution.
        new_to[parties.index] = owed_to[parties.index]
        new_by[parties.index] = owed_by[parties.index]
        self.favour_balance[:, parties.index] = new_to
        self.favour_balance[parties.index, :] = new_by.T
        repaid = update.repaid.sum(axis=1) > FAVOUR_EPSILON
        self.repaid_this_round |= repaid
        self.repaid_ever |= repaid
        if not self.parameters.punishment:
            return
        against = opposed(votes, parties.preference)
        against[:, self.world.patron_budget[parties.index] <= 0] = False
        against[parties.index] = False  # parties' own votes are fixed by their role
        if not against.any():
            return
        keep = 1.0 - self.parameters.punishment_credit_loss
        for k, punisher in enumerate(parties.index):
            self.favour_balance[punisher, against[:, k]] *= keep
        cut = 1.0 - self.parameters.punishment_tie_loss
        self.trade = cut_ties(self.trade, against, parties.index, cut)
        self.security = cut_ties(self.security, against, parties.index, cut)
        self.ties = make_ties(self.trade, self.security, self.world.adversary, self.weights)


def run_scenario(
    scenario: Scenario, *, rng: np.random.Generator | int | None = None, rounds: int | None = None
) -> AllianceModel:
    """Build a model, run it to the end, and return it (its ``record`` holds the results)."""
    model = AllianceModel(scenario, rng=rng, rounds=rounds)
    model.run()
    return model


__all__ = ["CHANNELS", "AllianceModel", "RunRecord", "VoteRecord", "run_scenario"]
