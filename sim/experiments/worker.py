"""The worker: one run of a sweep (or a batch of them), and the bounded submission loop.

A task is picklable; a worker process validates the run's scenario (cached per process), makes
its generator from the recorded seed, runs the model and computes the outcomes. A run that
raises is returned as ``failed`` with its error: a failed run is data, not a dead sweep.
"""

from __future__ import annotations

import itertools
import time
import traceback
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_COMPLETED, Executor, Future, wait
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from sim.common.seeds import Seed
from sim.experiments.designs import RunSpec
from sim.experiments.outcomes import Outcome, compute
from sim.experiments.spec import base_scenario, parameters_only, scenario_for
from sim.model.world import World
from sim.scenario.world import build_world, run_scenario


@dataclass(frozen=True)
class Task:
    """Everything a worker needs to do one run (picklable)."""

    scenario_path: str
    run: RunSpec
    rounds: int | None
    outcomes: tuple[Outcome, ...]


@lru_cache(maxsize=4)
def base_world(scenario_path: str) -> World:
    """Return the base scenario's world, built once per worker process."""
    return build_world(base_scenario(scenario_path))


def world_for(task: Task) -> World | None:
    """Return the base scenario's world if the run varies parameters only, else None.

    :func:`sim.scenario.world.build_world` reads no parameters, so every run of a parameter sweep
    has the base scenario's world; building it is most of a short run's work.
    """
    return base_world(task.scenario_path) if parameters_only(task.run.values) else None


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
        generator = Seed(run.entropy, run.spawn_key).generator()
        model = run_scenario(scenario, rng=generator, rounds=task.rounds, world=world_for(task))
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
    on_rows: Callable[[list[dict[str, Any]]], None],
    window: int,
    batch: int = 1,
) -> None:
    """Submit tasks in batches, at most ``window`` batches in flight; hand on each batch's rows.

    A bounded window keeps memory flat however many runs the sweep has; batching amortises the
    executor's per-call overhead when single runs take milliseconds, and the driver handles a
    finished batch's rows in one call (one journal write, one progress update). Results arrive
    as batches finish, so a killed sweep loses at most ``window * batch`` runs (those in
    flight). A freed slot is refilled before the finished rows are handed on, so workers are
    not kept waiting on the driver's bookkeeping.
    """
    step = max(batch, 1)
    batches: Iterator[list[Task]] = (tasks[i : i + step] for i in range(0, len(tasks), step))
    pending: set[Future[list[dict[str, Any]]]] = set()
    for chunk in itertools.islice(batches, window):
        pending.add(executor.submit(execute_batch, chunk))
    while pending:
        done, pending = wait(pending, return_when=FIRST_COMPLETED)
        for chunk in itertools.islice(batches, len(done)):
            pending.add(executor.submit(execute_batch, chunk))
        for future in done:
            on_rows(future.result())
