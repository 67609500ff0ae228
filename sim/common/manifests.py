"""The ``manifest.json`` of every results directory, one typed model per kind.

A manifest records where a directory's results came from: versions, the scenario (or sweep)
file and its hash, seeds, parameters. Three kinds are written: a run
(:func:`sim.experiments.runs.build_manifest`), a sweep
(:func:`sim.experiments.runner.start_sweep`) and a backtest
(:meth:`sim.empirical.backtest.Backtest.manifest`). Each is a frozen dataclass: the writer builds it
and :func:`write_manifest` writes it; every reader gets it back through :func:`read_manifest`,
which checks every field against its annotation, and reads attributes, so a missing or
misspelt field is a type error or one clear line, never a ``KeyError`` deep in a plot. (Plain
dataclasses rather than pydantic: the figure process reads a manifest and would otherwise pay
~0.1 s to import pydantic and build the models before it can draw.)

The file is the contract, so its bytes do not depend on the model: keys are sorted, optional
fields added later are left out while unset (a sweep's ``finished`` appears when it
finishes), and keys a model does not know (from another version) are kept in ``extra`` and
written back as they were when the manifest is rewritten. Fields added after the first
release are optional, so older directories still load (``tests/test_run_outputs.py`` pins
the keys).
"""

from __future__ import annotations

import json
import types
import typing
from dataclasses import MISSING, dataclass, field, fields, is_dataclass
from pathlib import Path
from typing import Any, ClassVar, Literal, TypeVar, get_args, get_origin, get_type_hints

from sim.common.files import ResultsError, write_json

MANIFEST = "manifest.json"
"""The name of the manifest in every results directory."""

SCHEMA_VERSION = 1
"""Version of the run and sweep manifest layout (raised when a field changes meaning)."""

OMIT_NONE = {"omit_none": True}
"""Field metadata: leave the key out of the file while the value is None."""


class FieldError(ValueError):
    """A manifest field is missing or of the wrong type (``where`` is its dotted path)."""

    def __init__(self, where: str, message: str) -> None:
        super().__init__(f"{where}: {message}")


@dataclass(frozen=True, kw_only=True)
class Record:
    """A JSON object with typed fields; keys it does not know are kept in ``extra``."""

    extra: dict[str, Any] = field(default_factory=dict, repr=False)
    """Keys of the file this version does not know, written back unchanged."""

    def dump(self) -> dict[str, Any]:
        """Return the record as the JSON object written to disk."""
        out: dict[str, Any] = {}
        for item in fields(self):
            value = getattr(self, item.name)
            if item.name == "extra" or (value is None and item.metadata.get("omit_none")):
                continue
            out[item.name] = _plain(value)
        out.update(self.extra)
        return out

    @classmethod
    def load(cls, data: object, where: str = "") -> typing.Self:
        """Check ``data`` against the annotations and build the record, or raise FieldError."""
        if not isinstance(data, dict):
            raise FieldError(where or "manifest", "expected an object")
        hints = get_type_hints(cls)
        values: dict[str, Any] = {}
        for item in fields(cls):
            path = f"{where}.{item.name}" if where else item.name
            if item.name == "extra":
                continue
            if item.name in data:
                values[item.name] = _checked(data[item.name], hints[item.name], path)
            elif item.default is MISSING and item.default_factory is MISSING:
                raise FieldError(path, "field required")
        known = {item.name for item in fields(cls)}
        return cls(**values, extra={k: v for k, v in data.items() if k not in known})


def _plain(value: Any) -> Any:
    if isinstance(value, Record):
        return value.dump()
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value


def _checked(value: Any, hint: Any, where: str) -> Any:
    """Return ``value`` if it is of type ``hint`` (records built), else raise FieldError."""
    origin, args = get_origin(hint), get_args(hint)
    if hint is Any:
        return value
    if origin in (types.UnionType, typing.Union):
        if value is None and type(None) in args:
            return None
        (inner,) = [a for a in args if a is not type(None)]
        return _checked(value, inner, where)
    if origin is Literal:
        if value not in args:
            raise FieldError(where, f"expected one of {list(args)}, got {value!r}")
        return value
    if origin is list:
        if not isinstance(value, list):
            raise FieldError(where, "expected a list")
        return [_checked(v, args[0], f"{where}.{i}") for i, v in enumerate(value)]
    if origin is dict:
        if not isinstance(value, dict):
            raise FieldError(where, "expected an object")
        return {k: _checked(v, args[1], f"{where}.{k}") for k, v in value.items()}
    if isinstance(hint, type) and is_dataclass(hint) and issubclass(hint, Record):
        return hint.load(value, where)
    expected = {str: "a string", int: "a whole number", bool: "true or false"}[hint]
    if not isinstance(value, hint) or (hint is int and isinstance(value, bool)):
        raise FieldError(where, f"expected {expected}, got {type(value).__name__}")
    return value


@dataclass(frozen=True, kw_only=True)
class ManifestBase(Record):
    """What every manifest has: its kind, when it was made and the library versions."""

    KIND: ClassVar[str] = ""
    kind: str
    created: str
    versions: dict[str, str]


@dataclass(frozen=True, kw_only=True)
class RunScenario(Record):
    """The scenario a run was read from."""

    name: str
    path: str
    sha256: str
    """Hash over every file of ``files`` (:func:`sim.scenario.loading.files_sha256`)."""
    files: list[str] = field(default_factory=list)
    """Every file the scenario was read from (YAML, CSV tables, parameters file), then the
    files of its world's ``records/`` the run read for its recorded table (``index.csv`` and
    one per agenda item; runs written before they were listed lack them)."""
    overrides: list[str] = field(default_factory=list)
    """The ``--set PATH=VALUE`` overrides, as given."""
    reference_states: list[str]
    """The two states whose alignment the plots use as poles."""


@dataclass(frozen=True, kw_only=True)
class RunManifest(ManifestBase):
    """``manifest.json`` of one run (``alliance-sim run``)."""

    KIND: ClassVar[str] = "run"
    kind: str = "run"
    schema_version: int
    command: list[str] | None = None
    platform: str = ""
    scenario: RunScenario
    seed: int
    rounds: int
    parameters: dict[str, Any]
    """Every scenario parameter by name (the scenario's ``parameters`` block as JSON)."""
    channels: list[str]
    """The registered channels, in the order of the contributions table's columns."""
    files: dict[str, str] | None = field(default=None, metadata=OMIT_NONE)
    """SHA-256 of every table written, by file name (set once they are written)."""


@dataclass(frozen=True, kw_only=True)
class SweepFile(Record):
    """The sweep file a sweep was started from, and its validated specification."""

    name: str
    path: str
    sha256: str
    spec: dict[str, Any]
    """The validated sweep file as JSON (``SweepSpec.model_dump(mode="json")``)."""


@dataclass(frozen=True, kw_only=True)
class SweepScenario(Record):
    """The base scenario of a sweep."""

    path: str
    sha256: str
    files: list[str] | None = field(default=None, metadata=OMIT_NONE)
    """Files the scenario was read from (absent in sweeps started before they were recorded)."""


@dataclass(frozen=True, kw_only=True)
class SweepManifest(ManifestBase):
    """``manifest.json`` of a sweep directory (``alliance-sim sweep``)."""

    KIND: ClassVar[str] = "sweep"
    kind: str = "sweep"
    schema_version: int
    command: list[str] | None = field(default=None, metadata=OMIT_NONE)
    sweep: SweepFile
    scenario: SweepScenario
    design: str
    root_seed: int
    common_random_numbers: bool
    replicates: int
    parameters: list[str]
    """The varied parameters (their paths), the columns of ``runs.parquet``."""
    outcomes: list[str]
    """The outcome columns of ``runs.parquet``."""
    points: int
    runs: int
    finished: str | None = field(default=None, metadata=OMIT_NONE)
    """When the runs were merged and analysed (absent until then)."""
    status_counts: dict[str, int] | None = field(default=None, metadata=OMIT_NONE)
    """Runs per status (``ok``, ``failed``) once finished."""
    plots_drawn: str | None = field(default=None, metadata=OMIT_NONE)
    """When the sweep's plots were drawn whole (absent until then)."""


@dataclass(frozen=True, kw_only=True)
class BacktestScenario(Record):
    """The scenario a backtest was run on."""

    name: str
    path: str
    sha256: str


@dataclass(frozen=True, kw_only=True)
class BacktestManifest(ManifestBase):
    """``manifest.json`` of a backtest directory (``alliance-sim backtest``)."""

    KIND: ClassVar[str] = "backtest"
    kind: str = "backtest"
    scenario: BacktestScenario
    cutoff: str
    """The last date calibration may see (ISO 8601)."""
    replicates: int
    weights: str
    """How the weights were set (the scenario's, or calibrated)."""
    parameters: dict[str, Any]
    """The weights used, by parameter name."""
    command: list[str] | None = field(default=None, metadata=OMIT_NONE)


Manifest = RunManifest | SweepManifest | BacktestManifest
M = TypeVar("M", RunManifest, SweepManifest, BacktestManifest)


def _read_object(path: Path) -> dict[str, Any]:
    """Return ``path/manifest.json`` as a JSON object, or refuse with one line."""
    manifest_path = path / MANIFEST
    try:
        data = json.loads(manifest_path.read_text())
    except FileNotFoundError:
        raise ResultsError(f"{path}: not a results directory (no manifest.json)") from None
    except (OSError, ValueError) as exc:
        raise ResultsError(f"{manifest_path}: cannot read: {exc}") from None
    if not isinstance(data, dict):
        raise ResultsError(f"{manifest_path}: not a manifest (a JSON object was expected)")
    return data


def manifest_kind(path: Path) -> str | None:
    """Return what a results directory holds (``run``, ``sweep``, ``backtest``), unvalidated."""
    kind = _read_object(path).get("kind")
    return kind if isinstance(kind, str) else None


def read_manifest(path: Path, model: type[M]) -> M:
    """Read ``path/manifest.json`` as ``model``; refuse another kind or a malformed file.

    Raises
    ------
    ResultsError
        When there is no manifest, it holds another kind (``<dir>: holds a 'sweep', not a
        run``), or a field is missing or of the wrong type (one line naming the field).
    """
    data = _read_object(path)
    if data.get("kind") != model.KIND:
        raise ResultsError(f"{path}: holds a {data.get('kind')!r}, not a {model.KIND}")
    try:
        return model.load(data)
    except FieldError as exc:
        raise ResultsError(
            f"{path / MANIFEST}: {exc} (written by another version of alliance-sim?)"
        ) from None


def write_manifest(path: Path, manifest: Manifest) -> Path:
    """Write ``path/manifest.json`` atomically (sorted keys, indented)."""
    return write_json(path / MANIFEST, manifest.dump())
