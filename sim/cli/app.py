"""``alliance-sim scenarios`` (the bundled scenarios) and ``alliance-sim viz`` (the app)."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from sim import bundled
from sim.cli.common import EXIT_OK, CommandError, positive

if TYPE_CHECKING:
    from sim.cli.common import Verbs


def add_scenarios(verbs: Verbs) -> None:
    """Add the ``scenarios`` verb."""
    scenarios = verbs.add_parser(
        "scenarios",
        help="list the bundled scenarios",
        description="List the scenarios bundled with the package, with where they are.",
    )
    scenarios.set_defaults(handler=cmd_scenarios)


def cmd_scenarios(args: argparse.Namespace) -> int:
    """List the bundled scenarios: name, size and the start of the description."""
    from sim.scenario.loading import load_scenario

    print(f"bundled scenarios in {bundled.scenarios_dir()}:")
    for name in bundled.bundled_scenarios():
        scenario = load_scenario(bundled.scenarios_dir() / f"{name}.yaml").scenario
        description = " ".join(scenario.description.split())
        if len(description) > 70:
            description = description[:67] + "..."
        print(f"  {name:<14} {len(scenario.countries):>4} countries  {description}")
    print(f"bundled sweeps: {', '.join(bundled.bundled_sweeps())} (alliance-sim sweep NAME)")
    return EXIT_OK


def add_viz(verbs: Verbs) -> None:
    """Add the ``viz`` verb."""
    viz = verbs.add_parser(
        "viz",
        help="open the interactive SolaraViz app (needs the viz extra)",
        description="Serve the Mesa SolaraViz app: pick a scenario, set the weights with "
        "sliders, step or play rounds. Same as `solara run app.py`.",
    )
    viz.add_argument("--host", default="127.0.0.1", help="address to listen on")
    viz.add_argument("--port", type=positive, default=8765, help="port to listen on")
    viz.set_defaults(handler=cmd_viz)


def cmd_viz(args: argparse.Namespace) -> int:
    """Serve the SolaraViz app."""
    try:
        from sim.viz import serve
    except ImportError:
        raise CommandError(
            "the viz extra is not installed: pip install 'alliance-sim[viz]'"
        ) from None
    return serve(args.host, args.port)
