"""The scenario schema (pydantic): every field, its type, range and default.

The channel weights, the per-country attributes and the tie tables are generated from the
channel registry (:data:`sim.model.channels.REGISTRY`), the stages' parameters from the stage
registry (:data:`sim.model.stages.STAGES`); importing this module freezes both. Reading the
files is :mod:`sim.scenario.loading`; cross-field checks are :mod:`sim.scenario.references`.
"""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal, get_type_hints

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    create_model,
)

from sim.model.channels import REGISTRY
from sim.model.stages import STAGES
from sim.model.votes import Vote
from sim.scenario.limits import (
    MAX_COUNTRIES,
    MAX_FAVOURS,
    MAX_ITERATIONS,
    MAX_PRECEDENTS,
    MAX_RESOLUTIONS,
    MAX_ROUNDS,
    MAX_VALUE,
)


def _between(low: float, high: float) -> AfterValidator:
    def check(value: float) -> float:
        if not (low <= value <= high) or math.isnan(value):
            raise ValueError(f"must be between {low:g} and {high:g}, got {value:g}")
        return value

    return AfterValidator(check)


def _at_least(low: float, high: float | None = None) -> AfterValidator:
    def check(value: float) -> float:
        if not value >= low:
            raise ValueError(f"must be at least {low:g}, got {value:g}")
        if high is not None and value > high:
            raise ValueError(f"must be at most {high:g}, got {value:g}")
        return value

    return AfterValidator(check)


def _not_bool(value: Any) -> Any:
    if isinstance(value, bool):
        raise ValueError(f"must be a number, got {value}")
    return value


NotBool = BeforeValidator(_not_bool)


def _nonblank(value: str) -> str:
    if not value.strip():
        raise ValueError("must not be empty")
    return value


Unit = Annotated[float, NotBool, _between(0.0, 1.0)]
Signed = Annotated[float, NotBool, _between(-1.0, 1.0)]
NonNegative = Annotated[float, NotBool, _at_least(0.0, MAX_VALUE)]
Positive = Annotated[int, NotBool, _at_least(1)]
Name = Annotated[str, AfterValidator(_nonblank)]
CountryId = Annotated[str, Field(pattern=r"^[A-Za-z0-9_\-]+$", min_length=1, max_length=32)]


def _vote_words(value: dict[str, str]) -> dict[str, str]:
    for word in value.values():
        Vote.from_word(word)
    return value


VoteWords = Annotated[dict[CountryId, str], AfterValidator(_vote_words)]
"""Vote words by country: yes, no, abstain or absent (any case)."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


class ParametersBase(_Strict):
    """Global parameters of the rules; every one has a default, a unit and a range.

    The post-vote stages' parameters (one block per stage of
    :data:`sim.model.stages.STAGES`, in stage order) and the channel weights
    (``<channel>_weight``, one per weighted channel of :data:`sim.model.channels.REGISTRY`)
    are added to this class from the registries. Weights multiply channel values that lie in
    [-1, 1], so all weights are in score units; the abstention band is in the same units.
    """

    abstention_band: NonNegative = Field(
        0.25, description="Half-width of the abstain zone around 0 (score units)."
    )
    neutrality: NonNegative = Field(
        0.0,
        description="Widening of the abstention band per unit of cross-pressure (0 = off).",
    )
    noise_sd: NonNegative = Field(
        0.05, description="Std. dev. of the per-country, per-resolution shock (score units)."
    )
    max_iterations: Annotated[int, NotBool, _at_least(1, MAX_ITERATIONS)] = Field(
        50,
        description="Cap on best-response iterations per decision (a resolution is decided "
        "twice when inducements are bought; the second count is recorded).",
    )
    expectation_weight: Annotated[float, NotBool, _between(0.01, 1.0)] = Field(
        0.5,
        description="Share by which expected positions move toward observed ones per iteration "
        "(1 = plain simultaneous best response).",
    )
    bloc_agreement: Unit = Field(
        0.8, description="Agreement at which hierarchical clustering joins states into a bloc."
    )

    def weight(self, channel: str) -> float:
        """Return the weight of a channel by its registry name."""
        return float(getattr(self, f"{channel}_weight"))


class Issue(_Strict):
    """A named issue dimension; ``default_opinion`` applies where a country gives none.

    ``inherits`` names the issue this one continues: a state with no recorded position of its
    own on this issue takes its latest position on that one (and so on up the chain), so a new
    question that grew out of an older one starts from the older one's record.
    """

    description: str = ""
    default_opinion: Signed = 0.0
    default_opinion_source: str | None = None
    inherits: str | None = None


class CountryBase(_Strict):
    """One state. ``sources`` maps an attribute name to where its value comes from.

    The numeric attributes channels read (``domestic_pressure`` ...) are added to this class
    from the registry; read them with :meth:`attribute`. ``absence_prior_missed`` of
    ``absence_prior_roll_calls`` recorded roll calls before the scenario's history were missed
    (pooled with the history into each vote's absence rate, :mod:`sim.model.absence`), the last
    of them on ``absence_prior_date``: they inform only votes dated after it.
    """

    id: CountryId
    name: Name
    public_opinion: dict[str, Signed] = Field(default_factory=dict)
    arrears: bool = False
    patron_budget: NonNegative = 0.0
    absence_prior_missed: NonNegative = Field(
        0.0, description="recorded roll calls missed before the history (a dated count)"
    )
    absence_prior_roll_calls: NonNegative = Field(
        0.0, description="recorded roll calls counted for absence_prior_missed"
    )
    absence_prior_date: dt.date | None = Field(
        None,
        description="date of the last roll call counted in absence_prior_roll_calls (needed "
        "with them): the counts inform only votes dated after it",
    )
    sources: dict[str, str] = Field(default_factory=dict)

    def attribute(self, name: str) -> float:
        """Return a registered country attribute by name."""
        return float(getattr(self, name))


class Tie(_Strict):
    """A directed tie from ``country`` to ``partner`` with a weight in [0, 1].

    ``date`` (a dated agenda only) is when the tie came into being (a treaty, a sanctions
    designation): it counts only for votes after that date. ``until`` (a dated agenda only,
    after ``date``) is when it ended (a withdrawal completed, a treaty denounced): it counts
    only for votes before that day, so a tie counts for votes dated in (date, until).
    """

    country: CountryId
    partner: CountryId
    weight: Unit
    kind: str | None = None
    date: dt.date | None = None
    until: dt.date | None = None
    source: str | None = None


class SignedTie(Tie):
    """A tie whose weight lies in [-1, 1] (an affinity that can be negative)."""

    weight: Signed


class AdversaryTie(Tie):
    """``country`` counts ``partner`` as an adversary; ``mutual`` adds the reverse tie."""

    mutual: bool = True


class TiesBase(_Strict):
    """The tie tables (each may be a CSV path in the YAML), one field per registered table."""

    def table(self, name: str) -> list[Tie]:
        """Return the rows of one tie table by name."""
        rows: list[Tie] = getattr(self, name)
        return rows


def _stage_fields() -> dict[str, Any]:
    """One field per parameter of every stage's block, typed and bounded as it declares."""
    fields: dict[str, Any] = {}
    for stage in STAGES:
        hints = get_type_hints(stage.parameters)
        for f in stage.fields:
            kind, low, high = hints[f.name], f.metadata["low"], f.metadata["high"]
            if kind is int:
                kind = Annotated[int, NotBool, _at_least(low, high)]
            elif kind is float:
                if low != 0.0 or high not in (None, 1.0):
                    raise ValueError(f"{f.name}: a float lies in [0, 1] or [0, inf)")
                kind = Unit if high == 1.0 else NonNegative
            fields[f.name] = (kind, Field(f.default, description=f.metadata["description"]))
    return fields


def _weight_fields() -> dict[str, Any]:
    fields: dict[str, Any] = {
        c.weight_parameter: (NonNegative, Field(c.default, description=c.doc))
        for c in REGISTRY.weighted
    }
    for p in REGISTRY.channel_parameters:  # a channel's bounded non-weight parameters
        kind = Annotated[float, NotBool, _between(p.low, p.high)]
        fields[p.name] = (kind, Field(p.default, description=p.description))
    return fields


def _attribute_fields() -> dict[str, Any]:
    fields: dict[str, Any] = {}
    for attribute in REGISTRY.country_attributes:
        kind = Annotated[float, NotBool, _between(attribute.low, attribute.high)]
        default = ... if attribute.default is None else attribute.default
        fields[attribute.name] = (kind, Field(default, description=attribute.description))
    return fields


def _table_fields() -> dict[str, Any]:
    return {
        t.name: (
            list[AdversaryTie] if t.mutual else list[SignedTie] if t.signed else list[Tie],
            Field(default_factory=list),
        )
        for t in REGISTRY.tie_tables
    }


if TYPE_CHECKING:
    Parameters = ParametersBase
    Country = CountryBase
    Ties = TiesBase
else:
    Parameters = create_model(
        "Parameters",
        __base__=ParametersBase,
        __module__=__name__,
        **_stage_fields(),
        **_weight_fields(),
    )
    Country = create_model(
        "Country", __base__=CountryBase, __module__=__name__, **_attribute_fields()
    )
    Ties = create_model("Ties", __base__=TiesBase, __module__=__name__, **_table_fields())
REGISTRY.frozen = True
STAGES.frozen = True

RENAMED_PARAMETERS = {
    "shared_adversary_weight": "shared_adversaries_weight",
    "own_adversary_weight": "own_adversaries_weight",
}
"""Parameters renamed so that every weight is ``<channel>_weight``."""


class Favour(_Strict):
    """``debtor`` owes ``creditor`` ``amount`` favour units for a recorded event.

    Favour units are the scale of the quid-pro-quo channel (it saturates as ``tanh``); the
    bundled scenarios code one Security Council veto cast to shield the debtor as 0.25 and a
    documented block of sanctions or a military rescue as 1.0.

    With numbered rounds, ``round`` 0 (the default) means before the first round and a later
    round grants the favour at the start of that round. With a dated agenda the favour counts
    only for votes after its ``date`` (required there): it is granted before the first voting
    day after it (``round``, if given, must agree).
    """

    debtor: CountryId
    creditor: CountryId
    amount: NonNegative
    round: Annotated[int, NotBool, _at_least(0, MAX_ROUNDS)] | None = None
    event: str
    date: dt.date | None = None
    source: str | None = None


class Suspension(_Strict):
    """A member without a vote from ``start`` until ``end``.

    Charter Article 19 arrears, or a seat whose credentials were not accepted. Counts for votes
    after ``start`` and up to ``end``.
    """

    country: CountryId
    start: dt.date
    end: dt.date | None = None
    reason: str
    source: str | None = None


class Poll(_Strict):
    """A survey of ``country``'s public on ``issue`` (value in [-1, 1], + favours UN action).

    Counts for votes after ``fieldwork_end``; the latest such poll replaces the country's
    undated ``public_opinion`` for that issue.
    """

    country: CountryId
    issue: str
    value: Signed
    fieldwork_start: dt.date | None = None
    fieldwork_end: dt.date
    source: str


class HistoryRecord(_Strict):
    """A recorded roll call known to the states for every vote after its ``date``.

    In a scenario file an entry names the record file and its issue: ``{record: path, issue:
    sovereignty}``; the loader reads the file (:mod:`sim.scenario.records`) into this form.
    """

    resolution: str = Field(min_length=1)
    date: dt.date
    issue: str
    votes: VoteWords
    file: str | None = None


class Resolution(_Strict):
    """An agenda item voted on in ``round`` (and every ``repeat_every`` rounds after it).

    On a dated agenda (every item has a ``date``) rounds are voting days: an item's round is
    the rank of its date among the distinct dates, and ``round`` may be left out.
    ``precedents`` names history records of the same question voted before (e.g. the same
    text in the previous session; in agenda.csv, space-separated): a state's vote there is its
    own record for this item, ahead of its later votes on the issue.
    """

    id: Name
    round: Annotated[int, NotBool, _at_least(1, MAX_ROUNDS)] | None = None
    title: str
    issue: str
    target: CountryId | None = None
    sponsors: list[CountryId] = Field(default_factory=list)
    salience: Unit = 1.0
    majority: Literal["simple", "two_thirds"] = "simple"
    repeat_every: Positive | None = None
    fixed_votes: VoteWords = Field(default_factory=dict)
    date: dt.date | None = None
    source: str | None = None
    precedents: list[Annotated[str, Field(min_length=1)]] = Field(
        default_factory=list, max_length=MAX_PRECEDENTS
    )


class Scenario(_Strict):
    """A whole scenario after CSV tables and the parameters file are read in."""

    name: Name
    description: str = ""
    seed: Annotated[int, NotBool, _at_least(0, 2**63 - 1)] = 0
    rounds: Annotated[int, NotBool, _at_least(1, MAX_ROUNDS)] | None = None
    reference_states: tuple[CountryId, CountryId]
    issues: dict[str, Issue]
    parameters: Parameters = Field(default_factory=lambda: Parameters())
    countries: list[Country] = Field(min_length=2, max_length=MAX_COUNTRIES)
    ties: Ties = Field(default_factory=Ties)
    favours: list[Favour] = Field(default_factory=list, max_length=MAX_FAVOURS)
    suspensions: list[Suspension] = Field(default_factory=list, max_length=MAX_FAVOURS)
    polls: list[Poll] = Field(default_factory=list, max_length=MAX_FAVOURS)
    history: list[HistoryRecord] = Field(default_factory=list, max_length=MAX_RESOLUTIONS)
    agenda: list[Resolution] = Field(min_length=1, max_length=MAX_RESOLUTIONS)


TABLE_FIELDS = ("countries", "favours", "suspensions", "polls", "agenda")
TIE_FIELDS = tuple(t.name for t in REGISTRY.tie_tables)


class LoadedScenario(BaseModel):
    """A validated scenario with where it came from.

    Attributes
    ----------
    scenario
        The validated model.
    path
        The YAML file.
    files
        Every file read (YAML, CSV tables, parameters file), in reading order.
    sha256
        Hash over the bytes of every file read (paths relative to the YAML file's folder).
    overrides
        The ``--set`` overrides applied, as given.
    """

    model_config = ConfigDict(frozen=True, arbitrary_types_allowed=True)

    scenario: Scenario
    path: Path
    files: tuple[Path, ...]
    sha256: str
    overrides: tuple[str, ...] = ()
