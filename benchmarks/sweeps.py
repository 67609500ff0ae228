"""Sweep benchmarks: ``python benchmarks/sweeps.py`` (``--quick`` for a CI smoke run).

0. Driver overhead: seconds the driver spends per finished run when runs do no work at all
   (rows of a typical one-round run handed to the store through the submission loop on an
   in-process executor); target <= 50 us.
1. Throughput: runs per second of the process executor with 1 and 2 workers on the same
   tasks (one round of the 193-state un_2022 scenario per run), after a warm-up so that pool
   start-up is not counted, with one run per task and with the sweep's own adaptive batches
   (:func:`sim.experiments.runner.batch_size`); target speed-up >= 1.8x on 2 cores. The busy
   share is the workers' time inside runs over the wall time they had (target >= 95% at 2).
2. Memory: peak resident memory of the sweep driver process for a 1,000-run and a 10,000-run
   sweep of the illustrative scenario (process executor, 2 workers), each in a fresh interpreter;
   target: within 20% of each other (results stream to disk).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import yaml

from sim.bundled import SCENARIOS_DIR
from sim.experiments import worker
from sim.experiments.designs import expand_runs
from sim.experiments.executors import make_executor
from sim.experiments.runner import batch_size
from sim.experiments.spec import load_sweep
from sim.experiments.store import RunStore
from sim.experiments.worker import Task, run_tasks

MEMORY_PROBE = """
import resource, sys, pathlib
from sim.experiments.runner import execute_sweep, start_sweep
out = pathlib.Path(sys.argv[2])
start_sweep(pathlib.Path(sys.argv[1]), out)
counts = execute_sweep(out, executor="process", workers=2, quiet=True)
assert counts["ok"] == counts["runs"], counts
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""


def write_sweep(folder: Path, name: str, scenario: Path, runs: int, replicates: int) -> Path:
    points = runs // replicates
    data = {
        "name": name,
        "scenario": str(scenario),
        "parameters": {"parameters.trade_weight": {"low": 0.0, "high": 3.0, "steps": points}},
        "design": "grid",
        "replicates": replicates,
        "rounds": 1,
        "seed": 1,
        "outcomes": [{"measure": "share_with_target", "resolution": "ES-11/1"}],
    }
    path = folder / f"{name}.yaml"
    path.write_text(yaml.safe_dump(data))
    return path


def driver_overhead(sweep: Path, out: Path, runs: int) -> float:
    """Seconds per run the driver spends on zero-work runs: submit, receive, store."""
    loaded = load_sweep(sweep)
    spec_runs = expand_runs(loaded.spec)
    outcomes = tuple(loaded.spec.outcomes)
    template = worker.execute(
        Task(str(loaded.scenario_path), spec_runs[0], loaded.spec.rounds, outcomes)
    )
    tasks = [
        Task(str(loaded.scenario_path), spec_runs[i % len(spec_runs)], 1, ()) for i in range(runs)
    ]
    original = worker.execute
    worker.execute = lambda task: {**template, "run_id": task.run.run_id}
    store = RunStore(out)
    try:
        with make_executor("serial") as pool:
            start = time.perf_counter()
            run_tasks(pool, tasks, store.add_many, window=2, batch=16)
            store.close()
            return (time.perf_counter() - start) / runs
    finally:
        worker.execute = original


def throughput(sweep: Path, workers: int, warmup: int, batch: int) -> tuple[float, float]:
    """Runs per second and busy share of ``workers`` process workers, ``batch`` runs a task.

    ``batch=0`` batches as the sweep runner does (about 50 ms of work a task).
    """
    loaded = load_sweep(sweep)
    tasks = [
        Task(str(loaded.scenario_path), run, loaded.spec.rounds, tuple(loaded.spec.outcomes))
        for run in expand_runs(loaded.spec)
    ]
    busy: list[float] = []

    def on_rows(rows: list[dict[str, Any]]) -> None:
        busy.extend(float(row["seconds"]) for row in rows)

    with make_executor("process", workers) as pool:
        run_tasks(pool, tasks[:warmup], on_rows, window=2 * workers, batch=1)
        per_run = min(busy)
        busy.clear()
        rest = tasks[warmup:]
        size = batch or batch_size(per_run, len(rest), workers)
        start = time.perf_counter()
        run_tasks(pool, rest, on_rows, window=2 * workers, batch=size)
        elapsed = time.perf_counter() - start
    return len(rest) / elapsed, sum(busy) / (elapsed * workers)


def peak_memory_kib(sweep: Path, out: Path) -> int:
    result = subprocess.run(
        [sys.executable, "-c", MEMORY_PROBE, str(sweep), str(out)],
        check=True,
        capture_output=True,
        text=True,
    )
    return int(result.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="small sizes (smoke run)")
    args = parser.parse_args()
    sizes = (40, 200) if args.quick else (1_000, 10_000)
    work = 40 if args.quick else 400
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        heavy = write_sweep(folder, "throughput", SCENARIOS_DIR / "un_2022.yaml", work, 4)
        zero = 2_000 if args.quick else 20_000
        overhead = driver_overhead(heavy, folder / "overhead", zero)
        print(
            f"driver overhead ({zero} zero-work runs): {overhead * 1e6:.1f} us per finished run "
            "(target <= 50 us)"
        )
        for batch in (1, 0):
            one, busy_one = throughput(heavy, 1, warmup=16, batch=batch)
            two, busy_two = throughput(heavy, 2, warmup=16, batch=batch)
            size = "adaptive batches" if batch == 0 else f"{batch} run(s) per task"
            print(
                f"throughput ({work} runs of un_2022, 1 round, {size}): "
                f"1 worker {one:.1f} runs/s (busy {busy_one:.0%}), 2 workers {two:.1f} runs/s "
                f"(busy {busy_two:.0%}, target >= 95%), speed-up {two / one:.2f}x "
                "(target >= 1.8x)"
            )
        memory = []
        for size in sizes:
            sweep = write_sweep(
                folder, f"memory{size}", SCENARIOS_DIR / "illustrative.yaml", size, 10
            )
            start = time.perf_counter()
            memory.append(peak_memory_kib(sweep, folder / f"out{size}"))
            print(
                f"{size:>6}-run sweep: driver peak RSS {memory[-1] / 1024:.1f} MiB "
                f"({time.perf_counter() - start:.1f} s)"
            )
        print(f"peak memory ratio {memory[1] / memory[0]:.2f} (target within 20%)")


if __name__ == "__main__":
    main()
