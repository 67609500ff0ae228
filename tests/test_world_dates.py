"""A world's date and name at the edges: before the data, Germany's two COW codes, odd names."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest
import yaml
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from test_worlds import DATE, _fixture

from sim.cli import main
from sim.empirical.world_build import build_world, scenario_yaml
from sim.empirical.world_data import check_date, first_date, load_datasets
from sim.scenario.errors import ScenarioError

REPO = Path(__file__).resolve().parents[1]


def _with_democracy(folder: Path) -> Path:
    """The fixture with a democracy extract from 2016 and COW 3, an alias of AAA (COW 2)."""
    _fixture(folder)
    states = pd.read_csv(folder / "states.csv", keep_default_na=False, dtype={"iso2": str})
    alias = pd.DataFrame([{"iso3": "AAA", "iso2": "", "cow": 3, "name": "", "admitted": -1}])
    pd.concat([states, alias]).to_csv(folder / "states.csv", index=False)
    (folder / "democracy").mkdir()
    pd.DataFrame(
        {
            "ccode": [3, 2, 20, 200, 2, 20, 200],
            "year": [2016, 2016, 2016, 2016, 2018, 2018, 2018],
            "v2x_polyarchy": [0.1, 0.8, 0.6, None, 0.8, 0.6, None],
            "xm_qudsest": [-1.0, 1.0, 0.5, 0.2, 1.0, 0.5, 0.2],
        }
    ).to_csv(folder / "democracy" / "ccode_democracy.csv", index=False)
    igo = pd.read_parquet(folder / "ir_datasets" / "cow_igo_ndy.parquet")
    extra = pd.DataFrame(
        {"ccode1": [2, 3, 2], "ccode2": [3, 20, 20], "year": [2014] * 3, "dyadigos": [99, 7, 5]}
    )
    pd.concat([igo, extra]).to_parquet(folder / "ir_datasets" / "cow_igo_ndy.parquet")
    return folder


def test_the_first_date_is_after_the_first_year_every_yearly_table_covers(tmp_path: Path) -> None:
    data = load_datasets(_with_democracy(tmp_path / "data"))
    # ATOP from 2018, IGO from 2014, democracy from 2016: a world reads the year before its
    # date, so ATOP's 2018 sets the first date
    assert first_date(data) == (dt.date(2019, 1, 1), "ATOP")
    check_date(data, dt.date(2019, 1, 1))
    with pytest.raises(ScenarioError, match="ATOP starts in 2018") as caught:
        check_date(data, dt.date(2018, 12, 31))
    assert caught.value.file == "--date"


def test_one_row_per_member_and_year_where_two_cow_codes_name_it(tmp_path: Path) -> None:
    data = load_datasets(_with_democracy(tmp_path / "data"))
    # the alias row (COW 3, value 0.1) gives way to AAA's own code (COW 2, 0.8)
    dem = data.democracy[data.democracy["year"] == 2016]
    assert dem[["iso3", "v2x_polyarchy"]].dropna().values.tolist() == [["AAA", 0.8], ["BBB", 0.6]]
    assert not data.democracy.duplicated(["iso3", "year"]).any()
    # IGO: AAA-AAA (COW 2 with its alias 3) is no tie; AAA-BBB keeps COW 2's row (30, then 5),
    # not the alias's (7)
    igo = data.igo[data.igo["year"] == 2014]
    assert igo[["a", "b", "dyadigos"]].values.tolist() == [
        ["AAA", "BBB", 30],
        ["AAA", "CCC", 10],
        ["BBB", "CCC", 0],
    ]


def test_a_world_on_a_year_with_two_codes_of_a_member_builds(tmp_path: Path) -> None:
    out = tmp_path / "world"
    build_world(_with_democracy(tmp_path / "data"), DATE, out)
    countries = pd.read_csv(out / "countries.csv")
    assert countries[["id", "democracy"]].values.tolist()[:2] == [["AAA", 0.8], ["BBB", 0.6]]


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(date=st.dates(max_value=dt.date(2018, 12, 31)))
@example(date=dt.date.min)
@example(date=dt.date(1, 6, 1))
def test_any_date_before_the_data_is_refused_naming_the_date(
    tmp_path_factory: pytest.TempPathFactory, date: dt.date
) -> None:
    root = tmp_path_factory.mktemp("early")
    with pytest.raises(ScenarioError) as caught:
        build_world(_with_democracy(root / "data"), date, root / "world")
    assert caught.value.file == "--date" and "first date is 2019-01-01" in caught.value.message
    assert not (root / "world").exists()


@pytest.mark.parametrize("date", ["0001-06-01", "1950-01-01", "1975-06-01", "1990-12-31"])
def test_world_build_before_the_shipped_data_exits_2_in_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], date: str
) -> None:
    out = tmp_path / "w"
    assert main(["world", "build", "--date", date, "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: --date:") and "first date is 1991-01-01" in err
    assert "Traceback" not in err and len(err.splitlines()) == 1
    assert not out.exists()


def test_the_first_world_of_the_shipped_data_builds_and_loads(tmp_path: Path) -> None:
    # 1990, the year it reads, has Germany twice (COW 255 and West Germany's 260)
    from sim.scenario.loading import load_scenario

    out = tmp_path / "w1991"
    assert main(["world", "build", "--date", "1991-01-01", "--out", str(out)]) == 0
    countries = load_scenario(out / "scenario.yaml").scenario.countries
    germany = next(c for c in countries if c.id == "DEU")
    assert germany.democracy == pytest.approx(0.891)  # V-Dem 1990 of COW 255, not 260's UDS
    assert len(pd.read_csv(out / "organisations.csv")) > 0


@pytest.mark.parametrize("name", ["foo: [bar", "a b", "", "x" * 65, "../up", "é"])
def test_world_build_refuses_a_name_that_is_not_an_id(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str
) -> None:
    data = _fixture(tmp_path / "data")
    argv = ["world", "build", "--date", str(DATE), "--out", str(tmp_path / "w"), "--data"]
    assert main([*argv, str(data), "--name", name]) == 2
    assert "argument --name: must be 1 to 64 letters" in capsys.readouterr().err
    assert not (tmp_path / "w").exists()


@settings(max_examples=60, deadline=None)
@given(name=st.text(min_size=1, max_size=80).filter(str.strip))
@example(name="foo: [bar")
@example(name="null")
@example(name="- x # y")
def test_any_name_survives_the_scenario_file(name: str) -> None:
    text = scenario_yaml(name, DATE, [], [], ["AAA", "BBB"])
    assert yaml.safe_load(text)["name"] == name
