"""The 193-member world of March 2022: membership, provenance, and validation floors."""

from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd
import pycountry
import pytest

from sim.bundled import SCENARIOS_DIR
from sim.cli import main
from sim.empirical.ablate import ablate
from sim.empirical.validate import validate
from sim.scenario.loading import load_scenario

SCENARIO = SCENARIOS_DIR / "un_2022.yaml"
TABLES = SCENARIOS_DIR / "un_2022"
RECORD = SCENARIOS_DIR / "records" / "A_RES_ES-11_1.csv"


@pytest.fixture(scope="module")
def scenario():  # type: ignore[no-untyped-def]
    return load_scenario(SCENARIO).scenario


def test_membership_is_exactly_the_193_un_members(scenario) -> None:  # type: ignore[no-untyped-def]
    with (TABLES / "un_members_2022.csv").open() as handle:
        members = [row["ISO3"] for row in csv.DictReader(handle)]
    assert len(members) == 193
    ids = [c.id for c in scenario.countries]
    assert ids == members
    for iso3 in ids:
        assert pycountry.countries.get(alpha_3=iso3) is not None, iso3
    record = pd.read_csv(RECORD)
    assert sorted(record["iso3"]) == sorted(members)


def test_every_non_default_value_has_a_source(scenario) -> None:  # type: ignore[no-untyped-def]
    missing = []
    for c in scenario.countries:
        needs = ["domestic_pressure"]
        if c.arrears:
            needs.append("arrears")
        if c.patron_budget > 0:
            needs.append("patron_budget")
        if c.public_opinion:
            needs.append("opinion")
        missing += [f"{c.id}.{field}" for field in needs if not c.sources.get(field, "").strip()]
    for kind in ("trade", "security", "adversaries", "alignment", "organisations"):
        for i, tie in enumerate(getattr(scenario.ties, kind)):
            if not (tie.source or "").strip():
                missing.append(f"ties.{kind}[{i}]")
    missing += [
        f"favours[{i}]" for i, f in enumerate(scenario.favours) if not (f.source or "").strip()
    ]
    missing += [f"agenda.{r.id}" for r in scenario.agenda if not (r.source or "").strip()]
    missing += [
        f"suspensions[{i}]" for i, x in enumerate(scenario.suspensions) if not (x.source or "")
    ]
    missing += [f"polls[{i}]" for i, x in enumerate(scenario.polls) if not x.source.strip()]
    missing += [name for name, issue in scenario.issues.items() if not issue.default_opinion_source]
    assert missing == []


def test_sources_document_exists_and_names_every_table() -> None:
    text = (TABLES / "SOURCES.md").read_text()
    for table in ("countries.csv", "trade.csv", "security.csv", "adversaries.csv", "favours.csv"):
        assert table in text


@pytest.fixture(scope="module")
def report(scenario):  # type: ignore[no-untyped-def]
    return validate(scenario, RECORD, "ES-11/1").to_json()


def test_validation_floors_with_the_shipped_weights(report) -> None:  # type: ignore[no-untyped-def]
    assert report["baseline_accuracy"] == pytest.approx(141 / 193)
    assert report["accuracy"] >= 0.875  # 0.883 +/- 0.003 over 20 seeds with the shipped weights
    assert report["kappa"] >= 0.7
    # every mean simulated tally within 8 of the recorded one (the mechanisms issue's floor)
    for word, recorded in {"yes": 141, "abstain": 35, "no": 5, "absent": 12}.items():
        assert abs(report["tally"]["simulated"][word] - recorded) <= 8, word
    assert report["accuracy"] > report["baseline_accuracy"] + 0.1


def test_the_motivating_votes(report) -> None:  # type: ignore[no-untyped-def]
    wrong = {m["country"]: m["simulated"] for m in report["misses"]}
    for country in ("RUS", "BLR", "PRK", "SYR", "CHN", "IND"):
        assert country not in wrong, (country, wrong.get(country))
    # Eritrea's no is the one motivating vote the sourced data do not produce: no documented
    # favour, arms or treaty ties it to Russia, so it abstains (see README, "Validation").
    assert wrong.get("ERI") == "abstain"


def test_run_and_validate_agree(tmp_path: Path, report, capsys: pytest.CaptureFixture[str]) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "run"
    assert main(["run", str(SCENARIO), "--out", str(out), "--no-plots", "--rounds", "1"]) == 0
    votes = pd.read_parquet(out / "votes.parquet")
    simulated = votes[votes["resolution"] == "ES-11/1"].set_index("country")["vote"]
    recorded = pd.read_csv(RECORD).set_index("iso3")["vote"]
    assert (simulated == recorded.loc[simulated.index]).mean() == pytest.approx(report["accuracy"])


PREDICTED = {
    "trade": 3,
    "domestic": 3,
    "shared_adversaries": 0,
    "quid_pro_quo": 0,
}
"""The channels the mechanisms issue names, and how many ES-11/1 votes each decides alone with
the shipped weights. Quid pro quo and shared adversaries decide at most one: the states Russia
shielded vote with it on prior alignment and security ties as well (with prior alignment off,
quid pro quo alone decides five votes), and no vote turns on a shared adversary (README,
"Ablation")."""


@pytest.fixture(scope="module")
def ablation(scenario):  # type: ignore[no-untyped-def]
    return {
        row["channel"]: row for row in ablate(scenario, RECORD, "ES-11/1", 4).to_json()["channels"]
    }


@pytest.mark.parametrize("channel", sorted(PREDICTED))
def test_each_mechanism_moves_votes_the_way_its_rule_predicts(ablation, scenario, channel) -> None:  # type: ignore[no-untyped-def]
    # Leave the channel out (same seeds): the votes that change move against the channel's own
    # push for that state -- removing a pull toward yes moves the state toward no and the other
    # way round -- all but at most one of them. (Removing a channel also changes cross-pressure,
    # hence bands, and others' votes in the equilibrium.)
    changed = ablation[channel]["changed"]
    agree = [
        r
        for r in changed
        if r["pushed"] == ("toward yes" if r["contribution"] > 0 else "toward no")
    ]
    assert len(agree) >= PREDICTED[channel], (channel, changed)
    assert len(changed) - len(agree) <= 1, (channel, changed)
    countries = {c.id: c for c in scenario.countries}
    if channel == "domestic":  # the push has the sign of the public's opinion
        for row in agree:
            opinion = countries[row["country"]].public_opinion.get(
                "sovereignty", scenario.issues["sovereignty"].default_opinion
            )
            assert (opinion > 0) == (row["pushed"] == "toward yes"), row
    if channel == "quid_pro_quo":  # only states that owe one of the resolution's parties move
        item = next(r for r in scenario.agenda if r.id == "ES-11/1")
        parties = {*item.sponsors, item.target}
        debtors = {f.debtor for f in scenario.favours if f.creditor in parties}
        assert {row["country"] for row in agree} <= debtors, agree


def test_quid_pro_quo_decides_votes_once_prior_alignment_is_off(scenario) -> None:  # type: ignore[no-untyped-def]
    # The redundancy behind the small count above: without prior alignment, removing quid pro
    # quo frees at least three debtors of Russia that it had held toward no (others may move
    # with them in the equilibrium).
    parameters = scenario.parameters.model_copy(update={"prior_alignment_weight": 0.0})
    report = ablate(scenario.model_copy(update={"parameters": parameters}), RECORD, "ES-11/1", 2)
    changed = next(r for r in report.to_json()["channels"] if r["channel"] == "quid_pro_quo")[
        "changed"
    ]
    owe_russia = {f.debtor for f in scenario.favours if f.creditor == "RUS"}
    held = [r for r in changed if r["pushed"] == "toward no" and r["country"] in owe_russia]
    assert len(held) >= 3, changed
