"""alliance-sim: an agent-based model (Mesa) of how states line up at the UN General Assembly."""

from importlib import metadata

try:
    __version__ = metadata.version("alliance-sim")
except metadata.PackageNotFoundError:  # pragma: no cover - running from a source tree
    __version__ = "0.0.0+unknown"
