"""Scenario input: the schema, YAML/CSV loading, roll-call records and the world builder.

This layer sits above :mod:`sim.model` and turns files into the typed objects the model reads
(:func:`sim.scenario.world.build_world`). It imports nothing here, so that a channel or a
stage can be registered (:mod:`sim.model.channels`, :mod:`sim.model.stages`) before
:mod:`sim.scenario.schema` builds the schema from the registries and freezes them.
"""
