"""Simulation benchmarks: ``python benchmarks/run.py`` (``--quick`` for a CI smoke run).

Times only the simulation (building the model and running its rounds): imports, scenario
loading, result writing and plots are excluded. Reports the best and median of several repeats.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable

import numpy as np

from sim.bundled import DEFAULT_SCENARIO, ILLUSTRATIVE_SCENARIO
from sim.model.model import AllianceModel
from sim.model.scenario import Scenario, load_scenario
from sim.model.synthetic import synthetic_scenario

ROUNDS = 100


def every_round(scenario: Scenario, rounds: int) -> Scenario:
    """The scenario with its agenda cycling so that one resolution comes up every round.

    The agenda becomes numbered (dates and the dated history dropped), as repeats need.
    """
    k = len(scenario.agenda)
    agenda = [
        r.model_copy(update={"round": i + 1, "repeat_every": k, "date": None})
        for i, r in enumerate(scenario.agenda)
    ]
    favours = [f.model_copy(update={"round": 0}) for f in scenario.favours]
    return scenario.model_copy(
        update={"agenda": agenda, "rounds": rounds, "history": [], "favours": favours}
    )


def timed(make: Callable[[], Scenario], rounds: int, repeats: int) -> list[float]:
    scenario = make()
    times = []
    for repeat in range(repeats):
        start = time.perf_counter()
        model = AllianceModel(scenario, rng=np.random.default_rng(repeat), rounds=rounds)
        model.run()
        times.append(time.perf_counter() - start)
        assert len(model.record.votes) >= rounds
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="10 rounds, 1 repeat (smoke run)")
    args = parser.parse_args()
    rounds = 10 if args.quick else ROUNDS
    repeats = 1 if args.quick else 5
    cases: list[tuple[str, Callable[[], Scenario], float]] = [
        (
            "illustrative scenario (22 states)",
            lambda: every_round(load_scenario(ILLUSTRATIVE_SCENARIO).scenario, rounds),
            float("nan"),
        ),
        (
            "un_2022 (193 states, neutrality on)",
            lambda: every_round(load_scenario(DEFAULT_SCENARIO).scenario, rounds),
            float("nan"),
        ),
        ("synthetic, 193 states", lambda: synthetic_scenario(193, rounds=rounds), 0.1),
        ("synthetic, 2,000 states", lambda: synthetic_scenario(2000, rounds=rounds), 5.0),
    ]
    print(f"simulation time for {rounds} rounds, one resolution per round ({repeats} repeats)")
    for label, make, target in cases:
        times = timed(make, rounds, repeats)
        goal = "" if np.isnan(target) else f"  (target < {target:g} s for 100 rounds)"
        median = statistics.median(times)
        print(f"  {label:<36} best {min(times):8.4f} s   median {median:8.4f} s{goal}")


if __name__ == "__main__":
    main()
