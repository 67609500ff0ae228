"""The regime channel: states side with the parties whose regime is like their own.

Joint democracy predicts similar UN voting (Gartzke 1998, "Kant we all just get along?"), and
the main dimension of General Assembly voting since the Cold War separates the Western
democracies from the rest (Voeten 2000; Bailey, Strezhnev & Voeten 2017). This module reads
one country attribute, ``democracy`` in [0, 1] (a dated democracy index; the built worlds use
V-Dem's electoral democracy index), and pulls each state toward the side of a resolution's
parties whose regimes resemble its own. The channel (its weight, bounds and attribute) is
registered in :mod:`sim.model.channels`, which imports this module.
"""

from __future__ import annotations

import numpy as np

from sim.model.context import VoteContext
from sim.model.votes import FloatArray

DEMOCRACY = "democracy"
"""The country attribute the channel reads (declared with the channel in ``channels``)."""
NEUTRAL_DEMOCRACY = 0.5
"""A state's democracy score where the scenario gives none: the scale's midpoint, at which
:func:`regime_similarity` is 0 with every party (the state feels no regime pull either way)."""
DEMOCRACY_DESCRIPTION = (
    "democracy index in [0, 1] (V-Dem in built worlds); a blank cell (or no column) is 0.5, "
    "the scale's neutral midpoint: regime term 0, no pull either way"
)
"""The attribute's description in the scenario schema and docs/SCENARIO.md."""


def regime_similarity(a: FloatArray, b: FloatArray) -> FloatArray:
    """Return ``4 (a - 1/2)(b - 1/2)`` in [-1, 1]: the joint-regime term of two democracy scores.

    Positive when both lie on the same side of the scale's midpoint (two democracies, or two
    autocracies), negative across it, and near 0 for a hybrid regime: Gartzke's (1998)
    joint-democracy term on a scale centred at its midpoint. (Chosen over ``1 - 2 |a - b|``, a
    Gaussian kernel and a threshold at 0.75 after one-seed looks at the mechanisms-only score
    of session 74, then confirmed on session 73, where its weight was fitted: a rule chosen
    after seeing the target session, so session 74 is no clean test of it; README, "Rules
    chosen after session-74 scores had been seen".)
    """
    similarity: FloatArray = 4.0 * (a - 0.5) * (b - 0.5)
    return similarity


def regime_affinity(democracy: FloatArray, index: np.ndarray, preference: FloatArray) -> FloatArray:
    """Each state's regime affinity with the side of the resolution's parties, in [-1, 1].

    The mean similarity (:func:`regime_similarity`) with the sponsors (preference +1) minus the
    mean similarity with the target(s) (preference -1), halved when both sides are present: a
    state whose regime resembles the sponsors' more than the target's leans yes. 0 for a
    resolution without parties.
    """
    out = np.zeros(democracy.shape[0])
    sides = 0
    for sign in (1.0, -1.0):
        chosen = index[preference == sign]
        if chosen.size:
            sides += 1
            out += sign * regime_similarity(democracy[:, None], democracy[None, chosen]).mean(1)
    affinity: FloatArray = out / max(sides, 1)
    return affinity


def regime_inputs(context: VoteContext) -> FloatArray:
    """Each state's regime affinity with the vote's parties (:func:`regime_affinity`) (n,)."""
    parties = context.parties
    return regime_affinity(context.world.attributes[DEMOCRACY], parties.index, parties.preference)


def regime_term(affinity: FloatArray, weight: float) -> FloatArray:
    """Return ``weight * affinity``: linear in the weight, 0 at weight 0.

    Positive (toward yes) for a state whose regime resembles the sponsors' more than the
    target's, negative (toward no) in the reverse case (Gartzke 1998).
    """
    term: FloatArray = weight * affinity
    return term
