"""Shared builders: tiny scripted worlds as plain dicts, validated into scenarios."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
import yaml

from sim.bundled import SCENARIOS_DIR
from sim.model.model import AllianceModel
from sim.model.votes import VOTE_WORDS
from sim.scenario.schema import Scenario
from sim.scenario.world import run_scenario

QUIET = {
    "trade_weight": 0.0,
    "security_weight": 0.0,
    "shared_adversaries_weight": 0.0,
    "own_adversaries_weight": 0.0,
    "domestic_weight": 0.0,
    "quid_pro_quo_weight": 0.0,
    "abstention_band": 0.2,
    "noise_sd": 0.0,
    "favour_decay": 0.0,
}
"""Every channel off and no noise: a scripted test switches on only what it examines."""


def world(
    countries: list[dict[str, Any]],
    agenda: list[dict[str, Any]],
    parameters: dict[str, Any] | None = None,
    **extra: Any,
) -> dict[str, Any]:
    """A scenario dict with one issue ``x`` (default opinion 0) and quiet parameters."""
    data: dict[str, Any] = {
        "name": "scripted",
        "rounds": max(r["round"] for r in agenda),
        "reference_states": [countries[0]["id"], countries[1]["id"]],
        "issues": {"x": {"default_opinion": 0.0}},
        "parameters": {**QUIET, **(parameters or {})},
        "countries": [{"name": c["id"], "domestic_pressure": 0.0, **c} for c in countries],
        "agenda": [{"title": r["id"], "issue": "x", **r} for r in agenda],
    }
    data.update(extra)
    return data


def votes_of(data: dict[str, Any], seed: int = 0) -> list[dict[str, str]]:
    """Run a scenario dict; return, per resolution vote, ``{country: vote word}``."""
    model = run_scenario(Scenario.model_validate(copy.deepcopy(data)), rng=seed)
    return [
        {c: VOTE_WORDS[v] for c, v in zip(model.world.ids, r.votes, strict=True)}
        for r in model.record.votes
    ]


def model_of(data: dict[str, Any], seed: int = 0) -> AllianceModel:
    return run_scenario(Scenario.model_validate(copy.deepcopy(data)), rng=seed)


def write_yaml(path: Path, data: dict[str, Any]) -> Path:
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    return path


@pytest.fixture
def default_scenario() -> Path:
    return SCENARIOS_DIR / "illustrative.yaml"


@pytest.fixture
def synthetic_scenario() -> Path:
    return SCENARIOS_DIR / "synthetic.yaml"
