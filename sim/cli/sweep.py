"""``alliance-sim sweep``: run a parameter sweep (or resume one), then its plots and report."""

from __future__ import annotations

import argparse
import shutil
from pathlib import Path
from typing import TYPE_CHECKING

from sim import bundled
from sim.cli.common import EXIT_INTERRUPTED, EXIT_OK, CommandError, positive, status
from sim.output import jobs

if TYPE_CHECKING:
    from sim.cli.common import Verbs
    from sim.output.workers import FigureProcess


def add_sweep(verbs: Verbs) -> None:
    """Add the ``sweep`` verb."""
    sweep = verbs.add_parser(
        "sweep",
        help="run a parameter sweep (or resume one)",
        description="Run every design point x replicate of a sweep file on an executor, "
        "streaming runs to DIR as they finish; --resume DIR runs only what is missing. "
        "Prints the sweep directory as the last line.",
    )
    sweep.add_argument(
        "file",
        nargs="?",
        type=bundled.resolve_sweep,
        help="sweep YAML file or bundled name (quick)",
    )
    sweep.add_argument("--resume", type=Path, metavar="DIR", help="finish an interrupted sweep")
    sweep.add_argument(
        "--executor",
        choices=("process", "serial", "dask"),
        default="process",
        help="where runs execute (default: a process pool)",
    )
    sweep.add_argument("--workers", type=positive, help="worker processes (default: CPUs)")
    sweep.add_argument("--scheduler", help="dask scheduler address (with --executor dask)")
    sweep.add_argument(
        "--out", type=Path, help="sweep directory (default results/sweeps/<name>/<time>)"
    )
    sweep.add_argument("--force", action="store_true", help="replace a non-empty --out directory")
    sweep.add_argument("--quiet", action="store_true", help="no progress bar")
    sweep.add_argument("--no-report", action="store_true", help="no report.html")
    sweep.set_defaults(handler=cmd_sweep)


def cmd_sweep(args: argparse.Namespace) -> int:
    """Run the sweep with a figure process importing the drawing code meanwhile."""
    from sim.output.workers import FigureProcess

    # the figure code is imported in a forked process while this one runs the sweep
    with FigureProcess(jobs.warm) as figures:
        return _sweep(args, figures)


def _sweep(args: argparse.Namespace, figures: FigureProcess) -> int:
    from sim.common.files import timestamp
    from sim.experiments.executors import missing_dask
    from sim.experiments.runner import (
        execute_sweep,
        mark_plots_drawn,
        plots_drawn,
        start_sweep,
        sweep_lock,
    )
    from sim.experiments.spec import load_sweep
    from sim.output.index import read_index

    if args.executor == "dask" and (missing := missing_dask()):
        raise CommandError(missing)
    if args.resume is not None:
        if args.file is not None:
            raise CommandError("give a sweep FILE or --resume DIR, not both")
        out = args.resume
    elif args.file is None:
        raise CommandError("give a sweep FILE (or --resume DIR)")
    else:
        from sim.common.files import safe_component

        name = safe_component(load_sweep(args.file).spec.name)
        out = args.out or bundled.RESULTS_ROOT / "sweeps" / name / timestamp()
        start_sweep(args.file, out, force=args.force)
    with sweep_lock(out):
        try:
            counts = execute_sweep(
                out,
                executor=args.executor,
                workers=args.workers,
                scheduler=args.scheduler,
                quiet=args.quiet,
            )
            if read_index(out / "plots") is None or not plots_drawn(out):
                status(args, "drawing sweep plots")
                # redrawn whole after a kill in the middle of drawing, which may have left a
                # worker's temporary file behind
                shutil.rmtree(out / "plots", ignore_errors=True)
                figures.call(jobs.sweep_plots, out)
                mark_plots_drawn(out)
            if not args.no_report:
                status(args, "writing report.html")
                figures.call(jobs.report, out)
        except KeyboardInterrupt:
            print(
                "interrupted; finished runs are kept. Resume with: "
                f"alliance-sim sweep --resume {out}"
            )
            return EXIT_INTERRUPTED
    print(
        f"{counts['runs']} runs ({counts['ran']} run now): {counts['ok']} ok, "
        f"{counts['failed']} failed"
    )
    print(out)
    return EXIT_OK
