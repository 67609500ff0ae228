"""Named outcome measures computed from a finished model, one number per run (for sweeps).

Each measure is a pure function of the run's record; a sweep file names the measures it wants
(``measure`` plus the arguments it needs) and every run yields one column per outcome.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, model_validator

from sim.common.measures import adopted, alignment, blocs
from sim.model.model import VoteRecord
from sim.model.votes import POSITION_OF_VOTE, Vote
from sim.scenario.schema import Resolution
from sim.scenario.world import ScenarioModel

Measure = Literal[
    "share_with_target",
    "yes_share",
    "no_share",
    "abstain_share",
    "absent_share",
    "adopted",
    "position",
    "agreement",
    "blocs",
    "polarisation",
    "favours_outstanding",
    "debtors_repaid",
]
NEEDS: dict[str, tuple[str, ...]] = {
    "share_with_target": ("resolution",),
    "yes_share": ("resolution",),
    "no_share": ("resolution",),
    "abstain_share": ("resolution",),
    "absent_share": ("resolution",),
    "adopted": ("resolution",),
    "position": ("resolution", "country"),
    "agreement": ("country", "reference"),
    "blocs": (),
    "polarisation": (),
    "favours_outstanding": (),
    "debtors_repaid": (),
}
"""Arguments each measure requires."""


RANGES: dict[str, tuple[float, float]] = {
    "share_with_target": (0.0, 1.0),
    "yes_share": (0.0, 1.0),
    "no_share": (0.0, 1.0),
    "abstain_share": (0.0, 1.0),
    "absent_share": (0.0, 1.0),
    "adopted": (0.0, 1.0),
    "position": (-1.0, 1.0),
    "agreement": (0.0, 1.0),
    "polarisation": (0.0, 1.0),
}
"""The range each bounded measure lies in (intervals are clipped to it)."""


class Outcome(BaseModel):
    """One outcome column of a sweep: a measure and its arguments.

    Measures
    --------
    share_with_target
        Share of the other states voting no on the resolution (its first vote), i.e. siding
        with the target.
    yes_share, no_share, abstain_share, absent_share
        Share of all states casting that vote on the resolution.
    adopted
        1 if the resolution passed its majority, else 0.
    position
        The country's vote on the resolution as +1 yes, 0 abstain/absent, -1 no.
    agreement
        Agreement of ``country`` with ``reference`` over every vote of the run (NaN if none).
    blocs
        Number of voting blocs (hierarchical clustering at ``bloc_agreement``).
    polarisation
        Mean over votes of ``4 * share_yes * share_no`` (0: no split, 1: half yes, half no).
    favours_outstanding
        Sum of the favour ledger at the end of the run (favour units).
    debtors_repaid
        Number of states that repaid some debt during the run.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    measure: Measure
    name: str | None = None
    resolution: str | None = None
    country: str | None = None
    reference: str | None = None

    @model_validator(mode="after")
    def _arguments(self) -> Outcome:
        for argument in NEEDS[self.measure]:
            if getattr(self, argument) is None:
                raise ValueError(f"measure {self.measure!r} needs {argument!r}")
        return self

    @property
    def range(self) -> tuple[float, float] | None:
        """The range the measure lies in, or None when it is unbounded."""
        return RANGES.get(self.measure)

    @property
    def column(self) -> str:
        """Column name: ``name`` if given, else ``measure[arg,...]``."""
        if self.name:
            return self.name
        args = [getattr(self, a) for a in NEEDS[self.measure]]
        return f"{self.measure}[{','.join(args)}]" if args else self.measure


def _first_vote(model: ScenarioModel, resolution: str) -> VoteRecord:
    for record in model.record.votes:
        if record.resolution.id == resolution:
            return record
    raise ValueError(f"resolution {resolution!r} was not voted on in this run")


def _share(code: Vote) -> Callable[[ScenarioModel, Outcome], float]:
    def measure(model: ScenarioModel, outcome: Outcome) -> float:
        votes = _first_vote(model, str(outcome.resolution)).votes
        return float(np.mean(votes == code))

    return measure


def _resolution(model: ScenarioModel, resolution: str) -> Resolution:
    return next(r for r in model.spec.agenda if r.id == resolution)


def _share_with_target(model: ScenarioModel, outcome: Outcome) -> float:
    record = _first_vote(model, str(outcome.resolution))
    others = np.ones(record.votes.size, dtype=bool)
    target = _resolution(model, record.resolution.id).target
    if target is not None:
        others[model.world.index(target)] = False
    return float(np.mean(record.votes[others] == Vote.NO))


def _adopted(model: ScenarioModel, outcome: Outcome) -> float:
    record = _first_vote(model, str(outcome.resolution))
    return float(adopted(record.votes, _resolution(model, record.resolution.id).majority))


def _position(model: ScenarioModel, outcome: Outcome) -> float:
    record = _first_vote(model, str(outcome.resolution))
    return float(POSITION_OF_VOTE[record.votes[model.world.index(str(outcome.country))]])


def _votes(model: ScenarioModel) -> np.ndarray:
    return np.column_stack([r.votes for r in model.record.votes])


def _agreement(model: ScenarioModel, outcome: Outcome) -> float:
    a, b = model.world.index(str(outcome.country)), model.world.index(str(outcome.reference))
    return float(alignment(_votes(model)[[a, b]]).agreement[0, 1])


def _blocs(model: ScenarioModel, outcome: Outcome) -> float:
    labels, _ = blocs(alignment(_votes(model)).agreement, model.spec.parameters.bloc_agreement)
    return float(np.max(labels))


def _polarisation(model: ScenarioModel, outcome: Outcome) -> float:
    splits = [
        4.0 * np.mean(r.votes == Vote.YES) * np.mean(r.votes == Vote.NO) for r in model.record.votes
    ]
    return float(np.mean(splits))


def _favours_outstanding(model: ScenarioModel, outcome: Outcome) -> float:
    return float(model.favour_balance.sum())


def _debtors_repaid(model: ScenarioModel, outcome: Outcome) -> float:
    return float(model.ledger.repaid_ever.sum())


MEASURES: dict[str, Callable[[ScenarioModel, Outcome], float]] = {
    "share_with_target": _share_with_target,
    "yes_share": _share(Vote.YES),
    "no_share": _share(Vote.NO),
    "abstain_share": _share(Vote.ABSTAIN),
    "absent_share": _share(Vote.ABSENT),
    "adopted": _adopted,
    "position": _position,
    "agreement": _agreement,
    "blocs": _blocs,
    "polarisation": _polarisation,
    "favours_outstanding": _favours_outstanding,
    "debtors_repaid": _debtors_repaid,
}


def compute(model: ScenarioModel, outcomes: list[Outcome]) -> dict[str, float]:
    """Every requested outcome of a finished run, by column name."""
    return {o.column: MEASURES[o.measure](model, o) for o in outcomes}
