"""Build a dated scenario folder (a *world*) from the field's datasets.

``build_world(data_folder, date, out)`` writes countries, ties (alliances, rivalries,
organisations, prior alignment), the history (the roll calls of the last session before the
date), parameters and the agenda (every recorded roll call of the session from the date on),
with a generated ``SOURCES.md``. Every fact in it is dated strictly before the date, except
the agenda's sponsors, named on each item's draft and so dated before that item's vote (the
Assembly's rule 78), not before the date; the agenda's own recorded votes go to ``records/``
for scoring only and inform nothing.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from sim.common.files import publish_dir
from sim.empirical import world_ties as ties
from sim.empirical.recurring import latest_by_title, title_key
from sim.empirical.world_data import ISSUES, Datasets, check_date, load_datasets, members_at
from sim.model.channels import REGISTRY
from sim.scenario.errors import ScenarioError
from sim.scenario.schema import Parameters

LAST_DATE = dt.date(2022, 12, 31)
"""No roll call dated after 2022 is shipped or simulated."""
DEFAULT_OPINION = 0.0
"""No poll on these issues was sourced: no public is given a lean (as un_2022 for human rights)."""
NO_PRESSURE = 0.0
"""No poll was sourced: accountability x opinion would be 0 anyway; the domestic channel is off."""
OFF_WITHOUT_DATA = {"trade_weight": 0.0, "domestic_weight": 0.0, "quid_pro_quo_weight": 0.0}
"""Channels a built world switches off: no poll (domestic) or favour (quid pro quo) is sourced for
an arbitrary date, and COW trade ends in 2014, too stale for most dates; one rule for every date
(``world fit --fit trade_weight=0:3`` fits it where wanted)."""


def default_parameters() -> dict[str, float | int]:
    """Return a built world's parameters before any fit.

    The model's defaults, never a weight fitted on a later vote (un_2022's were fitted on a
    2022 vote), with the channels of :data:`OFF_WITHOUT_DATA` off.
    """
    defaults = Parameters()
    values: dict[str, float | int] = {n: getattr(defaults, n) for n in WRITTEN_PARAMETERS}
    return values | OFF_WITHOUT_DATA


WRITTEN_PARAMETERS = (
    *(c.weight_parameter for c in REGISTRY.weighted),
    *(p.name for c in REGISTRY for p in c.parameters),
    "abstention_band",
    "neutrality",
    "absence_habit",
)
"""The parameters a built world's (or a session fit's) parameters file writes."""


@dataclass(frozen=True)
class BuiltWorld:
    """What :func:`build_world` wrote: the scenario file and the counts of its tables."""

    yaml: Path
    counts: dict[str, int]


def one_per_symbol(calls: pd.DataFrame) -> pd.DataFrame:
    """Keep one roll call per resolution symbol: the vote on the whole text.

    Voeten's data holds a resolution's separate votes (on paragraphs) beside the vote on the
    whole, under the same symbol (``R/72/50`` beside ``A/RES/72/50``) and without a title; the
    titled roll call is kept, and among several titled (or several untitled) the last. A
    scenario's history names each resolution once.
    """
    titled = calls["title"] != ""
    has_titled = calls["symbol"].isin(set(calls.loc[titled, "symbol"]))
    return calls[titled | ~has_titled].drop_duplicates("symbol", keep="last")


def agenda_calls(data: Datasets, date: dt.date) -> pd.DataFrame:
    """Return the roll calls of the session under way on the date, from the date on.

    One per resolution: the vote on the whole text (:func:`one_per_symbol`), never a paragraph
    vote filed under the same symbol.
    """
    calls = data.roll_calls
    later = calls[calls["date"] >= date]
    if later.empty:
        raise ScenarioError("--date", "date", f"no recorded roll call on or after {date}")
    session = int(later.iloc[0]["session"])
    agenda = later[(later["session"] == session) & (later["date"] <= LAST_DATE)]
    return one_per_symbol(agenda).reset_index(drop=True)


def record_table(data: Datasets, call: pd.Series, members: list[str], names: dict[str, str]) -> str:
    """One recorded roll call as a record CSV (every member; no row in the data = absent)."""
    votes = data.votes[data.votes["rcid"] == int(call["rcid"])]
    vote = dict(zip(votes["iso3"], votes["vote"], strict=True))
    lines = ["resolution,date,iso3,name,vote"]
    lines += [
        f'{call["symbol"]},{call["date"]},{s},"{names[s]}",{vote.get(s, "absent")}' for s in members
    ]
    return "\n".join(lines) + "\n"


def file_name(call: pd.Series) -> str:
    """Return a record's file name: its symbol with ``/`` as ``_``, and its roll-call id."""
    return f"{str(call['symbol']).replace('/', '_').replace(' ', '_')}_{int(call['rcid'])}.csv"


def write_records(
    data: Datasets, calls: pd.DataFrame, folder: Path, members: list[str]
) -> list[str]:
    """Write one record file per roll call and an ``index.csv``; return the file names."""
    names = dict(zip(data.members["iso3"], data.members["name"], strict=True))
    folder.mkdir(parents=True, exist_ok=True)
    files = []
    for _, call in calls.iterrows():
        files.append(file_name(call))
        (folder / files[-1]).write_text(record_table(data, call, members, names), encoding="utf-8")
    index = calls[["rcid", "session", "date", "symbol", "issue", "title"]].assign(file=files)
    index.to_csv(folder / "index.csv", index=False, lineterminator="\n")
    return files


def precedents(calls: pd.DataFrame, history: pd.DataFrame) -> list[str]:
    """Each roll call's precedent: the latest history roll call with its title, or ``""``.

    The rule of the persistence baseline (:func:`~sim.empirical.recurring.latest_by_title`);
    the history is dated before the world, so every precedent precedes its item.
    """
    rows = [
        {"title": t, "symbol": str(s)}
        for t, s in zip(history["title"], history["symbol"], strict=True)
    ]
    latest = latest_by_title(rows)
    return [
        latest[key]["symbol"] if (key := title_key(t)) in latest else "" for t in calls["title"]
    ]


SUPPORT = ("yes", "abstain")
"""A state's vote on an item's precedent that says it is not the item's target."""


def precedent_vote(data: Datasets, rcid: object, state: str | None) -> str | None:
    """Return the state's recorded vote on the precedent roll call ``rcid`` (None if none).

    A target is the state a text acts against, and its vote is fixed at no. A state that voted
    yes on the same text last time, or abstained, did not act as its target then, so the issue's
    default target (its most frequent no voter, a count over every text of the issue) is
    overruled by its own recorded vote on this text, dated before the world; a target a rule
    names from the title (the state the text is about) is not. States keep to their vote on a
    recurring text: 0.77-0.85 agree with it one to six years later, more than with other texts
    of the issue (``tools/commitment_decay.py`` on Voeten's roll calls 2000-2019; README).
    """
    if rcid is None or state is None:
        return None
    votes = data.votes
    cast = votes.loc[(votes["rcid"] == rcid) & (votes["iso3"] == state), "vote"]
    return None if cast.empty else str(cast.iloc[0])


def agenda_table(
    data: Datasets, date: dt.date, calls: pd.DataFrame, members: list[str], history: pd.DataFrame
) -> pd.DataFrame:
    """Return the agenda: each roll call's symbol, title, issue, date, target and precedent.

    The target is chosen by rule; the precedent is the same title in the history.
    """
    by_issue = ties.issue_targets(data, date, members)
    prior = precedents(calls, history)
    rcid_of = dict(zip(history["symbol"].astype(str), history["rcid"], strict=True))
    rows = []
    for call, precedent in zip(calls.itertuples(), prior, strict=True):
        named = ties.territorial_target(data, date, str(call.title), members) or (
            ties.title_target(str(call.title), members)
        )
        target, why = named or (
            by_issue.get(str(call.issue)),
            f"the member with most no votes on issue {call.issue} in the {ties.HISTORY_DAYS} "
            "days before the world's date",
        )
        was = None if named else precedent_vote(data, rcid_of.get(precedent), target)
        if was in SUPPORT:
            target, why = None, f"none (the issue's default target voted {was} on the precedent)"
        listed, sponsor_source = data.sponsors.get(str(call.symbol), ([], "none sourced"))
        sponsors = [s for s in listed if s in members]
        if target in sponsors:
            target, why = None, "none (the rule's target sponsors it)"
        rows.append(
            {
                "id": call.symbol,
                "title": call.title or str(call.symbol),
                "issue": call.issue,
                "target": target or "",
                "sponsors": " ".join(sponsors),
                "precedents": precedent,
                "salience": 1.0,
                "majority": "simple",
                "date": str(call.date),
                "source": f"{UNVOTES_SHORT} rcid {call.rcid}; target: {why}; sponsors: "
                f"{sponsor_source}; precedent: "
                + (f"{precedent}, the same title in the history" if precedent else "none"),
            }
        )
    return pd.DataFrame(rows)


UNVOTES_SHORT = "Voeten UNGA data via unvotes 0.3.0"


def countries_table(data: Datasets, members: list[str], date: dt.date) -> pd.DataFrame:
    """Return the countries: id, name, accountability 0 (no poll) and democracy (dated)."""
    names = dict(zip(data.members["iso3"], data.members["name"], strict=True))
    table = pd.DataFrame(
        {
            "id": members,
            "name": [names[m] for m in members],
            "domestic_pressure": NO_PRESSURE,
            "domestic_pressure_source": "not sourced: no poll on the issues; 0, and "
            "domestic_weight is 0 (SOURCES.md)",
        }
    )
    scores = ties.democracy(data, date, members)
    if scores:
        table["democracy"] = [scores.get(m, (0.5, ""))[0] for m in members]
        table["democracy_source"] = [
            scores.get(m, (0.5, "not covered: the schema default 0.5"))[1] for m in members
        ]
    return table


def build_world(
    data_folder: Path, date: dt.date, out: Path, name: str | None = None, force: bool = False
) -> BuiltWorld:
    """Write the world of ``date`` into ``out`` (scenario file ``out/scenario.yaml``).

    The folder is filled in a staging directory and published whole (or not at all).

    Raises
    ------
    ScenarioError
        If the data folder is unreadable, the date is before the data
        (:func:`~sim.empirical.world_data.check_date`) or nothing was voted on or after it.
    ResultsError
        If ``out`` cannot be written (or is a non-empty directory without ``force``).
    """
    data = load_datasets(data_folder)
    check_date(data, date)
    members = members_at(data, date)
    calls = agenda_calls(data, date)
    history = one_per_symbol(ties.earlier_calls(data, date, ties.HISTORY_DAYS))
    agenda = agenda_table(data, date, calls, members, history)
    parties = sorted(
        {t for t in agenda["target"] if t} | {s for v in agenda["sponsors"] for s in v.split()}
    )
    tables = {
        "countries": countries_table(data, members, date),
        "security": ties.alliances(data, date, members),
        "adversaries": ties.rivalries(data, date, members),
        "organisations": ties.organisations(data, date, members),
        "trade": ties.trade(data, date, members),
        "alignment": ties.alignment(data, date, members, parties),
        "agenda": agenda,
    }
    counts = {k: len(t) for k, t in tables.items()} | {
        "history": len(history),
        "precedents": int((agenda["precedents"] != "").sum()),
    }
    name = name or f"world_{date:%Y_%m_%d}"

    def fill(staging: Path) -> None:
        for key, table in tables.items():
            table.to_csv(staging / f"{key}.csv", index=False, lineterminator="\n")
        files = write_records(data, history, staging / "history", members)
        records = write_records(data, calls, staging / "records", members)
        known = [f"history/{f}" for f in files]
        issues = list(history["issue"])
        text = {
            "scenario.yaml": scenario_yaml(name, date, known, issues, members),
            "backtest.yaml": scenario_yaml(
                f"{name}_backtest",
                date,
                known + [f"records/{f}" for f in records],
                issues + list(calls["issue"]),
                members,
                backtest=True,
            ),
            "parameters.yaml": parameters_yaml(),
            "SOURCES.md": sources_md(date, counts, history, calls),
        }
        for file, body in text.items():
            (staging / file).write_text(body, encoding="utf-8")

    publish_dir(out, fill, force)
    return BuiltWorld(yaml=out / "scenario.yaml", counts=counts)


def scenario_yaml(
    name: str,
    date: dt.date,
    files: Sequence[str],
    issues: Sequence[str],
    members: list[str],
    *,
    backtest: bool = False,
) -> str:
    """Return the scenario file of a built world (tables beside it).

    ``files`` are the history's record files (paths in the folder) and ``issues`` theirs. The
    reference states are the United States and Russia, or the first two members where either
    is missing (a small test world). With ``backtest`` the agenda's own records are in the
    history (``files``): the rolling-origin test of ``alliance-sim backtest``, where each
    recorded vote is simulated with the records before it known (Tashman 2000).
    """
    n = len(members)
    poles = ["USA", "RUS"] if {"USA", "RUS"} <= set(members) else members[:2]
    day_before = date - dt.timedelta(days=1)
    built = f"# Built by `alliance-sim world build --date {date}`: every fact dated before {date}"
    lines = (
        [
            f"{built},",
            "# but the agenda's records, which are also in the history: for `alliance-sim",
            f"# backtest backtest.yaml --cutoff {day_before}` (each vote simulated with the votes",
            "# before it known). Not a forecast of the session: scenario.yaml is. SOURCES.md.",
        ]
        if backtest
        else [
            f"{built};",
            "# sources in SOURCES.md. The recorded votes of the agenda (records/) inform nothing.",
        ]
    )
    lines += [
        f"name: {yaml_scalar(name)}",
        f"description: The {n} UN members before {date}, from Voeten's UN votes, ATOP, TSS and "
        "COW IGO (SOURCES.md).",
        f"seed: {date:%Y%m%d}",
        f"reference_states: [{poles[0]}, {poles[1]}]",
        "issues:",
    ]
    for key, text in ISSUES.items():
        lines += [
            f"  {key}:",
            f"    description: {text}",
            f"    default_opinion: {DEFAULT_OPINION}",
            "    default_opinion_source: documented default rule (SOURCES.md), the same for "
            "every member",
        ]
    lines += [
        "parameters_file: parameters.yaml",
        "countries: countries.csv",
        "ties:",
        *[
            f"  {t}: {t}.csv"
            for t in ("security", "adversaries", "organisations", "alignment", "trade")
        ],
        "history:",
        *[f"  - {{record: {f}, issue: {issue}}}" for f, issue in zip(files, issues, strict=True)],
        "agenda: agenda.csv",
    ]
    return "\n".join(lines) + "\n"


def yaml_scalar(text: str) -> str:
    """Return ``text`` as a YAML scalar: as is if it reads back as itself, else double-quoted.

    A name such as ``world_2019_11_07`` stays plain; ``foo: [bar``, ``null`` or ``123`` are
    quoted (with escapes), so a scenario file always reads back its name.
    """
    if re.fullmatch(r"[A-Za-z0-9_\-]+", text) and yaml.safe_load(text) == text:
        return text
    return yaml.safe_dump(text, default_style='"', width=10**9).strip()


def parameters_yaml(
    fitted: dict[str, float] | None = None,
    header: Sequence[str] | None = None,
    start: Mapping[str, Any] | None = None,
) -> str:
    """Return the parameters file: ``start``'s values, some replaced by ``fitted``.

    ``start`` is the parameters the fit started from and kept (default
    :func:`default_parameters`, a built world's); ``fitted`` is a session fit (unrounded, so
    that the file reproduces its score with the parameters it kept) and ``header`` then says
    what was fitted on what.
    """
    lines = (
        list(header)
        if header is not None
        else [
            "# The model's default weights (no fit): nothing dated on or after the world's date",
            "# informs them. trade_weight, domestic_weight and quid_pro_quo_weight are 0 (COW",
            "# trade ends in 2014; no poll or favour sourced; SOURCES.md). Fit them on an earlier",
            "# session with `alliance-sim world fit`.",
        ]
    )
    kept = default_parameters() if start is None else kept_parameters(start)
    body = yaml.safe_dump({"parameters": kept | (fitted or {})}, sort_keys=False)
    return "\n".join(lines) + "\n" + body


def kept_parameters(start: Mapping[str, Any]) -> dict[str, Any]:
    """Return :data:`WRITTEN_PARAMETERS` from ``start``, then every other one not at its default.

    So a fitted file reproduces the scenario it was fitted on (its noise, reciprocity and so
    on), not only the weights a built world writes.
    """
    defaults = Parameters().model_dump()
    kept = {n: start[n] for n in WRITTEN_PARAMETERS}
    return kept | {
        n: v for n, v in start.items() if n not in kept and defaults.get(n, object()) != v
    }


def sources_md(
    date: dt.date, counts: dict[str, int], history: pd.DataFrame, calls: pd.DataFrame
) -> str:
    """Return the generated SOURCES.md: every dataset, version, licence, rule and cut-off."""
    span = f"{history['date'].min()} to {history['date'].max()}" if len(history) else "none"
    return SOURCES_TEMPLATE.format(
        date=date,
        span=span,
        agenda_span=f"{calls['date'].min()} to {calls['date'].max()}",
        agenda_rows=counts["agenda"],
        **{k: v for k, v in counts.items() if k != "agenda"},
        history_days=ties.HISTORY_DAYS,
        day_before=date - dt.timedelta(days=1),
        years=ties.ALIGNMENT_YEARS,
        igo=ties.IGO_PARTNERS,
        trade_partners=ties.TRADE_PARTNERS,
    )


SOURCES_TEMPLATE = """# Sources of the world of {date}

Built by `alliance-sim world build --date {date}`. Every fact below is dated strictly before
{date}, except the agenda's sponsors (below, "Rules"): they are named on each item's draft,
which the Assembly circulates before the item's vote (rule 78 of its rules of procedure, "as a
general rule ... not later than the day preceding the meeting"), so they are dated before the
vote they fix, not before {date}, and not checked draft by draft (the data gives no draft
date). The yearly datasets are read in the last year that ended before {date}.

Each table, its rows, its dataset (version, licence) and the rule that cut it:

- `countries.csv` ({countries}): UN membership (`states.csv`, the UN's member list): admitted in
  a year before {date}, or recorded voting before it.
- `security.csv` ({security}): ATOP v5.1 (Leeds et al. 2002; free for research use with
  citation), via peacesciencer 1.2.9 (GPL-2): a defence, offence or consultation pledge in
  force in the year before the date; weight 0.5, as un_2022 codes an alliance.
- `adversaries.csv` ({adversaries}): strategic rivalries of Thompson, Sakuwa & Suhas (2022), via
  peacesciencer 1.2.9: begun before the date's year and active in the year before; weight 1,
  mutual.
- `organisations.csv` ({organisations}): COW IGO v3 (Pevehouse et al. 2020; COW data are free
  with citation), dyad-years to 2014, via peacesciencer 1.2.9: each state's {igo} partners with
  the most joint IGO memberships in the last year before the date that the data covers, weight
  = share of their count (approx.: COW IGO gives counts, not the organisations).
- `trade.csv` ({trade}): COW Dyadic Trade v4.0 (Barbieri & Keshk 2016; COW data are free with
  citation), via peacesciencer 0.4.9 (`cow_trade_ndy`, commit 3db24a5; later moved out of the
  package for size; extract in `data/trade/`): each state's {trade_partners} largest partners
  in the last year before the date that the data covers (it ends in 2014: approx. for later
  worlds), weight = the partner's share of the state's trade (imports plus exports) with
  members. trade_weight is 0 (stale for most dates; one rule for every date); the table is
  there to fit it (`world fit --fit trade_weight=0:3`).
- `countries.csv` column `democracy`: V-Dem v10's electoral democracy index `v2x_polyarchy`
  (Coppedge et al. 2020; CC BY-SA 4.0) in the year before the date, via peacesciencer 1.2.9
  (`ccode_democracy`, unchanged since commit 2bb3321; extract in `data/democracy/`); the 21
  members V-Dem does not code take the value predicted from Marquez's extended Unified
  Democracy Scores (Pemstein, Meserve & Melton 2010; Marquez 2016) by the line fitted in the
  same year on the members coded by both (approx.; each row's `democracy_source` says which).
  Read by the regime channel (`sim/model/regime.py`, Gartzke 1998).
- `alignment.csv` ({alignment}): Voeten's UNGA votes (Harvard Dataverse hdl:1902.1/12379) via
  unvotes 0.3.0 (MIT): Häge's quadratic kappa with each agenda target over the roll calls of
  the {years} years before the date.
- `history/` ({history}): the same data: every roll call of the {history_days} days before the
  date ({span}), with its issue as Voeten codes it; one per resolution
  symbol: the titled vote on the whole text (Voeten's separate votes on a resolution's
  paragraphs share its symbol, have no title and are left out).
- `agenda.csv` ({agenda_rows}): the same data: every roll call of the session from the date on
  ({agenda_span}); `id` is the resolution symbol (`R/68/262` written as `A/RES/68/262`).
- Titles (history and agenda): the resolution's title as the UN library catalogues it, suffix
  (` : resolution / adopted by ...`) cut: Voeten's `short`, except in sessions 58-70, where
  `short` holds a catalogue subject heading (`ARMED CONFLICTS PREVENTION--MEDIATION` for
  A/RES/68/262) and `descr` the catalogued title (`Territorial integrity of Ukraine`): there
  `descr` (the rule: `descr` where it carries the catalogue suffix and `short` does not;
  `sim.empirical.world_data.title_of`). Sessions 71-74 keep `short`.

## Issues

Voeten's codes (`un_roll_call_issues`): me Palestinian conflict, nu nuclear weapons, di arms
control, hr human rights, co colonialism, ec economic development; a roll call with several
codes takes the first of me, hr, co, nu, di, ec; one without a code is `other`. Each issue's
default opinion is 0 (no poll was sourced, so no public is given a lean), the same for every
member.

## Rules used where the data is silent

- **Sponsors**: not in Voeten's data. Where the data folder's `un_sponsors.csv` lists the
  resolution (session 74: the UN's machine-readable resolutions, github.com/UNxml/GAresolutions,
  field `sponsors`, the states named on the draft itself; a group's speaker counts for the
  group), its member sponsors vote yes; elsewhere an item has no sponsors. Later co-sponsors
  (`additional_sponsors`, named in addenda that may be issued on the day of the vote) are not
  used.
- **Target**: for a title affirming a member's territorial integrity (`Territorial integrity
  of <member>`), the member that state named as acting against its territory in its latest
  complaint to the Security Council dated before the date (the data folder's
  `sc_complaints.csv`: complainant, accused, date, document, sources; one row, Ukraine naming
  Russia on 28 February 2014), or none without such a complaint; else the state a title names
  (Iran, Syria, Myanmar, the DPRK; Russia for the Crimea texts; the United States for the
  embargo on Cuba), else the member with most no votes on the item's issue in the
  {history_days} days before the date (a count of earlier recorded votes; over all issues where
  the issue had fewer than 3 roll calls then); none where that state sponsors the item, and
  none where this last rule's state voted yes or abstained on the item's precedent (below: its
  own recorded vote on the same text says it did not act as the text's target). The
  territorial-integrity rule and the title rule above were written after the issue rule had
  been seen to make Israel the target of A/RES/68/262 (then titled by its subject heading); the
  territorial rule fits one title in Voeten's data 1946-2019, that one. The precedent rule was
  written after the model's misses on session 74 had been seen: the United States fixed at no,
  as the issue's most frequent no voter, on texts it had voted for or abstained on in session 73.
- **Accountability**: no poll on these issues was sourced, so the domestic channel (which
  multiplies accountability by opinion) stays off: every `domestic_pressure` is 0 and
  `domestic_weight` is 0. The democracy index feeds the regime channel instead.
- **Arms transfers**: SIPRI shares were not rebuilt for this date; the security channel holds
  alliances only.
- **Favours**: none sourced; quid_pro_quo_weight is 0.
- **Majority**: simple majority for every item (the recorded outcome is not used).
- **Weights**: `parameters.yaml` holds the model's defaults (no weight fitted on a later vote),
  with trade, domestic and quid pro quo off; `alliance-sim world fit` fits a few of them on an
  earlier session's records (as `tools/bundle_unga_74.py` does for unga_74 on session 73).
- **Precedents** ({precedents} of {agenda_rows} items): an agenda item's precedent is the latest
  roll call in `history/` with exactly its title (the title above; an item without a title
  has none): the same text voted in an earlier session. A state's vote
  on it is its own record for the item (commitment channel), ahead of its later votes on the
  issue. It is the rule of the persistence baseline of `alliance-sim world score` (each state
  votes as on that roll call; one function, `sim.empirical.recurring.latest_by_title`, serves
  both). The history is dated before {date}, so every precedent precedes its item.

The agenda's own recorded votes are in `records/` for scoring; the scenario does not read them.
`backtest.yaml` is the same world with them added to its history, for the rolling-origin test
`alliance-sim backtest backtest.yaml --cutoff {day_before}`: each recorded vote simulated with
the votes before it known (a one-step-ahead test, not a forecast of the session).
"""
