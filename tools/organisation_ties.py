"""Co-membership ties between UN members from their dated memberships in organisations.

Reads ``scenarios/un_2022/derived/memberships_2022.csv`` (written by ``memberships_2022.py``
from the organisations' own member lists, each row with its source) and writes the
``organisations`` tie table of the un_2022 scenario: for every organisation and every ordered
pair of its members, one row ``country, partner, weight, kind, date, source`` with

* ``weight`` = 1 / (number of the organisation's members in the table - 1), so that each
  organisation's rows of a member sum to 1 and the organisations channel, which row-normalises
  the summed table, averages a state's organisations (each counts once, whatever its size);
* ``date`` = the later of the two joining dates: the tie counts only for votes after both had
  joined (a year alone is read as 31 December of that year, a month as its last day).

Rules: a membership counts only with a joining date (``joined``) from its source; rows without
one are left out (so the whole Group of 77, whose list is undated, and the members of the AU,
CIS, CSTO and ALBA-TCP whose sources give no date), and so are suspended members. Both are
counted and printed.

Run from the repository root::

    python tools/organisation_ties.py

The output is deterministic: rows sorted by organisation, country and partner.
"""

from __future__ import annotations

import argparse
import calendar
import sys
from pathlib import Path

import pandas as pd
from _shared import DERIVED

DEFAULT_IN = DERIVED / "memberships_2022.csv"
DEFAULT_OUT = DERIVED.parent / "organisations.csv"


def joining_day(text: object) -> str | None:
    """ISO date a membership began, read conservatively (YYYY -> 31 Dec, YYYY-MM -> month end)."""
    if not isinstance(text, str) or not text.strip():
        return None
    parts = text.strip().split("-")
    year = int(parts[0])
    if len(parts) == 1:
        return f"{year:04d}-12-31"
    month = int(parts[1])
    if len(parts) == 2:
        return f"{year:04d}-{month:02d}-{calendar.monthrange(year, month)[1]:02d}"
    return f"{year:04d}-{month:02d}-{int(parts[2]):02d}"


def organisation_ties(memberships: pd.DataFrame) -> tuple[pd.DataFrame, dict[str, int]]:
    """Return the tie rows and, per organisation, how many memberships were left out."""
    table = memberships.assign(day=memberships["joined"].map(joining_day))
    kept = (table["status"] == "member") & table["day"].notna()
    usable = table[kept]
    left_out = table[~kept].groupby("organisation").size()
    rows = []
    for organisation, group in usable.groupby("organisation"):
        if len(group) < 2:
            continue
        weight = round(1.0 / (len(group) - 1), 6)
        members = group.sort_values("iso3").to_dict("records")
        for a in members:
            for b in members:
                if a["iso3"] == b["iso3"]:
                    continue
                rows.append(
                    {
                        "country": a["iso3"],
                        "partner": b["iso3"],
                        "weight": weight,
                        "kind": organisation,
                        "date": max(a["day"], b["day"]),
                        "source": f"co-members of {organisation} (joined {a['day']} and "
                        f"{b['day']}); member lists and dates: derived/memberships_2022.csv, "
                        "tools/organisation_ties.py",
                    }
                )
    ties = pd.DataFrame(rows).sort_values(["kind", "country", "partner"], kind="stable")
    return ties, {str(k): int(v) for k, v in left_out.items()}


def main(argv: list[str] | None = None) -> int:
    """Read the memberships, write the tie table and print what was left out."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--memberships", type=Path, default=DEFAULT_IN)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args(argv)
    ties, left_out = organisation_ties(pd.read_csv(args.memberships, dtype=str))
    ties.to_csv(args.out, index=False, lineterminator="\n")
    print(f"wrote {args.out} ({len(ties)} rows)")
    for organisation, count in sorted(left_out.items()):
        if count:
            print(f"  {organisation}: {count} memberships left out (undated or suspended)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
