"""Where favours and alignment pull apart: the votes that can tell quid pro quo from alignment.

Most states that owe Russia or China a favour also voted with them before 2020, so a fit cannot
tell the quid-pro-quo channel from prior alignment on them: both push the same way. The states
that *can* tell are those where the two point in opposite directions. From the scenario's own
dated data, before the first vote on the agenda:

favours
    Each state's recorded debt (``favours``, dated before the vote) to the target's camp
    (:data:`EAST`) against its debt to the sponsors' camp (:data:`WEST`).
alignment
    Its Cohen's kappa with the target minus its kappa with the first reference state
    (``ties.alignment``, Haege 2011), against the Assembly's median of that difference (the
    median, because the United States was isolated in 2015-2019 and most states' kappa with
    it is below their kappa with Russia).

A *disagreement* is a state that owes more to one camp and is aligned (above or below the
median) with the other. For every recorded vote on the agenda the module reports its vote and
which side the vote took on a text against the target: yes is the alignment side of a
West-aligned debtor of the East, no or abstain the favour side; the reverse for an East-aligned
debtor of the West; absent is neither. A claim that favours are repaid predicts the favour side.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass

import numpy as np

from sim.scenario.records import same_resolution
from sim.scenario.schema import Scenario

EAST = ("RUS", "CHN")
"""The target's camp on the Ukraine votes: Russia and the permanent member that shielded with it."""
WEST = ("USA", "GBR", "FRA")
"""The sponsors' camp: the Western permanent members."""


@dataclass(frozen=True)
class Disagreement:
    """A state whose recorded favours and prior alignment point to opposite camps."""

    country: str
    owes: str
    aligned: str
    debt_east: float
    debt_west: float
    alignment: float
    votes: dict[str, str]
    sides: dict[str, str]


def _alignment(scenario: Scenario, target: str, reference: str) -> dict[str, float]:
    """Kappa with ``target`` minus kappa with ``reference`` per state (0 where missing)."""
    kappa: dict[tuple[str, str], float] = {
        (t.country, t.partner): t.weight for t in scenario.ties.table("alignment")
    }
    return {
        c.id: kappa.get((c.id, target), 0.0) - kappa.get((c.id, reference), 0.0)
        for c in scenario.countries
    }


def disagreements(scenario: Scenario, before: dt.date) -> list[Disagreement]:
    """Return the states whose favours dated before ``before`` and alignment disagree.

    Undated favours count (the model applies them from the first vote).
    """
    alignment = _alignment(scenario, EAST[0], scenario.reference_states[0])
    median = float(np.median(list(alignment.values())))
    records = sorted(
        (
            r
            for r in scenario.history
            if any(same_resolution(r.resolution, a.id) for a in scenario.agenda)
        ),
        key=lambda r: r.date,
    )
    out = []
    for country in scenario.countries:
        owed = [
            f
            for f in scenario.favours
            if f.debtor == country.id and (f.date is None or f.date < before)
        ]
        east = sum(f.amount for f in owed if f.creditor in EAST)
        west = sum(f.amount for f in owed if f.creditor in WEST)
        if east == west:
            continue
        owes = "east" if east > west else "west"
        aligned = "east" if alignment[country.id] > median else "west"
        if owes == aligned:
            continue
        votes = {r.resolution: r.votes.get(country.id, "absent") for r in records}
        out.append(
            Disagreement(
                country.id,
                owes,
                aligned,
                east,
                west,
                alignment[country.id],
                votes,
                {r: side(v, owes) for r, v in votes.items()},
            )
        )
    return out


def side(vote: str, owes: str) -> str:
    """Which side a vote on a text against the target takes for a debtor of ``owes``."""
    if vote == "absent":
        return "neither"
    toward_east = vote in ("no", "abstain")
    return "favours" if toward_east == (owes == "east") else "alignment"


def format_disagreements(found: list[Disagreement]) -> str:
    """Return a table of the disagreeing states, their votes and the count of sides taken."""
    lines = [f"{'state':<5} owes  aligned  {'east':>5} {'west':>5} {'kappa R-U':>9}  votes"]
    counts: Counter[str] = Counter()
    for d in found:
        votes = " ".join(f"{r.split('/')[-1]}:{v}" for r, v in d.votes.items())
        lines.append(
            f"{d.country:<5} {d.owes:<5} {d.aligned:<8} {d.debt_east:>5.2f} {d.debt_west:>5.2f} "
            f"{d.alignment:>+9.3f}  {votes}"
        )
        counts.update(d.sides.values())
    lines.append(
        f"{len(found)} states, {sum(counts.values())} state-votes: favour side "
        f"{counts['favours']}, alignment side {counts['alignment']}, absent {counts['neither']}"
    )
    return "\n".join(lines)
