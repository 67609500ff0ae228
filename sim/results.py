"""Results of a run as tidy Parquet tables plus ``manifest.json``, written atomically.

Layout of a results directory::

    manifest.json          versions, scenario path and hash, seed, parameters, file hashes
    votes.parquet          round, resolution, country, vote (yes/no/abstain/absent)
    tallies.parquet        one row per resolution vote: counts, adopted, iterations
    contributions.parquet  one row per vote cast: every channel, score, deciding channel
    favours.parquet        the favour ledger at the end of every round (round 0 = initial)
    alignment.parquet      one row per country pair: agreement, s_score, kappa (NaN if undefined)
    countries.parquet      country, name, bloc and heatmap order
    rounds.parquet         Mesa DataCollector model variables per round
    plots/                 figures drawn from the tables (``sim.plots``)
"""

from __future__ import annotations

import hashlib
import json
import os
import platform
import shutil
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from sim.metrics import alignment, blocs
from sim.model import AllianceModel
from sim.rules import CHANNELS, VOTE_WORDS
from sim.scenario import LoadedScenario

TABLES = (
    "votes",
    "tallies",
    "contributions",
    "favours",
    "alignment",
    "countries",
    "rounds",
)
LIBRARIES = ("mesa", "numpy", "scipy", "pandas", "pyarrow", "pydantic", "matplotlib")
SCHEMA_VERSION = 1


class ResultsError(Exception):
    """A results directory cannot be written or read (names the path and the problem)."""


def package_versions() -> dict[str, str]:
    """Versions of Python, this package and the libraries that shape its numbers."""
    versions = {"python": platform.python_version(), "alliance-sim": _version("alliance-sim")}
    versions.update({name: _version(name) for name in LIBRARIES})
    return versions


def _version(name: str) -> str:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "not installed"


def vote_matrix(model: AllianceModel) -> np.ndarray:
    """``(n_countries, n_votes)`` vote codes over every resolution vote of a run."""
    records = model.record.votes
    if not records:
        return np.zeros((model.world.size, 0), dtype=np.int8)
    return np.column_stack([r.votes for r in records])


def build_tables(model: AllianceModel) -> dict[str, pa.Table]:
    """Turn a finished model's record into the results tables."""
    ids = np.array(model.world.ids, dtype=object)
    n = ids.size
    records = model.record.votes
    words = np.array(VOTE_WORDS, dtype=object)
    round_col = np.repeat([r.round for r in records], n).astype(np.int32)
    resolution_col = np.repeat([r.resolution.id for r in records], n).astype(object)
    country_col = np.tile(ids, len(records))
    codes = np.concatenate([r.votes for r in records]) if records else np.zeros(0, dtype=np.int8)
    votes = pa.table(
        {
            "round": pa.array(round_col, pa.int32()),
            "resolution": pa.array(resolution_col, pa.string()),
            "country": pa.array(country_col, pa.string()),
            "vote": pa.array(words[codes], pa.string()),
        }
    )
    contributions_cols: dict[str, pa.Array] = {
        "round": votes["round"],
        "resolution": votes["resolution"],
        "country": votes["country"],
    }
    stacked = (
        np.vstack([r.contributions for r in records]) if records else np.zeros((0, len(CHANNELS)))
    )
    for c, channel in enumerate(CHANNELS):
        contributions_cols[channel] = pa.array(stacked[:, c], pa.float64())
    contributions_cols["score"] = pa.array(stacked.sum(axis=1), pa.float64())
    bands = np.concatenate([r.bands for r in records]) if records else np.zeros(0)
    contributions_cols["band"] = pa.array(bands, pa.float64())
    contributions_cols["vote"] = votes["vote"]
    deciding = np.concatenate([r.deciding for r in records]) if records else np.zeros(0, int)
    channel_names = np.array(CHANNELS, dtype=object)
    contributions_cols["deciding_channel"] = pa.array(channel_names[deciding], pa.string())
    fixed = np.concatenate([r.fixed for r in records]) if records else np.zeros(0, bool)
    contributions_cols["fixed"] = pa.array(fixed, pa.bool_())

    tallies = pa.table(
        {
            "round": pa.array([r.round for r in records], pa.int32()),
            "resolution": pa.array([r.resolution.id for r in records], pa.string()),
            "title": pa.array([r.resolution.title for r in records], pa.string()),
            "issue": pa.array([r.resolution.issue for r in records], pa.string()),
            **{
                word: pa.array([int((r.votes == code).sum()) for r in records], pa.int32())
                for code, word in enumerate(VOTE_WORDS)
            },
            "adopted": pa.array([_adopted(r.votes, r.resolution.majority) for r in records]),
            "iterations": pa.array([r.iterations for r in records], pa.int32()),
            "converged": pa.array([r.converged for r in records], pa.bool_()),
            "inducement_spent": pa.array([r.inducement_spent for r in records], pa.float64()),
        }
    )
    favour_rows = model.record.favours
    favours = pa.table(
        {
            "round": pa.array(
                np.concatenate([np.full(d.size, rnd) for rnd, d, _, _ in favour_rows]), pa.int32()
            ),
            "debtor": pa.array(np.concatenate([ids[d] for _, d, _, _ in favour_rows]), pa.string()),
            "creditor": pa.array(
                np.concatenate([ids[c] for _, _, c, _ in favour_rows]), pa.string()
            ),
            "balance": pa.array(np.concatenate([b for _, _, _, b in favour_rows]), pa.float64()),
        }
    )
    matrix = vote_matrix(model)
    aligned = alignment(matrix)
    a, b = np.triu_indices(n, k=1)
    alignment_table = pa.table(
        {
            "country_a": pa.array(ids[a], pa.string()),
            "country_b": pa.array(ids[b], pa.string()),
            "joint_votes": pa.array(aligned.joint[a, b], pa.int32()),
            "agreement": pa.array(aligned.agreement[a, b], pa.float64()),
            "s_score": pa.array(aligned.s_score[a, b], pa.float64()),
            "kappa": pa.array(aligned.kappa[a, b], pa.float64()),
        }
    )
    labels, order = blocs(aligned.agreement, model.parameters.bloc_agreement)
    position_in_order = np.empty(n, dtype=np.int32)
    position_in_order[order] = np.arange(n, dtype=np.int32)
    countries = pa.table(
        {
            "country": pa.array(ids, pa.string()),
            "name": pa.array(list(model.world.names), pa.string()),
            "bloc": pa.array(labels, pa.int32()),
            "order": pa.array(position_in_order, pa.int32()),
        }
    )
    rounds = pa.Table.from_pandas(
        model.datacollector.get_model_vars_dataframe().reset_index(drop=True),
        preserve_index=False,
    ).replace_schema_metadata(None)
    return {
        "votes": votes,
        "tallies": tallies,
        "contributions": pa.table(contributions_cols),
        "favours": favours,
        "alignment": alignment_table,
        "countries": countries,
        "rounds": rounds,
    }


def _adopted(votes: np.ndarray, majority: str) -> bool:
    yes = int((votes == 1).sum())
    no = int((votes == 3).sum())
    if majority == "two_thirds":
        return yes > 0 and 3 * yes >= 2 * (yes + no)
    return yes > no


def build_manifest(
    loaded: LoadedScenario, model: AllianceModel, seed: int, command: list[str] | None
) -> dict[str, Any]:
    """Build the provenance record of a run."""
    return {
        "schema_version": SCHEMA_VERSION,
        "kind": "run",
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        "command": command,
        "versions": package_versions(),
        "platform": platform.platform(),
        "scenario": {
            "name": loaded.scenario.name,
            "path": str(loaded.path),
            "sha256": loaded.sha256,
            "files": [str(f) for f in loaded.files],
            "overrides": list(loaded.overrides),
            "reference_states": list(loaded.scenario.reference_states),
        },
        "seed": seed,
        "rounds": model.rounds,
        "parameters": loaded.scenario.parameters.model_dump(mode="json"),
        "channels": list(CHANNELS),
    }


def write_table(table: pa.Table, path: Path) -> None:
    """Write one Parquet file deterministically (no timestamps; fixed compression)."""
    pq.write_table(table, path, compression="zstd", write_statistics=True)


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def check_output_dir(out: Path, force: bool) -> None:
    """Refuse to replace a non-empty directory unless ``force`` (nothing a user made is lost)."""
    if out.exists() and not out.is_dir():
        raise ResultsError(f"{out}: exists and is not a directory")
    if out.is_dir() and any(out.iterdir()) and not force:
        raise ResultsError(f"{out}: directory exists and is not empty (use --force to replace it)")


def publish_dir(out: Path, fill: Callable[[Path], None], force: bool) -> Path:
    """Fill a fresh temporary directory next to ``out``, then move it into place.

    A crash or error leaves ``out`` as it was: either absent, or the previous results.
    """
    check_output_dir(out, force)
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.", suffix=".tmp", dir=out.parent))
    try:
        fill(staging)
        if out.exists():
            retired = Path(tempfile.mkdtemp(prefix=f".{out.name}.", suffix=".old", dir=out.parent))
            os.replace(out, retired / "previous")
            os.replace(staging, out)
            shutil.rmtree(retired)
        else:
            os.replace(staging, out)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return out


def write_run(
    out: Path,
    loaded: LoadedScenario,
    model: AllianceModel,
    seed: int,
    *,
    plots: Literal["png", "svg"] | None = "png",
    report: bool = True,
    force: bool = False,
    command: list[str] | None = None,
) -> Path:
    """Write every table, the manifest and (optionally) the plots and report, atomically.

    Everything is written into a staging directory that replaces ``out`` only when complete.
    ``plots=None`` writes no plots and no report.
    """
    tables = build_tables(model)
    manifest = build_manifest(loaded, model, seed, command)

    def fill(staging: Path) -> None:
        files = {}
        for name, table in tables.items():
            write_table(table, staging / f"{name}.parquet")
            files[f"{name}.parquet"] = _sha256(staging / f"{name}.parquet")
        manifest["files"] = files
        (staging / "manifest.json").write_text(json.dumps(manifest, indent=2, sort_keys=True))
        if plots is not None:
            from sim.plots import draw_run_plots

            draw_run_plots(load_run(staging, manifest=manifest), staging / "plots", plots)
            if report:
                from sim.report import write_report

                write_report(staging, fmt=plots)

    return publish_dir(out, fill, force)


@dataclass(frozen=True)
class RunResults:
    """A results directory read back: the manifest and every table as a DataFrame."""

    path: Path
    manifest: dict[str, Any]
    tables: dict[str, pd.DataFrame]

    def __getitem__(self, name: str) -> pd.DataFrame:
        """Return one table by name (``results["votes"]``)."""
        return self.tables[name]


def read_manifest(path: Path) -> dict[str, Any]:
    """Read ``manifest.json`` of a results directory, with a clear error if it is not one."""
    manifest_path = path / "manifest.json"
    try:
        manifest: dict[str, Any] = json.loads(manifest_path.read_text())
    except FileNotFoundError:
        raise ResultsError(f"{path}: not a results directory (no manifest.json)") from None
    except (OSError, json.JSONDecodeError) as exc:
        raise ResultsError(f"{manifest_path}: cannot read: {exc}") from None
    return manifest


def load_run(path: str | Path, manifest: dict[str, Any] | None = None) -> RunResults:
    """Read a run's results directory back (the inverse of :func:`write_run`)."""
    path = Path(path)
    manifest = read_manifest(path) if manifest is None else manifest
    if manifest.get("kind") != "run":
        raise ResultsError(f"{path}: holds a {manifest.get('kind')!r}, not a run")
    tables = {}
    for name in TABLES:
        file = path / f"{name}.parquet"
        try:
            tables[name] = pq.read_table(file).to_pandas()
        except (OSError, pa.ArrowInvalid) as exc:
            raise ResultsError(f"{file}: cannot read: {exc}") from None
    return RunResults(path=path, manifest=manifest, tables=tables)


def timestamp() -> str:
    """Return the current UTC time as ``YYYYmmdd-HHMMSS`` (names of default outputs)."""
    return datetime.now(UTC).strftime("%Y%m%d-%H%M%S")


def default_out_dir(root: Path, scenario_name: str) -> Path:
    """``root/<scenario>/<UTC timestamp>``, with a numeric suffix if that already exists."""
    stamp = timestamp()
    out = root / scenario_name / stamp
    suffix = 1
    while out.exists():
        suffix += 1
        out = root / scenario_name / f"{stamp}-{suffix}"
    return out


def command_line() -> list[str]:
    """Return the command line that started this process (for the manifest)."""
    return [Path(sys.argv[0]).name, *sys.argv[1:]]
