"""What every figure shares: the palette, the plot registry record, and saving.

Colours are the Okabe & Ito (2008) palette, distinguishable with the common colour-vision
deficiencies; votes keep one colour everywhere.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Generic, Literal, TypeVar

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
from matplotlib.figure import Figure

from sim.common.files import atomic_write

PlotFormat = Literal["png", "svg"]
FORMATS: tuple[PlotFormat, ...] = ("png", "svg")
DPI = 120
INDEX = "plots.json"
"""File in a plots folder naming each figure's title and reading guide (read by the report)."""

OKABE_ITO = (
    "#0072B2",  # blue
    "#D55E00",  # vermillion
    "#009E73",  # bluish green
    "#E69F00",  # orange
    "#CC79A7",  # reddish purple
    "#56B4E9",  # sky blue
    "#000000",  # black
    "#F0E442",  # yellow
)
VOTE_COLOURS = {"yes": "#0072B2", "abstain": "#E69F00", "no": "#D55E00", "absent": "#BBBBBB"}
VOTE_ORDER = ("yes", "abstain", "no", "absent")

Source = TypeVar("Source")


@dataclass(frozen=True)
class PlotSpec(Generic[Source]):
    """One figure: file stem, title, one-paragraph reading guide, and how to draw it.

    ``guide`` may hold ``{placeholders}`` filled from the results when the report shows it.
    """

    stem: str
    title: str
    guide: str
    draw: Callable[[Source], Figure]


@dataclass(frozen=True)
class DrawnPlot:
    """A figure written to disk, with the title and guide the report shows beside it."""

    path: Path
    title: str
    guide: str


def save_figure(fig: Figure, path: Path) -> Path:
    """Lay out, save (format from the suffix) and close a figure, atomically; return ``path``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if not fig.get_layout_engine():
        fig.tight_layout()
    metadata = {"Date": None} if path.suffix == ".svg" else {"Software": None}
    staging = path.with_name(f".{path.stem}.drawing{path.suffix}")
    try:
        fig.savefig(staging, dpi=DPI, bbox_inches="tight", metadata=metadata)
        atomic_write(path, staging.read_bytes())
    finally:
        staging.unlink(missing_ok=True)
        plt.close(fig)
    return path


def write_index(folder: Path, drawn: list[DrawnPlot]) -> None:
    """Record the figures of a plots folder, in order, with titles and guides."""
    entries = [{"file": p.path.name, "title": p.title, "guide": p.guide} for p in drawn]
    atomic_write(folder / INDEX, json.dumps(entries, indent=2))


def read_index(folder: Path) -> list[dict[str, Any]] | None:
    """Return the index of a plots folder, or None when there is none (or it is unreadable)."""
    try:
        entries: list[dict[str, Any]] = json.loads((folder / INDEX).read_text())
    except (OSError, json.JSONDecodeError):
        return None
    return entries


def check_format(fmt: str) -> None:
    """Refuse a plot format other than png or svg."""
    if fmt not in FORMATS:
        raise ValueError(f"plot format must be one of {', '.join(FORMATS)}, got {fmt!r}")
