"""A blank democracy cell is the scale's neutral midpoint: no regime pull either way."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from conftest import world, write_yaml

from sim.model.regime import NEUTRAL_DEMOCRACY, regime_affinity
from sim.scenario.loading import load_scenario
from sim.scenario.world import build_world


def test_a_blank_democracy_cell_is_the_neutral_midpoint(tmp_path: Path) -> None:
    (tmp_path / "countries.csv").write_text(
        "id,name,domestic_pressure,democracy\nS,S,0,0.9\nT,T,0,0.1\nA,A,0,\nB,B,0,0.8\n"
    )
    data = world(
        countries=[{"id": "S"}, {"id": "T"}],
        agenda=[{"id": "R", "round": 1, "target": "T", "sponsors": ["S"]}],
        parameters={"regime_weight": 1.0},
    )
    data["countries"] = "countries.csv"
    scenario = load_scenario(write_yaml(tmp_path / "s.yaml", data)).scenario
    democracy = build_world(scenario).attributes["democracy"]
    assert NEUTRAL_DEMOCRACY == 0.5
    assert democracy.tolist() == [0.9, 0.1, 0.5, 0.8]
    affinity = regime_affinity(democracy, np.array([0, 1]), np.array([1.0, -1.0]))
    assert affinity[2] == 0.0  # A, left blank: no pull toward the sponsor or the target
    # B: (4 (0.3)(0.4) - 4 (0.3)(-0.4)) / 2, toward the democratic sponsor
    assert affinity[3] == pytest.approx(0.48)
