"""Interactive model app with Mesa's SolaraViz (needs the ``viz`` extra: ``pip install -e .[viz]``).

Following the Mesa convention for model apps, SolaraViz builds the model from keyword
parameters (``model_params``): :class:`AllianceApp` takes a bundled scenario's name, the main
weights and a seed, and sliders set them. Change a slider, press *Reset* to rebuild the model
with it, then *Step* or *Play* through the rounds; the tallies, the alignment map and every
state's vote are redrawn after each round with the same figures as the report
(:mod:`sim.output.plots`), from the same tables a run writes
(:func:`sim.experiments.runs.build_tables`). The sliders are one per channel weight of the
registry (:mod:`sim.model.channels`) plus the abstention band.

Run it with ``solara run app.py`` from the repository, or ``alliance-sim viz`` anywhere
(``solara run sim.viz:Page``).
"""

from __future__ import annotations

import subprocess
import sys
from typing import Any

import solara
from matplotlib.figure import Figure
from mesa.visualization import Slider, SolaraViz, make_plot_component
from mesa.visualization.utils import update_counter

from sim.bundled import ILLUSTRATIVE_NAME, bundled_scenario, bundled_scenarios
from sim.common.tables import RunResults
from sim.experiments.runs import build_manifest, build_tables
from sim.model.channels import REGISTRY
from sim.model.model import AllianceModel
from sim.model.scenario import load_scenario
from sim.output.plots import figure_alignment_map, figure_tallies, figure_votes_by_bloc

DEFAULT_SCENARIO_NAME = ILLUSTRATIVE_NAME
WEIGHTS = (*(c.weight_parameter for c in REGISTRY.weighted), "abstention_band")
"""The scenario parameters the app's sliders set: every channel weight and the band."""
DEFAULT_SEED = 20220302


class AllianceApp(AllianceModel):
    """An :class:`~sim.model.model.AllianceModel` built from keyword parameters (SolaraViz).

    Parameters
    ----------
    scenario_name
        A bundled scenario (see ``alliance-sim scenarios``).
    seed
        Seed of the run's random generator (text from the seed box is accepted).
    **weights
        Any of :data:`WEIGHTS` (``trade_weight``, ..., ``abstention_band``): replace the
        scenario's values (score units, >= 0), as ``--set parameters.<name>=``; ``None`` keeps
        the scenario's own value.
    """

    def __init__(
        self,
        scenario_name: str = DEFAULT_SCENARIO_NAME,
        seed: int | str = DEFAULT_SEED,
        **kwargs: Any,
    ) -> None:
        # Mesa >= 3.4 passes its own experiment ``scenario`` to a model whose __init__ takes
        # **kwargs when SolaraViz resets it; the app's scenario is chosen by name instead.
        kwargs.pop("scenario", None)
        unknown = set(kwargs) - set(WEIGHTS)
        if unknown:
            raise TypeError(f"unknown weights: {', '.join(sorted(unknown))}")
        values = kwargs
        overrides = [
            f"parameters.{name}={float(value)!r}"
            for name, value in values.items()
            if value is not None
        ]
        self.loaded = load_scenario(bundled_scenario(scenario_name), overrides)
        self.seed_value = int(seed)
        super().__init__(self.loaded.scenario, rng=self.seed_value)
        self._results: tuple[int, RunResults] | None = None

    def results(self) -> RunResults | None:
        """Return the run so far as result tables (``None`` before the first vote), cached."""
        votes = len(self.record.votes)
        if votes == 0:
            return None
        if self._results is None or self._results[0] != votes:
            tables = {name: t.to_pandas() for name, t in build_tables(self).items()}
            manifest = build_manifest(self.loaded, self, self.seed_value, None)
            self._results = (votes, RunResults(self.loaded.path, manifest, tables))
        return self._results[1]


def model_params() -> dict[str, Any]:
    """SolaraViz ``model_params``: a scenario chooser, a slider per main weight, a seed box."""
    defaults = load_scenario(bundled_scenario(DEFAULT_SCENARIO_NAME)).scenario.parameters
    params: dict[str, Any] = {
        "scenario_name": {
            "type": "Select",
            "value": DEFAULT_SCENARIO_NAME,
            "values": bundled_scenarios(),
            "label": "Scenario (bundled)",
        }
    }
    for name in WEIGHTS:
        params[name] = Slider(
            name.replace("_", " "),
            value=float(getattr(defaults, name)),
            min=0.0,
            max=3.0,
            step=0.1,
        )
    params["seed"] = {"type": "InputText", "value": str(DEFAULT_SEED), "label": "Random seed"}
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


def components() -> list[Any]:
    """SolaraViz components: tallies, alignment map, votes, and favours outstanding per round."""
    return [
        (TalliesView, 0),
        (AlignmentMapView, 0),
        (VotesView, 0),
        make_plot_component("favours_outstanding"),
    ]


def make_page(model: AllianceApp) -> Any:
    """Return the SolaraViz page for ``model`` (the element ``solara run`` renders)."""
    return SolaraViz(
        model, components=components(), model_params=model_params(), name="alliance-sim"
    )


@solara.component  # type: ignore[untyped-decorator]
def Page() -> None:
    """Page for ``solara run sim.viz:Page``: one model per browser session."""
    model = solara.use_memo(AllianceApp, [])
    make_page(model)


def serve(host: str = "127.0.0.1", port: int = 8765) -> int:
    """Run the app with ``solara run`` until interrupted; return its exit code."""
    command = [sys.executable, "-m", "solara", "run", "sim.viz:Page"]
    return subprocess.call([*command, "--host", host, "--port", str(port)])
