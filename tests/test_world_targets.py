"""A built world's titles and targets: the catalogued title, and texts on territorial integrity.

Both rules were written after the old ones had made Israel the target of A/RES/68/262
("Territorial integrity of Ukraine", titled by its subject heading); README and SOURCES.md say so.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest

from sim.empirical.world_data import Datasets, read_complaints, title_of
from sim.empirical.world_ties import territorial_target
from sim.scenario.errors import ScenarioError

SUFFIX = " : resolution / adopted by the General Assembly"


@pytest.mark.parametrize(
    ("short", "descr", "title"),
    [
        # sessions 58-70: a subject heading in short, the catalogued title in descr
        (
            "ARMED CONFLICTS PREVENTION--MEDIATION",
            "Territorial integrity of Ukraine" + SUFFIX,
            "Territorial integrity of Ukraine",
        ),
        # sessions 71-73: the catalogued title in short, the agenda item in descr
        (
            "Jerusalem" + SUFFIX,
            "A/72/251 37 - The situation in the Middle East. - MIDDLE EAST SITUATION",
            "Jerusalem",
        ),
        # session 74: the bare title in both
        ("Harmony with nature", "Harmony with nature ", "Harmony with nature"),
        # a paragraph vote: no short title, descr a passage of the verbatim record
        (None, "The Acting President: I now put to the vote operative paragraph 2. A", ""),
        # both catalogued: short is kept
        ("Old" + SUFFIX, "New" + SUFFIX, "Old"),
        # no descr column at all
        ("HUMAN RIGHTS ADVANCEMENT", None, "HUMAN RIGHTS ADVANCEMENT"),
    ],
)
def test_the_title_is_the_field_holding_the_catalogued_title(
    short: str | None, descr: str | None, title: str
) -> None:
    assert title_of(short, descr) == title


def _data(complaints: list[tuple[str, str, str]]) -> Datasets:
    members = pd.DataFrame(
        {
            "iso3": ["UKR", "RUS", "GIN", "GNB", "ISR"],
            "name": ["Ukraine", "Russian Federation", "Guinea", "Guinea-Bissau", "Israel"],
            "admitted": [1945, 1945, 1958, 1974, 1949],
        }
    )
    table = pd.DataFrame(
        {
            "complainant": [c[0] for c in complaints],
            "accused": [c[1] for c in complaints],
            "date": [dt.date.fromisoformat(c[2]) for c in complaints],
            "document": [f"complaint {i}" for i in range(len(complaints))],
            "source": "test",
        }
    )
    empty = pd.DataFrame()
    return Datasets(
        folder=Path("."),
        members=members,
        roll_calls=empty,
        votes=empty,
        atop=empty,
        tss=empty,
        igo=empty,
        sponsors={},
        complaints=table,
    )


MEMBERS = ["GIN", "GNB", "ISR", "RUS", "UKR"]
DAY = dt.date(2014, 3, 1)


def test_a_text_on_a_members_territorial_integrity_targets_the_state_it_accused() -> None:
    data = _data([("UKR", "ISR", "2010-01-01"), ("UKR", "RUS", "2014-02-28")])
    target, why = territorial_target(data, DAY, "Territorial integrity of Ukraine", MEMBERS) or (
        None,
        "",
    )
    # the latest complaint before the date wins
    assert target == "RUS"
    assert "UKR named before the Security Council on 2014-02-28" in why
    assert "complaint 1" in why


def test_a_complaint_on_or_after_the_worlds_date_does_not_count() -> None:
    data = _data([("UKR", "RUS", "2014-03-01"), ("UKR", "RUS", "2014-03-15")])
    assert territorial_target(data, DAY, "Territorial integrity of Ukraine", MEMBERS) == (
        None,
        "none (the title affirms the territorial integrity of UKR, and no complaint of UKR to "
        "the Security Council before the world's date names another member)",
    )


def test_only_that_form_of_title_and_the_longest_member_name_count() -> None:
    data = _data([("GNB", "ISR", "2000-01-01"), ("GIN", "RUS", "2000-01-01")])
    # Guinea-Bissau, not Guinea, though "Guinea" is in the title too
    named = territorial_target(data, DAY, "Territorial integrity of Guinea-Bissau", MEMBERS)
    assert named is not None and named[0] == "ISR"
    assert territorial_target(data, DAY, "The situation in Ukraine", MEMBERS) is None
    # a complaint naming a state that is no member then counts for nothing
    assert territorial_target(data, DAY, "Territorial integrity of Guinea", ["GIN"]) == (
        None,
        "none (the title affirms the territorial integrity of GIN, and no complaint of GIN to "
        "the Security Council before the world's date names another member)",
    )


def test_the_complaints_table_is_checked(tmp_path: Path) -> None:
    assert read_complaints(tmp_path / "none.csv").empty
    path = tmp_path / "sc_complaints.csv"
    path.write_text("complainant,accused,date,document\nUKR,RUS,2014-02-28,x\n")
    with pytest.raises(ScenarioError, match="source: missing column"):
        read_complaints(path)
    path.write_text("complainant,accused,date,document,source\nUKR,RUS,28 Feb 2014,x,y\n")
    with pytest.raises(ScenarioError, match="date: must be ISO dates"):
        read_complaints(path)
    shipped = read_complaints(Path(__file__).resolve().parents[1] / "data" / "sc_complaints.csv")
    assert shipped[["complainant", "accused", "date"]].values.tolist() == [
        ["UKR", "RUS", dt.date(2014, 2, 28)]
    ]


@pytest.mark.parametrize(
    ("cast", "target"), [("no", "BBB"), ("abstain", ""), ("yes", ""), ("absent", "BBB")]
)
def test_a_state_that_did_not_oppose_the_same_text_before_is_not_its_target(
    cast: str, target: str, tmp_path: Path
) -> None:
    # The fixture's item A/RES/74/1 "Nuclear" repeats R/73/1; BBB, the member with most no
    # votes in the history, is the issue rule's target unless its own vote on R/73/1 says
    # otherwise.
    from sim.empirical.world_build import build_world
    from tests.test_worlds import DATE, _fixture

    data = _fixture(tmp_path / "data")
    path = data / "unvotes" / "un_votes.parquet"
    votes = pd.read_parquet(path)
    row = (votes["rcid"] == 1) & (votes["country_code"] == "BB")
    if cast == "absent":  # no recorded vote says anything: the rule's target stands
        votes = votes[~row]
    else:
        votes.loc[row, "vote"] = cast
    votes.to_parquet(path)
    build_world(data, DATE, tmp_path / "world")
    agenda = pd.read_csv(tmp_path / "world" / "agenda.csv", keep_default_na=False)
    assert agenda[["id", "precedents", "target"]].values.tolist() == [
        ["A/RES/74/1", "A/RES/73/1", target]
    ]
    why = "voted " + cast + " on the precedent"
    assert (why in agenda["source"].iloc[0]) == (target == "")


def test_a_target_the_title_names_stands_whatever_its_vote_on_the_precedent(
    tmp_path: Path,
) -> None:
    # "... embargo imposed by the United States of America against Cuba": the title names the
    # United States; it abstained on the text in 2016 and voted no in 2017, so its abstention
    # on the precedent does not overrule the title rule (only the default target).
    from sim.empirical.world_build import build_world
    from tests.test_worlds import DATE, _fixture

    data = _fixture(tmp_path / "data")
    title = (
        "Necessity of ending the economic, commercial and financial embargo imposed by the "
        "United States of America against Cuba"
    )
    states = pd.read_csv(data / "states.csv")
    states.loc[1, ["iso3", "name"]] = ["USA", "United States of America"]
    states.to_csv(data / "states.csv", index=False)
    path = data / "unvotes" / "un_roll_calls.parquet"
    calls = pd.read_parquet(path)
    calls.loc[calls["rcid"].isin([1, 3]), "short"] = title
    calls.to_parquet(path)
    votes_path = data / "unvotes" / "un_votes.parquet"
    votes = pd.read_parquet(votes_path)
    votes.loc[(votes["rcid"] == 1) & (votes["country_code"] == "BB"), "vote"] = "abstain"
    votes.to_parquet(votes_path)
    build_world(data, DATE, tmp_path / "world")
    agenda = pd.read_csv(tmp_path / "world" / "agenda.csv", keep_default_na=False)
    assert agenda[["precedents", "target"]].values.tolist() == [["A/RES/73/1", "USA"]]
