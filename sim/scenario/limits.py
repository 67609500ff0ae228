"""Size limits of scenario input (no imports: the CLI's argument types read them at start)."""

MAX_ROUNDS = 1000
"""Most rounds a scenario (or ``--rounds``) may ask for."""
MAX_COUNTRIES = 2000
MAX_RESOLUTIONS = 10_000
MAX_FAVOURS = 100_000
MAX_PRECEDENTS = 64
"""Most earlier records one agenda item may name as its precedents."""
MAX_TIES = 1_000_000
MAX_ITERATIONS = 10_000
MAX_VALUE = 1e6
"""Largest value of an unbounded parameter, weight, budget or favour amount (finite, sane)."""
