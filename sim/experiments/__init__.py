"""Experiments: a single run written to disk, and parameter sweeps.

Sweeps are split into spec, designs, worker, runner, store, executors, outcomes and analysis.
"""
