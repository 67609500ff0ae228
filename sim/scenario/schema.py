"""Scenario files: the schema (pydantic), YAML + CSV loading, overrides, and clear errors.

A scenario is one YAML file. Any of ``countries``, ``ties.trade``, ``ties.security``,
``ties.adversaries``, ``favours`` and ``agenda`` may instead name a CSV table by a path relative
to the YAML file; ``parameters_file`` names a YAML file of global parameters (as written by
``alliance-sim calibrate``). Every problem is reported as one :class:`ScenarioError` naming the
file and the field path (``countries[3].domestic_pressure: must be between 0 and 1, got 1.7``).
"""

from __future__ import annotations

import csv
import datetime as dt
import difflib
import hashlib
import io
import math
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal, NoReturn, get_args, get_type_hints

import yaml
from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    create_model,
)

from sim.model.channels import REGISTRY
from sim.model.errors import ScenarioError
from sim.model.inputs import (
    InputError,
    load_yaml,
    read_bytes,
    read_text,
    resolve,
    shorten,
    yaml_problem,
)
from sim.model.records import read_roll_call
from sim.model.stages import STAGES
from sim.model.timeline import timeline_of
from sim.model.votes import Vote

MAX_ROUNDS = 1000
"""Most rounds a scenario (or ``--rounds``) may ask for."""
MAX_COUNTRIES = 2000
MAX_RESOLUTIONS = 10_000
MAX_FAVOURS = 100_000
MAX_TIES = 1_000_000
MAX_ITERATIONS = 10_000
MAX_VALUE = 1e6
"""Largest value of an unbounded parameter, weight, budget or favour amount (finite, sane)."""


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
    """A named issue dimension; ``default_opinion`` applies where a country gives none."""

    description: str = ""
    default_opinion: Signed = 0.0
    default_opinion_source: str | None = None


class CountryBase(_Strict):
    """One state. ``sources`` maps an attribute name to where its value comes from.

    The numeric attributes channels read (``domestic_pressure`` ...) are added to this class
    from the registry; read them with :meth:`attribute`.
    """

    id: CountryId
    name: Name
    public_opinion: dict[str, Signed] = Field(default_factory=dict)
    arrears: bool = False
    patron_budget: NonNegative = 0.0
    sources: dict[str, str] = Field(default_factory=dict)

    def attribute(self, name: str) -> float:
        """Return a registered country attribute by name."""
        return float(getattr(self, name))


class Tie(_Strict):
    """A directed tie from ``country`` to ``partner`` with a weight in [0, 1].

    ``date`` (a dated agenda only) is when the tie came into being (a treaty, a sanctions
    designation): it counts only for votes after that date.
    """

    country: CountryId
    partner: CountryId
    weight: Unit
    kind: str | None = None
    date: dt.date | None = None
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
    return {
        c.weight_parameter: (NonNegative, Field(c.default, description=c.doc))
        for c in REGISTRY.weighted
    }


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
    sovereignty}``; the loader reads the file (:mod:`sim.model.records`) into this form.
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


def _format_loc(loc: Iterable[int | str]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


def _format_error(error: Mapping[str, Any]) -> str:
    kind = error["type"]
    if kind == "value_error":
        return str(error["ctx"]["error"])
    if kind == "missing":
        return "required field is missing"
    if kind == "extra_forbidden":
        return "unknown field"
    if kind == "literal_error":
        return _not_one_of(error["input"], str(error["ctx"]["expected"]))
    if kind == "model_type":  # pydantic says "a valid dictionary or instance of Issue"
        return f"must be a mapping of fields, got {shorten(error['input'])}"
    message = str(error["msg"])
    message = message[0].lower() + message[1:]
    if message.startswith("input should be"):
        message = "must be" + message[len("input should be") :]
    return f"{message}, got {shorten(error['input'])}"


LONG_CHOICES = 100
"""Longer than this, a list of allowed values comes after the value given (which an error
line cut to its length keeps), with the closest allowed value suggested."""


def _not_one_of(value: Any, expected: str) -> str:
    """Message for a value outside a fixed set (``expected``: pydantic's "'a', 'b' or 'c'")."""
    if len(expected) <= LONG_CHOICES:
        return f"must be {expected}, got {shorten(value)}"
    choices = [part.strip("'") for part in expected.replace(" or ", ", ").split(", ")]
    close = difflib.get_close_matches(str(value), choices, 1)
    hint = f" (did you mean {close[0]!r}?)" if close else ""
    return f"got {shorten(value)}{hint}, which is not one of: {expected}"


def read_yaml_file(path: Path) -> Any:
    """Read one YAML file within the limits of :mod:`sim.model.inputs`; errors name the file."""
    try:
        text = read_text(path)
    except FileNotFoundError:
        raise ScenarioError(path, "", "file not found") from None
    except InputError as exc:
        raise ScenarioError(path, "", str(exc)) from None
    try:
        return load_yaml(text)
    except InputError as exc:
        raise ScenarioError(path, "", str(exc)) from None
    except yaml.YAMLError as exc:
        raise ScenarioError(path, "", yaml_problem(exc)) from None


_read_yaml = read_yaml_file


def read_csv_rows(path: Path, field: str) -> tuple[list[str], list[dict[str, str]]]:
    """Read a CSV table within the limits: header (unique, BOM dropped) and rows.

    Cells are stripped; empty cells are left out of a row.
    """
    try:
        text = read_text(path)
    except FileNotFoundError:
        raise ScenarioError(path, field, "file not found") from None
    except InputError as exc:
        message = str(exc)
        if not message.startswith(("cannot read", "file too large")):
            message = f"cannot read CSV: {message}"
        raise ScenarioError(path, field, message) from None
    try:
        reader = csv.reader(io.StringIO(text, newline=""))
        header = [h.strip() for h in next(reader, [])]
        seen: set[str] = set()
        for name in header:
            if not name:
                raise ScenarioError(path, field, "a column has no name in the header")
            if name in seen:
                raise ScenarioError(path, field, f"duplicate column {shorten(name)}")
            seen.add(name)
        rows: list[dict[str, str]] = []
        for cells in reader:
            if not cells:
                continue
            if len(cells) > len(header):
                raise ScenarioError(
                    path,
                    f"{field}[{len(rows)}]",
                    f"more cells than columns (line {reader.line_num})",
                )
            rows.append(
                {k: v.strip() for k, v in zip(header, cells, strict=False) if v and v.strip()}
            )
        return header, rows
    except csv.Error as exc:
        raise ScenarioError(path, field, f"cannot read CSV: {str(exc)[:100]}") from None


def _read_csv(path: Path, field: str) -> list[dict[str, str]]:
    return read_csv_rows(path, field)[1]


def _country_from_row(row: dict[str, str]) -> dict[str, Any]:
    """Map a countries.csv row: ``opinion_<issue>`` and ``<field>_source`` columns nest."""
    out: dict[str, Any] = {}
    for key, value in row.items():
        if key.endswith("_source"):
            out.setdefault("sources", {})[key.removesuffix("_source")] = value
        elif key.startswith("opinion_"):
            out.setdefault("public_opinion", {})[key.removeprefix("opinion_")] = value
        else:
            out[key] = value
    return out


_LIST_VALUED = {"sponsors"}


def _agenda_from_row(row: dict[str, str]) -> dict[str, Any]:
    """Map an agenda.csv row: ``sponsors`` is a space-separated list of ids."""
    return {k: v.split() if k in _LIST_VALUED else v for k, v in row.items()}


class _Origins:
    """Which file each top-level list came from, to name it in errors."""

    def __init__(self, yaml_path: Path, allow_outside: bool = False) -> None:
        self.yaml_path = yaml_path
        self.allow_outside = allow_outside
        self.tables: dict[str, Path] = {}
        self.files: list[Path] = [yaml_path]

    def locate(self, loc: tuple[int | str, ...]) -> tuple[Path, str]:
        """Return the file a field path lives in, and the path (with the CSV line for rows)."""
        label = (
            f"ties.{loc[1]}"
            if len(loc) > 1 and loc[0] == "ties"
            else str(loc[:1][0] if loc else "")
        )
        path = _format_loc(loc)
        if label not in self.tables:
            return self.yaml_path, path
        row = (
            loc[2]
            if label.startswith("ties.") and len(loc) > 2
            else loc[1]
            if len(loc) > 1
            else None
        )
        if isinstance(row, int):
            path += f" (line {row + 2})"
        return self.tables[label], path


def _confined(base: Path, value: str, origins: _Origins, label: str) -> Path:
    """Resolve a path named in a scenario; refuse one outside the scenario's folder."""
    try:
        path = resolve(base / value)
    except InputError as exc:
        raise ScenarioError(origins.yaml_path, label, str(exc)) from None
    except UnicodeEncodeError:  # a lone surrogate ("\ud800", from JSON) names no file
        raise ScenarioError(
            origins.yaml_path, label, f"{shorten(value)} is not a valid file name"
        ) from None
    if not origins.allow_outside and not path.is_relative_to(base):
        raise ScenarioError(
            origins.yaml_path,
            label,
            f"{shorten(value)} is outside the scenario's folder {base} "
            "(move it there, or pass --allow-outside)",
        )
    return path


def _expand_history(data: dict[str, Any], origins: _Origins) -> None:
    """Read every ``{record: path, issue: ...}`` history entry's record file in place."""
    entries = data.get("history")
    if not isinstance(entries, list):
        return
    for i, entry in enumerate(entries):
        if not isinstance(entry, dict) or "record" not in entry:
            continue
        extra = set(entry) - {"record", "issue"}
        if extra:
            raise ScenarioError(
                origins.yaml_path, f"history[{i}].{sorted(extra)[0]}", "unknown field"
            )
        record = entry["record"]
        if not isinstance(record, str):
            raise ScenarioError(origins.yaml_path, f"history[{i}].record", "must be a file path")
        path = _confined(origins.yaml_path.parent, record, origins, f"history[{i}].record")
        roll_call = read_roll_call(path)
        origins.files.append(path)
        entries[i] = {
            "resolution": roll_call.resolution,
            "date": roll_call.date,
            "issue": entry.get("issue"),
            "votes": {c: v.word for c, v in roll_call.votes.items()},
            "file": record,
        }


def _expand_tables(data: dict[str, Any], origins: _Origins) -> None:
    base = origins.yaml_path.parent

    def expand(container: dict[str, Any], key: str, label: str) -> None:
        value = container.get(key)
        if not isinstance(value, str):
            return
        table_path = _confined(base, value, origins, label)
        rows = _read_csv(table_path, label)
        if key == "countries":
            container[key] = [_country_from_row(r) for r in rows]
        elif key == "agenda":
            container[key] = [_agenda_from_row(r) for r in rows]
        else:
            container[key] = rows
        origins.tables[label] = table_path
        origins.files.append(table_path)

    for key in TABLE_FIELDS:
        expand(data, key, key)
    _expand_history(data, origins)
    ties = data.get("ties")
    if isinstance(ties, dict):
        for key in TIE_FIELDS:
            expand(ties, key, f"ties.{key}")

    include = data.pop("parameters_file", None)
    if include is None:
        return
    if not isinstance(include, str):
        raise ScenarioError(origins.yaml_path, "parameters_file", "must be a file path")
    include_path = _confined(base, include, origins, "parameters_file")
    included = _read_yaml(include_path)
    origins.files.append(include_path)
    if isinstance(included, dict) and "parameters" in included:
        included = included["parameters"]
    if not isinstance(included, dict):
        raise ScenarioError(include_path, "parameters", "must be a mapping of parameter names")
    inline = data.get("parameters") or {}
    if not isinstance(inline, dict):
        raise ScenarioError(origins.yaml_path, "parameters", "must be a mapping")
    for key in included:
        if key in inline:
            raise ScenarioError(
                origins.yaml_path,
                f"parameters.{key}",
                f"set both here and in {include[:80]}; keep one",
            )
    data["parameters"] = {**included, **inline}


def parse_override(text: str) -> tuple[str, Any]:
    """Split ``PATH=VALUE``; the value is read as YAML (numbers, booleans, lists)."""
    if "=" not in text:
        raise ScenarioError("--set", text, "expected PATH=VALUE")
    path, raw = text.split("=", 1)
    path = path.strip()
    if not path:
        raise ScenarioError("--set", text, "empty path")
    try:
        value = load_yaml(raw) if raw.strip() else ""
    except InputError as exc:
        raise ScenarioError("--set", path, str(exc)) from None
    except yaml.YAMLError:
        value = raw
    return path, value


def apply_override(data: dict[str, Any], path: str, value: Any) -> None:
    """Set ``value`` at a dotted ``path`` in raw scenario data, in place.

    Lists of records (``countries``, ``agenda``) are addressed by ``id``:
    ``countries.CHN.domestic_pressure``, ``agenda.ES-11/1.salience``; other lists by index.
    Missing mapping keys are created (the schema then rejects unknown fields).
    """
    parts = path.split(".")
    node: Any = data
    for depth, part in enumerate(parts):
        last = depth == len(parts) - 1
        where = ".".join(parts[: depth + 1])
        if isinstance(node, list):
            index = _find_in_list(node, part, where)
            if last:
                node[index] = value
                return
            node = node[index]
        elif isinstance(node, dict):
            if last:
                node[part] = value
                return
            if part not in node or node[part] is None:
                node[part] = {}
            node = node[part]
        else:
            raise ScenarioError("--set", where, f"cannot descend into a {type(node).__name__}")


def _find_in_list(items: list[Any], key: str, where: str) -> int:
    for index, item in enumerate(items):
        if isinstance(item, dict) and str(item.get("id")) == key:
            return index
    if key.isdigit() and int(key) < len(items):
        return int(key)
    raise ScenarioError("--set", where, f"no entry with id {shorten(key)}")


def files_sha256(files: Iterable[Path], base: Path) -> str:
    """Return the hash of :attr:`LoadedScenario.sha256`.

    Every file's bytes, labelled by its path relative to ``base`` (the scenario's folder), in
    the order given.
    """
    digest = hashlib.sha256()
    for file in files:
        try:
            label = str(file.relative_to(base))
        except ValueError:
            label = file.name
        digest.update(label.encode() + b"\0" + read_bytes(file) + b"\0")
    return digest.hexdigest()


def resolve_scenario_path(path: str | Path) -> Path:
    """Resolve a scenario path; a NUL byte or a symlink loop is a :class:`ScenarioError`."""
    try:
        return resolve(path)
    except InputError as exc:
        raise ScenarioError(shorten(str(path), 100), "", str(exc)) from None


def expand_scenario_data(
    yaml_path: Path, origins: _Origins | None = None, allow_outside: bool = False
) -> dict[str, Any]:
    """Read a scenario YAML with its CSV tables and parameters file, not yet validated."""
    yaml_path = resolve_scenario_path(yaml_path)
    data = _read_yaml(yaml_path)
    if not isinstance(data, dict):
        raise ScenarioError(yaml_path, "", "must be a mapping at the top level")
    _expand_tables(data, origins or _Origins(yaml_path, allow_outside))
    return data


def first_error(
    exc: ValidationError, model: type[BaseModel] | None = None
) -> tuple[tuple[int | str, ...], str]:
    """Return the location and message of a pydantic error's first problem (plus a count).

    An unknown field comes first: a misspelt field is both unknown and missing, and its own
    spelling is what the user must fix. With ``model`` (the validated class), the message
    suggests the closest known field; the "missing" twin of a misspelling is not counted.
    """
    errors = exc.errors()
    unknown = [e for e in errors if e["type"] == "extra_forbidden"]
    error = unknown[0] if unknown else errors[0]
    message = _format_error(error)
    others = len(errors) - 1
    if unknown and model is not None:
        loc = tuple(error["loc"])
        close = difflib.get_close_matches(str(loc[-1]), _known_fields(model, loc[:-1]), 1)
        if close:
            message = f"unknown field; did you mean {close[0]!r}?"
            others -= any(
                e["type"] == "missing" and tuple(e["loc"]) == (*loc[:-1], close[0]) for e in errors
            )
    return tuple(error["loc"]), message + (f" (and {others} more)" if others else "")


def _known_fields(model: type[BaseModel], parent: tuple[int | str, ...]) -> list[str]:
    """Field names of the model found at ``parent`` inside ``model`` (none if not a model).

    List indices and mapping keys keep the item's model; a field name descends into its type.
    """
    current: type[BaseModel] | None = model
    for part in parent:
        if current is None:
            return []
        field = current.model_fields.get(part) if isinstance(part, str) else None
        if field is not None:
            current = next(_models_in(field.annotation), None)
    return list(current.model_fields) if current is not None else []


def _models_in(annotation: Any) -> Iterator[type[BaseModel]]:
    """Pydantic models named in a type annotation (``list[X]``, ``dict[str, X]``, ``X | None``)."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        yield annotation
    for arg in get_args(annotation):
        yield from _models_in(arg)


def format_validation_error(
    exc: ValidationError, model: type[BaseModel] | None = None
) -> tuple[str, str]:
    """Return the field path and message of a pydantic error's first problem.

    See :func:`first_error` (``model`` lets it suggest a close field name).
    """
    loc, message = first_error(exc, model)
    return _format_loc(loc), message


def load_scenario(
    path: str | Path, overrides: Iterable[str] = (), *, allow_outside: bool = False
) -> LoadedScenario:
    """Read, expand, override and validate a scenario file.

    Parameters
    ----------
    path
        The scenario YAML file.
    overrides
        ``PATH=VALUE`` strings applied after tables are read and before validation.
    allow_outside
        Let CSV tables and ``parameters_file`` lie outside the scenario's folder.

    Returns
    -------
    LoadedScenario
        The validated scenario with its files and hash.

    Raises
    ------
    ScenarioError
        On any problem, naming the file and the field path.
    """
    yaml_path = resolve_scenario_path(path)
    origins = _Origins(yaml_path, allow_outside)
    data = expand_scenario_data(yaml_path, origins)
    overrides = tuple(overrides)
    overridden: set[str] = set()
    for text in overrides:
        where, value = parse_override(text)
        apply_override(data, where, value)
        overridden.add(where)
    check_renamed(data.get("parameters"), yaml_path)
    try:
        scenario = Scenario.model_validate(data)
    except ValidationError as exc:
        loc, message = first_error(exc, Scenario)
        raise ScenarioError(*_blame(loc, overridden, data, origins), message) from None
    check_references(scenario, origins)
    return LoadedScenario(
        scenario=scenario,
        path=yaml_path,
        files=tuple(origins.files),
        sha256=files_sha256(origins.files, yaml_path.parent),
        overrides=overrides,
    )


def check_renamed(parameters: Any, file: str | Path) -> None:
    """Name the new spelling of a renamed parameter instead of calling it unknown.

    Raises
    ------
    ScenarioError
        If ``parameters`` (a raw mapping) uses an old name.
    """
    if not isinstance(parameters, dict):
        return
    for old, new in RENAMED_PARAMETERS.items():
        if old in parameters:
            raise ScenarioError(file, f"parameters.{old}", f"renamed to {new}")


def check_references(scenario: Scenario, origins: _Origins | None = None) -> None:
    """Cross-field checks: ids exist and are unique, shares sum to at most 1, issues exist.

    Raises
    ------
    ScenarioError
        Naming the offending field path.
    """

    def fail(loc: tuple[int | str, ...], message: str) -> NoReturn:
        if origins is None:
            raise ScenarioError("<scenario>", _format_loc(loc), message)
        raise ScenarioError(*origins.locate(loc), message)

    ids: set[str] = set()
    for i, country in enumerate(scenario.countries):
        if country.id in ids:
            fail(("countries", i, "id"), f"duplicate country id {country.id!r}")
        ids.add(country.id)
        for issue in country.public_opinion:
            if issue not in scenario.issues:
                fail(("countries", i, "public_opinion", issue), _unknown("issue", issue))

    def known(loc: tuple[int | str, ...], value: str | None) -> None:
        if value is not None and value not in ids:
            fail(loc, f"names no country: {value!r}")

    for k, ref in enumerate(scenario.reference_states):
        known(("reference_states", k), ref)
    if scenario.reference_states[0] == scenario.reference_states[1]:
        fail(("reference_states", 1), "the two reference states must differ")
    for table in REGISTRY.tie_tables:
        if len(scenario.ties.table(table.name)) > MAX_TIES:
            fail(("ties", table.name), f"more than {MAX_TIES} ties")
    for table in REGISTRY.tie_tables:
        kind = table.name
        seen: set[tuple[str, str]] = set()
        totals: dict[str, float] = {}
        for i, tie in enumerate(scenario.ties.table(kind)):
            known(("ties", kind, i, "country"), tie.country)
            known(("ties", kind, i, "partner"), tie.partner)
            if tie.country == tie.partner:
                fail(("ties", kind, i, "partner"), "a country cannot be tied to itself")
            pair = (tie.country, tie.partner)
            if table.unique_pairs and pair in seen:
                fail(("ties", kind, i), f"duplicate {kind} tie {pair[0]} -> {pair[1]}")
            seen.add(pair)
            totals[tie.country] = totals.get(tie.country, 0.0) + tie.weight
            limit = table.row_sum_max
            if limit is not None and totals[tie.country] > limit + 1e-9:
                fail(
                    ("ties", kind, i, "weight"),
                    f"{kind} shares of {tie.country} sum to {totals[tie.country]:.3g}, "
                    f"above {limit:g}",
                )
    for i, favour in enumerate(scenario.favours):
        known(("favours", i, "debtor"), favour.debtor)
        known(("favours", i, "creditor"), favour.creditor)
        if favour.debtor == favour.creditor:
            fail(("favours", i, "creditor"), "a country cannot owe itself")
    resolution_ids: set[str] = set()
    for i, res in enumerate(scenario.agenda):
        if res.id in resolution_ids:
            fail(("agenda", i, "id"), f"duplicate resolution id {res.id!r}")
        resolution_ids.add(res.id)
        if res.issue not in scenario.issues:
            fail(("agenda", i, "issue"), _unknown("issue", res.issue, scenario.issues))
        known(("agenda", i, "target"), res.target)
        for k, sponsor in enumerate(res.sponsors):
            known(("agenda", i, "sponsors", k), sponsor)
            if sponsor == res.target:
                fail(("agenda", i, "sponsors", k), "the target cannot sponsor")
        for country_id in res.fixed_votes:
            known(("agenda", i, "fixed_votes", country_id), country_id)
    for i, suspension in enumerate(scenario.suspensions):
        known(("suspensions", i, "country"), suspension.country)
        if suspension.end is not None and suspension.end < suspension.start:
            fail(("suspensions", i, "end"), "is before start")
    for i, poll in enumerate(scenario.polls):
        known(("polls", i, "country"), poll.country)
        if poll.fieldwork_start is not None and poll.fieldwork_start > poll.fieldwork_end:
            fail(("polls", i, "fieldwork_start"), "is after fieldwork_end")
    recorded: set[tuple[str, dt.date]] = set()
    for i, record in enumerate(scenario.history):
        if (record.resolution, record.date) in recorded:  # it would count twice
            fail(("history", i), f"{shorten(record.resolution)} is already in the history")
        recorded.add((record.resolution, record.date))
    timeline_of(scenario, fail)


def _unknown(kind: str, value: str, known: Iterable[str] = ()) -> str:
    names = ", ".join(sorted(known))
    if len(names) > 100:
        names = names[:97] + "..."
    return f"unknown {kind} {shorten(value)}" + (f" (known: {names})" if names else "")


def _blame(
    loc: tuple[int | str, ...], overridden: set[str], data: dict[str, Any], origins: _Origins
) -> tuple[str | Path, str]:
    """Blame ``--set`` (not the CSV) for a field a command-line override set."""
    for where in overridden:
        if _override_loc(where, data) == loc:
            return "--set", where
    return origins.locate(loc)


def _override_loc(where: str, data: dict[str, Any]) -> tuple[int | str, ...] | None:
    """Return the schema location an override path addresses (ids become indices)."""
    node: Any = data
    loc: list[int | str] = []
    for part in where.split("."):
        if isinstance(node, list):
            index = next(
                (
                    i
                    for i, item in enumerate(node)
                    if isinstance(item, dict) and str(item.get("id")) == part
                ),
                int(part) if part.isdigit() else None,
            )
            if index is None or index >= len(node):
                return None
            loc.append(index)
            node = node[index]
        elif isinstance(node, dict):
            loc.append(part)
            node = node.get(part)
        else:
            return None
    return tuple(loc)
