"""Post-vote stages: what happens after the rule has decided a vote, as an ordered registry.

A *stage* is one mechanism that acts once the best response has settled: vote buying, staying
away, habitual absence, settling the favour ledger, punishment, and (at the end of each round)
the decay of favour balances. Each is one :class:`Stage` record: its name, what it does and
where that comes from, its parameter block (a frozen dataclass whose fields, with their
defaults, bounds and descriptions, become fields of the scenario's ``parameters``, as channel
weights do), the parameter values that switch it off, and the function the model calls after
each vote (``after_vote``) or at the end of each round (``end_of_round``). The model iterates
:data:`STAGES` in order; adding a stage is one :meth:`StageRegistry.register` call here plus
its test (see ``docs/ARCHITECTURE.md``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import Field, dataclass, field, fields, replace
from typing import Any, Generic, Literal, Protocol, TypeVar, get_args, get_origin, get_type_hints

import numpy as np
from scipy import sparse

from sim.model.channels import REGISTRY
from sim.model.context import VoteContext
from sim.model.ledger import FavourLedger, cut_ties, opposed
from sim.model.rule import Operators, VoteOutcome, Weights, cross_pressure, make_operators
from sim.model.votes import (
    NO_FIXED_VOTE,
    POSITION_OF_VOTE,
    BoolArray,
    FloatArray,
    IntArray,
    Vote,
    VoteArray,
)

Block = TypeVar("Block")


def parameter(
    default: float | bool | str,
    description: str,
    *,
    low: float | None = None,
    high: float | None = None,
) -> Any:
    """Declare one field of a stage's parameter block (a scenario parameter).

    Parameters
    ----------
    default
        Its default; its type (bool, int, float, or a ``Literal`` of words) is the field's.
    description
        What it means and its unit (the scenario schema's and the ODD's description).
    low, high
        Bounds of a number; ``high`` None means any finite value from ``low`` up.
    """
    return field(default=default, metadata={"description": description, "low": low, "high": high})


class StageHost(Protocol):
    """What a stage may read and change of the model (:class:`sim.model.model.AllianceModel`)."""

    ledger: FavourLedger
    patron_budget: FloatArray
    start_budget: FloatArray
    weights: Weights
    tables: dict[str, sparse.csr_array]
    operators: Operators
    punishments: list[tuple[BoolArray, IntArray, float]]

    def decide(self, context: VoteContext) -> VoteOutcome:
        """Decide the vote in ``context`` by the rule (iterated best response)."""


@dataclass
class VoteState:
    """One vote as the stages see it, in the order they run.

    Attributes
    ----------
    context
        The vote's read-only context (vote buying replaces it with one that carries the bonus).
    outcome
        The rule's decision (vote buying may decide again).
    votes
        The votes as cast (n,); stages may record free voters absent.
    spent
        What patrons spent buying votes on it.
    """

    context: VoteContext
    outcome: VoteOutcome
    votes: VoteArray
    spent: float = 0.0

    @property
    def free(self) -> BoolArray:
        """Countries that decided freely (no fixed vote) (n,)."""
        free: BoolArray = self.context.fixed_votes == NO_FIXED_VOTE
        return free

    @property
    def happened(self) -> VoteArray:
        """The votes what follows the vote rests on: the recorded ones when the history has them."""
        return self.votes if self.context.recorded is None else self.context.recorded


@dataclass(frozen=True)
class Stage(Generic[Block]):
    """One post-vote stage.

    Attributes
    ----------
    name
        Short name (ODD, tests).
    doc
        What it does and the literature it comes from (one or two sentences).
    parameters
        Its parameter block: a frozen dataclass declared with :func:`parameter` fields.
    off
        Parameter values that switch it off (it then changes nothing).
    after_vote
        Called after each vote, in registry order: ``after_vote(host, state, block)``; if
        ``on_record`` (it reads :attr:`VoteState.happened`), after a vote the history records
        at the end of its round instead, as a record counts only after its day.
    end_of_round
        Called at the end of each round: ``end_of_round(host, block)``.
    """

    name: str
    doc: str
    parameters: type[Block]
    off: Mapping[str, Any]
    after_vote: Callable[[StageHost, VoteState, Block], None] | None = None
    end_of_round: Callable[[StageHost, Block], None] | None = None
    on_record: bool = False

    def __post_init__(self) -> None:
        unknown = set(self.off) - {f.name for f in self.fields}
        if unknown:
            raise ValueError(f"stage {self.name!r}: 'off' names no parameter: {sorted(unknown)}")

    @property
    def fields(self) -> tuple[Field[Any], ...]:
        """Its parameter fields, in declaration order."""
        return fields(self.parameters)  # type: ignore[arg-type]

    def block(self, values: object) -> Block:
        """Its parameter block, read from a scenario's ``parameters`` by field name."""
        return self.parameters(**{f.name: getattr(values, f.name) for f in self.fields})


@dataclass
class StageRegistry:
    """The ordered stages; frozen once the scenario schema has been built from it."""

    _stages: list[Stage[Any]] = field(default_factory=list)
    frozen: bool = False

    def register(self, stage: Stage[Block]) -> Stage[Block]:
        """Add a stage at the end (it runs after the ones registered before)."""
        if self.frozen:
            raise RuntimeError(
                f"stage {stage.name!r} registered after the scenario schema was built: "
                "register stages before importing sim.scenario.schema"
            )
        if stage.name in self.names:
            raise ValueError(f"stage {stage.name!r} is registered already")
        taken = {f.name for s in self._stages for f in s.fields}
        clash = taken & {f.name for f in stage.fields}
        if clash:
            raise ValueError(f"stage {stage.name!r}: parameters taken already: {sorted(clash)}")
        self._stages.append(stage)
        return stage

    def __iter__(self) -> Iterator[Stage[Any]]:
        return iter(self._stages)

    def __len__(self) -> int:
        return len(self._stages)

    def __getitem__(self, name: str) -> Stage[Any]:
        return {stage.name: stage for stage in self._stages}[name]

    @property
    def names(self) -> tuple[str, ...]:
        """Stage names in the order they run."""
        return tuple(s.name for s in self._stages)


STAGES = StageRegistry()
"""The post-vote stages of the model, in the order they run."""


def allocate_inducements(
    score: FloatArray,
    votes: VoteArray,
    band: float | FloatArray,
    preference: float,
    budget: float,
    price: float,
    reach: float,
    eligible: BoolArray,
) -> tuple[FloatArray, float]:
    """Buy one-category swings for a patron from the cheapest persuadable voters.

    A voter is persuadable when its score is within ``reach`` of the next boundary toward the
    patron's side; swinging it costs ``price`` per score unit of that gap. The patron buys the
    cheapest swings first until its budget runs out (a greedy version of the vote-buying models
    of Groseclose & Snyder 1996).

    Parameters
    ----------
    score
        Net support before inducements (n,).
    votes
        Votes before inducements (n,).
    band
        Abstention band: one for all, or each country's own (n,) as the vote used it
        (:func:`sim.model.rule.country_bands`); a swing is priced to the voter's own boundary.
    preference
        +1 if the patron sponsors the resolution, -1 if it is the target.
    budget
        What the patron can spend (budget units).
    price
        Budget units per score unit of swing.
    reach
        Largest gap a patron will try to close (score units).
    eligible
        Countries that may be bought (n,): free voters that are not parties.

    Returns
    -------
    tuple
        The bonus added to each voter's score (n,), signed toward the patron's side, and the
        amount spent.
    """
    bonus = np.zeros_like(score)
    if budget <= 0 or price <= 0:
        return bonus, 0.0
    # Distance to the next boundary toward the patron's side, in the patron's direction.
    oriented = preference * score
    next_boundary = np.where(
        preference * POSITION_OF_VOTE[votes] < 0, -band, band
    )  # opposed -> reach abstain; abstaining -> reach the patron's side
    gap = next_boundary - oriented
    on_side = preference * POSITION_OF_VOTE[votes] > 0
    # gap > 0: a swing always costs something, so buying never adds to a budget.
    candidates = np.flatnonzero(eligible & ~on_side & (gap > 0) & (gap <= reach))
    order = candidates[np.argsort(gap[candidates], kind="stable")]
    cost = np.cumsum(gap[order] * price)
    bought = order[cost <= budget + 1e-12]
    # A hair past the boundary, so that the bought voter crosses it (the cut is strict).
    bonus[bought] = preference * (gap[bought] + 1e-9)
    spent = float(gap[bought].sum() * price)
    return bonus, spent


def stay_away(
    votes: VoteArray,
    contributions: FloatArray,
    salience: float,
    min_cross_pressure: float,
    max_salience: float,
) -> BoolArray:
    """Abstainers that stay away instead: cross-pressure high and the resolution not salient.

    Parameters
    ----------
    votes
        Vote codes (n,).
    contributions
        ``(n, len(CHANNELS))`` channel contributions.
    salience
        The resolution's salience in [0, 1].
    min_cross_pressure
        Cross-pressure (score units) at which an abstainer stays away.
    max_salience
        Stay-aways happen only on resolutions at most this salient.

    Returns
    -------
    numpy.ndarray
        Boolean mask (n,) of countries recorded absent.
    """
    if salience > max_salience:
        return np.zeros(votes.shape, dtype=bool)
    away: BoolArray = (votes == Vote.ABSTAIN) & (
        cross_pressure(contributions) >= min_cross_pressure
    )
    return away


@dataclass(frozen=True)
class BuyParameters:
    """Vote buying (:func:`buy_votes`)."""

    inducements: bool = parameter(False, "Patrons buy persuadable votes.")
    inducement_price: float = parameter(
        1.0, "Budget units per score unit of swing (0 disables buying).", low=0.0
    )
    inducement_reach: float = parameter(0.3, "Largest score gap a patron tries to close.", low=0.0)


def buy_votes(host: StageHost, state: VoteState, p: BuyParameters) -> None:
    """Every patron among the parties spends on persuadable voters; then the vote is redone.

    All patrons bid against the same pre-inducement scores; their bonuses add up, so opposing
    patrons can cancel each other out. When anything was bought the rule decides again with
    the bonus as the inducement channel (the second decision is recorded).
    """
    parties = state.context.parties
    if not p.inducements or not np.any(host.patron_budget[parties.index] > 0):
        return
    outcome = state.outcome
    bonus = np.zeros(state.context.size)
    spent_total = 0.0
    bands = outcome.bands(host.weights)  # each state's own band
    for k, patron in enumerate(parties.index):
        add, spent = allocate_inducements(
            outcome.score,
            outcome.votes,
            bands,
            float(parties.preference[k]),
            float(host.patron_budget[patron]),
            p.inducement_price,
            p.inducement_reach,
            state.free,
        )
        bonus += add
        host.patron_budget[patron] -= spent
        spent_total += spent
    state.spent = spent_total
    if spent_total > 0:
        state.context = replace(state.context, inducement=bonus)
        state.outcome = host.decide(state.context)
        state.votes = state.outcome.votes.copy()


STAGES.register(
    Stage(
        "buy",
        "Patrons among a resolution's parties buy one-category swings from the cheapest "
        "persuadable free voters, within their budget (Groseclose & Snyder 1996; side "
        "payments, Carter & Stone 2015).",
        BuyParameters,
        off={"inducements": False},
        after_vote=buy_votes,
    )
)


@dataclass(frozen=True)
class StayAwayParameters:
    """Strategic absence (:func:`stay_away`)."""

    absence: bool = parameter(False, "Cross-pressured abstainers stay away on low-salience votes.")
    absence_cross_pressure: float = parameter(
        0.5, "Cross-pressure (score units) at which an abstainer stays away.", low=0.0
    )
    absence_max_salience: float = parameter(
        0.3, "Stay-aways only on resolutions at most this salient.", low=0.0, high=1.0
    )


def stay_away_stage(host: StageHost, state: VoteState, p: StayAwayParameters) -> None:
    """Free abstainers under cross-pressure stay away from low-salience votes."""
    if not p.absence:
        return
    away = stay_away(
        state.votes,
        state.outcome.contributions,
        state.context.salience,
        p.absence_cross_pressure,
        p.absence_max_salience,
    )
    state.votes[away & state.free] = Vote.ABSENT


STAGES.register(
    Stage(
        "stay_away",
        "Cross-pressured abstainers stay away from low-salience votes (Lazarsfeld, Berelson & "
        "Gaudet 1944; strategic non-voting at the UN, Voeten 2000).",
        StayAwayParameters,
        off={"absence": False},
        after_vote=stay_away_stage,
    )
)


@dataclass(frozen=True)
class HabitParameters:
    """Habitual absence (:func:`habitual_absence`)."""

    absence_habit: int = parameter(
        0,
        "A free voter that was absent from each of the last this many recorded votes "
        "(history dated before the vote) stays away again (0 = off).",
        low=0,
        high=100,
    )


def habitual_absence(host: StageHost, state: VoteState, p: HabitParameters) -> None:
    """Free voters absent from each of the last ``absence_habit`` recorded votes stay away."""
    if p.absence_habit > 0:
        state.votes[(state.context.absent_streak >= p.absence_habit) & state.free] = Vote.ABSENT


STAGES.register(
    Stage(
        "habitual_absence",
        "A state absent from each of its latest recorded votes stays away again: small and "
        "poor delegations miss votes habitually (Panke 2014).",
        HabitParameters,
        off={"absence_habit": 0},
        after_vote=habitual_absence,
    )
)


@dataclass(frozen=True)
class AbsenceRateParameters:
    """Absence forecast from the absence rate (:class:`sim.model.absence.AbsenceHistory`)."""

    absence_rate: float = parameter(
        0.0,
        "A free voter that missed at least this share of the recorded votes dated before "
        "the vote (history and prior roll calls, every issue) stays away (0 = off).",
        low=0.0,
        high=1.0,
    )


def absent_by_rate(host: StageHost, state: VoteState, p: AbsenceRateParameters) -> None:
    """Free voters whose absence rate so far reaches ``absence_rate`` stay away."""
    if p.absence_rate > 0 and (rate := state.context.absence_rate) is not None:
        state.votes[(rate >= p.absence_rate) & state.free] = Vote.ABSENT


STAGES.register(
    Stage(
        "absence_rate",
        "A state that missed much of its recorded history stays away (Panke 2014).",
        AbsenceRateParameters,
        off={"absence_rate": 0.0},
        after_vote=absent_by_rate,
    )
)


@dataclass(frozen=True)
class SettleParameters:
    """Settling the favour ledger (:meth:`sim.model.ledger.FavourLedger.settle`)."""

    favour_credit: float = parameter(
        0.25, "Favour units earned by one favourable vote at salience 1.", low=0.0
    )
    reciprocity: Literal["diffuse", "specific"] = parameter(
        "specific",
        "How a favourable vote settles the ledger: 'diffuse' binds voter and party "
        "both ways, so the tie grows (Keohane 1986); 'specific' pays the voter's debt down "
        "first (Coleman 1966).",
    )


def settle(host: StageHost, state: VoteState, p: SettleParameters) -> None:
    """Voters repay and earn favours with the parties, by the votes that happened."""
    parties = state.context.parties
    if parties.index.size == 0:
        return
    host.ledger.settle(
        state.happened,
        parties,
        p.favour_credit * state.context.salience,
        diffuse=p.reciprocity == "diffuse",
    )


STAGES.register(
    Stage(
        "settle",
        "A vote with a party repays the voter's debt to it and earns credit, in proportion to "
        "salience: specific or diffuse reciprocity (Keohane 1986; Coleman 1966).",
        SettleParameters,
        off={"favour_credit": 0.0},
        after_vote=settle,
        on_record=True,
    )
)


@dataclass(frozen=True)
class PunishParameters:
    """Punishment of opponents (:func:`punish`)."""

    punishment: bool = parameter(
        False,
        "Parties that are patrons (patron_budget > 0 at the start) punish the "
        "non-party states that voted against them.",
    )
    punishment_credit_loss: float = parameter(
        0.5,
        "Share of the credit a punished state held with the punisher lost.",
        low=0.0,
        high=1.0,
    )
    punishment_tie_loss: float = parameter(
        0.1,
        "Share of the punished state's trade and security ties toward the punisher that is cut.",
        low=0.0,
        high=1.0,
    )


def punish(host: StageHost, state: VoteState, p: PunishParameters) -> None:
    """Patron parties cut the credit and the sanctioned ties of the states that opposed them."""
    parties = state.context.parties
    if parties.index.size == 0 or not p.punishment:
        return
    against = opposed(state.happened, parties.preference)
    against[:, host.start_budget[parties.index] <= 0] = False
    against[parties.index] = False  # parties' own votes are fixed by their role
    if not against.any():
        return
    host.ledger.punish(against, parties, 1.0 - p.punishment_credit_loss)
    cut = 1.0 - p.punishment_tie_loss
    host.punishments.append((against, parties.index, cut))
    for name in REGISTRY.sanctioned_tables:
        host.tables[name] = cut_ties(host.tables[name], against, parties.index, cut)
    host.operators = make_operators(host.tables, host.weights)


STAGES.register(
    Stage(
        "punish",
        "Patrons punish the states that voted against them: lost credit and cut trade and "
        "security ties (Carter & Stone 2015; sanctions shrink economic and security links, "
        "Hufbauer et al. 2007).",
        PunishParameters,
        off={"punishment": False},
        after_vote=punish,
        on_record=True,
    )
)


@dataclass(frozen=True)
class DecayParameters:
    """Forgetting favours (:meth:`sim.model.ledger.FavourLedger.decay`)."""

    favour_decay: float = parameter(
        0.05, "Share of every favour balance forgotten per round (1/round).", low=0.0, high=1.0
    )


def decay(host: StageHost, p: DecayParameters) -> None:
    """Every balance loses a share ``favour_decay`` at the end of a round."""
    host.ledger.decay(p.favour_decay)


STAGES.register(
    Stage(
        "decay",
        "Every favour balance loses a constant share per round (a modelling choice: old "
        "obligations count for less; ODD section 7.9).",
        DecayParameters,
        off={"favour_decay": 0.0},
        end_of_round=decay,
    )
)


def _range(f: Field[Any], hint: Any) -> str:
    """Describe the values a stage parameter takes, for the ODD's table."""
    low, high = f.metadata["low"], f.metadata["high"]
    if hint is bool:
        return "true / false"
    if get_origin(hint) is Literal:
        return " / ".join(str(a) for a in get_args(hint))
    return f"{low:g}-{high:g}" if high is not None else f">= {low:g}"


def parameter_table() -> str:
    """Return the stages' parameters as a Markdown table (the ODD's stage parameter table)."""
    lines = [
        "| stage | parameter | default | range | meaning |",
        "|---|---|---|---|---|",
    ]
    for stage in STAGES:
        hints = get_type_hints(stage.parameters)
        for f in stage.fields:
            default = str(f.default).lower() if isinstance(f.default, bool) else f"{f.default}"
            lines.append(
                f"| `{stage.name}` | `{f.name}` | {default} | {_range(f, hints[f.name])} "
                f"| {f.metadata['description']} |"
            )
    return "\n".join(lines)
