"""The processes that draw figures: a warm forked helper and its fallbacks.

The forking cases run in a fresh interpreter: this test process may hold threads started by
earlier tests, and a process with threads never forks figure workers (it falls back to
drawing in-process, which the last test checks here).
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import threading
from pathlib import Path

import pytest

from sim.output.workers import FigureProcess

linux = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="forks on Linux only")
several_cores = pytest.mark.skipif(
    len(os.sched_getaffinity(0)) < 2 if hasattr(os, "sched_getaffinity") else True,
    reason="a figure process needs a second core",
)


def fresh(code: str, tmp_path: Path) -> None:
    """Run ``code`` in a new interpreter (with ``tmp_path`` importable); it must exit 0."""
    done = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "PYTHONPATH": str(tmp_path)},
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stderr


@linux
@several_cores
def test_calls_run_in_one_warm_child_and_errors_keep_their_type(tmp_path: Path) -> None:
    fresh(
        """
        import json, os, sys
        from sim.output.workers import FigureProcess

        with FigureProcess(("json",)) as figures:
            child = figures.call("os:getpid")
            assert child != os.getpid()
            assert figures.call("os:getpid") == child  # one process, reused
            assert figures.call("builtins:int", "ff", base=16) == 255
            assert figures.call("probe:imported", "json") is True
            assert figures.call("probe:imported", "tomllib") is False
            try:
                figures.call("json:loads", "{not json")
            except json.JSONDecodeError:
                pass
            else:
                raise AssertionError("no error")
        """,
        write_probe(tmp_path),
    )


@linux
@several_cores
def test_a_dead_child_leaves_the_calls_to_this_process(tmp_path: Path) -> None:
    fresh(
        """
        import os, signal, time
        from sim.output.workers import FigureProcess

        with FigureProcess(("json",)) as figures:
            child = figures.call("os:getpid")
            assert child != os.getpid()
            os.kill(child, signal.SIGKILL)
            time.sleep(0.2)
            assert figures.call("os:getpid") == os.getpid()
        """,
        tmp_path,
    )


@linux
@several_cores
def test_leaving_on_an_error_stops_a_child_still_importing(tmp_path: Path) -> None:
    (tmp_path / "slow_to_import.py").write_text("import time\ntime.sleep(30)\n")
    fresh(
        """
        import time
        from sim.output.workers import FigureProcess

        start = time.perf_counter()
        try:
            with FigureProcess(("slow_to_import",)):
                raise KeyError("bad scenario")
        except KeyError:
            pass
        assert time.perf_counter() - start < 10, "waited for the 30 s import"
        """,
        tmp_path,
    )


def write_probe(folder: Path) -> Path:
    (folder / "probe.py").write_text(
        "import sys\n\n\ndef imported(name):\n    return name in sys.modules\n"
    )
    return folder


def test_without_modules_or_with_another_thread_calls_run_here() -> None:
    with FigureProcess(()) as figures:
        assert figures.call("os:getpid") == os.getpid()
    release = threading.Event()
    other = threading.Thread(target=release.wait)
    other.start()
    try:
        with FigureProcess(("json",)) as figures:
            assert figures.call("os:getpid") == os.getpid()
    finally:
        release.set()
        other.join()


@linux
@several_cores
def test_draw_jobs_hands_jobs_to_forked_workers_and_keeps_their_order(tmp_path: Path) -> None:
    fresh(
        """
        import os
        from sim.output.workers import draw_jobs

        jobs = [os.getpid] * 4 + [lambda: "last"]
        done = draw_jobs(jobs, costs=[1, 5, 2, 4, 3], workers=2)
        assert done[-1] == "last"
        assert os.getpid() not in done[:4] and 1 <= len(set(done[:4])) <= 2
        assert draw_jobs(jobs, workers=1)[:4] == [os.getpid()] * 4
        """,
        tmp_path,
    )
