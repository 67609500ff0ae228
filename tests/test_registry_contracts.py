"""One battery of tests over every registered channel and every post-vote stage.

Like Axelrod's standard tests over every strategy: a channel or stage added to its registry is
picked up here, and the tables of documented effects below must name it, so a new mechanism
cannot land without saying what it does on a scripted world.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import pytest
from conftest import model_of, world
from contexts import scripted_context
from scipy import sparse

from sim.model.channels import REGISTRY
from sim.model.context import VoteContext
from sim.model.ledger import FavourLedger, Grant, Parties
from sim.model.rule import (
    Operators,
    VoteOutcome,
    Weights,
    contributions_for,
    decide_votes,
    make_operators,
)
from sim.model.stages import STAGES, VoteState
from sim.model.votes import NO_FIXED_VOTE, Vote

S, T, V, A = 0, 1, 2, 3
"""The scripted world: sponsor S (votes yes), target T (votes no), free voter V, bystander A."""
POSITIONS = np.array([1.0, -1.0, 0.0, 0.0])
N = 4


def _table(*cells: tuple[int, int, float]) -> sparse.csr_array:
    rows, cols, values = zip(*cells, strict=True)
    return sparse.csr_array((values, (rows, cols)), shape=(N, N))


def _channel_context() -> VoteContext:
    """Every channel has something to read about V, with a documented sign."""
    ledger = FavourLedger(N)
    ledger.grant([Grant(V, T, 1.0)])  # V owes the target
    tables = {
        "trade": _table((V, S, 0.5)),  # V trades with the sponsor
        "security": _table((V, S, 0.5)),  # and depends on it for its security
        # V counts the sponsor as an adversary; V and the target share the adversary A
        "adversaries": _table((V, S, 1.0), (S, V, 1.0), (V, A, 1.0), (A, V, 1.0), (T, A, 1.0)),
        "alignment": _table((V, S, 0.5)),  # V voted with the sponsor before
        "organisations": _table((V, S, 1.0), (S, V, 1.0)),  # fellow members
    }
    return scripted_context(
        N,
        opinion=np.array([0.0, 0.0, 0.5, 0.0]),
        attributes={
            "domestic_pressure": np.array([0.0, 0.0, 1.0, 0.0]),
            "democracy": np.array([0.9, 0.1, 0.8, 0.5]),  # V's regime is like the sponsor's
        },
        tables=tables,
        parties=Parties(np.array([S, T]), np.array([1.0, -1.0])),
        ledger=ledger,
        own_position=np.array([0.0, 0.0, -1.0, 0.0]),  # V voted no on the issue today
        own_age=np.array([np.inf, np.inf, 0.0, np.inf]),
        noise=np.array([0.0, 0.0, -0.125, 0.0]),
        inducement=np.array([0.0, 0.0, 0.25, 0.0]),
    )


CHANNEL_SIGN = {
    "trade": +1,  # toward its trade partner, the sponsor
    "security": +1,  # toward its security partner, the sponsor
    "shared_adversaries": -1,  # toward the target, which shares its adversary
    "own_adversaries": -1,  # against its adversary, the sponsor
    "domestic": +1,  # its accountable government follows a public in favour
    "quid_pro_quo": -1,  # it repays the target it owes
    "inducement": +1,  # bought toward yes
    "noise": -1,  # its shock
    "prior_alignment": +1,  # it voted with the sponsor before
    "commitment": -1,  # it voted no on the issue
    "organisations": +1,  # a fellow member of the sponsor
    "regime": +1,  # its regime is like the sponsor's, unlike the target's
    "agenda": +1,  # the tabled text pulls every state toward yes
}
"""Documented sign of each channel's contribution for V in :func:`_channel_context`."""


def _column(name: str, weight: float) -> np.ndarray:
    context = _channel_context()
    weights = Weights.of({c.name: 0.0 for c in REGISTRY.weighted}, abstention_band=0.25)
    if REGISTRY[name].weighted:
        weights = Weights.of(
            {name: weight} | {c.name: 0.0 for c in REGISTRY.weighted if c.name != name}, 0.25
        )
    operators = make_operators(context.tables, weights)
    return contributions_for(operators, context, weights, POSITIONS)[:, REGISTRY.names.index(name)]


def test_every_channel_has_a_documented_sign() -> None:
    assert set(CHANNEL_SIGN) == set(REGISTRY.names)


@pytest.mark.parametrize("name", [c.name for c in REGISTRY.weighted])
def test_a_channel_is_zero_at_weight_zero_and_linear_in_its_weight(name: str) -> None:
    zero = _column(name, 0.0)
    assert zero.tolist() == [0.0] * N
    if not REGISTRY[name].is_tie:  # an own channel is skipped, not multiplied by 0
        assert not np.signbit(zero).any()
    one, two, half = _column(name, 1.0), _column(name, 2.0), _column(name, 0.5)
    assert one[V] != 0.0
    np.testing.assert_array_equal(two, 2.0 * one)
    np.testing.assert_array_equal(half, 0.5 * one)


@pytest.mark.parametrize("name", REGISTRY.names)
def test_a_channel_pulls_the_scripted_voter_its_documented_way(name: str) -> None:
    assert np.sign(_column(name, 1.0)[V]) == CHANNEL_SIGN[name]


def test_a_channel_at_weight_zero_is_never_prepared() -> None:
    context = _channel_context()
    weights = Weights.of({c.name: 0.0 for c in REGISTRY.weighted}, abstention_band=0.25)
    called: list[str] = []
    operators = make_operators(context.tables, weights)
    spies = tuple(
        replace(c, prepare=lambda ctx, c=c: called.append(c.name) or c.prepare(ctx))
        for c in operators.own_channels
    )
    spied = replace(operators, own_channels=spies)
    contributions_for(spied, context, weights, POSITIONS)
    assert called == [c.name for c in REGISTRY if not c.weighted]


@dataclass
class Host:
    """A stage's view of a model, scripted."""

    weights: Weights
    tables: dict[str, sparse.csr_array]
    ledger: FavourLedger = field(default_factory=lambda: FavourLedger(N))
    patron_budget: np.ndarray = field(default_factory=lambda: np.array([1.0, 0.0, 0.0, 0.0]))
    start_budget: np.ndarray = field(default_factory=lambda: np.array([1.0, 0.0, 0.0, 0.0]))
    punishments: list[Any] = field(default_factory=list)
    operators: Operators = field(init=False)

    def __post_init__(self) -> None:
        self.operators = make_operators(self.tables, self.weights)

    def decide(self, context: VoteContext) -> VoteOutcome:
        return decide_votes(self.operators, context, self.weights, 50)


def _stage_world() -> tuple[Host, VoteState]:
    """V leans yes by 0.02 (domestic 0.1 at salience 0.2), inside the band 0.2: it abstains."""
    weights = Weights.of(
        {c.name: 0.0 for c in REGISTRY.weighted} | {"domestic": 1.0}, abstention_band=0.2
    )
    empty = sparse.csr_array((N, N))
    host = Host(weights, {"trade": _table((V, S, 0.5)), "security": empty, "alignment": empty})
    context = scripted_context(
        N,
        opinion=np.array([0.0, 0.0, 0.1, 0.0]),
        attributes={
            "domestic_pressure": np.array([0.0, 0.0, 1.0, 0.0]),
            "democracy": np.array([0.9, 0.1, 0.8, 0.5]),  # V's regime is like the sponsor's
        },
        fixed=[Vote.YES, Vote.NO, NO_FIXED_VOTE, NO_FIXED_VOTE],
        salience=0.2,
        parties=Parties(np.array([S, T]), np.array([1.0, -1.0])),
        tables=host.tables,
        ledger=host.ledger,
    )
    context = replace(
        context, absent_streak=np.array([0, 0, 3, 0]), absence_rate=np.array([0, 0, 0.6, 0])
    )
    outcome = host.decide(context)
    assert outcome.votes[V] == Vote.ABSTAIN
    return host, VoteState(context, outcome, outcome.votes.copy())


def _opposes(host: Host, state: VoteState) -> None:
    state.votes[V] = Vote.NO


def _supports(host: Host, state: VoteState) -> None:
    state.votes[V] = Vote.YES


def _owes(host: Host, state: VoteState) -> None:
    host.ledger.grant([Grant(V, S, 1.0)])


@dataclass(frozen=True)
class Effect:
    """A stage's documented effect: parameters that switch it on, a set-up, and a check."""

    on: dict[str, Any]
    check: Callable[[Host, VoteState], bool]
    setup: Callable[[Host, VoteState], None] = lambda host, state: None


STAGE_EFFECT = {
    # V is 0.18 short of yes, the bystander A 0.2: the sponsor's budget 1 buys both at price 1
    "buy": Effect(
        {"inducements": True},
        lambda h, s: (
            s.votes[V] == Vote.YES and s.spent == pytest.approx(0.38) and h.patron_budget[S] < 1
        ),
    ),
    # an abstainer on a vote of salience 0.2 <= 0.3 stays away (any cross-pressure >= 0)
    "stay_away": Effect(
        {"absence": True, "absence_cross_pressure": 0.0}, lambda h, s: s.votes[V] == Vote.ABSENT
    ),
    # V missed its 3 latest recorded votes: with a habit of 2 it stays away
    "habitual_absence": Effect({"absence_habit": 2}, lambda h, s: s.votes[V] == Vote.ABSENT),
    # V missed 60% of its recorded votes: at a rate threshold of 0.5 it stays away
    "absence_rate": Effect({"absence_rate": 0.5}, lambda h, s: s.votes[V] == Vote.ABSENT),
    # V repays 0.25 x 0.2 of what it owes the sponsor it voted with
    "settle": Effect(
        {},
        lambda h, s: h.ledger.balance_view[V, S] == 1.0 - 0.25 * 0.2,
        setup=lambda h, s: (_owes(h, s), _supports(h, s)),
    ),
    # V voted against the patron sponsor: a tenth of its trade toward it is cut
    "punish": Effect(
        {"punishment": True},
        lambda h, s: h.tables["trade"][V, S] == pytest.approx(0.45) and len(h.punishments) == 1,
        setup=_opposes,
    ),
    # half of every balance is forgotten at the end of a round
    "decay": Effect(
        {"favour_decay": 0.5}, lambda h, s: h.ledger.balance_view[V, S] == 0.5, setup=_owes
    ),
}


def test_every_stage_has_a_documented_effect() -> None:
    assert set(STAGE_EFFECT) == set(STAGES.names)


def _apply(name: str, values: dict[str, Any]) -> tuple[Host, VoteState]:
    stage = STAGES[name]
    defaults = {f.name: f.default for f in stage.fields}
    block = stage.parameters(**(defaults | values))
    host, state = _stage_world()
    STAGE_EFFECT[name].setup(host, state)
    if stage.after_vote is not None:
        stage.after_vote(host, state, block)
    if stage.end_of_round is not None:
        stage.end_of_round(host, block)
    return host, state


def _snapshot(host: Host, state: VoteState) -> tuple[Any, ...]:
    return (
        state.votes.tolist(),
        state.spent,
        host.patron_budget.tolist(),
        host.ledger.balance_view.tolist(),
        {k: t.toarray().tolist() for k, t in host.tables.items()},
        len(host.punishments),
    )


@pytest.mark.parametrize("name", STAGES.names)
def test_a_stage_switched_off_changes_nothing(name: str) -> None:
    host, state = _stage_world()
    STAGE_EFFECT[name].setup(host, state)
    assert _snapshot(*_apply(name, dict(STAGES[name].off))) == _snapshot(host, state)


@pytest.mark.parametrize("name", STAGES.names)
def test_a_stage_has_its_documented_effect(name: str) -> None:
    host, state = _apply(name, STAGE_EFFECT[name].on)
    assert STAGE_EFFECT[name].check(host, state)
    assert _snapshot(host, state) != _snapshot(*_apply(name, dict(STAGES[name].off)))


def test_the_model_runs_the_stages_of_the_registry() -> None:
    # Every stage off gives the same run as a model with no stage at all.
    data = world(
        [
            {"id": "S", "patron_budget": 1.0},
            {"id": "T"},
            {"id": "V", "domestic_pressure": 1.0, "public_opinion": {"x": 0.5}},
        ],
        [{"id": "R", "round": 1, "repeat_every": 1, "target": "T", "sponsors": ["S"]}],
        {"domestic_weight": 1.0, "quid_pro_quo_weight": 1.0, "favour_decay": 0.1},
        favours=[{"debtor": "V", "creditor": "T", "amount": 1.0, "event": "veto"}],
    )
    data["rounds"] = 3
    off = copy.deepcopy(data)
    for stage in STAGES:
        off["parameters"].update(stage.off)
    quiet = model_of(off)
    assert [r.votes.tolist() for r in quiet.record.votes] == [[1, 3, 3]] * 3  # V repays T
    assert quiet.ledger.total() == 1.0  # nothing settled, nothing forgotten
    on = model_of(data)
    assert on.ledger.total() < 1.0


def test_the_agenda_channel_is_one_intercept_for_every_state() -> None:
    column = _column("agenda", 0.75)
    assert column.tolist() == [0.75] * N
