"""The processes that draw figures: a warm forked helper and its fallbacks.

The forking cases run in a fresh interpreter: this test process may hold threads started by
earlier tests, and a process with threads never forks figure workers (it falls back to
drawing in-process, which the last test checks here).
"""

from __future__ import annotations

import os
import selectors
import signal
import subprocess
import sys
import textwrap
import threading
import time
from collections.abc import Callable
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
        import importlib, json, os, sys
        import probe
        from sim.output.workers import FigureProcess

        with FigureProcess(lambda: importlib.import_module("warmed")) as figures:
            child = figures.call(os.getpid)
            assert child != os.getpid()
            assert figures.call(os.getpid) == child  # one process, reused
            assert figures.call(int, "ff", base=16) == 255
            assert figures.call(probe.imported, "warmed") is True
            assert "warmed" not in sys.modules  # imported in the child only
            assert figures.call(probe.imported, "tomllib") is False
            try:
                figures.call(json.loads, "{not json")
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
        import json, os, select, signal
        from sim.output.workers import FigureProcess

        with FigureProcess(lambda: json) as figures:
            child = figures.call(os.getpid)
            assert child != os.getpid()
            died = os.pidfd_open(child)  # readable once the child has ended
            os.kill(child, signal.SIGKILL)
            assert select.select([died], [], [], 60)[0], "the child did not die"
            assert figures.call(os.getpid) == os.getpid()
        """,
        tmp_path,
    )


@linux
@several_cores
def test_leaving_on_an_error_stops_a_child_still_importing(tmp_path: Path) -> None:
    (tmp_path / "slow_to_import.py").write_text("import time\ntime.sleep(30)\n")
    fresh(
        """
        import importlib, time
        from sim.output.workers import FigureProcess

        start = time.perf_counter()
        try:
            with FigureProcess(lambda: importlib.import_module("slow_to_import")):
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
    (folder / "warmed.py").write_text("")
    return folder


def test_without_modules_or_with_another_thread_calls_run_here() -> None:
    with FigureProcess(None) as figures:
        assert figures.call(os.getpid) == os.getpid()
    release = threading.Event()
    other = threading.Thread(target=release.wait)
    other.start()
    try:
        with FigureProcess(lambda: None) as figures:
            assert figures.call(os.getpid) == os.getpid()
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


def _running_with(text: bytes) -> list[int]:
    """Running processes (zombies excluded) whose command line contains ``text``."""
    found = []
    for proc in Path("/proc").glob("[0-9]*"):
        try:
            state = (proc / "stat").read_text().rsplit(")", 1)[1].split()[0]
            command = (proc / "cmdline").read_bytes()
        except OSError:
            continue
        if state != "Z" and text in command:
            found.append(int(proc.name))
    return found


DRAWING = textwrap.dedent(
    """
    import os, sys, time
    from pathlib import Path

    import sim.output.plots as plots
    from sim.cli import main

    marker, argv = Path(sys.argv[1]), sys.argv[2:]
    original = plots.save_figure

    def save_figure(*args, **kwargs):
        # every figure worker says it is drawing, then waits for the test to let it go on
        # (it never is: Ctrl-C kills it first); the parent process never gets here
        with marker.open("a") as note:
            note.write(f"{os.getpid()}\\n")
        while not marker.with_suffix(".go").exists():
            time.sleep(0.05)
        return original(*args, **kwargs)

    plots.save_figure = save_figure
    sys.exit(main(argv))
    """
)


def _wait_until(done: Callable[[], bool], what: str, seconds: float = 120) -> None:
    """Poll ``done`` until it holds; fail naming ``what`` after ``seconds``."""
    deadline = time.monotonic() + seconds
    while not done():
        assert time.monotonic() < deadline, f"waited {seconds} s for {what}"
        time.sleep(0.05)


@linux
@several_cores
def test_ctrl_c_while_plots_are_drawn_stops_everything_and_writes_nothing(
    tmp_path: Path,
) -> None:
    out, marker = tmp_path / "run", tmp_path / "marks" / "drawing"
    marker.parent.mkdir()
    child = subprocess.Popen(
        [sys.executable, "-c", DRAWING, str(marker), "run", "--out", str(out)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,  # the terminal's foreground group, as Ctrl-C sees it
    )
    assert child.stderr is not None
    # a deterministic point: a figure worker is inside save_figure, and stays there
    _wait_until(lambda: marker.exists() or child.poll() is not None, "a figure being drawn")
    assert child.poll() is None, child.stderr.read().decode()
    os.killpg(child.pid, signal.SIGINT)
    assert child.wait(timeout=60) == 130
    rest = b""
    with selectors.DefaultSelector() as selector:  # a worker left behind keeps stderr open
        selector.register(child.stderr, selectors.EVENT_READ)
        while selector.select(timeout=5):
            chunk = os.read(child.stderr.fileno(), 4096)
            if not chunk:
                break
            rest += chunk
    assert b"interrupted; nothing more was written" in rest
    assert b"Traceback" not in rest
    assert not out.exists()
    assert [p.name for p in tmp_path.iterdir()] == ["marks"]  # no staging directory left
    # forked figure workers carry the parent's command line: every one ends
    _wait_until(lambda: not _running_with(str(out).encode()), "the figure workers to end")
