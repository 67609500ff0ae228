"""Command line: ``alliance-sim`` (also ``python -m sim``), a thin adapter over the library.

Each verb lives in a module of this package beside its arguments (``run``, ``results``:
plot, explain, compare, report, export; ``empirical``: validate, ablate, backtest, calibrate;
``sweep``; ``app``: scenarios, viz): an ``add_<verb>(verbs)`` function adds its parser and a
``cmd_<verb>(args)`` handler parses, calls the library and prints where results went. Bad
input (scenario files, overrides, results directories) exits with code 2 and one line naming
the file and the field; nothing is written.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence

from sim import __version__
from sim.cli import app, empirical, results, run, sweep, world
from sim.cli.common import (
    EXIT_BAD_INPUT,
    EXIT_INTERRUPTED,
    EXIT_OK,
    CommandError,
)

__all__ = ["EXIT_BAD_INPUT", "EXIT_INTERRUPTED", "EXIT_OK", "CommandError", "build_parser", "main"]

MAX_ERROR_CHARS = 300
"""Longest error line printed (input is never echoed back in full)."""

VERBS = (
    run.add_run,
    results.add_plot,
    results.add_explain,
    empirical.add_validate,
    empirical.add_ablate,
    empirical.add_backtest,
    empirical.add_calibrate,
    world.add_world,
    sweep.add_sweep,
    results.add_compare,
    results.add_report,
    results.add_export,
    app.add_scenarios,
    app.add_viz,
)
"""Every verb's ``add_<verb>``, in the order ``--help`` lists them."""


def build_parser() -> argparse.ArgumentParser:
    """Build the argument parser for every verb."""
    parser = argparse.ArgumentParser(
        prog="alliance-sim",
        description="Agent-based simulation of how states line up at the UN General Assembly.",
    )
    parser.add_argument("--version", action="version", version=f"alliance-sim {__version__}")
    verbs = parser.add_subparsers(dest="verb", required=True, metavar="VERB")
    for add in VERBS:
        add(verbs)
    return parser


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
    except RecursionError:  # before Exception, which it is a kind of
        _error("input nested too deeply")
        return EXIT_BAD_INPUT
    except OSError as exc:  # a file system refusal not foreseen: one line, not a trace
        where = f"{exc.filename}: " if exc.filename else ""
        _error(f"{where}{exc.strerror or exc}")
        return EXIT_BAD_INPUT
    except Exception as exc:
        if not _bad_input(exc):
            raise
        _error(str(exc))
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
        ("sim.scenario.errors", "ScenarioError"),
        ("sim.common.files", "ResultsError"),
    ):
        loaded = sys.modules.get(module)
        if loaded is not None:
            kinds.append(getattr(loaded, name))
    return isinstance(exc, tuple(kinds))
