"""Vote codes, the sign convention and the array types every layer shares.

A *position* is ``+1`` for yes, ``0`` for abstain/absent/unknown and ``-1`` for no. A *score*
(net support) is a sum of channel contributions in the same direction: positive pushes toward
yes, negative toward no.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import IntEnum
from typing import Final

import numpy as np
from numpy.typing import NDArray

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]
BoolArray = NDArray[np.bool_]
VoteArray = NDArray[np.int8]


class Vote(IntEnum):
    """A recorded vote, coded as political science codes UN roll calls.

    ``YES = 1, ABSTAIN = 2, NO = 3`` is the ordinal coding of Voeten (2000) and Häge (2011);
    ``ABSENT = 0`` (did not vote, or had no vote) is missing in every alignment measure.
    """

    ABSENT = 0
    YES = 1
    ABSTAIN = 2
    NO = 3

    @property
    def word(self) -> str:
        """Return the lower-case word used in files (``yes``, ``no``, ``abstain``, ``absent``)."""
        return self.name.lower()

    @classmethod
    def from_word(cls, word: str) -> Vote:
        """Parse a vote word (any case, surrounding blanks ignored); ``ValueError`` otherwise."""
        try:
            return cls[word.strip().upper()]
        except KeyError:
            raise ValueError(f"must be one of yes, no, abstain, absent, got {word!r}") from None


VOTE_WORDS: Final = tuple(v.word for v in Vote)
"""Vote words indexed by vote code (``VOTE_WORDS[Vote.YES] == "yes"``)."""

CAST_CODES: Final = (int(Vote.YES), int(Vote.ABSTAIN), int(Vote.NO))
"""Vote codes that count as cast (yes, abstain, no) in alignment measures."""

POSITION_OF_VOTE: Final = np.array([0.0, 1.0, 0.0, -1.0])
"""Position of each vote code: absent 0, yes +1, abstain 0, no -1."""

_CUT: Final = np.array([Vote.NO, Vote.ABSTAIN, Vote.YES], dtype=np.int8)
"""Vote code by ``1 + (score > band) - (score < -band)`` (a lookup instead of masked writes)."""

NO_FIXED_VOTE: Final = -1
"""Marker in a ``fixed_votes`` vector for a country that decides freely."""


def classify(score: FloatArray, band: float | FloatArray) -> VoteArray:
    """Cut net support into votes: yes above ``+band``, no below ``-band``, abstain between.

    Parameters
    ----------
    score
        Net support (n,).
    band
        Half-width of the abstention zone (>= 0), one for all or one per country.

    Returns
    -------
    numpy.ndarray
        Vote codes (n,) as ``int8`` (see :class:`Vote`); any shape broadcasting ``score`` and
        ``band`` works alike.
    """
    above = (score > band).view(np.int8)
    below = (score < -band).view(np.int8)
    votes: VoteArray = _CUT[above - below + 1]
    return votes


_CUT_SORTED: Final = np.array([Vote.NO, Vote.ABSTAIN, Vote.YES, Vote.ABSTAIN], dtype=np.int8)
"""Vote code by position among the edges of :func:`classifier` (the last slot: NaN)."""


def classifier(band: float) -> Callable[[FloatArray], VoteArray]:
    """Return ``classify(., band)`` for one scalar band, as one sorted search and one lookup.

    The edges ``[-band - ulp, band, inf]`` put a score in slot 0 exactly when it is below
    ``-band``, 1 when within the band, 2 when above it (``inf`` included) and 3 when NaN (numpy
    sorts NaN last), so the votes are :func:`classify`'s, value for value, at a third of the
    cost: five array operations become two. A band that is not finite and >= 0 (the edges
    would not be sorted) keeps :func:`classify` itself.
    """
    if not (np.isfinite(band) and band >= 0):
        return lambda score: classify(score, band)
    edges = np.array([np.nextafter(-band, -np.inf), band, np.inf])
    search = edges.searchsorted
    take = _CUT_SORTED.take

    def cut(score: FloatArray) -> VoteArray:
        votes: VoteArray = take(search(score))
        return votes

    return cut
