"""The SolaraViz app's model side: it runs the model ``run`` runs, and calls nothing outside."""

from __future__ import annotations

import inspect
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pandas as pd
import pytest

pytest.importorskip("solara", reason="the viz extra is not installed (pip install -e .[viz])")
pytest.importorskip("altair", reason="mesa.visualization needs altair (the viz extra)")

import ipyvuetify as v
import solara
import solara.checks
import solara.server.settings
import solara.settings
from mesa.visualization import Slider

from sim.bundled import SCENARIOS_DIR
from sim.cli import main
from sim.empirical.calibrate import DEFAULT_BOUNDS
from sim.model.channels import REGISTRY
from sim.scenario.loading import load_scenario
from sim.viz import (
    WEIGHTS,
    AllianceApp,
    Page,
    bundled_scenarios,
    components,
    keep_requests_local,
    model_params,
)

REPO_ROOT = Path(__file__).resolve().parents[1]


def initial_values(scenario_name: str = "illustrative") -> dict[str, object]:
    """What SolaraViz passes to the model class: each input's starting value."""

    def start(option: object) -> object:
        if isinstance(option, Slider):
            return option.value
        return option["value"] if isinstance(option, dict) else option  # fixed: as it is

    return {name: start(option) for name, option in model_params(scenario_name).items()}


def test_model_params_match_the_model_signature() -> None:
    params = model_params()
    accepted = set(inspect.signature(AllianceApp.__init__).parameters) - {"self"}
    assert accepted == {"scenario_name", "seed", "kwargs"}
    assert set(params) == {"scenario_name", "seed", *WEIGHTS}
    assert set(WEIGHTS) == {
        *(c.weight_parameter for c in REGISTRY.weighted),
        "abstention_band",
    }
    assert params["scenario_name"] == "illustrative"  # fixed: the page is built per scenario
    assert bundled_scenarios() == sorted(p.stem for p in SCENARIOS_DIR.glob("*.yaml"))


@pytest.mark.parametrize("name", ["illustrative", "synthetic", "un_2022"])
def test_sliders_start_at_the_scenario_within_registry_bounds(name: str) -> None:
    parameters = load_scenario(SCENARIOS_DIR / f"{name}.yaml").scenario.parameters
    params = model_params(name)
    for weight in WEIGHTS:
        slider = params[weight]
        value = getattr(parameters, weight)
        assert isinstance(slider, Slider) and slider.value == value
        assert slider.min == 0.0 <= value <= slider.max
        assert slider.max >= DEFAULT_BOUNDS[weight][1]
        assert f"({value:g} in {name})" in slider.label
    if name == "un_2022":  # the fitted domestic weight lies above the registry's bound 3
        assert params["domestic_weight"].max == 3.85


@pytest.mark.parametrize("name", ["illustrative", "synthetic", "un_2022"])
def test_the_app_and_run_give_the_same_votes(
    name: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "run"
    assert main(["run", str(SCENARIOS_DIR / f"{name}.yaml"), "--no-plots", "--out", str(out)]) == 0
    ran = pd.read_parquet(out / "votes.parquet")
    app = AllianceApp(**initial_values(name))  # type: ignore[arg-type]
    assert app.loaded.overrides == ()  # a slider left alone changes nothing
    for _ in range(int(ran["round"].max())):  # Step, as many rounds as the run had
        app.step()
    shown = app.results()
    assert shown is not None
    pd.testing.assert_frame_equal(shown["votes"], ran)


def test_a_slider_value_reaches_the_vote() -> None:
    base = AllianceApp()
    changed = AllianceApp(quid_pro_quo_weight=0.0, seed="20220302")
    assert changed.parameters.quid_pro_quo_weight == 0.0
    assert changed.loaded.overrides == ("parameters.quid_pro_quo_weight=0.0",)
    base.step()
    changed.step()
    prk = base.world.index("PRK")
    assert base.record.votes[0].votes[prk] != changed.record.votes[0].votes[prk]


def test_results_follow_the_rounds() -> None:
    model = AllianceApp(scenario_name="synthetic", seed=3)
    assert model.results() is None
    model.step()
    first = model.results()
    assert first is not None and list(first["tallies"]["round"]) == [1]
    assert model.results() is first  # cached until the next vote
    model.step()
    second = model.results()
    assert second is not None and list(second["tallies"]["round"]) == [1, 2]
    assert second.manifest.scenario.name == "synthetic"


def test_components_are_page_zero_entries() -> None:
    entries = components()
    assert len(entries) == 5
    assert all(isinstance(e, tuple) and e[1] == 0 for e in entries)


def test_keep_requests_local_switches_off_every_call_out(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(solara.server.settings.telemetry, "mixpanel_enable", True)
    monkeypatch.setattr(solara.settings.assets, "proxy", False)
    monkeypatch.setattr(solara.checks, "should_perform_solara_check", lambda: True)
    keep_requests_local()
    assert solara.server.settings.telemetry.mixpanel_enable is False
    assert solara.settings.assets.proxy is True  # off, the browser fetches from a CDN itself
    assert solara.checks.should_perform_solara_check() is False


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def test_the_served_page_names_no_outside_address(tmp_path: Path) -> None:
    """``solara run app.py`` as a new user runs it: no solara.dev check in the page.

    A fresh home (no ``~/.solara/.solara_checked``) and development mode are when Solara
    adds its check; the test's own markers are removed from the server's environment.
    """
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "SOLARA_"))}
    env["HOME"] = str(tmp_path)
    log = (tmp_path / "server.log").open("w")
    server = subprocess.Popen(
        [
            *(sys.executable, "-m", "solara", "run", str(REPO_ROOT / "app.py")),
            *("--port", str(port), "--host", "127.0.0.1", "--no-open"),
        ],
        stdout=log,
        stderr=subprocess.STDOUT,
        cwd=tmp_path,
        env=env,
    )
    try:
        deadline = time.monotonic() + 90
        while True:  # the server is up when it answers (a deterministic point)
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5) as page:
                    html = page.read().decode()
                break
            except OSError:
                assert server.poll() is None, (tmp_path / "server.log").read_text()
                assert time.monotonic() < deadline, "the app did not start"
                time.sleep(0.3)
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()
    assert "<iframe" not in html
    assert "success.html" not in html


def test_choosing_a_scenario_rebuilds_the_sliders_at_its_values() -> None:
    _, rc = solara.render(solara.AppLayout(children=[Page()]), handle_error=False)

    def sliders() -> dict[str, tuple[float, float]]:
        return {
            w.label.split(" (")[0]: (w.v_model, w.max)
            for w in rc.find(v.Slider).widgets
            if " in " in w.label
        }

    assert sliders()["quid pro quo weight"] == (1.2, 3.0)
    chooser = rc.find(v.Select, label="Scenario (bundled)").widget
    chooser.v_model = "un_2022"
    after = sliders()
    assert after["domestic weight"] == (3.8235, 3.85)  # the fitted value, in range
    assert after["quid pro quo weight"] == (1.0467, 3.0)
    seed = rc.find(v.TextField, label="Random seed").widget
    assert seed.v_model == str(load_scenario(SCENARIOS_DIR / "un_2022.yaml").scenario.seed)
