"""Turn a validated scenario into the arrays the rules work on, once per run.

Countries are indexed in scenario order; every vector is ``(n,)`` and every tie matrix
``(n, n)``. Everything static is computed here once: country attributes, tie tables, the favour
schedule by round and each resolution's parties and fixed votes.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass

import numpy as np
from scipy import sparse

from sim.model.channels import REGISTRY, TieTable
from sim.model.ledger import Grant, Parties
from sim.model.rule import Weights
from sim.model.scenario import Parameters, Resolution, Scenario, Tie
from sim.model.votes import NO_FIXED_VOTE, BoolArray, FloatArray, Vote, VoteArray


@dataclass(frozen=True)
class ResolutionFacts:
    """What a resolution fixes before anyone decides: parties, fixed votes, issue column."""

    parties: Parties
    fixed_votes: VoteArray
    issue: int


@dataclass(frozen=True)
class World:
    """Arrays of one scenario, indexed by country position.

    Attributes
    ----------
    ids, names
        Country ids and names, in scenario order.
    attributes
        Every registered country attribute (``domestic_pressure`` ...) by name (n,).
    opinion
        ``(n, n_issues)`` public opinion, issue defaults filled in; columns follow ``issues``.
    issues
        Issue names, in the column order of ``opinion``.
    arrears
        Countries without a vote (UN Charter Art. 19) (n,).
    patron_budget
        Inducement budget at the start of the run (n,).
    tables
        Raw tie matrices (CSR) by registered table name.
    favours
        The favour schedule: grants by the round at whose start they are made (0 = before).
    resolutions
        Facts of every agenda item, by resolution id.
    """

    ids: tuple[str, ...]
    names: tuple[str, ...]
    attributes: Mapping[str, FloatArray]
    opinion: FloatArray
    issues: tuple[str, ...]
    arrears: BoolArray
    patron_budget: FloatArray
    tables: Mapping[str, sparse.csr_array]
    favours: Mapping[int, list[Grant]]
    resolutions: Mapping[str, ResolutionFacts]

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


def _entries(
    table: TieTable, ties: list[Tie], position: dict[str, int]
) -> Iterator[tuple[int, int, float]]:
    for tie in ties:
        yield position[tie.country], position[tie.partner], tie.weight
        if table.mutual and getattr(tie, "mutual", False):
            yield position[tie.partner], position[tie.country], tie.weight


def _facts(
    resolution: Resolution, position: dict[str, int], issues: tuple[str, ...], arrears: BoolArray
) -> ResolutionFacts:
    """Sponsors (+1) then the target (-1); fixed votes: parties, overrides, then arrears."""
    index = [position[s] for s in resolution.sponsors]
    preference = [1.0] * len(index)
    if resolution.target is not None:
        index.append(position[resolution.target])
        preference.append(-1.0)
    fixed = np.full(len(position), NO_FIXED_VOTE, dtype=np.int8)
    for sponsor in resolution.sponsors:
        fixed[position[sponsor]] = Vote.YES
    if resolution.target is not None:
        fixed[position[resolution.target]] = Vote.NO
    for country_id, word in resolution.fixed_votes.items():
        fixed[position[country_id]] = Vote.from_word(word)
    fixed[arrears] = Vote.ABSENT
    return ResolutionFacts(
        parties=Parties(np.asarray(index, dtype=np.int64), np.asarray(preference)),
        fixed_votes=fixed,
        issue=issues.index(resolution.issue),
    )


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
    arrears = np.array([c.arrears for c in scenario.countries], bool)
    favours: dict[int, list[Grant]] = {}
    for favour in scenario.favours:
        favours.setdefault(favour.round, []).append(
            Grant(position[favour.debtor], position[favour.creditor], favour.amount)
        )
    return World(
        ids=tuple(c.id for c in scenario.countries),
        names=tuple(c.name for c in scenario.countries),
        attributes={
            a.name: np.array([c.attribute(a.name) for c in scenario.countries], float)
            for a in REGISTRY.country_attributes
        },
        opinion=opinion,
        issues=issues,
        arrears=arrears,
        patron_budget=np.array([c.patron_budget for c in scenario.countries], float),
        tables={
            t.name: _tie_matrix(
                _entries(t, scenario.ties.table(t.name), position), n, t.combine == "max"
            )
            for t in REGISTRY.tie_tables
        },
        favours=favours,
        resolutions={r.id: _facts(r, position, issues, arrears) for r in scenario.agenda},
    )


def weights_of(parameters: Parameters) -> Weights:
    """Return the channel weights and band of the rules, from the scenario's parameters."""
    return Weights.of(
        {c.name: parameters.weight(c.name) for c in REGISTRY.weighted},
        abstention_band=parameters.abstention_band,
        neutrality=parameters.neutrality,
    )
