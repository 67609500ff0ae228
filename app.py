"""alliance-sim in the browser: ``solara run app.py`` (needs ``pip install -e .[viz]``).

The Mesa convention for model apps: build a model, describe its parameters (``model_params``)
and the components to draw, and hand them to SolaraViz (:mod:`sim.viz` does). Choose a bundled
scenario above the page: the sliders start at its weights, the seed box at its seed, so the
first model is the one ``alliance-sim run`` runs. Move a slider, press Reset to rebuild the
model with it, then Step or Play through the rounds. Nothing is fetched from outside the
machine (see :func:`sim.viz.keep_requests_local`); ``alliance-sim viz`` serves the same page.
"""

from sim.viz import Page, keep_requests_local

keep_requests_local()
page = Page()
