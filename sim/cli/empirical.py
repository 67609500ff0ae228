"""Verbs that hold the model against recorded votes: validate, ablate, backtest, calibrate."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from sim import bundled
from sim.cli.common import (
    EXIT_OK,
    CommandError,
    add_allow_outside,
    add_record_arguments,
    bounded,
    budget,
    date,
    replicates,
    seed,
    stderr_console,
)

if TYPE_CHECKING:
    import datetime as dt

    from rich.progress import Progress, TaskID

    from sim.cli.common import Verbs
    from sim.empirical.backtest import Backtest
    from sim.scenario.schema import Scenario


def add_validate(verbs: Verbs) -> None:
    """Add the ``validate`` verb."""
    validate = verbs.add_parser(
        "validate",
        help="compare a simulated vote with a recorded roll call",
        description="Run the scenario (N seeds; modal vote per country) and report accuracy, "
        "accuracy with absent merged into abstain, Cohen's kappa, the confusion matrix, "
        "tallies, every miss with its channel contributions, and the all-majority baseline.",
    )
    add_record_arguments(validate)
    validate.add_argument(
        "--replicates",
        type=replicates,
        default=10,
        help="seeds to run; scores are means +/- sd over them (default 10)",
    )
    validate.add_argument("--json", action="store_true", help="print one JSON object")
    validate.add_argument(
        "--cv",
        type=lambda text: bounded(text, 2, 50),
        metavar="K",
        help="K-fold cross-validation over states: refit the weights and the absence rule on "
        "the other folds, score the held-out states",
    )
    validate.add_argument(
        "--budget", type=budget, default=60, help="with --cv: evaluations per fit (default 60)"
    )
    validate.add_argument(
        "--fit",
        action="append",
        default=[],
        metavar="NAME[=LOW:HIGH]",
        help="with --cv: a weight to refit (repeatable; default the seven of "
        "sim.empirical.crossval.CV_FIT)",
    )
    validate.add_argument(
        "--members",
        type=lambda text: bounded(text, 1, 20),
        default=1,
        help="with --cv: fits per fold (search seeds); held-out votes by their majority",
    )
    validate.add_argument(
        "--penalty",
        type=_penalty,
        default=None,
        help="with --cv: ridge penalty of each fold's objective (default 0: none)",
    )
    validate.add_argument(
        "--search-seed", type=seed, default=0, help="with --cv: seed of the folds and search"
    )
    validate.set_defaults(handler=cmd_validate)


def _penalty(text: str) -> float:
    """Argument type: a finite ridge penalty >= 0."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a number, got {text[:40]!r}") from None
    if not 0.0 <= value < float("inf"):
        raise argparse.ArgumentTypeError(f"must be finite and >= 0, got {value}")
    return value


def cmd_validate(args: argparse.Namespace) -> int:
    """Print the validation report (text or JSON)."""
    from sim.empirical.validate import format_report, validate
    from sim.scenario.loading import load_scenario

    loaded = load_scenario(args.scenario, args.set, allow_outside=args.allow_outside)
    if args.cv is not None:
        return _cross_validate(args, loaded.scenario)
    if args.fit:
        raise CommandError("--fit needs --cv")
    if args.penalty is not None:
        raise CommandError("--penalty needs --cv")
    report = validate(loaded.scenario, args.record, args.resolution, args.replicates)
    print(json.dumps(report.to_json(), indent=2) if args.json else format_report(report))
    return EXIT_OK


def _cross_validate(args: argparse.Namespace, scenario: Scenario) -> int:
    """Print the cross-validation over states (text or JSON)."""
    from sim.empirical.calibrate import parse_bounds
    from sim.empirical.crossval import PENALTY, cross_validate, format_cross_validation
    from sim.empirical.records import agenda_item, read_record

    if args.cv > len(scenario.countries):
        raise CommandError(
            f"--cv {args.cv}: more folds than the scenario's {len(scenario.countries)} "
            "countries (a fold would hold no state)"
        )
    record = read_record(args.record, scenario, args.resolution)
    result = cross_validate(
        scenario,
        record.codes,
        agenda_item(scenario, args.resolution).id,
        folds=args.cv,
        budget=args.budget,
        replicates=args.replicates,
        bounds=parse_bounds(args.fit) if args.fit else None,
        seed=args.search_seed,
        penalty=PENALTY if args.penalty is None else args.penalty,
        members=args.members,
    )
    print(json.dumps(result.to_json(), indent=2) if args.json else format_cross_validation(result))
    return EXIT_OK


def add_ablate(verbs: Verbs) -> None:
    """Add the ``ablate`` verb."""
    ablate = verbs.add_parser(
        "ablate",
        help="leave one channel out: accuracy and the states that change, per channel",
        description="Switch each weighted channel off in turn (same seeds) and report the "
        "accuracy against the record (mean +/- sd over replicates) and the states whose modal "
        "vote changes.",
    )
    add_record_arguments(ablate)
    ablate.add_argument("--replicates", type=replicates, default=10, help="seeds (default 10)")
    ablate.add_argument("--json", action="store_true", help="print one JSON object")
    ablate.set_defaults(handler=cmd_ablate)


def cmd_ablate(args: argparse.Namespace) -> int:
    """Print the leave-one-channel-out table (text or JSON)."""
    from sim.empirical.ablate import ablate, format_ablation
    from sim.scenario.loading import load_scenario

    loaded = load_scenario(args.scenario, args.set, allow_outside=args.allow_outside)
    report = ablate(loaded.scenario, args.record, args.resolution, args.replicates)
    print(json.dumps(report.to_json(), indent=2) if args.json else format_ablation(report))
    return EXIT_OK


def add_backtest(verbs: Verbs) -> None:
    """Add the ``backtest`` verb."""
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
    backtest.add_argument(
        "scenario",
        type=bundled.resolve_scenario,
        help="a dated scenario with a history (file or name)",
    )
    backtest.add_argument(
        "--cutoff", type=date, metavar="DATE", help="last date calibration may see (2022-03-02)"
    )
    backtest.add_argument("--replicates", type=replicates, default=10, help="seeds (default 10)")
    backtest.add_argument(
        "--calibrate",
        type=budget,
        metavar="BUDGET",
        help="refit the weights on the latest record up to the cutoff (BUDGET evaluations)",
    )
    backtest.add_argument(
        "--walk-forward",
        type=budget,
        metavar="BUDGET",
        help="before each vote after the cutoff, refit the weights on every agenda record "
        "dated before it (BUDGET evaluations per refit), then predict it",
    )
    backtest.add_argument(
        "--fit",
        action="append",
        default=[],
        metavar="NAME[=LOW:HIGH]",
        help="with --walk-forward: a weight to refit (repeatable; default: the eight weights "
        "of the shipped fit, quid pro quo without its floor)",
    )
    backtest.add_argument(
        "--search-seed", type=seed, default=0, help="with --walk-forward: seed of the search"
    )
    backtest.add_argument(
        "--objective",
        choices=("accuracy", "brier", "log_loss"),
        default="accuracy",
        help="with --walk-forward: what each refit maximises (default accuracy; brier and "
        "log_loss: minus the proper score of the replicate shares)",
    )
    backtest.add_argument(
        "--set", action="append", default=[], metavar="PATH=VALUE", help="override a value"
    )
    backtest.add_argument("--json", action="store_true", help="print one JSON document")
    backtest.add_argument(
        "--out", type=Path, help="output directory (default results/backtest/<scenario>/<time>)"
    )
    backtest.add_argument("--force", action="store_true", help="replace a non-empty --out")
    add_allow_outside(backtest)
    backtest.set_defaults(handler=cmd_backtest)


def cmd_backtest(args: argparse.Namespace) -> int:
    """Run the backtest, write its directory, print its table (text or JSON)."""
    from rich.progress import Progress

    from sim.common.files import command_line, default_out_dir
    from sim.empirical.backtest import DEFAULT_CUTOFF
    from sim.empirical.forecast import reliability
    from sim.output.backtest import write_backtest
    from sim.scenario.loading import load_scenario

    loaded = load_scenario(args.scenario, args.set, allow_outside=args.allow_outside)
    cutoff = args.cutoff or DEFAULT_CUTOFF
    out = args.out or default_out_dir(bundled.RESULTS_ROOT / "backtest", loaded.scenario.name)
    if args.walk_forward is not None and args.calibrate is not None:
        raise CommandError("--walk-forward and --calibrate: give one of them")
    fitting = args.calibrate or args.walk_forward
    with Progress(
        disable=args.json or fitting is None, transient=True, console=stderr_console()
    ) as bar:
        task = bar.add_task("calibrating", total=fitting or 0)
        result = _run_backtest(args, loaded.scenario, cutoff, bar, task)
    manifest = result.manifest(loaded, command_line())
    curves = {w: reliability(result.forecasts, w) for w in ("model", "persistence")}
    written = write_backtest(out, result.rows, manifest, force=args.force, reliability=curves)
    if args.json:
        meta = {
            k: v for k, v in manifest.dump().items() if k not in ("kind", "created", "versions")
        }
        print(json.dumps({**meta, "out": str(written), "rows": result.rows}, indent=2))
        return EXIT_OK
    _print_backtest(result)
    print(written)
    return EXIT_OK


def _run_backtest(
    args: argparse.Namespace, scenario: Scenario, cutoff: dt.date, bar: Progress, task: TaskID
) -> Backtest:
    """Run the plain, calibrated or walk-forward backtest the arguments ask for."""
    from sim.empirical.backtest import backtest, targets
    from sim.empirical.calibrate import parse_bounds
    from sim.empirical.walkforward import WALK_FORWARD_FIT, walk_forward

    if args.walk_forward is not None:
        bar.update(task, total=args.walk_forward * len(targets(scenario, cutoff)))
        return walk_forward(
            scenario,
            cutoff,
            args.replicates,
            args.walk_forward,
            bounds=parse_bounds(args.fit) if args.fit else dict(WALK_FORWARD_FIT),
            seed=args.search_seed,
            progress=lambda done: bar.update(task, completed=done),
            objective=args.objective,
        )
    if args.fit:
        raise CommandError("--fit needs --walk-forward")
    return backtest(
        scenario,
        cutoff,
        args.replicates,
        calibration_budget=args.calibrate,
        progress=lambda done: bar.update(task, completed=done),
    )


def _print_backtest(result: Backtest) -> None:
    print(
        f"{'resolution':<12} {'date':<10} {'model':>15} {'persistence':>11} {'all yes':>8} "
        f"{'no F1':>6} {'Brier':>5} {'pers.':>5} {'logL':>5} {'pers.':>5}  "
        "tallies simulated (recorded) yes/abstain/no/absent"
    )
    for row in result.rows:
        sim, rec = row["tallies"], row["recorded_tallies"]
        tallies = "/".join(f"{sim[w]:.0f}({rec[w]})" for w in ("yes", "abstain", "no", "absent"))
        print(
            f"{row['resolution']:<12} {row['date']:<10} "
            f"{row['accuracy_mean']:.3f} +/- {row['accuracy_sd']:.3f} "
            f"{row['persistence_accuracy']:>11.3f} {row['all_yes_accuracy']:>8.3f} "
            f"{row['no_f1_mean']:>6.3f} {row['brier_mean']:>5.3f} "
            f"{row['persistence_brier']:>5.3f} {row['log_loss_mean']:>5.3f} "
            f"{row['persistence_log_loss']:>5.3f}  {tallies}"
        )
    beaten = sum(r["accuracy_mean"] > r["persistence_accuracy"] for r in result.rows)
    sharper = sum(r["brier_mean"] < r["persistence_brier"] for r in result.rows)
    print(
        f"model beats persistence on {beaten} (accuracy) and {sharper} (Brier) of "
        f"{len(result.rows)} votes after "
        f"{result.cutoff} ({result.replicates} seeds; weights: {result.weights})"
    )


def add_calibrate(verbs: Verbs) -> None:
    """Add the ``calibrate`` verb."""
    calibrate = verbs.add_parser(
        "calibrate",
        help="fit the global weights to a recorded roll call",
        description="Fit at most 8 global weights (never a country attribute) by a Latin "
        "hypercube (or differential evolution) then a compass search, maximising accuracy "
        "(ties: kappa), and write a parameters file the scenario can include with "
        "parameters_file:.",
    )
    add_record_arguments(calibrate)
    calibrate.add_argument("--budget", type=budget, default=300, help="model evaluations")
    calibrate.add_argument(
        "--fit",
        action="append",
        default=[],
        metavar="NAME[=LOW:HIGH]",
        help="a weight to fit (repeatable; default: the channels on by default and the band)",
    )
    calibrate.add_argument("--search-seed", type=seed, default=0, help="seed of the search")
    calibrate.add_argument(
        "--method",
        choices=("compass", "evolution"),
        default="compass",
        help="global phase: a Latin hypercube on half the budget (compass, the default) or "
        "differential evolution (evolution); both end with a compass search",
    )
    calibrate.add_argument(
        "--replicates",
        type=replicates,
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
    calibrate.set_defaults(handler=cmd_calibrate)


def cmd_calibrate(args: argparse.Namespace) -> int:
    """Fit the weights and write the parameters file."""
    from rich.progress import Progress

    from sim.common.files import safe_component, timestamp
    from sim.empirical.calibrate import calibrate_to_file, parse_bounds
    from sim.scenario.loading import load_scenario

    loaded = load_scenario(args.scenario, args.set, allow_outside=args.allow_outside)
    bounds = parse_bounds(args.fit)
    name = safe_component(loaded.scenario.name)
    out = args.out or bundled.RESULTS_ROOT / "calibration" / f"{name}-{timestamp()}.yaml"
    with Progress(disable=args.quiet, transient=True, console=stderr_console()) as bar:
        task = bar.add_task("calibrating", total=args.budget)
        fit, written = calibrate_to_file(
            loaded,
            args.record,
            args.resolution,
            out,
            bounds=bounds,
            budget=args.budget,
            seed=args.search_seed,
            replicates=args.replicates,
            progress=lambda done: bar.update(task, completed=done),
            method=args.method,
            force=args.force,
        )
    for fitted, (low, high) in fit.widened.items():
        print(
            f"note: {fitted}: searched {low:g}:{high:g}, widened to include the scenario's "
            f"value {fit.start_parameters[fitted]:g}",
            file=sys.stderr,
        )
    print(
        f"start: accuracy {fit.start_score['accuracy']:.3f}, kappa {fit.start_score['kappa']:.3f}"
        f" (means over {args.replicates} seeds)"
    )
    print(
        f"best after {fit.evaluations} evaluations: accuracy {fit.score['accuracy']:.3f}, "
        f"kappa {fit.score['kappa']:.3f}"
    )
    for parameter, value in fit.parameters.items():
        print(f"  {parameter} = {value:g}")
    print(written)
    return EXIT_OK
