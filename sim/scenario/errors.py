"""The one error every bad scenario input raises: file, field path and message."""

from __future__ import annotations

from pathlib import Path


class ScenarioError(Exception):
    """A scenario (or override) problem, located by file and field path.

    Each part is clipped (and NUL bytes and newlines escaped), so an error line stays one short
    line whatever the input was.

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
        self.file = _clip(str(file), 120)
        self.path = _clip(path, 80)
        self.message = _clip(message, 200)
        super().__init__(
            f"{self.file}: {self.path}: {self.message}" if path else f"{self.file}: {self.message}"
        )


def _clip(text: str, limit: int) -> str:
    text = text.replace("\0", "\\0").replace("\n", " ")
    return text if len(text) <= limit else text[: limit - 3] + "..."
