"""The agenda channel: the same pull toward yes for every state on every resolution put to a vote.

A resolution reaches a recorded vote in the General Assembly only after its sponsors have
negotiated a text meant to carry a majority; an agenda setter proposes what the floor will
accept (Romer & Rosenthal 1978), and General Assembly drafting seeks the widest support before a
text is tabled (Panke 2013, *Unequal Actors in Equalising Institutions*). So a state with no
other reason to oppose a text votes for it, and most recorded resolutions pass by large
majorities (Voeten 2000). The channel is a global intercept: it reads no country data, and its
weight is fitted like the others (``agenda_weight``, default 0 = off). It is the honest name for
what an unsourced default opinion would otherwise carry. The channel is registered in
:mod:`sim.model.channels`, which imports this module.
"""

from __future__ import annotations

import numpy as np

from sim.model.context import VoteContext
from sim.model.votes import FloatArray


def agenda_inputs(context: VoteContext) -> FloatArray:
    """Return ones, one per country: every state faces the same tabled text (n,)."""
    ones: FloatArray = np.ones(len(context.world.ids))
    return ones


def agenda_term(ones: FloatArray, weight: float) -> FloatArray:
    """Return ``weight`` for every state: the pull toward yes of a text drafted to pass.

    Linear in the weight and 0 at weight 0 (Romer & Rosenthal 1978; Panke 2013).
    """
    term: FloatArray = weight * ones
    return term
