"""Cross-field checks of a validated scenario: ids exist and are unique, shares, issues, dates."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import NoReturn

from sim.common.inputs import (
    shorten,
)
from sim.model.channels import REGISTRY
from sim.scenario.errors import ScenarioError
from sim.scenario.limits import MAX_TIES
from sim.scenario.messages import format_loc, unknown_name
from sim.scenario.records import symbol_key
from sim.scenario.schema import Scenario
from sim.scenario.timeline import timeline_of

Locate = Callable[[tuple[int | str, ...]], tuple[str | Path, str]]
"""Maps a schema location to the file and field path it came from (the loader's origins)."""


def check_references(scenario: Scenario, locate: Locate | None = None) -> None:
    """Cross-field checks: ids exist and are unique, shares sum to at most 1, issues exist.

    ``locate`` (the loader's ``Origins.locate``) names the file and row a location came from.

    Raises
    ------
    ScenarioError
        Naming the offending field path.
    """

    def fail(loc: tuple[int | str, ...], message: str) -> NoReturn:
        if locate is None:
            raise ScenarioError("<scenario>", format_loc(loc), message)
        raise ScenarioError(*locate(loc), message)

    ids = _country_ids(scenario, fail)

    def known(loc: tuple[int | str, ...], value: str | None) -> None:
        if value is not None and value not in ids:
            fail(loc, f"names no country: {value!r}")

    for k, ref in enumerate(scenario.reference_states):
        known(("reference_states", k), ref)
    if scenario.reference_states[0] == scenario.reference_states[1]:
        fail(("reference_states", 1), "the two reference states must differ")
    _check_ties(scenario, fail, known)
    for i, favour in enumerate(scenario.favours):
        known(("favours", i, "debtor"), favour.debtor)
        known(("favours", i, "creditor"), favour.creditor)
        if favour.debtor == favour.creditor:
            fail(("favours", i, "creditor"), "a country cannot owe itself")
    _check_issue_chain(scenario, fail)
    _check_agenda(scenario, fail, known)
    _check_dated_facts(scenario, fail, known)
    timeline_of(scenario, fail)


Fail = Callable[[tuple[int | str, ...], str], NoReturn]
Known = Callable[[tuple[int | str, ...], str | None], None]


def _country_ids(scenario: Scenario, fail: Fail) -> set[str]:
    """Return the country ids, checked unique, with every opinion naming a known issue."""
    ids: set[str] = set()
    for i, country in enumerate(scenario.countries):
        if country.id in ids:
            fail(("countries", i, "id"), f"duplicate country id {country.id!r}")
        ids.add(country.id)
        if country.absence_prior_roll_calls > 0 and country.absence_prior_date is None:
            fail(
                ("countries", i, "absence_prior_date"),
                "is needed with absence_prior_roll_calls: the date of the last roll call counted",
            )
        for issue in country.public_opinion:
            if issue not in scenario.issues:
                fail(("countries", i, "public_opinion", issue), unknown_name("issue", issue))
    return ids


def _check_ties(scenario: Scenario, fail: Fail, known: Known) -> None:
    """Check every tie table: size, known ends, no self-ties, unique pairs, capped row sums."""
    for table in REGISTRY.tie_tables:
        if len(scenario.ties.table(table.name)) > MAX_TIES:
            fail(("ties", table.name), f"more than {MAX_TIES} ties")
    for table in REGISTRY.tie_tables:
        kind = table.name
        seen: set[tuple[str, str]] = set()
        totals: dict[str, float] = {}
        for i, tie in enumerate(scenario.ties.table(kind)):
            known(("ties", kind, i, "country"), tie.country)
            known(("ties", kind, i, "partner"), tie.partner)
            if tie.country == tie.partner:
                fail(("ties", kind, i, "partner"), "a country cannot be tied to itself")
            if tie.until is not None and tie.date is not None and tie.until <= tie.date:
                fail(("ties", kind, i, "until"), f"{tie.until} is not after date {tie.date}")
            pair = (tie.country, tie.partner)
            if table.unique_pairs and pair in seen:
                fail(("ties", kind, i), f"duplicate {kind} tie {pair[0]} -> {pair[1]}")
            seen.add(pair)
            totals[tie.country] = totals.get(tie.country, 0.0) + tie.weight
            limit = table.row_sum_max
            if limit is not None and totals[tie.country] > limit + 1e-9:
                fail(
                    ("ties", kind, i, "weight"),
                    f"{kind} shares of {tie.country} sum to {totals[tie.country]:.3g}, "
                    f"above {limit:g}",
                )


def _check_agenda(scenario: Scenario, fail: Fail, known: Known) -> None:
    """Check unique resolution ids, known issues, parties and fixed votes."""
    resolution_ids: set[str] = set()
    for i, res in enumerate(scenario.agenda):
        if res.id in resolution_ids:
            fail(("agenda", i, "id"), f"duplicate resolution id {res.id!r}")
        resolution_ids.add(res.id)
        if res.issue not in scenario.issues:
            fail(("agenda", i, "issue"), unknown_name("issue", res.issue, scenario.issues))
        known(("agenda", i, "target"), res.target)
        for k, sponsor in enumerate(res.sponsors):
            known(("agenda", i, "sponsors", k), sponsor)
            if sponsor == res.target:
                fail(("agenda", i, "sponsors", k), "the target cannot sponsor")
        for country_id in res.fixed_votes:
            known(("agenda", i, "fixed_votes", country_id), country_id)
    _check_precedents(scenario, fail)


def _check_precedents(scenario: Scenario, fail: Fail) -> None:
    """Check that every item's precedents are history records dated before it."""
    first: dict[str, dt.date] = {}
    for record in scenario.history:
        key = symbol_key(record.resolution)
        first[key] = min(record.date, first.get(key, record.date))
    for i, res in enumerate(scenario.agenda):
        if res.precedents and res.date is None:
            fail(("agenda", i, "precedents"), "needs a dated agenda item (they are records)")
        for k, name in enumerate(res.precedents):
            day = first.get(symbol_key(name))
            if day is None:
                fail(("agenda", i, "precedents", k), f"{shorten(name)} is not in the history")
            if res.date is not None and day >= res.date:
                fail(("agenda", i, "precedents", k), f"{shorten(name)} is not dated before it")


def _check_issue_chain(scenario: Scenario, fail: Fail) -> None:
    """Check that every ``inherits`` names a known issue and no chain comes back on itself."""
    for name, issue in scenario.issues.items():
        seen = [name]
        parent = issue.inherits
        while parent is not None:
            if parent not in scenario.issues:
                fail(("issues", name, "inherits"), unknown_name("issue", parent, scenario.issues))
            if parent in seen:
                fail(("issues", name, "inherits"), f"comes back to {parent!r}: {seen}")
            seen.append(parent)
            parent = scenario.issues[parent].inherits


def _check_dated_facts(scenario: Scenario, fail: Fail, known: Known) -> None:
    """Check suspensions, polls and roll calls: known states, ordered dates, no repeats."""
    for i, suspension in enumerate(scenario.suspensions):
        known(("suspensions", i, "country"), suspension.country)
        if suspension.end is not None and suspension.end < suspension.start:
            fail(("suspensions", i, "end"), "is before start")
    for i, poll in enumerate(scenario.polls):
        known(("polls", i, "country"), poll.country)
        if poll.fieldwork_start is not None and poll.fieldwork_start > poll.fieldwork_end:
            fail(("polls", i, "fieldwork_start"), "is after fieldwork_end")
    recorded: set[tuple[str, dt.date]] = set()
    for i, record in enumerate(scenario.history):
        if (record.resolution, record.date) in recorded:  # it would count twice
            fail(("history", i), f"{shorten(record.resolution)} is already in the history")
        recorded.add((record.resolution, record.date))
