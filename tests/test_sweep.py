"""Sweeps: designs and seeds as pure functions, executors agree, kill + resume, compare."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.bundled import SCENARIOS_DIR
from sim.cli import main
from sim.common.seeds import Seed
from sim.common.tables import load_sweep_results, read_runs
from sim.experiments.designs import design_points, expand_runs, interleaved, run_seeds
from sim.experiments.outcomes import Outcome, compute
from sim.experiments.runner import execute_sweep, start_sweep
from sim.experiments.spec import SweepSpec, scenario_for
from sim.scenario.world import run_scenario

DEFAULT = str(SCENARIOS_DIR / "illustrative.yaml")
OUTCOMES = [
    {"measure": "share_with_target", "resolution": "ES-11/1"},
    {"measure": "position", "resolution": "ES-11/1", "country": "CHN"},
    {"measure": "favours_outstanding"},
]


def spec(**fields: object) -> SweepSpec:
    data: dict[str, object] = {"name": "t", "scenario": DEFAULT, "outcomes": OUTCOMES, **fields}
    return SweepSpec.model_validate(data)


def write_sweep(tmp_path: Path, name: str = "s.yaml", **fields: object) -> Path:
    data = {"name": "t", "scenario": DEFAULT, "rounds": 1, "outcomes": OUTCOMES, **fields}
    path = tmp_path / name
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    return path


GRID = {
    "parameters.quid_pro_quo_weight": {"values": [0.0, 1.2]},
    "parameters.noise_sd": {"low": 0.0, "high": 0.4, "steps": 3},
}


def test_grid_is_the_cartesian_product() -> None:
    points = design_points(spec(parameters=GRID))
    assert len(points) == 6
    assert points[0] == {"parameters.quid_pro_quo_weight": 0.0, "parameters.noise_sd": 0.0}
    assert points[-1] == {"parameters.quid_pro_quo_weight": 1.2, "parameters.noise_sd": 0.4}


def test_sampled_designs_have_the_documented_sizes_and_stay_in_bounds() -> None:
    ranges = {
        "parameters.trade_weight": {"low": 0.5, "high": 2.0},
        "parameters.noise_sd": {"low": 0.0, "high": 0.3},
    }
    lhs = design_points(spec(parameters=ranges, design="lhs", samples=10, seed=3))
    assert len(lhs) == 10 and lhs == design_points(
        spec(parameters=ranges, design="lhs", samples=10, seed=3)
    )
    x = np.array([[p["parameters.trade_weight"], p["parameters.noise_sd"]] for p in lhs])
    assert (x[:, 0] >= 0.5).all() and (x[:, 0] <= 2.0).all() and (x[:, 1] <= 0.3).all()
    # Latin: each of the 10 strata of each axis holds exactly one point
    assert sorted(np.floor((x[:, 0] - 0.5) / 1.5 * 10).astype(int)) == list(range(10))
    assert len(design_points(spec(parameters=ranges, design="sobol", samples=8))) == 8 * (2 + 2)
    assert len(design_points(spec(parameters=ranges, design="morris", samples=5))) == 5 * (2 + 1)
    listed = [{"parameters.trade_weight": 1.0}, {"parameters.trade_weight": 2.0}]
    assert design_points(spec(design="list", points=listed)) == listed


def test_seeds_are_distinct_recorded_children_and_common_random_numbers_share_them() -> None:
    distinct = run_seeds(7, points=3, replicates=2, common_random_numbers=False)
    keys = [key for row in distinct for _, key in row]
    assert len(set(keys)) == 6 and all(entropy == 7 for row in distinct for entropy, _ in row)
    draws = {np.random.default_rng(np.random.SeedSequence(7, spawn_key=k)).random() for k in keys}
    assert len(draws) == 6


def test_run_seeds_are_the_documented_children_in_run_id_order() -> None:
    # Written out from the docstring, not from run_seeds: run_id = point * replicates +
    # replicate gets child run_id of SeedSequence(seed); with common random numbers,
    # replicate k gets child k at every point.
    points, replicates = 3, 2
    children = np.random.SeedSequence(7).spawn(points * replicates)
    distinct = run_seeds(7, points=points, replicates=replicates, common_random_numbers=False)
    for p in range(points):
        for r in range(replicates):
            expected = Seed(7, tuple(children[p * replicates + r].spawn_key))
            assert distinct[p][r] == expected, (p, r)
    shared = np.random.SeedSequence(7).spawn(replicates)
    crn = run_seeds(7, points=points, replicates=replicates, common_random_numbers=True)
    assert crn == [[Seed(7, tuple(c.spawn_key)) for c in shared] for _ in range(points)]
    # the runs of a sweep carry these seeds under their run_id
    runs = expand_runs(spec(parameters=GRID, replicates=2, seed=7, common_random_numbers=False))
    children = np.random.SeedSequence(7).spawn(len(runs))
    for run in runs:
        assert (run.entropy, run.spawn_key) == (7, tuple(children[run.run_id].spawn_key))
    runs = expand_runs(spec(parameters=GRID, replicates=2, seed=7, common_random_numbers=True))
    for run in runs:
        assert (run.entropy, run.spawn_key) == (7, tuple(shared[run.replicate].spawn_key))


def test_run_order_interleaves_points_and_run_ids_are_stable() -> None:
    assert interleaved(8) == [0, 4, 2, 6, 1, 5, 3, 7]
    assert sorted(interleaved(13)) == list(range(13))
    first_half = interleaved(13)[:7]
    assert min(first_half) == 0 and max(first_half) >= 10  # a prefix spans the design
    runs = expand_runs(spec(parameters=GRID, replicates=2))
    assert sorted(r.run_id for r in runs) == list(range(12))
    assert [r.replicate for r in runs[:6]] == [0] * 6


def run_cli(*args: str) -> Path:
    assert main(["sweep", *args, "--quiet"]) == 0
    return Path(args[args.index("--out") + 1]) if "--out" in args else Path()


def outcomes_of(out: Path) -> pd.DataFrame:
    runs = pd.read_parquet(out / "runs.parquet")
    return runs.drop(columns=["seconds"])


@pytest.mark.parametrize(
    ("executor", "workers"), [("process", "1"), ("process", "2"), ("dask", "2")]
)
def test_every_executor_and_worker_count_gives_identical_runs(
    tmp_path: Path, executor: str, workers: str
) -> None:
    sweep = write_sweep(tmp_path, parameters=GRID, replicates=2, seed=5)
    serial = run_cli(str(sweep), "--executor", "serial", "--out", str(tmp_path / "serial"))
    other = run_cli(
        str(sweep), "--executor", executor, "--workers", workers, "--out", str(tmp_path / executor)
    )
    pd.testing.assert_frame_equal(outcomes_of(serial), outcomes_of(other))


def test_runs_table_layout_summary_and_plots(tmp_path: Path) -> None:
    sweep = write_sweep(tmp_path, parameters=GRID, replicates=3, seed=5)
    out = run_cli(str(sweep), "--executor", "serial", "--out", str(tmp_path / "o"))
    runs = pd.read_parquet(out / "runs.parquet")
    assert list(runs.columns) == [
        "run_id",
        "point_id",
        "replicate",
        "seed_entropy",
        "seed_spawn_key",
        "parameters.quid_pro_quo_weight",
        "parameters.noise_sd",
        "status",
        "error",
        "seconds",
        "share_with_target[ES-11/1]",
        "position[ES-11/1,CHN]",
        "favours_outstanding",
    ]
    assert len(runs) == 18 and (runs["status"] == "ok").all()
    assert runs["run_id"].tolist() == list(range(18))
    # with noise_sd = 0 the replicates agree exactly, so the interval collapses
    summary = pd.read_parquet(out / "summary.parquet")
    quiet = summary[summary["parameters.noise_sd"] == 0.0]
    assert (quiet["share_with_target[ES-11/1]_lo"] == quiet["share_with_target[ES-11/1]_hi"]).all()
    assert (summary["share_with_target[ES-11/1]_n"] == 3).all()
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["kind"] == "sweep" and manifest["root_seed"] == 5 and manifest["runs"] == 18
    assert len(manifest["sweep"]["sha256"]) == 64 and len(manifest["scenario"]["sha256"]) == 64
    plots = sorted(p.name for p in (out / "plots").iterdir())
    assert "share_with_target_ES_11_1__heatmap.png" in plots
    assert "favours_outstanding__vs__parameters_noise_sd.png" in plots
    assert not (out / "shards").exists()


NOISY = {"parameters.noise_sd": {"values": [0.0, 0.4]}}


@pytest.fixture(scope="module")
def noisy_sweep(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("noisy")
    sweep = write_sweep(tmp, parameters=NOISY, replicates=4, seed=11)
    return run_cli(str(sweep), "--executor", "serial", "--out", str(tmp / "o"))


def test_replicates_differ_at_a_noisy_point_and_agree_at_a_quiet_one(noisy_sweep: Path) -> None:
    runs = pd.read_parquet(noisy_sweep / "runs.parquet")
    outcomes = [c for c in runs.columns if "[" in c or c == "favours_outstanding"]
    quiet = runs[runs["parameters.noise_sd"] == 0.0]
    noisy = runs[runs["parameters.noise_sd"] == 0.4]
    assert len(quiet) == len(noisy) == 4
    # no noise: the random stream does not matter, so the replicates agree exactly
    assert (quiet[outcomes].nunique() == 1).all()
    # noise: each replicate draws its own stream, so the replicates are not all alike
    assert noisy["share_with_target[ES-11/1]"].nunique() > 1
    assert noisy["seed_spawn_key"].nunique() == 4


def test_a_row_rerun_from_its_recorded_seed_reproduces_its_outcomes(noisy_sweep: Path) -> None:
    # Re-run each row from runs.parquet alone -- its parameters, seed_entropy and
    # seed_spawn_key -- with the model directly (not through the sweep worker).
    runs = pd.read_parquet(noisy_sweep / "runs.parquet")
    outcomes = [Outcome.model_validate(o) for o in OUTCOMES]
    for record in runs.to_dict("records"):
        key = tuple(int(k) for k in str(record["seed_spawn_key"]).split(",") if k)
        seed = Seed(int(record["seed_entropy"]), key)
        scenario = scenario_for(DEFAULT, {"parameters.noise_sd": record["parameters.noise_sd"]})
        model = run_scenario(scenario, rng=seed.generator(), rounds=1)
        got = compute(model, outcomes)
        assert got == {o.column: record[o.column] for o in outcomes}, record["run_id"]


def test_a_failing_run_is_recorded_and_the_sweep_completes(tmp_path: Path) -> None:
    # ES-11/3 comes up in round 2; moved to round 3 it is not voted in a sweep that runs two
    # rounds, so its outcome raises in those runs only.
    outcomes = [*OUTCOMES, {"measure": "yes_share", "resolution": "ES-11/3"}]
    sweep = write_sweep(
        tmp_path,
        parameters={"agenda.ES-11/3.round": {"values": [2, 3]}},
        outcomes=outcomes,
        rounds=2,
    )
    out = run_cli(str(sweep), "--executor", "serial", "--out", str(tmp_path / "o"))
    runs = pd.read_parquet(out / "runs.parquet")
    failed = runs[runs["status"] == "failed"]
    assert len(failed) == 1 and failed["agenda.ES-11/3.round"].item() == 3
    assert "was not voted on" in failed["error"].item()
    assert np.isnan(failed["yes_share[ES-11/3]"].item())
    assert json.loads((out / "manifest.json").read_text())["status_counts"] == {
        "ok": 1,
        "failed": 1,
    }


KILL_AFTER_STORED = """
import os, pathlib, signal, sys
from sim.experiments.runner import execute_sweep
from sim.experiments.store import RunStore

out, wanted = pathlib.Path(sys.argv[1]), int(sys.argv[2])
original, handed = RunStore.add_many, [0]

def add_many(self, rows):
    rows = list(rows)
    original(self, rows)
    handed[0] += len(rows)
    if handed[0] >= wanted:
        while self._queued:  # every write handed to the writer thread is done
            self._queued.popleft().result()
        os.kill(os.getpid(), signal.SIGKILL)

RunStore.add_many = add_many
execute_sweep(out, executor="serial", quiet=True, shard_size=7)
"""


def test_sweep_killed_with_sigkill_then_resumed_equals_uninterrupted(tmp_path: Path) -> None:
    grid = {
        "parameters.trade_weight": {"low": 0.0, "high": 2.0, "steps": 10},
        "parameters.noise_sd": {"values": [0.0, 0.2, 0.4]},
    }
    sweep = write_sweep(tmp_path, parameters=grid, replicates=4, seed=9)
    whole = run_cli(str(sweep), "--executor", "serial", "--out", str(tmp_path / "whole"))
    total = len(pd.read_parquet(whole / "runs.parquet"))
    killed = tmp_path / "killed"
    start_sweep(sweep, killed)
    # The child kills itself at a fixed point, not when a timer says: once at least 21 runs
    # are handed to the store and every write it queued is on disk (shards of 7 runs or more,
    # the journal holding the runs since the last one). A batch is at most a quarter of the
    # runs, so the sweep is at most half done there, however fast the machine.
    child = subprocess.run(
        [sys.executable, "-c", KILL_AFTER_STORED, str(killed), "21"],
        env={**os.environ, "PYTHONHASHSEED": "0"},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert child.returncode == -signal.SIGKILL, child.stderr
    assert not (killed / "runs.parquet").exists(), "killed before the end"
    # A partial state existed: some runs stored (shards, maybe a journal), not all of them.
    partial = read_runs(killed)
    assert 3 * 7 <= len(partial) < total
    assert partial["run_id"].is_unique
    assert main(["sweep", "--resume", str(killed), "--executor", "serial", "--quiet"]) == 0
    pd.testing.assert_frame_equal(outcomes_of(whole), outcomes_of(killed))


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"design": "latin"}, "design: must be 'grid', 'lhs', 'sobol', 'morris' or 'list'"),
        (
            {"parameters": {"parameters.trade_weight": {"low": 2, "high": 1}}},
            "low must be below high",
        ),
        (
            {"parameters": {"parameters.trade_weight": {"values": [-1, 1]}}},
            "parameters.parameters.trade_weight: must be at least 0, got -1",
        ),
        (
            {"parameters": {"countries.XXX.domestic_pressure": {"values": [0.1]}}},
            "no entry with id 'XXX'",
        ),
        (
            {"outcomes": [{"measure": "position", "resolution": "ES-11/1"}]},
            "measure 'position' needs 'country'",
        ),
        ({"replicates": 0}, "replicates: must be greater than or equal to 1"),
        ({"colour": "red"}, "colour: unknown field"),
        (
            {"design": "sobol", "parameters": {"parameters.trade_weight": {"values": [1, 2]}}},
            "design 'sobol' needs low and high",
        ),
    ],
)
def test_bad_sweep_files_exit_2_with_one_clear_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], fields: dict, message: str
) -> None:
    base = {"parameters": GRID}
    sweep = write_sweep(tmp_path, **{**base, **fields})
    assert main(["sweep", str(sweep), "--out", str(tmp_path / "o"), "--quiet"]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and err.startswith(f"error: {sweep}: ")
    assert message in err
    assert not (tmp_path / "o").exists()


def test_compare_two_sweeps_and_refuse_unrelated_ones(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    a = run_cli(
        str(
            write_sweep(
                tmp_path,
                "a.yaml",
                parameters={"parameters.noise_sd": {"values": [0.0, 0.3]}},
                replicates=3,
            )
        ),
        "--executor",
        "serial",
        "--out",
        str(tmp_path / "a"),
    )
    b = run_cli(
        str(
            write_sweep(
                tmp_path,
                "b.yaml",
                parameters={
                    "parameters.noise_sd": {"values": [0.0, 0.3]},
                    "parameters.quid_pro_quo_weight": {"values": [0.0]},
                },
                replicates=3,
            )
        ),
        "--executor",
        "serial",
        "--out",
        str(tmp_path / "b"),
    )
    capsys.readouterr()
    out = tmp_path / "cmp"
    assert (
        main(["compare", str(a), str(b), "--outcome", "favours_outstanding", "--out", str(out)])
        == 0
    )
    diffs = pd.read_parquet(out / "differences.parquet")
    assert list(diffs["parameters.noise_sd"]) == [0.0, 0.3]
    row = diffs.iloc[0]
    assert row["difference"] == pytest.approx(row["mean_b"] - row["mean_a"])
    assert (out / "plots" / "favours_outstanding__vs__parameters_noise_sd.png").exists()
    c = run_cli(
        str(
            write_sweep(
                tmp_path, "c.yaml", parameters={"parameters.trade_weight": {"values": [1.0]}}
            )
        ),
        "--executor",
        "serial",
        "--out",
        str(tmp_path / "c"),
    )
    assert main(["compare", str(a), str(c), "--out", str(tmp_path / "x")]) == 2
    assert "share no varied parameter" in capsys.readouterr().err
    assert main(["compare", str(a), str(b), "--outcome", "nope", "--out", str(tmp_path / "y")]) == 2
    assert "not in both sweeps: nope" in capsys.readouterr().err


def test_sweeps_on_different_base_scenarios_are_refused_unless_allowed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    grid = {"parameters.noise_sd": {"values": [0.0, 0.3]}}
    a = run_cli(
        str(write_sweep(tmp_path, "a.yaml", parameters=grid)),
        *("--executor", "serial", "--out", str(tmp_path / "a")),
    )
    other = tmp_path / "other.yaml"  # the same states and agenda, another description
    data = yaml.safe_load((SCENARIOS_DIR / "illustrative.yaml").read_text())
    other.write_text(yaml.safe_dump({**data, "description": "a copy"}))
    b = run_cli(
        str(write_sweep(tmp_path, "b.yaml", parameters=grid, scenario=str(other))),
        *("--executor", "serial", "--out", str(tmp_path / "b")),
    )
    capsys.readouterr()
    argv = ["compare", str(a), str(b), "--outcome", "favours_outstanding"]
    assert main([*argv, "--out", str(tmp_path / "x")]) == 2
    err = capsys.readouterr().err.splitlines()
    assert len(err) == 1
    assert err[0].startswith(
        "error: the sweeps have different base scenarios (A: illustrative.yaml "
    )
    assert "B: other.yaml " in err[0] and err[0].endswith(
        "--allow-different-worlds to compare them anyway"
    )
    assert not (tmp_path / "x").exists()
    assert main([*argv, "--out", str(tmp_path / "x"), "--allow-different-worlds"]) == 0


def test_load_sweep_results_round_trip(tmp_path: Path) -> None:
    out = run_cli(
        str(write_sweep(tmp_path, parameters=GRID)),
        "--executor",
        "serial",
        "--out",
        str(tmp_path / "o"),
    )
    loaded = load_sweep_results(out)
    assert loaded.manifest.outcomes == [
        "share_with_target[ES-11/1]",
        "position[ES-11/1,CHN]",
        "favours_outstanding",
    ]
    assert len(loaded.runs) == 6 and loaded.sensitivity is None
    assert execute_sweep(out, executor="serial", quiet=True)["ran"] == 0


def test_sobol_and_morris_sweeps_write_salib_indices(tmp_path: Path) -> None:
    ranges = {
        "parameters.quid_pro_quo_weight": {"low": 0.0, "high": 3.0},
        "parameters.trade_weight": {"low": 0.0, "high": 3.0},
    }
    morris = run_cli(
        str(write_sweep(tmp_path, "m.yaml", parameters=ranges, design="morris", samples=4)),
        "--executor",
        "serial",
        "--out",
        str(tmp_path / "morris"),
    )
    indices = pd.read_parquet(morris / "sensitivity.parquet")
    assert set(indices["method"]) == {"morris"}
    assert {"mu_star", "mu_star_conf", "sigma"} <= set(indices.columns)
    assert len(indices) == 3 * 2  # outcomes x parameters
    # mu* is the mean absolute elementary effect (Campolongo et al. 2007): along each
    # trajectory, consecutive points differ in one parameter; the effect is the outcome's
    # change over that step as a share of the parameter's range. Recomputed here from the
    # stored point means, so a sweep that analysed the wrong column, parameter or order fails.
    summary = pd.read_parquet(morris / "summary.parquet").sort_values("point_id")
    names = list(ranges)
    x = summary[names].to_numpy(dtype=float) / 3.0  # both ranges are [0, 3]
    expected: dict[tuple[str, str], list[float]] = {}
    for outcome in indices["outcome"].unique():
        y = summary[f"{outcome}_mean"].to_numpy(dtype=float)
        for start in range(0, len(y), len(names) + 1):
            for k in range(start, start + len(names)):
                step = x[k + 1] - x[k]
                (moved,) = np.flatnonzero(step)
                effect = abs((y[k + 1] - y[k]) / step[moved])
                expected.setdefault((outcome, names[moved]), []).append(effect)
    got = {(r["outcome"], r["parameter"]): r["mu_star"] for r in indices.to_dict("records")}
    assert got == pytest.approx({key: float(np.mean(v)) for key, v in expected.items()})
    assert len({len(v) for v in expected.values()}) == 1  # every parameter moved in each trajectory
    assert got[("position[ES-11/1,CHN]", "parameters.trade_weight")] > 0  # trade moves China
    sobol = run_cli(
        str(write_sweep(tmp_path, "s.yaml", parameters=ranges, design="sobol", samples=8)),
        "--executor",
        "serial",
        "--out",
        str(tmp_path / "sobol"),
    )
    indices = pd.read_parquet(sobol / "sensitivity.parquet")
    assert {"S1", "S1_conf", "ST", "ST_conf"} <= set(indices.columns)
    assert len(indices) == 3 * 2 and (indices["note"] == "").all()
    varying = indices[indices["outcome"] == "favours_outstanding"]
    assert np.isfinite(varying[["S1", "ST"]].to_numpy()).all()
    assert (varying["ST"] > 0).any()  # the ledger does respond to these weights


def test_dask_executor_connects_to_a_running_scheduler(tmp_path: Path) -> None:
    from distributed import LocalCluster

    sweep = write_sweep(tmp_path, parameters=GRID, seed=5)
    serial = run_cli(str(sweep), "--executor", "serial", "--out", str(tmp_path / "serial"))
    with LocalCluster(n_workers=1, threads_per_worker=1, dashboard_address=None) as cluster:
        remote = run_cli(
            str(sweep),
            "--executor",
            "dask",
            "--scheduler",
            cluster.scheduler_address,
            "--out",
            str(tmp_path / "remote"),
        )
    pd.testing.assert_frame_equal(outcomes_of(serial), outcomes_of(remote))


@pytest.mark.parametrize("name", ["un_2022", "illustrative"])
def test_runs_sharing_the_base_world_match_runs_that_build_their_own(name: str) -> None:
    # The worker hands every parameter-only run the base scenario's world, built once per
    # process: a run must neither depend on the parameters through it nor change it.
    from sim.experiments.worker import base_world

    path = str(SCENARIOS_DIR / f"{name}.yaml")
    for values in (
        {"parameters.noise_sd": 0.3, "parameters.punishment": True, "parameters.trade_weight": 3},
        {"parameters.favour_decay": 0.5, "parameters.inducements": True},
    ):
        scenario = scenario_for(path, values)
        for _ in range(2):  # the second run gets the world the first one used
            shared = run_scenario(scenario, rng=7, rounds=3, world=base_world(path))
            fresh = run_scenario(scenario, rng=7, rounds=3)
            assert len(shared.record.votes) == len(fresh.record.votes) > 0
            for a, b in zip(shared.record.votes, fresh.record.votes, strict=True):
                assert np.array_equal(a.votes, b.votes)
                assert np.array_equal(a.contributions, b.contributions)
            assert np.array_equal(shared.ledger.balance, fresh.ledger.balance)


def test_the_store_keeps_every_row_across_shards_and_journal_batches(tmp_path: Path) -> None:
    # Rows come in batches of 3 that straddle shard boundaries (shards of 4 rows are written on
    # the store's thread); what was stored reads back whole, once each, before and after close.
    from sim.experiments.store import RunStore

    rows = [{"run_id": i, "status": "ok", "x": i / 7} for i in range(23)]
    store = RunStore(tmp_path, shard_size=4)
    for start in range(0, 21, 3):
        store.add_many(rows[start : start + 3])
    store.add(rows[21])
    store.add_many([rows[22]])
    store.flush()
    assert list(read_runs(tmp_path)["run_id"]) == list(range(23))
    store.close()
    assert not (tmp_path / "journal.jsonl").exists()
    stored = read_runs(tmp_path)
    assert list(stored["run_id"]) == list(range(23))
    assert stored["x"].tolist() == [r["x"] for r in rows]


def test_a_journal_of_single_rows_and_batches_with_a_torn_end_reads_back(tmp_path: Path) -> None:
    # Older journals hold one row a line; newer ones one batch a line; a kill can tear the last.
    from sim.common.tables import read_journal

    path = tmp_path / "journal.jsonl"
    path.write_text(
        json.dumps({"run_id": 0}) + "\n" + json.dumps([{"run_id": 1}, {"run_id": 2}]) + "\n"
        '[{"run_id": 3}, {"run_'
    )
    assert [r["run_id"] for r in read_journal(path)] == [0, 1, 2]


@settings(max_examples=200, deadline=None)
@given(
    a=st.lists(st.floats(-1e6, 1e6), min_size=2, max_size=40),
    b=st.lists(st.floats(-1e6, 1e6), min_size=2, max_size=40),
)
def test_intervals_are_scipys_student_and_welch_intervals(a: list[float], b: list[float]) -> None:
    from scipy import stats

    from sim.experiments.analysis import mean_interval, welch_difference

    x, y = np.array(a), np.array(b)
    mean, low, high, n = mean_interval(x)
    assert n == x.size and mean == pytest.approx(x.mean(), rel=1e-12, abs=1e-9)
    if x.var() == 0:
        assert low == high == mean
    else:
        ci = stats.ttest_1samp(x, 0.0).confidence_interval(0.95)
        assert np.isfinite([low, high]).all()
        assert (low, high) == pytest.approx((ci.low, ci.high), rel=1e-9, abs=1e-6)
    diff, low, high = welch_difference(x, y)
    assert diff == pytest.approx(y.mean() - x.mean(), rel=1e-12, abs=1e-9)
    if np.ptp(x) > 0 and np.ptp(y) > 0 and (x.var() > 0 or y.var() > 0):
        ci = stats.ttest_ind(y, x, equal_var=False).confidence_interval(0.95)
        assert np.isfinite([low, high]).all()
        if np.isfinite([ci.low, ci.high]).all():  # scipy's unscaled formula can underflow
            assert (low, high) == pytest.approx((ci.low, ci.high), rel=1e-9, abs=1e-6)


def test_a_resumed_sweep_refuses_a_base_scenario_whose_files_changed(tmp_path: Path) -> None:
    import shutil

    from sim.scenario.errors import ScenarioError

    base = tmp_path / "scenarios"
    shutil.copytree(SCENARIOS_DIR, base)
    outcomes = [{"measure": "share_with_target", "resolution": "ES-11/1"}]
    sweep = write_sweep(
        tmp_path,
        scenario=str(base / "un_2022.yaml"),
        outcomes=outcomes,
        parameters={"parameters.trade_weight": {"values": [1.0]}},
        replicates=1,
    )
    out = tmp_path / "out"
    start_sweep(sweep, out)
    manifest = json.loads((out / "manifest.json").read_text())
    files = [Path(f) for f in manifest["scenario"]["files"]]
    assert base / "un_2022.yaml" in files and any(f.suffix == ".csv" for f in files)
    table = next(f for f in files if f.name == "trade.csv")
    original = table.read_bytes()
    table.write_bytes(original + b"\n")  # one more byte in one table
    with pytest.raises(ScenarioError, match="changed since the sweep started"):
        execute_sweep(out, executor="serial", quiet=True)
    table.unlink()  # a table gone
    with pytest.raises(ScenarioError, match="changed since the sweep started"):
        execute_sweep(out, executor="serial", quiet=True)
    table.write_bytes(original)
    del manifest["scenario"]["files"]  # a manifest from before files were recorded
    (out / "manifest.json").write_text(json.dumps(manifest))
    assert execute_sweep(out, executor="serial", quiet=True)["ok"] == 1
