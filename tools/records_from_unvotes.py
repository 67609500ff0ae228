"""Write recorded UN General Assembly roll calls on Ukraine as CSV record files.

Two inputs, both read-only under ``shared/reference``:

* Erik Voeten's UNGA roll calls 1946-2019 as packaged by the R package ``unvotes`` 0.3.0
  (D. Robinson), converted to Parquet (``unvotes/``).  Absent members have no row there.
* The shipped roll call of A/RES/ES-11/1 (``A_RES_ES-11_1.csv``, columns ``iso3,name,vote``).

Every record file has one row for each of the 193 members in ``un_members_2022.csv``::

    resolution,date,iso3,name,vote
    A/RES/68/262,2014-03-27,AFG,Afghanistan,absent

with ``vote`` in yes/no/abstain/absent, rows sorted by ``iso3``.  The tallies of every record
are printed next to the officially recorded tallies (UN Digital Library voting records and
DGACM's resolution extracts, see ``scenarios/records/SOURCES.md``); the script exits non-zero if a
written record does not match them.

Example
-------
From the repository root::

    python tools/records_from_unvotes.py --shared ../shared --out scenarios/records
"""

from __future__ import annotations

import argparse
import csv
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from _shared import alpha2_to_iso3, records_parser

VOTES = ("yes", "no", "abstain", "absent")
FIELDS = ("resolution", "date", "iso3", "name", "vote")


@dataclass(frozen=True)
class Resolution:
    """A resolution whose whole-text roll call is to be written.

    Attributes
    ----------
    symbol : str
        Document symbol, e.g. ``A/RES/68/262``.
    date : str
        Date of the vote, ISO format.
    title : str
        Short title of the resolution.
    official : tuple of int
        Recorded tally (yes, no, abstain, non-voting) from the UN Digital Library voting
        record and DGACM's resolution extract.
    """

    symbol: str
    date: str
    title: str
    official: tuple[int, int, int, int]

    @property
    def key(self) -> str:
        """Return the session/number part of the symbol, e.g. ``68/262``."""
        return self.symbol.removeprefix("A/RES/")

    @property
    def filename(self) -> str:
        """Return the record file name, e.g. ``A_RES_68_262.csv``."""
        return self.symbol.replace("/", "_") + ".csv"


UNVOTES_RESOLUTIONS = (
    Resolution("A/RES/68/262", "2014-03-27", "Territorial integrity of Ukraine", (100, 11, 58, 24)),
    Resolution(
        "A/RES/71/205",
        "2016-12-19",
        "Situation of human rights in the Autonomous Republic of Crimea and the city of "
        "Sevastopol (Ukraine)",
        (70, 26, 77, 20),
    ),
    Resolution(
        "A/RES/72/190",
        "2017-12-19",
        "Situation of human rights in the Autonomous Republic of Crimea and the city of "
        "Sevastopol, Ukraine",
        (70, 26, 76, 21),
    ),
    Resolution(
        "A/RES/73/194",
        "2018-12-17",
        "Problem of the militarization of the Autonomous Republic of Crimea and the city of "
        "Sevastopol, Ukraine, as well as parts of the Black Sea and the Sea of Azov",
        (66, 19, 72, 36),
    ),
    Resolution(
        "A/RES/73/263",
        "2018-12-22",
        "Situation of human rights in the Autonomous Republic of Crimea and the city of "
        "Sevastopol, Ukraine",
        (65, 27, 70, 31),
    ),
    Resolution(
        "A/RES/74/17",
        "2019-12-09",
        "Problem of the militarization of the Autonomous Republic of Crimea and the city of "
        "Sevastopol, Ukraine, as well as parts of the Black Sea and the Sea of Azov",
        (63, 19, 66, 45),
    ),
    Resolution(
        "A/RES/74/168",
        "2019-12-18",
        "Situation of human rights in the Autonomous Republic of Crimea and the city of "
        "Sevastopol, Ukraine",
        (65, 23, 83, 22),
    ),
)

ES11_1 = Resolution("A/RES/ES-11/1", "2022-03-02", "Aggression against Ukraine", (141, 5, 35, 12))

# Documented corrections to the unvotes data, applied unless --no-corrections is given.
# A/RES/71/205: unvotes has no row for Zimbabwe (so 25 "no"); the UN Digital Library voting
# record (https://digitallibrary.un.org/record/855181) lists Zimbabwe as "N" and the recorded
# tally is 70-26-77.  Zimbabwe is the only member on which the two differ for this vote.
CORRECTIONS: dict[str, dict[str, str]] = {
    "A/RES/71/205": {"ZWE": "no"},
}


def normalise_unres(unres: str | None) -> str:
    """Return the session/number part of an unvotes ``unres`` value.

    Parameters
    ----------
    unres : str or None
        Value of the ``unres`` column, e.g. ``R/68/262`` or ``A/RES/71/205``.

    Returns
    -------
    str
        E.g. ``68/262``; empty string for a missing value.
    """
    if unres is None or pd.isna(unres):
        return ""
    text = str(unres).strip()
    for prefix in ("A/RES/", "R/"):
        if text.startswith(prefix):
            return text[len(prefix) :].strip()
    return text


def iso2_to_iso3(code: str) -> str:
    """Map an unvotes ISO 3166 alpha-2 country code to alpha-3.

    Parameters
    ----------
    code : str
        Alpha-2 code as stored in ``un_votes.country_code`` (Namibia is ``"NA"``).

    Returns
    -------
    str
        Alpha-3 code.

    Raises
    ------
    KeyError
        If the code is unknown.
    """
    iso3 = alpha2_to_iso3(code)
    if iso3 is None:
        raise KeyError(f"unknown ISO 3166 alpha-2 code {code!r}")
    return iso3


def load_members(path: Path) -> pd.DataFrame:
    """Read the 193 UN members with their ISO3 code and short name.

    Parameters
    ----------
    path : Path
        ``un_members_2022.csv`` (columns ``ISO3,name_short,UNmember``).

    Returns
    -------
    pandas.DataFrame
        Columns ``iso3``, ``name``, ``admitted``, sorted by ``iso3``.
    """
    members = pd.read_csv(path, keep_default_na=False)
    members = members.rename(columns={"ISO3": "iso3", "name_short": "name", "UNmember": "admitted"})
    if len(members) != 193 or members["iso3"].duplicated().any():
        raise ValueError(f"{path}: expected 193 distinct members, got {len(members)}")
    return members[["iso3", "name", "admitted"]].sort_values("iso3").reset_index(drop=True)


def select_roll_call(roll_calls: pd.DataFrame, resolution: Resolution) -> pd.Series:
    """Pick the roll call on the resolution as a whole.

    Matches ``unres`` after dropping the ``R/`` or ``A/RES/`` prefix.  Where a resolution has
    several roll calls, those flagged as votes on an amendment (``amend == 1``) or on a
    separate paragraph (``para == 1``) are dropped; a missing flag counts as 0 (unvotes leaves
    both flags empty for most votes after 2013).  Exactly one roll call, dated on the
    resolution's date, must remain.

    Parameters
    ----------
    roll_calls : pandas.DataFrame
        ``un_roll_calls`` table.
    resolution : Resolution
        The resolution wanted.

    Returns
    -------
    pandas.Series
        The selected roll-call row.
    """
    keys = roll_calls["unres"].map(normalise_unres)
    found = roll_calls[keys == resolution.key]
    whole = found[(found["amend"].fillna(0) == 0) & (found["para"].fillna(0) == 0)]
    if len(whole) != 1:
        raise LookupError(
            f"{resolution.symbol}: {len(found)} roll calls, {len(whole)} on the whole text "
            f"(rcid {found['rcid'].tolist()})"
        )
    row = whole.iloc[0]
    if str(row["date"]) != resolution.date:
        raise ValueError(
            f"{resolution.symbol}: roll call dated {row['date']}, not {resolution.date}"
        )
    return row


def record_from_unvotes(
    votes: pd.DataFrame,
    roll_calls: pd.DataFrame,
    members: pd.DataFrame,
    resolution: Resolution,
    corrections: dict[str, str] | None = None,
) -> pd.DataFrame:
    """Build the record of one resolution from unvotes.

    Parameters
    ----------
    votes : pandas.DataFrame
        ``un_votes`` table.
    roll_calls : pandas.DataFrame
        ``un_roll_calls`` table.
    members : pandas.DataFrame
        Output of :func:`load_members`.
    resolution : Resolution
        The resolution wanted.
    corrections : dict of str to str, optional
        ISO3 code to vote, applied after extraction (see ``CORRECTIONS``).

    Returns
    -------
    pandas.DataFrame
        One row per member, columns ``FIELDS``, sorted by ``iso3``; members without a row in
        unvotes are ``absent``.
    """
    roll_call = select_roll_call(roll_calls, resolution)
    rows = votes[votes["rcid"] == roll_call["rcid"]]
    cast: dict[str, str] = {}
    for code, vote in zip(rows["country_code"], rows["vote"].astype(str), strict=True):
        if code is None or pd.isna(code):
            raise ValueError(f"{resolution.symbol}: a vote without a country code")
        iso3 = iso2_to_iso3(str(code))
        if iso3 in cast:
            raise ValueError(f"{resolution.symbol}: two rows for {iso3}")
        if vote not in VOTES:
            raise ValueError(f"{resolution.symbol}: unexpected vote {vote!r} for {iso3}")
        cast[iso3] = vote
    unknown = sorted(set(cast) - set(members["iso3"]))
    if unknown:
        raise ValueError(f"{resolution.symbol}: votes of non-members {unknown}")
    for iso3, vote in (corrections or {}).items():
        if iso3 not in set(members["iso3"]) or vote not in VOTES:
            raise ValueError(f"{resolution.symbol}: bad correction {iso3}={vote}")
        cast[iso3] = vote
    record = members[["iso3", "name"]].copy()
    record["vote"] = record["iso3"].map(cast).fillna("absent")
    record.insert(0, "date", resolution.date)
    record.insert(0, "resolution", resolution.symbol)
    return record[list(FIELDS)]


def record_from_reference_csv(
    path: Path, members: pd.DataFrame, resolution: Resolution
) -> pd.DataFrame:
    """Convert a shipped ``iso3,name,vote`` roll call into a record.

    Parameters
    ----------
    path : Path
        CSV with columns ``iso3``, ``name`` and ``vote`` (yes/no/abstain/absent or
        ``non-voting``, which becomes ``absent``).
    members : pandas.DataFrame
        Output of :func:`load_members`.
    resolution : Resolution
        The resolution the file records.

    Returns
    -------
    pandas.DataFrame
        One row per member, columns ``FIELDS``, sorted by ``iso3``.
    """
    shipped = pd.read_csv(path, keep_default_na=False, dtype=str)
    if list(shipped.columns) != ["iso3", "name", "vote"]:
        raise ValueError(f"{path}: columns {list(shipped.columns)}, expected iso3,name,vote")
    vote = shipped["vote"].str.strip().str.lower().replace({"non-voting": "absent"})
    bad = sorted(set(vote) - set(VOTES))
    if bad:
        raise ValueError(f"{path}: unexpected votes {bad}")
    if shipped["iso3"].duplicated().any() or set(shipped["iso3"]) != set(members["iso3"]):
        raise ValueError(f"{path}: does not list each of the 193 members exactly once")
    cast = dict(zip(shipped["iso3"], vote, strict=True))
    record = members[["iso3", "name"]].copy()
    record["vote"] = record["iso3"].map(cast)
    record.insert(0, "date", resolution.date)
    record.insert(0, "resolution", resolution.symbol)
    return record[list(FIELDS)]


def tally(record: pd.DataFrame) -> tuple[int, int, int, int]:
    """Count yes, no, abstain and absent votes of a record.

    Parameters
    ----------
    record : pandas.DataFrame
        A record with a ``vote`` column.

    Returns
    -------
    tuple of int
        (yes, no, abstain, absent).
    """
    counts = Counter(record["vote"])
    return (counts["yes"], counts["no"], counts["abstain"], counts["absent"])


def write_record(record: pd.DataFrame, out_dir: Path, resolution: Resolution) -> Path:
    """Write a record file, rows sorted by ``iso3``.

    Parameters
    ----------
    record : pandas.DataFrame
        The record (columns ``FIELDS``).
    out_dir : Path
        Output folder, created if needed.
    resolution : Resolution
        Gives the file name.

    Returns
    -------
    Path
        The file written.
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / resolution.filename
    ordered = record.sort_values("iso3")[list(FIELDS)]
    ordered.to_csv(path, index=False, lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
    return path


def build_parser() -> argparse.ArgumentParser:
    """Return the command-line parser."""
    parser = records_parser(
        __doc__ or "",
        shared_help="the shared/ folder holding reference/ (default: %(default)s)",
        out_help="folder for the record files (default: %(default)s)",
        dry_run_help="print the tallies, write nothing",
    )
    parser.add_argument(
        "--no-corrections",
        action="store_true",
        help="write unvotes as it is, without the documented corrections",
    )
    return parser


def main(argv: list[str] | None = None) -> int:
    """Extract the records, print their tallies against the official ones, write them.

    Parameters
    ----------
    argv : list of str, optional
        ``--shared``, ``--out``, ``--no-corrections`` and ``--dry-run`` (default:
        ``sys.argv[1:]``).

    Returns
    -------
    int
        0 if every record matches its official tally, 1 otherwise.
    """
    args = build_parser().parse_args(argv)
    reference = args.shared / "reference"
    members = load_members(reference / "un_members_2022.csv")
    votes = pd.read_parquet(reference / "unvotes" / "un_votes.parquet")
    roll_calls = pd.read_parquet(reference / "unvotes" / "un_roll_calls.parquet")

    records: list[tuple[Resolution, pd.DataFrame, str]] = []
    for resolution in UNVOTES_RESOLUTIONS:
        raw = record_from_unvotes(votes, roll_calls, members, resolution)
        note = f"unvotes {tally(raw)}"
        fixes = {} if args.no_corrections else CORRECTIONS.get(resolution.symbol, {})
        record = raw
        if fixes:
            record = record_from_unvotes(votes, roll_calls, members, resolution, fixes)
            note += " corrected: " + ", ".join(f"{k}={v}" for k, v in fixes.items())
        records.append((resolution, record, note))
    es11 = record_from_reference_csv(reference / "A_RES_ES-11_1.csv", members, ES11_1)
    records.append((ES11_1, es11, "shipped A_RES_ES-11_1.csv"))

    ok = True
    print(f"{'resolution':15} {'date':10}  yes  no  abs absent | official        | source")
    for resolution, record, note in records:
        counts = tally(record)
        match = counts == resolution.official
        ok = ok and match
        official = "{}-{}-{} ({})".format(*resolution.official)
        flag = "ok" if match else "MISMATCH"
        print(
            f"{resolution.symbol:15} {resolution.date}  {counts[0]:3} {counts[1]:3} {counts[2]:4}"
            f" {counts[3]:6} | {official:15} {flag:8} | {note}"
        )
        if not args.dry_run:
            write_record(record, args.out, resolution)
    if not args.dry_run:
        print(f"wrote {len(records)} record files to {args.out}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
