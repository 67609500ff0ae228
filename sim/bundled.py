"""The scenarios bundled with the package, and where results go by default.

The bundled scenarios are package data (``sim.scenarios``, from the repository's
``scenarios/`` folder), found with :mod:`importlib.resources`, so a non-editable install or a
wheel runs them from any directory.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

RESULTS_ROOT = Path("results")
"""Relative to the working directory: ``alliance-sim run`` from the repo writes to ``results/``."""

DEFAULT_NAME = "un_2022"
ILLUSTRATIVE_NAME = "illustrative"


def scenarios_dir() -> Path:
    """Return the folder of the bundled scenarios (inside the installed package)."""
    return Path(str(resources.files("sim.scenarios")))


def bundled_scenarios() -> list[str]:
    """Names of the bundled scenarios (``<name>.yaml`` files), sorted."""
    return sorted(p.stem for p in scenarios_dir().glob("*.yaml"))


def bundled_scenario(name: str) -> Path:
    """Return the YAML file of a bundled scenario by name."""
    return scenarios_dir() / f"{name}.yaml"


def default_scenario() -> Path:
    """Return the scenario ``alliance-sim run`` runs when given none."""
    return bundled_scenario(DEFAULT_NAME)


SCENARIOS_DIR = scenarios_dir()
"""The bundled scenarios' folder (see :func:`scenarios_dir`)."""
DEFAULT_SCENARIO = default_scenario()
ILLUSTRATIVE_SCENARIO = bundled_scenario(ILLUSTRATIVE_NAME)
