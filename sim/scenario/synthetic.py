"""Synthetic worlds of fictional states, of any size, for benchmarks and tests.

The world has a few great powers split into two camps; every other state trades with a handful
of partners (preferring great powers, as gravity models of trade suggest; Tinbergen 1962),
leans on one camp for security, may owe a favour to its patron, and has a democracy score drawn
from a Beta distribution. Every round one resolution targets a great power of one camp and is
sponsored by the other camp.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from sim.model.votes import IntArray
from sim.scenario.schema import Parameters, Scenario


def synthetic_scenario(
    n: int,
    *,
    seed: int = 0,
    rounds: int = 100,
    powers: int = 6,
    partners: int = 8,
    parameters: Parameters | None = None,
) -> Scenario:
    """Build a synthetic scenario of ``n`` fictional states (deterministic in ``seed``).

    Parameters
    ----------
    n
        Number of states (at least ``powers + 2``).
    seed
        Seed of the generator that draws the world (not the run's noise).
    rounds
        Rounds in the scenario; one resolution comes up every round.
    powers
        Number of great powers, split into two camps.
    partners
        Trade partners per state.
    parameters
        Global parameters (defaults otherwise).

    Returns
    -------
    Scenario
        A validated scenario.
    """
    if n < powers + 2:
        raise ValueError(f"need at least {powers + 2} states, got {n}")
    rng = np.random.default_rng(seed)
    ids = [f"S{i:04d}" for i in range(n)]
    camp = np.arange(n) % 2
    countries = [
        {
            "id": ids[i],
            "name": f"State {i}",
            "domestic_pressure": float(rng.beta(2.0, 2.0)),
            "public_opinion": {"sovereignty": float(rng.uniform(-0.5, 1.0))},
            "patron_budget": float(rng.uniform(0.5, 2.0)) if i < powers else 0.0,
        }
        for i in range(n)
    ]
    trade, security, favours = _links(rng, ids, camp, powers, partners)
    adversaries = _adversaries(rng, ids, camp, powers)
    target = int(rng.integers(0, powers))
    sponsors = [ids[j] for j in range(powers) if camp[j] != camp[target]]
    agenda = [
        {
            "id": "SYN-1",
            "round": 1,
            "repeat_every": 1,
            "title": "Synthetic condemnation",
            "issue": "sovereignty",
            "target": ids[target],
            "sponsors": sponsors,
        }
    ]
    return Scenario.model_validate(
        {
            "name": f"synthetic-{n}",
            "seed": seed,
            "rounds": rounds,
            "reference_states": [ids[0], ids[1]],
            "issues": {"sovereignty": {"default_opinion": 0.3}},
            "parameters": (parameters or Parameters()).model_dump(),
            "countries": countries,
            "ties": {"trade": trade, "security": security, "adversaries": adversaries},
            "favours": favours,
            "agenda": agenda,
        }
    )


Rows = list[dict[str, Any]]


def _links(
    rng: np.random.Generator, ids: list[str], camp: IntArray, powers: int, partners: int
) -> tuple[Rows, Rows, Rows]:
    """Draw trade (gravity: great powers attract), security toward one's camp, favours owed."""
    n = len(ids)
    attraction = np.ones(n)
    attraction[:powers] = 20.0
    trade: Rows = []
    security: Rows = []
    favours: Rows = []
    for i in range(n):
        weights = attraction.copy()
        weights[i] = 0.0
        chosen = rng.choice(n, size=min(partners, n - 1), replace=False, p=weights / weights.sum())
        shares = rng.dirichlet(np.ones(chosen.size)) * rng.uniform(0.4, 0.9)
        trade += [
            {"country": ids[i], "partner": ids[j], "weight": float(s)}
            for j, s in zip(chosen, shares, strict=True)
        ]
        patron = int(rng.integers(0, powers // 2)) * 2 + int(camp[i])
        if patron != i:
            security.append(
                {"country": ids[i], "partner": ids[patron], "weight": float(rng.uniform(0.2, 1))}
            )
            if rng.random() < 0.2:
                favours.append(
                    {
                        "debtor": ids[i],
                        "creditor": ids[patron],
                        "amount": float(rng.uniform(0.25, 2.0)),
                        "event": "synthetic protection",
                    }
                )
    return trade, security, favours


def _adversaries(rng: np.random.Generator, ids: list[str], camp: IntArray, powers: int) -> Rows:
    """Make the great powers of the two camps rivals, plus a few smaller cross-camp rivalries."""
    n = len(ids)
    adversaries: Rows = []
    for a in range(0, powers, 2):
        for b in range(1, powers, 2):
            adversaries.append({"country": ids[a], "partner": ids[b], "weight": 1.0})
    for _ in range(n // 10):
        a, b = rng.choice(n, size=2, replace=False)
        if camp[a] != camp[b] and max(a, b) >= powers:
            adversaries.append({"country": ids[a], "partner": ids[b], "weight": 0.5})
    return adversaries
