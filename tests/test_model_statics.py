"""Comparative statics on the bundled scenarios, the Mesa side, and every bundled scenario."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from sim.bundled import SCENARIOS_DIR
from sim.model.agents import Country
from sim.model.model import AllianceModel
from sim.model.votes import Vote, classify
from sim.scenario.loading import load_scenario
from sim.scenario.world import build_world, run_scenario


def first_vote(path: Path, *overrides: str, seed: int = 0) -> dict[str, Vote]:
    scenario = load_scenario(path, overrides).scenario
    model = run_scenario(scenario, rng=seed, rounds=1)
    return {
        c: Vote(int(v)) for c, v in zip(model.world.ids, model.record.votes[0].votes, strict=True)
    }


def votes_with(votes: dict[str, Vote], states: list[str], vote: Vote) -> int:
    return sum(votes[s] == vote for s in states)


DEBTORS_OF_RUSSIA = ["PRK", "SYR", "BLR", "KAZ", "VEN"]


def test_quid_pro_quo_off_fewer_debtors_vote_with_their_creditor(default_scenario: Path) -> None:
    on = first_vote(default_scenario)
    off = first_vote(default_scenario, "parameters.quid_pro_quo_weight=0")
    assert votes_with(off, DEBTORS_OF_RUSSIA, Vote.NO) < votes_with(on, DEBTORS_OF_RUSSIA, Vote.NO)


def test_trade_off_china_no_longer_restrained(default_scenario: Path) -> None:
    assert first_vote(default_scenario)["CHN"] == Vote.ABSTAIN
    assert first_vote(default_scenario, "parameters.trade_weight=0")["CHN"] == Vote.NO


def test_domestic_pressure_off_fewer_yes_votes(default_scenario: Path) -> None:
    on = first_vote(default_scenario)
    off = first_vote(default_scenario, "parameters.domestic_weight=0")
    assert sum(v == Vote.YES for v in off.values()) < sum(v == Vote.YES for v in on.values())


def test_adversary_channels_off_fewer_no_votes(default_scenario: Path) -> None:
    on = first_vote(default_scenario)
    off = first_vote(
        default_scenario,
        "parameters.shared_adversaries_weight=0",
        "parameters.own_adversaries_weight=0",
    )
    assert sum(v == Vote.NO for v in off.values()) <= sum(v == Vote.NO for v in on.values())
    assert sum(v != on[c] for c, v in off.items()) >= 1


def test_more_accountability_moves_an_autocracy_toward_its_public(default_scenario: Path) -> None:
    base = first_vote(default_scenario, "parameters.noise_sd=0")
    assert base["ERI"] == Vote.ABSTAIN
    democratic = first_vote(
        default_scenario,
        "parameters.noise_sd=0",
        "countries.ERI.domestic_pressure=1.0",
        "countries.ERI.public_opinion.sovereignty=1.0",
    )
    assert democratic["ERI"] == Vote.YES


def test_country_agents_mirror_the_model_arrays(default_scenario: Path) -> None:
    scenario = load_scenario(default_scenario).scenario
    model = AllianceModel(scenario, build_world(scenario), rng=np.random.default_rng(1))
    assert len(model.agents) == 22
    countries = model.agents_by_type[Country]
    assert all(c.last_vote is None for c in countries)
    prk = countries.select(lambda c: c.country_id == "PRK")
    assert len(prk) == 1
    assert next(iter(prk)).debt == pytest.approx(2.0)
    model.step()
    votes = dict(zip(countries.get("country_id"), countries.get("last_vote"), strict=True))
    assert votes["RUS"] == Vote.NO and votes["UKR"] == Vote.YES
    frame = model.datacollector.get_model_vars_dataframe()
    assert frame["round"].tolist() == [1]
    assert frame["debtors"].iloc[0] >= 5


@pytest.mark.parametrize("path", sorted(SCENARIOS_DIR.glob("*.yaml")), ids=lambda p: p.stem)
def test_every_bundled_scenario_runs_and_records_each_resolution(path: Path) -> None:
    scenario = load_scenario(path).scenario
    timeline = build_world(scenario).timeline
    rounds = min(timeline.rounds, 3)
    model = run_scenario(scenario, rng=0, rounds=rounds)
    expected = sum(len(timeline.agenda[k]) for k in range(1, rounds + 1))
    assert len(model.record.votes) == expected > 0
    for record in model.record.votes:
        assert 1 <= record.iterations <= scenario.parameters.max_iterations
        if record.converged:
            # A fixed point: with every channel at the others' final votes, each free vote is
            # its own best response (an absent free vote stayed away from an abstention, unless
            # it is a habitual absentee, kept away whatever its lean).
            streak = model.world.resolutions[record.resolution.id].absent_streak
            habit = scenario.parameters.absence_habit
            free = ~record.fixed & ~((habit > 0) & (streak >= habit))
            best = classify(record.contributions.sum(axis=1), record.bands)
            cast = np.where(record.votes == Vote.ABSENT, Vote.ABSTAIN, record.votes)
            assert np.array_equal(best[free], cast[free]), record.resolution.id
        target = record.resolution.target
        if target is not None:
            assert record.votes[model.world.index(target)] == Vote.NO
