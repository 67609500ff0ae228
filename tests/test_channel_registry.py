"""The channel registry drives the schema, the outputs, calibration, the app and the ODD.

The toy-channel test is the proof of the architecture: one :meth:`Registry.register` call plus
the scenario data it reads gives a channel that runs, is explained and can be calibrated, with
no other edit anywhere.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow.parquet as pq
import pytest
import yaml

from sim.bundled import SCENARIOS_DIR
from sim.cli import EXIT_BAD_INPUT, EXIT_OK, main
from sim.model.channels import REGISTRY, parameter_table
from sim.scenario.schema import RENAMED_PARAMETERS, Parameters

REPO = Path(__file__).resolve().parents[1]
ODD = REPO / "docs" / "ODD.md"
ODD_START = "<!-- channel-parameters:start -->"
ODD_END = "<!-- channel-parameters:end -->"
CONTRIBUTION_BOOKKEEPING = ("score", "band", "vote", "deciding_channel", "fixed")
KEYS = ("round", "resolution", "country")
WEIGHT_PARAMETERS = tuple(c.weight_parameter for c in REGISTRY.weighted)


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("registry") / "run"
    code = main(["run", str(SCENARIOS_DIR / "illustrative.yaml"), "--no-plots", "--out", str(out)])
    assert code == EXIT_OK
    return out


def test_registry_names_are_the_contributions_columns(run_dir: Path) -> None:
    columns = pq.read_schema(run_dir / "contributions.parquet").names
    assert tuple(columns[: len(KEYS)]) == KEYS
    assert tuple(columns[len(KEYS) :]) == (*REGISTRY.names, *CONTRIBUTION_BOOKKEEPING)


def test_registry_names_are_the_manifests_channels(run_dir: Path) -> None:
    manifest = json.loads((run_dir / "manifest.json").read_text())
    assert tuple(manifest["channels"]) == REGISTRY.names
    # Every weight parameter is recorded with the run's parameters.
    assert set(WEIGHT_PARAMETERS) <= set(manifest["parameters"])


def test_every_weighted_channel_has_its_weight_parameter_with_the_registry_default() -> None:
    assert REGISTRY.weighted, "the registry has weighted channels"
    for channel in REGISTRY.weighted:
        field = Parameters.model_fields.get(channel.weight_parameter)
        assert field is not None, f"Parameters lacks {channel.weight_parameter}"
        assert field.default == channel.default, channel.name
        assert getattr(Parameters(), channel.weight_parameter) == channel.default
        assert Parameters().weight(channel.name) == channel.default
    # Unweighted channels (bookkeeping columns) have no weight parameter.
    for channel in REGISTRY:
        if not channel.weighted:
            assert channel.weight_parameter not in Parameters.model_fields
    # No stray weight fields beyond the registry's.
    stray = {
        name
        for name in Parameters.model_fields
        if name.endswith("_weight") and name != "expectation_weight"
    } - set(WEIGHT_PARAMETERS)
    assert not stray


def test_calibration_default_bounds_cover_every_weight() -> None:
    from sim.empirical.calibrate import DEFAULT_BOUNDS

    missing = set(WEIGHT_PARAMETERS) - set(DEFAULT_BOUNDS)
    assert not missing, f"DEFAULT_BOUNDS lacks {sorted(missing)}"
    unknown = set(DEFAULT_BOUNDS) - set(Parameters.model_fields)
    assert not unknown, f"DEFAULT_BOUNDS names parameters that do not exist: {sorted(unknown)}"
    for channel in REGISTRY.weighted:
        assert DEFAULT_BOUNDS[channel.weight_parameter] == channel.bounds, channel.name


def test_app_sliders_cover_every_weight() -> None:
    pytest.importorskip("solara")
    from sim.viz import WEIGHTS

    assert set(WEIGHT_PARAMETERS) <= set(WEIGHTS)
    assert set(WEIGHTS) <= set(Parameters.model_fields)


def test_odd_parameter_table_is_generated_from_the_registry() -> None:
    lines = ODD.read_text(encoding="utf-8").splitlines()
    assert lines.count(ODD_START) == 1, f"{ODD} needs one line {ODD_START}"
    assert lines.count(ODD_END) == 1, f"{ODD} needs one line {ODD_END}"
    start, end = lines.index(ODD_START), lines.index(ODD_END)
    assert start < end
    between = "\n".join(lines[start + 1 : end]).strip("\n")
    assert between == parameter_table()


def test_parameter_table_lists_every_weight_once() -> None:
    table = parameter_table()
    for name in WEIGHT_PARAMETERS:
        assert table.count(f"`{name}`") == 1, name


@pytest.mark.parametrize("old", sorted(RENAMED_PARAMETERS))
def test_old_parameter_names_are_refused_with_the_new_name_as_override(
    old: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "run"
    code = main(
        [
            "run",
            str(SCENARIOS_DIR / "illustrative.yaml"),
            "--set",
            f"parameters.{old}=0.3",
            "--no-plots",
            "--out",
            str(out),
        ]
    )
    err = capsys.readouterr().err
    assert code == EXIT_BAD_INPUT
    assert f"renamed to {RENAMED_PARAMETERS[old]}" in err
    assert f"parameters.{old}" in err
    assert not out.exists() or not any(out.iterdir())


def test_old_parameter_name_in_a_scenario_file_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = yaml.safe_load((SCENARIOS_DIR / "illustrative.yaml").read_text(encoding="utf-8"))
    parameters = data["parameters"]
    parameters["shared_adversary_weight"] = parameters.pop("shared_adversaries_weight", 0.2)
    scenario = tmp_path / "old.yaml"
    scenario.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    out = tmp_path / "run"
    code = main(["run", str(scenario), "--no-plots", "--out", str(out)])
    err = capsys.readouterr().err
    assert code == EXIT_BAD_INPUT
    assert "renamed to shared_adversaries_weight" in err
    assert str(scenario) in err
    assert not out.exists() or not any(out.iterdir())


# --- the toy channel: adding a channel is one registry entry plus its data -----------------

TOY_SCRIPT = r'''
"""Register a toy channel, then run, explain and calibrate a scenario that uses it."""

import contextlib
import io
import json
import traceback
from pathlib import Path

from sim.model.channels import REGISTRY, Channel, CountryAttribute

REGISTRY.register(
    Channel(
        "toy",
        "test channel",
        reads=(CountryAttribute("toy_lean", -1.0, 1.0, "toy", default=0.0),),
        prepare=lambda context: context.world.attributes["toy_lean"],
        term=lambda lean, weight: weight * lean,
    )
)

from sim.cli import main  # noqa: E402  (builds the scenario schema, freezing the registry)
from sim.scenario.schema import Parameters  # noqa: E402


def call(argv):
    out, err = io.StringIO(), io.StringIO()
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = main(argv)
    except Exception:
        code = "exception"
        err.write(traceback.format_exc())
    return {"code": code, "stdout": out.getvalue(), "stderr": err.getvalue()}


seen = {
    "names": list(REGISTRY.names),
    "parameters": sorted(Parameters.model_fields),
    "run": call(["run", "toy.yaml", "--no-plots", "--out", "run"]),
    "explain_P": call(["explain", "run", "--country", "P", "--resolution", "R1"]),
    "explain_N": call(["explain", "run", "--country", "N", "--resolution", "R1"]),
    "calibrate": call(
        [
            "calibrate", "toy.yaml", "--record", "record.csv", "--resolution", "R1",
            "--fit", "toy_weight=0:2", "--budget", "12", "--out", "fit.yaml", "--quiet",
        ]
    ),
}
try:
    REGISTRY.register(
        Channel(
            "late",
            "too late",
            reads=("nothing",),
            prepare=lambda context: context.noise,
            term=lambda noise, weight: noise,
        )
    )
    seen["late"] = "registered"
except RuntimeError as exc:
    seen["late"] = str(exc)
print(json.dumps(seen))
'''

TOY_COUNTRIES = ("P", "N", "Z", "D")
TOY_LEAN = {"P": 1.0, "N": -1.0, "Z": 0.0}  # D takes the attribute's default, 0
TOY_VOTES = {"P": "yes", "N": "no", "Z": "abstain", "D": "abstain"}


def _toy_scenario() -> dict[str, Any]:
    quiet = {
        c.weight_parameter: 0.0 for c in REGISTRY.weighted
    }  # every built-in channel off (the toy registry adds toy_weight)
    countries = []
    for country in TOY_COUNTRIES:
        row: dict[str, Any] = {"id": country, "name": f"Country {country}"}
        row["domestic_pressure"] = 0.5
        if country in TOY_LEAN:
            row["toy_lean"] = TOY_LEAN[country]
        countries.append(row)
    return {
        "name": "toy",
        "reference_states": ["P", "N"],
        "issues": {"x": {"default_opinion": 0.5}},
        "parameters": {**quiet, "toy_weight": 1.0, "noise_sd": 0.0, "abstention_band": 0.2},
        "countries": countries,
        "agenda": [{"id": "R1", "round": 1, "title": "toy resolution", "issue": "x"}],
    }


@pytest.fixture(scope="module")
def toy(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any]]:
    here = tmp_path_factory.mktemp("toy")
    (here / "toy.yaml").write_text(yaml.safe_dump(_toy_scenario(), sort_keys=False))
    (here / "record.csv").write_text(
        "resolution,date,iso3,vote\n"
        + "".join(f"R1,2000-01-01,{c},{TOY_VOTES[c]}\n" for c in TOY_COUNTRIES)
    )
    script = here / "toy_channel.py"
    script.write_text(TOY_SCRIPT)
    done = subprocess.run(
        [sys.executable, str(script)],
        cwd=here,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    seen: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return here, seen


def test_toy_channel_is_registered_last_and_gets_a_weight_and_an_attribute(
    toy: tuple[Path, dict[str, Any]],
) -> None:
    _, seen = toy
    assert seen["names"] == [*REGISTRY.names, "toy"]
    assert "toy_weight" in seen["parameters"]
    assert "registered after the scenario schema was built" in seen["late"]


def test_toy_channel_runs_with_exact_contributions_and_scripted_votes(
    toy: tuple[Path, dict[str, Any]],
) -> None:
    here, seen = toy
    run = seen["run"]
    assert run["code"] == EXIT_OK, run["stderr"]
    contributions = pd.read_parquet(here / "run" / "contributions.parquet")
    assert list(contributions.columns) == [
        *KEYS,
        *REGISTRY.names,
        "toy",
        *CONTRIBUTION_BOOKKEEPING,
    ]
    assert contributions["country"].tolist() == list(TOY_COUNTRIES)
    expected = [TOY_LEAN.get(c, 0.0) for c in TOY_COUNTRIES]
    assert contributions["toy"].tolist() == expected
    for channel in REGISTRY.names:
        assert (contributions[channel] == 0.0).all(), channel
    assert contributions["score"].tolist() == expected
    assert contributions["vote"].tolist() == [TOY_VOTES[c] for c in TOY_COUNTRIES]
    assert contributions.set_index("country").loc[["P", "N"], "deciding_channel"].tolist() == [
        "toy",
        "toy",
    ]

    votes = pd.read_parquet(here / "run" / "votes.parquet")
    assert dict(zip(votes["country"], votes["vote"], strict=True)) == TOY_VOTES
    manifest = json.loads((here / "run" / "manifest.json").read_text())
    assert manifest["channels"] == [*REGISTRY.names, "toy"]
    assert manifest["parameters"]["toy_weight"] == 1.0


@pytest.mark.parametrize("country", ["P", "N"])
def test_explain_names_the_toy_channel_as_deciding(
    country: str, toy: tuple[Path, dict[str, Any]]
) -> None:
    _, seen = toy
    explained = seen[f"explain_{country}"]
    assert explained["code"] == EXIT_OK, explained["stderr"]
    decided = [line for line in explained["stdout"].splitlines() if "<- decided" in line]
    assert len(decided) == 1
    assert decided[0].split()[0] == "toy"
    assert f"vote: {TOY_VOTES[country].upper()}" in explained["stdout"]


def test_calibrate_fits_the_toy_weight(toy: tuple[Path, dict[str, Any]]) -> None:
    here, seen = toy
    calibrated = seen["calibrate"]
    assert calibrated["code"] == EXIT_OK, calibrated["stderr"]
    fitted = yaml.safe_load((here / "fit.yaml").read_text())["parameters"]
    assert "toy_weight" in fitted and "# fitted: toy_weight;" in (here / "fit.yaml").read_text()
    # Every weight above the band (0.2) reproduces the record; the start (1.0) already does.
    assert 0.2 < fitted["toy_weight"] <= 2.0
    assert "accuracy 1.000" in calibrated["stdout"]
