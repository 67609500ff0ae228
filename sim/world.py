"""Turn a validated scenario into the arrays the rules work on.

Countries are indexed in scenario order; every vector is ``(n,)`` and every tie matrix ``(n, n)``.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import numpy as np
from scipy import sparse

from sim.rules import NO_FIXED_VOTE, FloatArray, Vote, VoteArray, Weights
from sim.scenario import AdversaryTie, Parameters, Resolution, Scenario


@dataclass(frozen=True)
class World:
    """Arrays of one scenario, indexed by country position.

    Attributes
    ----------
    ids, names
        Country ids and names, in scenario order.
    accountability
        Domestic pressure in [0, 1] (n,).
    opinion
        ``(n, n_issues)`` public opinion, issue defaults filled in; columns follow ``issues``.
    issues
        Issue names, in the column order of ``opinion``.
    arrears
        Countries without a vote (UN Charter Art. 19) (n,).
    patron_budget
        Inducement budget at the start of the run (n,).
    trade, security, adversary
        Raw tie matrices (CSR); security strengths summed over kinds and capped at 1.
    """

    ids: tuple[str, ...]
    names: tuple[str, ...]
    accountability: FloatArray
    opinion: FloatArray
    issues: tuple[str, ...]
    arrears: np.ndarray
    patron_budget: FloatArray
    trade: sparse.csr_array
    security: sparse.csr_array
    adversary: sparse.csr_array

    @property
    def size(self) -> int:
        """Number of countries."""
        return len(self.ids)

    def index(self, country_id: str) -> int:
        """Position of a country id."""
        return self.ids.index(country_id)


def _tie_matrix(
    entries: Iterable[tuple[int, int, float]], n: int, strongest: bool
) -> sparse.csr_array:
    """Collect ``(row, col, weight)`` entries into a CSR matrix.

    Repeated cells are combined by ``max`` when ``strongest`` (a rivalry listed twice is one
    rivalry) and otherwise summed (arms + alliance + base links add up), capped at 1.
    """
    cells: dict[tuple[int, int], float] = {}
    for row, col, weight in entries:
        old = cells.get((row, col), 0.0)
        cells[(row, col)] = max(old, weight) if strongest else min(1.0, old + weight)
    keys = sorted(cells)
    values = np.array([cells[k] for k in keys], dtype=float)
    rows = np.array([k[0] for k in keys], dtype=np.int64)
    cols = np.array([k[1] for k in keys], dtype=np.int64)
    return sparse.csr_array((values, (rows, cols)), shape=(n, n))


def _adversary_entries(
    ties: list[AdversaryTie], position: dict[str, int]
) -> Iterator[tuple[int, int, float]]:
    for tie in ties:
        yield position[tie.country], position[tie.partner], tie.weight
        if tie.mutual:
            yield position[tie.partner], position[tie.country], tie.weight


def build_world(scenario: Scenario) -> World:
    """Build the arrays of a scenario (no randomness involved)."""
    position = {c.id: i for i, c in enumerate(scenario.countries)}
    n = len(position)
    issues = tuple(scenario.issues)
    opinion = np.array(
        [
            [c.public_opinion.get(name, scenario.issues[name].default_opinion) for name in issues]
            for c in scenario.countries
        ],
        dtype=float,
    ).reshape(n, len(issues))
    return World(
        ids=tuple(c.id for c in scenario.countries),
        names=tuple(c.name for c in scenario.countries),
        accountability=np.array([c.domestic_pressure for c in scenario.countries], float),
        opinion=opinion,
        issues=issues,
        arrears=np.array([c.arrears for c in scenario.countries], bool),
        patron_budget=np.array([c.patron_budget for c in scenario.countries], float),
        trade=_tie_matrix(
            ((position[t.country], position[t.partner], t.weight) for t in scenario.ties.trade),
            n,
            strongest=False,
        ),
        security=_tie_matrix(
            ((position[t.country], position[t.partner], t.weight) for t in scenario.ties.security),
            n,
            strongest=False,
        ),
        adversary=_tie_matrix(_adversary_entries(scenario.ties.adversaries, position), n, True),
    )


def weights_of(parameters: Parameters) -> Weights:
    """Return the channel weights and band of the rules, from the scenario's parameters."""
    return Weights(
        trade=parameters.trade_weight,
        security=parameters.security_weight,
        shared_adversaries=parameters.shared_adversary_weight,
        own_adversaries=parameters.own_adversary_weight,
        domestic=parameters.domestic_weight,
        quid_pro_quo=parameters.quid_pro_quo_weight,
        abstention_band=parameters.abstention_band,
        neutrality=parameters.neutrality,
    )


@dataclass(frozen=True)
class Parties:
    """The parties of a resolution: indices and what each wants (+1 sponsor, -1 target)."""

    index: np.ndarray
    preference: FloatArray


def parties_of(resolution: Resolution, world: World) -> Parties:
    """Sponsors (+1) then the target (-1), as index and preference arrays."""
    index = [world.index(s) for s in resolution.sponsors]
    preference = [1.0] * len(index)
    if resolution.target is not None:
        index.append(world.index(resolution.target))
        preference.append(-1.0)
    return Parties(index=np.asarray(index, dtype=np.int64), preference=np.asarray(preference))


def fixed_votes_of(resolution: Resolution, world: World) -> VoteArray:
    """Votes that are not decided by the rule: parties, overrides, then arrears (absent)."""
    fixed = np.full(world.size, NO_FIXED_VOTE, dtype=np.int8)
    for sponsor in resolution.sponsors:
        fixed[world.index(sponsor)] = Vote.YES
    if resolution.target is not None:
        fixed[world.index(resolution.target)] = Vote.NO
    for country_id, word in resolution.fixed_votes.items():
        fixed[world.index(country_id)] = Vote.from_word(word)
    fixed[world.arrears] = Vote.ABSENT
    return fixed
