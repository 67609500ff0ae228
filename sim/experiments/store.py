"""Crash-safe streaming storage of sweep runs, and the final merge into ``runs.parquet``.

Every finished run is appended at once to a journal (one JSON line, flushed), so killing the
sweep loses only runs in flight. Every ``shard_size`` runs the journal's rows are written as a
Parquet shard (atomically) and the journal starts afresh, so neither memory nor the journal
grows with the sweep. Reading back takes the shards plus any journal left by a crash (a torn
last line is ignored) and keeps one row per ``run_id``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pyarrow as pa

from sim.common.files import write_table
from sim.common.tables import JOURNAL, SHARDS, read_journal


class RunStore:
    """Append-only store of finished runs in a sweep directory.

    Parameters
    ----------
    root
        The sweep directory.
    shard_size
        Runs per Parquet shard.
    """

    def __init__(self, root: Path, shard_size: int = 1024) -> None:
        self.root = root
        self.shard_size = shard_size
        (root / SHARDS).mkdir(parents=True, exist_ok=True)
        self.buffer: list[dict[str, Any]] = []
        self._fold_leftover_journal()
        self.journal = (root / JOURNAL).open("a", encoding="utf-8")

    def _fold_leftover_journal(self) -> None:
        """Turn a journal left by a killed sweep into a shard before appending anew."""
        rows = read_journal(self.root / JOURNAL)
        if rows:
            self._write_shard(rows)
        (self.root / JOURNAL).unlink(missing_ok=True)

    def _write_shard(self, rows: list[dict[str, Any]]) -> None:
        existing = sorted((self.root / SHARDS).glob("shard-*.parquet"))
        number = int(existing[-1].stem.split("-")[1]) + 1 if existing else 0
        write_table(pa.Table.from_pylist(rows), self.root / SHARDS / f"shard-{number:06d}.parquet")

    def add(self, row: dict[str, Any]) -> None:
        """Record one finished run (durable against the process being killed)."""
        self.journal.write(json.dumps(row, allow_nan=True) + "\n")
        self.journal.flush()
        self.buffer.append(row)
        if len(self.buffer) >= self.shard_size:
            self.flush()

    def flush(self) -> None:
        """Write buffered runs as a shard and empty the journal."""
        if not self.buffer:
            return
        self._write_shard(self.buffer)
        self.buffer = []
        self.journal.close()
        self.journal = (self.root / JOURNAL).open("w", encoding="utf-8")

    def close(self) -> None:
        """Flush and close."""
        self.flush()
        self.journal.close()
        (self.root / JOURNAL).unlink(missing_ok=True)
