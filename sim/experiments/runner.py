"""Run, resume and finish a sweep: directory layout, manifest, progress, merge, analysis.

Layout of a sweep directory::

    manifest.json      sweep file and hash, base scenario and hash, versions, design, seeds
    sweep.yaml         a copy of the sweep file (what --resume runs)
    shards/, journal.jsonl   runs as they finish (removed once merged)
    runs.parquet       one row per run (see :func:`finish`)
    summary.parquet    per design point: mean, 95% interval and count per outcome
    sensitivity.parquet  SALib indices (sobol and morris designs)
    plots/             figures (drawn by the caller: :mod:`sim.output.sweep_plots`)
"""

from __future__ import annotations

import fcntl
import math
import os
import shutil
import signal
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING, Any

import pandas as pd
import pyarrow as pa

from sim.common.files import (
    ResultsError,
    check_output_dir,
    command_line,
    now_iso,
    package_versions,
    publish_dir,
    write_table,
)
from sim.common.inputs import InputError, read_bytes
from sim.common.manifests import (
    SCHEMA_VERSION,
    SweepFile,
    SweepManifest,
    SweepScenario,
    read_manifest,
    write_manifest,
)
from sim.common.tables import JOURNAL, SHARDS, arrow_table, read_runs
from sim.experiments.analysis import sensitivity, summarise
from sim.experiments.designs import expand_runs
from sim.experiments.executors import ExecutorKind, default_workers, make_executor
from sim.experiments.progress import LINE_SECONDS, sweep_progress
from sim.experiments.spec import LoadedSweep, SweepSpec, load_sweep
from sim.experiments.store import RunStore
from sim.experiments.worker import Task, execute, run_tasks
from sim.scenario.errors import ScenarioError
from sim.scenario.loading import files_sha256, load_scenario
from sim.scenario.schema import LoadedScenario

if TYPE_CHECKING:
    pass

SWEEP_COPY = "sweep.yaml"
LOCK = ".lock"
_HELD: set[Path] = set()


@contextmanager
def sweep_lock(out: Path) -> Iterator[None]:
    """Hold an exclusive ``fcntl`` lock on ``out/.lock``; refuse if another process holds it.

    Re-entrant within one process. The lock dies with the process, so a killed sweep never
    leaves a stale lock behind.
    """
    key = out.resolve()
    if key in _HELD:
        yield
        return
    try:
        fd = os.open(out / LOCK, os.O_RDWR | os.O_CREAT | getattr(os, "O_CLOEXEC", 0), 0o644)
    except OSError as exc:
        raise ResultsError(f"{out}: cannot lock the sweep directory: {exc.strerror}") from None
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise ResultsError(
                f"{out}: another alliance-sim process is running this sweep; wait for it "
                "to end (or stop it) and resume again"
            ) from None
        _HELD.add(key)
        try:
            yield
        finally:
            _HELD.discard(key)
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


def _manifest(
    loaded: LoadedSweep, scenario: LoadedScenario, runs: int, points: int
) -> SweepManifest:
    spec = loaded.spec
    return SweepManifest(
        schema_version=SCHEMA_VERSION,
        kind="sweep",
        created=now_iso(),
        command=command_line(),
        versions=package_versions(),
        sweep=SweepFile(
            name=spec.name,
            path=str(loaded.path),
            sha256=loaded.sha256,
            spec=spec.model_dump(mode="json"),
        ),
        scenario=SweepScenario(
            path=str(loaded.scenario_path),
            sha256=scenario.sha256,
            files=[str(f) for f in scenario.files],
        ),
        design=spec.design,
        root_seed=spec.seed,
        common_random_numbers=spec.common_random_numbers,
        replicates=spec.replicates,
        parameters=spec.varied,
        outcomes=[o.column for o in spec.outcomes],
        points=points,
        runs=runs,
    )


@contextmanager
def _terminate_as_interrupt() -> Iterator[None]:
    """Turn SIGTERM into KeyboardInterrupt so a terminated sweep flushes what it finished."""

    def handler(signum: int, frame: FrameType | None) -> None:
        raise KeyboardInterrupt

    try:
        previous = signal.signal(signal.SIGTERM, handler)
    except ValueError:  # not the main thread: leave signals alone
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def start_sweep(sweep_file: Path, out: Path, force: bool = False) -> Path:
    """Create a sweep directory: check it is free, copy the sweep file, write the manifest."""
    loaded = load_sweep(sweep_file)
    check_output_dir(out, force)
    scenario = load_scenario(loaded.scenario_path, allow_outside=True)
    runs = expand_runs(loaded.spec)
    points = len({r.point_id for r in runs})
    manifest = _manifest(loaded, scenario, len(runs), points)
    copy = read_bytes(loaded.path)

    def fill(staging: Path) -> None:
        (staging / SWEEP_COPY).write_bytes(copy)
        write_manifest(staging, manifest)

    return publish_dir(out, fill, force)


def _loaded_for(out: Path, manifest: SweepManifest) -> LoadedSweep:
    """Return the sweep as recorded in ``out``; refuse if its base scenario changed since.

    The files the scenario was read from are hashed again as they were at the start (the
    YAML file is one of them, so a scenario that now reads other tables differs too); a
    manifest from before they were recorded reloads the scenario.
    """
    original = Path(manifest.sweep.path)
    loaded = load_sweep(out / SWEEP_COPY, relative_to=original.parent)
    scenario_path = loaded.scenario_path
    recorded = manifest.scenario
    if recorded.files is not None:
        try:
            current = files_sha256(map(Path, recorded.files), scenario_path.parent)
        except (InputError, FileNotFoundError):
            current = ""  # a file gone or unreadable: changed
    else:
        current = load_scenario(scenario_path, allow_outside=True).sha256
    if current != recorded.sha256:
        raise ScenarioError(
            scenario_path, "", "changed since the sweep started (its hash differs); start anew"
        )
    return loaded


PILOT_RUNS = 2
"""Runs done in the driver first, to measure how long a run takes."""
SMALL_SWEEP_SECONDS = 1.0
"""Below this much estimated work the process executor runs in the driver (a pool of fresh
interpreters takes about as long just to start on a small machine)."""
TASK_SECONDS = 0.05
"""Work per task sent to a worker: enough that the round trip is a small share of it."""


def batch_size(per_run: float, tasks: int, lanes: int) -> int:
    """Return runs per task: about :data:`TASK_SECONDS` of work, yet >= 4 tasks per worker.

    Parameters
    ----------
    per_run
        Measured seconds per run (the pilot's fastest).
    tasks
        Runs left to do.
    lanes
        Workers.
    """
    want = math.ceil(TASK_SECONDS / max(per_run, 1e-6))
    return max(1, min(want, tasks // (4 * max(lanes, 1))))


def execute_sweep(
    out: Path,
    *,
    executor: ExecutorKind = "process",
    workers: int | None = None,
    scheduler: str | None = None,
    quiet: bool = False,
    shard_size: int = 1024,
    progress_every: float = LINE_SECONDS,
) -> dict[str, int]:
    """Run every run of the sweep in ``out`` that is not stored yet, then finish it.

    Progress goes to stderr (see :mod:`sim.experiments.progress`): a bar on a terminal, else
    a line every ``progress_every`` seconds; none when ``quiet``.

    Returns
    -------
    dict
        Counts: ``runs``, ``ran`` (this call), ``ok``, ``failed``.
    """
    with sweep_lock(out):
        return _execute_locked(
            out,
            executor=executor,
            workers=workers,
            scheduler=scheduler,
            quiet=quiet,
            shard_size=shard_size,
            progress_every=progress_every,
        )


def _execute_locked(
    out: Path,
    *,
    executor: ExecutorKind,
    workers: int | None,
    scheduler: str | None,
    quiet: bool,
    shard_size: int,
    progress_every: float,
) -> dict[str, int]:
    manifest = read_manifest(out, SweepManifest)
    loaded = _loaded_for(out, manifest)
    if manifest.finished is not None:  # already finished: nothing to run
        _clean_stores(out)
        try:
            finished = pd.read_parquet(out / "runs.parquet", columns=["status"])
        except (OSError, pa.ArrowException):  # ArrowInvalid: not Parquet
            raise ResultsError(
                f"{out / 'runs.parquet'}: not a readable Parquet file; the sweep is finished "
                "and its runs were kept only there: run the sweep anew"
            ) from None
        return _counts(manifest.runs, 0, finished)
    if _merged(out, manifest) is not None:  # killed while finishing: finish again
        return _counts(manifest.runs, 0, finish(out, manifest))
    runs = expand_runs(loaded.spec)
    stored = read_runs(out)
    done = set() if stored.empty else {int(x) for x in stored["run_id"]}
    todo = [r for r in runs if r.run_id not in done]
    tasks = [
        Task(str(loaded.scenario_path), r, loaded.spec.rounds, tuple(loaded.spec.outcomes))
        for r in todo
    ]
    store = RunStore(out, shard_size=shard_size)
    try:
        with (
            _terminate_as_interrupt(),
            sweep_progress(len(runs), len(done), quiet=quiet, every=progress_every) as bar,
        ):

            def on_rows(rows: list[dict[str, Any]]) -> None:
                store.add_many(rows)
                bar.update(advance=len(rows))

            # A pilot in this process measures a run; the rest is batched to that measure, and
            # a sweep too small to repay starting a process pool stays in this process.
            pilot = [execute(task) for task in tasks[:PILOT_RUNS]]
            on_rows(pilot)
            rest = tasks[len(pilot) :]
            per_run = min((float(row["seconds"]) for row in pilot), default=0.0)
            kind: ExecutorKind = executor
            if executor == "process" and per_run * len(rest) < SMALL_SWEEP_SECONDS:
                kind = "serial"
            if rest:
                if kind != "serial":
                    bar.update(description="sweep (starting workers)")
                with make_executor(kind, workers, scheduler) as pool:
                    lanes = 1 if kind == "serial" else workers or default_workers()
                    batch = batch_size(per_run, len(rest), lanes)
                    run_tasks(pool, rest, on_rows, window=2 * lanes, batch=batch)
    finally:
        store.close()
    return _counts(len(runs), len(tasks), finish(out, manifest))


def _counts(runs: int, ran: int, table: pd.DataFrame) -> dict[str, int]:
    return {
        "runs": runs,
        "ran": ran,
        "ok": int((table["status"] == "ok").sum()),
        "failed": int((table["status"] == "failed").sum()),
    }


def _merged(out: Path, manifest: SweepManifest) -> pd.DataFrame | None:
    """``runs.parquet`` if a previous finish wrote it whole (every run), else None."""
    path = out / "runs.parquet"
    if not path.exists():
        return None
    try:
        table = pd.read_parquet(path)
    except Exception:
        return None
    return table if len(table) == manifest.runs else None


def _clean_stores(out: Path) -> None:
    shutil.rmtree(out / SHARDS, ignore_errors=True)
    (out / JOURNAL).unlink(missing_ok=True)


def finish(out: Path, manifest: SweepManifest) -> pd.DataFrame:
    """Merge stored runs into ``runs.parquet`` with fixed columns; write summary and analysis.

    Columns: ``run_id, point_id, replicate, seed_entropy, seed_spawn_key``, one column per
    varied parameter (named by its path), ``status, error, seconds``, one per outcome.

    Idempotent and safe to kill at any point: every file is written atomically; the shards
    are removed only after the manifest says ``finished``; a finish that was killed is redone
    from ``runs.parquet`` (when whole) or from the shards.
    """
    merged = _merged(out, manifest)
    if merged is not None:
        return _finish_tables(out, manifest, merged)
    raw = read_runs(out)
    if len(raw) < manifest.runs:
        raise ResultsError(f"{out}: {len(raw)} of {manifest.runs} runs stored; resume it")
    table = pd.DataFrame(
        {
            "run_id": raw["run_id"].astype("int64"),
            "point_id": raw["point_id"].astype("int64"),
            "replicate": raw["replicate"].astype("int64"),
            "seed_entropy": raw["seed_entropy"].astype("int64"),
            "seed_spawn_key": [",".join(str(int(k)) for k in key) for key in raw["seed_spawn_key"]],
        }
    )
    for name in manifest.parameters:
        table[name] = _uniform(raw[f"param:{name}"])
    table["status"] = raw["status"].astype(str)
    table["error"] = raw["error"].fillna("").astype(str)
    table["seconds"] = raw["seconds"].astype("float64")
    for name in manifest.outcomes:
        table[name] = pd.to_numeric(raw[f"outcome:{name}"], errors="coerce").astype("float64")
    write_table(arrow_table(table), out / "runs.parquet")
    return _finish_tables(out, manifest, table)


def _finish_tables(out: Path, manifest: SweepManifest, table: pd.DataFrame) -> pd.DataFrame:
    """Write summary and sensitivity from the merged runs, mark finished, drop the shards."""
    spec = SweepSpec.model_validate(manifest.sweep.spec)
    ranges = {o.column: o.range for o in spec.outcomes if o.range is not None}
    summary = summarise(table, manifest.parameters, manifest.outcomes, ranges)
    write_table(arrow_table(summary), out / "summary.parquet")
    indices = sensitivity(manifest, summary)
    if indices is not None:
        write_table(arrow_table(indices), out / "sensitivity.parquet")
    counts = {str(k): int(v) for k, v in table["status"].value_counts().items()}
    finished = replace(manifest, finished=now_iso(), status_counts=counts)
    write_manifest(out, finished)
    _clean_stores(out)
    return table


def plots_drawn(out: Path) -> bool:
    """Whether the sweep's plots were drawn whole (its manifest records when)."""
    return read_manifest(out, SweepManifest).plots_drawn is not None


def mark_plots_drawn(out: Path) -> None:
    """Record in the sweep's manifest that its plots are drawn whole (a resume skips them)."""
    manifest = read_manifest(out, SweepManifest)
    write_manifest(out, replace(manifest, plots_drawn=now_iso()))


def _uniform(column: pd.Series) -> pd.Series:
    """Return a parameter column as float64 when every value is numeric, else as text."""
    numeric = pd.to_numeric(column, errors="coerce")
    if numeric.notna().all() and not column.map(lambda v: isinstance(v, bool)).any():
        return numeric.astype("float64")
    return column.astype(str)
