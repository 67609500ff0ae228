"""The processes that draw figures: a warm forked helper and its fallbacks."""

from __future__ import annotations

import os
import signal
import sys
import time
from pathlib import Path

import pytest

from sim.output.workers import FigureProcess, _can_fork, available_cores

forks = pytest.mark.skipif(
    not (_can_fork() and available_cores() > 1), reason="figure processes fork on Linux only"
)


@forks
def test_calls_run_in_the_child_which_has_imported_the_modules() -> None:
    with FigureProcess(("json",)) as figures:
        child = figures.call("os:getpid")
        assert child != os.getpid()
        assert figures.call("os:getpid") == child  # one warm process, reused
        assert figures.call("builtins:int", "ff", base=16) == 255
        assert figures.call(f"{__name__}:imported", "json") is True
        assert figures.call(f"{__name__}:imported", "no_such_module_here") is False


def imported(name: str) -> bool:
    return name in sys.modules


def test_without_modules_nothing_is_forked() -> None:
    with FigureProcess(()) as figures:
        assert figures.call("os:getpid") == os.getpid()


@forks
def test_an_error_in_the_child_is_raised_here_with_its_type() -> None:
    with FigureProcess(("json",)) as figures, pytest.raises(json_error()):
        figures.call("json:loads", "{not json")


def json_error() -> type[Exception]:
    import json

    return json.JSONDecodeError


@forks
def test_a_dead_child_leaves_the_calls_to_this_process() -> None:
    with FigureProcess(("json",)) as figures:
        child = figures.call("os:getpid")
        os.kill(child, signal.SIGKILL)
        time.sleep(0.2)
        assert figures.call("os:getpid") == os.getpid()


@forks
def test_leaving_on_an_error_stops_a_child_still_importing(tmp_path: Path) -> None:
    (tmp_path / "slow_to_import.py").write_text("import time\ntime.sleep(30)\n")
    sys.path.insert(0, str(tmp_path))
    try:
        start = time.perf_counter()
        with pytest.raises(KeyError), FigureProcess(("slow_to_import",)):
            raise KeyError("bad scenario")
        assert time.perf_counter() - start < 10  # not the 30 s import
    finally:
        sys.path.remove(str(tmp_path))
