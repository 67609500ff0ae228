"""Write the comparison of two sweeps: the differences table (Parquet and CSV) and its plots."""

from __future__ import annotations

from collections.abc import Collection
from pathlib import Path

import pandas as pd
import pyarrow as pa

from sim.common.files import atomic_write, publish_dir, write_table
from sim.common.manifests import SweepManifest
from sim.output.plotting import DrawnPlot, write_index
from sim.output.sweep_plots import plot_comparison, slug

COMPARISON_GUIDE = (
    "Top: both sweeps' mean outcome at each value of the shared parameter. Bottom: the "
    "difference B - A with its 95% Welch interval over replicates; where the band excludes 0 "
    "the sweeps differ by more than their noise."
)


ALLOW_FLAG = "--allow-different-worlds"


def different_countries(a: Collection[str], b: Collection[str]) -> str | None:
    """Say how two runs' country sets differ, or None when they are the same states.

    Two runs of different worlds share few or no (state, resolution) pairs: a vote-by-vote
    comparison of them reads "no vote changed" where nothing was comparable.
    """
    only_a, only_b = sorted(set(a) - set(b)), sorted(set(b) - set(a))
    if not only_a and not only_b:
        return None
    parts = [f"A has {len(set(a))} countries, B {len(set(b))}"]
    for label, only in (("A", only_a), ("B", only_b)):
        if only:
            more = f" and {len(only) - 3} more" if len(only) > 3 else ""
            parts.append(f"only in {label}: {', '.join(only[:3])}{more}")
    return (
        f"the runs are of different worlds ({'; '.join(parts)}); pass {ALLOW_FLAG} to "
        "compare them anyway"
    )


def different_bases(a: SweepManifest, b: SweepManifest) -> str | None:
    """Say how two sweeps' base scenarios differ (path and hash), or None when they are one.

    ``a`` and ``b`` are the sweeps' manifests; the base scenario's hash covers its YAML and
    every table it reads.
    """
    sha_a, sha_b = a.scenario.sha256, b.scenario.sha256
    if sha_a == sha_b:
        return None
    names = (Path(a.scenario.path).name, Path(b.scenario.path).name)
    return (
        f"the sweeps have different base scenarios (A: {names[0]} {sha_a[:12]}, B: "
        f"{names[1]} {sha_b[:12]}); pass {ALLOW_FLAG} to compare them anyway"
    )


def write_comparison(
    out: Path,
    table: pd.DataFrame,
    shared: list[str],
    outcomes: list[str],
    names: tuple[str, str],
    *,
    force: bool = False,
) -> Path:
    """Publish ``differences.parquet``, ``differences.csv`` and one plot per outcome x parameter.

    ``names`` are the two sweeps' names (labelled A and B). The directory appears whole or not
    at all.
    """
    labels = (f"{names[0]} (A)", f"{names[1]} (B)")

    def fill(staging: Path) -> None:
        write_table(
            pa.Table.from_pandas(table, preserve_index=False), staging / "differences.parquet"
        )
        atomic_write(staging / "differences.csv", table.to_csv(index=False))
        numeric = [p for p in shared if table[p].dtype.kind in "fi"]
        drawn: list[DrawnPlot] = []
        for outcome in outcomes:
            for parameter in numeric:
                path = staging / "plots" / f"{slug(outcome)}__vs__{slug(parameter)}.png"
                plot_comparison(table, parameter, outcome, labels, path)
                drawn.append(
                    DrawnPlot(path, f"{outcome}: A and B against {parameter}", COMPARISON_GUIDE)
                )
        if drawn:
            write_index(staging / "plots", drawn)

    return publish_dir(out, fill, force)


def summary_columns(shared: list[str]) -> list[str]:
    """Return the columns of the differences table worth printing."""
    return [*shared, "outcome", "mean_a", "mean_b", "difference", "lo", "hi"]


__all__ = ["summary_columns", "write_comparison"]
