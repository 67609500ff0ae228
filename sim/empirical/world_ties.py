"""Dated tables of a built world: ties, alignment, history and the agenda's parties.

Each function takes the :class:`~sim.empirical.world_data.Datasets` and the world's date and
returns a table whose every row carries its source and a date strictly before the world's
date. The yearly IR datasets are read in the last year that ended before the date (a fact
observed in year ``Y`` is dated 31 December ``Y``), so nothing from the date's own year is
used.
"""

from __future__ import annotations

import datetime as dt
import re

import numpy as np
import pandas as pd

from sim.empirical.world_data import Datasets, kappa, vote_matrix

PACKAGED = "as packaged by the R package peacesciencer 1.2.9 (Miller 2022)"
ALLIANCE_WEIGHT = 0.5
"""Security-tie weight of an ATOP pledge, as un_2022 codes an alliance."""
IGO_PARTNERS = 20
"""Each state's organisation ties: its partners with the most joint IGO memberships."""
HISTORY_DAYS = 400
"""History: the roll calls of the 400 days before the date (the last session)."""
MIN_ISSUE_CALLS = 3
"""Fewest roll calls on an issue in the history window for an issue-specific target."""
ALIGNMENT_YEARS = 3
"""Prior alignment: kappa over the roll calls of the three years before the date."""
TITLE_TARGETS: tuple[tuple[str, str, str], ...] = (
    ("Islamic Republic of Iran", "IRN", "the state named in the title"),
    ("Syrian Arab Republic", "SYR", "the state named in the title"),
    ("Myanmar", "MMR", "the state named in the title"),
    ("Democratic People's Republic of Korea", "PRK", "the state named in the title"),
    (
        "Crimea",
        "RUS",
        "the occupying power of Crimea (Ukraine's territory named in the title), as un_2022",
    ),
    ("embargo imposed by the United States", "USA", "the state named in the title"),
)
"""Titles that name the state a resolution is directed at (first match wins)."""


def year_before(date: dt.date, table: pd.DataFrame) -> int:
    """Return the last year before the date's year that the yearly table covers."""
    return int(min(date.year - 1, int(table["year"].max())))


def alliances(data: Datasets, date: dt.date, members: list[str]) -> pd.DataFrame:
    """ATOP v5.1 defence, offence or consultation pledges in force in the year before."""
    year = year_before(date, data.atop)
    t = data.atop[(data.atop["year"] == year) & data.atop["a"].isin(members)]
    t = t[t["b"].isin(members) & (t["a"] != t["b"])]
    flags = ("atop_defense", "atop_offense", "atop_consul")
    t = t[t[list(flags)].max(axis=1) == 1]
    kind = t[list(flags)].apply(
        lambda r: "+".join(f.removeprefix("atop_") for f in flags if r[f] == 1), axis=1
    )
    out = pd.DataFrame(
        {
            "country": t["a"],
            "partner": t["b"],
            "weight": ALLIANCE_WEIGHT,
            "kind": "alliance (" + kind + ")",
            "date": f"{year}-12-31",
            "source": f"ATOP v5.1 dyad-year {year} (SOURCES.md)",
        }
    )
    return out.drop_duplicates(["country", "partner"]).sort_values(["country", "partner"])


def rivalries(data: Datasets, date: dt.date, members: list[str]) -> pd.DataFrame:
    """TSS strategic rivalries begun before the date's year and active in the year before."""
    year = date.year - 1
    t = data.tss[(data.tss["start"] <= year) & (data.tss["end"] >= year)]
    t = t[t["a"].isin(members) & t["b"].isin(members)]
    columns = (t["a"], t["b"], t["tssr_id"], t["rivalry"], t["start"], t["end"])
    rows = [
        {
            "country": min(str(a), str(b)),
            "partner": max(str(a), str(b)),
            "weight": 1.0,
            "mutual": "true",
            "date": f"{int(start)}-01-01",
            "source": f"Thompson, Sakuwa & Suhas (2022) strategic rivalry no. {int(rid)} "
            f"'{name}', {int(start)}-{int(end)} {PACKAGED}",
        }
        for a, b, rid, name, start, end in zip(*columns, strict=True)
    ]
    out = pd.DataFrame(rows, columns=["country", "partner", "weight", "mutual", "date", "source"])
    return out.drop_duplicates(["country", "partner"]).sort_values(["country", "partner"])


def organisations(data: Datasets, date: dt.date, members: list[str]) -> pd.DataFrame:
    """COW IGO v3 joint memberships: each state's top partners, weight = share of their count.

    COW IGO gives counts, not organisations, so each state's ties are its
    :data:`IGO_PARTNERS` partners with the most joint memberships (ties broken by ISO3), each
    weighted by its share of their total (approximation of one row per organisation).
    """
    year = year_before(date, data.igo)
    t = data.igo[(data.igo["year"] == year) & data.igo["a"].isin(members)]
    t = t[t["b"].isin(members) & (t["dyadigos"] > 0)]
    both = pd.concat(
        [
            t[["a", "b", "dyadigos"]],
            t[["b", "a", "dyadigos"]].set_axis(["a", "b", "dyadigos"], axis=1),
        ]
    ).drop_duplicates(["a", "b"])
    both = both.sort_values(["a", "dyadigos", "b"], ascending=[True, False, True])
    top = both.groupby("a", sort=True).head(IGO_PARTNERS)
    share = top["dyadigos"] / top.groupby("a")["dyadigos"].transform("sum")
    out = pd.DataFrame(
        {
            "country": top["a"],
            "partner": top["b"],
            "weight": share.round(6),
            "kind": "COW IGO joint memberships (count "
            + top["dyadigos"].astype(int).astype(str)
            + ")",
            "date": f"{year}-12-31",
            "source": f"COW IGO v3 dyad-year {year} (SOURCES.md)",
        }
    )
    return out.sort_values(["country", "partner"]).reset_index(drop=True)


def earlier_calls(data: Datasets, date: dt.date, days: int) -> pd.DataFrame:
    """Roll calls dated in the ``days`` before the date (strictly before it)."""
    calls = data.roll_calls
    return calls[(calls["date"] < date) & (calls["date"] >= date - dt.timedelta(days=days))]


def alignment(
    data: Datasets, date: dt.date, members: list[str], parties: list[str]
) -> pd.DataFrame:
    """Each member's kappa with each party over the roll calls of the years before the date."""
    calls = earlier_calls(data, date, 365 * ALIGNMENT_YEARS)
    matrix = vote_matrix(data, list(calls["rcid"]), members)
    index = {s: i for i, s in enumerate(members)}
    last = calls["date"].max()
    source = "kappa, SOURCES.md"
    rows = []
    for state in members:
        for party in parties:
            if party == state:
                continue
            value = kappa(matrix[index[state]], matrix[index[party]])
            if np.isnan(value):
                continue
            rows.append(
                {
                    "country": state,
                    "partner": party,
                    "weight": round(value, 4),
                    "date": str(last),
                    "source": source,
                }
            )
    return pd.DataFrame(rows, columns=["country", "partner", "weight", "date", "source"])


def issue_targets(data: Datasets, date: dt.date, members: list[str]) -> dict[str, str]:
    """Return each issue's default target: the member with most no votes on it lately.

    Counted over the roll calls of the history window (:data:`HISTORY_DAYS`); ties go to the
    first ISO3. An issue with fewer than :data:`MIN_ISSUE_CALLS` roll calls there takes the
    member with most no votes over all of them (one vote is no pattern).
    """
    calls = earlier_calls(data, date, HISTORY_DAYS)
    votes = data.votes[data.votes["rcid"].isin(calls["rcid"]) & data.votes["iso3"].isin(members)]
    noes = votes[votes["vote"] == "no"].merge(calls[["rcid", "issue"]], on="rcid")

    def most(table: pd.DataFrame) -> str | None:
        counts = table.groupby("iso3").size().reset_index(name="n")
        counts = counts.sort_values(["n", "iso3"], ascending=[False, True])
        return None if counts.empty else str(counts.iloc[0]["iso3"])

    overall = most(noes)
    out: dict[str, str] = {}
    sizes = calls["issue"].value_counts()
    for issue in sorted(set(calls["issue"]) | set(data.roll_calls["issue"])):
        enough = int(sizes.get(issue, 0)) >= MIN_ISSUE_CALLS
        target = most(noes[noes["issue"] == issue]) if enough else overall
        if target is not None:
            out[issue] = target
    return out


def territorial_target(
    data: Datasets, date: dt.date, title: str, members: list[str]
) -> tuple[str | None, str] | None:
    """Return the target of a title that affirms a member's territorial integrity, if it does.

    A title ``Territorial integrity of <member>`` (the member's name as ``states.csv`` writes
    it; the longest name that fits) is a text in that member's defence, so that member is not
    its target. Its target is the member the defended state named, in its latest complaint to
    the Security Council dated before the world's date (``sc_complaints.csv``, one sourced row
    per complaint), as acting against its territory; with no such complaint the item has no
    target: the issue's default (most no votes on the issue) says nothing about a text in one
    state's defence. Returns ``(target or None, why)``, or None if the title is not of this form.
    This rule was written after the issue-default rule had been seen to make Israel the target
    of A/RES/68/262 ("Territorial integrity of Ukraine", the one title of this form in Voeten's
    data 1946-2019).
    """
    names = dict(zip(data.members["iso3"], data.members["name"], strict=True))
    lowered = title.lower()
    candidates = sorted((s for s in members if s in names), key=lambda s: -len(names[s]))
    state = next(
        (s for s in candidates if f"territorial integrity of {names[s].lower()}" in lowered), None
    )
    if state is None:
        return None
    table = data.complaints
    earlier = table[
        (table["complainant"] == state)
        & (table["date"] < date)
        & table["accused"].isin(members)
        & (table["accused"] != state)
    ]
    if earlier.empty:
        return None, (
            f"none (the title affirms the territorial integrity of {state}, and no complaint "
            f"of {state} to the Security Council before the world's date names another member)"
        )
    latest = earlier.sort_values("date", kind="stable").iloc[-1]
    return str(latest["accused"]), (
        f"the member {state} named before the Security Council on {latest['date']} as acting "
        f"against its territory, whose integrity the title affirms ({latest['document']}; "
        "sc_complaints.csv)"
    )


def title_target(title: str, members: list[str]) -> tuple[str, str] | None:
    """Return the state a title names as the resolution's object (:data:`TITLE_TARGETS`), if any."""
    for pattern, state, why in TITLE_TARGETS:
        if re.search(re.escape(pattern), title) and state in members:
            return state, why
    return None


TRADE_PARTNERS = 20
"""Each state's trade ties: its partners with the most trade (imports plus exports)."""
TRADE_SOURCE = "COW Dyadic Trade v4.0 (Barbieri & Keshk 2016)"


def trade(data: Datasets, date: dt.date, members: list[str]) -> pd.DataFrame:
    """COW trade shares: each state's top partners, weight = share of its trade with members.

    Read in the last year before the date's that COW Trade v4.0 covers (it ends in 2014, so a
    2019 world reads 2014: approx.). A state's total is its imports plus exports with every
    member that year; its ties are its :data:`TRADE_PARTNERS` largest partners (ties broken by
    ISO3), so its weights sum to at most 1 (Oneal & Russett 1999 measure dependence the same
    way).
    """
    columns = ["country", "partner", "weight", "kind", "date", "source"]
    if data.trade.empty:
        return pd.DataFrame(columns=columns)
    year = year_before(date, data.trade)
    t = data.trade[(data.trade["year"] == year) & data.trade["a"].isin(members)]
    t = t[t["b"].isin(members) & (t["a"] != t["b"])]
    flow = t["flow1"].fillna(0).clip(lower=0) + t["flow2"].fillna(0).clip(lower=0)
    both = pd.concat(
        [
            pd.DataFrame({"a": t["a"], "b": t["b"], "flow": flow}),
            pd.DataFrame({"a": t["b"], "b": t["a"], "flow": flow}),
        ]
    )
    summed = both[both["flow"] > 0].groupby(["a", "b"], as_index=False).agg(flow=("flow", "sum"))
    total = summed.groupby("a")["flow"].transform("sum")
    ranked = summed.assign(share=summed["flow"] / total)
    both = ranked.sort_values(["a", "share", "b"], ascending=[True, False, True])
    top = both.groupby("a", sort=True).head(TRADE_PARTNERS)
    out = pd.DataFrame(
        {
            "country": top["a"],
            "partner": top["b"],
            "weight": np.floor(top["share"] * 1e6) / 1e6,  # rows never sum above 1
            "kind": "trade (" + top["flow"].round(1).astype(str) + " million USD)",
            "date": f"{year}-12-31",
            "source": f"{TRADE_SOURCE} dyad-year {year} (SOURCES.md)",
        }
    )
    out = out[out["weight"] > 0]
    return out[columns].sort_values(["country", "partner"]).reset_index(drop=True)


def democracy(data: Datasets, date: dt.date, members: list[str]) -> dict[str, tuple[float, str]]:
    """Each member's V-Dem electoral democracy index in the last year before the date's.

    V-Dem v10's ``v2x_polyarchy`` (Coppedge et al. 2020) in [0, 1]. V-Dem does not code 21 small
    members (Andorra, Monaco, the Pacific and Caribbean islands ...): for them the value is
    predicted from Marquez's extension of the Unified Democracy Scores (``xm_qudsest``, Pemstein,
    Meserve & Melton 2010) by the least-squares line fitted, in the same year, on the members
    V-Dem does code (approx.; the UDS extension ends in 2017, so its latest year up to then).
    Returns each covered member's value and its source; members in neither are left out.
    """
    table = data.democracy
    if table.empty:
        return {}
    year = int(min(date.year - 1, int(table["year"].max())))
    now = table[(table["year"] == year) & table["iso3"].isin(members)].set_index("iso3")
    values = {str(k): float(v) for k, v in now["v2x_polyarchy"].dropna().items()}
    out = {s: (round(v, 4), f"V-Dem v10 v2x_polyarchy {year}") for s, v in values.items()}
    uds_year = int(min(year, int(table.dropna(subset=["xm_qudsest"])["year"].max())))
    uds = table[(table["year"] == uds_year) & table["iso3"].isin(members)].set_index("iso3")
    both = uds["xm_qudsest"].dropna().index.intersection(list(values))
    slope, intercept = np.polyfit(
        uds.loc[both, "xm_qudsest"].to_numpy(float), [values[s] for s in both], 1
    )
    for state, score in uds["xm_qudsest"].dropna().items():
        if state not in values:
            value = float(np.clip(intercept + slope * score, 0.0, 1.0))
            out[str(state)] = (
                round(value, 4),
                f"approx.: not in V-Dem; Marquez extended UDS {uds_year} "
                f"({score:.3f}) on the line fitted to V-Dem {year}",
            )
    return out
