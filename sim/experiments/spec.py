"""Sweep files: the schema, loading with clear errors, and the scenario of each design point.

A sweep file (YAML) names a base scenario, the parameters to vary (by the same paths as
``--set``), a design, replicates, a root seed and the outcomes to record. The designs expand it
into runs (:mod:`sim.experiments.designs`), the worker does each run
(:mod:`sim.experiments.worker`) and the runner streams them to disk
(:mod:`sim.experiments.runner`), so a killed sweep loses only the runs in flight and
``--resume`` finishes it.
"""

from __future__ import annotations

import copy
import hashlib
import math
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

import numpy as np
import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from sim.common.inputs import InputError, load_yaml, read_bytes, resolve, shorten, yaml_problem
from sim.experiments.outcomes import Outcome
from sim.scenario.errors import ScenarioError
from sim.scenario.limits import MAX_ROUNDS
from sim.scenario.loading import apply_override, expand_scenario_data
from sim.scenario.messages import format_validation_error
from sim.scenario.references import check_references
from sim.scenario.schema import Parameters, Scenario
from sim.scenario.world import build_world

MAX_STEPS = 1000
"""Most values one grid axis may take."""
MAX_SAMPLES = 100_000
MAX_REPLICATES = 10_000
MAX_RUNS = 1_000_000
"""Most runs (points x replicates) one sweep may have."""
MAX_SEED = 2**63 - 1

Design = Literal["grid", "lhs", "sobol", "morris", "list"]


class Axis(BaseModel):
    """One varied parameter: explicit ``values``, or a range ``low``..``high``.

    A grid takes ``values`` or ``steps`` evenly spaced points of the range; ``lhs``, ``sobol``
    and ``morris`` sample the range.
    """

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)

    values: list[Any] | None = Field(None, max_length=MAX_STEPS)
    low: float | None = None
    high: float | None = None
    steps: int | None = Field(None, ge=2, le=MAX_STEPS)

    @model_validator(mode="after")
    def _shape(self) -> Axis:
        if self.values is None and (self.low is None or self.high is None):
            raise ValueError("give values, or low and high")
        if self.values is not None and not self.values:
            raise ValueError("values must not be empty")
        for value in self.values or ():
            _check_value(value)
        if self.low is not None and self.high is not None and not self.low < self.high:
            raise ValueError(f"low must be below high, got {self.low} and {self.high}")
        return self

    def grid(self) -> list[Any]:
        """Return the values this axis takes on a grid."""
        if self.values is not None:
            return list(self.values)
        if self.steps is None:
            raise ValueError("a grid over a range needs steps (or values)")
        return [
            float(v) for v in np.linspace(float(self.low or 0), float(self.high or 0), self.steps)
        ]


def _check_value(value: Any) -> None:
    """Refuse a swept value that is not finite, or is a nested list or mapping."""
    if isinstance(value, float) and not math.isfinite(value):
        raise ValueError(f"values must be finite numbers, got {value}")
    if isinstance(value, (dict, list)):
        raise ValueError(f"values must be numbers, booleans or text, got {shorten(value)}")
    if isinstance(value, str) and len(value) > 200:
        raise ValueError("a text value is longer than 200 characters")


class SweepSpec(BaseModel):
    """A validated sweep file."""

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)

    name: str = Field(min_length=1, max_length=200)
    description: str = ""
    scenario: str = Field(min_length=1)
    parameters: dict[str, Axis] = Field(default_factory=dict)
    design: Design = "grid"
    samples: int = Field(8, ge=1, le=MAX_SAMPLES)
    points: list[dict[str, Any]] = Field(default_factory=list, max_length=MAX_RUNS)
    replicates: int = Field(1, ge=1, le=MAX_REPLICATES)
    rounds: int | None = Field(None, ge=1, le=MAX_ROUNDS)
    seed: int = Field(0, ge=0, le=MAX_SEED)
    common_random_numbers: bool = True
    outcomes: list[Outcome] = Field(min_length=1)

    @model_validator(mode="after")
    def _design_inputs(self) -> SweepSpec:
        if self.design == "list":
            if not self.points:
                raise ValueError("design 'list' needs points")
            keys = set(self.points[0])
            for k, point in enumerate(self.points):
                if not point:
                    raise ValueError(f"points[{k}] sets no parameter")
                if set(point) != keys:
                    raise ValueError(
                        f"points[{k}] sets {shorten(sorted(point))}, points[0] sets "
                        f"{shorten(sorted(keys))}: every point must set the same parameters"
                    )
                for value in point.values():
                    _check_value(value)
        elif not self.parameters:
            raise ValueError(f"design {self.design!r} needs parameters")
        if self.design in ("lhs", "sobol", "morris"):
            for path, axis in self.parameters.items():
                if axis.low is None or axis.high is None:
                    raise ValueError(f"design {self.design!r} needs low and high for {path}")
        if self.design == "grid":
            for path, axis in self.parameters.items():
                if axis.values is None and axis.steps is None:
                    raise ValueError(f"a grid over low..high needs steps (or values) for {path}")
        if self.design_size * self.replicates > MAX_RUNS:
            raise ValueError(
                f"{self.design_size} points x {self.replicates} replicates is more than "
                f"{MAX_RUNS} runs"
            )
        columns = [o.column for o in self.outcomes]
        if len(set(columns)) != len(columns):
            raise ValueError("outcome columns must be unique (give a name)")
        return self

    @property
    def design_size(self) -> int:
        """Number of design points, computed without expanding the design."""
        if self.design == "list":
            return len(self.points)
        if self.design == "grid":
            return math.prod(len(axis.grid()) for axis in self.parameters.values())
        if self.design == "lhs":
            return self.samples
        dims = len(self.parameters)
        return self.samples * (dims + 2 if self.design == "sobol" else dims + 1)

    @property
    def varied(self) -> list[str]:
        """Paths of the varied parameters, in file order (list designs: first point's keys)."""
        if self.design == "list":
            return list(dict.fromkeys(k for point in self.points for k in point))
        return list(self.parameters)


@dataclass(frozen=True)
class LoadedSweep:
    """A sweep file with its path, hash and resolved base scenario path."""

    spec: SweepSpec
    path: Path
    sha256: str
    scenario_path: Path


def load_sweep(path: str | Path, relative_to: Path | None = None) -> LoadedSweep:
    """Read and validate a sweep file; errors name the file and field (exit code 2).

    The base scenario path is resolved against ``relative_to`` (default: the file's folder).
    """
    try:
        path = resolve(path)
        raw_bytes = read_bytes(path)
        data = load_yaml(raw_bytes)
    except FileNotFoundError:
        raise ScenarioError(path, "", "file not found") from None
    except InputError as exc:
        raise ScenarioError(shorten(str(path), 100), "", str(exc)) from None
    except yaml.YAMLError as exc:
        raise ScenarioError(path, "", yaml_problem(exc)) from None
    if not isinstance(data, dict):
        raise ScenarioError(path, "", "must be a mapping at the top level")
    try:
        spec = SweepSpec.model_validate(data)
    except ValidationError as exc:
        raise ScenarioError(path, *format_validation_error(exc, SweepSpec)) from None
    try:
        scenario_path = resolve((relative_to or path.parent) / spec.scenario)
    except InputError as exc:
        raise ScenarioError(path, "scenario", str(exc)) from None
    try:
        base = base_scenario(str(scenario_path))
    except ScenarioError as exc:
        raise ScenarioError(path, "scenario", f"not a valid scenario: {exc}") from None
    check_outcomes(spec, base, path)
    check_design(spec, scenario_path, path)
    return LoadedSweep(spec, path, hashlib.sha256(raw_bytes).hexdigest(), scenario_path)


@lru_cache(maxsize=4)
def base_data(scenario_path: str) -> dict[str, Any]:
    """Return the base scenario's raw data with tables read in (cached per process)."""
    return expand_scenario_data(Path(scenario_path))


@lru_cache(maxsize=4)
def base_scenario(scenario_path: str) -> Scenario:
    """Return the validated base scenario (cached per process)."""
    try:
        scenario = Scenario.model_validate(copy.deepcopy(base_data(scenario_path)))
    except ValidationError as exc:
        raise ScenarioError(scenario_path, *format_validation_error(exc)) from None
    check_references(scenario)
    return scenario


def check_outcomes(spec: SweepSpec, scenario: Scenario, sweep_path: Path) -> None:
    """Every outcome must name a resolution voted on within the rounds, and known countries."""
    countries = {c.id for c in scenario.countries}
    timeline = build_world(scenario).timeline
    rounds = spec.rounds or timeline.rounds
    voted = {
        scenario.agenda[i].id for r in range(1, rounds + 1) for i in timeline.agenda.get(r, ())
    }
    agenda = {r.id for r in scenario.agenda}
    for k, outcome in enumerate(spec.outcomes):
        where = f"outcomes[{k}]"
        if outcome.resolution is not None and outcome.resolution not in voted:
            why = (
                "is not voted on within the rounds run"
                if outcome.resolution in agenda
                else ("is not on the scenario's agenda")
            )
            raise ScenarioError(
                sweep_path, f"{where}.resolution", f"{shorten(outcome.resolution)} {why}"
            )
        for field in ("country", "reference"):
            value = getattr(outcome, field)
            if value is not None and value not in countries:
                raise ScenarioError(
                    sweep_path, f"{where}.{field}", f"names no country: {shorten(value)}"
                )


def check_design(spec: SweepSpec, scenario_path: Path, sweep_path: Path) -> None:
    """Every varied path must give a valid scenario at every value (ranges: both ends).

    List designs are checked point by point (a point's values together).
    """
    if spec.design == "list":
        for k, point in enumerate(spec.points):
            try:
                scenario_for(str(scenario_path), point)
            except ScenarioError as exc:
                raise ScenarioError(sweep_path, f"points[{k}]", _probe_message(exc)) from None
        return
    for path in spec.varied:
        axis = spec.parameters[path]
        probes = axis.values if axis.values is not None else [axis.low, axis.high]
        kinds = {type(v) for v in probes}
        if len(kinds) > 1 and not kinds <= {int, float}:
            names = ", ".join(sorted(k.__name__ for k in kinds))
            raise ScenarioError(
                sweep_path, f"parameters.{path}", f"values mix types ({names}); use one type"
            )
        for value in probes:
            try:
                scenario_for(str(scenario_path), {path: value})
            except ScenarioError as exc:
                raise ScenarioError(sweep_path, f"parameters.{path}", exc.message) from None


def _probe_message(exc: ScenarioError) -> str:
    return f"{exc.path}: {exc.message}" if exc.path else exc.message


def parameters_only(values: dict[str, Any]) -> bool:
    """Tell whether every path in ``values`` is a ``parameters.NAME`` (the rest as the base)."""
    return all(p.startswith("parameters.") and p.count(".") == 1 for p in values)


def scenario_for(scenario_path: str, values: dict[str, Any]) -> Scenario:
    """Return the base scenario with ``values`` set at their paths, validated.

    Paths ``parameters.NAME`` only re-validate the parameters (fast path); anything else
    re-validates the whole scenario.
    """
    if parameters_only(values):
        scenario = base_scenario(scenario_path)
        update = {p.split(".", 1)[1]: v for p, v in values.items()}
        try:
            parameters = Parameters.model_validate({**scenario.parameters.model_dump(), **update})
        except ValidationError as exc:
            where, message = format_validation_error(exc)
            raise ScenarioError("sweep", f"parameters.{where}", message) from None
        return scenario.model_copy(update={"parameters": parameters})
    data = copy.deepcopy(base_data(scenario_path))
    for path, value in values.items():
        apply_override(data, path, value)
    try:
        scenario = Scenario.model_validate(data)
    except ValidationError as exc:
        raise ScenarioError("sweep", *format_validation_error(exc)) from None
    check_references(scenario)
    return scenario
