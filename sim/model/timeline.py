"""The timeline of a scenario: which resolutions are voted on in which round, and when facts count.

Built and checked from a scenario by :func:`sim.scenario.timeline.timeline_of`.

Two kinds of agenda:

numbered
    Every item names its ``round`` (and may repeat every ``repeat_every`` rounds); ``rounds``
    defaults to the last round with a vote. Facts are placed by round (favours' ``round``).
dated
    Every item has a ``date``. A round is one voting day: the rounds are the distinct dates in
    order, and every item is voted on its day, in agenda order. A dated fact (favour, tie,
    suspension, poll, recorded roll call) counts only for votes *after* its date: it enters
    before the first voting day later than it, never for a vote on the same day (ODD, 7.1).
"""

from __future__ import annotations

import bisect
import datetime as dt
import sys
from dataclasses import dataclass


@dataclass(frozen=True)
class Timeline:
    """Rounds of a scenario and the agenda items voted on in each.

    Attributes
    ----------
    dated
        Whether rounds are voting days.
    rounds
        Number of rounds.
    days
        Dated agendas: the voting day of round ``r`` is ``days[r - 1]``; empty otherwise.
    agenda
        For each round 1..rounds, the indices of the agenda items voted on, in agenda order.
    """

    dated: bool
    rounds: int
    days: tuple[dt.date, ...]
    agenda: dict[int, tuple[int, ...]]

    def round_after(self, day: dt.date) -> int:
        """Return the first round whose voting day is after ``day`` (``rounds + 1`` if none)."""
        return bisect.bisect_right(self.days, day) + 1

    def enters(self, day: dt.date | None) -> int:
        """Round at whose start a fact dated ``day`` enters: 0 = before the first vote.

        Undated facts and facts before the first voting day are there from the start;
        ``rounds + 1`` means after the last vote (never used).
        """
        if day is None or not self.dated:
            return 0
        first = self.round_after(day)
        return 0 if first == 1 else first

    def leaves(self, day: dt.date | None) -> int:
        """Round at whose start a fact that ends on ``day`` stops counting (a tie's ``until``).

        It counts for no vote on or after ``day``: this is the first round voting on or after
        ``day``; 0 = it ended by the first voting day (never counts); no end (``None``) or a
        numbered agenda: ``sys.maxsize`` (never leaves).
        """
        if day is None or not self.dated:
            return sys.maxsize
        first = bisect.bisect_left(self.days, day) + 1
        return 0 if first == 1 else first

    def rounds_until(self, day: dt.date) -> int:
        """How many rounds vote on or before ``day``."""
        return bisect.bisect_right(self.days, day)

    def first_round(self, index: int) -> int | None:
        """Return the first round in which agenda item ``index`` is voted on (None if never)."""
        return next((r for r in sorted(self.agenda) if index in self.agenda[r]), None)

    def empty_rounds(self, rounds: int) -> list[int]:
        """Return rounds up to ``rounds`` in which nothing is voted on."""
        return [r for r in range(1, rounds + 1) if not self.agenda.get(r)]
