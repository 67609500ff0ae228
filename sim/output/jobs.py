"""The figure jobs a command hands to its :class:`~sim.output.workers.FigureProcess`.

Each job is a module-level function, so it is sent to the figure process by name, and typed,
so mypy checks the arguments of every ``figures.call(job, ...)``. This module imports no
plotting library: each job imports its drawing module when it runs. Those lazy imports are
on purpose (matplotlib, pandas and jinja2 take about a second): a command imports this module
at its start for free, while its figure process imports the drawing code ahead of time in
:func:`warm`.

To hand a new kind of figure work to the figure process, add a function here that imports
what it draws with inside, and call ``figures.call(new_job, ...)``.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sim.output.plotting import PlotFormat


def warm() -> None:
    """Import the drawing code (plots, report): what a figure process does first."""
    import sim.output.report  # noqa: F401  (lazy on purpose: matplotlib, pandas, jinja2)


def run_plots(results_dir: Path, fmt: PlotFormat = "png") -> list[Path]:
    """Draw every run plot of ``results_dir`` into its ``plots`` folder."""
    from sim.output.plots import redraw_run_plots  # lazy: matplotlib

    return redraw_run_plots(results_dir, fmt)


def report(results_dir: Path, fmt: PlotFormat = "png") -> Path:
    """Write ``results_dir/report.html``, drawing the plots it finds missing first."""
    from sim.output.report import write_report  # lazy: matplotlib, pandas, jinja2

    return write_report(results_dir, fmt=fmt)


def sweep_plots(out: Path) -> list[Path]:
    """Draw every sweep plot of the sweep directory ``out`` and index them."""
    from sim.output.sweep_plots import draw_sweep_plots  # lazy: matplotlib

    return draw_sweep_plots(out)
