"""Which earlier roll call a General Assembly text repeats (persistence and precedents).

The rule is shared by the persistence baseline (:mod:`sim.empirical.session`) and the
precedents a built world writes (:mod:`sim.empirical.world_build`).

Most GA resolutions come back every session under the same title (``The situation in
Afghanistan``, ``Necessity of ending the ... embargo ... against Cuba``); Voeten's data gives
each roll call its title, and a text repeats the latest earlier roll call with exactly that
title. Persistence -- each state votes as it did on that roll call -- is the standard baseline
for GA votes (Voeten 2000; Bailey, Strezhnev & Voeten 2017 on the stability of ideal points),
and the same roll call is the item's precedent: the state's own record on the question.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TypeVar

Row = TypeVar("Row", bound=Mapping[str, object])


def title_key(title: object) -> str:
    """Return the title a roll call is matched by: the exact text, empty when missing."""
    return title.strip() if isinstance(title, str) else ""


def latest_by_title(rows: Iterable[Row]) -> dict[str, Row]:
    """Map each title to the latest of ``rows`` (each with a ``title``) bearing it.

    ``rows`` come in date order (an index or a roll-call table), so a later row of a title
    replaces an earlier one; a row without a title repeats nothing and is left out.
    """
    latest: dict[str, Row] = {}
    for row in rows:
        key = title_key(row.get("title"))
        if key:
            latest[key] = row
    return latest
