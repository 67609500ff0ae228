"""A bare numpy kernel of the vote rule: the yardstick the project's speed is measured against.

The same rules as :mod:`sim.model` (channels, iterated best response, inducements, stay-aways,
the favour ledger with settle, punishment and decay, dated agendas and recorded history),
written as one loop over preallocated arrays: no Mesa, no recording, no dataclasses per vote.
``tests/test_kernel.py`` checks that it casts the same votes and ends with the same ledger as
:class:`sim.model.model.AllianceModel` on the bundled worlds, bit for bit, so the two stay in
step: a change to the rules must be made here too.

Static input preparation is shared with the project (:func:`sim.scenario.world.build_world` turns
the scenario into arrays, the registry's operator functions scale the tie tables, and
punishment's rare tie cuts use :func:`sim.model.ledger.cut_ties`); everything else from there
on is the kernel's own. The channels and post-vote stages are hard-coded in registry order;
importing this module checks that the registries still start with exactly these, and a run
refuses a scenario that switches on a channel registered after them, or any stage it does not
run (a new mechanism that is off by default needs no edit here).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import sparse

from sim.model.channels import REGISTRY
from sim.model.ledger import cut_ties
from sim.model.rule import Weights
from sim.model.stages import STAGES
from sim.scenario.schema import Parameters, Scenario
from sim.scenario.world import build_world

CHANNELS = (
    "trade",
    "security",
    "shared_adversaries",
    "own_adversaries",
    "domestic",
    "quid_pro_quo",
    "inducement",
    "noise",
    "prior_alignment",
    "commitment",
    "organisations",
)
TIE_COLS = (0, 1, 2, 3, 10)
"""The channels that pull toward partners through tie operators (registry order)."""
OWN_COLS = (4, 5, 6, 7, 8, 9)
"""The channels computed per country: domestic, quid pro quo, inducement, noise, prior
alignment, commitment."""
HALF_LIFE = 730.0
STAGES_RUN = ("buy", "stay_away", "habitual_absence", "settle", "punish", "decay")
"""The post-vote stages the kernel hard-codes, in registry order (others, off, may sit between)."""
if REGISTRY.names[: len(CHANNELS)] != CHANNELS or (
    tuple(n for n in STAGES.names if n in STAGES_RUN) != STAGES_RUN
):
    # pragma: no cover - fails loudly when a channel or stage is inserted or renamed
    raise RuntimeError(f"kernel out of step: {REGISTRY.names}, {STAGES.names}")


def _check_in_step(parameters: Parameters) -> None:
    """Channels and stages registered after the kernel's own must be off: it does not run them."""
    for channel in REGISTRY.weighted:
        if channel.name not in CHANNELS and parameters.weight(channel.name) != 0.0:
            raise RuntimeError(f"the kernel has no channel {channel.name!r}: set its weight to 0")
    for stage in STAGES:
        if stage.name not in STAGES_RUN and any(
            getattr(parameters, k) != v for k, v in stage.off.items()
        ):
            raise RuntimeError(f"the kernel has no stage {stage.name!r}: switch it off")


ABSENT, YES, ABSTAIN, NO = 0, 1, 2, 3
FREE = -1
POSITION = np.array([0.0, 1.0, 0.0, -1.0])
CUT = np.array([NO, ABSTAIN, YES], dtype=np.int8)
"""Vote code by ``1 + (score > band) - (score < -band)``."""
EPSILON = 1e-9


@dataclass
class KernelRun:
    """What the kernel produced: every vote cast, in order, and the final ledger."""

    votes: list[np.ndarray]
    balance: np.ndarray


def _operators(
    tables: dict[str, sparse.csr_array], w: np.ndarray
) -> tuple[list[sparse.csr_array], sparse.csr_array]:
    """Each tie channel's operator and their weighted sum (in the registry's order)."""
    channels = [REGISTRY[CHANNELS[k]] for k in TIE_COLS]
    matrices = [c.operator(tables) for c in channels if c.operator is not None]
    influence = None
    for k, channel in enumerate(channels):
        term = float(w[TIE_COLS[k]]) * matrices[k]
        if influence is None:
            influence = -term if channel.against else term
        else:
            influence = influence - term if channel.against else influence + term
    return [sparse.csr_array(m) for m in matrices], sparse.csr_array(influence)


def run_kernel(scenario: Scenario, rng: np.random.Generator, rounds: int) -> KernelRun:
    """Build the arrays of ``scenario`` and run ``rounds`` rounds with ``rng``'s draws."""
    # Mesa's Model draws one integer from the run's generator to seed Python's ``random``.
    rng.integers(np.iinfo(np.int32).max)
    p = scenario.parameters
    _check_in_step(p)
    world = build_world(scenario)
    n = world.size
    w = Weights.from_parameters(p).channel
    band0 = p.abstention_band
    neutral = p.neutrality > 0
    tables = dict(world.tables)
    ops, influence = _operators(tables, w)
    affinity = tables["alignment"]  # prior alignment's signed kappa table
    against = [REGISTRY[CHANNELS[k]].against for k in TIE_COLS]
    pressure = world.attributes["domestic_pressure"]
    budget = world.patron_budget.copy()
    has_budget = world.patron_budget > 0
    balance = np.zeros((n, n))
    party = np.zeros(n, dtype=bool)  # rows and columns that may hold a balance
    granted: set[int] = set()  # flat cells granted a favour
    issues = len(world.issues)
    own_position = np.zeros((n, issues))  # each state's latest own position per issue
    own_time = np.full((n, issues), -np.inf)
    punishments: list[tuple[np.ndarray, np.ndarray, float]] = []
    votes_cast: list[np.ndarray] = []

    def grant(round_number: int) -> None:
        for favour in world.favours.get(round_number, []):
            balance[favour.debtor, favour.creditor] += favour.amount
            granted.add(favour.debtor * n + favour.creditor)

    def classify(score: np.ndarray, band: float | np.ndarray) -> np.ndarray:
        return CUT[1 + (score > band).view(np.int8) - (score < -band).view(np.int8)]

    def contributions(own: np.ndarray, positions: np.ndarray) -> np.ndarray:
        out = np.empty((n, len(CHANNELS)))
        for k, column in enumerate(TIE_COLS):
            raw = ops[k] @ positions
            out[:, column] = (-raw if against[k] else raw) * w[column]
        out[:, OWN_COLS] = own
        return out

    def cross_pressure(c: np.ndarray) -> np.ndarray:
        return np.minimum(np.maximum(c, 0.0).sum(axis=1), -np.minimum(c, 0.0).sum(axis=1))

    def decide(own: np.ndarray, fixed: np.ndarray, codes: np.ndarray, known, extra):
        own_sum = own.sum(axis=1)
        base = band0 if extra is None else band0 + extra

        def respond(expected: np.ndarray) -> np.ndarray:
            if neutral:
                c = contributions(own, expected)
                bands = band0 + p.neutrality * cross_pressure(c)
                v = classify(c.sum(axis=1), bands if extra is None else bands + extra)
            else:
                v = classify(influence @ expected + own_sum, base)
            v[fixed] = codes
            return v

        votes = np.full(n, ABSTAIN, dtype=np.int8)
        votes[fixed] = codes
        expected = POSITION[votes]
        if known.known.any():  # history: a state is first expected to vote as it last did
            expected = np.where(known.known & ~fixed, known.position, expected)
        used = expected
        for _ in range(p.max_iterations):
            used = expected
            new = respond(expected)
            observed = POSITION[new]
            repeated = bool((new == votes).all())
            votes = new
            if repeated and (
                bool((used == observed).all()) or bool((respond(observed) == votes).all())
            ):
                used = observed
                break
            expected = expected + p.expectation_weight * (observed - expected)
        return votes, used

    def buy(c, votes, index, preference, free, extra):
        score = c.sum(axis=1)
        bands = band0 + p.neutrality * cross_pressure(c)  # each voter's own band
        if extra is not None:
            bands = bands + extra
        bonus = np.zeros(n)
        total = 0.0
        if p.inducement_price <= 0:
            return bonus, total
        position = POSITION[votes]
        for k, patron in enumerate(index):
            pref = float(preference[k])
            if budget[patron] <= 0:
                continue
            gap = np.where(pref * position < 0, -bands, bands) - pref * score
            reachable = (gap > 0) & (gap <= p.inducement_reach)
            candidates = np.flatnonzero(free & ~(pref * position > 0) & reachable)
            order = candidates[np.argsort(gap[candidates], kind="stable")]
            cost = np.cumsum(gap[order] * p.inducement_price)
            bought = order[cost <= float(budget[patron]) + 1e-12]
            add = np.zeros(n)
            add[bought] = pref * (gap[bought] + 1e-9)
            spent = float(gap[bought].sum() * p.inducement_price)
            bonus += add
            budget[patron] -= spent
            total += spent
        return bonus, total

    def vote(resolution, facts, now: float) -> None:
        nonlocal ops, influence
        index, preference = facts.parties.index, facts.parties.preference
        fixed_votes = facts.fixed_votes
        fixed = fixed_votes != FREE
        codes = fixed_votes[fixed]
        salience = resolution.salience
        issue = facts.issue
        recorded = facts.known.time >= own_time[:, issue]
        latest = np.maximum(facts.known.time, own_time[:, issue])
        record = np.where(recorded, facts.known.position, own_position[:, issue])
        record = np.where(np.isfinite(latest), record, 0.0)
        own = np.empty((n, len(OWN_COLS)))
        own[:, 0] = w[4] * salience * pressure * facts.opinion
        own[:, 1] = w[5] * np.tanh(balance[:, index] @ preference)
        own[:, 2] = 0.0
        own[:, 3] = p.noise_sd * rng.standard_normal(n)
        party_vector = np.zeros(n)
        party_vector[index] = preference
        own[:, 4] = w[8] * np.clip(affinity @ party_vector, -1.0, 1.0)
        fading = np.exp2(-(now - latest) / HALF_LIFE)
        own[:, 5] = w[9] * record * fading
        # a recorded abstention widens the band (commitment's band term)
        abstained = (record == 0.0) & np.isfinite(now - latest)
        extra = np.where(abstained, w[9] * fading, 0.0) if w[9] != 0.0 else None
        extra = extra if extra is not None and extra.any() else None
        votes, used = decide(own, fixed, codes, facts.known, extra)
        c = None
        if p.inducements and np.any(budget[index] > 0):
            c = contributions(own, used)
            bonus, spent = buy(c, votes, index, preference, ~fixed, extra)
            if spent > 0:
                own[:, 2] = bonus
                votes, used = decide(own, fixed, codes, facts.known, extra)
                c = None
        votes = votes.copy()
        if p.absence and salience <= p.absence_max_salience:
            if c is None:
                c = contributions(own, used)
            away = (votes == ABSTAIN) & (cross_pressure(c) >= p.absence_cross_pressure)
            votes[away & ~fixed] = ABSENT
        if p.absence_habit > 0:  # habitual absentees stay away again
            votes[(facts.absent_streak >= p.absence_habit) & ~fixed] = ABSENT
        votes_cast.append(votes)
        happened = votes if facts.recorded is None else facts.recorded  # a record rules after
        cast = happened != ABSENT
        own_position[cast, issue] = POSITION[happened[cast]]
        own_time[cast, issue] = now
        votes = happened
        if index.size == 0:
            return
        # Settle: a vote the way a party wants binds both sides (diffuse) or repays debt to
        # it first, then earns credit (specific).
        credit = p.favour_credit * salience
        owed_to = balance[:, index]
        owed_by = balance[index, :].T
        in_favour = POSITION[votes][:, None] * preference[None, :] > 0
        earned = np.where(in_favour, credit, 0.0)
        if p.reciprocity == "diffuse":
            new_to = owed_to + earned
            new_by = owed_by + earned
        else:
            repaid = np.minimum(owed_to, earned)
            new_to = owed_to - repaid
            new_by = owed_by + (earned - repaid)
        new_to[index] = owed_to[index]
        new_by[index] = owed_by[index]
        balance[:, index] = new_to
        balance[index, :] = new_by.T
        party[index] = True
        if not p.punishment:
            return
        opposed = POSITION[votes][:, None] * preference[None, :] < 0
        opposed[:, ~has_budget[index]] = False
        opposed[index] = False
        if not opposed.any():
            return
        keep = 1.0 - p.punishment_credit_loss
        for k, punisher in enumerate(index):
            balance[punisher, opposed[:, k]] *= keep
        punishments.append((opposed, index, 1.0 - p.punishment_tie_loss))
        for name in REGISTRY.sanctioned_tables:
            tables[name] = cut_ties(tables[name], opposed, index, 1.0 - p.punishment_tie_loss)
        ops, influence = _operators(tables, w)

    grant(0)
    factor = 1.0 - p.favour_decay
    timeline = world.timeline
    for round_number in range(1, rounds + 1):
        grant(round_number)
        if round_number in world.tie_rounds:  # dated ties come into force: rebuild, re-punish
            tables = world.tables_at(round_number)
            for opposed, index, keep in punishments:
                for name in REGISTRY.sanctioned_tables:
                    tables[name] = cut_ties(tables[name], opposed, index, keep)
            ops, influence = _operators(tables, w)
            affinity = tables["alignment"]
        for i in timeline.agenda.get(round_number, ()):
            resolution = scenario.agenda[i]
            facts = world.resolutions[resolution.id]
            day = facts.day
            vote(resolution, facts, float(day.toordinal()) if day else float(round_number))
        # Decay only where a balance can be: parties' rows and columns, and granted cells.
        parties = np.flatnonzero(party)
        if parties.size:
            balance[parties] *= factor
            balance[np.ix_(np.flatnonzero(~party), parties)] *= factor
        cells = np.fromiter(granted, dtype=np.int64, count=len(granted))
        rows, cols = np.divmod(cells, n)
        keep = ~(party[rows] | party[cols])
        balance[rows[keep], cols[keep]] *= factor
    return KernelRun(votes=votes_cast, balance=balance)
