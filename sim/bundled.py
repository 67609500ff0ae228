"""The scenarios bundled with the package, and where results go by default.

The bundled scenarios are package data (``sim.scenarios``, from the repository's
``scenarios/`` folder), found with :mod:`importlib.resources`, so a non-editable install or a
wheel runs them from any directory. Commands take a bundled scenario or sweep by name
(``alliance-sim run illustrative``, ``alliance-sim sweep quick``) as well as by path.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

RESULTS_ROOT = Path("results")
"""Relative to the working directory: ``alliance-sim run`` from the repo writes to ``results/``."""

DEFAULT_NAME = "un_2022"
ILLUSTRATIVE_NAME = "illustrative"
SWEEPS = "sweeps"
"""Folder of the bundled sweep files, inside the bundled scenarios' folder."""


def scenarios_dir() -> Path:
    """Return the folder of the bundled scenarios (inside the installed package)."""
    return Path(str(resources.files("sim.scenarios")))


def bundled_scenarios() -> list[str]:
    """Names of the bundled scenarios (``<name>.yaml`` files), sorted."""
    return sorted(p.stem for p in scenarios_dir().glob("*.yaml"))


def bundled_scenario(name: str) -> Path:
    """Return the YAML file of a bundled scenario by name."""
    return scenarios_dir() / f"{name}.yaml"


def bundled_sweeps() -> list[str]:
    """Names of the bundled sweep files (``sweeps/<name>.yaml``), sorted."""
    return sorted(p.stem for p in (scenarios_dir() / SWEEPS).glob("*.yaml"))


def _by_name(text: str, names: list[str], folder: Path) -> Path:
    """``text`` as a path, or the bundled file it names when no such path exists.

    A name is a bare file name (no folder), with or without ``.yaml``; a path that exists
    always wins, so a local file shadows a bundled one of the same name.
    """
    path = Path(text)
    if path.exists() or path.name != text:
        return path
    name = text.removesuffix(".yaml")
    return folder / f"{name}.yaml" if name in names else path


def resolve_scenario(text: str) -> Path:
    """Return the scenario file given by path or bundled name (``illustrative``)."""
    return _by_name(text, bundled_scenarios(), scenarios_dir())


def resolve_sweep(text: str) -> Path:
    """Return the sweep file given by path or by bundled name (``quick``, ``un_2022_sobol``)."""
    return _by_name(text, bundled_sweeps(), scenarios_dir() / SWEEPS)


def default_scenario() -> Path:
    """Return the scenario ``alliance-sim run`` runs when given none."""
    return bundled_scenario(DEFAULT_NAME)


SCENARIOS_DIR = scenarios_dir()
"""The bundled scenarios' folder (see :func:`scenarios_dir`)."""
DEFAULT_SCENARIO = default_scenario()
ILLUSTRATIVE_SCENARIO = bundled_scenario(ILLUSTRATIVE_NAME)
