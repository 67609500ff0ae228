"""The model layer: channels, favour ledger, vote rule, world, scenario schema, agents, model.

Pure numpy over all countries at once; nothing here imports the other layers. Modules are not
imported here, so that a channel can be registered (:mod:`sim.model.channels`) before the
scenario schema is built from the registry.
"""
