"""alliance-sim in the browser: ``solara run app.py`` (needs ``pip install -e .[viz]``).

The Mesa convention for model apps: build a model, describe its parameters (``model_params``)
and the components to draw, and hand them to SolaraViz. Choose a bundled scenario, set the main
weights with the sliders, press Reset to rebuild the model, then Step or Play through the rounds.
"""

from mesa.visualization import SolaraViz

from sim.viz import AllianceApp, components, model_params

model = AllianceApp()
page = SolaraViz(model, components=components(), model_params=model_params(), name="alliance-sim")
page  # noqa: B018
