"""The index of a plots folder (``plots.json``): each figure's file, title and reading guide.

Kept apart from the figure code so that a command can tell whether a folder's figures are all
there without importing matplotlib.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

INDEX = "plots.json"
"""File in a plots folder naming each figure's title and reading guide (read by the report)."""


def read_index(folder: Path) -> list[dict[str, Any]] | None:
    """Return the index of a plots folder, or None when there is none (or it is unreadable)."""
    try:
        entries: list[dict[str, Any]] = json.loads((folder / INDEX).read_text())
    except (OSError, json.JSONDecodeError):
        return None
    return entries
