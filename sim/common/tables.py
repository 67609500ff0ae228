"""Reading results directories back: a run's tables and a sweep's stored runs.

Layout of a run directory::

    manifest.json          versions, scenario path and hash, seed, parameters, file hashes
    votes.parquet          round, resolution, country, vote (yes/no/abstain/absent)
    tallies.parquet        one row per resolution vote: counts, adopted, iterations
    contributions.parquet  one row per vote cast: every channel, score, deciding channel
    favours.parquet        the favour ledger at the end of every round (round 0 = initial)
    alignment.parquet      one row per country pair: agreement, s_score, kappa (NaN if undefined)
    countries.parquet      country, name, bloc and heatmap order
    rounds.parquet         Mesa DataCollector model variables per round
    recorded.parquet       resolution, country, vote: the recorded roll calls of the run's
                           resolutions that the scenario's history holds (runs since issue 19)
    parties.parquet        resolution, country, role (sponsor or target) (since issue 19)
    plots/, report.html    figures and the report drawn from the tables (:mod:`sim.output`)

Layout of a sweep directory::

    manifest.json      sweep file and hash, base scenario and hash, versions, design, seeds
    sweep.yaml         a copy of the sweep file (what --resume runs)
    shards/, journal.jsonl   runs as they finish (removed once merged)
    runs.parquet       one row per run
    summary.parquet    per design point: mean, 95% interval and count per outcome
    sensitivity.parquet  SALib indices (sobol and morris designs)
    plots/, report.html
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from sim.common.files import ResultsError
from sim.common.manifests import RunManifest, SweepManifest, read_manifest

TABLES = ("votes", "tallies", "contributions", "favours", "alignment", "countries", "rounds")
"""The tables of a run directory, each ``<name>.parquet``."""
OPTIONAL_TABLES = ("recorded", "parties")
"""Tables read when present (runs written before they existed lack them)."""

SHARDS = "shards"
JOURNAL = "journal.jsonl"


@dataclass(frozen=True)
class RunResults:
    """A results directory read back: the manifest and every table as a DataFrame."""

    path: Path
    manifest: RunManifest
    tables: dict[str, pd.DataFrame]

    def __getitem__(self, name: str) -> pd.DataFrame:
        """Return one table by name (``results["votes"]``)."""
        return self.tables[name]


def load_run(path: str | Path, manifest: RunManifest | None = None) -> RunResults:
    """Read a run's results directory back (its manifest too, unless given)."""
    path = Path(path)
    manifest = read_manifest(path, RunManifest) if manifest is None else manifest
    tables = {}
    for name in TABLES + OPTIONAL_TABLES:
        file = path / f"{name}.parquet"
        if name in OPTIONAL_TABLES and not file.exists():
            continue
        try:
            tables[name] = pq.read_table(file).to_pandas()
        except (OSError, pa.ArrowInvalid) as exc:
            raise ResultsError(f"{file}: cannot read: {exc}") from None
    return RunResults(path=path, manifest=manifest, tables=tables)


def read_journal(path: Path) -> list[dict[str, Any]]:
    """Rows of a journal; a torn last line (from a kill mid-write) is dropped.

    A line holds one run's row (an object) or the rows of a batch of runs (an array of them).
    """
    if not path.exists():
        return []
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        try:
            value = json.loads(line)
        except json.JSONDecodeError:
            break
        if isinstance(value, list):
            rows.extend(value)
        else:
            rows.append(value)
    return rows


def read_runs(root: Path) -> pd.DataFrame:
    """Every stored run of a sweep (shards and journal), one row per ``run_id``, sorted."""
    frames = []
    if any((root / SHARDS).glob("shard-*.parquet")):
        frames.append(pq.read_table(root / SHARDS).to_pandas())
    journal = read_journal(root / JOURNAL)
    if journal:
        frames.append(pd.DataFrame(journal))
    frames = [f for f in frames if not f.empty]
    if not frames:
        return pd.DataFrame()
    runs = pd.concat(frames, ignore_index=True).drop_duplicates("run_id", keep="first")
    ordered: pd.DataFrame = runs.sort_values("run_id").reset_index(drop=True)
    return ordered


@dataclass(frozen=True)
class SweepResults:
    """A finished sweep directory read back.

    Attributes
    ----------
    manifest
        The sweep's manifest.
    runs
        ``runs.parquet``: one row per run.
    summary
        ``summary.parquet``: per design point, mean, interval and count per outcome.
    sensitivity
        ``sensitivity.parquet`` (sobol and morris designs), else None.
    """

    manifest: SweepManifest
    runs: pd.DataFrame
    summary: pd.DataFrame
    sensitivity: pd.DataFrame | None


def load_sweep_results(out: Path) -> SweepResults:
    """Read a finished sweep directory back: manifest, runs, summary, sensitivity (or None)."""
    manifest = read_manifest(out, SweepManifest)
    if not (out / "runs.parquet").exists():
        raise ResultsError(f"{out}: sweep not finished (no runs.parquet); resume it")
    sensitivity_path = out / "sensitivity.parquet"
    return SweepResults(
        manifest=manifest,
        runs=pd.read_parquet(out / "runs.parquet"),
        summary=pd.read_parquet(out / "summary.parquet"),
        sensitivity=pd.read_parquet(sensitivity_path) if sensitivity_path.exists() else None,
    )


def arrow_table(frame: pd.DataFrame) -> pa.Table:
    """Return ``frame`` as an Arrow table without pandas' schema metadata or its index.

    The metadata records the pandas version, so leaving it out keeps the Parquet bytes a
    function of the data alone (the golden files compare them).
    """
    return pa.Table.from_pandas(frame, preserve_index=False).replace_schema_metadata(None)
