"""Every table of a results directory in another format: ``alliance-sim export DIR``.

Parquet stays the format results are written in (typed, compressed, the one the loaders and
the golden tests read); ``export`` adds a copy for tools that want text, one ``<table>.csv``
per ``<table>.parquet`` of a run, a sweep, a backtest or a comparison. The copy goes to a new
folder (``DIR/csv`` by default), filled in a staging directory and moved into place whole
(:func:`sim.common.files.publish_dir`), so an interrupted export leaves nothing half-written
and an existing folder is never replaced without ``force``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

import pyarrow as pa
import pyarrow.parquet as pq

from sim.common.files import ResultsError, publish_dir
from sim.common.manifests import manifest_kind

ExportFormat = Literal["csv"]
FORMATS: tuple[ExportFormat, ...] = ("csv",)


def tables_of(results_dir: Path) -> list[Path]:
    """Return the Parquet tables of a results directory (top level, sorted by name).

    Raises
    ------
    ResultsError
        If ``results_dir`` holds no manifest or no table (e.g. a sweep not yet finished).
    """
    kind = manifest_kind(results_dir) or "results"
    tables = sorted(p for p in results_dir.glob("*.parquet") if p.is_file())
    if not tables:
        raise ResultsError(f"{results_dir}: this {kind} directory holds no table yet")
    return tables


def export_tables(
    results_dir: Path,
    fmt: ExportFormat = "csv",
    out: Path | None = None,
    *,
    force: bool = False,
) -> Path:
    """Write every table of ``results_dir`` as ``fmt`` into ``out``; return ``out``.

    Parameters
    ----------
    results_dir
        A run, sweep, backtest or comparison directory (it has a ``manifest.json``).
    fmt
        ``"csv"``: a header row, comma-separated, quoted where needed; missing values empty,
        list cells (a sweep's ``seed_spawn_key``) as ``[0, 1]``.
    out
        The folder to create (default ``results_dir/<fmt>``).
    force
        Replace an existing non-empty ``out``.

    Raises
    ------
    ResultsError
        For a directory without results, an unreadable table, or an ``out`` that exists.
    """
    if fmt not in FORMATS:
        raise ResultsError(f"export format must be one of {', '.join(FORMATS)}, got {fmt!r}")
    results_dir = Path(results_dir)
    tables = tables_of(results_dir)
    out = results_dir / fmt if out is None else Path(out)

    def fill(staging: Path) -> None:
        for path in tables:
            try:
                frame = pq.read_table(path).to_pandas()
            except (OSError, pa.ArrowInvalid) as exc:
                raise ResultsError(f"{path}: cannot read: {exc}") from None
            # floats as Python writes them (shortest repr that reads back to the same bits)
            frame.to_csv(staging / f"{path.stem}.csv", index=False, lineterminator="\n")

    return publish_dir(out, fill, force)
