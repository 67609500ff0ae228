"""The Mesa agent: a thin ``Country`` that names a state and views its row of the model's arrays.

All decisions are made for every country at once by the pure functions in :mod:`sim.model.rule`; an
agent is the handle through which Mesa tools (AgentSet queries, DataCollector, SolaraViz) and
users see one state's current situation.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import mesa

from sim.model.votes import Vote

if TYPE_CHECKING:
    from sim.model.model import AllianceModel, RunSpec


class Country(mesa.Agent):  # type: ignore[misc]
    """A UN member state.

    Parameters
    ----------
    model
        The model it belongs to.
    country_id
        Its scenario id (ISO3 for real states).
    name
        Its display name.
    index
        Its position in the model's arrays.
    """

    model: AllianceModel[RunSpec]

    def __init__(
        self, model: AllianceModel[RunSpec], country_id: str, name: str, index: int
    ) -> None:
        super().__init__(model)
        self.country_id = country_id
        self.name = name
        self.index = index

    @property
    def last_vote(self) -> Vote | None:
        """Its vote on the most recent resolution (``None`` before the first vote)."""
        code = self.model.last_votes[self.index]
        return None if code < 0 else Vote(int(code))

    @property
    def debt(self) -> float:
        """Total favour units it owes others now."""
        return float(self.model.favour_balance[self.index].sum())

    @property
    def credit(self) -> float:
        """Total favour units others owe it now."""
        return float(self.model.favour_balance[:, self.index].sum())

    @property
    def patron_budget(self) -> float:
        """Inducement budget it has left."""
        return float(self.model.patron_budget[self.index])
