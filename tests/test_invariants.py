"""Hypothesis invariants over random small worlds."""

from __future__ import annotations

import copy

import numpy as np
from conftest import model_of, world
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sim.model.model import AllianceModel
from sim.model.votes import Vote
from sim.scenario.schema import Resolution, Scenario
from sim.scenario.world import build_world

unit = st.floats(0.0, 1.0, allow_nan=False)


@st.composite
def random_worlds(draw: st.DrawFn) -> dict:
    n = draw(st.integers(3, 7))
    ids = [f"C{i}" for i in range(n)]
    countries = [
        {
            "id": c,
            "domestic_pressure": draw(unit),
            "public_opinion": {"x": draw(st.floats(-1.0, 1.0))},
            "arrears": draw(st.booleans()),
            "patron_budget": draw(st.one_of(st.just(0.0), st.floats(0.0, 2.0))),
        }
        for c in ids
    ]
    pairs = [(a, b) for a in ids for b in ids if a != b]
    chosen = draw(st.lists(st.sampled_from(pairs), max_size=8, unique=True))
    trade = [{"country": a, "partner": b, "weight": draw(st.floats(0.0, 0.3))} for a, b in chosen]
    adversaries = [
        {"country": a, "partner": b, "weight": draw(unit)}
        for a, b in draw(st.lists(st.sampled_from(pairs), max_size=4, unique=True))
    ]
    favours = [
        {"debtor": a, "creditor": b, "amount": draw(st.floats(0.0, 5.0)), "event": "e"}
        for a, b in draw(st.lists(st.sampled_from(pairs), max_size=4, unique=True))
    ]
    target = draw(st.sampled_from(ids))
    sponsors = [
        c for c in draw(st.lists(st.sampled_from(ids), max_size=2, unique=True)) if c != target
    ]
    params = {
        "trade_weight": draw(st.floats(0.0, 3.0)),
        "security_weight": draw(st.floats(0.0, 3.0)),
        "shared_adversaries_weight": draw(st.floats(0.0, 2.0)),
        "own_adversaries_weight": draw(st.floats(0.0, 2.0)),
        "domestic_weight": draw(st.floats(0.0, 2.0)),
        "quid_pro_quo_weight": draw(st.floats(0.0, 2.0)),
        "noise_sd": draw(st.floats(0.0, 1.0)),
        "favour_decay": draw(unit),
        "inducements": draw(st.booleans()),
        "punishment": draw(st.booleans()),
        "absence": draw(st.booleans()),
    }
    data = world(
        countries,
        [{"id": "R", "round": 1, "target": target, "sponsors": sponsors, "repeat_every": 1}],
        params,
        ties={"trade": trade, "security": trade, "adversaries": adversaries},
        favours=favours,
    )
    data["rounds"] = draw(st.integers(1, 4))
    return data


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=random_worlds(), seed=st.integers(0, 2**32 - 1))
def test_votes_are_words_ledger_stays_finite_and_arrears_are_absent(data: dict, seed: int) -> None:
    model = model_of(data, seed=seed)
    arrears = np.array([c["arrears"] for c in data["countries"]])
    assert len(model.record.votes) == data["rounds"]
    for record in model.record.votes:
        # the codes themselves, not their words: VOTE_WORDS[-1] is "no", so a leaked marker
        # such as NO_FIXED_VOTE would pass a check on the words
        assert record.votes.dtype == np.int8
        assert set(record.votes.tolist()) <= {int(v) for v in Vote}
        assert (record.votes[arrears] == Vote.ABSENT).all()
        assert np.isfinite(record.contributions).all()
    assert np.isfinite(model.favour_balance).all()
    assert (model.favour_balance >= 0).all()
    assert (model.patron_budget >= -1e-9).all()


class CheckedModel(AllianceModel):
    """The model, with the ledger's documented invariants checked around every vote."""

    def vote(self, resolution: Resolution):  # type: ignore[no-untyped-def]
        parties = self.world.resolutions[resolution.id].parties.index
        before = self.ledger.balance.copy()
        tables = {name: matrix.toarray() for name, matrix in self.tables.items()}
        record = super().vote(resolution)
        after = self.ledger.balance
        # the diagonal stays zero: nobody owes itself
        assert (np.diag(after) == 0.0).all()
        # parties neither owe nor earn with each other by their own resolution, and no party
        # punishes another
        block = np.ix_(parties, parties)
        assert np.array_equal(after[block], before[block])
        # a party without an initial budget is no patron: it never punishes, so what it owes
        # others never shrinks by this vote (settling only adds to a party's row) and the
        # ties toward it are not cut
        for p in parties:
            if self.world.patron_budget[p] <= 0:
                assert (after[p] >= before[p]).all()
                for name, matrix in self.tables.items():
                    assert np.array_equal(matrix.toarray()[:, p], tables[name][:, p]), name
        # a country that voted neither for nor against a party keeps its entries with it
        neutral = np.isin(record.votes, [Vote.ABSTAIN, Vote.ABSENT])
        neutral[parties] = False
        assert np.array_equal(after[np.ix_(neutral, parties)], before[np.ix_(neutral, parties)])
        assert np.array_equal(after[np.ix_(parties, neutral)], before[np.ix_(parties, neutral)])
        return record


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=random_worlds(), seed=st.integers(0, 2**32 - 1))
def test_ledger_invariants_hold_around_every_vote(data: dict, seed: int) -> None:
    data["parameters"]["punishment"] = True
    scenario = Scenario.model_validate(copy.deepcopy(data))
    model = CheckedModel(scenario, build_world(scenario), rng=seed)
    model.run()
    assert (np.diag(model.favour_balance) == 0.0).all()
    assert len(model.record.votes) == data["rounds"]
