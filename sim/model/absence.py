"""Each state's absence rate over the recorded roll calls dated before a vote.

A dated predictor of absence (issue 20, item 7): small and poor delegations miss votes
habitually (Panke 2014), so a state's share of missed recorded votes so far forecasts whether
it will be there for the next one. Only records dated strictly before the vote count, so the
rate never looks at the vote it informs. A scenario may add a *prior*: each state's absences
from the General Assembly's recorded roll calls before its history (``un_2022``: sessions
72-74, 2017-2019, from Voeten 2013, ``tools/absence_rates.py``), pooled roll call by roll call
with the history, so that a state's rate rests on hundreds of votes on every subject rather
than on the few of one issue.
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from sim.model.votes import FloatArray


@dataclass(frozen=True)
class AbsenceHistory:
    """Cumulative absences over a scenario's recorded roll calls, sorted by date.

    Attributes
    ----------
    dates
        The records' dates, ascending.
    missed
        ``(len(dates) + 1, n)``: row ``k`` counts each state's absences in the prior and the
        first ``k`` records.
    prior_calls
        Roll calls of the prior each state was counted over (n,); zeros without a prior.
    """

    dates: tuple[dt.date, ...]
    missed: FloatArray
    prior_calls: FloatArray | None = None

    @classmethod
    def of(
        cls,
        records: Iterable[tuple[dt.date, Mapping[str, str]]],
        ids: Sequence[str],
        prior: tuple[FloatArray, FloatArray] | None = None,
    ) -> AbsenceHistory:
        """Build it from ``(date, votes by country id)`` pairs; a missing row counts absent.

        ``prior`` is ``(missed, roll_calls)`` per state before the first record (counts).
        """
        ordered = sorted(records, key=lambda r: r[0])
        absent = np.array(
            [
                [votes.get(c, "absent").strip().lower() == "absent" for c in ids]
                for _, votes in ordered
            ],
            dtype=float,
        ).reshape(len(ordered), len(ids))
        start = np.zeros((1, len(ids))) if prior is None else prior[0].reshape(1, len(ids))
        missed = np.vstack([start, start + np.cumsum(absent, axis=0)])
        return cls(tuple(d for d, _ in ordered), missed, None if prior is None else prior[1])

    def rate(self, day: dt.date | None) -> FloatArray:
        """Share of the roll calls dated before ``day`` each state missed (prior included).

        0 where there are none.
        """
        k = 0 if day is None else bisect.bisect_left(self.dates, day)
        calls = k + (0.0 if self.prior_calls is None else self.prior_calls)
        total = np.broadcast_to(np.asarray(calls, dtype=float), self.missed.shape[1:])
        rate: FloatArray = np.divide(
            self.missed[k], total, out=np.zeros(self.missed.shape[1]), where=total > 0
        )
        return rate
