"""What every verb shares: exit codes, the one user error, argument types, progress lines."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from sim import bundled
from sim.scenario.limits import MAX_ROUNDS  # no imports: --help stays without pydantic

if TYPE_CHECKING:
    from rich.console import Console

    Verbs = argparse._SubParsersAction[argparse.ArgumentParser]
    """What ``add_subparsers`` returns: each verb module adds its parser to it."""

EXIT_OK = 0
EXIT_BAD_INPUT = 2
EXIT_INTERRUPTED = 130
"""Exit code after Ctrl-C (128 + SIGINT, as shells report it)."""
MAX_SEED = 2**63 - 1
MAX_REPLICATES = 1000
"""Most seeds a validate, ablate, backtest or calibrate run may ask for."""
MAX_BUDGET = 100_000
"""Most model evaluations a calibration may ask for."""


class CommandError(Exception):
    """A problem with what the user asked for; printed as one line, exit code 2."""


def status(args: argparse.Namespace, message: str) -> None:
    """One progress line on stderr (stdout keeps the results; --quiet silences it)."""
    if not getattr(args, "quiet", False):
        print(f"{message} ...", file=sys.stderr, flush=True)


def stderr_console() -> Console:
    """Return a rich console on stderr: progress is not output (on stdout it left a blank line)."""
    from rich.console import Console

    return Console(stderr=True)


def add_allow_outside(parser: argparse.ArgumentParser) -> None:
    """Add ``--allow-outside`` (a scenario may read files outside its folder)."""
    parser.add_argument(
        "--allow-outside",
        action="store_true",
        help="let the scenario read CSV tables and parameters_file outside its own folder",
    )


def add_record_arguments(parser: argparse.ArgumentParser) -> None:
    """Add a scenario, ``--record`` and ``--resolution`` (the verbs that score a record)."""
    parser.add_argument(
        "scenario", type=bundled.resolve_scenario, help="scenario YAML file or name"
    )
    parser.add_argument("--record", type=Path, required=True, help="recorded roll call (CSV)")
    parser.add_argument("--resolution", required=True, help="resolution id on the agenda")
    parser.add_argument(
        "--set", action="append", default=[], metavar="PATH=VALUE", help="override a value"
    )
    add_allow_outside(parser)


def date(text: str) -> dt.date:
    """Argument type: an ISO date ``YYYY-MM-DD``."""
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a date YYYY-MM-DD, got {text[:40]!r}") from None


def bounded(text: str, low: int, high: int) -> int:
    """Return ``text`` as a whole number in ``[low, high]``, or refuse it."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a whole number, got {text[:40]!r}") from None
    if value < low:
        raise argparse.ArgumentTypeError(f"must be at least {low}, got {value}")
    if value > high:
        raise argparse.ArgumentTypeError(f"must be at most {high}, got {value}")
    return value


def seed(text: str) -> int:
    """Argument type: a seed in ``[0, 2**63 - 1]``."""
    return bounded(text, 0, MAX_SEED)


def rounds(text: str) -> int:
    """Argument type: a round count in ``[1, MAX_ROUNDS]`` (the scenario schema's bound)."""
    return bounded(text, 1, MAX_ROUNDS)


def positive(text: str) -> int:
    """Argument type: a positive whole number (workers, a port)."""
    return bounded(text, 1, 1_000_000)


def replicates(text: str) -> int:
    """Argument type: seeds to run, at most :data:`MAX_REPLICATES`."""
    return bounded(text, 1, MAX_REPLICATES)


def budget(text: str) -> int:
    """Argument type: model evaluations, at most :data:`MAX_BUDGET`."""
    return bounded(text, 1, MAX_BUDGET)
