"""One executor seam for sweeps: ``serial``, ``process`` and ``dask`` behind ``Executor``.

Every kind is a ``concurrent.futures.Executor``, so the sweep driver is the same from a laptop
to a cluster. The process pool gets its own ``spawn`` context (no global start-method change,
safe in scripts and notebooks); dask uses ``distributed.Client.get_executor()``, connecting to a
scheduler when given one and otherwise starting a ``LocalCluster`` of single-threaded workers.
dask is an optional extra (``pip install 'alliance-sim[dask]'``), imported only when asked for.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Iterator
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from contextlib import contextmanager
from typing import Any, Literal, ParamSpec, TypeVar

ExecutorKind = Literal["serial", "process", "dask"]
P = ParamSpec("P")
T = TypeVar("T")


class SerialExecutor(Executor):
    """Run each submitted call at once in this process (for debugging and tiny sweeps)."""

    def submit(self, fn: Callable[P, T], /, *args: P.args, **kwargs: P.kwargs) -> Future[T]:
        """Run ``fn(*args, **kwargs)`` now and return a finished future."""
        future: Future[T] = Future()
        try:
            future.set_result(fn(*args, **kwargs))
        except BaseException as exc:
            future.set_exception(exc)
        return future


DASK_HINT = "--executor dask needs dask and distributed: pip install 'alliance-sim[dask]'"
"""What to tell a user who asks for dask without the extra installed."""


def missing_dask() -> str | None:
    """Return :data:`DASK_HINT` if ``distributed`` cannot be imported, else None."""
    try:
        import distributed  # noqa: F401  (an optional, heavy library: imported only here)
    except ImportError:
        return DASK_HINT
    return None


def default_workers() -> int:
    """Worker count when none is given: the CPUs this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not on Linux
        return os.cpu_count() or 1


@contextmanager
def make_executor(
    kind: ExecutorKind, workers: int | None = None, scheduler: str | None = None
) -> Iterator[Executor]:
    """Open an executor of the given kind; shut it (and any local cluster) down on exit.

    Parameters
    ----------
    kind
        ``serial``, ``process`` or ``dask``.
    workers
        Worker processes (default: the usable CPUs); ignored for ``serial`` and when a dask
        ``scheduler`` is given.
    scheduler
        Address of a running dask scheduler (``tcp://host:8786``); dask only.
    """
    workers = workers or default_workers()
    if kind == "serial":
        yield SerialExecutor()
    elif kind == "process":
        with ProcessPoolExecutor(
            max_workers=workers, mp_context=multiprocessing.get_context("spawn")
        ) as pool:
            yield pool
    else:
        try:
            from distributed import Client, LocalCluster
        except ImportError:
            raise ImportError(DASK_HINT) from None

        cluster: Any = None
        if scheduler:
            client = Client(scheduler)
        else:
            cluster = LocalCluster(
                n_workers=workers,
                threads_per_worker=1,
                processes=True,
                dashboard_address=None,
            )
            client = Client(cluster)
        try:
            yield client.get_executor()
        finally:
            client.close()
            if cluster is not None:
                cluster.close()
