"""Verbs that read results directories: ``plot``, ``explain``, ``compare`` and ``report``."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from sim import bundled
from sim.cli.common import EXIT_OK, CommandError, rounds, status

if TYPE_CHECKING:
    from sim.cli.common import Verbs
    from sim.output.plotting import PlotFormat


def add_plot(verbs: Verbs) -> None:
    """Add the ``plot`` verb."""
    plot = verbs.add_parser(
        "plot",
        help="redraw the plots of a run or sweep directory",
        description="Redraw every plot "
        "of a run or sweep directory from its stored tables into DIR/plots.",
    )
    plot.add_argument("results", type=Path, metavar="DIR")
    plot.add_argument("--svg", action="store_true", help="SVG instead of PNG")
    plot.add_argument("--quiet", action="store_true", help="no progress messages")
    plot.set_defaults(handler=cmd_plot)


def cmd_plot(args: argparse.Namespace) -> int:
    """Redraw a run's or a sweep's plots from its tables."""
    from sim.common.manifests import manifest_kind
    from sim.common.tables import load_run
    from sim.output.plots import draw_run_plots

    if manifest_kind(args.results) == "sweep":
        return _plot_sweep(args)
    results = load_run(args.results)  # refused before anything is said or drawn
    fmt: PlotFormat = "svg" if args.svg else "png"
    status(args, f"drawing plots ({fmt}) into {args.results / 'plots'}")
    for path in draw_run_plots(results, args.results / "plots", fmt):
        print(path)
    return EXIT_OK


def _plot_sweep(args: argparse.Namespace) -> int:
    """Redraw a sweep's plots (PNG) from its stored tables, as a finished sweep drew them."""
    from sim.output.sweep_plots import draw_sweep_plots

    if args.svg:
        raise CommandError(f"{args.results}: sweep plots are drawn as PNG only; drop --svg")
    status(args, f"drawing sweep plots into {args.results / 'plots'}")
    for path in draw_sweep_plots(args.results):
        print(path)
    return EXIT_OK


def add_explain(verbs: Verbs) -> None:
    """Add the ``explain`` verb."""
    explain = verbs.add_parser(
        "explain",
        help="show the channel contributions behind a country's votes",
        description="Print, for each vote of a country in a run, every channel's contribution "
        "to its net support, the abstention band, the vote and the channel that decided it.",
    )
    explain.add_argument("results", type=Path, metavar="DIR")
    explain.add_argument("--country", required=True, help="country id, e.g. PRK")
    explain.add_argument("--resolution", help="resolution id (default: every resolution)")
    explain.add_argument("--round", type=rounds, help="only this round")
    explain.set_defaults(handler=cmd_explain)


def cmd_explain(args: argparse.Namespace) -> int:
    """Print the channel contributions behind a country's votes."""
    from sim.common.tables import load_run
    from sim.output.explain import explain_votes

    print(explain_votes(load_run(args.results), args.country, args.resolution, args.round))
    return EXIT_OK


def add_export(verbs: Verbs) -> None:
    """Add the ``export`` verb."""
    export = verbs.add_parser(
        "export",
        help="write every table of a run or sweep as CSV",
        description="Write each Parquet table of a results directory (run, sweep, backtest, "
        "comparison) as CSV into a new folder (default DIR/csv), atomically; prints the folder.",
    )
    export.add_argument("results", type=Path, metavar="DIR")
    export.add_argument("--format", choices=("csv",), default="csv", help="(default: csv)")
    export.add_argument("--out", type=Path, help="output folder (default: DIR/<format>)")
    export.add_argument("--force", action="store_true", help="replace a non-empty --out folder")
    export.set_defaults(handler=cmd_export)


def cmd_export(args: argparse.Namespace) -> int:
    """Write every table of a results directory as CSV."""
    from sim.output.export import export_tables

    print(export_tables(args.results, args.format, args.out, force=args.force))
    return EXIT_OK


def add_compare(verbs: Verbs) -> None:
    """Add the ``compare`` verb."""
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
    compare.set_defaults(handler=cmd_compare)


def cmd_compare(args: argparse.Namespace) -> int:
    """Compare two runs vote by vote, or two sweeps outcome by outcome."""
    from sim.common.files import timestamp
    from sim.common.manifests import manifest_kind
    from sim.common.tables import load_sweep_results
    from sim.experiments.analysis import compare_summaries
    from sim.output.compare import different_bases, summary_columns, write_comparison

    kinds = (manifest_kind(args.a), manifest_kind(args.b))
    if kinds == ("run", "run"):
        return _compare_runs(args)
    if "run" in kinds:
        raise CommandError(f"compare two runs or two sweeps, not a {kinds[0]} and a {kinds[1]}")
    a, b = load_sweep_results(args.a), load_sweep_results(args.b)
    differ = different_bases(a.manifest, b.manifest)
    if differ and not args.allow_different_worlds:
        raise CommandError(differ)
    table, shared, outcomes = compare_summaries(a, b, args.outcome or None)
    out = args.out or bundled.RESULTS_ROOT / "compare" / timestamp()
    names = (a.manifest.sweep.name, b.manifest.sweep.name)
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
    out = args.out or bundled.RESULTS_ROOT / "compare" / timestamp()
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


def add_report(verbs: Verbs) -> None:
    """Add the ``report`` verb."""
    report = verbs.add_parser(
        "report",
        help="write DIR/report.html for a run or a sweep",
        description="Write a single self-contained HTML page (no server, no network) with the "
        "manifest, every plot with a reading guide and the key tables.",
    )
    report.add_argument("results", type=Path, metavar="DIR")
    report.add_argument("--svg", action="store_true", help="embed a run's plots as SVG")
    report.set_defaults(handler=cmd_report)


def cmd_report(args: argparse.Namespace) -> int:
    """Write the report page of a results directory."""
    from sim.output.report import write_report

    fmt: PlotFormat = "svg" if args.svg else "png"
    print(write_report(args.results, fmt=fmt))
    return EXIT_OK
