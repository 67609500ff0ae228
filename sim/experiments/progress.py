"""Progress of a sweep on stderr: a live bar on a terminal, a plain line now and then elsewhere.

A sweep run from a script, a batch job or ``nohup`` has no terminal: a redrawn bar would fill
its log with control codes, and no output at all leaves the user guessing for minutes. There
it prints one line every :data:`LINE_SECONDS` (and one at the end). Nothing goes to stdout,
which carries only the results (counts and the directory).
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Protocol, TextIO

LINE_SECONDS = 10.0
"""Seconds between two progress lines when stderr is not a terminal."""


class Progress(Protocol):
    """What the sweep driver reports: runs finished, and what it is doing."""

    def update(self, advance: int = 0, description: str = "sweep") -> None:
        """Count ``advance`` more finished runs; show ``description``."""


class _Silent:
    def update(self, advance: int = 0, description: str = "sweep") -> None:
        """Report nothing (``--quiet``)."""


class LineProgress:
    """Write ``sweep: done/total runs (rate runs/s, elapsed)`` lines, at most one per ``every`` s.

    Parameters
    ----------
    total, done
        Runs in the sweep, and runs already stored (a resumed sweep).
    every
        Least seconds between two lines (0: a line at every update).
    stream
        Where the lines go (stderr).
    clock
        Monotonic seconds (injectable for tests).
    """

    def __init__(
        self,
        total: int,
        done: int,
        every: float,
        stream: TextIO,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.total, self.done, self.every = total, done, every
        self.stream, self.clock = stream, clock
        self.start = self.last = clock()
        self.ran = 0

    def update(self, advance: int = 0, description: str = "sweep") -> None:
        """Count finished runs; write a line if ``every`` seconds passed since the last."""
        self.done += advance
        self.ran += advance
        now = self.clock()
        if advance and (now - self.last >= self.every or self.done >= self.total):
            self.last = now
            elapsed = now - self.start
            rate = self.ran / elapsed if elapsed > 0 else 0.0
            print(
                f"sweep: {self.done}/{self.total} runs ({rate:.1f} runs/s, "
                f"{int(elapsed) // 60}:{int(elapsed) % 60:02d} elapsed)",
                file=self.stream,
                flush=True,
            )


@contextmanager
def sweep_progress(
    total: int, done: int, *, quiet: bool, every: float = LINE_SECONDS
) -> Iterator[Progress]:
    """Yield the sweep's progress reporter: silent, a rich bar on a terminal, else lines."""
    if quiet:
        yield _Silent()
    elif not sys.stderr.isatty():
        yield LineProgress(total, done, every, sys.stderr)
    else:
        with _bar(total, done) as bar:
            yield bar


@contextmanager
def _bar(total: int, done: int) -> Iterator[Progress]:
    """Yield a rich progress bar on stderr (rich is imported only for a terminal)."""
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        ProgressColumn,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )
    from rich.progress import Progress as RichProgress
    from rich.progress import Task as ProgressTask
    from rich.text import Text

    class RateColumn(ProgressColumn):
        """Runs per second, from rich's own speed estimate."""

        def render(self, task: ProgressTask) -> Text:
            return Text(f"{task.speed or 0.0:.1f} runs/s")

    columns = (
        TextColumn("[progress.description]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        RateColumn(),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
    )
    console = Console(stderr=True)
    with RichProgress(*columns, console=console, transient=True) as bar:
        task_id = bar.add_task("sweep", total=total, completed=done)

        class Bar:
            def update(self, advance: int = 0, description: str = "sweep") -> None:
                """Advance the bar."""
                bar.update(task_id, advance=advance, description=description)

        yield Bar()
