"""Crash-safe streaming storage of sweep runs, and the final merge into ``runs.parquet``.

Every finished batch of runs is appended to a journal (one JSON line, an array of the batch's
rows, flushed), so killing the sweep loses only runs in flight. Every ``shard_size`` runs the
rows are written as a Parquet shard (atomically) and the journal starts afresh, so neither
memory nor the journal grows with the sweep. Both writes happen on one background thread, in
the order the runs finished, so the driver only hands rows over and goes back to feeding the
workers; a kill loses at most the rows handed over and not yet written (a few batches, as in
flight). Reading back takes the shards plus any journal left by a crash (a torn last line is
ignored) and keeps one row per ``run_id``.
"""

from __future__ import annotations

import json
from collections import deque
from collections.abc import Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pyarrow as pa

from sim.common.files import write_table
from sim.common.tables import JOURNAL, SHARDS, read_journal

_encode = json.JSONEncoder(allow_nan=True).encode
MAX_QUEUED = 8
"""Writes the driver may have handed to the writer thread and not yet seen done."""


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
        existing = sorted((root / SHARDS).glob("shard-*.parquet"))
        self._next_shard = int(existing[-1].stem.split("-")[1]) + 1 if existing else 0
        self.buffer: list[dict[str, Any]] = []
        self._fold_leftover_journal()
        self.journal = (root / JOURNAL).open("a", encoding="utf-8")
        self._writer = ThreadPoolExecutor(1, thread_name_prefix="run-store")
        self._queued: deque[Future[None]] = deque()

    def _fold_leftover_journal(self) -> None:
        """Turn a journal left by a killed sweep into a shard before appending anew."""
        rows = read_journal(self.root / JOURNAL)
        if rows:
            self._write_shard(rows)
        (self.root / JOURNAL).unlink(missing_ok=True)

    def _write_shard(self, rows: list[dict[str, Any]]) -> None:
        number = self._next_shard
        self._next_shard += 1
        write_table(pa.Table.from_pylist(rows), self.root / SHARDS / f"shard-{number:06d}.parquet")

    # The writer thread's work: in order, so the journal holds exactly the rows since the last
    # shard when a shard is written.
    def _append(self, rows: list[dict[str, Any]]) -> None:
        self.journal.write(_encode(rows) + "\n")  # one encoder call a batch, not one a row
        self.journal.flush()

    def _rotate(self, rows: list[dict[str, Any]]) -> None:
        self._write_shard(rows)
        self.journal.close()
        self.journal = (self.root / JOURNAL).open("w", encoding="utf-8")

    def _submit(self, work: Any, rows: list[dict[str, Any]]) -> None:
        self._queued.append(self._writer.submit(work, rows))
        while self._queued and (self._queued[0].done() or len(self._queued) > MAX_QUEUED):
            self._queued.popleft().result()  # a failed write raises here, in the driver

    def add(self, row: dict[str, Any]) -> None:
        """Record one finished run."""
        self.add_many((row,))

    def add_many(self, rows: Iterable[dict[str, Any]]) -> None:
        """Record finished runs: journal them as one line, and shard every ``shard_size``."""
        rows = list(rows)
        if not rows:
            return
        self._submit(self._append, rows)
        self.buffer.extend(rows)
        if len(self.buffer) >= self.shard_size:
            rows, self.buffer = self.buffer, []
            self._submit(self._rotate, rows)

    def flush(self) -> None:
        """Write buffered runs as a shard, empty the journal, and wait for every write."""
        if self.buffer:
            rows, self.buffer = self.buffer, []
            self._submit(self._rotate, rows)
        while self._queued:
            self._queued.popleft().result()

    def close(self) -> None:
        """Flush and close."""
        try:
            self.flush()
        finally:
            self._writer.shutdown()
            self.journal.close()
        (self.root / JOURNAL).unlink(missing_ok=True)
