"""Processes that draw figures: forked workers for a batch of figures, and a warm helper.

This module imports no plotting library, so that a command can start :class:`FigureProcess`
before it has imported matplotlib or pandas.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import pickle
import signal
import sys
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from multiprocessing.connection import Connection
from typing import Any, ParamSpec, TypeVar

T = TypeVar("T")
P = ParamSpec("P")

_JOBS: Sequence[Callable[[], Any]] = ()
"""The jobs of the running :func:`draw_jobs`; forked workers inherit them and get indices."""


def _run_job(index: int) -> Any:
    return _JOBS[index]()


def _leave_ctrl_c() -> None:
    """Let the parent alone answer Ctrl-C (a worker would print a traceback and die)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def available_cores() -> int:
    """Cores this process may run on (its affinity mask where the system has one)."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def _can_fork() -> bool:
    """Whether figure workers can be forked safely: Linux and no other Python thread.

    Forking copies the loaded modules and the result tables, so a worker starts drawing at
    once (a spawned one would import matplotlib and pandas again, ~1 s). A process with other
    threads is never forked (a lock held by one of them would stay held in the child), nor is
    one on macOS, whose system libraries are not safe to use after a fork (Python's default
    start method there is ``spawn`` for that reason).
    """
    return sys.platform.startswith("linux") and threading.active_count() == 1


def draw_jobs(
    jobs: Sequence[Callable[[], T]],
    costs: Sequence[float] | None = None,
    workers: int | None = None,
) -> list[T]:
    """Run figure jobs, in forked worker processes when several cores are free.

    Each job draws and saves one figure. Agg draws a figure on one core, so figures are the
    unit of parallel work: up to ``workers`` (default: the cores available) forked processes
    take jobs as they free up, costliest first, and the results come back in the order of
    ``jobs``. The files are the same bytes whichever way they are drawn. Without fork, with
    another thread running, or with one worker, the jobs run here one after the other.

    Parameters
    ----------
    jobs
        Callables without arguments; their results must pickle (paths, :class:`DrawnPlot`).
    costs
        Relative cost of each job (default: all equal), to start the slowest first.
    workers
        Most processes to use; 1 draws in this process.
    """
    global _JOBS
    lanes = min(len(jobs), available_cores() if workers is None else workers)
    if lanes <= 1 or not _can_fork():
        return [job() for job in jobs]
    order = sorted(range(len(jobs)), key=lambda i: -(costs[i] if costs else 1.0))
    _JOBS = jobs
    pool = ProcessPoolExecutor(
        lanes, mp_context=multiprocessing.get_context("fork"), initializer=_leave_ctrl_c
    )
    try:
        futures = {i: pool.submit(_run_job, i) for i in order}
        wait(futures.values())
    finally:  # on Ctrl-C here, the figures being drawn are finished and the rest dropped
        pool.shutdown(wait=True, cancel_futures=True)
        _JOBS = ()
    # a worker that died (killed, out of memory) leaves its jobs to be done here
    return [
        job() if isinstance(futures[i].exception(), BrokenProcessPool) else futures[i].result()
        for i, job in enumerate(jobs)
    ]


def _portable(error: BaseException) -> BaseException:
    """Return the error itself if it survives pickling, else a RuntimeError naming it."""
    try:
        pickle.loads(pickle.dumps(error))
    except Exception:  # any failure to round-trip: send a stand-in
        return RuntimeError(f"{type(error).__name__}: {error}")
    return error


def _serve(conn: Connection, parents: Connection, warm: Callable[[], object]) -> None:
    """Serve as the figure process: run ``warm`` (imports), then run each call received.

    The child closes its copy of the parent's end first: when the parent dies, however it
    dies, the pipe then ends and the child returns.
    """
    parents.close()
    os.setpgid(0, 0)  # a group of its own: the terminal's Ctrl-C goes to the parent only
    with contextlib.suppress(Exception):  # a call that needs the import raises the error itself
        warm()
    while True:
        try:
            request = conn.recv()
        except EOFError:
            return
        if request is None:
            return
        function, args, kwargs = request
        try:
            reply: tuple[bool, Any] = (True, function(*args, **kwargs))
        except BaseException as error:  # sent back, raised in the parent
            reply = (False, _portable(error))
        try:
            conn.send(reply)
        except OSError:  # the parent is gone
            return


class FigureProcess:
    """A forked process that imports the figure code while the caller does other work.

    matplotlib and pandas take about a second to import on a 2-core machine. A command that
    will draw figures after a simulation starts this first, while it has imported little:
    the child runs ``warm`` (which imports the drawing code) on the other core while the
    parent imports the model and runs it, and :meth:`call` later runs the drawing there,
    warm. Where forking is not safe
    (see :func:`_can_fork`) or there is one core, :meth:`call` runs in this process.

    The child leads a process group of its own, with the workers that :func:`draw_jobs`
    forks inside it: a Ctrl-C reaches the parent alone, which then kills the whole group, so
    no worker is left behind and none prints a traceback. Use it as a context manager:
    leaving the block normally lets the child finish; leaving it by an exception kills the
    group at once (no waiting for imports or figures nobody needs). If the child dies, calls
    run in this process from then on.

    Parameters
    ----------
    warm
        What the child runs as soon as it starts (imports, e.g.
        :func:`sim.output.jobs.warm`); None starts no child and :meth:`call` runs here.
    """

    def __init__(self, warm: Callable[[], object] | None) -> None:
        self._process: multiprocessing.process.BaseProcess | None = None
        self._conn: Connection | None = None
        if warm is not None and available_cores() > 1 and _can_fork():
            context = multiprocessing.get_context("fork")
            ours, theirs = context.Pipe()
            self._process = context.Process(target=_serve, args=(theirs, ours, warm))
            self._process.start()
            theirs.close()
            self._conn = ours
            with contextlib.suppress(OSError):  # the child may have done it already
                os.setpgid(self._process.pid or 0, self._process.pid or 0)

    def call(self, function: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
        """Return ``function(*args, **kwargs)``, run in the child (or here, without one).

        ``function`` must be module-level: it is sent by name (pickled), so this process
        need not import what it imports when it runs. The jobs of :mod:`sim.output.jobs`
        import their drawing code inside, so mypy checks every call's arguments while this
        process never imports matplotlib.
        """
        if self._conn is not None:
            try:
                self._conn.send((function, args, kwargs))
                ok, value = self._conn.recv()
            except (EOFError, OSError):  # the child died (killed, out of memory): do it here
                self._stop(kill=True)
            else:
                if ok:
                    result: T = value
                    return result
                raise value
        return function(*args, **kwargs)

    def _stop(self, kill: bool) -> None:
        process, conn = self._process, self._conn
        self._process = self._conn = None
        if process is None or conn is None:
            return
        if kill and process.pid is not None:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(process.pid, signal.SIGKILL)
            process.kill()
        else:
            with contextlib.suppress(OSError):
                conn.send(None)
        conn.close()
        process.join()

    def __enter__(self) -> FigureProcess:
        return self

    def __exit__(self, kind: type[BaseException] | None, *rest: object) -> None:
        self._stop(kill=kind is not None)
