"""Command line: ``alliance-sim`` (also ``python -m sim``), a thin adapter over the library.

Each verb parses its arguments, calls one library function and prints where results went.
Bad input (scenario files, overrides, results directories) exits with code 2 and one line
naming the file and the field; nothing is written.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import shutil
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sim import __version__
from sim.bundled import RESULTS_ROOT, bundled_scenarios, default_scenario, scenarios_dir

if TYPE_CHECKING:
    from sim.model.scenario import Scenario
    from sim.model.timeline import Timeline
    from sim.output.plotting import PlotFormat
    from sim.output.workers import FigureProcess

EXIT_OK = 0
EXIT_BAD_INPUT = 2
EXIT_INTERRUPTED = 130
"""Exit code after Ctrl-C (128 + SIGINT, as shells report it)."""
MAX_ERROR_CHARS = 300
"""Longest error line printed (input is never echoed back in full)."""
MAX_SEED = 2**63 - 1
MAX_ROUNDS = 1000


class CommandError(Exception):
    """A problem with what the user asked for; printed as one line, exit code 2."""


def _cmd_run(args: argparse.Namespace) -> int:
    from sim.output.workers import FigureProcess

    # the figure code is imported in a forked process while this one runs the scenario
    with FigureProcess(() if args.no_plots else FIGURE_MODULES) as figures:
        return _run(args, figures)


FIGURE_MODULES = ("sim.output.plots", "sim.output.report")
"""What a command that draws figures imports in its :class:`FigureProcess` (matplotlib,
pandas, jinja2)."""


def _run(args: argparse.Namespace, figures: FigureProcess) -> int:
    import numpy as np

    from sim.common.files import check_output_dir, command_line, default_out_dir
    from sim.experiments.runs import write_run
    from sim.model.model import run_scenario
    from sim.model.scenario import load_scenario
    from sim.model.world import build_world

    loaded = load_scenario(
        args.scenario or default_scenario(), args.set, allow_outside=args.allow_outside
    )
    seed = loaded.scenario.seed if args.seed is None else args.seed
    out = args.out or default_out_dir(RESULTS_ROOT, loaded.scenario.name)
    check_output_dir(out, args.force)
    _status(args, "running the scenario")
    world = build_world(loaded.scenario)
    rounds = _rounds_to_run(world.timeline, args.rounds, args.until)
    for note in _timeline_notes(loaded.scenario, world.timeline, rounds):
        print(f"note: {note}", file=sys.stderr)
    model = run_scenario(
        loaded.scenario, rng=np.random.default_rng(seed), rounds=rounds, world=world
    )
    fmt: PlotFormat = "svg" if args.svg else "png"

    def decorate(staging: Path, manifest: dict[str, Any]) -> None:
        # the manifest is in staging already; the report draws the plots it finds missing
        if args.no_report:
            _status(args, f"drawing plots ({fmt})")
            figures.call("sim.output.plots:redraw_run_plots", staging, fmt)
        else:
            _status(args, f"drawing plots ({fmt}) and writing report.html")
            figures.call("sim.output.report:write_report", staging, fmt=fmt)

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


def _rounds_to_run(timeline: Timeline, rounds: int | None, until: dt.date | None) -> int:
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


def _timeline_notes(scenario: Scenario, timeline: Timeline, rounds: int) -> list[str]:
    """Return what a run leaves out: empty rounds, resolutions after the last round run."""
    notes = []
    empty = timeline.empty_rounds(rounds)
    if empty:
        notes.append(f"round(s) {', '.join(map(str, empty))} have nothing on the agenda")
    left = [
        scenario.agenda[i].id
        for r in range(rounds + 1, timeline.rounds + 1)
        for i in timeline.agenda.get(r, ())
    ]
    if left:
        notes.append(f"not voted on, after round {rounds}: {', '.join(dict.fromkeys(left))}")
    return notes


def _cmd_plot(args: argparse.Namespace) -> int:
    from sim.common.files import read_manifest
    from sim.common.tables import load_run
    from sim.output.plots import draw_run_plots

    if read_manifest(args.results).get("kind") == "sweep":
        return _plot_sweep(args)
    results = load_run(args.results)
    fmt: PlotFormat = "svg" if args.svg else "png"
    _status(args, f"drawing plots ({fmt}) into {args.results / 'plots'}")
    for path in draw_run_plots(results, args.results / "plots", fmt):
        print(path)
    return EXIT_OK


def _plot_sweep(args: argparse.Namespace) -> int:
    """Redraw a sweep's plots (PNG) from its stored tables, as a finished sweep drew them."""
    from sim.output.sweep_plots import draw_sweep_plots

    if args.svg:
        raise CommandError(f"{args.results}: sweep plots are drawn as PNG only; drop --svg")
    _status(args, f"drawing sweep plots into {args.results / 'plots'}")
    for path in draw_sweep_plots(args.results):
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
    from sim.empirical.validate import format_report, validate
    from sim.model.scenario import load_scenario

    loaded = load_scenario(args.scenario, args.set, allow_outside=args.allow_outside)
    report = validate(loaded.scenario, args.record, args.resolution, args.replicates)
    print(json.dumps(report, indent=2) if args.json else format_report(report))
    return EXIT_OK


def _cmd_ablate(args: argparse.Namespace) -> int:
    from sim.empirical.ablate import ablate, format_ablation
    from sim.model.scenario import load_scenario

    loaded = load_scenario(args.scenario, args.set, allow_outside=args.allow_outside)
    report = ablate(loaded.scenario, args.record, args.resolution, args.replicates)
    print(json.dumps(report, indent=2) if args.json else format_ablation(report))
    return EXIT_OK


def _cmd_backtest(args: argparse.Namespace) -> int:
    from rich.progress import Progress

    from sim.common.files import command_line, default_out_dir
    from sim.empirical.backtest import DEFAULT_CUTOFF, backtest
    from sim.model.scenario import load_scenario
    from sim.output.backtest import write_backtest

    loaded = load_scenario(args.scenario, args.set, allow_outside=args.allow_outside)
    cutoff = args.cutoff or DEFAULT_CUTOFF
    out = args.out or default_out_dir(RESULTS_ROOT / "backtest", loaded.scenario.name)
    with Progress(
        disable=args.json or args.calibrate is None, transient=True, console=_stderr_console()
    ) as bar:
        task = bar.add_task("calibrating", total=args.calibrate or 0)
        result = backtest(
            loaded.scenario,
            cutoff,
            args.replicates,
            calibration_budget=args.calibrate,
            progress=lambda done: bar.update(task, completed=done),
        )
    meta = {
        "scenario": {
            "name": loaded.scenario.name,
            "path": str(loaded.path),
            "sha256": loaded.sha256,
        },
        "cutoff": cutoff.isoformat(),
        "replicates": args.replicates,
        "weights": result.weights,
        "parameters": result.parameters,
        "command": command_line(),
    }
    written = write_backtest(out, result.rows, meta, force=args.force)
    if args.json:
        print(json.dumps({**meta, "out": str(written), "rows": result.rows}, indent=2))
        return EXIT_OK
    print(
        f"{'resolution':<12} {'date':<10} {'model':>15} {'persistence':>11} {'all yes':>8} "
        f"{'no F1':>6}  tallies simulated (recorded) yes/abstain/no/absent"
    )
    for row in result.rows:
        sim, rec = row["tallies"], row["recorded_tallies"]
        tallies = "/".join(f"{sim[w]:.0f}({rec[w]})" for w in ("yes", "abstain", "no", "absent"))
        print(
            f"{row['resolution']:<12} {row['date']:<10} "
            f"{row['accuracy_mean']:.3f} +/- {row['accuracy_sd']:.3f} "
            f"{row['persistence_accuracy']:>11.3f} {row['all_yes_accuracy']:>8.3f} "
            f"{row['no_f1_mean']:>6.3f}  {tallies}"
        )
    beaten = sum(r["accuracy_mean"] > r["persistence_accuracy"] for r in result.rows)
    print(
        f"model beats persistence on {beaten} of {len(result.rows)} votes after {cutoff} "
        f"({args.replicates} seeds; weights: {result.weights})"
    )
    print(written)
    return EXIT_OK


def _stderr_console() -> Any:
    """Return a rich console on stderr: progress is not output (on stdout it left a blank line)."""
    from rich.console import Console

    return Console(stderr=True)


def _cmd_calibrate(args: argparse.Namespace) -> int:
    from rich.progress import Progress

    from sim.common.files import safe_component, timestamp
    from sim.empirical.calibrate import calibrate, parse_bounds, write_parameters_file
    from sim.model.scenario import load_scenario

    loaded = load_scenario(args.scenario, args.set, allow_outside=args.allow_outside)
    bounds = parse_bounds(args.fit)
    name = safe_component(loaded.scenario.name)
    out = args.out or RESULTS_ROOT / "calibration" / f"{name}-{timestamp()}.yaml"
    if out.exists() and not args.force:
        raise CommandError(f"{out}: exists (use --force to replace it)")
    with Progress(disable=args.quiet, transient=True, console=_stderr_console()) as bar:
        task = bar.add_task("calibrating", total=args.budget)
        fit = calibrate(
            loaded.scenario,
            args.record,
            args.resolution,
            bounds=bounds,
            budget=args.budget,
            seed=args.search_seed,
            replicates=args.replicates,
            progress=lambda done: bar.update(task, completed=done),
            method=args.method,
        )
    for fitted, (low, high) in fit.widened.items():
        print(
            f"note: {fitted}: searched {low:g}:{high:g}, widened to include the scenario's "
            f"value {fit.start_parameters[fitted]:g}",
            file=sys.stderr,
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
        replicates=args.replicates,
        method=args.method,
    )
    print(
        f"start: accuracy {fit.start_score['accuracy']:.3f}, kappa {fit.start_score['kappa']:.3f}"
        f" (means over {args.replicates} seeds)"
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
    from sim.output.workers import FigureProcess

    # the figure code is imported in a forked process while this one runs the sweep
    with FigureProcess(FIGURE_MODULES) as figures:
        return _sweep(args, figures)


def _sweep(args: argparse.Namespace, figures: FigureProcess) -> int:
    from sim.common.files import now_iso, read_manifest, timestamp, write_json
    from sim.experiments.executors import missing_dask
    from sim.experiments.runner import execute_sweep, start_sweep, sweep_lock
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
        out = args.out or RESULTS_ROOT / "sweeps" / name / timestamp()
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
            manifest = read_manifest(out)
            if read_index(out / "plots") is None or "plots_drawn" not in manifest:
                _status(args, "drawing sweep plots")
                # redrawn whole after a kill in the middle of drawing, which can leave a
                # figure's temporary file behind
                shutil.rmtree(out / "plots", ignore_errors=True)
                figures.call("sim.output.sweep_plots:draw_sweep_plots", out)
                write_json(out / "manifest.json", {**manifest, "plots_drawn": now_iso()})
            if not args.no_report:
                _status(args, "writing report.html")
                figures.call("sim.output.report:write_report", out)
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


def _cmd_compare(args: argparse.Namespace) -> int:
    from sim.common.files import read_manifest, timestamp
    from sim.common.tables import load_sweep_results
    from sim.experiments.analysis import compare_summaries
    from sim.output.compare import different_bases, summary_columns, write_comparison

    kinds = (read_manifest(args.a).get("kind"), read_manifest(args.b).get("kind"))
    if kinds == ("run", "run"):
        return _compare_runs(args)
    if "run" in kinds:
        raise CommandError(f"compare two runs or two sweeps, not a {kinds[0]} and a {kinds[1]}")
    a, b = load_sweep_results(args.a), load_sweep_results(args.b)
    differ = different_bases(a["manifest"], b["manifest"])
    if differ and not args.allow_different_worlds:
        raise CommandError(differ)
    table, shared, outcomes = compare_summaries(a, b, args.outcome or None)
    out = args.out or RESULTS_ROOT / "compare" / timestamp()
    names = (a["manifest"]["sweep"]["name"], b["manifest"]["sweep"]["name"])
    write_comparison(out, table, shared, outcomes, names, force=args.force)
    print(table[summary_columns(shared)].to_string(index=False, float_format=lambda v: f"{v:.3f}"))
    print(out)
    return EXIT_OK


def _compare_runs(args: argparse.Namespace) -> int:
    from sim.common.files import timestamp
    from sim.common.tables import load_run
    from sim.output.compare import different_countries
    from sim.output.run_compare import write_run_comparison

    if args.outcome:
        raise CommandError("--outcome applies to sweeps; two runs are compared vote by vote")
    out = args.out or RESULTS_ROOT / "compare" / timestamp()
    a, b = load_run(args.a), load_run(args.b)
    differ = different_countries(a["countries"]["country"], b["countries"]["country"])
    if differ and not args.allow_different_worlds:
        raise CommandError(differ)
    written, table = write_run_comparison(out, a, b, force=args.force)
    if table.empty:
        print("no vote changed between the two runs")
    else:
        shown = table[["round", "resolution", "country", "vote_a", "vote_b", "moved_by", "shift"]]
        print(shown.to_string(index=False, float_format=lambda v: f"{v:+.3f}"))
    print(written)
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
    run.add_argument("--seed", type=_seed, help="random seed (default: the scenario's seed)")
    run.add_argument("--rounds", type=_rounds, help="run only the first N rounds (default: all)")
    run.add_argument(
        "--until",
        type=_date,
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
    _allow_outside(run)
    run.set_defaults(handler=_cmd_run)

    plot = verbs.add_parser(
        "plot",
        help="redraw the plots of a run or sweep directory",
        description="Redraw every plot "
        "of a run or sweep directory from its stored tables into DIR/plots.",
    )
    plot.add_argument("results", type=_existing_dir, metavar="DIR")
    plot.add_argument("--svg", action="store_true", help="SVG instead of PNG")
    plot.add_argument("--quiet", action="store_true", help="no progress messages")
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
    explain.add_argument("--round", type=_rounds, help="only this round")
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
        "--replicates",
        type=_replicates,
        default=10,
        help="seeds to run; scores are means +/- sd over them (default 10)",
    )
    validate.add_argument("--json", action="store_true", help="print one JSON object")
    validate.set_defaults(handler=_cmd_validate)

    ablate = verbs.add_parser(
        "ablate",
        help="leave one channel out: accuracy and the states that change, per channel",
        description="Switch each weighted channel off in turn (same seeds) and report the "
        "accuracy against the record (mean +/- sd over replicates) and the states whose modal "
        "vote changes.",
    )
    _record_arguments(ablate)
    ablate.add_argument("--replicates", type=_replicates, default=10, help="seeds (default 10)")
    ablate.add_argument("--json", action="store_true", help="print one JSON object")
    ablate.set_defaults(handler=_cmd_ablate)

    backtest = verbs.add_parser(
        "backtest",
        help="score every recorded vote after a cutoff against persistence and all-yes",
        description="Rolling-origin evaluation: weights from the scenario (or --calibrate on "
        "the records up to the cutoff); every recorded vote in the scenario's history after "
        "the cutoff is simulated with every earlier record known, and scored (seed mean +/- "
        "sd) next to persistence (each state repeats its latest vote on the issue) and "
        "all-yes. Writes backtest.parquet, a plot and report.html; prints the results "
        "directory as the last line.",
    )
    backtest.add_argument("scenario", type=Path, help="a dated scenario with a history")
    backtest.add_argument(
        "--cutoff", type=_date, metavar="DATE", help="last date calibration may see (2022-03-02)"
    )
    backtest.add_argument("--replicates", type=_replicates, default=10, help="seeds (default 10)")
    backtest.add_argument(
        "--calibrate",
        type=_budget,
        metavar="BUDGET",
        help="refit the weights on the latest record up to the cutoff (BUDGET evaluations)",
    )
    backtest.add_argument(
        "--set", action="append", default=[], metavar="PATH=VALUE", help="override a value"
    )
    backtest.add_argument("--json", action="store_true", help="print one JSON document")
    backtest.add_argument(
        "--out", type=Path, help="output directory (default results/backtest/<scenario>/<time>)"
    )
    backtest.add_argument("--force", action="store_true", help="replace a non-empty --out")
    _allow_outside(backtest)
    backtest.set_defaults(handler=_cmd_backtest)

    calibrate = verbs.add_parser(
        "calibrate",
        help="fit the global weights to a recorded roll call",
        description="Fit at most 8 global weights (never a country attribute) by a Latin "
        "hypercube (or differential evolution) then a compass search, maximising accuracy "
        "(ties: kappa), and write a parameters file the scenario can include with "
        "parameters_file:.",
    )
    _record_arguments(calibrate)
    calibrate.add_argument("--budget", type=_budget, default=300, help="model evaluations")
    calibrate.add_argument(
        "--fit",
        action="append",
        default=[],
        metavar="NAME[=LOW:HIGH]",
        help="a weight to fit (repeatable; default: the channels on by default and the band)",
    )
    calibrate.add_argument("--search-seed", type=_seed, default=0, help="seed of the search")
    calibrate.add_argument(
        "--method",
        choices=("compass", "evolution"),
        default="compass",
        help="global phase: a Latin hypercube on half the budget (compass, the default) or "
        "differential evolution (evolution); both end with a compass search",
    )
    calibrate.add_argument(
        "--replicates",
        type=_replicates,
        default=3,
        help="model seeds per evaluation; the objective is their mean accuracy (default 3)",
    )
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
        help="compare two runs (vote by vote) or two sweeps (outcome by outcome)",
        description="Two runs: every vote that differs (state, resolution, both votes) and the "
        "channel that moved it, as a table, a plot and report.html. Two sweeps: line them up "
        "on their shared parameters and outcomes: both means, the difference B - A with a 95% "
        "Welch interval, a table and plots.",
    )
    compare.add_argument("a", type=Path, metavar="DIR_A")
    compare.add_argument("b", type=Path, metavar="DIR_B")
    compare.add_argument("--outcome", action="append", default=[], help="outcome(s) to compare")
    compare.add_argument(
        "--out", type=Path, help="output directory (default results/compare/<time>)"
    )
    compare.add_argument("--force", action="store_true", help="replace a non-empty --out directory")
    compare.add_argument(
        "--allow-different-worlds",
        action="store_true",
        help="compare runs of different country sets, or sweeps of different base scenarios",
    )
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
    _allow_outside(parser)


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a date YYYY-MM-DD, got {text[:40]!r}") from None


def _allow_outside(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--allow-outside",
        action="store_true",
        help="let the scenario read CSV tables and parameters_file outside its own folder",
    )


def _status(args: argparse.Namespace, message: str) -> None:
    """One progress line on stderr (stdout keeps the results; --quiet silences it)."""
    if not getattr(args, "quiet", False):
        print(f"{message} ...", file=sys.stderr, flush=True)


def _bounded(text: str, low: int, high: int) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a whole number, got {text[:40]!r}") from None
    if value < low:
        raise argparse.ArgumentTypeError(f"must be at least {low}, got {value}")
    if value > high:
        raise argparse.ArgumentTypeError(f"must be at most {high}, got {value}")
    return value


def _seed(text: str) -> int:
    return _bounded(text, 0, MAX_SEED)


def _rounds(text: str) -> int:
    return _bounded(text, 1, MAX_ROUNDS)


def _positive(text: str) -> int:
    return _bounded(text, 1, 1_000_000)


MAX_REPLICATES = 1000
"""Most seeds a validate, ablate, backtest or calibrate run may ask for."""
MAX_BUDGET = 100_000
"""Most model evaluations a calibration may ask for."""


def _replicates(text: str) -> int:
    return _bounded(text, 1, MAX_REPLICATES)


def _budget(text: str) -> int:
    return _bounded(text, 1, MAX_BUDGET)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit code (2 for bad input)."""
    parser = build_parser()
    argv = list(sys.argv[1:] if argv is None else argv)
    for text in argv:
        if "\0" in text:
            _error("an argument contains a NUL byte")
            return EXIT_BAD_INPUT
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
    except KeyboardInterrupt:  # Ctrl-C: results are published whole or not at all
        print("interrupted; nothing more was written", file=sys.stderr)
        return EXIT_INTERRUPTED
    except Exception as exc:
        if not _bad_input(exc):
            raise
        _error(str(exc))
        return EXIT_BAD_INPUT
    except RecursionError:
        _error("input nested too deeply")
        return EXIT_BAD_INPUT
    except OSError as exc:  # a file system refusal not foreseen above: one line, not a trace
        where = f"{exc.filename}: " if exc.filename else ""
        _error(f"{where}{exc.strerror or exc}")
        return EXIT_BAD_INPUT


def _error(message: str) -> None:
    """Print one ``error:`` line of at most :data:`MAX_ERROR_CHARS` characters."""
    line = " ".join(f"error: {message}".split())
    if len(line) > MAX_ERROR_CHARS:
        line = line[: MAX_ERROR_CHARS - 3] + "..."
    print(line, file=sys.stderr)


def _bad_input(exc: Exception) -> bool:
    """Whether ``exc`` reports bad input: ``ScenarioError``, ``ResultsError``, ``CommandError``.

    Looked up among the modules already imported, so that ``--help`` and bad arguments do not
    pay for importing numpy, pyarrow and pydantic: an error class not yet imported cannot have
    been raised.
    """
    kinds: list[type[Exception]] = [CommandError]
    for module, name in (
        ("sim.model.errors", "ScenarioError"),
        ("sim.common.files", "ResultsError"),
    ):
        loaded = sys.modules.get(module)
        if loaded is not None:
            kinds.append(getattr(loaded, name))
    return isinstance(exc, tuple(kinds))


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
