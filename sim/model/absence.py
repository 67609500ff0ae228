"""Each state's absence rate over the recorded roll calls dated before a vote.

A dated predictor of absence (issue 20, item 7): small and poor delegations miss votes
habitually (Panke 2014), so a state's share of missed recorded votes so far forecasts whether
it will be there for the next one. Only records dated strictly before the vote count, so the
rate never looks at the vote it informs.
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
    """

    dates: tuple[dt.date, ...]
    missed: FloatArray

    @classmethod
    def of(
        cls, records: Iterable[tuple[dt.date, Mapping[str, str]]], ids: Sequence[str]
    ) -> AbsenceHistory:
        """Build it from ``(date, votes by country id)`` pairs; a missing row counts absent."""
        ordered = sorted(records, key=lambda r: r[0])
        absent = np.array(
            [
                [votes.get(c, "absent").strip().lower() == "absent" for c in ids]
                for _, votes in ordered
            ],
            dtype=float,
        ).reshape(len(ordered), len(ids))
        missed = np.vstack([np.zeros((1, len(ids))), np.cumsum(absent, axis=0)])
        return cls(tuple(d for d, _ in ordered), missed)

    def rate(self, day: dt.date | None) -> FloatArray:
        """Share of the records dated before ``day`` each state missed; 0 where there are none."""
        k = 0 if day is None else bisect.bisect_left(self.dates, day)
        rate: FloatArray = self.missed[k] / k if k else np.zeros(self.missed.shape[1])
        return rate
