"""The bundled scenarios, shipped as package data ``sim.scenarios`` (see ``sim.bundled``)."""
