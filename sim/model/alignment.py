"""The prior-alignment channel's inputs: each state's voting affinity with a resolution's parties.

Voting affinity in earlier General Assembly sessions is the standard measure of alignment in the
field (Voeten 2000; Häge 2011; Bailey, Strezhnev & Voeten 2017): a state that has voted with a
resolution's sponsors leans yes, one that has voted with its target leans no. The channel (its
weight, bounds and the signed ``alignment`` tie table it reads) is registered in
:mod:`sim.model.channels`, which imports this module.
"""

from __future__ import annotations

import numpy as np
from scipy import sparse

from sim.model.context import VoteContext
from sim.model.votes import FloatArray, IntArray

ALIGNMENT_TABLE = "alignment"
"""The tie table the channel reads (declared with the channel in ``channels``)."""


def party_affinity(matrix: sparse.csr_array, index: IntArray, preference: FloatArray) -> FloatArray:
    """Each country's affinity with a resolution's parties, signed by what each party wants.

    ``clip(sum_p preference_p * matrix[i, p], -1, 1)`` over the parties ``index`` (sponsors
    +1, target -1): with ``matrix`` the signed ``alignment`` table (kappa with each party in
    earlier sessions), a state that voted with the sponsors gets a positive value, one that
    voted with the target a negative one (Voeten 2000).
    """
    party = np.zeros(matrix.shape[1])
    party[index] = preference
    affinity: FloatArray = np.clip(matrix @ party, -1.0, 1.0)
    return affinity


def prior_alignment_inputs(context: VoteContext) -> FloatArray:
    """Each state's affinity with the vote's parties (:func:`party_affinity`) (n,)."""
    parties = context.parties
    return party_affinity(context.tables[ALIGNMENT_TABLE], parties.index, parties.preference)


def prior_alignment_term(affinity: FloatArray, weight: float) -> FloatArray:
    """Return each state's affinity with the resolution's parties from its earlier votes.

    ``weight * affinity``, where ``affinity`` sums a state's voting affinity (the signed
    ``alignment`` table: Cohen's kappa over earlier General Assembly sessions, Häge 2011) with
    each party it has a row for, signed by what the party wants (+ sponsors, - target), clipped
    to [-1, 1]. States that have voted with the sponsors lean yes, those that have voted with
    the target lean no: voting affinity is the standard measure of alignment in the field
    (Voeten 2000; Bailey, Strezhnev & Voeten 2017). Zero where a state has no affinity row.
    """
    term: FloatArray = weight * affinity
    return term
