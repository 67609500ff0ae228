"""Parameter sweeps: sweep files, designs, seeds, the per-run task, and the resumable driver.

A sweep file (YAML) names a base scenario, the parameters to vary (by the same paths as
``--set``), a design, replicates, a root seed and the outcomes to record. The driver expands the
design into runs, gives every run a seed spawned from one ``SeedSequence``, executes them on a
``concurrent.futures.Executor`` (:mod:`sim.executors`) and streams each finished run to disk
(:mod:`sim.sweep_store`), so a killed sweep loses only the runs in flight and ``--resume``
finishes it.
"""

from __future__ import annotations

import copy
import hashlib
import itertools
import time
import traceback
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_COMPLETED, Executor, Future, wait
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

import numpy as np
import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from sim.model import run_scenario
from sim.outcomes import Outcome, compute
from sim.scenario import (
    Parameters,
    Scenario,
    ScenarioError,
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


def design_points(spec: SweepSpec) -> list[dict[str, Any]]:
    """Expand the design into a list of points (parameter path -> value).

    ``grid``: the Cartesian product of every axis's values; ``lhs``: a Latin hypercube of
    ``samples`` points (McKay et al. 1979; ``scipy.stats.qmc``); ``sobol``: Saltelli's scheme
    via SALib, ``samples * (D + 2)`` points (first and total order; Saltelli et al. 2010);
    ``morris``: ``samples`` trajectories of ``D + 1`` points on 4 levels (Morris 1991;
    Campolongo et al. 2007); ``list``: the points as given. Deterministic in ``spec.seed``.
    """
    names = spec.varied
    if spec.design == "list":
        return [dict(point) for point in spec.points]
    if spec.design == "grid":
        axes = [spec.parameters[n].grid() for n in names]
        return [dict(zip(names, combo, strict=True)) for combo in itertools.product(*axes)]
    low = np.array([float(spec.parameters[n].low or 0.0) for n in names])
    high = np.array([float(spec.parameters[n].high or 0.0) for n in names])
    if spec.design == "lhs":
        from scipy.stats import qmc

        unit = qmc.LatinHypercube(d=len(names), seed=np.random.default_rng(spec.seed)).random(
            spec.samples
        )
        matrix = qmc.scale(unit, low, high)
    else:
        problem = salib_problem(spec)
        if spec.design == "sobol":
            from SALib.sample import sobol

            matrix = sobol.sample(problem, spec.samples, calc_second_order=False, seed=spec.seed)
        else:
            from SALib.sample import morris

            matrix = morris.sample(problem, spec.samples, num_levels=4, seed=spec.seed)
    return [{n: float(v) for n, v in zip(names, row, strict=True)} for row in np.asarray(matrix)]


def salib_problem(spec: SweepSpec) -> dict[str, Any]:
    """Return the SALib problem definition of a sampled design."""
    names = spec.varied
    return {
        "num_vars": len(names),
        "names": names,
        "bounds": [
            [float(spec.parameters[n].low or 0), float(spec.parameters[n].high or 0)] for n in names
        ],
    }


@dataclass(frozen=True)
class RunSpec:
    """One run of a sweep: which point and replicate, its values and its seed."""

    run_id: int
    point_id: int
    replicate: int
    values: dict[str, Any]
    entropy: int
    spawn_key: tuple[int, ...]


def run_seeds(
    seed: int, points: int, replicates: int, common_random_numbers: bool
) -> list[list[tuple[int, tuple[int, ...]]]]:
    """Seeds ``[point][replicate] -> (entropy, spawn_key)`` spawned from ``SeedSequence(seed)``.

    With common random numbers replicate k uses the same child at every point (variance
    reduction for comparisons across points; Law 2015, ch. 11); without, every run has its own
    child, spawned in ``run_id`` order.
    """
    root = np.random.SeedSequence(seed)
    if common_random_numbers:
        children = root.spawn(replicates)
        row = [(seed, tuple(c.spawn_key)) for c in children]
        return [list(row) for _ in range(points)]
    children = root.spawn(points * replicates)
    return [
        [(seed, tuple(children[p * replicates + r].spawn_key)) for r in range(replicates)]
        for p in range(points)
    ]


def interleaved(n: int) -> list[int]:
    """Return a permutation of ``range(n)`` in bit-reversed (van der Corput) order.

    Running points in this order makes any prefix spread over the whole design, so a partial
    sweep still covers the space (what NetLogo users asked for, #278).
    """
    if n <= 1:
        return list(range(n))
    bits = int(np.ceil(np.log2(n)))
    order = [int(format(i, f"0{bits}b")[::-1], 2) for i in range(2**bits)]
    return [i for i in order if i < n]


def expand_runs(spec: SweepSpec) -> list[RunSpec]:
    """Every run of the sweep, in execution order (replicate-major, points interleaved)."""
    points = design_points(spec)
    seeds = run_seeds(spec.seed, len(points), spec.replicates, spec.common_random_numbers)
    runs = []
    for replicate in range(spec.replicates):
        for point_id in interleaved(len(points)):
            entropy, key = seeds[point_id][replicate]
            runs.append(
                RunSpec(
                    run_id=point_id * spec.replicates + replicate,
                    point_id=point_id,
                    replicate=replicate,
                    values=points[point_id],
                    entropy=entropy,
                    spawn_key=key,
                )
            )
    return runs


@dataclass(frozen=True)
class Task:
    """Everything a worker needs to do one run (picklable)."""

    scenario_path: str
    run: RunSpec
    rounds: int | None
    outcomes: tuple[Outcome, ...]


def execute(task: Task) -> dict[str, Any]:
    """Do one run and return its row; a run that raises is returned as ``failed``."""
    start = time.perf_counter()
    run = task.run
    row: dict[str, Any] = {
        "run_id": run.run_id,
        "point_id": run.point_id,
        "replicate": run.replicate,
        "seed_entropy": run.entropy,
        "seed_spawn_key": list(run.spawn_key),
        **{f"param:{k}": v for k, v in run.values.items()},
    }
    try:
        scenario = scenario_for(task.scenario_path, run.values)
        generator = np.random.default_rng(
            np.random.SeedSequence(run.entropy, spawn_key=run.spawn_key)
        )
        model = run_scenario(scenario, rng=generator, rounds=task.rounds)
        row.update({f"outcome:{k}": v for k, v in compute(model, list(task.outcomes)).items()})
        row.update(status="ok", error="")
    except Exception as exc:  # a failed run is data, not a dead sweep
        row.update({f"outcome:{o.column}": float("nan") for o in task.outcomes})
        last = traceback.extract_tb(exc.__traceback__)[-1:]
        where = f" ({Path(last[0].filename).name}:{last[0].lineno})" if last else ""
        row.update(status="failed", error=f"{type(exc).__name__}: {exc}{where}")
    row["seconds"] = time.perf_counter() - start
    return row


def execute_batch(tasks: list[Task]) -> list[dict[str, Any]]:
    """Do several runs in one worker call (fewer round trips for short runs)."""
    return [execute(task) for task in tasks]


def run_tasks(
    executor: Executor,
    tasks: list[Task],
    on_result: Callable[[dict[str, Any]], None],
    window: int,
    batch: int = 1,
) -> None:
    """Submit tasks in batches, at most ``window`` batches in flight; hand each row on.

    A bounded window keeps memory flat however many runs the sweep has; batching amortises the
    executor's per-call overhead when single runs take milliseconds. Results arrive as batches
    finish, so a killed sweep loses at most ``window * batch`` runs (those in flight).
    """
    batches: Iterator[list[Task]] = iter(
        [tasks[i : i + batch] for i in range(0, len(tasks), max(batch, 1))]
    )
    pending: set[Future[list[dict[str, Any]]]] = set()
    for chunk in itertools.islice(batches, window):
        pending.add(executor.submit(execute_batch, chunk))
    while pending:
        done, pending = wait(pending, return_when=FIRST_COMPLETED)
        for future in done:
            for row in future.result():
                on_result(row)
        for chunk in itertools.islice(batches, len(done)):
            pending.add(executor.submit(execute_batch, chunk))
