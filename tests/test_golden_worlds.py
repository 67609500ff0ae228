"""Golden results: small scripted worlds whose vote tables and ledgers were worked out by hand.

Determinism tests compare two outputs of the same code, so a change that is wrong but
deterministic passes them. These tables are literals, derived once by hand from the rules in
docs/ODD.md (the comments give the arithmetic), so such a change fails here. Every number is
a dyadic fraction where the rule allows it, so the expected values are exact floats.
"""

from __future__ import annotations

from conftest import model_of, world

from sim.model.channels import REGISTRY
from sim.model.votes import Vote


def vote_table(data: dict) -> list[tuple[int, str, dict[str, str]]]:
    model = model_of(data)
    return [
        (
            r.round,
            r.resolution.id,
            {c: Vote(int(v)).word for c, v in zip(model.world.ids, r.votes, strict=True)},
        )
        for r in model.record.votes
    ]


def debt_world() -> dict:
    # D owes the target T one favour before round 1; F's public wants the resolution; N has
    # no reason to take a side. Only the domestic and quid-pro-quo channels are on.
    data = world(
        countries=[
            {"id": "S"},
            {"id": "T"},
            {"id": "D"},
            {"id": "F", "domestic_pressure": 1.0, "public_opinion": {"x": 0.5}},
            {"id": "N"},
        ],
        agenda=[{"id": "R", "round": 1, "target": "T", "sponsors": ["S"], "repeat_every": 1}],
        parameters={
            "domestic_weight": 1.0,
            "quid_pro_quo_weight": 1.0,
            "abstention_band": 0.2,
            "favour_credit": 0.5,
            "favour_decay": 0.5,
        },
        favours=[{"debtor": "D", "creditor": "T", "amount": 1.0, "event": "veto"}],
    )
    data["rounds"] = 3
    return data


def test_a_debt_is_repaid_by_votes_until_it_runs_out() -> None:
    # Credit per favourable vote 0.5 (salience 1); every balance halves at the end of a round.
    # S and T vote their roles (yes / no) throughout. F: domestic 1 x 0.5 = +0.5 > 0.2, yes.
    # N: score 0, abstains.
    # D, round 1: pull = -1 (owes the target 1) -> tanh(-1) = -0.76 < -0.2: no. The no repays
    #   0.5 of the debt (0.5 left), halved to 0.25 by decay.
    # D, round 2: pull -0.25 -> tanh(-0.25) = -0.245 < -0.2: still no. It repays the 0.25 and
    #   the other 0.25 of credit becomes T's debt to D (0.25, halved to 0.125).
    # D, round 3: owes nothing, so its pull is 0 and it abstains (what T owes D does not pull
    #   D: the channel reads only D's own debts).
    sides = {"S": "yes", "T": "no", "F": "yes", "N": "abstain"}
    assert vote_table(debt_world()) == [
        (1, "R", {**sides, "D": "no"}),
        (2, "R", {**sides, "D": "no"}),
        (3, "R", {**sides, "D": "abstain"}),
    ]


def test_the_debt_worlds_ledger_round_by_round() -> None:
    # F's yes earns 0.5 a round from the sponsor S: S owes F 0.5 x 0.5 = 0.25 after round 1,
    # (0.25 + 0.5) x 0.5 = 0.375 after round 2, (0.375 + 0.5) x 0.5 = 0.4375 after round 3.
    # D's debt to T: 1 -> (1 - 0.5) x 0.5 = 0.25 -> repaid; T then owes D 0.125, then 0.0625.
    model = model_of(debt_world())
    ids = model.world.ids
    ledger = [
        (rnd, sorted((ids[d], ids[c], float(b)) for d, c, b in zip(*rest, strict=True)))
        for rnd, *rest in model.record.favours
    ]
    assert ledger == [
        (0, [("D", "T", 1.0)]),
        (1, [("D", "T", 0.25), ("S", "F", 0.25)]),
        (2, [("S", "F", 0.375), ("T", "D", 0.125)]),
        (3, [("S", "F", 0.4375), ("T", "D", 0.0625)]),
    ]
    assert model.ledger.repaid_ever.tolist() == [False, False, True, False, False]


def tie_world() -> dict:
    # A chain of ties: X depends on T for its security; Y trades with X; Z trades a little
    # with Y but its public wants the resolution; W trades with S.
    return world(
        countries=[
            {"id": "S"},
            {"id": "T"},
            {"id": "X"},
            {"id": "Y"},
            {"id": "Z", "domestic_pressure": 1.0, "public_opinion": {"x": 0.5}},
            {"id": "W"},
        ],
        agenda=[
            {"id": "R1", "round": 1, "target": "T", "sponsors": ["S"]},
            {"id": "R2", "round": 1, "target": "S", "sponsors": ["T"]},
        ],
        parameters={
            "trade_weight": 1.0,
            "security_weight": 1.0,
            "domestic_weight": 1.0,
            "abstention_band": 0.2,
        },
        ties={
            "security": [{"country": "X", "partner": "T", "weight": 1.0}],
            "trade": [
                {"country": "Y", "partner": "X", "weight": 0.5},
                {"country": "Z", "partner": "Y", "weight": 0.25},
                {"country": "W", "partner": "S", "weight": 0.25},
            ],
        },
    )


def test_positions_travel_along_a_chain_of_ties() -> None:
    # R1 (T targeted): X follows its patron T: security 1 x (-1) = -1, no. Y follows X:
    # trade 0.5 x (-1) = -0.5, no. Z: domestic +0.5, trade 0.25 x (-1) = -0.25, net +0.25 >
    # 0.2, yes. W follows S: trade 0.25 x (+1) = +0.25, yes.
    # R2 (roles swapped, T sponsors): X +1 yes; Y +0.5 yes; Z +0.5 + 0.25 = 0.75 yes (its
    # public wants whatever is on issue x); W follows S, now the target: -0.25, no.
    assert vote_table(tie_world()) == [
        (1, "R1", {"S": "yes", "T": "no", "X": "no", "Y": "no", "Z": "yes", "W": "yes"}),
        (1, "R2", {"S": "no", "T": "yes", "X": "yes", "Y": "yes", "Z": "yes", "W": "no"}),
    ]


def test_the_tie_worlds_contributions_and_deciding_channels() -> None:
    model = model_of(tie_world())
    r1 = model.record.votes[0]
    assert r1.converged
    columns = {name: k for k, name in enumerate(REGISTRY.names)}
    z = model.world.index("Z")
    assert r1.contributions[z, columns["trade"]] == -0.25
    assert r1.contributions[z, columns["domestic"]] == 0.5
    assert r1.contributions[z].sum() == 0.25
    # The deciding channel is the pivotal one: without security X abstains; without trade Y
    # and W abstain; without domestic Z would vote no (-0.25), without trade it would still
    # vote yes (+0.5), so domestic decided Z's yes.
    decided = {c: REGISTRY.names[int(k)] for c, k in zip(model.world.ids, r1.deciding, strict=True)}
    assert {c: decided[c] for c in ("X", "Y", "Z", "W")} == {
        "X": "security",
        "Y": "trade",
        "Z": "domestic",
        "W": "trade",
    }
