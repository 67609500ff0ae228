"""Wall-clock time of the commands a user waits on: ``python benchmarks/commands.py``.

Runs ``alliance-sim run`` (default scenario, plots and report), ``alliance-sim sweep
scenarios/sweeps/quick.yaml`` and ``alliance-sim plot DIR`` as fresh processes (imports
included), interleaved, and prints the median of ``--repeats`` (default 5) for each. Outputs go
to a temporary directory. ``--before PATH`` also times the checkout at PATH (put first on
``PYTHONPATH``), interleaved with this one, for a before/after table on a shared machine.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def timed(argv: list[str], env: dict[str, str], cwd: Path) -> float:
    start = time.perf_counter()
    subprocess.run(argv, check=True, stdout=subprocess.DEVNULL, env=env, cwd=cwd)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--before", default=None, help="checkout to compare with")
    args = parser.parse_args()
    envs = {"now": {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}}
    if args.before:
        envs = {"before": {**envs["now"], "PYTHONPATH": args.before}, **envs}
    cli = [sys.executable, "-m", "sim"]
    names = ("alliance-sim run", "alliance-sim sweep quick.yaml", "alliance-sim plot DIR")
    times: dict[tuple[str, str], list[float]] = {}
    for label, env in envs.items():
        cwd = Path(args.before) if label == "before" else ROOT
        where = subprocess.run(
            [sys.executable, "-c", "import sim; print(sim.__file__)"],
            check=True,
            capture_output=True,
            text=True,
            env=env,
            cwd=cwd,
        ).stdout.strip()
        print(f"{label}: {where}")
    with tempfile.TemporaryDirectory() as tmp:
        for _ in range(args.repeats):
            for label, env in envs.items():
                run_dir, sweep_dir = Path(tmp, label, "run"), Path(tmp, label, "sweep")
                commands = [
                    [*cli, "run", "--out", str(run_dir), "--force"],
                    [
                        *cli,
                        "sweep",
                        str(ROOT / "scenarios/sweeps/quick.yaml"),
                        "--out",
                        str(sweep_dir),
                        "--force",
                        "--quiet",
                    ],
                    [*cli, "plot", str(run_dir)],
                ]
                # each side runs in its own tree: `python -m` puts the working directory
                # first on the path, ahead of PYTHONPATH and of the editable install
                cwd = Path(args.before) if label == "before" else ROOT
                for name, argv in zip(names, commands, strict=True):
                    times.setdefault((name, label), []).append(timed(argv, env, cwd))
    print(f"medians of {args.repeats} interleaved runs (fresh processes, imports included)")
    for name in names:
        cells = "   ".join(
            f"{label} {statistics.median(times[name, label]):6.2f} s" for label in envs
        )
        print(f"  {name:<32} {cells}")


if __name__ == "__main__":
    main()
