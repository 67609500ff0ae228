"""The bare kernel in ``benchmarks/kernel.py`` casts the model's votes and ends with its ledger.

The kernel is the yardstick of ``benchmarks/run.py``; this keeps it honest: on every bundled
world, with the optional mechanisms off and all on, at two seeds, every vote and every bit of
the final favour ledger must be the same as :class:`sim.model.model.AllianceModel`'s.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

from sim.bundled import SCENARIOS_DIR
from sim.model.model import AllianceModel
from sim.scenario.loading import load_scenario
from sim.scenario.world import build_world

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
from kernel import run_kernel

EVERYTHING_ON = (
    "parameters.inducements=true",
    "parameters.punishment=true",
    "parameters.absence=true",
    "parameters.neutrality=0.5",
    "parameters.prior_alignment_weight=0.5",
    "parameters.commitment_weight=1.0",
    "parameters.organisations_weight=0.5",
    "parameters.reciprocity=diffuse",
    "parameters.absence_habit=1",
)
ROUNDS = 12


@pytest.mark.parametrize("seed", [0, 7])
@pytest.mark.parametrize("switches", ["default", "all_on"])
@pytest.mark.parametrize("world", ["illustrative", "synthetic", "un_2022"])
def test_kernel_casts_the_model_votes(world: str, switches: str, seed: int) -> None:
    overrides = EVERYTHING_ON if switches == "all_on" else ()
    scenario = load_scenario(SCENARIOS_DIR / f"{world}.yaml", overrides).scenario
    world_arrays = build_world(scenario)
    rounds = min(world_arrays.timeline.rounds, ROUNDS)
    model = AllianceModel(scenario, world_arrays, rng=np.random.default_rng(seed), rounds=rounds)
    model.run()
    kernel = run_kernel(scenario, np.random.default_rng(seed), rounds)
    assert len(kernel.votes) == len(model.record.votes) > 0
    for record, votes in zip(model.record.votes, kernel.votes, strict=True):
        np.testing.assert_array_equal(votes, record.votes)
    balance = np.asarray(model.ledger.balance)
    assert kernel.balance.tobytes() == balance.tobytes()
    assert np.count_nonzero(balance) > 0
