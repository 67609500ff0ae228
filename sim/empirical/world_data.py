"""The field's datasets as the world builder reads them, cut to what is known before a date.

The data folder (the repository's ``data/``, or ``--data DIR``) holds Voeten's UN General
Assembly roll calls (``unvotes/``, via the R package ``unvotes`` 0.3.0), ATOP alliances, TSS
strategic rivalries and COW IGO joint memberships (``ir_datasets/``, via ``peacesciencer``
1.2.9) as Parquet, and ``states.csv``, the crosswalk of the 193 members' ISO3, ISO2 and COW
codes. Every function here takes the date of the world and returns only rows dated strictly
before it (data honesty: no fact dated on or after a vote informs it).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from sim.scenario.errors import ScenarioError

ISSUES: dict[str, str] = {
    "me": "Palestinian conflict",
    "nu": "Nuclear weapons and nuclear material",
    "di": "Arms control and disarmament",
    "hr": "Human rights",
    "co": "Colonialism",
    "ec": "Economic development",
    "other": "Not coded by Voeten (no issue row in un_roll_call_issues)",
}
"""Voeten's six issue codes (``short_name`` in ``un_roll_call_issues``), and the rest."""

ISSUE_PRIORITY = ("me", "hr", "co", "nu", "di", "ec")
"""A roll call coded with several issues takes the first of them in this order."""

VOTE_WORDS = ("yes", "abstain", "no")
"""Voeten's vote words, in the ordinal order of his coding (1, 2, 3)."""

REQUIRED = {
    "unvotes/un_roll_calls.parquet": ("rcid", "session", "date", "unres", "short"),
    "unvotes/un_roll_call_issues.parquet": ("rcid", "short_name"),
    "unvotes/un_votes.parquet": ("rcid", "country_code", "vote"),
    "ir_datasets/atop_alliance.parquet": ("ccode1", "ccode2", "year", "atop_defense"),
    "ir_datasets/tss_rivalries.parquet": (
        "tssr_id",
        "rivalry",
        "ccode1",
        "ccode2",
        "start",
        "end",
    ),
    "ir_datasets/cow_igo_ndy.parquet": ("ccode1", "ccode2", "year", "dyadigos"),
    "trade/cow_trade_ndy.parquet": ("ccode1", "ccode2", "year", "flow1", "flow2"),
}
TEXT_COLUMNS = ("rivalry",)
"""The required columns of the dyadic tables that hold text; every other one holds numbers."""
OPTIONAL = ("trade/cow_trade_ndy.parquet", "democracy/ccode_democracy.csv")
"""Tables a data folder may lack (a world built without them keeps trade and regime off)."""
DEMOCRACY_COLUMNS = ("ccode", "year", "v2x_polyarchy", "xm_qudsest")


@dataclass(frozen=True)
class Datasets:
    """The data folder read into tables keyed by ISO3.

    Attributes
    ----------
    folder
        Where the tables were read from.
    members
        ``iso3, name, admitted`` of the 193 members of 2022.
    roll_calls
        ``rcid, session, date, symbol, title, issue`` (one row per roll call).
    votes
        ``rcid, iso3, vote`` (absent members have no row).
    atop, tss, igo
        The IR tables with ``a``/``b`` ISO3 columns added (rows of non-members dropped).
    sponsors
        Symbol -> (sponsors' ISO3 codes, source) from ``un_sponsors.csv`` where the folder has
        it (the states named on the draft, which precedes the vote).
    trade
        COW Dyadic Trade v4.0 non-directed dyad-years (``flow1`` imports of ``a`` from ``b``,
        ``flow2`` the reverse, current million USD), with ``a``/``b``; empty if not in the folder.
    democracy
        ``iso3, year, v2x_polyarchy, xm_qudsest`` (V-Dem v10; Marquez's extended UDS); empty if
        not in the folder.
    complaints
        ``complainant, accused, date, document, source`` from ``sc_complaints.csv`` where the
        folder has it: a member's complaint to the Security Council naming another as acting
        against its territory (:func:`~sim.empirical.world_ties.territorial_target`); empty if
        not in the folder.
    """

    folder: Path
    members: pd.DataFrame
    roll_calls: pd.DataFrame
    votes: pd.DataFrame
    atop: pd.DataFrame
    tss: pd.DataFrame
    igo: pd.DataFrame
    sponsors: dict[str, tuple[list[str], str]]
    trade: pd.DataFrame = field(default_factory=pd.DataFrame)
    democracy: pd.DataFrame = field(default_factory=pd.DataFrame)
    complaints: pd.DataFrame = field(default_factory=pd.DataFrame)


def symbol_of(unres: object, rcid: int) -> str:
    """Return the resolution symbol as ``A/RES/..``, however Voeten's ``unres`` writes it.

    Voeten writes ``R/68/262`` for every symbol up to session 70 and in session 73, and both
    ways in sessions 71 and 72 (``A/RES/72/190`` beside ``R/72/50``); session 74 is all
    ``A/RES/..``. Compare symbols only through this function (and
    :func:`~sim.scenario.records.symbol_key`), never the raw ``unres``. A roll call without a
    symbol is named by its id (``rcid 1234``).
    """
    if not isinstance(unres, str) or not unres.strip():
        return f"rcid {rcid}"
    text = unres.strip()
    return "A/RES/" + text[2:] if text.startswith("R/") else text


CATALOGUE_SUFFIX = re.compile(r"\s+:\s+resolution\b.*$", re.IGNORECASE)
"""The UN library catalogue's suffix of a resolution's title (`` : resolution / adopted by the
General Assembly``)."""


def clean_title(text: str) -> str:
    """Return a title without the catalogue suffix (`` : resolution / adopted ..``)."""
    return CATALOGUE_SUFFIX.sub("", text.strip()).strip()


def title_of(short: object, descr: object) -> str:
    """Return a roll call's title: the field of Voeten's data that holds the resolution's title.

    Voeten's ``short`` holds the title as the UN library catalogues it (``Peaceful settlement of
    the question of Palestine : resolution / adopted by the General Assembly``) from session 71
    on, and in session 74 the bare title; in sessions 58-70 it holds a catalogue subject heading
    instead (``ARMED CONFLICTS PREVENTION--MEDIATION`` for A/RES/68/262) and ``descr`` holds the
    catalogued title (``Territorial integrity of Ukraine : resolution / adopted by the General
    Assembly``). So ``descr`` is the title where it carries the catalogue suffix and ``short``
    does not; everywhere else ``short`` is (Voeten's ``descr`` is otherwise an agenda item or
    a passage of the verbatim record). The suffix is cut either way (:func:`clean_title`).
    """
    short_text = short if isinstance(short, str) else ""
    descr_text = descr if isinstance(descr, str) else ""
    if CATALOGUE_SUFFIX.search(descr_text) and not CATALOGUE_SUFFIX.search(short_text):
        return clean_title(descr_text)
    return clean_title(short_text)


def issue_of(codes: set[str]) -> str:
    """Return the one issue of a roll call: the first of its codes in :data:`ISSUE_PRIORITY`."""
    return next((c for c in ISSUE_PRIORITY if c in codes), "other")


@contextmanager
def reading(path: Path) -> Iterator[None]:
    """Name the table when its values cannot be read as the builder needs them.

    pandas raises ``ValueError`` (a malformed CSV, a date or a number that is not one),
    ``KeyError`` or ``TypeError`` deep inside a conversion; a user gets one line naming the file
    instead, and never its content.
    """
    try:
        yield
    except (KeyError, TypeError, ValueError) as exc:
        raise ScenarioError(
            path, "values", f"malformed data table ({type(exc).__name__})"
        ) from None


def read_table(path: Path, columns: Sequence[str], **csv: Any) -> pd.DataFrame:
    """Read one table of the data folder (Parquet, or CSV with ``csv`` options) with ``columns``.

    A file that cannot be read, cannot be parsed (:func:`reading`) or lacks a column is one
    line naming it; its content is never printed.
    """
    if not path.is_file():
        raise ScenarioError(path, "file", "no such file")
    try:
        with reading(path):
            table = pd.read_parquet(path) if path.suffix == ".parquet" else pd.read_csv(path, **csv)
    except OSError as exc:
        raise ScenarioError(
            path, "file", f"cannot read ({exc.strerror or 'not readable'})"
        ) from None
    missing = [c for c in columns if c not in table.columns]
    if missing:
        raise ScenarioError(path, missing[0], "missing column")
    return table


def _read(folder: Path, name: str) -> pd.DataFrame:
    return read_table(folder / name, REQUIRED[name])


STATES_COLUMNS = ("iso3", "iso2", "cow", "name", "admitted")


@dataclass(frozen=True)
class Crosswalk:
    """``states.csv`` read: the UN members and the ISO2 and COW codes of every state."""

    members: pd.DataFrame
    by_iso2: dict[str, str]
    by_cow: dict[int, str]
    aliases: set[int]
    """COW codes that name a member already coded otherwise (``admitted`` <= 0)."""


def read_crosswalk(path: Path) -> Crosswalk:
    """Read ``states.csv`` (``iso3, iso2, cow, name, admitted``; an ISO2 code names one state)."""
    table = read_table(path, STATES_COLUMNS, keep_default_na=False, dtype={"iso2": str})
    coded = table["iso2"][table["iso2"] != ""]
    if coded.duplicated().any():
        raise ScenarioError(path, "iso2", "a code names two states")
    with reading(path):
        cows = table["cow"].astype(int)
        admitted = table["admitted"].astype(int)
        return Crosswalk(
            members=table[admitted > 0][["iso3", "name", "admitted"]],
            by_iso2=dict(zip(table["iso2"], table["iso3"], strict=True)),
            by_cow={int(c): i for c, i in zip(cows, table["iso3"], strict=True) if c > 0},
            aliases={int(c) for c, year in zip(cows, admitted, strict=True) if year <= 0},
        )


def read_roll_calls(folder: Path) -> pd.DataFrame:
    """Voeten's roll calls: ``rcid, session, date, symbol, title, issue`` (:func:`issue_of`)."""
    calls = _read(folder, "unvotes/un_roll_calls.parquet")
    issues = _read(folder, "unvotes/un_roll_call_issues.parquet")
    coded: dict[int, set[str]] = {}
    with reading(folder / "unvotes/un_roll_call_issues.parquet"):
        for rcid, code in zip(issues["rcid"].astype(int), issues["short_name"], strict=True):
            coded.setdefault(int(rcid), set()).add(str(code))
    descr = calls["descr"] if "descr" in calls.columns else [None] * len(calls)
    with reading(folder / "unvotes/un_roll_calls.parquet"):
        table = pd.DataFrame(
            {
                "rcid": calls["rcid"].astype(int),
                "session": calls["session"].astype(int),
                "date": pd.to_datetime(calls["date"]).dt.date,
                "symbol": [
                    symbol_of(u, int(r)) for u, r in zip(calls["unres"], calls["rcid"], strict=True)
                ],
                "title": [title_of(t, d) for t, d in zip(calls["short"], descr, strict=True)],
            }
        )
    table["issue"] = [issue_of(coded.get(r, set())) for r in table["rcid"]]
    return table.sort_values(["date", "rcid"]).reset_index(drop=True)


def read_votes(folder: Path, by_iso2: dict[str, str]) -> pd.DataFrame:
    """Voeten's votes: ``rcid, iso3, vote`` (a word of :data:`VOTE_WORDS`), members only."""
    path = folder / "unvotes/un_votes.parquet"
    raw = _read(folder, "unvotes/un_votes.parquet")
    with reading(path):
        votes = pd.DataFrame(
            {
                "rcid": raw["rcid"].astype(int),
                "iso3": raw["country_code"].astype(str).map(by_iso2),
                "vote": raw["vote"].astype(str),
            }
        ).dropna(subset=["iso3"])
    if not votes["vote"].isin(VOTE_WORDS).all():
        raise ScenarioError(path, "vote", f"must be one of {', '.join(VOTE_WORDS)}")
    return votes.reset_index(drop=True)


def read_dyads(folder: Path, name: str, crosswalk: Crosswalk) -> pd.DataFrame:
    """Read a COW-coded dyadic table, keyed by ISO3 (``a``, ``b``), one row per dyad and year."""
    table = _read(folder, name)
    with reading(folder / name):
        for column in REQUIRED[name]:
            if column not in TEXT_COLUMNS:
                table[column] = pd.to_numeric(table[column])
        table = table.assign(
            a=table["ccode1"].astype(int).map(crosswalk.by_cow),
            b=table["ccode2"].astype(int).map(crosswalk.by_cow),
        )
        table = table.dropna(subset=["a", "b"])
        table = table[table["a"] != table["b"]]
        codes = table[["ccode1", "ccode2"]].astype(int)
        alias = codes["ccode1"].isin(crosswalk.aliases) | codes["ccode2"].isin(crosswalk.aliases)
        return one_per_key(table, alias, ["a", "b", "year"])


def load_datasets(folder: Path) -> Datasets:
    """Read the data folder.

    Raises
    ------
    ScenarioError
        If a table is missing, unreadable, lacks a column or holds a malformed value.
    """
    crosswalk = read_crosswalk(folder / "states.csv")
    return Datasets(
        sponsors=read_sponsors(folder / "un_sponsors.csv"),
        folder=folder,
        members=crosswalk.members.reset_index(drop=True),
        roll_calls=read_roll_calls(folder),
        votes=read_votes(folder, crosswalk.by_iso2),
        atop=read_dyads(folder, "ir_datasets/atop_alliance.parquet", crosswalk),
        tss=read_dyads(folder, "ir_datasets/tss_rivalries.parquet", crosswalk),
        igo=read_dyads(folder, "ir_datasets/cow_igo_ndy.parquet", crosswalk),
        trade=read_dyads(folder, OPTIONAL[0], crosswalk)
        if (folder / OPTIONAL[0]).exists()
        else pd.DataFrame(columns=["a", "b", "year", "flow1", "flow2"]),
        democracy=read_democracy(folder / OPTIONAL[1], crosswalk.by_cow, crosswalk.aliases),
        complaints=read_complaints(folder / "sc_complaints.csv"),
    )


def one_per_key(table: pd.DataFrame, alias: pd.Series, key: list[str]) -> pd.DataFrame:
    """Keep one row per ``key``: where two COW codes name one member, the row of its own code.

    COW codes West Germany (260) to 1990 and Germany (255) from 1990, both ``DEU`` in the
    crosswalk, so 1990 has two rows of Germany; the row of the member's code (not an ``alias``
    row of ``states.csv``) is kept, the table's order otherwise unchanged.
    """
    table = table.reset_index(drop=True)
    if "year" not in table.columns:
        return table
    first = table.assign(_alias=alias.to_numpy(bool)).sort_values("_alias", kind="stable")
    kept = first.drop_duplicates(key, keep="first").sort_index().drop(columns="_alias")
    return kept.reset_index(drop=True)


def read_democracy(path: Path, by_cow: dict[int, str], aliases: set[int]) -> pd.DataFrame:
    """Return ``iso3, year, v2x_polyarchy, xm_qudsest`` from the extract; empty if absent.

    One row per member and year (:func:`one_per_key`: Germany's own code where 1990 has two).
    """
    if not path.exists():
        return pd.DataFrame(columns=["iso3", "year", "v2x_polyarchy", "xm_qudsest"])
    table = read_table(path, DEMOCRACY_COLUMNS)
    with reading(path):
        for column in DEMOCRACY_COLUMNS:
            table[column] = pd.to_numeric(table[column])
        table = table.assign(iso3=table["ccode"].astype(int).map(by_cow)).dropna(subset=["iso3"])
        table = one_per_key(table, table["ccode"].astype(int).isin(aliases), ["iso3", "year"])
        return table[["iso3", "year", "v2x_polyarchy", "xm_qudsest"]].reset_index(drop=True)


def read_sponsors(path: Path) -> dict[str, tuple[list[str], str]]:
    """Return symbol -> (sponsors, source) from ``un_sponsors.csv``; empty if there is none."""
    if not path.exists():
        return {}
    table = read_table(
        path, ("symbol", "draft", "sponsors", "source"), keep_default_na=False, dtype=str
    )
    return {
        str(r.symbol): (str(r.sponsors).split(), f"{r.source} (draft {r.draft})")
        for r in table.itertuples()
    }


def first_date(data: Datasets) -> tuple[dt.date, str]:
    """Return the first date a world can be built for, and the table that sets it.

    A world reads each yearly table (ATOP, COW IGO, the democracy extract) in the year before
    its date's, so its date must fall after the first year every one of them covers: COW IGO
    and the democracy extract start in 1990, so the first world is of 1 January 1991. Trade is
    left out of the rule: it is optional, off in every built world (``trade_weight`` 0), and a
    world before its first year has an empty ``trade.csv``, as a data folder without it does.
    """
    tables = {"ATOP": data.atop, "COW IGO": data.igo, "the democracy extract": data.democracy}
    starts = {k: int(t["year"].min()) for k, t in tables.items() if len(t)}
    if not starts:
        return dt.date.min, "none"
    name = max(starts, key=lambda k: starts[k])
    return dt.date(starts[name] + 1, 1, 1), name


def check_date(data: Datasets, date: dt.date) -> None:
    """Refuse a world's date that the data does not cover (:func:`first_date`).

    Raises
    ------
    ScenarioError
        Naming ``--date``, if the date is before the first date.
    """
    first, name = first_date(data)
    if date < first:
        raise ScenarioError(
            "--date",
            "",
            f"{date} is before the data: {name} starts in {first.year - 1}, and a world reads "
            f"the year before its date, so the first date is {first}",
        )


def members_at(data: Datasets, date: dt.date) -> list[str]:
    """Members admitted in a year before the date's, or with a recorded vote before the date."""
    earlier = set(data.roll_calls.loc[data.roll_calls["date"] < date, "rcid"])
    voted = set(data.votes.loc[data.votes["rcid"].isin(earlier), "iso3"])
    admitted = data.members.loc[data.members["admitted"] < date.year, "iso3"]
    return sorted((set(admitted) | voted) & set(data.members["iso3"]))


def vote_matrix(data: Datasets, rcids: list[int], states: list[str]) -> np.ndarray:
    """Votes as Voeten codes them (1 yes, 2 abstain, 3 no, 0 no row), states x roll calls."""
    row = {s: i for i, s in enumerate(states)}
    col = {r: j for j, r in enumerate(rcids)}
    matrix = np.zeros((len(states), len(rcids)), dtype=np.int8)
    cut = data.votes[data.votes["rcid"].isin(col) & data.votes["iso3"].isin(row)]
    code = {w: k + 1 for k, w in enumerate(VOTE_WORDS)}
    matrix[cut["iso3"].map(row).to_numpy(), cut["rcid"].map(col).to_numpy()] = (
        cut["vote"].map(code).fillna(0).astype(np.int8).to_numpy()
    )
    return matrix


def kappa(x: np.ndarray, y: np.ndarray) -> float:
    """Häge's (2011) quadratic Cohen's kappa of two states' votes over their joint votes.

    ``1 - sum d_ab o_ab / sum d_ab p_x(a) p_y(b)`` with ``d_ab = ((a - b) / 2) ** 2``; NaN
    when they share no vote or the expected disagreement is 0.
    """
    joint = (x > 0) & (y > 0)
    if not joint.any():
        return float("nan")
    a, b = x[joint].astype(float), y[joint].astype(float)
    observed = float(np.mean(((a - b) / 2) ** 2))
    px = np.array([np.mean(a == k) for k in (1, 2, 3)])
    py = np.array([np.mean(b == k) for k in (1, 2, 3)])
    d = ((np.arange(1, 4)[:, None] - np.arange(1, 4)[None, :]) / 2) ** 2
    expected = float(px @ d @ py)
    return float("nan") if expected == 0 else 1.0 - observed / expected


COMPLAINT_COLUMNS = ("complainant", "accused", "date", "document", "source")


def read_complaints(path: Path) -> pd.DataFrame:
    """Return the rows of ``sc_complaints.csv`` (dates as dates); empty if there is none.

    Raises
    ------
    ScenarioError
        If the file cannot be read, lacks a column or has a date that is not ISO.
    """
    if not path.exists():
        return pd.DataFrame(columns=list(COMPLAINT_COLUMNS))
    table = read_table(path, COMPLAINT_COLUMNS, keep_default_na=False, dtype=str)
    try:
        dates = [dt.date.fromisoformat(d) for d in table["date"]]
    except ValueError:
        raise ScenarioError(path, "date", "must be ISO dates (YYYY-MM-DD)") from None
    return table[list(COMPLAINT_COLUMNS)].assign(date=dates)
