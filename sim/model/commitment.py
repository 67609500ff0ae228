"""The commitment channel's inputs: each state's own latest record on the issue, fading with age.

Governments pay a cost for reversing a public position (audience costs, Fearon 1994;
consistency in UN voting, Voeten 2000), and the cost fades as the record ages. How fast it
fades is a global parameter, ``commitment_half_life``
(:data:`sim.model.channels.COMMITMENT_HALF_LIFE`, a registry
:class:`~sim.model.channels.ChannelParameter`), bounded and fitted like a weight: a record
``age`` days old counts ``0.5 ** (age / half-life)``, the simplest fading with one rate
(states' positions drift between sessions, Bailey, Strezhnev & Voeten 2017; the rate is not
taken from them but fitted, e.g. by ``backtest --walk-forward``).
"""

from __future__ import annotations

import numpy as np

from sim.model.context import DEFAULT_HALF_LIFE, VoteContext
from sim.model.votes import FloatArray

COMMITMENT_HALF_LIFE_DAYS = DEFAULT_HALF_LIFE
"""Default half-life of the commitment to one's own recorded position (dated agendas: days)."""


def record_fading(context: VoteContext) -> tuple[FloatArray, FloatArray]:
    """Each state's latest own position on the issue and ``strength * 0.5 ** (age / half-life)``.

    ``strength`` is ``commitment_precedent`` where the record is the state's vote on the same
    text voted before (an item's precedent), else 1: resolutions that return every session are
    voted on almost exactly as before (Voeten 2000; Bailey, Strezhnev & Voeten 2017), a far
    firmer public position than a vote on another text of the issue.
    """
    record = context.own_record
    fading: FloatArray = record.strength * np.exp2(-record.age / record.half_life)
    return record.position, fading


def commitment_term(record: tuple[FloatArray, FloatArray], weight: float) -> FloatArray:
    """Return the pull of each state's own latest position on the issue, fading with its age.

    ``weight * own_record * strength * 0.5 ** (age / half-life)`` (``record`` is
    :func:`record_fading`; ``strength`` is the precedent factor on a vote on the same text):
    governments pay a cost for reversing a public position (audience costs, Fearon 1994;
    consistency in UN voting, Voeten 2000), which fades as the record ages. Zero where a state
    has no recorded position.
    """
    position, fading = record
    term: FloatArray = weight * position * fading
    return term


def commitment_band(record: tuple[FloatArray, FloatArray], weight: float) -> FloatArray:
    """Return how much a recorded abstention widens each state's abstention band.

    ``weight * strength * 0.5 ** (age / half-life)`` for a state whose latest recorded
    position on the issue is an abstention, else 0: leaving a public abstention for a side is a
    reversal too (Fearon 1994), so such a state needs a clearer lean before it takes one. Fades
    like :func:`commitment_term`, and an abstention on the same text (a precedent) widens it
    ``commitment_precedent`` times as much (:func:`record_fading`'s ``strength``).
    """
    position, fading = record
    abstained = (position == 0.0) & (fading > 0.0)  # fading is 0 where no record
    band: FloatArray = np.where(abstained, weight * fading, 0.0)
    return band
