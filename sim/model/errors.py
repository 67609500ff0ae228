"""The one error every bad input in the model layer raises: file, field path and message."""

from __future__ import annotations

from pathlib import Path


class ScenarioError(Exception):
    """A scenario (or override) problem, located by file and field path.

    Parameters
    ----------
    file
        The file the problem is in (or ``--set`` for a command-line override).
    path
        Field path inside it, e.g. ``countries[3].domestic_pressure``.
    message
        What is wrong, e.g. ``must be between 0 and 1, got 1.7``.
    """

    def __init__(self, file: str | Path, path: str, message: str) -> None:
        self.file = str(file)
        self.path = path
        self.message = message
        super().__init__(f"{self.file}: {path}: {message}" if path else f"{self.file}: {message}")
