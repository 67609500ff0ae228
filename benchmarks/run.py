"""Simulation benchmarks: ``python benchmarks/run.py`` (``--quick`` for a CI smoke run).

Times only the simulation (building the model and running its rounds): imports, scenario
loading, result writing and plots are excluded. Each world is timed two ways, interleaved in
one process so that a busy machine slows both alike: the project
(:class:`sim.model.model.AllianceModel`, with its Mesa agents, DataCollector and records) and the
bare numpy kernel of the same rules in ``benchmarks/kernel.py`` (no Mesa, no recording). The
ratio of their medians is what ``README.md`` reports. ``--before DIR`` times an earlier source
tree (``git archive``) the same way in a second process, alternating with this one repeat by
repeat, for before/after tables.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from kernel import run_kernel

from sim.bundled import DEFAULT_SCENARIO, ILLUSTRATIVE_SCENARIO
from sim.model.model import AllianceModel
from sim.scenario.loading import load_scenario
from sim.scenario.schema import Scenario
from sim.scenario.synthetic import synthetic_scenario
from sim.scenario.world import build_world

ROUNDS = 100


def every_round(scenario: Scenario, rounds: int) -> Scenario:
    """The scenario with its agenda cycling so that one resolution comes up every round.

    The agenda becomes numbered (dates, the dated history, suspensions and polls dropped), as
    repeats need.
    """
    k = len(scenario.agenda)
    agenda = [
        r.model_copy(update={"round": i + 1, "repeat_every": k, "date": None})
        for i, r in enumerate(scenario.agenda)
    ]
    favours = [f.model_copy(update={"round": 0}) for f in scenario.favours]
    return scenario.model_copy(
        update={
            "agenda": agenda,
            "rounds": rounds,
            "history": [],
            "favours": favours,
            "suspensions": [],
            "polls": [],
        }
    )


def project(scenario: Scenario, rounds: int, seed: int) -> float:
    """Seconds to build the model and run ``rounds`` rounds."""
    start = time.perf_counter()
    model = AllianceModel(
        scenario, build_world(scenario), rng=np.random.default_rng(seed), rounds=rounds
    )
    model.run()
    elapsed = time.perf_counter() - start
    assert len(model.record.votes) >= rounds
    return elapsed


def kernel(scenario: Scenario, rounds: int, seed: int) -> float:
    """Seconds for the bare kernel to do the same."""
    start = time.perf_counter()
    run = run_kernel(scenario, np.random.default_rng(seed), rounds)
    elapsed = time.perf_counter() - start
    assert len(run.votes) >= rounds
    return elapsed


def compare(scenario: Scenario, rounds: int, repeats: int) -> tuple[float, float]:
    """Median project and kernel times over interleaved repeats (one warm-up each first)."""
    project(scenario, rounds, 0)
    kernel(scenario, rounds, 0)
    mine, bare = [], []
    for repeat in range(repeats):
        mine.append(project(scenario, rounds, repeat))
        bare.append(kernel(scenario, rounds, repeat))
    return statistics.median(mine), statistics.median(bare)


def cases(rounds: int) -> list[tuple[str, Callable[[], Scenario], float]]:
    """The worlds timed: label, scenario maker and target ratio (nan: none)."""
    return [
        (
            "illustrative (22 states)",
            lambda: every_round(load_scenario(ILLUSTRATIVE_SCENARIO).scenario, rounds),
            float("nan"),
        ),
        (
            "un_2022 (193, neutrality on)",
            lambda: every_round(load_scenario(DEFAULT_SCENARIO).scenario, rounds),
            1.5,
        ),
        ("synthetic 193", lambda: synthetic_scenario(193, rounds=rounds), 1.5),
        ("synthetic 2,000", lambda: synthetic_scenario(2000, rounds=rounds), 2.0),
    ]


SERVER = """
import sys
sys.path.insert(0, sys.argv[1])
import run
rounds = int(sys.argv[2])
scenarios = [make() for _, make, _ in run.cases(rounds)]
print("ready", flush=True)
for line in sys.stdin:
    case, seed = map(int, line.split())
    mine = run.project(scenarios[case], rounds, seed)
    bare = run.kernel(scenarios[case], rounds, seed)
    print(mine, bare, flush=True)
"""


def compare_with(before: Path, rounds: int, repeats: int) -> None:
    """Time the code in ``before`` (its ``sim`` first on the path, this file's kernel and
    worlds) in a second process, alternating repeat by repeat with this one."""
    env = {**os.environ, "PYTHONPATH": str(before)}
    here = str(Path(__file__).resolve().parent)
    server = subprocess.Popen(
        [sys.executable, "-c", SERVER, here, str(rounds)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        cwd=before,
        env=env,
    )
    assert server.stdin is not None and server.stdout is not None
    if server.stdout.readline().strip() != "ready":
        raise SystemExit("the 'before' process did not start")

    def theirs(case: int, seed: int) -> tuple[float, float]:
        assert server.stdin is not None and server.stdout is not None
        server.stdin.write(f"{case} {seed}\n")
        server.stdin.flush()
        mine, bare = server.stdout.readline().split()
        return float(mine), float(bare)

    print(
        f"construction + {rounds} rounds, one resolution per round; medians of {repeats} "
        f"repeats, before ({before}) and after alternating; in brackets the median of each "
        "repeat's own ratio (project and kernel timed back to back), steadier on a busy machine"
    )
    print(f"  {'world':<30} {'before: project, kernel, ratio':>42}   {'after':>40}  target")
    try:
        for case, (label, make, target) in enumerate(cases(rounds)):
            scenario = make()
            theirs(case, 0)
            project(scenario, rounds, 0)
            kernel(scenario, rounds, 0)
            times: dict[str, list[tuple[float, float]]] = {"before": [], "after": []}
            for repeat in range(repeats):
                times["before"].append(theirs(case, repeat))
                times["after"].append(
                    (project(scenario, rounds, repeat), kernel(scenario, rounds, repeat))
                )
            cells = []
            for key in ("before", "after"):
                mine = statistics.median(t[0] for t in times[key])
                bare = statistics.median(t[1] for t in times[key])
                paired = statistics.median(t[0] / t[1] for t in times[key])
                cells.append(f"{mine:8.4f}s {bare:8.4f}s {mine / bare:5.2f}x ({paired:.2f}x)")
            goal = "" if np.isnan(target) else f"<= {target:g}x"
            print(f"  {label:<30} {cells[0]:>42}   {cells[1]:>40}  {goal}", flush=True)
    finally:
        server.stdin.close()
        server.wait()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="10 rounds, 1 repeat (smoke run)")
    parser.add_argument("--repeats", type=int, default=7, help="interleaved repeats (default 7)")
    parser.add_argument(
        "--before",
        type=Path,
        help="a source tree of an earlier version (e.g. from git archive) to time alongside",
    )
    args = parser.parse_args()
    rounds = 10 if args.quick else ROUNDS
    repeats = 1 if args.quick else args.repeats
    if args.before is not None:
        compare_with(args.before, rounds, repeats)
        return
    print(
        f"construction + {rounds} rounds, one resolution per round; medians of {repeats} "
        "interleaved repeats"
    )
    print(f"  {'world':<30} {'project':>10} {'kernel':>10} {'ratio':>7}  target")
    for label, make, target in cases(rounds):
        mine, bare = compare(make(), rounds, repeats)
        goal = "" if np.isnan(target) else f"<= {target:g}x"
        print(f"  {label:<30} {mine:9.4f}s {bare:9.4f}s {mine / bare:6.2f}x  {goal}")


if __name__ == "__main__":
    main()
