"""Seeds: every run draws from one ``numpy.random.Generator`` made from a recorded seed.

A seed is recorded as ``(entropy, spawn_key)``: the root entropy and the path of children
spawned from ``numpy.random.SeedSequence(entropy)`` (O'Neill 2014's PCG seeding, as numpy
implements it). Child ``k`` of ``n`` spawned from a root is always the same, so any run can be
re-run from its recorded pair alone.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np


class Seed(NamedTuple):
    """A recorded seed: root entropy and spawn key (empty for the root itself)."""

    entropy: int
    spawn_key: tuple[int, ...]

    def generator(self) -> np.random.Generator:
        """Return the run generator for this seed."""
        return np.random.default_rng(np.random.SeedSequence(self.entropy, spawn_key=self.spawn_key))

    def as_dict(self) -> dict[str, object]:
        """``{"entropy": ..., "spawn_key": [...]}`` for JSON."""
        return {"entropy": self.entropy, "spawn_key": list(self.spawn_key)}


def child_seeds(entropy: int, n: int) -> list[Seed]:
    """Return the first ``n`` children spawned from ``SeedSequence(entropy)``, in order."""
    return [Seed(entropy, tuple(c.spawn_key)) for c in np.random.SeedSequence(entropy).spawn(n)]


def replicate_seeds(entropy: int, replicates: int) -> list[Seed]:
    """Seeds of ``replicates`` runs: the root itself first, then children.

    Replicate 0 reproduces a plain run with seed ``entropy``; replicate ``k > 0`` is child
    ``k - 1``.
    """
    return [Seed(entropy, ()), *child_seeds(entropy, max(replicates - 1, 0))]
