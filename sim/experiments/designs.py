"""Designs: a sweep spec expanded into runs, each with its values and its recorded seed.

``grid`` (Cartesian product), ``lhs`` (Latin hypercube; McKay, Beckman & Conover 1979), ``sobol``
(Saltelli's scheme, Saltelli et al. 2010) and ``morris`` (elementary effects, Morris 1991;
Campolongo et al. 2007) via SALib, and ``list`` (points as given). Run order interleaves points
so that any prefix of a sweep covers the whole design.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Any

import numpy as np

from sim.common.seeds import Seed, child_seeds
from sim.experiments.spec import SweepSpec


def design_points(spec: SweepSpec) -> list[dict[str, Any]]:
    """Expand the design into a list of points (parameter path -> value).

    ``grid``: the Cartesian product of every axis's values; ``lhs``: a Latin hypercube of
    ``samples`` points (McKay et al. 1979; ``scipy.stats.qmc``); ``sobol``: Saltelli's scheme
    via SALib, ``samples * (D + 2)`` points (first and total order; Saltelli et al. 2010);
    ``morris``: ``samples`` trajectories of ``D + 1`` points on 4 levels (Morris 1991;
    Campolongo et al. 2007); ``list``: the points as given. Deterministic in ``spec.seed``.
    """
    names = spec.varied
    if spec.design == "list":
        return [dict(point) for point in spec.points]
    if spec.design == "grid":
        axes = [spec.parameters[n].grid() for n in names]
        return [dict(zip(names, combo, strict=True)) for combo in itertools.product(*axes)]
    low = np.array([float(spec.parameters[n].low or 0.0) for n in names])
    high = np.array([float(spec.parameters[n].high or 0.0) for n in names])
    if spec.design == "lhs":
        from scipy.stats import qmc

        unit = qmc.LatinHypercube(d=len(names), seed=np.random.default_rng(spec.seed)).random(
            spec.samples
        )
        matrix = qmc.scale(unit, low, high)
    else:
        problem = salib_problem(spec)
        if spec.design == "sobol":
            from SALib.sample import sobol

            matrix = sobol.sample(problem, spec.samples, calc_second_order=False, seed=spec.seed)
        else:
            from SALib.sample import morris

            matrix = morris.sample(problem, spec.samples, num_levels=4, seed=spec.seed)
    return [{n: float(v) for n, v in zip(names, row, strict=True)} for row in np.asarray(matrix)]


def salib_problem(spec: SweepSpec) -> dict[str, Any]:
    """Return the SALib problem definition of a sampled design."""
    names = spec.varied
    return {
        "num_vars": len(names),
        "names": names,
        "bounds": [
            [float(spec.parameters[n].low or 0), float(spec.parameters[n].high or 0)] for n in names
        ],
    }


@dataclass(frozen=True)
class RunSpec:
    """One run of a sweep: which point and replicate, its values and its seed."""

    run_id: int
    point_id: int
    replicate: int
    values: dict[str, Any]
    entropy: int
    spawn_key: tuple[int, ...]


def run_seeds(
    seed: int, points: int, replicates: int, common_random_numbers: bool
) -> list[list[Seed]]:
    """Seeds ``[point][replicate]`` spawned from ``SeedSequence(seed)``.

    Without common random numbers run ``run_id = point * replicates + replicate`` gets child
    ``run_id``; with them, replicate k uses child k at every point (variance reduction for
    comparisons across points; Law 2015, ch. 11).
    """
    if common_random_numbers:
        row = child_seeds(seed, replicates)
        return [list(row) for _ in range(points)]
    children = child_seeds(seed, points * replicates)
    return [[children[p * replicates + r] for r in range(replicates)] for p in range(points)]


def interleaved(n: int) -> list[int]:
    """Return a permutation of ``range(n)`` in bit-reversed (van der Corput) order.

    Running points in this order makes any prefix spread over the whole design, so a partial
    sweep still covers the space (what NetLogo users asked for, #278).
    """
    if n <= 1:
        return list(range(n))
    bits = int(np.ceil(np.log2(n)))
    order = [int(format(i, f"0{bits}b")[::-1], 2) for i in range(2**bits)]
    return [i for i in order if i < n]


def expand_runs(spec: SweepSpec) -> list[RunSpec]:
    """Every run of the sweep, in execution order (replicate-major, points interleaved)."""
    points = design_points(spec)
    seeds = run_seeds(spec.seed, len(points), spec.replicates, spec.common_random_numbers)
    runs = []
    for replicate in range(spec.replicates):
        for point_id in interleaved(len(points)):
            entropy, key = seeds[point_id][replicate]
            runs.append(
                RunSpec(
                    run_id=point_id * spec.replicates + replicate,
                    point_id=point_id,
                    replicate=replicate,
                    values=points[point_id],
                    entropy=entropy,
                    spawn_key=key,
                )
            )
    return runs
