"""Dated agendas: rounds are voting days, dated facts count only for later votes, history."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from conftest import QUIET, write_yaml

from sim.cli import main
from sim.empirical.backtest import backtest, persistence
from sim.model.votes import VOTE_WORDS
from sim.scenario.schema import Scenario
from sim.scenario.world import build_world, run_scenario

D1, D2, D3 = "2020-01-10", "2020-06-10", "2021-01-10"


def dated_world(
    countries: list[dict[str, Any]],
    agenda: list[dict[str, Any]],
    parameters: dict[str, Any] | None = None,
    **extra: Any,
) -> dict[str, Any]:
    """A scenario dict with a dated agenda, one issue ``x`` and every channel off."""
    return {
        "name": "dated",
        "reference_states": [countries[0]["id"], countries[1]["id"]],
        "issues": {"x": {"default_opinion": 0.0}},
        "parameters": {**QUIET, **(parameters or {})},
        "countries": [{"name": c["id"], "domestic_pressure": 0.0, **c} for c in countries],
        "agenda": [{"title": r["id"], "issue": "x", **r} for r in agenda],
        **extra,
    }


def votes(data: dict[str, Any], seed: int = 0) -> list[dict[str, str]]:
    model = run_scenario(Scenario.model_validate(copy.deepcopy(data)), rng=seed)
    return [
        {c: VOTE_WORDS[v] for c, v in zip(model.world.ids, r.votes, strict=True)}
        for r in model.record.votes
    ]


def record(resolution: str, date: str, votes: dict[str, str]) -> dict[str, Any]:
    return {"resolution": resolution, "date": date, "issue": "x", "votes": votes}


THREE = [
    {"id": "R1", "date": D1, "target": "T", "sponsors": ["S"]},
    {"id": "R2", "date": D2, "target": "T", "sponsors": ["S"]},
    {"id": "R3", "date": D3, "target": "T", "sponsors": ["S"]},
]


def test_rounds_are_voting_days_in_date_order() -> None:
    data = dated_world(
        [{"id": "S"}, {"id": "T"}],
        [THREE[2], {**THREE[0], "id": "R0"}, THREE[0], THREE[1]],  # two items on D1
    )
    timeline = build_world(Scenario.model_validate(data)).timeline
    assert timeline.rounds == 3
    assert [str(d) for d in timeline.days] == [D1, D2, D3]
    assert timeline.agenda == {1: (1, 2), 2: (3,), 3: (0,)}  # agenda order within a day


def test_a_favour_counts_only_for_votes_after_its_date() -> None:
    countries = [{"id": "S"}, {"id": "T"}, {"id": "N"}]
    favour = {"debtor": "N", "creditor": "T", "amount": 2.0, "event": "veto"}
    on_d1 = dated_world(
        countries, THREE[:2], {"quid_pro_quo_weight": 1.0}, favours=[{**favour, "date": D1}]
    )
    # dated on the day of R1 (not before it): no pull on R1, owed by R2
    assert [v["N"] for v in votes(on_d1)] == ["abstain", "no"]
    before = copy.deepcopy(on_d1)
    before["favours"][0]["date"] = "2019-12-31"
    assert [v["N"] for v in votes(before)] == ["no", "no"]
    after = copy.deepcopy(on_d1)
    after["favours"][0]["date"] = "2020-12-31"  # after both votes: never granted
    assert [v["N"] for v in votes(after)] == ["abstain", "abstain"]
    assert build_world(Scenario.model_validate(after)).unused_favours == 1


def test_a_dated_tie_counts_only_for_votes_after_its_date() -> None:
    data = dated_world(
        [{"id": "S"}, {"id": "T"}, {"id": "C"}],
        THREE[:2],
        {"trade_weight": 1.0},
        ties={"trade": [{"country": "C", "partner": "S", "weight": 0.5, "date": "2020-03-01"}]},
    )
    assert [v["C"] for v in votes(data)] == ["abstain", "yes"]


def test_a_tie_with_an_end_counts_only_for_votes_before_it() -> None:
    """A tie dated between R1 and R2 that ends on R3's day pulls C on R2 only."""
    tie = {"country": "C", "partner": "S", "weight": 0.5, "date": "2020-03-01", "until": D3}
    data = dated_world(
        [{"id": "S"}, {"id": "T"}, {"id": "C"}],
        THREE,
        {"trade_weight": 1.0},
        ties={"trade": [tie]},
    )
    assert votes(data) == [
        {"S": "yes", "T": "no", "C": "abstain"},
        {"S": "yes", "T": "no", "C": "yes"},
        {"S": "yes", "T": "no", "C": "abstain"},
    ]
    world = build_world(Scenario.model_validate(data))
    assert world.tie_rounds == {2, 3}
    # ended before the first vote: it never counts; undated start, later end: counts until then
    never = copy.deepcopy(data)
    never["ties"]["trade"][0].update(date=None, until=D1)
    assert [v["C"] for v in votes(never)] == ["abstain"] * 3
    early = copy.deepcopy(data)
    early["ties"]["trade"][0].update(date=None, until="2020-06-11")
    assert [v["C"] for v in votes(early)] == ["yes", "yes", "abstain"]


def test_a_tie_that_ends_before_it_starts_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    tie = {"country": "C", "partner": "S", "weight": 0.5, "date": D2, "until": D2}
    data = dated_world([{"id": "S"}, {"id": "T"}, {"id": "C"}], THREE, ties={"trade": [tie]})
    path = write_yaml(tmp_path / "s.yaml", data)
    assert main(["run", str(path), "--out", str(tmp_path / "o"), "--no-plots"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.splitlines() == [err]
    assert "s.yaml" in err
    assert "ties.trade[0].until: 2020-06-10 is not after date 2020-06-10" in err
    assert not (tmp_path / "o").exists()


def test_suspensions_and_polls_count_for_votes_after_their_dates() -> None:
    data = dated_world(
        [{"id": "S"}, {"id": "T"}, {"id": "P"}, {"id": "Q", "domestic_pressure": 1.0}],
        THREE,
        {"domestic_weight": 1.0},
        suspensions=[
            {"country": "P", "start": "2020-01-01", "end": D2, "reason": "Article 19 arrears"}
        ],
        polls=[
            {
                "country": "Q",
                "issue": "x",
                "value": 0.9,
                "fieldwork_end": "2020-05-01",
                "source": "a survey",
            },
            {"country": "Q", "issue": "x", "value": -0.9, "fieldwork_end": D2, "source": "later"},
        ],
    )
    got = votes(data)
    assert [v["P"] for v in got] == ["absent", "absent", "abstain"]  # restored after D2
    assert [v["Q"] for v in got] == ["abstain", "yes", "no"]  # D2's own poll counts for D3 only


def test_history_sets_expected_and_own_positions() -> None:
    # A and B trade only with each other: yes-yes, no-no and abstain-abstain are all
    # equilibria; where the iterations start decides which one is reached.
    countries = [
        {"id": "S"},
        {"id": "T"},
        {"id": "A"},
        {"id": "B"},
        {"id": "C"},
    ]
    ties = {
        "trade": [
            {"country": "A", "partner": "B", "weight": 1.0},
            {"country": "B", "partner": "A", "weight": 1.0},
        ]
    }
    agenda = [THREE[2]]
    plain = dated_world(countries, agenda, {"trade_weight": 1.0}, ties=ties)
    assert (votes(plain)[0]["A"], votes(plain)[0]["B"]) == ("abstain", "abstain")
    yes_then_no = {
        **plain,
        "history": [
            record("OLD", "2019-01-01", {"A": "yes", "B": "yes", "C": "no"}),
            record("NEWER", "2020-01-01", {"A": "no", "B": "no", "C": "absent"}),
            record("LATER", "2022-01-01", {"A": "yes", "B": "yes"}),  # after the vote
        ],
    }
    assert (votes(yes_then_no)[0]["A"], votes(yes_then_no)[0]["B"]) == ("no", "no")
    facts = build_world(Scenario.model_validate(yes_then_no)).resolutions["R3"]
    # latest cast vote before the vote: A, B no (2020); C no (2019; absent in 2020 is no vote)
    assert facts.known.position.tolist() == [0.0, 0.0, -1.0, -1.0, -1.0]
    assert facts.known.known.tolist() == [False, False, True, True, True]
    day = {"A": "2020-01-01", "C": "2019-01-01"}
    assert facts.known.time[2] == np.datetime64(day["A"]).astype(int) + 719163
    assert facts.known.time[4] == np.datetime64(day["C"]).astype(int) + 719163


def test_a_recorded_vote_drives_what_follows_it() -> None:
    # N owes T; R1's record shows N voting yes (against its creditor), which repays nothing,
    # while the simulation has N vote no and repay. What follows R1 rests on the record.
    countries = [{"id": "S"}, {"id": "T"}, {"id": "N"}]
    favour = {"debtor": "N", "creditor": "T", "amount": 0.25, "event": "veto", "date": "2019-01-01"}
    data = dated_world(
        countries,
        THREE[:2],
        {"quid_pro_quo_weight": 1.0, "favour_credit": 0.25, "abstention_band": 0.2},
        favours=[favour],
    )
    free = run_scenario(Scenario.model_validate(copy.deepcopy(data)), rng=0, rounds=1)
    assert free.ledger.balance[2, 1] == 0.0  # N repaid by voting no on R1
    data["history"] = [record("R1", D1, {"S": "yes", "T": "no", "N": "yes"})]
    known = run_scenario(Scenario.model_validate(data), rng=0, rounds=1)
    assert known.ledger.balance[2, 1] == 0.25  # the record says N did not repay
    assert VOTE_WORDS[known.record.votes[0].votes[2]] == "no"  # R1 itself is still predicted


def test_timeline_errors_name_the_field(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    base = dated_world([{"id": "S"}, {"id": "T"}], THREE[:2])
    cases = {
        "agenda[1].round: 1, but 2020-06-10 is voting day 2": {
            "agenda": [
                {**THREE[0], "title": "R1", "issue": "x"},
                {**THREE[1], "round": 1, "title": "R2", "issue": "x"},
            ]
        },
        "rounds: 5, but the dated agenda has 2 voting days": {"rounds": 5},
        "favours[0].date: required on a dated agenda": {
            "favours": [{"debtor": "S", "creditor": "T", "amount": 1, "event": "e"}]
        },
        "agenda[0].repeat_every: needs numbered rounds": {
            "agenda": [{**THREE[0], "repeat_every": 2, "title": "R1", "issue": "x"}]
        },
    }
    for message, change in cases.items():
        path = write_yaml(tmp_path / "s.yaml", {**base, **change})
        assert main(["run", str(path), "--out", str(tmp_path / "o"), "--no-plots"]) == 2
        assert message in capsys.readouterr().err
    numbered = {
        **base,
        "agenda": [{"id": "R", "round": 3, "title": "R", "issue": "x"}],
        "rounds": 2,
    }
    path = write_yaml(tmp_path / "n.yaml", numbered)
    assert main(["run", str(path), "--out", str(tmp_path / "o"), "--no-plots"]) == 2
    assert "agenda[0].round: 3 is after the last round (2)" in capsys.readouterr().err
    assert not (tmp_path / "o").exists()


def test_run_reports_empty_rounds_and_refuses_rounds_beyond_the_agenda(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = dated_world([{"id": "S"}, {"id": "T"}], THREE)
    data["agenda"] = [{"id": "R", "round": 1, "title": "R", "issue": "x"}]
    data["rounds"] = 3
    path = write_yaml(tmp_path / "s.yaml", data)
    assert main(["run", str(path), "--out", str(tmp_path / "a"), "--no-plots"]) == 0
    assert "note: round(s) 2, 3 have nothing on the agenda" in capsys.readouterr().err
    assert main(["run", str(path), "--rounds", "5", "--out", str(tmp_path / "b")]) == 2
    assert "--rounds 5: the agenda has 3 round(s)" in capsys.readouterr().err
    dated = write_yaml(tmp_path / "d.yaml", dated_world([{"id": "S"}, {"id": "T"}], THREE))
    assert main(["run", str(dated), "--until", D2, "--out", str(tmp_path / "c"), "--no-plots"]) == 0
    captured = capsys.readouterr()
    assert "note: not voted on, after round 2: R3" in captured.err
    assert "R1" in captured.out and "R2" in captured.out and "R3" not in captured.out
    assert main(["run", str(dated), "--until", "2019-01-01", "--out", str(tmp_path / "e")]) == 2


SCRIPTED = {
    # S sponsors, T is the target; A leans yes and B no from opinion; C has no pull (abstains).
    "countries": [
        {"id": "S"},
        {"id": "T"},
        {"id": "A", "domestic_pressure": 1.0, "public_opinion": {"x": 0.9}},
        {"id": "B", "domestic_pressure": 1.0, "public_opinion": {"x": -0.9}},
        {"id": "C"},
    ],
    "records": [
        record("R1", D1, {"S": "yes", "T": "no", "A": "yes", "B": "yes", "C": "yes"}),
        record("R2", D2, {"S": "yes", "T": "no", "A": "yes", "B": "no", "C": "abstain"}),
        record("R3", D3, {"S": "yes", "T": "no", "A": "no", "B": "no", "C": "absent"}),
    ],
}


def test_backtest_baselines_on_a_scripted_three_vote_record() -> None:
    data = dated_world(
        SCRIPTED["countries"], THREE, {"domestic_weight": 1.0}, history=SCRIPTED["records"]
    )
    scenario = Scenario.model_validate(data)
    # the model votes S yes, T no, A yes, B no, C abstain every time (no noise)
    assert votes(data) == [{"S": "yes", "T": "no", "A": "yes", "B": "no", "C": "abstain"}] * 3
    assert [VOTE_WORDS[v] for v in persistence(scenario, "x", scenario.history[2].date)] == [
        "yes",
        "no",
        "yes",
        "no",
        "abstain",  # R2's record, the latest before R3
    ]
    result = backtest(scenario, cutoff=scenario.history[0].date, replicates=2)
    rows = {r["resolution"]: r for r in result.rows}
    assert list(rows) == ["R2", "R3"]
    assert rows["R2"]["accuracy_mean"] == 1.0 and rows["R2"]["accuracy_sd"] == 0.0
    assert rows["R2"]["persistence_accuracy"] == 3 / 5  # R1: B and C voted yes
    assert rows["R2"]["all_yes_accuracy"] == 2 / 5
    assert rows["R3"]["accuracy_mean"] == 3 / 5  # A, C differ from the record
    assert rows["R3"]["persistence_accuracy"] == 3 / 5
    assert rows["R3"]["all_yes_accuracy"] == 1 / 5
    assert rows["R3"]["no_f1_mean"] == 2 * 2 / (2 + 3)  # model no: T, B; recorded no: T, A, B
    assert rows["R3"]["recorded_tallies"] == {"absent": 1, "yes": 1, "abstain": 0, "no": 3}
    assert rows["R3"]["tallies"] == {"absent": 0.0, "yes": 2.0, "abstain": 1.0, "no": 2.0}


def test_backtest_cli_json_and_outputs(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = dated_world(
        SCRIPTED["countries"], THREE, {"domestic_weight": 1.0}, history=SCRIPTED["records"]
    )
    path = write_yaml(tmp_path / "s.yaml", data)
    out = tmp_path / "bt"
    argv = ["backtest", str(path), "--cutoff", D1, "--replicates", "2", "--out", str(out)]
    assert main([*argv, "--json"]) == 0
    document = json.loads(capsys.readouterr().out)
    keys = {
        "resolution",
        "date",
        "accuracy_mean",
        "accuracy_sd",
        "persistence_accuracy",
        "all_yes_accuracy",
        "no_f1_mean",
        "tallies",
        "recorded_tallies",
    }
    assert [r["resolution"] for r in document["rows"]] == ["R2", "R3"]
    assert all(keys <= set(r) for r in document["rows"])
    assert {p.name for p in out.iterdir()} == {
        "backtest.parquet",
        "manifest.json",
        "plots",
        "report.html",
    }
    assert "Backtest" in (out / "report.html").read_text()
    assert main([*argv[:-2], "--cutoff", D3, "--out", str(tmp_path / "none")]) == 2
    assert "no recorded vote on the agenda after it" in capsys.readouterr().err


def test_validate_reports_seed_means(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = dated_world(
        SCRIPTED["countries"], THREE, {"domestic_weight": 1.0, "noise_sd": 0.6}, history=[]
    )
    path = write_yaml(tmp_path / "s.yaml", data)
    rec = tmp_path / "r.csv"
    rec.write_text(
        "resolution,date,iso3,vote\n"
        + "".join(f"R1,{D1},{c},{v}\n" for c, v in SCRIPTED["records"][0]["votes"].items())
    )
    argv = ["validate", str(path), "--record", str(rec), "--resolution", "R1", "--json"]
    assert main([*argv, "--replicates", "4"]) == 0
    report = json.loads(capsys.readouterr().out)
    recorded = np.array([1, 3, 1, 1, 1])
    scenario = Scenario.model_validate(data)
    from sim.common.seeds import replicate_seeds

    each = [
        float(
            np.mean(
                run_scenario(scenario, rng=s.generator(), rounds=1).record.votes[0].votes
                == recorded
            )
        )
        for s in replicate_seeds(scenario.seed, 4)
    ]
    assert len(set(each)) > 1, "noise should make replicates differ"
    assert report["accuracy"] == pytest.approx(np.mean(each))
    assert report["sd"]["accuracy"] == pytest.approx(np.std(each, ddof=1))
    wrong = tmp_path / "w.csv"
    wrong.write_text(rec.read_text().replace("R1,", "R2,"))
    assert main([*argv[:3], str(wrong), "--resolution", "R1"]) == 2
    assert "records R2, not R1" in capsys.readouterr().err
