"""The library from Python, for notebooks: run, sweep and load results as DataFrames.

``import sim`` then::

    res = sim.run("un_2022", seed=1, set={"parameters.trade_weight": 0})
    res.tallies                       # a DataFrame, as tallies.parquet would hold it
    print(res.explain("CHN", "ES-11/1"))
    sw = sim.sweep("quick")           # a bundled sweep by name, or a sweep file
    sw.summary
    again = sim.load("results/un_2022/20261126-151200")

A run is the same as ``alliance-sim run`` with the same scenario, seed and overrides (the same
tables, bit for bit) and writes nothing unless ``out`` is given; a sweep runs in a temporary
directory unless ``out`` is given. Scenarios and sweeps are files or bundled names
(:mod:`sim.bundled`). Bad input raises :class:`sim.scenario.errors.ScenarioError` (or
:class:`sim.common.files.ResultsError` for results directories) with the one-line message the
command line prints.
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from sim.bundled import DEFAULT_NAME, resolve_scenario, resolve_sweep
from sim.common.files import ResultsError
from sim.common.manifests import RunManifest, SweepManifest, manifest_kind
from sim.common.tables import RunResults, load_run, load_sweep_results
from sim.experiments.executors import ExecutorKind
from sim.experiments.runner import execute_sweep, start_sweep
from sim.experiments.runs import build_manifest, build_tables, write_run
from sim.output.explain import explain_votes
from sim.scenario.loading import load_scenario
from sim.scenario.record_index import agenda_records
from sim.scenario.world import run_scenario

Overrides = Mapping[str, Any] | Iterable[str]
"""``{"parameters.trade_weight": 0}`` or ``["parameters.trade_weight=0"]`` (as ``--set``)."""


@dataclass(frozen=True)
class RunResult:
    """One run: its manifest and every table as a DataFrame (see :mod:`sim.common.tables`).

    ``path`` is the results directory when the run was written or loaded, else None.
    """

    manifest: RunManifest
    tables: dict[str, pd.DataFrame]
    path: Path | None = None

    def __getitem__(self, name: str) -> pd.DataFrame:
        """Return one table by name (``res["votes"]``)."""
        return self.tables[name]

    @property
    def votes(self) -> pd.DataFrame:
        """Every vote: ``round, resolution, country, vote``."""
        return self.tables["votes"]

    @property
    def tallies(self) -> pd.DataFrame:
        """One row per resolution vote: counts, ``adopted``, iterations."""
        return self.tables["tallies"]

    @property
    def contributions(self) -> pd.DataFrame:
        """One row per vote: every channel's contribution, score, band, deciding channel."""
        return self.tables["contributions"]

    @property
    def alignment(self) -> pd.DataFrame:
        """One row per pair of states: agreement, S-score, kappa."""
        return self.tables["alignment"]

    @property
    def recorded(self) -> pd.DataFrame | None:
        """The recorded votes of the run's resolutions the scenario holds, if any."""
        return self.tables.get("recorded")

    def explain(self, country: str, resolution: str | None = None) -> str:
        """Return what ``alliance-sim explain`` prints for ``country`` (and ``resolution``)."""
        path = self.path if self.path is not None else Path("<in memory>")
        return explain_votes(RunResults(path, self.manifest, self.tables), country, resolution)

    def __repr__(self) -> str:
        """Summarise: scenario, seed, votes and tables."""
        where = f", path={str(self.path)!r}" if self.path is not None else ""
        return (
            f"RunResult(scenario={self.manifest.scenario.name!r}, "
            f"seed={self.manifest.seed}, votes={len(self.tables['tallies'])}, "
            f"tables={sorted(self.tables)}{where})"
        )


@dataclass(frozen=True)
class SweepResult:
    """A finished sweep: manifest, one row per run, per-point summary, sensitivity indices."""

    manifest: SweepManifest
    runs: pd.DataFrame
    summary: pd.DataFrame
    sensitivity: pd.DataFrame | None = None
    path: Path | None = field(default=None)

    def __repr__(self) -> str:
        """Summarise: sweep name, runs and points."""
        where = f", path={str(self.path)!r}" if self.path is not None else ""
        return (
            f"SweepResult(sweep={self.manifest.sweep.name!r}, "
            f"runs={len(self.runs)}, points={self.summary['point_id'].nunique()}{where})"
        )


def _override_strings(overrides: Overrides | None) -> list[str]:
    """``PATH=VALUE`` strings from a mapping (values written as JSON, which YAML reads)."""
    if overrides is None:
        return []
    if isinstance(overrides, Mapping):
        return [
            f"{path}={value if isinstance(value, str) else json.dumps(value)}"
            for path, value in overrides.items()
        ]
    if isinstance(overrides, str):
        return [overrides]
    return [str(text) for text in overrides]


def run(
    scenario: str | Path = DEFAULT_NAME,
    *,
    seed: int | None = None,
    set: Overrides | None = None,  # the name the command line uses (--set)
    rounds: int | None = None,
    out: str | Path | None = None,
    force: bool = False,
    allow_outside: bool = False,
) -> RunResult:
    """Run a scenario and return its tables; write them to ``out`` only when it is given.

    Parameters
    ----------
    scenario
        A scenario file or a bundled name (default ``un_2022``).
    seed
        The run's seed (default: the scenario's).
    set
        Overrides, as ``--set``: ``{"parameters.trade_weight": 0}``.
    rounds
        Run only the first ``rounds`` rounds (default: all).
    out, force
        Write the tables and manifest (no plots) to this new directory, atomically;
        ``force`` replaces a non-empty one.
    allow_outside
        Let the scenario's tables lie outside its folder.
    """
    loaded = load_scenario(
        resolve_scenario(str(scenario)), _override_strings(set), allow_outside=allow_outside
    )
    seed = loaded.scenario.seed if seed is None else seed
    model = run_scenario(loaded.scenario, rng=np.random.default_rng(seed), rounds=rounds)
    if out is not None:
        return _load_run(write_run(Path(out), loaded, model, seed, force=force, command=None))
    recorded = agenda_records(loaded)
    tables = {name: table.to_pandas() for name, table in build_tables(model, recorded).items()}
    return RunResult(build_manifest(loaded, model, seed, None, recorded), tables)


def sweep(
    file: str | Path,
    *,
    out: str | Path | None = None,
    executor: ExecutorKind = "process",
    workers: int | None = None,
    force: bool = False,
) -> SweepResult:
    """Run a sweep file (or bundled sweep by name) and return its tables.

    Without ``out`` the sweep runs in a temporary directory removed afterwards; with it, the
    directory stays (tables, no plots) and can be resumed or reported on from the command line.
    """
    path = resolve_sweep(str(file))
    if out is not None:
        start_sweep(path, Path(out), force=force)
        execute_sweep(Path(out), executor=executor, workers=workers, quiet=True)
        return _load_sweep(Path(out))
    with tempfile.TemporaryDirectory(prefix="alliance-sim-sweep-") as folder:
        where = Path(folder) / "sweep"
        start_sweep(path, where)
        execute_sweep(where, executor=executor, workers=workers, quiet=True)
        finished = _load_sweep(where)
    return SweepResult(finished.manifest, finished.runs, finished.summary, finished.sensitivity)


def load(path: str | Path) -> RunResult | SweepResult:
    """Read a run or a finished sweep directory back.

    Raises
    ------
    ResultsError
        If ``path`` holds neither a run nor a finished sweep.
    """
    path = Path(path)
    kind = manifest_kind(path)
    if kind == "run":
        return _load_run(path)
    if kind == "sweep":
        return _load_sweep(path)
    raise ResultsError(f"{path}: holds a {kind!r}, not a run or a sweep")


def _load_run(path: Path) -> RunResult:
    results = load_run(path)
    return RunResult(results.manifest, results.tables, path)


def _load_sweep(path: Path) -> SweepResult:
    stored = load_sweep_results(path)
    return SweepResult(stored.manifest, stored.runs, stored.summary, stored.sensitivity, path)


__all__ = ["RunResult", "SweepResult", "load", "run", "sweep"]
