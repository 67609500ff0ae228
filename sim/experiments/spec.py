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
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

import numpy as np
import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from sim.experiments.outcomes import Outcome
from sim.model.errors import ScenarioError
from sim.model.scenario import (
    Parameters,
    Scenario,
    apply_override,
    check_references,
    expand_scenario_data,
    format_validation_error,
)

Design = Literal["grid", "lhs", "sobol", "morris", "list"]


class Axis(BaseModel):
    """One varied parameter: explicit ``values``, or a range ``low``..``high``.

    A grid takes ``values`` or ``steps`` evenly spaced points of the range; ``lhs``, ``sobol``
    and ``morris`` sample the range.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    values: list[Any] | None = None
    low: float | None = None
    high: float | None = None
    steps: int | None = Field(None, ge=2)

    @model_validator(mode="after")
    def _shape(self) -> Axis:
        if self.values is None and (self.low is None or self.high is None):
            raise ValueError("give values, or low and high")
        if self.values is not None and not self.values:
            raise ValueError("values must not be empty")
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


class SweepSpec(BaseModel):
    """A validated sweep file."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(min_length=1)
    description: str = ""
    scenario: str
    parameters: dict[str, Axis] = Field(default_factory=dict)
    design: Design = "grid"
    samples: int = Field(8, ge=1)
    points: list[dict[str, Any]] = Field(default_factory=list)
    replicates: int = Field(1, ge=1)
    rounds: int | None = Field(None, ge=1)
    seed: int = Field(0, ge=0)
    common_random_numbers: bool = True
    outcomes: list[Outcome] = Field(min_length=1)

    @model_validator(mode="after")
    def _design_inputs(self) -> SweepSpec:
        if self.design == "list":
            if not self.points:
                raise ValueError("design 'list' needs points")
        elif not self.parameters:
            raise ValueError(f"design {self.design!r} needs parameters")
        if self.design in ("lhs", "sobol", "morris"):
            for path, axis in self.parameters.items():
                if axis.low is None or axis.high is None:
                    raise ValueError(f"design {self.design!r} needs low and high for {path}")
        columns = [o.column for o in self.outcomes]
        if len(set(columns)) != len(columns):
            raise ValueError("outcome columns must be unique (give a name)")
        return self

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
    path = Path(path).resolve()
    try:
        raw_bytes = path.read_bytes()
    except FileNotFoundError:
        raise ScenarioError(path, "", "file not found") from None
    except OSError as exc:
        raise ScenarioError(path, "", f"cannot read file: {exc}") from None
    try:
        data = yaml.safe_load(raw_bytes)
    except yaml.YAMLError as exc:
        raise ScenarioError(path, "", f"invalid YAML: {exc}") from None
    if not isinstance(data, dict):
        raise ScenarioError(path, "", "must be a mapping at the top level")
    try:
        spec = SweepSpec.model_validate(data)
    except ValidationError as exc:
        raise ScenarioError(path, *format_validation_error(exc)) from None
    scenario_path = ((relative_to or path.parent) / spec.scenario).resolve()
    check_design(spec, scenario_path, path)
    return LoadedSweep(spec, path, hashlib.sha256(raw_bytes).hexdigest(), scenario_path)


@lru_cache(maxsize=4)
def base_data(scenario_path: str) -> dict[str, Any]:
    """Return the base scenario's raw data with tables read in (cached per process)."""
    return expand_scenario_data(Path(scenario_path))


@lru_cache(maxsize=4)
def base_scenario(scenario_path: str) -> Scenario:
    """Return the validated base scenario (cached per process)."""
    scenario = Scenario.model_validate(copy.deepcopy(base_data(scenario_path)))
    check_references(scenario)
    return scenario


def check_design(spec: SweepSpec, scenario_path: Path, sweep_path: Path) -> None:
    """Every varied path must give a valid scenario at the first and last value of its axis."""
    for path in spec.varied:
        if spec.design == "list":
            probes = [p[path] for p in spec.points if path in p]
        else:
            axis = spec.parameters[path]
            probes = axis.values if axis.values is not None else [axis.low, axis.high]
        for value in (probes[0], probes[-1]):
            try:
                scenario_for(str(scenario_path), {path: value})
            except ScenarioError as exc:
                raise ScenarioError(sweep_path, f"parameters.{path}", exc.message) from None


def scenario_for(scenario_path: str, values: dict[str, Any]) -> Scenario:
    """Return the base scenario with ``values`` set at their paths, validated.

    Paths ``parameters.NAME`` only re-validate the parameters (fast path); anything else
    re-validates the whole scenario.
    """
    if all(p.startswith("parameters.") and p.count(".") == 1 for p in values):
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
