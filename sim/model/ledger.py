"""The favour ledger: who owes whom for past protection, and how votes repay it.

``balance[i, j]`` is what country ``i`` owes country ``j``, in favour units (the scale of the
quid-pro-quo channel, which saturates as ``tanh``). The ledger is the reciprocity of Keohane
(1986) made into an account, as in the vote-trading models of Coleman (1966):

grant
    A dated favour (a veto cast to shield the debtor, a blocked sanctions request, a rescue)
    adds to the debtor's balance with its creditor.
pull
    A debtor leans toward what its creditors want on a resolution: the sum over the
    resolution's parties of debt x preference (+1 sponsor, -1 target).
settle
    A vote the way a party wants first pays down the voter's debt to it; the rest becomes the
    party's debt to the voter. Parties neither owe nor earn with each other by their own
    resolution.
decay
    Every balance fades by a share per round (memory of favours is finite).
punish
    Patrons that are parties punish non-party states that voted against them: the punished
    state loses a share of the credit it held with the punisher (Carter & Stone 2015), and a
    share of its sanctioned ties toward the punisher is cut (:func:`cut_ties`; Hufbauer et al.
    2007).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from scipy import sparse

from sim.model.votes import POSITION_OF_VOTE, BoolArray, FloatArray, IntArray, VoteArray

FAVOUR_EPSILON = 1e-9
"""Balances below this many favour units are treated as settled."""


@dataclass(frozen=True)
class Grant:
    """A favour to grant: ``debtor`` owes ``creditor`` ``amount`` (indices into the world)."""

    debtor: int
    creditor: int
    amount: float


@dataclass(frozen=True)
class Parties:
    """The parties of a resolution: indices and what each wants (+1 sponsor, -1 target)."""

    index: IntArray
    preference: FloatArray


@dataclass
class FavourLedger:
    """Balances between all countries, with the bookkeeping of who repaid.

    Parameters
    ----------
    size
        Number of countries.

    Attributes
    ----------
    balance
        ``(n, n)``: ``balance[i, j]`` is what i owes j; the diagonal stays zero.
    repaid_this_round, repaid_ever
        Which countries paid down a debt by a vote in the current round, and ever.
    """

    size: int
    balance: FloatArray = field(init=False)
    repaid_this_round: BoolArray = field(init=False)
    repaid_ever: BoolArray = field(init=False)

    def __post_init__(self) -> None:
        self.balance = np.zeros((self.size, self.size))
        self.repaid_this_round = np.zeros(self.size, dtype=bool)
        self.repaid_ever = np.zeros(self.size, dtype=bool)

    def grant(self, grants: list[Grant]) -> None:
        """Add each favour to its debtor's balance with its creditor, in order."""
        for favour in grants:
            self.balance[favour.debtor, favour.creditor] += favour.amount

    def pull(self, parties: Parties) -> FloatArray:
        """Net favours each country owes toward a resolution's outcome, ``(n,)``.

        The sum over parties of debt x preference; the quid-pro-quo channel is
        ``weight * tanh(pull)`` (diminishing returns to accumulated debt).
        """
        pull: FloatArray = self.balance[:, parties.index] @ parties.preference
        return pull

    def settle(self, votes: VoteArray, parties: Parties, credit: float) -> BoolArray:
        """Repay and earn favours with the parties after a vote; return who repaid.

        A country that votes the way party p wants (yes for a sponsor, no for the target) does
        p a favour worth ``credit`` (earn rate x salience): it first pays down what it owes p;
        the rest becomes p's debt to it. Entries between the parties stay as they were.
        """
        if parties.index.size == 0:
            return np.zeros(self.size, dtype=bool)
        owed_to = self.balance[:, parties.index]
        owed_by = self.balance[parties.index, :].T
        in_favour = POSITION_OF_VOTE[votes][:, None] * parties.preference[None, :] > 0
        earned = np.where(in_favour, credit, 0.0)
        repaid = np.minimum(owed_to, earned)
        new_to = owed_to - repaid
        new_by = owed_by + (earned - repaid)
        new_to[parties.index] = owed_to[parties.index]
        new_by[parties.index] = owed_by[parties.index]
        self.balance[:, parties.index] = new_to
        self.balance[parties.index, :] = new_by.T
        repaid_any: BoolArray = repaid.sum(axis=1) > FAVOUR_EPSILON
        self.repaid_this_round |= repaid_any
        self.repaid_ever |= repaid_any
        return repaid_any

    def punish(self, against: BoolArray, parties: Parties, keep: float) -> None:
        """Each punishing party keeps only ``keep`` of the credit its opponents held with it.

        ``against[i, k]``: country i is punished by party k.
        """
        for k, punisher in enumerate(parties.index):
            self.balance[punisher, against[:, k]] *= keep

    def decay(self, rate: float) -> None:
        """Forget a share ``rate`` of every balance."""
        self.balance *= 1.0 - rate

    def new_round(self) -> None:
        """Start a round: nobody has repaid in it yet."""
        self.repaid_this_round[:] = False

    def outstanding(self) -> tuple[IntArray, IntArray, FloatArray]:
        """Debtor, creditor and balance of every balance above :data:`FAVOUR_EPSILON`."""
        debtor, creditor = np.nonzero(self.balance > FAVOUR_EPSILON)
        return debtor, creditor, self.balance[debtor, creditor]

    def debtors(self) -> int:
        """Return the number of countries that owe anything."""
        return int((self.balance.sum(axis=1) > FAVOUR_EPSILON).sum())


def opposed(votes: VoteArray, party_preferences: FloatArray) -> BoolArray:
    """Which countries voted against which party, ``(n, k)``.

    A vote against a party is yes on a resolution that targets it or no on one it sponsors.
    Patrons punish these (Russia's warning before the April 2022 vote; Carter & Stone 2015).
    """
    against: BoolArray = POSITION_OF_VOTE[votes][:, None] * party_preferences[None, :] < 0
    return against


def cut_ties(
    matrix: sparse.csr_array, against: BoolArray, parties: IntArray, keep: float
) -> sparse.csr_array:
    """Scale the ties of punished states toward the punishing parties.

    Parameters
    ----------
    matrix
        Raw tie matrix (n, n); entry ``[i, p]`` is i's tie to p.
    against
        ``(n, k)``: whether country i is punished by party k.
    parties
        Indices of the k parties.
    keep
        Share of each punished tie kept (``1 - punishment_tie_loss``).

    Returns
    -------
    scipy.sparse.csr_array
        A new matrix; sanctions shrink economic and security links (Hufbauer et al. 2007).
    """
    coo = matrix.tocoo()
    party_of_column = np.full(matrix.shape[1], -1, dtype=np.int64)
    party_of_column[parties] = np.arange(parties.size)
    k = party_of_column[coo.col]
    hit = k >= 0
    hit[hit] = against[coo.row[hit], k[hit]]
    data = coo.data.copy()
    data[hit] *= keep
    return sparse.csr_array((data, (coo.row, coo.col)), shape=matrix.shape)
