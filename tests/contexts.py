"""Build a scripted :class:`sim.model.context.VoteContext` for rule and channel tests."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
from scipy import sparse

from sim.model.context import LedgerView, OwnRecord, VoteContext
from sim.model.ledger import FavourLedger, Parties
from sim.model.votes import NO_FIXED_VOTE


@dataclass(frozen=True)
class ScriptedWorld:
    """The static arrays a channel reads, given directly."""

    ids: tuple[str, ...]
    attributes: Mapping[str, np.ndarray]
    issues: tuple[str, ...] = ("x",)
    patron_budget: np.ndarray = field(default_factory=lambda: np.zeros(0))


def scripted_context(
    n: int,
    *,
    opinion: np.ndarray | None = None,
    fixed: list[int] | None = None,
    attributes: Mapping[str, np.ndarray] | None = None,
    salience: float = 1.0,
    tables: Mapping[str, sparse.csr_array] | None = None,
    parties: Parties | None = None,
    ledger: FavourLedger | None = None,
    own_position: np.ndarray | None = None,
    own_age: np.ndarray | None = None,
    noise: np.ndarray | None = None,
    inducement: np.ndarray | None = None,
) -> VoteContext:
    """A context over ``n`` countries; everything not given is neutral (zeros, no parties).

    ``own_position`` and ``own_age`` script each state's own record (recorded ``own_age``
    days before the vote; ``inf`` = none).
    """
    zeros = np.zeros(n)
    age = np.full(n, np.inf) if own_age is None else np.asarray(own_age, dtype=float)
    now = 0.0
    return VoteContext(
        world=ScriptedWorld(
            ids=tuple(f"C{i}" for i in range(n)),
            attributes={"domestic_pressure": zeros, **(attributes or {})},
            patron_budget=zeros,
        ),
        tables=dict(tables or {"alignment": sparse.csr_array((n, n))}),
        resolution="R",
        parties=parties or Parties(np.zeros(0, dtype=np.int64), np.zeros(0)),
        issue=0,
        day=None,
        salience=salience,
        opinion=zeros if opinion is None else np.asarray(opinion, dtype=float),
        fixed_votes=np.array(fixed if fixed is not None else [NO_FIXED_VOTE] * n, dtype=np.int8),
        expected=None,
        recorded=None,
        absent_streak=np.zeros(n, dtype=np.int64),
        ledger=LedgerView(ledger or FavourLedger(n)),
        own_record=OwnRecord(
            known_position=zeros if own_position is None else np.asarray(own_position, float),
            known_time=now - age,
            run_position=zeros,
            run_time=np.full(n, -np.inf),
            now=now,
        ),
        noise=zeros if noise is None else np.asarray(noise, dtype=float),
        inducement=zeros if inducement is None else np.asarray(inducement, dtype=float),
    )
