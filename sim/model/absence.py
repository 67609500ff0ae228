"""Each state's absence rate over the recorded roll calls dated before a vote.

A dated predictor of absence (issue 20, item 7): small and poor delegations miss votes
habitually (Panke 2014), so a state's share of missed recorded votes so far forecasts whether
it will be there for the next one. Only records dated strictly before the vote count, so the
rate never looks at the vote it informs. A scenario may add a *prior*: each state's absences
from the General Assembly's recorded roll calls before its history (``un_2022``: sessions
72-74, 2017-2019, from Voeten 2013, ``tools/absence_rates.py``), pooled roll call by roll call
with the history, so that a state's rate rests on hundreds of votes on every subject rather
than on the few of one issue. The prior is dated too (the last roll call it counts): it counts
only for votes dated after that day, as a record does.
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
        ``(len(dates) + 1, n)``: row ``k`` counts each state's absences in the first ``k``
        records.
    prior_missed, prior_calls
        Each state's absences and roll calls of the prior (n,); None without a prior.
    prior_until
        Each state's date of the prior's last roll call (None: undated); the prior counts only
        for votes dated after it (and for undated votes).
    """

    dates: tuple[dt.date, ...]
    missed: FloatArray
    prior_missed: FloatArray | None = None
    prior_calls: FloatArray | None = None
    prior_until: tuple[dt.date | None, ...] = ()

    @classmethod
    def of(
        cls,
        records: Iterable[tuple[dt.date, Mapping[str, str]]],
        ids: Sequence[str],
        prior: tuple[FloatArray, FloatArray] | None = None,
        prior_until: Sequence[dt.date | None] | None = None,
    ) -> AbsenceHistory:
        """Build it from ``(date, votes by country id)`` pairs; a missing row counts absent.

        ``prior`` is ``(missed, roll_calls)`` per state before the first record (counts), and
        ``prior_until`` the date of each state's last counted roll call (default: undated).
        """
        ordered = sorted(records, key=lambda r: r[0])
        absent = np.array(
            [
                [votes.get(c, "absent").strip().lower() == "absent" for c in ids]
                for _, votes in ordered
            ],
            dtype=float,
        ).reshape(len(ordered), len(ids))
        missed = np.vstack([np.zeros((1, len(ids))), np.cumsum(absent, axis=0)])
        until = tuple(prior_until) if prior_until is not None else (None,) * len(ids)
        if prior is None:
            return cls(tuple(d for d, _ in ordered), missed)
        return cls(tuple(d for d, _ in ordered), missed, prior[0], prior[1], until)

    def rate(self, day: dt.date | None) -> FloatArray:
        """Share of the roll calls dated before ``day`` each state missed (prior included).

        The prior counts where it is dated before ``day`` (or undated, or ``day`` is None). 0
        where there are no roll calls.
        """
        k = 0 if day is None else bisect.bisect_left(self.dates, day)
        missed = self.missed[k]
        calls = np.full(self.missed.shape[1], float(k))
        if self.prior_missed is not None and self.prior_calls is not None:
            known = np.array([d is None or day is None or d < day for d in self.prior_until])
            missed = missed + np.where(known, self.prior_missed, 0.0)
            calls = calls + np.where(known, self.prior_calls, 0.0)
        rate: FloatArray = np.divide(missed, calls, out=np.zeros(len(calls)), where=calls > 0)
        return rate
