"""What a sweep or run shows outside a terminal: progress lines on stderr, results on stdout.

Also: result folders get the permissions the user's umask asks for (not mkdtemp's 0700).
"""

from __future__ import annotations

import io
import os
import re
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from sim.bundled import SCENARIOS_DIR
from sim.cli import main
from sim.experiments.progress import LineProgress
from sim.experiments.runner import execute_sweep, start_sweep

SWEEP = {
    "name": "p",
    "scenario": str(SCENARIOS_DIR / "illustrative.yaml"),
    "rounds": 1,
    "parameters": {"parameters.trade_weight": {"values": [0.0, 1.0]}},
    "replicates": 3,
    "outcomes": [{"measure": "yes_share", "resolution": "ES-11/1"}],
}
LINE = re.compile(r"sweep: (\d+)/6 runs \(\d+\.\d runs/s, \d+:\d\d elapsed\)")


@pytest.fixture
def sweep_file(tmp_path: Path) -> Path:
    path = tmp_path / "s.yaml"
    path.write_text(yaml.safe_dump(SWEEP))
    return path


def test_lines_at_most_every_interval_and_at_the_end() -> None:
    times = iter([0.0, 3.0, 9.9, 10.0, 14.0, 21.0, 22.0])
    stream = io.StringIO()
    progress = LineProgress(total=12, done=2, every=10.0, stream=stream, clock=lambda: next(times))
    for _ in range(5):
        progress.update(advance=2)  # at 3.0, 9.9, 10.0, 14.0, 21.0
    progress.update(description="sweep (starting workers)")  # no run finished: no line
    assert stream.getvalue().splitlines() == [
        "sweep: 8/12 runs (0.6 runs/s, 0:10 elapsed)",
        "sweep: 12/12 runs (0.5 runs/s, 0:21 elapsed)",  # the end, 11 s after the last
    ]


def test_a_sweep_without_a_terminal_prints_progress_lines_to_stderr(
    tmp_path: Path, sweep_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = start_sweep(sweep_file, tmp_path / "out")
    execute_sweep(out, executor="serial", progress_every=0.0)  # a line after every batch
    captured = capsys.readouterr()
    assert captured.out == ""
    done = [int(LINE.fullmatch(line)[1]) for line in captured.err.splitlines()]  # type: ignore[index]
    assert done[0] == 2 and done[-1] == 6  # the pilot's two runs, then every batch to the end
    assert done == sorted(set(done))


def test_stdout_carries_only_the_results(
    tmp_path: Path, sweep_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    assert main(["sweep", str(sweep_file), "--out", str(out), "--no-report"]) == 0
    captured = capsys.readouterr()
    assert captured.out.splitlines() == ["6 runs (6 run now): 6 ok, 0 failed", str(out)]
    assert LINE.fullmatch(captured.err.splitlines()[0])
    assert main(["run", "--no-plots", "--rounds", "1", "--out", str(tmp_path / "run")]) == 0
    printed = capsys.readouterr().out.splitlines()
    assert len(printed) == 2 and printed[0].startswith("round 1 ES-11/1: yes ")
    assert printed[1] == str(tmp_path / "run")


@pytest.fixture
def umask() -> Iterator[None]:
    previous = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(previous)


@pytest.mark.usefixtures("umask")
@pytest.mark.parametrize(("mask", "mode"), [(0o022, 0o755), (0o027, 0o750)])
def test_result_folders_follow_the_umask(
    tmp_path: Path, sweep_file: Path, mask: int, mode: int
) -> None:
    os.umask(mask)
    run = tmp_path / "run"
    assert main(["run", "--no-plots", "--rounds", "1", "--out", str(run), "--quiet"]) == 0
    sweep = tmp_path / "sweep"
    argv = ["sweep", str(sweep_file), "--out", str(sweep), "--quiet", "--no-report"]
    assert main(argv) == 0
    assert stat.S_IMODE(run.stat().st_mode) == mode
    assert stat.S_IMODE(sweep.stat().st_mode) == mode
