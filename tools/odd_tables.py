"""Regenerate the tables of docs/ODD.md that derive from the registries.

``python tools/odd_tables.py --write`` rewrites, between their markers, the channel parameter
table (:func:`sim.model.channels.parameter_table`) and the stage parameter table
(:func:`sim.model.stages.parameter_table`); without ``--write`` it only checks and exits 1 when
the ODD has drifted from the code (``tests/test_odd_tables.py`` does the same).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path

from sim.model import channels, stages

ODD = Path(__file__).resolve().parents[1] / "docs" / "ODD.md"
TABLES: dict[str, Callable[[], str]] = {
    "channel-parameters": channels.parameter_table,
    "stage-parameters": stages.parameter_table,
}
"""Marker name -> the function that generates the table between ``<!-- NAME:start/end -->``."""


def regenerated(text: str) -> str:
    """Return ``text`` with every generated table replaced by the code's current one."""
    lines = text.split("\n")
    for name, table in TABLES.items():
        start, end = f"<!-- {name}:start -->", f"<!-- {name}:end -->"
        if lines.count(start) != 1 or lines.count(end) != 1:
            raise SystemExit(f"{ODD}: needs one line {start} and one line {end}")
        i, j = lines.index(start), lines.index(end)
        lines[i + 1 : j] = table().split("\n")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Check (or with ``--write`` rewrite) the generated tables; return the exit code."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--write", action="store_true", help="rewrite docs/ODD.md in place")
    args = parser.parse_args(argv)
    text = ODD.read_text(encoding="utf-8")
    new = regenerated(text)
    if args.write:
        if new != text:
            ODD.write_text(new, encoding="utf-8")
        return 0
    if new != text:
        print(f"{ODD} has drifted from the registries: run python tools/odd_tables.py --write")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
