"""End to end through main(argv): outputs, schema, reproducibility, loader, plot, explain."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from test_plots import DRAWN_NAMES

from sim.bundled import ILLUSTRATIVE_SCENARIO
from sim.cli import main
from sim.common.files import ResultsError
from sim.common.manifests import RunManifest, SweepManifest, read_manifest, write_manifest
from sim.common.tables import load_run

GOLDEN_SCHEMA = {
    "votes": ["round: int32", "resolution: string", "country: string", "vote: string"],
    "tallies": [
        "round: int32",
        "resolution: string",
        "title: string",
        "issue: string",
        "absent: int32",
        "yes: int32",
        "abstain: int32",
        "no: int32",
        "adopted: bool",
        "iterations: int32",
        "converged: bool",
        "inducement_spent: double",
    ],
    "contributions": [
        "round: int32",
        "resolution: string",
        "country: string",
        "trade: double",
        "security: double",
        "shared_adversaries: double",
        "own_adversaries: double",
        "domestic: double",
        "quid_pro_quo: double",
        "inducement: double",
        "noise: double",
        "prior_alignment: double",
        "commitment: double",
        "organisations: double",
        "regime: double",
        "agenda: double",
        "score: double",
        "band: double",
        "vote: string",
        "deciding_channel: string",
        "fixed: bool",
    ],
    "favours": ["round: int32", "debtor: string", "creditor: string", "balance: double"],
    "alignment": [
        "country_a: string",
        "country_b: string",
        "joint_votes: int32",
        "agreement: double",
        "s_score: double",
        "kappa: double",
    ],
    "countries": ["country: string", "name: string", "bloc: int32", "order: int32"],
}


def run(tmp_path: Path, capsys: pytest.CaptureFixture[str], *args: str) -> Path:
    assert main(["run", *args]) == 0
    return Path(capsys.readouterr().out.strip().splitlines()[-1])


@pytest.fixture(scope="module")
def default_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("runs") / "illustrative"
    assert main(["run", str(ILLUSTRATIVE_SCENARIO), "--out", str(out)]) == 0
    return out


def test_run_writes_every_table_the_manifest_and_plots(default_run: Path) -> None:
    names = {p.name for p in default_run.iterdir()}
    assert {f"{t}.parquet" for t in GOLDEN_SCHEMA} <= names
    assert {"manifest.json", "rounds.parquet", "plots"} <= names
    plots = {p.name for p in (default_run / "plots").iterdir()}
    assert plots == {f"{name}.png" for name in DRAWN_NAMES} | {"plots.json"}
    index = json.loads((default_run / "plots" / "plots.json").read_text())
    assert [e["file"] for e in index] == [f"{name}.png" for name in DRAWN_NAMES]
    assert all(e["title"] and "{" not in e["guide"] for e in index)
    for png in (default_run / "plots").glob("*.png"):
        assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    manifest = json.loads((default_run / "manifest.json").read_text())
    assert manifest["seed"] == 20220302
    assert manifest["scenario"]["name"] == "illustrative"
    assert len(manifest["scenario"]["sha256"]) == 64
    assert manifest["versions"]["mesa"].startswith("3.")
    assert manifest["parameters"]["abstention_band"] == 0.4


GOLDEN_MANIFEST = {
    "": [
        "channels",
        "command",
        "created",
        "files",
        "kind",
        "parameters",
        "platform",
        "rounds",
        "scenario",
        "schema_version",
        "seed",
        "versions",
    ],
    "scenario": ["files", "name", "overrides", "path", "reference_states", "sha256"],
    "files": [f"{t}.parquet" for t in (*GOLDEN_SCHEMA, "rounds", "recorded", "parties")],
}
"""The keys of a run's manifest.json, as the dict-building code before RunManifest wrote them."""


def test_golden_manifest_keys_and_layout(default_run: Path) -> None:
    text = (default_run / "manifest.json").read_text()
    manifest = json.loads(text)
    assert text == json.dumps(manifest, indent=2, sort_keys=True)  # sorted, indented, no newline
    assert list(manifest) == GOLDEN_MANIFEST[""]
    assert list(manifest["scenario"]) == GOLDEN_MANIFEST["scenario"]
    assert sorted(manifest["files"]) == sorted(GOLDEN_MANIFEST["files"])
    typed = read_manifest(default_run, RunManifest)
    assert typed.dump() == manifest  # read back and written again: the same object
    assert (
        typed.files is not None
        and typed.files["votes.parquet"] == manifest["files"]["votes.parquet"]
    )


def test_an_older_manifest_loads_and_keeps_what_it_had(tmp_path: Path) -> None:
    old = {
        "schema_version": 1,
        "kind": "sweep",
        "created": "2026-11-26T15:35:02+00:00",
        "versions": {"python": "3.11.9"},
        "sweep": {"name": "s", "path": "s.yaml", "sha256": "0" * 64, "spec": {"seed": 1}},
        "scenario": {"path": "w.yaml", "sha256": "1" * 64},  # before files were recorded
        "design": "grid",
        "root_seed": 1,
        "common_random_numbers": True,
        "replicates": 2,
        "parameters": ["parameters.trade_weight"],
        "outcomes": ["favours_outstanding"],
        "points": 3,
        "runs": 6,
        "retired_field": [1, 2.5],  # a key this version does not know
    }
    (tmp_path / "manifest.json").write_text(json.dumps(old))
    manifest = read_manifest(tmp_path, SweepManifest)
    assert manifest.command is None and manifest.scenario.files is None
    assert manifest.finished is None
    write_manifest(tmp_path, replace(manifest, finished="2026-11-27T00:00:00"))
    rewritten = json.loads((tmp_path / "manifest.json").read_text())
    assert rewritten == {**old, "finished": "2026-11-27T00:00:00"}


def test_a_manifest_of_another_kind_or_shape_is_one_line(tmp_path: Path, default_run: Path) -> None:
    (tmp_path / "manifest.json").write_text(json.dumps({"kind": "sweep"}))
    with pytest.raises(ResultsError, match=r"holds a 'sweep', not a run$"):
        read_manifest(tmp_path, RunManifest)
    with pytest.raises(ResultsError, match=r"manifest.json: created: field required \("):
        read_manifest(tmp_path, SweepManifest)
    run = json.loads((default_run / "manifest.json").read_text())
    for change, message in [
        ({"seed": "7"}, "seed: expected a whole number, got str"),
        ({"channels": "trade"}, "channels: expected a list"),
        ({"scenario": {**run["scenario"], "reference_states": ["USA", 5]}}, "reference_states.1"),
    ]:
        (tmp_path / "manifest.json").write_text(json.dumps({**run, **change}))
        with pytest.raises(ResultsError, match=message):
            read_manifest(tmp_path, RunManifest)
    (tmp_path / "manifest.json").write_text("[1]")
    with pytest.raises(ResultsError, match="a JSON object was expected"):
        read_manifest(tmp_path, SweepManifest)


def test_golden_schema(default_run: Path) -> None:
    for table, columns in GOLDEN_SCHEMA.items():
        schema = pq.read_schema(default_run / f"{table}.parquet")
        assert [f"{f.name}: {f.type}" for f in schema] == columns, table


def test_loader_round_trip_and_content(default_run: Path) -> None:
    results = load_run(default_run)
    votes = results["votes"]
    assert set(votes["vote"]) <= {"yes", "no", "abstain", "absent"}
    assert len(votes) == 22 * 3
    first = votes[votes["resolution"] == "ES-11/1"].set_index("country")["vote"]
    assert first["RUS"] == "no" and first["UKR"] == "yes" and first["VEN"] == "absent"
    assert first["CHN"] == "abstain" and first["PRK"] == "no"
    tallies = results["tallies"].set_index("resolution")
    assert tallies.loc["ES-11/1", ["yes", "no", "abstain", "absent"]].sum() == 22
    # The words are VOTE_WORDS[code], so they are always words; check the codes behind them:
    # the tallies count codes 0-3 only, so a code outside them (VOTE_WORDS[-1] is "no") would
    # leave a vote untallied, and every word must be counted in its own tally column.
    words = ["yes", "no", "abstain", "absent"]
    assert (tallies[words].sum(axis=1) == 22).all()
    counted = votes.groupby("resolution")["vote"].value_counts().unstack(fill_value=0)
    assert (counted.reindex(columns=words, fill_value=0) == tallies[words]).all().all()
    alignment = results["alignment"]
    assert len(alignment) == 22 * 21 // 2
    pair = alignment[(alignment["country_a"] == "RUS") & (alignment["country_b"] == "BLR")]
    assert pair["agreement"].item() == pytest.approx(1.0)
    favours = results["favours"]
    assert favours[(favours["round"] == 0) & (favours["debtor"] == "SYR")]["balance"].sum() == 5.0


def test_same_seed_gives_byte_identical_votes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], synthetic_scenario: Path
) -> None:
    a = run(
        tmp_path,
        capsys,
        str(synthetic_scenario),
        "--seed",
        "5",
        "--no-plots",
        "--out",
        str(tmp_path / "a"),
    )
    b = run(
        tmp_path,
        capsys,
        str(synthetic_scenario),
        "--seed",
        "5",
        "--no-plots",
        "--out",
        str(tmp_path / "b"),
    )
    for table in ("votes", "contributions", "favours", "alignment", "tallies"):
        assert (a / f"{table}.parquet").read_bytes() == (b / f"{table}.parquet").read_bytes()


def test_different_seed_gives_different_votes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], synthetic_scenario: Path
) -> None:
    noisy = ["--set", "parameters.noise_sd=0.8", "--no-plots"]
    a = run(
        tmp_path,
        capsys,
        str(synthetic_scenario),
        "--seed",
        "1",
        *noisy,
        "--out",
        str(tmp_path / "a"),
    )
    b = run(
        tmp_path,
        capsys,
        str(synthetic_scenario),
        "--seed",
        "2",
        *noisy,
        "--out",
        str(tmp_path / "b"),
    )
    assert (a / "votes.parquet").read_bytes() != (b / "votes.parquet").read_bytes()


def test_never_overwrites_without_force(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "mine"
    out.mkdir()
    (out / "notes.txt").write_text("my notes")
    assert main(["run", "--out", str(out), "--no-plots"]) == 2
    assert "not empty (use --force" in capsys.readouterr().err
    assert (out / "notes.txt").read_text() == "my notes"
    assert run(tmp_path, capsys, "--out", str(out), "--no-plots", "--force") == out
    assert not (out / "notes.txt").exists()
    assert (out / "votes.parquet").exists()
    assert [p.name for p in tmp_path.iterdir()] == ["mine"], "no staging directories left behind"


def test_default_out_dir_is_results_scenario_timestamp(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    out = run(tmp_path, capsys, "--no-plots", "--rounds", "1")
    assert out.parent == Path("results") / "un_2022"  # the default scenario
    assert (tmp_path / out / "votes.parquet").exists()


def test_rounds_and_set_overrides_reach_the_model(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = run(
        tmp_path,
        capsys,
        str(ILLUSTRATIVE_SCENARIO),
        "--rounds",
        "1",
        "--set",
        "countries.CHN.domestic_pressure=0.9",
        "--set",
        "parameters.noise_sd=0",
        "--no-plots",
        "--out",
        str(tmp_path / "o"),
    )
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["rounds"] == 1
    assert manifest["parameters"]["noise_sd"] == 0
    assert manifest["scenario"]["overrides"] == [
        "countries.CHN.domestic_pressure=0.9",
        "parameters.noise_sd=0",
    ]
    contributions = load_run(out)["contributions"].set_index("country")
    assert contributions.loc["CHN", "domestic"] == pytest.approx(0.9 * 0.5)
    assert (contributions["noise"] == 0).all()


def test_plot_redraws_from_tables(
    default_run: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import shutil

    copy = tmp_path / "copy"
    shutil.copytree(default_run, copy)
    shutil.rmtree(copy / "plots")
    assert main(["plot", str(copy)]) == 0
    printed = capsys.readouterr().out.strip().splitlines()
    expected = [copy / "plots" / f"{name}.png" for name in DRAWN_NAMES]
    assert [Path(line) for line in printed] == expected
    # Redrawn from the stored tables alone, each figure is the one the run drew.
    for path in expected:
        original = default_run / "plots" / path.name
        assert path.read_bytes() == original.read_bytes(), path.name


def test_explain_shows_the_deciding_channel(
    default_run: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["explain", str(default_run), "--country", "PRK", "--resolution", "ES-11/1"]) == 0
    text = capsys.readouterr().out
    assert "North Korea (PRK) on ES-11/1" in text
    decided = [line for line in text.splitlines() if "<- decided" in line]
    assert len(decided) == 1 and decided[0].split()[0] == "quid_pro_quo"
    assert "vote: NO" in text
    assert main(["explain", str(default_run), "--country", "XXX"]) == 2
    assert "no votes of country 'XXX'" in capsys.readouterr().err


def test_version_and_help(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--version"]) == 0
    assert capsys.readouterr().out.startswith("alliance-sim ")
    for verb in ("run", "plot", "explain"):
        assert main([verb, "--help"]) == 0
        assert "usage: alliance-sim" in capsys.readouterr().out
