"""The regime channel and the dated democracy and trade tables of a built world (issue 21)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from test_worlds import DATE, _fixture

from sim.empirical.world_build import build_world
from sim.model.regime import regime_affinity, regime_similarity
from sim.scenario.loading import load_scenario
from sim.scenario.schema import Parameters


def test_joint_regime_term_is_signed_by_the_side_of_the_midpoint() -> None:
    a = np.array([1.0, 0.0, 0.5, 0.75])
    assert regime_similarity(a, np.full(4, 1.0)).tolist() == [1.0, -1.0, 0.0, 0.5]
    assert regime_similarity(a, np.full(4, 0.0)).tolist() == [-1.0, 1.0, 0.0, -0.5]


def test_regime_affinity_with_sponsors_and_target() -> None:
    democracy = np.array([0.9, 0.1, 0.5, 0.2])
    # sponsor 1 (an autocracy) against target 0 (a democracy): each side's mean term, halved
    got = regime_affinity(democracy, np.array([1, 0]), np.array([1.0, -1.0]))
    # state 0: (4 * .4 * -.4 - 4 * .4 * .4) / 2 = -0.64; state 3: (4*-.3*-.4 - 4*-.3*.4)/2
    assert got == pytest.approx([-0.64, 0.64, 0.0, 0.48])
    # only a target: minus its term; no parties: 0
    alone = regime_affinity(democracy, np.array([0]), np.array([-1.0]))
    assert alone == pytest.approx([-0.64, 0.64, 0.0, 0.48])
    none = regime_affinity(democracy, np.array([], dtype=int), np.array([]))
    assert none.tolist() == [0.0, 0.0, 0.0, 0.0]


def _with_democracy_and_trade(folder: Path) -> Path:
    _fixture(folder)
    (folder / "democracy").mkdir()
    pd.DataFrame(
        {
            "ccode": [2, 2, 20, 20, 200, 200, 2, 20, 200],
            "year": [2017, 2018, 2017, 2018, 2017, 2019, 2019, 2019, 2018],
            # CCC (200) has no V-Dem value in 2018: predicted from its UDS of 2017
            "v2x_polyarchy": [0.8, 0.9, 0.2, 0.3, None, 0.5, 0.1, 0.1, None],
            "xm_qudsest": [1.0, None, -1.0, None, 0.0, None, None, None, None],
        }
    ).to_csv(folder / "democracy" / "ccode_democracy.csv", index=False)
    (folder / "trade").mkdir()
    pd.DataFrame(
        {
            "ccode1": [2, 2, 20, 2],
            "ccode2": [20, 200, 200, 20],
            "year": [2014, 2014, 2014, 2013],
            "flow1": [30.0, 10.0, None, 500.0],
            "flow2": [10.0, 0.0, 5.0, 500.0],
        }
    ).to_parquet(folder / "trade" / "cow_trade_ndy.parquet")
    return folder


def test_a_built_world_reads_democracy_and_trade_in_the_years_before_its_date(
    tmp_path: Path,
) -> None:
    out = tmp_path / "world"
    build_world(_with_democracy_and_trade(tmp_path / "data"), DATE, out)
    countries = pd.read_csv(out / "countries.csv")
    # 2018 (the year before 2019-11-07), never 2019; CCC on the line through (1, .9), (-1, .3)
    assert countries["democracy"].tolist() == pytest.approx([0.9, 0.3, 0.6])
    assert countries["democracy_source"].str.contains("approx.").tolist() == [False, False, True]
    trade = pd.read_csv(out / "trade.csv")
    # 2014, COW Trade's last year: AAA 40 with BBB, 10 with CCC; BBB 40 with AAA, 5 with CCC
    assert trade[["country", "partner", "weight", "date"]].values.tolist() == [
        ["AAA", "BBB", 0.8, "2014-12-31"],
        ["AAA", "CCC", 0.2, "2014-12-31"],
        ["BBB", "AAA", pytest.approx(0.888888), "2014-12-31"],
        ["BBB", "CCC", pytest.approx(0.111111), "2014-12-31"],
        ["CCC", "AAA", pytest.approx(0.666666), "2014-12-31"],
        ["CCC", "BBB", pytest.approx(0.333333), "2014-12-31"],
    ]
    loaded = load_scenario(out / "scenario.yaml").scenario
    assert [c.attribute("democracy") for c in loaded.countries] == pytest.approx([0.9, 0.3, 0.6])
    assert len(loaded.ties.trade) == 6
    # a built world starts from the model's defaults (no weight fitted on a later vote), with
    # the channels it has no current data for off
    assert loaded.parameters.regime_weight == Parameters().regime_weight == 0.0
    assert loaded.parameters.security_weight == Parameters().security_weight
    assert loaded.parameters.commitment_weight == Parameters().commitment_weight
    assert loaded.parameters.trade_weight == loaded.parameters.domestic_weight == 0.0


def test_a_world_without_the_extracts_has_no_democracy_and_no_trade(tmp_path: Path) -> None:
    out = tmp_path / "world"
    build_world(_fixture(tmp_path / "data"), dt.date(2019, 11, 7), out)
    assert "democracy" not in pd.read_csv(out / "countries.csv").columns
    assert pd.read_csv(out / "trade.csv").empty
    loaded = load_scenario(out / "scenario.yaml").scenario
    # the schema default, the scale midpoint: the joint-regime term is 0 for every state
    assert {c.attribute("democracy") for c in loaded.countries} == {0.5}
