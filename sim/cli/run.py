"""``alliance-sim run``: run a scenario and write its tables, manifest, plots and report."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from sim import bundled
from sim.cli.common import (
    EXIT_OK,
    CommandError,
    add_allow_outside,
    date,
    rounds,
    seed,
    status,
)
from sim.output import jobs

if TYPE_CHECKING:
    from sim.cli.common import Verbs
    from sim.common.manifests import RunManifest
    from sim.model.timeline import Timeline
    from sim.output.plotting import PlotFormat
    from sim.output.workers import FigureProcess


def add_run(verbs: Verbs) -> None:
    """Add the ``run`` verb."""
    run = verbs.add_parser(
        "run",
        help="run a scenario and write results and plots",
        description="Run a scenario (the bundled default when none is given), write the result "
        "tables, manifest and plots, and print the results directory as the last line.",
    )
    run.add_argument(
        "scenario",
        nargs="?",
        type=bundled.resolve_scenario,
        default=None,
        help="scenario YAML file or bundled name (default: un_2022; see `alliance-sim scenarios`)",
    )
    run.add_argument("--seed", type=seed, help="random seed (default: the scenario's seed)")
    run.add_argument("--rounds", type=rounds, help="run only the first N rounds (default: all)")
    run.add_argument(
        "--until",
        type=date,
        metavar="DATE",
        help="dated agendas: run the voting days up to DATE (YYYY-MM-DD)",
    )
    run.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="PATH=VALUE",
        help="override a scenario value, e.g. parameters.trade_weight=0.5 or "
        "countries.CHN.domestic_pressure=0.3 (repeatable)",
    )
    run.add_argument(
        "--out", type=Path, help="results directory (default: results/<scenario>/<timestamp>)"
    )
    run.add_argument("--force", action="store_true", help="replace a non-empty --out directory")
    run.add_argument("--no-plots", action="store_true", help="write tables only (no report)")
    run.add_argument("--no-report", action="store_true", help="no report.html")
    run.add_argument("--svg", action="store_true", help="plots as SVG instead of PNG")
    run.add_argument("--quiet", action="store_true", help="no progress messages")
    add_allow_outside(run)
    run.set_defaults(handler=cmd_run)


def cmd_run(args: argparse.Namespace) -> int:
    """Run the scenario with a figure process importing the drawing code meanwhile."""
    from sim.output.workers import FigureProcess

    # the figure code is imported in a forked process while this one runs the scenario
    with FigureProcess(None if args.no_plots else jobs.warm) as figures:
        return _run(args, figures)


def _run(args: argparse.Namespace, figures: FigureProcess) -> int:
    from sim.common.files import check_output_dir, command_line, default_out_dir
    from sim.experiments.runs import simulate_and_write
    from sim.scenario.loading import load_scenario

    loaded = load_scenario(
        args.scenario or bundled.default_scenario(), args.set, allow_outside=args.allow_outside
    )
    chosen_seed = loaded.scenario.seed if args.seed is None else args.seed
    out = args.out or default_out_dir(bundled.RESULTS_ROOT, loaded.scenario.name)
    check_output_dir(out, args.force)
    status(args, "running the scenario")
    fmt: PlotFormat = "svg" if args.svg else "png"

    def decorate(staging: Path, manifest: RunManifest) -> None:
        # the manifest is in staging already; the report draws the plots it finds missing
        if args.no_report:
            status(args, f"drawing plots ({fmt})")
            figures.call(jobs.run_plots, staging, fmt)
        else:
            status(args, f"drawing plots ({fmt}) and writing report.html")
            figures.call(jobs.report, staging, fmt=fmt)

    model, written = simulate_and_write(
        out,
        loaded,
        chosen_seed,
        rounds=lambda timeline: rounds_to_run(timeline, args.rounds, args.until),
        note=lambda line: print(f"note: {line}", file=sys.stderr),
        decorate=None if args.no_plots else decorate,
        force=args.force,
        command=command_line(),
    )
    for record in model.record.votes:
        counts = {
            w: int((record.votes == c).sum())
            for c, w in enumerate(("absent", "yes", "abstain", "no"))
        }
        print(
            f"round {record.round} {record.resolution.id}: yes {counts['yes']}, "
            f"no {counts['no']}, abstain {counts['abstain']}, absent {counts['absent']}"
        )
    print(written)
    return EXIT_OK


def rounds_to_run(timeline: Timeline, rounds: int | None, until: dt.date | None) -> int:
    """Return how many rounds to run (all, ``--rounds N`` or ``--until DATE``), or refuse."""
    if rounds is not None and until is not None:
        raise CommandError("give --rounds or --until, not both")
    if until is not None:
        if not timeline.dated:
            raise CommandError("--until needs a dated agenda (a date on every agenda item)")
        chosen = timeline.rounds_until(until)
        if chosen == 0:
            raise CommandError(f"--until {until}: nothing is voted on by then")
        return chosen
    if rounds is not None and rounds > timeline.rounds:
        raise CommandError(
            f"--rounds {rounds}: the agenda has {timeline.rounds} round(s); rounds "
            f"{timeline.rounds + 1}-{rounds} would have nothing to vote on"
        )
    return timeline.rounds if rounds is None else rounds
