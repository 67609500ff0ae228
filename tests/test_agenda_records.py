"""A run of a built world shows its agenda's records (records/) beside the simulated votes.

The records are display and scoring only: they reach the ``recorded`` table, the alignment
map's recorded panel and the report, never the model (issue 21).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from test_worlds import DATE, _fixture

import sim.api
from sim.cli import main
from sim.common.manifests import RunManifest, read_manifest
from sim.common.tables import RunResults, load_run
from sim.empirical.world_build import build_world
from sim.experiments.runs import write_run
from sim.output.plots import guide_fill
from sim.output.vote_space import MAP_MIN_VOTES, recorded_coordinates
from sim.scenario.errors import ScenarioError
from sim.scenario.loading import files_sha256, load_scenario
from sim.scenario.record_index import agenda_records, read_index, world_folder
from sim.scenario.records import read_roll_call
from sim.scenario.world import run_scenario

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A built world of four states whose one agenda item has its record in records/."""
    root = tmp_path_factory.mktemp("world")
    build_world(_fixture(root / "data"), DATE, root / "world")
    return root / "world"


def _run(yaml: Path, out: Path) -> RunResults:
    loaded = load_scenario(yaml)
    model = run_scenario(loaded.scenario, rng=np.random.default_rng(loaded.scenario.seed))
    return load_run(write_run(out, loaded, model, loaded.scenario.seed))


def test_a_run_of_a_built_world_records_its_agenda_as_the_records_say(
    built: Path, tmp_path: Path
) -> None:
    results = _run(built / "scenario.yaml", tmp_path / "run")
    # A/RES/74/1: AA and BB voted no; CCC cast nothing (absent); DDD is not a member yet
    assert results["recorded"].values.tolist() == [
        ["A/RES/74/1", "AAA", "no"],
        ["A/RES/74/1", "BBB", "no"],
        ["A/RES/74/1", "CCC", "absent"],
    ]
    # the same as the record file the index names, state by state
    (record,) = agenda_records(load_scenario(built / "scenario.yaml")).values()
    assert record.resolution == "A/RES/74/1"
    assert {c: v.word for c, v in record.votes.items()} == dict(
        zip(results["recorded"]["country"], results["recorded"]["vote"], strict=True)
    )


def test_the_records_never_reach_the_model(built: Path, tmp_path: Path) -> None:
    with_records = _run(built / "scenario.yaml", tmp_path / "with")
    bare = tmp_path / "bare"
    shutil.copytree(built, bare)
    shutil.rmtree(bare / "records")
    without = _run(bare / "scenario.yaml", tmp_path / "without")
    assert without["recorded"].empty
    assert not with_records["recorded"].empty
    for table in ("votes", "contributions", "tallies", "alignment", "countries", "rounds"):
        pd.testing.assert_frame_equal(with_records[table], without[table])


def test_a_record_in_the_history_is_shown_once_from_the_history(built: Path) -> None:
    # backtest.yaml holds the agenda's record in its history too: one table either way
    loaded = load_scenario(built / "backtest.yaml")
    (entry,) = [h for h in loaded.scenario.history if h.resolution == "A/RES/74/1"]
    assert dict(entry.votes) == {"AAA": "no", "BBB": "no", "CCC": "absent"}
    assert list(agenda_records(loaded)) == ["A/RES/74/1"]


def test_records_folder_is_the_world_verbs_folder(built: Path, tmp_path: Path) -> None:
    assert world_folder(built / "scenario.yaml") == built
    # a bundled world: <stem>/records beside the YAML
    assert world_folder(REPO / "scenarios" / "unga_74.yaml") == REPO / "scenarios" / "unga_74"
    # un_2022 holds its records in its history: scenarios/records has no index, nothing read
    un_2022 = load_scenario(REPO / "scenarios" / "un_2022.yaml")
    assert world_folder(un_2022.path) == REPO / "scenarios"
    assert agenda_records(un_2022) == {}


def test_a_records_folder_linked_out_of_the_scenario_is_refused(
    built: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    outside = tmp_path / "elsewhere"
    shutil.copytree(built / "records", outside)
    copy = tmp_path / "world"
    shutil.copytree(built, copy)
    shutil.rmtree(copy / "records")
    (copy / "records").symlink_to(outside, target_is_directory=True)
    with pytest.raises(ScenarioError, match="leads outside the scenario's folder"):
        agenda_records(load_scenario(copy / "scenario.yaml"))
    code = main(["run", str(copy / "scenario.yaml"), "--out", str(tmp_path / "run")])
    err = capsys.readouterr().err
    assert code == 2 and "leads outside the scenario's folder" in err
    assert "Traceback" not in err
    assert not (tmp_path / "run").exists()


def test_a_record_of_another_resolution_than_its_index_row_is_refused(
    built: Path, tmp_path: Path
) -> None:
    copy = tmp_path / "world"
    shutil.copytree(built, copy)
    (name,) = [p.name for p in (copy / "records").glob("A_RES_*.csv")]
    path = copy / "records" / name
    path.write_text(path.read_text().replace("A/RES/74/1,", "A/RES/74/2,"))
    with pytest.raises(
        ScenarioError, match=r"records 'A/RES/74/2', but index.csv lists it for A/RES/74/1"
    ):
        agenda_records(load_scenario(copy / "scenario.yaml"))


@pytest.fixture(scope="module")
def session_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[RunResults, Path]:
    """unga_74 cut to its first dozen agenda items, run once."""
    root = tmp_path_factory.mktemp("unga_74")
    shutil.copytree(REPO / "scenarios" / "unga_74", root / "unga_74")
    shutil.copy(REPO / "scenarios" / "unga_74.yaml", root / "unga_74.yaml")
    agenda = pd.read_csv(root / "unga_74" / "agenda.csv", dtype=str, keep_default_na=False)
    agenda.head(MAP_MIN_VOTES + 2).to_csv(root / "unga_74" / "agenda.csv", index=False)
    return _run(root / "unga_74.yaml", root / "run"), root


def test_a_session_run_records_every_agenda_item_and_maps_them(
    session_run: tuple[RunResults, Path],
) -> None:
    results, root = session_run
    recorded = results["recorded"]
    agenda = pd.read_csv(root / "unga_74" / "agenda.csv", dtype=str)
    index = pd.read_csv(root / "unga_74" / "records" / "index.csv", dtype=str)
    assert list(dict.fromkeys(recorded["resolution"])) == list(agenda["id"])
    ids = list(results["countries"]["country"])
    for symbol, part in recorded.groupby("resolution", sort=False):
        (name,) = index.loc[index["symbol"] == symbol, "file"]
        record = read_roll_call(root / "unga_74" / "records" / name)
        assert list(part["country"]) == ids
        assert list(part["vote"]) == [
            record.votes[c].word if c in record.votes else "absent" for c in ids
        ]
    coordinates = recorded_coordinates(results)
    assert coordinates is not None and coordinates[1] == MAP_MIN_VOTES + 2
    assert f"the {MAP_MIN_VOTES + 2} recorded roll calls" in str(
        guide_fill(results)["recorded_panel"]
    )


def test_a_runs_manifest_lists_the_record_files_it_read(built: Path, tmp_path: Path) -> None:
    yaml = built / "scenario.yaml"
    out = tmp_path / "run"
    assert main(["run", str(yaml), "--no-plots", "--quiet", "--out", str(out)]) == 0
    manifest = read_manifest(out, RunManifest)
    records = (built / "records").resolve()
    (row,) = read_index(records)
    read = [records / "index.csv", records / row["file"]]
    files = [Path(f) for f in manifest.scenario.files]
    assert [f for f in files if f.parent == records] == read
    assert files[: len(files) - 2] == [Path(f) for f in load_scenario(yaml).files]
    # the hash covers every file listed, as for the scenario's own files (a sweep re-checks it)
    assert manifest.scenario.sha256 == files_sha256(files, yaml.parent.resolve())
    # the notebook API lists them too
    assert sim.api.run(yaml).manifest.scenario.files == manifest.scenario.files


def test_a_run_without_records_hashes_its_scenario_as_loaded(tmp_path: Path) -> None:
    loaded = load_scenario(REPO / "scenarios" / "illustrative.yaml")
    manifest = sim.api.run(loaded.path).manifest
    assert manifest.scenario.files == [str(f) for f in loaded.files]
    assert manifest.scenario.sha256 == loaded.sha256
