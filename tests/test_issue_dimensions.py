"""Issue dimensions for the 2022 series (issue 20, item 4), applied to un_2022 as overrides."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

from sim.model.votes import Vote
from sim.scenario.loading import load_scenario
from sim.scenario.world import run_scenario

REPO = Path(__file__).resolve().parents[1]


def _overrides() -> list[str]:
    spec = importlib.util.spec_from_file_location(
        "issue_dimensions", REPO / "tools" / "issue_dimensions.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["issue_dimensions"] = module
    spec.loader.exec_module(module)
    found: list[str] = module.overrides()
    return found


def _yes(overrides: list[str]) -> dict[str, int]:
    scenario = load_scenario(REPO / "scenarios" / "un_2022.yaml", overrides).scenario
    model = run_scenario(scenario)
    return {v.resolution.id: int((v.votes == Vote.YES).sum()) for v in model.record.votes}


def test_each_item_and_its_own_record_get_the_new_issue() -> None:
    overrides = _overrides()
    scenario = load_scenario(REPO / "scenarios" / "un_2022.yaml", overrides).scenario
    issue = {r.id: r.issue for r in scenario.agenda}
    assert issue == {
        "ES-11/1": "sovereignty",
        "ES-11/2": "humanitarian",
        "ES-11/3": "hrc_membership",
        "ES-11/4": "sovereignty",
        "ES-11/5": "reparations",
    }
    for record in scenario.history:
        if record.resolution.startswith("A/RES/ES-11/"):
            assert record.issue == issue[record.resolution.removeprefix("A/RES/")]
    assert {scenario.issues[n].default_opinion for n in ("humanitarian", "reparations")} == {0.0}


@pytest.mark.parametrize("item", ["ES-11/2", "ES-11/5"])
def test_a_new_issue_without_history_or_lean_loses_the_yes_votes(item: str) -> None:
    # the measured finding: with no earlier record on the issue and no lean, the yes majority
    # (140 and 94 recorded) is not simulated; under the shipped coding it is (over-)simulated
    shipped, split = _yes([]), _yes(_overrides())
    assert shipped[item] > 140
    assert split[item] < 70
