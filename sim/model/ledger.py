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
    A vote the way a party wants does the party a favour. Under *specific* reciprocity (Coleman
    1966's vote trading) it first pays down the voter's debt to the party and the rest becomes
    the party's debt to the voter, so a repaid debt no longer pulls. Under *diffuse*
    reciprocity (Keohane 1986) obligations are not discharged but continued: the favour binds
    both sides, adding to the voter's balance with the party and the party's with the voter,
    so repaying never leaves the tie weaker and repeated alignment strengthens it. Parties
    neither owe nor earn with each other by their own resolution.
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


DENSE_CELLS = 1 << 20
"""Up to this many cells (n <= 1024), whole-array passes beat tracking where balances are."""


@dataclass(frozen=True)
class _PairwisePlan:
    """How numpy's pairwise summation splits ``length`` contiguous doubles (see below)."""

    starts: IntArray  # start of every block, ascending, then ``length`` as a sentinel
    laned: IntArray  # length of each block's laned part (a multiple of 8; 0 below 8)
    short: BoolArray  # blocks shorter than 8, summed from -0.0
    chunk_block: IntArray  # block holding the first position of each 64-long chunk
    merges: tuple[tuple[IntArray, IntArray, IntArray], ...]  # per level: left, right, kept


_PLANS: dict[int, _PairwisePlan] = {}


def _pairwise_plan(length: int) -> _PairwisePlan:
    """Replay numpy's pairwise summation of ``length`` contiguous doubles symbolically.

    numpy sums by recursive halving (``n2 = n // 2``, rounded down to a multiple of 8) down to
    blocks of at most 128, each summed in 8 interleaved lanes, the lanes combined as
    ``((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7))``, then a tail added in order. The plan
    lists the blocks and, level by level from the deepest, which neighbours the recursion adds
    (cached by length; blocks are at least 64 long, so a 64-chunk meets at most two).
    """
    if length in _PLANS:
        return _PLANS[length]
    start = np.zeros(1, dtype=np.int64)
    size = np.full(1, length, dtype=np.int64)
    code = np.zeros(1, dtype=np.int64)
    depth = np.zeros(1, dtype=np.int64)
    done: list[tuple[IntArray, IntArray, IntArray, IntArray]] = []
    while size.size:
        leaf = size <= 128
        done.append((start[leaf], size[leaf], code[leaf], depth[leaf]))
        start, size, code, depth = start[~leaf], size[~leaf], code[~leaf], depth[~leaf]
        half = size // 2
        half -= half % 8
        start = np.concatenate([start, start + half])
        size = np.concatenate([half, size - half])
        code = np.concatenate([2 * code, 2 * code + 1])
        depth = np.concatenate([depth + 1, depth + 1])
    starts, sizes, codes, depths = (np.concatenate(parts) for parts in zip(*done, strict=True))
    order = np.argsort(starts)
    starts, sizes, code, depth = starts[order], sizes[order], codes[order], depths[order]
    merges = []
    for level in range(int(np.max(depth)), 0, -1):
        here = np.flatnonzero(depth == level)
        parent = code[here] >> 1
        pair = ((code[here[:-1]] & 1) == 0) & (parent[:-1] == parent[1:])
        left, right = here[:-1][pair], here[1:][pair]
        depth[here] = level - 1
        code[here] = parent
        kept = np.ones(depth.size, dtype=bool)
        kept[right] = False
        merges.append((left, right, np.flatnonzero(kept)))
        depth, code = depth[kept], code[kept]
    chunks = np.arange(0, length, 64, dtype=np.int64)
    plan = _PairwisePlan(
        starts=np.append(starts, length),
        laned=np.where(sizes < 8, 0, sizes - sizes % 8),
        short=sizes < 8,
        chunk_block=np.searchsorted(starts, chunks, side="right") - 1,
        merges=tuple(merges),
    )
    _PLANS[length] = plan
    return plan


def pairwise_sum(keys: IntArray, values: FloatArray, length: int) -> float:
    """``np.sum`` of a contiguous array of ``length`` doubles, bit for bit, from its non-zeros.

    ``keys`` are the (sorted, distinct) positions of every entry that may be non-zero and
    ``values`` their values (all others are +0.0; no entry may be -0.0). Replays numpy's
    pairwise summation (see :func:`_pairwise_plan`) on those entries only: adding +0.0 leaves
    a partial sum unchanged, so skipped zeros change no bit. Costs O(len(keys) + length / 100).
    """
    present = values != 0.0
    keys, values = keys[present], values[present]
    if keys.size == 0:
        return 0.0
    plan = _pairwise_plan(length)
    block = plan.chunk_block[keys >> 6]
    block += keys >= plan.starts[block + 1]
    offset = keys - plan.starts[block]
    first = np.empty(block.size, dtype=bool)
    first[0] = True
    np.not_equal(block[1:], block[:-1], out=first[1:])
    which = np.cumsum(first) - 1
    used = block[first]
    main = offset < plan.laned[block]
    lanes = np.zeros((8, used.size))
    np.add.at(lanes.reshape(-1), (offset[main] & 7) * used.size + which[main], values[main])
    sums = ((lanes[0] + lanes[1]) + (lanes[2] + lanes[3])) + (
        (lanes[4] + lanes[5]) + (lanes[6] + lanes[7])
    )
    sums[plan.short[used]] = -0.0
    tail = ~main
    if tail.any():
        np.add.at(sums, which[tail], values[tail])
    blocks = plan.laned.size
    total = np.zeros(blocks)
    total[used] = sums
    if plan.merges and plan.merges[0][0].size * 2 == blocks and blocks & (blocks - 1) == 0:
        while total.size > 1:  # a perfect tree: neighbours add level by level
            total = total[0::2] + total[1::2]
    else:
        for left, right, kept in plan.merges:
            total[left] = total[left] + total[right]
            total = total[kept]
    return float(total[0])


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

    Balances are stored as one dense ``(n, n)`` array (so that :meth:`pull` and :meth:`settle`
    read whole columns), but the ledger knows where its non-zero balances can be: in the row
    or the column of a *party* (a country that sponsored or was targeted by a settled
    resolution, whose credit every voter may earn), or in a cell a dated favour was granted
    in. Above :data:`DENSE_CELLS` cells, decay, :meth:`outstanding`, :meth:`debtors` and
    :meth:`total` touch only those entries, so a round costs O(n x parties + favours), not
    O(n^2); below it, whole-array passes are cheaper and used instead (same results, bit for
    bit). Code that writes :attr:`balance` directly is
    supported: reading the attribute makes the next bookkeeping call rescan it once.

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
    repaid_this_round: BoolArray = field(init=False)
    repaid_ever: BoolArray = field(init=False)
    _balance: FloatArray = field(init=False, repr=False)
    _party: BoolArray = field(init=False, repr=False)
    _cells: set[int] = field(init=False, repr=False)
    _exposed: bool = field(init=False, repr=False, default=False)
    _dense: bool = field(init=False, repr=False, default=True)
    _cached: tuple[IntArray, IntArray, FloatArray] | None = field(
        init=False, repr=False, default=None
    )

    def __post_init__(self) -> None:
        self._dense = self.size * self.size <= DENSE_CELLS
        self._balance = np.zeros((self.size, self.size))
        self._party = np.zeros(self.size, dtype=bool)
        self._cells = set()
        self.repaid_this_round = np.zeros(self.size, dtype=bool)
        self.repaid_ever = np.zeros(self.size, dtype=bool)

    @property
    def balance(self) -> FloatArray:
        """``(n, n)``: what each country owes each other (writable in place)."""
        self._exposed = True
        self._cached = None
        return self._balance

    @property
    def balance_view(self) -> FloatArray:
        """``(n, n)``: the balances as a read-only view (reading it costs no rescan)."""
        view = self._balance.view()
        view.flags.writeable = False
        return view

    def _where(self) -> tuple[IntArray, IntArray, IntArray, IntArray]:
        """Where balances can be non-zero, each entry once.

        Returns
        -------
        tuple
            The parties and the other countries (sorted), and the rows and columns of granted
            cells in neither a party's row nor a party's column (sorted row-major).
        """
        n = self.size
        if self._exposed:
            rows, cols = np.nonzero(self._balance)
            self._cells = set((rows * n + cols).tolist())
            self._exposed = False
        parties = np.flatnonzero(self._party)
        others = np.flatnonzero(~self._party)
        keys = np.fromiter(self._cells, dtype=np.int64, count=len(self._cells))
        keys.sort()
        rows, cols = np.divmod(keys, n)
        keep = ~(self._party[rows] | self._party[cols])
        return parties, others, rows[keep], cols[keep]

    def grant(self, grants: list[Grant]) -> None:
        """Add each favour to its debtor's balance with its creditor, in order."""
        for favour in grants:
            self._balance[favour.debtor, favour.creditor] += favour.amount
            self._cells.add(favour.debtor * self.size + favour.creditor)
        self._cached = None

    def pull(self, parties: Parties) -> FloatArray:
        """Net favours each country owes toward a resolution's outcome, ``(n,)``.

        The sum over parties of debt x preference; the quid-pro-quo channel is
        ``weight * tanh(pull)`` (diminishing returns to accumulated debt).
        """
        pull: FloatArray = self._balance[:, parties.index] @ parties.preference
        return pull

    def settle(
        self, votes: VoteArray, parties: Parties, credit: float, diffuse: bool = False
    ) -> BoolArray:
        """Repay and earn favours with the parties after a vote; return who repaid.

        A country that votes the way party p wants (yes for a sponsor, no for the target) does
        p a favour worth ``credit`` (earn rate x salience). Specific reciprocity (``diffuse``
        False): it first pays down what it owes p; the rest becomes p's debt to it. Diffuse
        reciprocity: what it owes p and what p owes it both grow by ``credit``. Who *repaid*
        is who voted the way a party it owed wanted. Entries between the parties stay as they
        were.
        """
        if parties.index.size == 0:
            return np.zeros(self.size, dtype=bool)
        balance = self._balance
        owed_to = balance[:, parties.index]
        owed_by = balance[parties.index, :].T
        in_favour = POSITION_OF_VOTE[votes][:, None] * parties.preference[None, :] > 0
        earned = np.where(in_favour, credit, 0.0)
        repaid = np.minimum(owed_to, earned)
        if diffuse:
            new_to = owed_to + earned
            new_by = owed_by + earned
        else:
            new_to = owed_to - repaid
            new_by = owed_by + (earned - repaid)
        new_to[parties.index] = owed_to[parties.index]
        new_by[parties.index] = owed_by[parties.index]
        balance[:, parties.index] = new_to
        balance[parties.index, :] = new_by.T
        self._party[parties.index] = True
        self._cached = None
        repaid_any: BoolArray = repaid.sum(axis=1) > FAVOUR_EPSILON
        self.repaid_this_round |= repaid_any
        self.repaid_ever |= repaid_any
        return repaid_any

    def punish(self, against: BoolArray, parties: Parties, keep: float) -> None:
        """Each punishing party keeps only ``keep`` of the credit its opponents held with it.

        ``against[i, k]``: country i is punished by party k.
        """
        for k, punisher in enumerate(parties.index):
            self._balance[punisher, against[:, k]] *= keep
        self._party[parties.index] = True
        self._cached = None

    def decay(self, rate: float) -> None:
        """Forget a share ``rate`` of every balance (touching only where one can be)."""
        if self._dense:
            self._balance *= 1.0 - rate
            self._cached = None
            return
        parties, others, rows, cols = self._where()
        factor = 1.0 - rate
        balance = self._balance
        if parties.size:
            balance[parties] *= factor
            balance[np.ix_(others, parties)] *= factor
        balance[rows, cols] *= factor
        self._cached = None

    def new_round(self) -> None:
        """Start a round: nobody has repaid in it yet."""
        self.repaid_this_round[:] = False

    def _entries(self) -> tuple[IntArray, IntArray, FloatArray]:
        """Every entry that may be non-zero, row-major: debtor, creditor, balance."""
        if self._cached is not None and not self._exposed:
            return self._cached
        parties, others, rows, cols = self._where()
        balance = self._balance
        block = balance[parties]
        party_rows = np.repeat(parties, self.size)
        party_cols = np.tile(np.arange(self.size), parties.size)
        other_rows = np.repeat(others, parties.size)
        other_cols = np.tile(parties, others.size)
        debtor = np.concatenate([party_rows, other_rows, rows])
        creditor = np.concatenate([party_cols, other_cols, cols])
        values = np.concatenate(
            [block.ravel(), balance[np.ix_(others, parties)].ravel(), balance[rows, cols]]
        )
        order = np.argsort(debtor * self.size + creditor, kind="stable")
        self._cached = (debtor[order], creditor[order], values[order])
        return self._cached

    def outstanding(self) -> tuple[IntArray, IntArray, FloatArray]:
        """Debtor, creditor and balance of every balance above :data:`FAVOUR_EPSILON`.

        In row-major order (by debtor, then creditor), as ``np.nonzero`` lists them.
        """
        if self._dense:
            debtor, creditor = np.nonzero(self._balance > FAVOUR_EPSILON)
            return debtor, creditor, self._balance[debtor, creditor]
        debtor, creditor, values = self._entries()
        hit = values > FAVOUR_EPSILON
        return debtor[hit], creditor[hit], values[hit]

    def debtors(self) -> int:
        """Return the number of countries that owe anything."""
        if self._dense:
            return int((self._balance.sum(axis=1) > FAVOUR_EPSILON).sum())
        debtor, _, values = self._entries()
        # Balances are >= 0, so a row sum lies between its largest entry and the sum of all.
        # Rows whose largest entry exceeds the threshold owe; the rare rows in between are
        # summed in full, exactly as ``balance.sum(axis=1)`` sums them.
        largest = np.zeros(self.size)
        np.maximum.at(largest, debtor, values)
        approximate = np.bincount(debtor, weights=values, minlength=self.size)
        surely = largest > FAVOUR_EPSILON
        maybe = np.flatnonzero(~surely & (approximate > FAVOUR_EPSILON * 0.5))
        exact = self._balance[maybe].sum(axis=1) > FAVOUR_EPSILON
        return int(surely.sum() + exact.sum())

    def total(self) -> float:
        """Sum of every balance, bit for bit what ``balance.sum()`` returns, in O(entries)."""
        if self._dense:
            return float(self._balance.sum())
        debtor, creditor, values = self._entries()
        return pairwise_sum(debtor * self.size + creditor, values, self.size * self.size)


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
