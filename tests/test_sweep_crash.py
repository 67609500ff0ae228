"""Crash safety of a sweep's final phase: kill -9 anywhere, then --resume finishes it exactly.

A child process runs the sweep with a hook that SIGKILLs it at one moment of the final phase:
right after ``runs.parquet`` is written, right after ``summary.parquet``, after the manifest
says ``finished`` but before the shards are removed, and in the middle of drawing the plots.
``--resume`` must then give the same runs as an uninterrupted sweep, a valid summary, every
plot and a ``finished`` manifest, and leave no shard behind. A second resume while one holds
the sweep's lock is refused with one line.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pandas as pd
import pytest
import yaml

from sim.bundled import SCENARIOS_DIR
from sim.cli import main

SWEEP = {
    "name": "crash",
    "scenario": str(SCENARIOS_DIR / "illustrative.yaml"),
    "parameters": {
        "parameters.quid_pro_quo_weight": {"values": [0.0, 2.4]},
        "parameters.trade_weight": {"values": [0.0, 2.0]},
    },
    "replicates": 2,
    "rounds": 1,
    "seed": 7,
    "outcomes": [
        {"measure": "share_with_target", "resolution": "ES-11/1"},
        {"measure": "agreement", "country": "PRK", "reference": "RUS"},
    ],
}

HOOK = textwrap.dedent(
    """
    import os, signal, sys
    import sim.experiments.runner as runner
    import sim.output.sweep_plots as sweep_plots

    point, argv = sys.argv[1], sys.argv[2:]

    def die(*args, **kwargs):  # the driver and any plot worker it forked, at once
        os.killpg(0, signal.SIGKILL)

    if point.startswith("table"):
        wanted, original, count = int(point[5:]), runner.write_table, [0]

        def write_table(table, path):
            result = original(table, path)
            count[0] += 1
            if count[0] == wanted:
                die()
            return result

        runner.write_table = write_table
    elif point == "manifest":
        runner._clean_stores = die
    elif point == "plots":
        original_save, saved = sweep_plots.save_figure, [0]

        def save_figure(fig, path):
            result = original_save(fig, path)
            saved[0] += 1
            if saved[0] == 2:
                die()
            return result

        sweep_plots.save_figure = save_figure
    from sim.cli import main
    sys.exit(main(argv))
    """
)


def _argv(sweep: Path, out: Path) -> list[str]:
    return ["sweep", str(sweep), "--out", str(out), "--executor", "serial", "--quiet"]


def _without_timing(path: Path) -> pd.DataFrame:
    return pd.read_parquet(path).drop(columns=["seconds"])


@pytest.fixture(scope="module")
def reference(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("reference")
    sweep = folder / "sweep.yaml"
    sweep.write_text(yaml.safe_dump(SWEEP))
    assert main(_argv(sweep, folder / "out")) == 0
    return sweep, folder / "out"


@pytest.mark.parametrize("point", ["table1", "table2", "manifest", "plots"])
def test_kill_in_final_phase_then_resume(
    point: str, tmp_path: Path, reference: tuple[Path, Path]
) -> None:
    sweep, ref = reference
    out = tmp_path / "out"
    child = subprocess.run(
        [sys.executable, "-c", HOOK, point, *_argv(sweep, out)],
        capture_output=True,
        text=True,
        timeout=300,
        start_new_session=True,  # a group of its own, for die() to kill
    )
    assert child.returncode == -9, child.stderr  # killed where we wanted
    assert main(["sweep", "--resume", str(out), "--quiet"]) == 0
    manifest = json.loads((out / "manifest.json").read_text())
    assert "finished" in manifest
    assert "plots_drawn" in manifest
    pd.testing.assert_frame_equal(
        _without_timing(out / "runs.parquet"), _without_timing(ref / "runs.parquet")
    )
    pd.testing.assert_frame_equal(
        pd.read_parquet(out / "summary.parquet"), pd.read_parquet(ref / "summary.parquet")
    )
    assert sorted(p.name for p in (out / "plots").iterdir()) == sorted(
        p.name for p in (ref / "plots").iterdir()
    )
    assert not (out / "shards").exists()
    assert not (out / "journal.jsonl").exists()
    assert (out / "report.html").exists()
    # A second resume of a finished sweep changes nothing.
    before = (out / "runs.parquet").read_bytes()
    assert main(["sweep", "--resume", str(out), "--quiet"]) == 0
    assert (out / "runs.parquet").read_bytes() == before


def test_concurrent_resume_is_refused(
    tmp_path: Path, reference: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    sweep, _ = reference
    out = tmp_path / "out"
    assert main(_argv(sweep, out)) == 0
    capsys.readouterr()
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time\n"
            "from pathlib import Path\n"
            "from sim.experiments.runner import sweep_lock\n"
            "with sweep_lock(Path(sys.argv[1])):\n"
            "    print('locked', flush=True)\n"
            "    time.sleep(60)\n",
            str(out),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None
        assert holder.stdout.readline().strip() == "locked"
        code = main(["sweep", "--resume", str(out), "--quiet"])
        err = capsys.readouterr().err.strip().splitlines()
        assert code == 2
        assert len(err) == 1 and "another alliance-sim process is running this sweep" in err[0]
    finally:
        holder.kill()
        holder.wait()  # its lock ends with it
    assert main(["sweep", "--resume", str(out), "--quiet"]) == 0
