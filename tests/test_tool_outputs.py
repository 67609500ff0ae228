"""Data tools: absence counts leave out the history's records however Voeten writes them; the
unga_74 bundle publishes its folder whole (fitted weights included) or not at all."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pandas as pd
import pytest
from test_worlds import _fixture

from sim.scenario.loading import load_scenario

REPO = Path(__file__).resolve().parents[1]


def _tool(name: str, monkeypatch: pytest.MonkeyPatch) -> ModuleType:
    monkeypatch.syspath_prepend(str(REPO / "tools"))  # the tools import _shared
    spec = importlib.util.spec_from_file_location(f"tool_{name}", REPO / "tools" / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, f"tool_{name}", module)
    spec.loader.exec_module(module)
    return module


def _reference(folder: Path) -> Path:
    """Five roll calls of sessions 72-74 (one of 71); the United States misses two, Britain one."""
    (folder / "unvotes").mkdir(parents=True)
    pd.DataFrame({"ISO3": ["GBR", "USA"]}).to_csv(folder / "un_members_2022.csv", index=False)
    pd.DataFrame(
        {
            "rcid": [1, 2, 3, 4, 5, 6],
            "session": [71.0, 72.0, 73.0, 73.0, 74.0, 74.0],
            "date": pd.to_datetime(
                ["2016-12-01", "2017-12-19", "2018-12-17", "2018-12-20", "2019-12-09", "2019-12-10"]
            ),
            "unres": ["R/71/1", "A/RES/72/190", "R/73/194", "R/73/5", "A/RES/74/17", "A/RES/74/9"],
        }
    ).to_parquet(folder / "unvotes" / "un_roll_calls.parquet")
    pd.DataFrame(
        {
            "rcid": [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 4.0],
            "country_code": ["US", "GB", "GB", "US", "GB", "GB", "GB"],
            "vote": ["yes"] * 7,
        }
    ).to_parquet(folder / "unvotes" / "un_votes.parquet")
    return folder


def test_absences_leave_out_the_history_records_written_either_way(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    tool = _tool("absence_rates", monkeypatch)
    reference = _reference(tmp_path / "reference")
    # R/73/194 in Voeten's older form and A/RES/72/190, A/RES/74/17 in the newer one are all
    # left out: 5 roll calls of sessions 72-74, 2 counted (R/73/5 and A/RES/74/9)
    table, source = tool.absences(reference)
    assert table.to_dict("index") == {
        "GBR": {"missed": 0, "roll_calls": 2, "date": "2019-12-10"},
        "USA": {"missed": 1, "roll_calls": 2, "date": "2019-12-10"},
    }
    assert "2018-12-20 to 2019-12-10, 2 roll calls" in source
    both = tool.absences(reference, exclude=("R/74/9", "A/RES/73/5"))[0]
    assert both["roll_calls"].tolist() == [3, 3]


def test_absence_tool_rewrites_countries_atomically(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    tool = _tool("absence_rates", monkeypatch)
    reference = _reference(tmp_path / "reference")
    countries = tmp_path / "countries.csv"
    countries.write_text("id,name\nGBR,Britain\nUSA,United States\n")
    assert tool.main(["--reference", str(reference), "--countries", str(countries)]) == 0
    table = pd.read_csv(countries)
    columns = ["id", "absence_prior_missed", "absence_prior_roll_calls", "absence_prior_date"]
    assert table[columns].values.tolist() == [
        ["GBR", 0, 2, "2019-12-10"],
        ["USA", 1, 2, "2019-12-10"],
    ]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["countries.csv", "reference"]


def _bundle(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[ModuleType, Path]:
    tool = _tool("bundle_unga_74", monkeypatch)
    root = tmp_path / "repo"
    _fixture(root / "data")  # a tiny world whose one agenda vote is on the bundle's date
    (root / "scenarios").mkdir()
    fitted = "# fitted (a stand-in: the fit takes minutes)\nparameters:\n  neutrality: 0.5\n"
    files = {"parameters.yaml": fitted, "parameters_mechanisms.yaml": fitted}
    monkeypatch.setattr(tool, "fitted_parameters", lambda data: files)
    return tool, root


def test_bundle_publishes_the_folder_with_its_fitted_weights_and_then_the_yaml(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    tool, root = _bundle(tmp_path, monkeypatch)
    assert tool.main(root) == 0
    folder = root / "scenarios" / "unga_74"
    assert (folder / "parameters.yaml").read_text().startswith("# fitted (a stand-in")
    assert (folder / "parameters_mechanisms.yaml").read_text().startswith("# fitted")
    assert not (folder / "scenario.yaml").exists() and not (folder / "world").exists()
    assert (folder / "backtest.yaml").exists() and (folder / "records" / "index.csv").exists()
    text = (root / "scenarios" / "unga_74.yaml").read_text()
    assert "name: unga_74\n" in text and "parameters_file: unga_74/parameters.yaml" in text
    assert "countries: unga_74/countries.csv" in text
    loaded = load_scenario(root / "scenarios" / "unga_74.yaml").scenario
    assert loaded.parameters.neutrality == 0.5 and [r.id for r in loaded.agenda] == ["A/RES/74/1"]
    assert sorted(p.name for p in (root / "scenarios").iterdir()) == ["unga_74", "unga_74.yaml"]


def test_a_failed_bundle_leaves_the_shipped_folder_and_yaml_as_they_were(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    tool, root = _bundle(tmp_path, monkeypatch)
    folder = root / "scenarios" / "unga_74"
    folder.mkdir()
    (folder / "parameters.yaml").write_text("old\n")
    (root / "scenarios" / "unga_74.yaml").write_text("old\n")

    def broken(text: str) -> str:
        raise RuntimeError("stop after the build")

    monkeypatch.setattr(tool, "relocated", broken)
    with pytest.raises(RuntimeError):
        tool.main(root)
    # not the built world with default weights: the folder as it was, and nothing left over
    assert [p.name for p in folder.iterdir()] == ["parameters.yaml"]
    assert (folder / "parameters.yaml").read_text() == "old\n"
    assert (root / "scenarios" / "unga_74.yaml").read_text() == "old\n"
    assert sorted(p.name for p in (root / "scenarios").iterdir()) == ["unga_74", "unga_74.yaml"]
