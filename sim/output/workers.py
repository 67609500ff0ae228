"""Processes that draw figures: forked workers for a batch of figures, and a warm helper.

This module imports no plotting library, so that a command can start :class:`FigureProcess`
before it has imported matplotlib or pandas.
"""

from __future__ import annotations

import importlib
import multiprocessing
import os
import sys
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from typing import Any, TypeVar

T = TypeVar("T")

_JOBS: Sequence[Callable[[], Any]] = ()
"""The jobs of the running :func:`draw_jobs`; forked workers inherit them and get indices."""


def _run_job(index: int) -> Any:
    return _JOBS[index]()


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
    try:
        with ProcessPoolExecutor(lanes, mp_context=multiprocessing.get_context("fork")) as pool:
            futures = {i: pool.submit(_run_job, i) for i in order}
            wait(futures.values())
    finally:
        _JOBS = ()
    # a worker that died (killed, out of memory) leaves its jobs to be done here
    return [
        job() if isinstance(futures[i].exception(), BrokenProcessPool) else futures[i].result()
        for i, job in enumerate(jobs)
    ]


def _call(target: str, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
    module, _, name = target.partition(":")
    return getattr(importlib.import_module(module), name)(*args, **kwargs)


def _import_all(modules: tuple[str, ...]) -> None:
    for name in modules:
        importlib.import_module(name)


class FigureProcess:
    """A forked process that imports the figure code while the caller does other work.

    matplotlib and pandas take about a second to import on a 2-core machine. A command that
    will draw figures after a simulation starts this first, while it has imported little:
    the child imports ``modules`` on the other core while the parent imports the model and
    runs it, and :meth:`call` later runs the drawing there, warm. Where forking is not safe
    (see :func:`_can_fork`) or there is one core, :meth:`call` runs in this process.

    Use it as a context manager: leaving the block shuts the process down, and stops it at
    once when the block is left by an exception (no waiting for imports nobody needs). If
    the child dies, calls run in this process from then on.

    Parameters
    ----------
    modules
        Modules the child imports as soon as it starts.
    """

    def __init__(self, modules: tuple[str, ...]) -> None:
        self._pool: ProcessPoolExecutor | None = None
        self._children: set[multiprocessing.process.BaseProcess] = set()
        if modules and available_cores() > 1 and _can_fork():
            before = set(multiprocessing.active_children())
            self._pool = ProcessPoolExecutor(
                1,
                mp_context=multiprocessing.get_context("fork"),
                initializer=_import_all,
                initargs=(modules,),
            )
            self._pool.submit(int)  # a fork pool starts its process in the first submit
            self._children = set(multiprocessing.active_children()) - before

    def call(self, target: str, *args: Any, **kwargs: Any) -> Any:
        """Return ``function(*args, **kwargs)`` for ``target`` = ``"module:function"``.

        The function is named rather than passed, so that this process need not import its
        module; it runs in the child (or here, without one).
        """
        if self._pool is not None:
            try:
                return self._pool.submit(_call, target, args, kwargs).result()
            except BrokenProcessPool:  # the child died (killed, out of memory): do it here
                self._pool.shutdown(wait=False)
                self._pool = None
        return _call(target, args, kwargs)

    def __enter__(self) -> FigureProcess:
        return self

    def __exit__(self, kind: type[BaseException] | None, *rest: object) -> None:
        if self._pool is None:
            return
        if kind is not None:
            for child in self._children:
                child.kill()
        self._pool.shutdown(wait=True, cancel_futures=True)
