"""Each UN member's absences from the General Assembly's recorded roll calls of 2017-2019.

Reads Voeten's roll-call data (as packaged by the R package ``unvotes`` 0.3.0, converted to
Parquet under ``shared/reference/unvotes``) and writes, for each of the 193 members of 2022, how
many of the recorded plenary roll calls of sessions 72-74 (1 November 2017 to 27 December
2019, the last three sessions in the data) it missed, and how many there were, into the
scenario's ``countries.csv`` as ``absence_prior_missed``, ``absence_prior_roll_calls``,
``absence_prior_date`` (the last roll call counted: the counts inform only later votes) and
``absence_prior_source``. A member with no row on a roll call was absent or not voting
(``shared/reference/unvotes/README.md``); every member of 2022 was a member throughout these
sessions. Roll calls that are also records of the scenario's own history (``--exclude``, the
Ukraine texts of these sessions) are left out, so that no absence is counted twice when the
model pools the two (:class:`sim.model.absence.AbsenceHistory`).

A dated predictor of absence (issue 20, item 7): small and poor delegations miss votes
habitually (Panke 2014), and the data end more than two years before the 2022 votes.

Run from the repository root::

    python tools/absence_rates.py --reference ../shared/reference

Only the four ``absence_prior*`` columns of ``countries.csv`` are written (added or
replaced); every other cell is kept as it is. The output is deterministic.
"""

from __future__ import annotations

import csv
import io
import sys
from pathlib import Path

import pandas as pd
from _shared import REPO, alpha2_to_iso3, member_codes, reference_parser

from sim.common.files import atomic_write
from sim.empirical.world_data import symbol_of
from sim.scenario.records import symbol_key

DEFAULT_COUNTRIES = REPO / "scenarios" / "un_2022" / "countries.csv"
FIRST_SESSION, LAST_SESSION = 72, 74
EXCLUDE = ("A/RES/72/190", "A/RES/73/194", "A/RES/73/263", "A/RES/74/17", "A/RES/74/168")
"""The scenario's history records in these sessions (``scenarios/un_2022.yaml``), compared by
resolution symbol whichever way Voeten writes it (``R/73/194`` or ``A/RES/74/17``)."""
COLUMNS = (
    "absence_prior_missed",
    "absence_prior_roll_calls",
    "absence_prior_date",
    "absence_prior_source",
)
SOURCE = (
    "Voeten (2013) UNGA roll-call data (Harvard Dataverse hdl:1902.1/12379) via R package "
    "unvotes 0.3.0 (Robinson 2021): recorded plenary roll calls of sessions {first}-{last} "
    "({start} to {end}, {n} roll calls, the scenario's Ukraine records excluded) with no row "
    "for the member; computed by tools/absence_rates.py"
)


def absences(reference: Path, exclude: tuple[str, ...] = EXCLUDE) -> tuple[pd.DataFrame, str]:
    """Count each member's missed roll calls over sessions 72-74.

    Parameters
    ----------
    reference : Path
        The ``shared/reference`` folder (member list and ``unvotes/``).
    exclude : tuple of str
        Symbols of roll calls to leave out (``A/RES/73/194`` and ``R/73/194`` are the same).

    Returns
    -------
    table : pandas.DataFrame
        Index ISO3 (the 193 members, sorted); columns ``missed``, ``roll_calls`` and ``date``
        (the last roll call counted: the counts inform only votes after it).
    source : str
        The source text, with the sessions, dates and number of roll calls.
    """
    un_dir = reference / "unvotes"
    calls = pd.read_parquet(un_dir / "un_roll_calls.parquet")
    calls = calls[calls["session"].between(FIRST_SESSION, LAST_SESSION)]
    left_out = {symbol_key(symbol_of(e, 0)) for e in exclude}
    pairs = zip(calls["unres"], calls["rcid"], strict=True)
    calls = calls[[symbol_key(symbol_of(u, int(r))) not in left_out for u, r in pairs]]
    votes = pd.read_parquet(un_dir / "un_votes.parquet")
    votes = votes[votes["rcid"].isin(calls["rcid"])]
    codes = {c: alpha2_to_iso3(c) for c in votes["country_code"].drop_duplicates()}
    unknown = sorted(c for c, iso in codes.items() if iso is None)
    if unknown:
        raise ValueError(f"alpha-2 codes without ISO3: {unknown}")
    members = member_codes(reference)
    cast = votes["country_code"].map(codes).value_counts()
    extra = sorted(set(cast.index) - set(members))
    if extra:
        raise ValueError(f"voters that are not 2022 members: {extra}")
    n = len(calls)
    dates = pd.to_datetime(calls["date"])
    table = pd.DataFrame(
        {
            "missed": [n - int(cast.get(m, 0)) for m in members],
            "roll_calls": n,
            "date": dates.max().date().isoformat(),
        },
        index=members,
    )
    source = SOURCE.format(
        first=FIRST_SESSION,
        last=LAST_SESSION,
        start=dates.min().date().isoformat(),
        end=dates.max().date().isoformat(),
        n=n,
    )
    return table, source


def write_columns(path: Path, table: pd.DataFrame, source: str) -> str:
    """Return ``countries.csv`` with the ``absence_prior*`` columns added or replaced."""
    with path.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    if not rows:
        raise ValueError(f"{path}: no rows")
    fields = [f for f in rows[0] if f not in COLUMNS] + list(COLUMNS)
    missing = sorted({r["id"] for r in rows} - set(table.index))
    if missing:
        raise ValueError(f"{path}: countries without a count: {missing}")
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=fields, lineterminator="\n")
    writer.writeheader()
    for row in rows:
        row["absence_prior_missed"] = str(int(table.loc[row["id"], "missed"]))
        row["absence_prior_roll_calls"] = str(int(table.loc[row["id"], "roll_calls"]))
        row["absence_prior_date"] = str(table.loc[row["id"], "date"])
        row["absence_prior_source"] = source
        writer.writerow(row)
    return out.getvalue()


def main(argv: list[str] | None = None) -> int:
    """Write the counts into ``countries.csv`` (``--countries``) and print the most absent."""
    parser = reference_parser(__doc__ or "", "--countries", DEFAULT_COUNTRIES)
    args = parser.parse_args(argv)
    table, source = absences(args.reference)
    text = write_columns(args.countries, table, source)
    atomic_write(args.countries, text)
    share = (table["missed"] / table["roll_calls"]).sort_values(ascending=False)
    print(
        f"wrote {args.countries}; most absent: "
        + ", ".join(f"{iso} {s:.2f}" for iso, s in share.head(15).items())
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
