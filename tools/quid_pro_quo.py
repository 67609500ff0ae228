"""Print the states of a scenario whose recorded favours and prior alignment disagree.

Usage: ``python tools/quid_pro_quo.py [SCENARIO] [--before DATE]`` (default: the bundled
un_2022 and the day of ES-11/1). The table and the count of the sides their recorded votes took
are what README's quid-pro-quo finding quotes (:mod:`sim.empirical.quidproquo`).
"""

from __future__ import annotations

import argparse
import datetime as dt

from sim.bundled import SCENARIOS_DIR
from sim.empirical.quidproquo import disagreements, format_disagreements
from sim.scenario.loading import load_scenario


def main() -> None:
    """Parse the arguments and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("scenario", nargs="?", default=str(SCENARIOS_DIR / "un_2022.yaml"))
    parser.add_argument("--before", type=dt.date.fromisoformat, default=dt.date(2022, 3, 2))
    args = parser.parse_args()
    scenario = load_scenario(args.scenario, []).scenario
    print(format_disagreements(disagreements(scenario, args.before)))


if __name__ == "__main__":
    main()
