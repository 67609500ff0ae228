"""A recorded vote reaches the favour ledger and the ties only after its day.

The history may hold the record of a vote being simulated (a backtest's view): settlement and
punishment then rest on the recorded votes, what happened. A record counts only for votes
after its day, like every dated fact (``sim.model.timeline``): on a day of several votes the
order of the records is not the order of the votes, so a record must not reach the ledger or
the ties another vote of its day reads (as it must not reach the states' own record,
``test_precedents.test_a_recorded_vote_counts_for_the_states_only_after_its_day``).
"""

from __future__ import annotations

from typing import Any

from test_timeline import D1, D2, dated_world, record, votes

SAME_DAY = [
    {"id": "R1", "date": D1, "target": "T", "sponsors": ["S"]},
    {"id": "R1b", "date": D1, "target": "T", "sponsors": ["S"]},
    {"id": "R2", "date": D2, "target": "T", "sponsors": ["S"]},
]
"""Two votes on one day, one on a later day, all sponsored by S against T."""


def punished_world(history: list[dict[str, Any]]) -> dict[str, Any]:
    """C trades with patron S, which punishes opponents by cutting their whole trade tie."""
    return dated_world(
        [{"id": "S", "patron_budget": 1.0}, {"id": "T"}, {"id": "C"}],
        SAME_DAY,
        {
            "trade_weight": 1.0,
            "punishment": True,
            "punishment_tie_loss": 1.0,
            "punishment_credit_loss": 0.0,
        },
        ties={"trade": [{"country": "C", "partner": "S", "weight": 0.5}]},
        history=history,
    )


def test_without_a_record_the_trade_tie_pulls_c_to_yes_throughout() -> None:
    assert [v["C"] for v in votes(punished_world([]))] == ["yes", "yes", "yes"]


def test_a_recorded_vote_against_the_patron_is_punished_only_after_its_day() -> None:
    # C's recorded no on R1 is what happened: S cuts its trade tie with C. R1b, voted on the
    # same day, must not see the cut (C still votes yes with its partner); R2, a later day,
    # does (no tie: C abstains).
    data = punished_world([record("R1", D1, {"S": "yes", "T": "no", "C": "no"})])
    assert [v["C"] for v in votes(data)] == ["yes", "yes", "abstain"]


def favour_world(history: list[dict[str, Any]]) -> dict[str, Any]:
    """N sponsors every vote; S and T are free and answer only to what they owe (favours)."""
    agenda = [{**item, "sponsors": ["N"], "target": None} for item in SAME_DAY]
    agenda[0] = {**agenda[0], "sponsors": ["S"]}  # R1 is S's: a vote with S earns its credit
    return dated_world(
        [{"id": "S"}, {"id": "T"}, {"id": "N"}],
        agenda,
        {"quid_pro_quo_weight": 1.0, "favour_credit": 1.0, "reciprocity": "specific"},
        history=history,
    )


def test_a_recorded_favourable_vote_earns_credit_only_after_its_day() -> None:
    # N's recorded yes on S's R1 earns it credit: S owes N and votes with N once it knows.
    # Not on R1b, the same day (S abstains as without the record); on R2, a later day, yes.
    assert [v["S"] for v in votes(favour_world([]))][1:] == ["abstain", "abstain"]
    data = favour_world([record("R1", D1, {"S": "yes", "T": "abstain", "N": "yes"})])
    assert [v["S"] for v in votes(data)][1:] == ["abstain", "yes"]
