"""alliance-sim: an agent-based model (Mesa) of how states line up at the UN General Assembly.

For notebooks, ``sim.run``, ``sim.sweep`` and ``sim.load`` (:mod:`sim.api`) are imported on
first use, so that ``import sim`` (which every command does for ``__version__``) stays light.
"""

from __future__ import annotations

from importlib import metadata
from typing import Any

try:
    __version__ = metadata.version("alliance-sim")
except metadata.PackageNotFoundError:  # pragma: no cover - running from a source tree
    __version__ = "0.0.0+unknown"

API = ("run", "sweep", "load", "RunResult", "SweepResult")
"""Names of :mod:`sim.api` available as ``sim.<name>``."""


def __getattr__(name: str) -> Any:
    """Import :mod:`sim.api` when one of its names is first asked for (PEP 562)."""
    if name in API:
        from sim import api  # lazy: numpy, pandas and Mesa only for API users

        return getattr(api, name)
    raise AttributeError(f"module 'sim' has no attribute {name!r}")


def __dir__() -> list[str]:
    """List the module's names and the API's."""
    return sorted([*globals(), *API])
