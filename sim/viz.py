"""Interactive model app with Mesa's SolaraViz (needs the ``viz`` extra: ``pip install -e .[viz]``).

Following the Mesa convention for model apps, SolaraViz builds the model from keyword
parameters (``model_params``): :class:`AllianceApp` takes a bundled scenario's name, the main
weights and a seed, and sliders set them. The app runs the model ``alliance-sim run`` runs: the
page is built for the scenario chosen above it, its sliders and seed start at that scenario's
own values (a slider left alone changes nothing), and each slider's range is the registry's
calibration bounds widened to include the scenario's value. Change a slider, press *Reset* to
rebuild the model with it, then *Step* or *Play* through the rounds; the tallies, the alignment
map and every state's vote are redrawn after each round with the same figures as the report
(:mod:`sim.output.plots`), from the same tables a run writes
(:func:`sim.experiments.runs.build_tables`), beside the weights in use.

No request leaves the machine: Solara's telemetry, its installation check (an iframe of
solara.dev) and its CDN proxy are switched off (:func:`keep_requests_local`), and the viz extra
installs the JavaScript and CSS locally (``solara-assets``).

Run it with ``solara run app.py`` from the repository, or ``alliance-sim viz`` anywhere
(``solara run sim.viz:Page``).
"""

from __future__ import annotations

import math
import os
import subprocess
import sys
from typing import Any

import solara
from matplotlib.figure import Figure
from mesa.visualization import Slider, SolaraViz, make_plot_component
from mesa.visualization.utils import update_counter

from sim.bundled import ILLUSTRATIVE_NAME, bundled_scenario, bundled_scenarios
from sim.common.tables import RunResults
from sim.empirical.calibrate import DEFAULT_BOUNDS
from sim.experiments.runs import build_manifest, build_tables
from sim.model.channels import REGISTRY
from sim.output.plots import figure_tallies, figure_votes_by_bloc
from sim.output.relation_plots import figure_alignment_map
from sim.scenario.loading import load_scenario
from sim.scenario.record_index import agenda_records
from sim.scenario.schema import Scenario
from sim.scenario.world import ScenarioModel, build_world

DEFAULT_SCENARIO_NAME = ILLUSTRATIVE_NAME
WEIGHTS = (*(c.weight_parameter for c in REGISTRY.weighted), "abstention_band")
"""The scenario parameters the app's sliders set: every channel weight and the band."""
SLIDER_STEP = 0.05
LOCAL_ONLY = {
    "SOLARA_TELEMETRY_MIXPANEL_ENABLE": "False",  # usage events to api.mixpanel.com
    # the page's scripts come from this server (its cache, filled from solara-assets and the
    # npm registry), never from the browser to cdn.jsdelivr.net, as they do with the proxy off
    "SOLARA_ASSETS_PROXY": "True",
}
"""Environment for the Solara server so that no request leaves the machine."""


def keep_requests_local() -> None:
    """Switch off what makes Solara call out: telemetry and its installation check.

    The check puts two hidden iframes of ``solara.dev/static/public/success.html`` on the first
    page a user opens outside production mode (``solara run`` without ``--production``): one in
    the HTML, one as a widget. ``app.py`` calls this in the server process, so that
    ``solara run app.py`` is covered; :func:`serve` passes :data:`LOCAL_ONLY` and
    ``--production`` instead. Solara has no setting for the check alone, so its test is
    replaced here.
    """
    import solara.checks
    import solara.server.settings
    import solara.settings

    solara.server.settings.telemetry.mixpanel_enable = False
    solara.settings.assets.proxy = True  # the page loads its scripts from this server
    solara.checks.should_perform_solara_check = lambda: False


def scenario_of(name: str) -> Scenario:
    """Return a bundled scenario as ``alliance-sim run NAME`` loads it."""
    return load_scenario(bundled_scenario(name)).scenario


class AllianceApp(ScenarioModel):
    """An :class:`~sim.model.model.AllianceModel` built from keyword parameters (SolaraViz).

    Parameters
    ----------
    scenario_name
        A bundled scenario (see ``alliance-sim scenarios``).
    seed
        Seed of the run's random generator (text from the seed box is accepted); ``None``
        takes the scenario's own seed, as ``alliance-sim run`` does.
    **weights
        Any of :data:`WEIGHTS` (``trade_weight``, ..., ``abstention_band``): a value other than
        the scenario's replaces it (score units, >= 0), as ``--set parameters.<name>=``;
        ``None`` or the scenario's own value changes nothing.
    """

    def __init__(
        self,
        scenario_name: str = DEFAULT_SCENARIO_NAME,
        seed: int | str | None = None,
        **kwargs: Any,
    ) -> None:
        # Mesa >= 3.4 passes its own experiment ``scenario`` to a model whose __init__ takes
        # **kwargs when SolaraViz resets it; the app's scenario is chosen by name instead.
        kwargs.pop("scenario", None)
        unknown = set(kwargs) - set(WEIGHTS)
        if unknown:
            raise TypeError(f"unknown weights: {', '.join(sorted(unknown))}")
        own = scenario_of(scenario_name)
        self.scenario_name = scenario_name
        overrides = [
            f"parameters.{name}={float(value)!r}"
            for name, value in kwargs.items()
            if value is not None and float(value) != getattr(own.parameters, name)
        ]
        self.loaded = load_scenario(bundled_scenario(scenario_name), overrides)
        self._recorded = agenda_records(self.loaded)  # read once; shown, never modelled
        self.seed_value = own.seed if seed is None or str(seed).strip() == "" else int(seed)
        super().__init__(
            self.loaded.scenario, build_world(self.loaded.scenario), rng=self.seed_value
        )
        self._results: tuple[int, RunResults] | None = None

    def results(self) -> RunResults | None:
        """Return the run so far as result tables (``None`` before the first vote), cached."""
        votes = len(self.record.votes)
        if votes == 0:
            return None
        if self._results is None or self._results[0] != votes:
            tables = {name: t.to_pandas() for name, t in build_tables(self, self._recorded).items()}
            manifest = build_manifest(self.loaded, self, self.seed_value, None)
            self._results = (votes, RunResults(self.loaded.path, manifest, tables))
        return self._results[1]


def slider_bounds(name: str, value: float) -> tuple[float, float]:
    """Return a slider's range: 0 to the registry's upper bound, or the step above ``value``."""
    low, high = DEFAULT_BOUNDS[name]
    above = math.ceil(round(value / SLIDER_STEP, 9)) * SLIDER_STEP  # the next step up
    return min(0.0, low), max(high, round(above, 6))


def model_params(scenario_name: str = DEFAULT_SCENARIO_NAME) -> dict[str, Any]:
    """SolaraViz ``model_params`` for one scenario: a slider per main weight, a seed box.

    Every input starts at the scenario's own value (so the first model is the one
    ``alliance-sim run`` runs); the scenario itself is a fixed parameter (chosen above the
    page, which is rebuilt for it). Labels give the scenario's value; the thumb shows the
    slider's while it moves.
    """
    scenario = scenario_of(scenario_name)
    params: dict[str, Any] = {"scenario_name": scenario_name}
    for name in WEIGHTS:
        value = float(getattr(scenario.parameters, name))
        low, high = slider_bounds(name, value)
        params[name] = Slider(
            f"{name.replace('_', ' ')} ({value:g} in {scenario_name})",
            value=value,
            min=low,
            max=high,
            step=SLIDER_STEP,
        )
    params["seed"] = {"type": "InputText", "value": str(scenario.seed), "label": "Random seed"}
    return params


def _figure_or_note(model: AllianceApp, draw: Any) -> None:
    results = model.results()
    if results is None:
        solara.Info(f"Round {model.round}: no vote yet. Press Step (or Play).")
        return
    figure: Figure = draw(results)
    solara.FigureMatplotlib(figure, format="png", dpi=90, bbox_inches="tight")


@solara.component  # type: ignore[untyped-decorator]
def TalliesView(model: AllianceApp) -> None:
    """Tallies of every resolution voted so far."""
    update_counter.get()
    _figure_or_note(model, figure_tallies)


@solara.component  # type: ignore[untyped-decorator]
def AlignmentMapView(model: AllianceApp) -> None:
    """Each state's agreement with the two reference states so far."""
    update_counter.get()
    _figure_or_note(model, figure_alignment_map)


@solara.component  # type: ignore[untyped-decorator]
def VotesView(model: AllianceApp) -> None:
    """Every state's vote on every resolution so far, grouped by bloc."""
    update_counter.get()
    _figure_or_note(model, figure_votes_by_bloc)


@solara.component  # type: ignore[untyped-decorator]
def WeightsView(model: AllianceApp) -> None:
    """Show the weights and seed of the model shown, marking those a slider set."""
    update_counter.get()
    lines = [f"Weights in use: **{model.scenario_name}**, seed {model.seed_value}"]
    for name in WEIGHTS:
        value = getattr(model.parameters, name)
        changed = any(o.startswith(f"parameters.{name}=") for o in model.loaded.overrides)
        lines.append(f"- {name}: {value:g}" + (" (set by a slider)" if changed else ""))
    solara.Markdown("\n".join(lines))


def components() -> list[Any]:
    """SolaraViz components: tallies, alignment map, votes, favours per round, weights."""
    return [
        (TalliesView, 0),
        (AlignmentMapView, 0),
        (VotesView, 0),
        make_plot_component("favours_outstanding"),
        (WeightsView, 0),
    ]


def make_page(model: AllianceApp) -> Any:
    """Return the SolaraViz page for ``model`` (the element ``solara run`` renders)."""
    return SolaraViz(
        model,
        components=components(),
        model_params=model_params(model.scenario_name),
        name="alliance-sim",
    )


@solara.component  # type: ignore[untyped-decorator]
def Page() -> None:
    """Page for ``solara run``: a scenario chooser, and the SolaraViz page built for it.

    Choosing another scenario rebuilds the page (its key changes), so the sliders start at
    the new scenario's values rather than keeping the last one's.
    """
    name = solara.use_reactive(DEFAULT_SCENARIO_NAME)
    model = solara.use_memo(lambda: AllianceApp(scenario_name=name.value), [name.value])
    with solara.Column():
        solara.Select("Scenario (bundled)", values=bundled_scenarios(), value=name)
        make_page(model).key(f"page-{name.value}")


def serve(host: str = "127.0.0.1", port: int = 8765) -> int:
    """Run the app with ``solara run`` until interrupted; return its exit code."""
    command = [sys.executable, "-m", "solara", "run", "sim.viz:Page", "--production"]
    return subprocess.call(
        [*command, "--host", host, "--port", str(port)], env={**os.environ, **LOCAL_ONLY}
    )
