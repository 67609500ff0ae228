r"""Cross-check UNGA roll calls on Ukraine across public sources and write the verified ones.

The roll calls after 2019 are not in ``unvotes``.  This script reads per-country votes from
up to three independent compilations, compares them member by member, and writes a record
file (same format as ``records_from_unvotes.py``) only when at least two independent sources
list all 193 members, agree on every vote and match the officially recorded tally.  It never
writes anything dated 2023 or later.  It also re-checks the record files already written from
``unvotes`` and from the shipped ES-11/1 file against the same sources.

Sources (none is fetched by this script; give local copies on the command line):

``--undl``
    A wide CSV scraped from the UN Digital Library voting records (Dag Hammarskjold Library),
    one row per resolution, one column per member state, votes Y/N/A/X (X = non-voting), as
    in ``data/raw/downloads/UN DATA.csv.zip`` of github.com/navyanawal0310/
    un-votes-intelligence-platform.  Covers 1946-2021.
``--undl-bulk``
    The UN Digital Library's own bulk file ``*_ga_voting.csv`` (record 4060887, long
    format, 1946 to date).  Not available to this session; with it, the ES-11 records below
    can be checked and written.
``--unxml``
    The ``data_extract/`` folder of github.com/UNxml/GAresolutions: the UN Department for
    General Assembly and Conference Management's machine-readable resolutions, one JSON file
    per session, listing the members in favour, against and abstaining.
``--voeten``
    Erik Voeten's UNGA votes (2021 release, sessions 1-75) as re-published per country by
    github.com/un-project/un-votes: ``data/369.csv`` (Ukraine's file, pairwise agreement
    codes) and ``data/countries.csv``.  Decoded against Ukraine's own "yes" vote.

Example
-------
From the repository root::

    python tools/records_from_un_sources.py --shared ../shared --out scenarios/records \\
        --undl "/tmp/undata/UN DATA.csv" --unxml /tmp/unxml \\
        --voeten /tmp/voeten/369.csv /tmp/voeten/countries.csv
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import unicodedata
from collections import Counter
from pathlib import Path

import pandas as pd
import pycountry
from _shared import records_parser
from records_from_unvotes import (
    ES11_1,
    FIELDS,
    UNVOTES_RESOLUTIONS,
    Resolution,
    load_members,
    write_record,
)

Votes = dict[str, str]

LAST_DATE = "2022-12-31"

TARGETS = (
    Resolution(
        "A/RES/75/192",
        "2020-12-16",
        "Situation of human rights in the Autonomous Republic of Crimea and the city of "
        "Sevastopol, Ukraine",
        (64, 23, 86, 20),
    ),
    Resolution(
        "A/RES/76/179",
        "2021-12-16",
        "Situation of human rights in the temporarily occupied Autonomous Republic of Crimea "
        "and the city of Sevastopol, Ukraine",
        (65, 25, 85, 18),
    ),
    Resolution(
        "A/RES/ES-11/2",
        "2022-03-24",
        "Humanitarian consequences of the aggression against Ukraine",
        (140, 5, 38, 10),
    ),
    Resolution(
        "A/RES/ES-11/3",
        "2022-04-07",
        "Suspension of the rights of membership of the Russian Federation in the Human Rights "
        "Council",
        (93, 24, 58, 18),
    ),
    Resolution(
        "A/RES/ES-11/4",
        "2022-10-12",
        "Territorial integrity of Ukraine: defending the principles of the Charter of the "
        "United Nations",
        (143, 5, 35, 10),
    ),
    Resolution(
        "A/RES/ES-11/5",
        "2022-11-14",
        "Furtherance of remedy and reparation for aggression against Ukraine",
        (94, 14, 73, 12),
    ),
)

# Member-state names as the UN Digital Library and DGACM write them, after accent stripping
# and upper-casing, that pycountry does not resolve (or resolves ambiguously).
UN_NAMES = {
    "BOLIVIA (PLURINATIONAL STATE OF)": "BOL",
    "BOLIVIA": "BOL",
    "CONGO": "COG",
    "DEMOCRATIC REPUBLIC OF THE CONGO": "COD",
    "COTE D'IVOIRE": "CIV",
    "DEMOCRATIC PEOPLE'S REPUBLIC OF KOREA": "PRK",
    "REPUBLIC OF KOREA": "KOR",
    "IRAN (ISLAMIC REPUBLIC OF)": "IRN",
    "LAO PEOPLE'S DEMOCRATIC REPUBLIC": "LAO",
    "MICRONESIA (FEDERATED STATES OF)": "FSM",
    "REPUBLIC OF MOLDOVA": "MDA",
    "RUSSIAN FEDERATION": "RUS",
    "SYRIAN ARAB REPUBLIC": "SYR",
    "UNITED REPUBLIC OF TANZANIA": "TZA",
    "VENEZUELA (BOLIVARIAN REPUBLIC OF)": "VEN",
    "VENEZUELA": "VEN",
    "VIET NAM": "VNM",
    "UNITED KINGDOM": "GBR",
    "UNITED STATES": "USA",
    "TURKEY": "TUR",
    "TURKIYE": "TUR",
    "CABO VERDE": "CPV",
    "CAPE VERDE": "CPV",
    "ESWATINI": "SWZ",
    "SWAZILAND": "SWZ",
    "NORTH MACEDONIA": "MKD",
    "THE FORMER YUGOSLAV REPUBLIC OF MACEDONIA": "MKD",
    "CZECHIA": "CZE",
    "CZECH REPUBLIC": "CZE",
    "BRUNEI DARUSSALAM": "BRN",
    "SAINT KITTS AND NEVIS": "KNA",
    "SAINT LUCIA": "LCA",
    "SAINT VINCENT AND THE GRENADINES": "VCT",
    "SAO TOME AND PRINCIPE": "STP",
    "GAMBIA": "GMB",
    "BAHAMAS": "BHS",
    "LIBYA": "LBY",
    "NETHERLANDS": "NLD",
    "NETHERLANDS (KINGDOM OF THE)": "NLD",
    "SOUTH SUDAN": "SSD",
    "TIMOR-LESTE": "TLS",
}

UN_CODES = {"Y": "yes", "N": "no", "A": "abstain", "X": "absent"}


def un_name_to_iso3(name: str) -> str:
    """Map a UN member-state name (any case, with or without accents) to ISO3.

    Parameters
    ----------
    name : str
        E.g. ``"TÜRKİYE"``, ``"Côte d'Ivoire"`` or ``"VIET NAM"``.

    Returns
    -------
    str
        ISO 3166 alpha-3 code.

    Raises
    ------
    KeyError
        If the name cannot be resolved.
    """
    text = unicodedata.normalize("NFKD", name.replace("\u2019", "'"))
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    key = re.sub(r"\s+", " ", text).strip().upper()
    if key in UN_NAMES:
        return UN_NAMES[key]
    try:
        return str(pycountry.countries.lookup(key).alpha_3)
    except LookupError as err:
        raise KeyError(f"no ISO3 code for UN name {name!r}") from err


def complete(votes: Votes, members: pd.DataFrame) -> Votes:
    """Return the votes of all members, ``absent`` where a source lists none.

    Parameters
    ----------
    votes : dict of str to str
        ISO3 to vote, as read from one source.
    members : pandas.DataFrame
        Output of ``load_members``.

    Returns
    -------
    dict of str to str
        One entry per member.
    """
    unknown = sorted(set(votes) - set(members["iso3"]))
    if unknown:
        raise ValueError(f"votes of non-members {unknown}")
    return {iso3: votes.get(iso3, "absent") for iso3 in members["iso3"]}


def read_undl_wide(path: Path, symbols: set[str], members: pd.DataFrame) -> dict[str, Votes]:
    """Read the UN Digital Library wide CSV (one column per member state).

    Parameters
    ----------
    path : Path
        The CSV (columns ``Council, Date, Title, Resolution, ..., token`` then member names).
    symbols : set of str
        Resolution symbols wanted, matched against the ``Resolution`` column.
    members : pandas.DataFrame
        Output of ``load_members``, whose columns are read.

    Returns
    -------
    dict of str to Votes
        Symbol to complete votes; a member whose cell is empty or ``X`` is ``absent``.
        The per-row totals in the file are checked against the votes.
    """
    table = pd.read_csv(path, keep_default_na=False, dtype=str)
    first = list(table.columns).index("token") + 1
    states = list(table.columns[first:])
    out: dict[str, Votes] = {}
    for _, row in table[table["Resolution"].isin(symbols)].iterrows():
        votes: Votes = {}
        for state in states:
            if row[state]:
                iso3 = un_name_to_iso3(state)
                if iso3 in votes:
                    raise ValueError(f"{row['Resolution']}: two columns for {iso3}")
                votes[iso3] = UN_CODES[row[state]]
        counts = Counter(votes.values())
        # In this file "ABSENT COUNT" holds abstentions and "NO-VOTE COUNT" non-voting members.
        stated = (row["YES COUNT"], row["NO COUNT"], row["ABSENT COUNT"], row["NO-VOTE COUNT"])
        found = (counts["yes"], counts["no"], counts["abstain"], counts["absent"])
        if tuple(int(x) for x in stated) != found:
            raise ValueError(f"{row['Resolution']}: totals {stated} but votes {found}")
        out[str(row["Resolution"])] = complete(votes, members)
    return out


def read_undl_bulk(path: Path, symbols: set[str], members: pd.DataFrame) -> dict[str, Votes]:
    """Read the UN Digital Library's own bulk voting file (long format).

    This is ``*_ga_voting.csv`` of https://digitallibrary.un.org/record/4060887 (columns
    ``undl_id, ms_code, ms_name, ms_vote, date, session, resolution, ...``; ``ms_vote`` is
    Y, N, A, or X / NV / empty for non-voting).

    Parameters
    ----------
    path : Path
        The CSV.
    symbols : set of str
        Resolution symbols wanted, matched against the ``resolution`` column.
    members : pandas.DataFrame
        Output of ``load_members``, whose ``ms_code`` values are kept.

    Returns
    -------
    dict of str to Votes
        Symbol to complete votes.
    """
    usecols = ["ms_code", "ms_vote", "resolution"]
    table = pd.read_csv(path, usecols=usecols, dtype=str, keep_default_na=False)
    table = table[table["resolution"].isin(symbols)]
    codes = {"Y": "yes", "N": "no", "A": "abstain", "X": "absent", "NV": "absent", "": "absent"}
    out: dict[str, Votes] = {}
    for symbol, rows in table.groupby("resolution"):
        votes: Votes = {}
        for code, vote in zip(rows["ms_code"], rows["ms_vote"].str.strip(), strict=True):
            if code in votes:
                raise ValueError(f"{symbol}: two rows for {code}")
            votes[str(code)] = codes[vote]
        out[str(symbol)] = complete(votes, members)
    return out


def read_unxml(folder: Path, symbols: set[str], members: pd.DataFrame) -> dict[str, Votes]:
    """Read DGACM's machine-readable resolution extracts (``data_extract/*.json``).

    Parameters
    ----------
    folder : Path
        Folder holding the session files (``74.json``, ``ES-11.json``, ...).
    symbols : set of str
        Resolution symbols wanted, matched against each entry's ``symbol``.
    members : pandas.DataFrame
        Output of ``load_members``, to which unlisted members are added as absent.

    Returns
    -------
    dict of str to Votes
        Symbol to complete votes; members in none of the three lists are ``absent``.
        The stated counts are checked against the list lengths.
    """
    out: dict[str, Votes] = {}
    for path in sorted(folder.glob("*.json")):
        text = path.read_text(encoding="utf-8").strip()
        entries = (
            json.loads(text)
            if text.startswith("[")
            else [json.loads(line) for line in text.splitlines() if line.strip()]
        )
        for entry in entries:
            symbol = str(entry.get("symbol", "")).strip()
            if symbol not in symbols:
                continue
            votes: Votes = {}
            for key, vote in (
                ("MS_in_favour", "yes"),
                ("MS_against", "no"),
                ("MS_abstaining", "abstain"),
            ):
                names = entry.get(key) or []
                if int(entry[f"{key}_count"]) != len(names):
                    raise ValueError(f"{symbol}: {key}_count does not match its list")
                for name in names:
                    iso3 = un_name_to_iso3(name)
                    if iso3 in votes:
                        raise ValueError(f"{symbol}: {iso3} listed twice")
                    votes[iso3] = vote
            out[symbol] = complete(votes, members)
    return out


def read_voeten_pairwise(
    country_file: Path, countries_csv: Path, symbols: set[str], members: pd.DataFrame
) -> dict[str, Votes]:
    """Decode Voeten's votes from un-project's per-country agreement file.

    The file of country *c* holds, per roll call, a code for every other country *d*:
    2 = same vote as *c*, -1 = one of the two abstained, -2 = opposite votes, empty = *d*
    absent or not a member; *c*'s own column keeps Voeten's raw code (1 = yes).  Only roll
    calls on which *c* itself voted yes are decoded (2 -> yes, -1 -> abstain, -2 -> no).

    Parameters
    ----------
    country_file : Path
        E.g. ``data/369.csv`` (Ukraine).
    countries_csv : Path
        ``data/countries.csv`` (``ccode,Country,Countryname``; ``Country`` is ISO3-like).
    symbols : set of str
        Resolution symbols wanted (``unres`` column).
    members : pandas.DataFrame
        Output of ``load_members``, to which decoded votes are restricted.

    Returns
    -------
    dict of str to Votes
        Symbol to complete votes.
    """
    codes = pd.read_csv(countries_csv, dtype=str, keep_default_na=False)
    iso_by_ccode = dict(zip(codes["ccode"], codes["Country"], strict=True))
    owner = iso_by_ccode[country_file.stem]
    table = pd.read_csv(country_file, dtype=str, keep_default_na=False)
    decode = {"2": "yes", "-1": "abstain", "-2": "no"}
    out: dict[str, Votes] = {}
    # Voeten writes older symbols as "R/68/262", later ones as "A/RES/74/168".
    table["unres"] = table["unres"].str.strip().str.replace(r"^R/", "A/RES/", regex=True)
    for _, row in table[table["unres"].isin(symbols)].iterrows():
        if row[country_file.stem] != "1":
            raise ValueError(f"{row['unres']}: owner {owner} did not vote; cannot decode")
        votes = {
            iso_by_ccode[c]: "yes" if c == country_file.stem else decode[row[c]]
            for c in iso_by_ccode
            if row.get(c, "")
        }
        votes = {iso3: vote for iso3, vote in votes.items() if iso3 in set(members["iso3"])}
        stated = (row["yes"], row["no"], row["abstain"])
        counts = Counter(votes.values())
        if tuple(int(x) for x in stated) != (counts["yes"], counts["no"], counts["abstain"]):
            print(f"warning: Voeten {row['unres']}: stated totals {stated}, decoded {dict(counts)}")
        out[str(row["unres"])] = complete(votes, members)
    return out


def read_record(path: Path) -> Votes:
    """Read the votes of an existing record file.

    Parameters
    ----------
    path : Path
        A record CSV (columns ``FIELDS``).

    Returns
    -------
    dict of str to str
        ISO3 to vote.
    """
    record = pd.read_csv(path, keep_default_na=False, dtype=str)
    return dict(zip(record["iso3"], record["vote"], strict=True))


def tally(votes: Votes) -> tuple[int, int, int, int]:
    """Count yes, no, abstain and absent.

    Parameters
    ----------
    votes : dict of str to str
        ISO3 to vote.

    Returns
    -------
    tuple of int
        (yes, no, abstain, absent).
    """
    counts = Counter(votes.values())
    return (counts["yes"], counts["no"], counts["abstain"], counts["absent"])


def differences(a: Votes, b: Votes) -> list[str]:
    """List the members on which two complete vote sets differ.

    Parameters
    ----------
    a, b : dict of str to str
        ISO3 to vote.

    Returns
    -------
    list of str
        ``ISO3 a-vote/b-vote`` for each difference.
    """
    return [f"{k} {a[k]}/{b[k]}" for k in sorted(a) if a[k] != b.get(k)]


def build_parser() -> argparse.ArgumentParser:
    """Return the command-line parser."""
    parser = records_parser(
        __doc__ or "",
        shared_help="shared/ folder",
        out_help="record folder",
        dry_run_help="compare only, write nothing",
    )
    parser.add_argument("--undl", type=Path, help="UN Digital Library wide CSV")
    parser.add_argument(
        "--undl-bulk", type=Path, help="UN Digital Library bulk *_ga_voting.csv (record 4060887)"
    )
    parser.add_argument("--unxml", type=Path, help="UNxml/GAresolutions data_extract/ folder")
    parser.add_argument(
        "--voeten",
        type=Path,
        nargs=2,
        metavar=("COUNTRY_CSV", "COUNTRIES_CSV"),
        help="un-project/un-votes data/369.csv and data/countries.csv",
    )
    return parser


def main(argv: list[str] | None = None) -> int:
    """Compare the sources, report, and write the records that pass.

    Parameters
    ----------
    argv : list of str, optional
        ``--shared``, ``--out``, the source files and ``--dry-run`` (default: ``sys.argv[1:]``).

    Returns
    -------
    int
        0 if no existing record disagrees with a UN source (UNDL, DGACM), 1 otherwise.
    """
    args = build_parser().parse_args(argv)
    members = load_members(args.shared / "reference" / "un_members_2022.csv")
    existing = (*UNVOTES_RESOLUTIONS, ES11_1)
    symbols = {r.symbol for r in (*TARGETS, *existing)}
    sources: dict[str, dict[str, Votes]] = {}
    if args.undl:
        sources["UNDL"] = read_undl_wide(args.undl, symbols, members)
    if args.undl_bulk:
        bulk = read_undl_bulk(args.undl_bulk, symbols, members)
        for symbol, votes in bulk.items():
            sources.setdefault("UNDL", {}).setdefault(symbol, votes)
    if args.unxml:
        sources["DGACM"] = read_unxml(args.unxml, symbols, members)
    if args.voeten:
        country_file, countries_csv = args.voeten
        sources["Voeten"] = read_voeten_pairwise(country_file, countries_csv, symbols, members)

    ok = True
    print("== existing records against the sources ==")
    for resolution in existing:
        path = args.out / resolution.filename
        if not path.exists():
            print(f"{resolution.symbol:15} no record file at {path}")
            continue
        record = read_record(path)
        for name, found in sources.items():
            if resolution.symbol in found:
                diff = differences(record, found[resolution.symbol])
                # Voeten is the source of unvotes itself: a difference there is reported, and
                # only a difference from a UN compilation fails the run.
                ok = ok and (not diff or name == "Voeten")
                print(f"{resolution.symbol:15} vs {name:6}: {diff or 'agree'}")

    print("== new records ==")
    for resolution in TARGETS:
        if resolution.date > LAST_DATE:
            print(f"{resolution.symbol:15} dated {resolution.date}: out of scope")
            continue
        found = {n: s[resolution.symbol] for n, s in sources.items() if resolution.symbol in s}
        official = "{}-{}-{} ({})".format(*resolution.official)
        for name, votes in found.items():
            flag = "ok" if tally(votes) == resolution.official else "TALLY MISMATCH"
            print(f"{resolution.symbol:15} {name:6} {tally(votes)} official {official} {flag}")
        names = list(found)
        agree = True
        for i, a in enumerate(names):
            for b in names[i + 1 :]:
                diff = differences(found[a], found[b])
                agree = agree and not diff
                print(f"{resolution.symbol:15} {a} vs {b}: {diff or 'agree'}")
        passing = [n for n in names if tally(found[n]) == resolution.official]
        if len(passing) >= 2 and agree and len(passing) == len(names):
            if not args.dry_run:
                table = members[["iso3", "name"]].copy()
                table["vote"] = table["iso3"].map(found[passing[0]])
                table.insert(0, "date", resolution.date)
                table.insert(0, "resolution", resolution.symbol)
                write_record(table[list(FIELDS)], args.out, resolution)
            print(f"{resolution.symbol:15} WRITTEN from {' = '.join(passing)}")
        else:
            print(
                f"{resolution.symbol:15} NOT WRITTEN: {len(passing)} complete source(s) "
                f"with the official tally ({', '.join(passing) or 'none'}); two must agree"
            )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
