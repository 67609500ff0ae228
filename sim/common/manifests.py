"""The ``manifest.json`` of every results directory, one typed model per kind.

A manifest records where a directory's results came from: versions, the scenario (or sweep)
file and its hash, seeds, parameters. Three kinds are written: a run
(:func:`sim.experiments.runs.build_manifest`), a sweep
(:func:`sim.experiments.runner.start_sweep`) and a backtest
(:func:`sim.output.backtest.write_backtest`). Each is a frozen pydantic model: the writer
builds it and :meth:`ManifestBase.dump` writes it; every reader gets it back through
:func:`read_manifest` and reads attributes, so a missing or misspelt field is a type error
or one clear line, never a ``KeyError`` deep in a plot.

The file is the contract, so its bytes do not depend on the model: keys are sorted, fields
that were never set are left out (a sweep's ``finished`` appears when it finishes), and keys a
model does not know (from another version) are kept as they were when the manifest is
rewritten. Fields added after the first release are optional, so older directories still
load (``tests/test_run_outputs.py`` pins the keys).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, ValidationError

from sim.common.files import ResultsError, write_json

MANIFEST = "manifest.json"
"""The name of the manifest in every results directory."""

SCHEMA_VERSION = 1
"""Version of the run and sweep manifest layout (raised when a field changes meaning)."""


class _Record(BaseModel):
    """Frozen, and keeping unknown keys so that a rewrite loses nothing."""

    model_config = ConfigDict(frozen=True, extra="allow")


class ManifestBase(_Record):
    """What every manifest has: its kind, when it was made and the library versions."""

    kind: str
    created: str
    versions: dict[str, str]

    def dump(self) -> dict[str, Any]:
        """Return the manifest as the JSON object written to disk (unset fields left out)."""
        return {"kind": self.kind, **self.model_dump(mode="python", exclude_unset=True)}


class RunScenario(_Record):
    """The scenario a run was read from."""

    name: str
    path: str
    sha256: str
    files: list[str] = []
    """Every file the scenario was read from (YAML, CSV tables, parameters file)."""
    overrides: list[str] = []
    """The ``--set PATH=VALUE`` overrides, as given."""
    reference_states: list[str]
    """The two states whose alignment the plots use as poles."""


class RunManifest(ManifestBase):
    """``manifest.json`` of one run (``alliance-sim run``)."""

    kind: Literal["run"] = "run"
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
    files: dict[str, str] | None = None
    """SHA-256 of every table written, by file name (set once they are written)."""


class SweepFile(_Record):
    """The sweep file a sweep was started from, and its validated specification."""

    name: str
    path: str
    sha256: str
    spec: dict[str, Any]
    """The validated sweep file as JSON (``SweepSpec.model_dump(mode="json")``)."""


class SweepScenario(_Record):
    """The base scenario of a sweep."""

    path: str
    sha256: str
    files: list[str] | None = None
    """Files the scenario was read from (absent in sweeps started before they were recorded)."""


class SweepManifest(ManifestBase):
    """``manifest.json`` of a sweep directory (``alliance-sim sweep``)."""

    kind: Literal["sweep"] = "sweep"
    schema_version: int
    command: list[str] | None = None
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
    finished: str | None = None
    """When the runs were merged and analysed (absent until then)."""
    status_counts: dict[str, int] | None = None
    """Runs per status (``ok``, ``failed``) once finished."""
    plots_drawn: str | None = None
    """When the sweep's plots were drawn whole (absent until then)."""


class BacktestScenario(_Record):
    """The scenario a backtest was run on."""

    name: str
    path: str
    sha256: str


class BacktestManifest(ManifestBase):
    """``manifest.json`` of a backtest directory (``alliance-sim backtest``)."""

    kind: Literal["backtest"] = "backtest"
    scenario: BacktestScenario
    cutoff: str
    """The last date calibration may see (ISO 8601)."""
    replicates: int
    weights: str
    """How the weights were set (the scenario's, or calibrated)."""
    parameters: dict[str, Any]
    """The weights used, by parameter name."""
    command: list[str] | None = None


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
    expected = model.model_fields["kind"].default
    if data.get("kind") != expected:
        raise ResultsError(f"{path}: holds a {data.get('kind')!r}, not a {expected}")
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        error = exc.errors()[0]
        field = ".".join(str(part) for part in error["loc"])
        raise ResultsError(
            f"{path / MANIFEST}: {field}: {error['msg'].lower()} (written by another version "
            "of alliance-sim?)"
        ) from None


def write_manifest(path: Path, manifest: Manifest) -> Path:
    """Write ``path/manifest.json`` atomically (sorted keys, indented)."""
    return write_json(path / MANIFEST, manifest.dump())
