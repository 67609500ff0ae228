"""The ``world`` verbs: build a dated scenario from the datasets, score a session against it."""

from __future__ import annotations

import argparse
import datetime as dt
import os
import re
from pathlib import Path
from typing import TYPE_CHECKING

from sim import bundled
from sim.cli.common import EXIT_OK, MAX_BUDGET, CommandError, bounded, replicates, seed

if TYPE_CHECKING:
    from sim.cli.common import Verbs

DATA_FOLDER = Path(__file__).resolve().parents[2] / "data"
"""The repository's data folder (a source checkout); an installed copy needs ``--data``."""


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text[:40]!r}") from None


NAME_PATTERN = re.compile(r"[A-Za-z0-9_\-]{1,64}")
"""A built world's ``--name``: letters, digits, ``_`` and ``-`` (as a country id), at most 64."""


MAX_ALSO = 4
"""Most other worlds ``world fit --also`` fits at once (each adds a whole session per candidate)."""


def world_name(text: str) -> str:
    """Argument type: a scenario name of :data:`NAME_PATTERN` (it is written into YAML)."""
    if NAME_PATTERN.fullmatch(text) is None:
        raise argparse.ArgumentTypeError(
            f"must be 1 to 64 letters, digits, '_' or '-', got {text[:40]!r}"
        )
    return text


def fit_budget(text: str) -> int:
    """Argument type: a session fit's model evaluations, 2 (the start and one more) or more."""
    return bounded(text, 2, MAX_BUDGET)


MAX_STARTS = 10
"""Most searches ``world fit --starts`` runs (each one a whole fit)."""


def starts(text: str) -> int:
    """Argument type: how many searches ``world fit`` runs, 1 to :data:`MAX_STARTS`."""
    return bounded(text, 1, MAX_STARTS)


def add_world(verbs: Verbs) -> None:
    """Add ``world build``, ``world score`` and ``world fit``."""
    world = verbs.add_parser(
        "world",
        help="build a dated world from the field's datasets; score a session on one, or fit "
        "global weights to one",
        description="Build a dated scenario folder from UN votes, ATOP, TSS and COW IGO, "
        "score a simulated session against its recorded roll calls, or fit a few global "
        "weights to one session's records (to score another).",
    )
    sub = world.add_subparsers(dest="world_verb", required=True, metavar="{build,score,fit}")
    build = sub.add_parser(
        "build",
        help="write the scenario folder of a date",
        description="Write countries, "
        "ties, history, parameters and agenda known before --date, with SOURCES.md.",
    )
    build.add_argument("--date", type=_date, required=True, help="the world's date, YYYY-MM-DD")
    build.add_argument("--out", type=Path, required=True, help="the folder to write")
    build.add_argument("--data", type=Path, default=None, help="data folder (default: data/)")
    build.add_argument(
        "--name",
        type=world_name,
        default=None,
        help="scenario name: letters, digits, _ and - (default world_<date>)",
    )
    build.add_argument("--force", action="store_true", help="replace a non-empty --out")
    build.set_defaults(handler=cmd_world_build)
    score = sub.add_parser(
        "score",
        help="score a built world's session",
        description="Simulate the agenda and "
        "score it against the folder's records/: agreement correlation, accuracy, baselines.",
    )
    score.add_argument(
        "scenario", type=bundled.resolve_scenario, help="a built world's YAML, or a bundled name"
    )
    score.add_argument(
        "--folder",
        type=Path,
        default=None,
        help="folder with records/ and "
        "history/ (default: the YAML's folder, or <yaml stem>/ beside it)",
    )
    score.add_argument(
        "--seeds", type=replicates, default=3, help="replicate seeds (default 3, at most 1000)"
    )
    score.add_argument(
        "--parameters",
        default=None,
        metavar="FILE",
        help="score with this parameters file instead of the one the YAML names (a path "
        "relative to the YAML's folder, inside it; e.g. a `world fit --mechanisms` result)",
    )
    score.add_argument(
        "--allow-outside",
        action="store_true",
        help="let the scenario's tables and --parameters lie outside its folder",
    )
    score.set_defaults(handler=cmd_world_score)
    _add_fit(sub)


def _add_fit(sub: Verbs) -> None:
    """Add ``world fit`` to the ``world`` verb's subparsers."""
    fit = sub.add_parser(
        "fit",
        help="fit a few global weights to a built world's session",
        description="Fit global weights to the whole session in the folder's records/ (mean "
        "accuracy over the session, agreement r breaking ties) and write a parameters file. "
        "Fit on one session and score another.",
    )
    fit.add_argument("scenario", type=bundled.resolve_scenario, help="a built world's YAML")
    fit.add_argument("--folder", type=Path, default=None, help="as for `world score`")
    fit.add_argument(
        "--fit",
        action="append",
        default=[],
        metavar="NAME[=LOW:HIGH]",
        help="a weight to fit (repeatable; default: sim.empirical.session.SESSION_FIT)",
    )
    fit.add_argument(
        "--budget", type=fit_budget, default=120, help="model evaluations (default 120)"
    )
    fit.add_argument("--replicates", type=replicates, default=2, help="seeds per evaluation (2)")
    fit.add_argument("--seed", type=seed, default=0, help="seed of the search (default 0)")
    fit.add_argument(
        "--starts",
        type=starts,
        default=1,
        help=f"searches from seeds SEED.. SEED+K-1, the best in-sample kept (1-{MAX_STARTS}; 1)",
    )
    fit.add_argument(
        "--objective",
        choices=("accuracy", "agreement"),
        default="accuracy",
        help="maximise accuracy first (default) or the agreement r first, the other breaking ties",
    )
    fit.add_argument(
        "--mechanisms",
        action="store_true",
        help="fit the mechanisms alone: commitment and prior alignment at 0, no recorded vote "
        "known to the states (default bounds: sim.empirical.session.MECHANISMS_FIT)",
    )
    fit.add_argument(
        "--also",
        action="append",
        default=[],
        type=bundled.resolve_scenario,
        metavar="WORLD",
        help="another built world's YAML whose session is fitted at once (repeatable, at most "
        f"{MAX_ALSO}; the objective is the mean over the sessions; its records/ as for score)",
    )
    fit.add_argument(
        "--out", type=Path, required=True, help="parameters file to write (in an existing folder)"
    )
    fit.add_argument("--force", action="store_true", help="replace an existing --out")
    fit.set_defaults(handler=cmd_world_fit)


def cmd_world_build(args: argparse.Namespace) -> int:
    """Build the world and print where it went."""
    from sim.common.files import check_output_dir
    from sim.empirical.world_build import build_world

    data = args.data or DATA_FOLDER
    if not data.is_dir():
        raise CommandError(f"{data}: no data folder (give --data DIR)")
    check_output_dir(args.out, args.force)  # before the datasets are read (seconds)
    built = build_world(data, args.date, args.out, name=args.name, force=args.force)
    print(", ".join(f"{k} {v}" for k, v in built.counts.items()))
    print(built.yaml)
    return EXIT_OK


def cmd_world_score(args: argparse.Namespace) -> int:
    """Score the session and print the table."""
    from sim.empirical.session import format_session, score_session
    from sim.scenario.loading import load_scenario

    loaded = load_scenario(
        args.scenario, parameters_file=args.parameters, allow_outside=args.allow_outside
    )
    folder = _records_folder(args.scenario, args.folder)
    print(format_session(score_session(loaded.scenario, folder, args.seeds)))
    return EXIT_OK


def _records_folder(scenario: Path, folder: Path | None) -> Path:
    """Return the folder with records/: given, or the scenario's world folder (record_index)."""
    from sim.scenario.record_index import world_folder

    if folder is None:
        return world_folder(scenario)
    if not folder.exists():
        raise CommandError(f"--folder {folder}: no such folder")
    if not folder.is_dir():
        raise CommandError(f"--folder {folder}: not a folder")
    return folder


def check_out_file(out: Path, force: bool) -> None:
    """Refuse a file ``out`` that cannot or must not be written, before any work is done.

    Refused: an existing file unless ``force``; a folder; a parent folder that is missing, a
    file, or cannot be written in. The file itself is written atomically at the end.
    """
    if out.is_dir():
        raise CommandError(f"{out}: is a folder, not a file")
    if out.exists() and not force:
        raise CommandError(f"{out}: exists (use --force to replace it)")
    parent = out.parent
    if not parent.exists():
        ancestor = next((p for p in parent.parents if p.exists()), None)
        if ancestor is not None and not ancestor.is_dir():
            raise CommandError(f"{ancestor}: is a file, not a folder")
        raise CommandError(f"{parent}: no such folder (create it first)")
    if not parent.is_dir():
        raise CommandError(f"{parent}: is a file, not a folder")
    if not os.access(parent, os.W_OK | os.X_OK):
        raise CommandError(f"{parent}: cannot write in this folder")


def cmd_world_fit(args: argparse.Namespace) -> int:
    """Fit the weights to the session, write the parameters file and print the scores."""
    from sim.common.files import atomic_write
    from sim.empirical.calibrate import parse_bounds
    from sim.empirical.session import fit_header, fit_session
    from sim.empirical.world_build import parameters_yaml
    from sim.scenario.loading import load_scenario

    check_out_file(args.out, args.force)
    bounds = parse_bounds(args.fit) if args.fit else None
    if len(args.also) > MAX_ALSO:
        raise CommandError(f"--also: at most {MAX_ALSO} more worlds, got {len(args.also)}")
    loaded = load_scenario(args.scenario)
    folder = _records_folder(args.scenario, args.folder)
    also = [(load_scenario(path).scenario, _records_folder(path, None)) for path in args.also]
    fit = fit_session(
        loaded.scenario,
        folder,
        bounds,
        budget=args.budget,
        replicates=args.replicates,
        seed=args.seed,
        first=args.objective,
        mechanisms=args.mechanisms,
        also=also,
        starts=args.starts,
    )
    header = fit_header(
        fit,
        str(args.scenario),
        args.budget,
        args.replicates,
        args.seed,
        first=args.objective,
        mechanisms=args.mechanisms,
        also=[str(path) for path in args.also],
    )
    atomic_write(args.out, parameters_yaml(fit.parameters, header, start=fit.complete))
    print("\n".join(header))
    print(args.out)
    return EXIT_OK
