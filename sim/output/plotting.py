"""What every figure shares: the palette, the plot registry record, and saving.

Colours are the Okabe & Ito (2008) palette, distinguishable with the common colour-vision
deficiencies; votes keep one colour everywhere.

Figures are plain :class:`~matplotlib.figure.Figure` objects made by :func:`subplots` and saved
by Agg (PNG) or the SVG backend: pyplot, its figure registry and its interactive backends are
never imported, which keeps ``alliance-sim plot`` from paying for them.
"""

from __future__ import annotations

import json
import sys
import weakref
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Generic, Literal, TypeVar

import numpy as np
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.layout_engine import TightLayoutEngine

from sim.common.files import atomic_write
from sim.output.index import INDEX

PlotFormat = Literal["png", "svg"]
FORMATS: tuple[PlotFormat, ...] = ("png", "svg")
DPI = 100
"""Resolution of PNG figures: sizes are in inches, so a 10 x 7 in figure is 1000 x 700 px."""

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

SCENARIO_SECTIONS = ("parameters", "countries", "agenda", "issues", "ties")
"""First parts of a ``--set`` path that a reader does not need to see in a title."""
POSITION_TICKS = {-1.0: "\u22121 no", -0.5: "", 0.0: "0 abstain", 0.5: "", 1.0: "+1 yes"}
"""The vote scale of ``position`` outcomes (a vote's sign, :mod:`sim.model.votes`)."""


def parameter_title(path: str) -> str:
    """Say a parameter path in words: ``parameters.trade_weight`` -> ``trade weight``.

    ``countries.CHN.domestic_pressure`` -> ``CHN domestic pressure``; ids keep their case.
    """
    parts = path.split(".")
    if len(parts) > 1 and parts[0] in SCENARIO_SECTIONS:
        parts = parts[1:]
    return " ".join(part.replace("_", " ") for part in parts)


def outcome_title(column: str) -> str:
    """Say an outcome column in words: ``abstain_share[ES-11/1]`` -> ``abstain share (ES-11/1)``.

    ``position[ES-11/1,CHN]`` -> ``position of CHN on ES-11/1``; a named outcome keeps its
    name, underscores as spaces.
    """
    measure, _, rest = column.partition("[")
    words = measure.replace("_", " ")
    args = [a.strip() for a in rest.rstrip("]").split(",")] if rest else []
    if measure == "position" and len(args) == 2:
        return f"position of {args[1]} on {args[0]}"
    if measure == "agreement" and len(args) == 2:
        return f"agreement of {args[0]} with {args[1]}"
    return f"{words} ({', '.join(args)})" if args else words


def is_position(column: str) -> bool:
    """Whether an outcome is a vote position (+1 yes, 0 abstain, -1 no)."""
    return column.startswith("position[")


def label_position_axis(axis: Any) -> None:
    """Mark the vote scale on a position axis (or colour bar axis): ``+1 yes ... -1 no``."""
    axis.set_ticks(list(POSITION_TICKS), list(POSITION_TICKS.values()))


@dataclass(frozen=True)
class PlotSpec(Generic[Source]):
    """One figure: file stem, title, one-paragraph reading guide, and how to draw it.

    ``guide`` may hold ``{placeholders}`` filled from the results when the report shows it.
    """

    stem: str
    title: str
    guide: str
    draw: Callable[[Source], Figure]
    cost: float = 1.0
    """Relative drawing time: the costliest figures are started first when drawn in parallel."""
    crop: bool = False
    """Cut the file to what was drawn (see :func:`save_figure`): for figures whose layout
    cannot foresee where everything ends up."""


@dataclass(frozen=True)
class DrawnPlot:
    """A figure written to disk, with the title and guide the report shows beside it."""

    path: Path
    title: str
    guide: str


def subplots(
    nrows: int = 1, ncols: int = 1, *, figsize: tuple[float, float], **kwargs: Any
) -> tuple[Figure, Any]:
    """Make a figure and its axes, as ``pyplot.subplots`` does but without pyplot.

    Parameters
    ----------
    nrows, ncols
        Grid of axes.
    figsize
        Width and height in inches.
    **kwargs
        Passed to :meth:`matplotlib.figure.Figure.subplots` (``squeeze``, ``sharex``,
        ``gridspec_kw`` ...).

    Returns
    -------
    tuple
        The figure and an :class:`~matplotlib.axes.Axes` (or an array of them, as pyplot).
    """
    fig = Figure(figsize=figsize, dpi=DPI)
    # An Agg canvas from the start, at the saving resolution: the layout, the crop and the
    # drawing then share one renderer and its cache of measured texts.
    FigureCanvasAgg(fig)
    axes: Axes | np.ndarray = fig.subplots(nrows, ncols, **kwargs)
    return fig, axes


_LAID_OUT: weakref.WeakSet[Figure] = weakref.WeakSet()


def lay_out(fig: Figure, rect: tuple[float, float, float, float] | None = None) -> None:
    """Fit the axes of ``fig`` into ``rect`` (figure fractions) once, leaving no layout engine.

    Without ``rect`` (the whole figure) the tight layout measures every text once; a
    ``rect`` costs a second measuring pass.

    ``Figure.tight_layout`` leaves a placeholder engine behind, and ``savefig`` then draws the
    whole figure once more before drawing it for real; this runs the same tight layout
    without attaching it, so saving is a single pass. :func:`save_figure` lays out every
    figure not laid out here yet.
    """
    # rect=None is what Figure.tight_layout() passes by default (the stubs say a tuple)
    TightLayoutEngine(rect=rect).execute(fig)  # type: ignore[arg-type]
    _LAID_OUT.add(fig)


def save_figure(fig: Figure, path: Path, crop: bool = False) -> Path:
    """Lay out and save a figure (format from the suffix), atomically; return ``path``.

    The layout is computed once (``tight_layout``, which makes room for tick labels, titles
    and legends beside the axes, without attaching a layout engine that ``savefig`` would run
    again). With ``crop`` the file is cut to what was drawn (``bbox_inches="tight"``), which
    keeps labels that a fixed-aspect image pushes past the figure's edge, or a legend placed
    below the axes, and drops empty margins; it measures every artist once more (about a
    third of the time a simple figure takes), so figures that the layout fits are not cropped.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    if fig not in _LAID_OUT and fig.get_layout_engine() is None:
        lay_out(fig)
    metadata = {"Date": None} if path.suffix == ".svg" else {"Software": None}
    staging = path.with_name(f".{path.stem}.drawing{path.suffix}")
    try:
        fig.savefig(staging, dpi=DPI, bbox_inches="tight" if crop else None, metadata=metadata)
        atomic_write(path, staging.read_bytes())
    finally:
        staging.unlink(missing_ok=True)
        if "matplotlib.pyplot" in sys.modules:  # a figure a caller made with pyplot
            sys.modules["matplotlib.pyplot"].close(fig)
    return path


def write_index(folder: Path, drawn: list[DrawnPlot]) -> None:
    """Record the figures of a plots folder, in order, with titles and guides."""
    entries = [{"file": p.path.name, "title": p.title, "guide": p.guide} for p in drawn]
    atomic_write(folder / INDEX, json.dumps(entries, indent=2))


def check_format(fmt: str) -> None:
    """Refuse a plot format other than png or svg."""
    if fmt not in FORMATS:
        raise ValueError(f"plot format must be one of {', '.join(FORMATS)}, got {fmt!r}")
