"""The channel registry: one record per channel of the vote rule.

A *channel* is one reason a state moves toward yes or no. Each record names the channel, its
weight parameter (``<name>_weight`` in a scenario's ``parameters``, with default, calibration
bounds and description), the scenario data it reads, and the pure function that computes its
contribution for every country at once. Everything else derives from this registry: the
contributions columns (in registry order), the scenario schema's weight fields, country
attributes and tie tables, the rule's weights, calibration bounds, the app's sliders and the
ODD's parameter table. Adding a channel is one :meth:`Registry.register` call here (plus the
scenario data it reads); see ``docs/ARCHITECTURE.md``.

Two kinds of channel:

*tie channels* (``operator``)
    Pull toward (or, ``against``, away from) the expected positions of partners: the raw
    value is ``operator @ positions`` (or minus it), where ``operator`` is an ``(n, n)`` sparse
    matrix built once from the scenario's tie tables (rows scaled so the value lies in
    [-1, 1]). Their weighted sum is the linear part of the score, one sparse product per
    best-response iteration.
*own channels* (``prepare`` and ``term``)
    Depend only on the country and the resolution (opinion, favours owed, side payments,
    noise): ``prepare(context)`` derives the channel's own inputs from the vote's read-only
    :class:`~sim.model.context.VoteContext` (once per vote, and not at all while its weight is
    0), and ``term(prepared, weight)`` returns the weighted contribution of every country.

The literature each channel comes from is in its ``doc`` and in ``docs/ODD.md``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, Generic, Literal, TypeVar

import numpy as np
from scipy import sparse

from sim.model.agenda import agenda_inputs, agenda_term
from sim.model.alignment import ALIGNMENT_TABLE, prior_alignment_inputs, prior_alignment_term
from sim.model.commitment import (
    COMMITMENT_HALF_LIFE_DAYS as COMMITMENT_HALF_LIFE_DAYS,
)
from sim.model.commitment import (
    commitment_band,
    commitment_term,
)
from sim.model.commitment import (
    record_fading as record_fading,
)
from sim.model.context import VoteContext
from sim.model.regime import (
    DEMOCRACY,
    DEMOCRACY_DESCRIPTION,
    NEUTRAL_DEMOCRACY,
    regime_inputs,
    regime_term,
)
from sim.model.votes import FloatArray

TieOperator = Callable[[Mapping[str, sparse.csr_array]], sparse.csr_array]
Prepared = TypeVar("Prepared")
"""What an own channel's ``prepare`` derives from the vote context (an array or a tuple)."""


@dataclass(frozen=True)
class CountryAttribute:
    """A numeric per-country field a channel reads (a column of ``countries.csv``).

    ``default`` None makes the field required. Values must lie in ``[low, high]``.
    """

    name: str
    low: float
    high: float
    description: str
    default: float | None = None


@dataclass(frozen=True)
class TieTable:
    """A tie table (``ties.<name>``) a channel reads: rows ``country, partner, weight``.

    Attributes
    ----------
    combine
        How repeated cells combine: ``sum`` (capped at 1; arms + alliance + base links add
        up) or ``max`` (a rivalry listed twice is one rivalry).
    mutual
        Rows may carry ``mutual`` (default true), which adds the reverse tie.
    row_sum_max
        Largest allowed sum of a country's weights (trade shares sum to at most 1).
    unique_pairs
        A pair may appear only once.
    signed
        Weights lie in [-1, 1] rather than [0, 1] (an affinity that can be negative).
    """

    name: str
    description: str
    combine: Literal["sum", "max"] = "sum"
    mutual: bool = False
    row_sum_max: float | None = None
    unique_pairs: bool = False
    signed: bool = False


@dataclass(frozen=True)
class ChannelParameter:
    """A channel's global parameter other than its weight (a rate or a scale), bounded.

    Attributes
    ----------
    name
        Its name in a scenario's ``parameters``.
    default
        Default value.
    low, high
        Bounds: the schema refuses values outside them, and searches stay inside.
    description
        What it is, its unit and where it comes from.
    """

    name: str
    default: float
    low: float
    high: float
    description: str


@dataclass(frozen=True)
class Channel(Generic[Prepared]):
    """One channel of the vote rule.

    Attributes
    ----------
    name
        Column name in every contributions table; the weight parameter is ``<name>_weight``.
    doc
        What it measures, its unit and the literature it comes from (one or two sentences).
    default
        Default weight (score units per unit of raw value).
    bounds
        Range calibration searches by default.
    reads
        The scenario data it reads: tie tables, country attributes, or a description.
    operator
        Tie channels: builds the ``(n, n)`` operator from the raw tie tables (by name).
    against
        Tie channels: the raw value is minus ``operator @ positions`` (leaning against the
        partners' positions rather than toward them).
    prepare
        Own channels: derives the channel's inputs from the vote's read-only context, once
        per vote; never called while the weight is 0 (the column is then 0).
    term
        Own channels: the weighted contribution ``(n,)`` given what ``prepare`` derived and
        the weight.
    weighted
        False for the bookkeeping columns (inducement, noise) that carry no weight parameter.
    sanctioned
        Its tie tables are the ones punishment cuts (economic and security links).
    band
        Optional (own channels): how much the channel widens each state's abstention band,
        ``band(prepared, weight)`` (n,) >= 0 (a reason to stay in the middle rather than a
        pull to a side).
    parameters
        Its global parameters other than the weight (e.g. a half-life), each bounded; the
        scenario schema adds them to ``parameters`` like the weights.
    """

    name: str
    doc: str
    reads: tuple[TieTable | CountryAttribute | str, ...]
    default: float = 1.0
    bounds: tuple[float, float] = (0.0, 3.0)
    operator: TieOperator | None = None
    against: bool = False
    prepare: Callable[[VoteContext], Prepared] | None = None
    term: Callable[[Prepared, float], FloatArray] | None = None
    weighted: bool = True
    sanctioned: bool = False
    band: Callable[[Prepared, float], FloatArray] | None = None
    parameters: tuple[ChannelParameter, ...] = ()

    def __post_init__(self) -> None:
        if (self.operator is None) == (self.term is None):
            raise ValueError(f"channel {self.name!r}: give exactly one of operator and term")
        if (self.term is None) != (self.prepare is None):
            raise ValueError(f"channel {self.name!r}: an own channel needs prepare and term")
        if self.band is not None and self.term is None:
            raise ValueError(f"channel {self.name!r}: only an own channel may widen bands")

    @property
    def weight_parameter(self) -> str:
        """Name of its weight in a scenario's ``parameters`` (``trade_weight``)."""
        return f"{self.name}_weight"

    @property
    def is_tie(self) -> bool:
        """Whether it pulls toward partners' positions through a tie operator."""
        return self.operator is not None

    @property
    def tables(self) -> tuple[TieTable, ...]:
        """The tie tables it reads."""
        return tuple(r for r in self.reads if isinstance(r, TieTable))

    @property
    def attributes(self) -> tuple[CountryAttribute, ...]:
        """The country attributes it reads."""
        return tuple(r for r in self.reads if isinstance(r, CountryAttribute))


@dataclass
class Registry:
    """The ordered channels; frozen once the scenario schema has been built from it."""

    _channels: list[Channel[Any]] = field(default_factory=list)
    frozen: bool = False

    def register(self, channel: Channel[Prepared]) -> Channel[Prepared]:
        """Add a channel at the end (its contributions column comes last)."""
        if self.frozen:
            raise RuntimeError(
                f"channel {channel.name!r} registered after the scenario schema was built: "
                "register channels before importing sim.scenario.schema"
            )
        if channel.name in self.names:
            raise ValueError(f"channel {channel.name!r} is registered already")
        self._channels.append(channel)
        return channel

    def __iter__(self) -> Iterator[Channel[Any]]:
        return iter(self._channels)

    def __len__(self) -> int:
        return len(self._channels)

    def __getitem__(self, name: str) -> Channel[Any]:
        for channel in self._channels:
            if channel.name == name:
                return channel
        raise KeyError(name)

    @property
    def names(self) -> tuple[str, ...]:
        """Channel names in contributions-column order."""
        return tuple(c.name for c in self._channels)

    @property
    def weighted(self) -> tuple[Channel[Any], ...]:
        """Channels with a weight parameter."""
        return tuple(c for c in self._channels if c.weighted)

    @property
    def tie_tables(self) -> tuple[TieTable, ...]:
        """Every tie table some channel reads, each once, in registry order."""
        seen: dict[str, TieTable] = {}
        for channel in self._channels:
            for table in channel.tables:
                seen.setdefault(table.name, table)
        return tuple(seen.values())

    @property
    def country_attributes(self) -> tuple[CountryAttribute, ...]:
        """Every country attribute some channel reads, each once, in registry order."""
        seen: dict[str, CountryAttribute] = {}
        for channel in self._channels:
            for attribute in channel.attributes:
                seen.setdefault(attribute.name, attribute)
        return tuple(seen.values())

    @property
    def channel_parameters(self) -> tuple[ChannelParameter, ...]:
        """Every channel's parameters other than weights, in registry order."""
        return tuple(p for c in self._channels for p in c.parameters)

    @property
    def sanctioned_tables(self) -> tuple[str, ...]:
        """Names of the tie tables punishment cuts."""
        return tuple(
            dict.fromkeys(t.name for c in self._channels if c.sanctioned for t in c.tables)
        )


def row_normalised(matrix: sparse.csr_array, cap_only: bool) -> sparse.csr_array:
    """Divide each row by its sum (``cap_only``: only rows summing above 1)."""
    row_sum = np.asarray(matrix.sum(axis=1)).ravel()
    divisor = np.maximum(row_sum, 1.0) if cap_only else np.where(row_sum > 1e-12, row_sum, 1.0)
    return sparse.csr_array(sparse.diags_array(1.0 / divisor) @ matrix)


def _as_float(matrix: sparse.csr_array) -> sparse.csr_array:
    return sparse.csr_array(matrix, dtype=np.float64)


def trade_operator(tables: Mapping[str, sparse.csr_array]) -> sparse.csr_array:
    """Trade shares as they are (rows already sum to at most 1)."""
    return _as_float(tables["trade"])


def security_operator(tables: Mapping[str, sparse.csr_array]) -> sparse.csr_array:
    """Security strengths, rows whose sum exceeds 1 scaled down to sum 1."""
    return row_normalised(_as_float(tables["security"]), cap_only=True)


def shared_adversary_operator(tables: Mapping[str, sparse.csr_array]) -> sparse.csr_array:
    """Return ``A A^T`` without its diagonal, rows normalised to sum 1 (or 0)."""
    adversary = _as_float(tables["adversaries"])
    shared = sparse.csr_array(adversary @ adversary.T).tolil()
    shared.setdiag(0.0)
    shared = sparse.csr_array(shared)
    shared.eliminate_zeros()
    return row_normalised(shared, cap_only=False)


def adversary_operator(tables: Mapping[str, sparse.csr_array]) -> sparse.csr_array:
    """Adversary intensities, rows normalised to sum 1 (0 for states with no adversary)."""
    return row_normalised(_as_float(tables["adversaries"]), cap_only=False)


TRADE = TieTable(
    "trade",
    "i's trade with j as a share of i's total trade (rows sum to at most 1)",
    row_sum_max=1.0,
    unique_pairs=True,
)
SECURITY = TieTable(
    "security", "i's security dependence on j in [0, 1]: arms imports, alliances, bases, pacts"
)
ADVERSARIES = TieTable(
    "adversaries", "i counts j as an adversary, intensity in [0, 1]", combine="max", mutual=True
)
ALIGNMENT = TieTable(
    ALIGNMENT_TABLE,
    "i's prior voting affinity with j in [-1, 1] (Cohen's kappa over earlier GA sessions)",
    unique_pairs=True,
    signed=True,
)
ORGANISATIONS = TieTable(
    "organisations",
    "i and j are fellow members of an organisation; weight 1 / (its members - 1), one row per "
    "organisation, so that each organisation's rows of a member sum to 1",
)

DOMESTIC_PRESSURE = CountryAttribute(
    "domestic_pressure", 0.0, 1.0, "government accountability to its public in [0, 1]"
)

REGISTRY = Registry()
"""The channels of the model, in contributions-column order."""

REGISTRY.register(
    Channel(
        "trade",
        "Pull toward trade partners' expected positions, weighted by trade share: economic "
        "interdependence restrains hostile alignment (Oneal & Russett 1999; on UN votes, "
        "Flores-Macías & Kreps 2013).",
        reads=(TRADE,),
        operator=trade_operator,
        sanctioned=True,
    )
)
REGISTRY.register(
    Channel(
        "security",
        "The same through arms-import shares, alliances, bases and defence agreements "
        "(Strüver 2016).",
        reads=(SECURITY,),
        operator=security_operator,
        sanctioned=True,
    )
)
REGISTRY.register(
    Channel(
        "shared_adversaries",
        "Affinity with states that share one's adversaries, 'the enemy of my enemy' (Heider "
        "1946; Maoz et al. 2007).",
        reads=(ADVERSARIES,),
        default=0.5,
        bounds=(0.0, 2.0),
        operator=shared_adversary_operator,
    )
)
REGISTRY.register(
    Channel(
        "own_adversaries",
        "Leaning against what one's own adversaries want (strategic rivalry, Thompson & "
        "Dreyer 2011).",
        reads=(ADVERSARIES,),
        default=0.5,
        bounds=(0.0, 2.0),
        operator=adversary_operator,
        against=True,
    )
)


def domestic_inputs(context: VoteContext) -> tuple[float, FloatArray, FloatArray]:
    """Salience, each state's accountability and its public's opinion on the issue."""
    return context.salience, context.world.attributes[DOMESTIC_PRESSURE.name], context.opinion


def domestic_term(inputs: tuple[float, FloatArray, FloatArray], weight: float) -> FloatArray:
    """Return ``weight x salience x accountability x opinion`` (Bueno de Mesquita et al. 2003)."""
    salience, pressure, opinion = inputs
    term: FloatArray = weight * salience * pressure * opinion
    return term


REGISTRY.register(
    Channel(
        "domestic",
        "Accountability x public opinion on the issue x salience: democratic governments "
        "answer to their publics, personalist regimes do not (Bueno de Mesquita et al. 2003).",
        reads=(DOMESTIC_PRESSURE, "countries.public_opinion", "agenda.salience"),
        prepare=domestic_inputs,
        term=domestic_term,
    )
)


def favour_pull(context: VoteContext) -> FloatArray:
    """Net favours owed to the parties, signed by what each wants (``FavourLedger.pull``)."""
    return context.ledger.pull(context.parties)


def quid_pro_quo_term(pull: FloatArray, weight: float) -> FloatArray:
    """Return ``weight x tanh(pull)``: diminishing returns to accumulated debt."""
    term: FloatArray = weight * np.tanh(pull)
    return term


def _as_is(value: FloatArray, weight: float) -> FloatArray:
    """Return the value itself (an unweighted bookkeeping column)."""
    return value


REGISTRY.register(
    Channel(
        "quid_pro_quo",
        "tanh of the favours owed to a resolution's parties, signed by what each wants: a "
        "debtor repays past protection (Dreher, Nunnenkamp & Thiele 2008; Kuziemko & Werker "
        "2006).",
        reads=("favours", "the favour ledger"),
        prepare=favour_pull,
        term=quid_pro_quo_term,
    )
)
REGISTRY.register(
    Channel(
        "inducement",
        "Score bonus bought by patrons from persuadable voters (Groseclose & Snyder 1996).",
        reads=("countries.patron_budget",),
        weighted=False,
        prepare=lambda context: context.inducement,
        term=_as_is,
    )
)
REGISTRY.register(
    Channel(
        "noise",
        "Idiosyncratic shock per country and vote, sd noise_sd, from the run's one generator.",
        reads=("parameters.noise_sd",),
        weighted=False,
        prepare=lambda context: context.noise,
        term=_as_is,
    )
)


REGISTRY.register(
    Channel(
        "prior_alignment",
        "Affinity with the resolution's parties in earlier General Assembly votes: the sum of a "
        "state's kappas with its sponsors minus that with its target (Voeten 2000; Häge 2011; "
        "Bailey, Strezhnev & Voeten 2017). 0 turns it off.",
        reads=(ALIGNMENT, "agenda.sponsors", "agenda.target"),
        default=0.0,
        prepare=prior_alignment_inputs,
        term=prior_alignment_term,
    )
)
COMMITMENT_HALF_LIFE = ChannelParameter(
    "commitment_half_life",
    COMMITMENT_HALF_LIFE_DAYS,
    7.0,
    3650.0,
    "Half-life of the commitment to one's own recorded position (days on a dated agenda, "
    "else rounds): a record that old counts half (Fearon 1994 on audience costs that fade). "
    "Default two years; backtest --walk-forward may fit it.",
)
"""Bounded and fitted like a weight (:mod:`sim.model.commitment`)."""
COMMITMENT_PRECEDENT = ChannelParameter(
    "commitment_precedent",
    1.0,
    1.0,
    10.0,
    "How many times a state's vote on an item's precedent (the same text voted before) counts "
    "in the commitment channel, against 1 for a vote on another text of the issue (Voeten "
    "2000 on texts voted on as before, session after session). Default 1: no difference.",
)
REGISTRY.register(
    Channel(
        "commitment",
        "Each state's own latest recorded position on the issue (history or earlier votes in the "
        "run), fading with its age (half-life commitment_half_life, default two years): a pull "
        "toward a recorded yes or no, a wider abstention "
        "band after a recorded abstention; the cost of reversing oneself (Fearon 1994). 0 turns "
        "it off.",
        reads=("history", "earlier votes in the run"),
        default=0.0,
        prepare=record_fading,
        term=commitment_term,
        band=commitment_band,
        parameters=(COMMITMENT_HALF_LIFE, COMMITMENT_PRECEDENT),
    )
)


REGISTRY.register(
    Channel(
        "organisations",
        "Solidarity with fellow members of one's organisations (AU, EU, NATO, OIC, Arab League, "
        "ASEAN, BRICS, SCO, EAEU, ALBA-TCP ...): the pull toward their expected positions, each "
        "organisation counting once (regional caucusing at the UN, Ball 1951; Hug & Lukács "
        "2014; group cohesion, Panke 2013). 0 turns it off.",
        reads=(ORGANISATIONS,),
        default=0.0,
        operator=lambda tables: row_normalised(_as_float(tables["organisations"]), cap_only=False),
    )
)

REGISTRY.register(
    Channel(
        "regime",
        "Regime affinity with the resolution's parties: the mean joint-regime term "
        "4(d_i - 1/2)(d_p - 1/2) of democracy scores with the sponsors minus that with the "
        "target (sim.model.regime); "
        "joint democracy predicts UN affinity (Gartzke 1998; Voeten 2000). 0 turns it off.",
        reads=(
            CountryAttribute(DEMOCRACY, 0.0, 1.0, DEMOCRACY_DESCRIPTION, NEUTRAL_DEMOCRACY),
            "agenda.sponsors",
            "agenda.target",
        ),
        default=0.0,
        prepare=regime_inputs,
        term=regime_term,
    )
)
REGISTRY.register(
    Channel(
        "agenda",
        "The same pull toward yes for every state on every resolution put to a recorded vote: "
        "drafts are negotiated to carry a majority before they reach a vote (agenda setting, "
        "Romer & Rosenthal 1978; consensus-seeking drafting in the General Assembly, Panke "
        "2013), so a state with no other reason votes yes (sim.model.agenda). 0 turns it off.",
        reads=("the agenda",),
        default=0.0,
        bounds=(0.0, 4.0),
        prepare=agenda_inputs,
        term=agenda_term,
    )
)


def parameter_table() -> str:
    """Return the channel weights as a Markdown table (the ODD's parameter table)."""
    lines = [
        "| parameter | default | calibration range | reads | meaning and source |",
        "|---|---|---|---|---|",
    ]
    for channel in REGISTRY.weighted:
        reads = ", ".join(
            f"ties.{r.name}"
            if isinstance(r, TieTable)
            else f"countries.{r.name}"
            if isinstance(r, CountryAttribute)
            else r
            for r in channel.reads
        )
        low, high = channel.bounds
        lines.append(
            f"| `{channel.weight_parameter}` | {channel.default:g} | {low:g}-{high:g} | {reads} "
            f"| {channel.doc} |"
        )
        lines.extend(
            f"| `{p.name}` | {p.default:g} | {p.low:g}-{p.high:g} | {reads} | {p.description} |"
            for p in channel.parameters
        )
    return "\n".join(lines)
