"""Command line: ``alliance-sim`` (also ``python -m sim``), a thin adapter over the library.

Each verb parses its arguments, calls one library function and prints where results went.
Bad input (scenario files, overrides, results directories) exits with code 2 and one line
naming the file and the field; nothing is written.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sim import __version__
from sim.bundled import RESULTS_ROOT, bundled_scenarios, default_scenario, scenarios_dir

if TYPE_CHECKING:
    from sim.output.plotting import PlotFormat

EXIT_OK = 0
EXIT_BAD_INPUT = 2


class CommandError(Exception):
    """A problem with what the user asked for; printed as one line, exit code 2."""


def _cmd_run(args: argparse.Namespace) -> int:
    import numpy as np

    from sim.common.files import check_output_dir, command_line, default_out_dir
    from sim.experiments.runs import write_run
    from sim.model.model import run_scenario
    from sim.model.scenario import load_scenario

    loaded = load_scenario(args.scenario or default_scenario(), args.set)
    seed = loaded.scenario.seed if args.seed is None else args.seed
    out = args.out or default_out_dir(RESULTS_ROOT, loaded.scenario.name)
    check_output_dir(out, args.force)
    model = run_scenario(loaded.scenario, rng=np.random.default_rng(seed), rounds=args.rounds)
    fmt: PlotFormat = "svg" if args.svg else "png"

    def decorate(staging: Path, manifest: dict[str, Any]) -> None:
        from sim.common.tables import load_run
        from sim.output.plots import draw_run_plots

        draw_run_plots(load_run(staging, manifest=manifest), staging / "plots", fmt)
        if not args.no_report:
            from sim.output.report import write_report

            write_report(staging, fmt=fmt)

    written = write_run(
        out,
        loaded,
        model,
        seed,
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


def _cmd_plot(args: argparse.Namespace) -> int:
    from sim.common.tables import load_run
    from sim.output.plots import draw_run_plots

    results = load_run(args.results)
    fmt: PlotFormat = "svg" if args.svg else "png"
    for path in draw_run_plots(results, args.results / "plots", fmt):
        print(path)
    return EXIT_OK


def _cmd_explain(args: argparse.Namespace) -> int:
    from sim.common.tables import load_run
    from sim.output.explain import explain_votes

    results = load_run(args.results)
    text = explain_votes(results, args.country, args.resolution, args.round)
    print(text)
    return EXIT_OK


def _cmd_validate(args: argparse.Namespace) -> int:
    import json

    from sim.empirical.validate import format_report, validate
    from sim.model.scenario import load_scenario

    loaded = load_scenario(args.scenario, args.set)
    report = validate(loaded.scenario, args.record, args.resolution, args.replicates)
    print(json.dumps(report, indent=2) if args.json else format_report(report))
    return EXIT_OK


def _cmd_calibrate(args: argparse.Namespace) -> int:
    from rich.progress import Progress

    from sim.common.files import timestamp
    from sim.empirical.calibrate import calibrate, parse_bounds, write_parameters_file
    from sim.model.scenario import load_scenario

    loaded = load_scenario(args.scenario, args.set)
    bounds = parse_bounds(args.fit)
    out = args.out or RESULTS_ROOT / "calibration" / f"{loaded.scenario.name}-{timestamp()}.yaml"
    if out.exists() and not args.force:
        raise CommandError(f"{out}: exists (use --force to replace it)")
    with Progress(disable=args.quiet, transient=True) as bar:
        task = bar.add_task("calibrating", total=args.budget)
        fit = calibrate(
            loaded.scenario,
            args.record,
            args.resolution,
            bounds=bounds,
            budget=args.budget,
            seed=args.search_seed,
            progress=lambda done: bar.update(task, completed=done),
        )
    written = write_parameters_file(
        out,
        fit,
        scenario_path=loaded.path,
        record_path=args.record,
        resolution=args.resolution,
        budget=args.budget,
        seed=args.search_seed,
        force=args.force,
    )
    print(
        f"start: accuracy {fit.start_score['accuracy']:.3f}, kappa {fit.start_score['kappa']:.3f}"
    )
    print(
        f"best after {fit.evaluations} evaluations: accuracy {fit.score['accuracy']:.3f}, "
        f"kappa {fit.score['kappa']:.3f}"
    )
    for name, value in fit.parameters.items():
        print(f"  {name} = {value:g}")
    print(written)
    return EXIT_OK


def _cmd_sweep(args: argparse.Namespace) -> int:
    from sim.common.files import timestamp
    from sim.experiments.runner import execute_sweep, start_sweep
    from sim.experiments.spec import load_sweep
    from sim.output.plotting import read_index
    from sim.output.sweep_plots import draw_sweep_plots

    if args.resume is not None:
        if args.file is not None:
            raise CommandError("give a sweep FILE or --resume DIR, not both")
        out = args.resume
    elif args.file is None:
        raise CommandError("give a sweep FILE (or --resume DIR)")
    else:
        name = load_sweep(args.file).spec.name
        out = args.out or RESULTS_ROOT / "sweeps" / name / timestamp()
        start_sweep(args.file, out, force=args.force)
    try:
        counts = execute_sweep(
            out,
            executor=args.executor,
            workers=args.workers,
            scheduler=args.scheduler,
            quiet=args.quiet,
        )
    except KeyboardInterrupt:
        print(
            f"interrupted; finished runs are kept. Resume with: alliance-sim sweep --resume {out}"
        )
        return 130
    if read_index(out / "plots") is None:
        draw_sweep_plots(out)
    if not args.no_report:
        from sim.output.report import write_report

        write_report(out)
    print(
        f"{counts['runs']} runs ({counts['ran']} run now): {counts['ok']} ok, "
        f"{counts['failed']} failed"
    )
    print(out)
    return EXIT_OK


def _cmd_compare(args: argparse.Namespace) -> int:
    from sim.common.files import timestamp
    from sim.common.tables import load_sweep_results
    from sim.experiments.analysis import compare_summaries
    from sim.output.compare import summary_columns, write_comparison

    a, b = load_sweep_results(args.a), load_sweep_results(args.b)
    table, shared, outcomes = compare_summaries(a, b, args.outcome or None)
    out = args.out or RESULTS_ROOT / "compare" / timestamp()
    names = (a["manifest"]["sweep"]["name"], b["manifest"]["sweep"]["name"])
    write_comparison(out, table, shared, outcomes, names, force=args.force)
    print(table[summary_columns(shared)].to_string(index=False, float_format=lambda v: f"{v:.3f}"))
    print(out)
    return EXIT_OK


def _cmd_report(args: argparse.Namespace) -> int:
    from sim.output.report import write_report

    fmt: PlotFormat = "svg" if args.svg else "png"
    print(write_report(args.results, fmt=fmt))
    return EXIT_OK


def _cmd_scenarios(args: argparse.Namespace) -> int:
    from sim.model.scenario import load_scenario

    print(f"bundled scenarios in {scenarios_dir()}:")
    for name in bundled_scenarios():
        scenario = load_scenario(scenarios_dir() / f"{name}.yaml").scenario
        description = " ".join(scenario.description.split())
        if len(description) > 70:
            description = description[:67] + "..."
        print(f"  {name:<14} {len(scenario.countries):>4} countries  {description}")
    return EXIT_OK


def _cmd_viz(args: argparse.Namespace) -> int:
    try:
        from sim.viz import serve
    except ImportError:
        raise CommandError("the viz extra is not installed: pip install -e '.[viz]'") from None
    return serve(args.host, args.port)


def _existing_dir(text: str) -> Path:
    return Path(text)


def build_parser() -> argparse.ArgumentParser:
    """Build the argument parser for every verb."""
    parser = argparse.ArgumentParser(
        prog="alliance-sim",
        description="Agent-based simulation of how states line up at the UN General Assembly.",
    )
    parser.add_argument("--version", action="version", version=f"alliance-sim {__version__}")
    verbs = parser.add_subparsers(dest="verb", required=True, metavar="VERB")

    run = verbs.add_parser(
        "run",
        help="run a scenario and write results and plots",
        description="Run a scenario (the bundled default when none is given), write the result "
        "tables, manifest and plots, and print the results directory as the last line.",
    )
    run.add_argument(
        "scenario",
        nargs="?",
        type=Path,
        default=None,
        help="scenario YAML file (default: the bundled un_2022; see `alliance-sim scenarios`)",
    )
    run.add_argument("--seed", type=int, help="random seed (default: the scenario's seed)")
    run.add_argument("--rounds", type=_positive, help="rounds to run (default: the scenario's)")
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
    run.set_defaults(handler=_cmd_run)

    plot = verbs.add_parser(
        "plot",
        help="redraw the plots of a results directory",
        description="Redraw every plot "
        "of a results directory from its stored tables into DIR/plots.",
    )
    plot.add_argument("results", type=_existing_dir, metavar="DIR")
    plot.add_argument("--svg", action="store_true", help="SVG instead of PNG")
    plot.set_defaults(handler=_cmd_plot)

    explain = verbs.add_parser(
        "explain",
        help="show the channel contributions behind a country's votes",
        description="Print, for each vote of a country in a run, every channel's contribution "
        "to its net support, the abstention band, the vote and the channel that decided it.",
    )
    explain.add_argument("results", type=_existing_dir, metavar="DIR")
    explain.add_argument("--country", required=True, help="country id, e.g. PRK")
    explain.add_argument("--resolution", help="resolution id (default: every resolution)")
    explain.add_argument("--round", type=_positive, help="only this round")
    explain.set_defaults(handler=_cmd_explain)

    validate = verbs.add_parser(
        "validate",
        help="compare a simulated vote with a recorded roll call",
        description="Run the scenario (N seeds; modal vote per country) and report accuracy, "
        "accuracy with absent merged into abstain, Cohen's kappa, the confusion matrix, "
        "tallies, every miss with its channel contributions, and the all-majority baseline.",
    )
    _record_arguments(validate)
    validate.add_argument(
        "--replicates", type=_positive, default=1, help="seeds to run (default 1: the scenario's)"
    )
    validate.add_argument("--json", action="store_true", help="print one JSON object")
    validate.set_defaults(handler=_cmd_validate)

    calibrate = verbs.add_parser(
        "calibrate",
        help="fit the global weights to a recorded roll call",
        description="Fit at most 8 global weights (never a country attribute) by a Latin "
        "hypercube then a compass search, maximising accuracy (ties: kappa), and write a "
        "parameters file the scenario can include with parameters_file:.",
    )
    _record_arguments(calibrate)
    calibrate.add_argument("--budget", type=_positive, default=300, help="model evaluations")
    calibrate.add_argument(
        "--fit",
        action="append",
        default=[],
        metavar="NAME[=LOW:HIGH]",
        help="a weight to fit (repeatable; default: the 6 channel weights and the band)",
    )
    calibrate.add_argument("--search-seed", type=int, default=0, help="seed of the search")
    calibrate.add_argument(
        "--out",
        type=Path,
        help="parameters file (default results/calibration/<scenario>-<time>.yaml)",
    )
    calibrate.add_argument("--force", action="store_true", help="replace an existing --out file")
    calibrate.add_argument("--quiet", action="store_true", help="no progress bar")
    calibrate.set_defaults(handler=_cmd_calibrate)

    sweep = verbs.add_parser(
        "sweep",
        help="run a parameter sweep (or resume one)",
        description="Run every design point x replicate of a sweep file on an executor, "
        "streaming runs to DIR as they finish; --resume DIR runs only what is missing. "
        "Prints the sweep directory as the last line.",
    )
    sweep.add_argument("file", nargs="?", type=Path, help="sweep YAML file")
    sweep.add_argument("--resume", type=Path, metavar="DIR", help="finish an interrupted sweep")
    sweep.add_argument(
        "--executor",
        choices=("process", "serial", "dask"),
        default="process",
        help="where runs execute (default: a process pool)",
    )
    sweep.add_argument("--workers", type=_positive, help="worker processes (default: CPUs)")
    sweep.add_argument("--scheduler", help="dask scheduler address (with --executor dask)")
    sweep.add_argument(
        "--out", type=Path, help="sweep directory (default results/sweeps/<name>/<time>)"
    )
    sweep.add_argument("--force", action="store_true", help="replace a non-empty --out directory")
    sweep.add_argument("--quiet", action="store_true", help="no progress bar")
    sweep.add_argument("--no-report", action="store_true", help="no report.html")
    sweep.set_defaults(handler=_cmd_sweep)

    compare = verbs.add_parser(
        "compare",
        help="compare the outcomes of two sweeps",
        description="Line up two finished sweeps on their shared parameters and outcomes: "
        "both means, the difference B - A with a 95%% Welch interval, a table and plots.",
    )
    compare.add_argument("a", type=Path, metavar="DIR_A")
    compare.add_argument("b", type=Path, metavar="DIR_B")
    compare.add_argument("--outcome", action="append", default=[], help="outcome(s) to compare")
    compare.add_argument(
        "--out", type=Path, help="output directory (default results/compare/<time>)"
    )
    compare.add_argument("--force", action="store_true", help="replace a non-empty --out directory")
    compare.set_defaults(handler=_cmd_compare)

    report = verbs.add_parser(
        "report",
        help="write DIR/report.html for a run or a sweep",
        description="Write a single self-contained HTML page (no server, no network) with the "
        "manifest, every plot with a reading guide and the key tables.",
    )
    report.add_argument("results", type=_existing_dir, metavar="DIR")
    report.add_argument("--svg", action="store_true", help="embed a run's plots as SVG")
    report.set_defaults(handler=_cmd_report)

    scenarios = verbs.add_parser(
        "scenarios",
        help="list the bundled scenarios",
        description="List the scenarios bundled with the package, with where they are.",
    )
    scenarios.set_defaults(handler=_cmd_scenarios)

    viz = verbs.add_parser(
        "viz",
        help="open the interactive SolaraViz app (needs the viz extra)",
        description="Serve the Mesa SolaraViz app: pick a scenario, set the weights with "
        "sliders, step or play rounds. Same as `solara run app.py`.",
    )
    viz.add_argument("--host", default="127.0.0.1", help="address to listen on")
    viz.add_argument("--port", type=_positive, default=8765, help="port to listen on")
    viz.set_defaults(handler=_cmd_viz)
    return parser


def _record_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("scenario", type=Path, help="scenario YAML file")
    parser.add_argument("--record", type=Path, required=True, help="recorded roll call (CSV)")
    parser.add_argument("--resolution", required=True, help="resolution id on the agenda")
    parser.add_argument(
        "--set", action="append", default=[], metavar="PATH=VALUE", help="override a value"
    )


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a whole number, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {value}")
    return value


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit code (2 for bad input)."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse exits 2 on usage errors and 0 for --help
        return int(exc.code or 0)
    handler: Callable[[argparse.Namespace], int] = args.handler
    try:
        return handler(args)
    except BrokenPipeError:  # output piped into e.g. `head`, which stopped reading
        sys.stderr.close()
        return EXIT_OK
    except Exception as exc:
        if not _bad_input(exc):
            raise
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT


def _bad_input(exc: Exception) -> bool:
    """Whether ``exc`` reports bad input: ``ScenarioError``, ``ResultsError``, ``CommandError``.

    Looked up among the modules already imported, so that ``--help`` and bad arguments do not
    pay for importing numpy, pyarrow and pydantic: an error class not yet imported cannot have
    been raised.
    """
    kinds: list[type[Exception]] = [CommandError]
    for module, name in (
        ("sim.model.scenario", "ScenarioError"),
        ("sim.common.files", "ResultsError"),
    ):
        loaded = sys.modules.get(module)
        if loaded is not None:
            kinds.append(getattr(loaded, name))
    return isinstance(exc, tuple(kinds))


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
