"""Issue dimensions for the 2022 series (issue 20, item 4): the shipped `accountability` issue."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import numpy as np
import pytest
import yaml

from sim.model.votes import Vote
from sim.scenario.loading import load_scenario
from sim.scenario.world import run_scenario

REPO = Path(__file__).resolve().parents[1]
UN = REPO / "scenarios" / "un_2022.yaml"
BEFORE = [  # the coding before issue 20: ES-11/3 human rights, ES-11/5 sovereignty
    "agenda.ES-11/3.issue=human_rights",
    "history.11.issue=human_rights",
    "agenda.ES-11/5.issue=sovereignty",
    "history.13.issue=sovereignty",
]


def _tool() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "issue_dimensions", REPO / "tools" / "issue_dimensions.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["issue_dimensions"] = module
    spec.loader.exec_module(module)
    return module


def _votes(overrides: list[str]) -> dict[str, np.ndarray]:
    model = run_scenario(load_scenario(UN, overrides).scenario)
    return {v.resolution.id: v.votes for v in model.record.votes}


def test_the_shipped_scenario_codes_each_item_and_its_record_as_the_file_says() -> None:
    scenario = load_scenario(UN).scenario
    issue = {r.id: r.issue for r in scenario.agenda}
    assert issue == {
        "ES-11/1": "sovereignty",
        "ES-11/2": "sovereignty",
        "ES-11/3": "accountability",
        "ES-11/4": "sovereignty",
        "ES-11/5": "accountability",
    }
    for record in scenario.history:
        if record.resolution.startswith("A/RES/ES-11/"):
            assert record.issue == issue[record.resolution.removeprefix("A/RES/")]
    accountability = scenario.issues["accountability"]
    assert accountability.inherits == "human_rights"
    # the one default-opinion rule: an issue that inherits another takes its default
    assert accountability.default_opinion == scenario.issues["human_rights"].default_opinion
    # the tool's overrides restate the shipped coding: applying them changes nothing
    again = load_scenario(UN, [o for o in _tool().overrides()]).scenario
    assert again.agenda == scenario.agenda
    assert again.history == scenario.history


def test_the_tool_refuses_a_default_that_is_not_the_parents(tmp_path: Path) -> None:
    spec = yaml.safe_load((REPO / "scenarios" / "un_2022" / "issue_dimensions.yaml").read_text())
    spec["issues"]["accountability"]["default_opinion"] = 0.5
    bad = tmp_path / "dims.yaml"
    bad.write_text(yaml.safe_dump(spec))
    with pytest.raises(ValueError, match="must be that of human_rights"):
        _tool().overrides(dimensions=bad)


def test_only_the_reparations_vote_moves_and_it_loses_yes_votes() -> None:
    # ES-11/3 starts from the same human-rights record with the same default, so every vote
    # before ES-11/5 is exactly as under the old coding; ES-11/5 now starts from each state's
    # ES-11/3 vote with no lean, instead of its ES-11/4 vote and the sovereignty lean
    # (recorded: 94 yes)
    now, before = _votes([]), _votes(BEFORE)
    for item in ("ES-11/1", "ES-11/2", "ES-11/3", "ES-11/4"):
        assert np.array_equal(now[item], before[item])
    yes_now, yes_before = ((v["ES-11/5"] == Vote.YES).sum() for v in (now, before))
    assert yes_before > 140
    assert 94 < yes_now < 120
