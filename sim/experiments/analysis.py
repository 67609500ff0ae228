"""Sweep analysis: per-point summaries with intervals, SALib sensitivity indices, comparisons."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from scipy import special

from sim.common.files import ResultsError
from sim.common.manifests import SweepManifest
from sim.common.tables import SweepResults
from sim.experiments.designs import salib_problem
from sim.experiments.spec import SweepSpec

CONFIDENCE = 0.95


def _t_interval(centre: float, variance: float, df: float) -> tuple[float, float]:
    """Two-sided :data:`CONFIDENCE` Student-t interval around ``centre``.

    ``variance`` is the squared standard error and ``df`` the degrees of freedom (Student
    1908). The quantile is :func:`scipy.special.stdtrit`, what ``scipy.stats.t.ppf`` calls:
    importing ``scipy.stats`` (for ``ttest_1samp``) took a second of every sweep's start.
    """
    half = float(special.stdtrit(df, 0.5 + CONFIDENCE / 2)) * float(np.sqrt(variance))
    return centre - half, centre + half


def mean_interval(values: np.ndarray) -> tuple[float, float, float, int]:
    """Mean and two-sided 95% Student-t interval of the finite values; NaN where undefined."""
    finite = values[np.isfinite(values)]
    n = int(finite.size)
    if n == 0:
        return float("nan"), float("nan"), float("nan"), 0
    mean = float(finite.mean())
    if n == 1:
        return mean, float("nan"), float("nan"), 1
    if np.ptp(finite) == 0:  # identical replicates: no spread (avoid rounding noise)
        return mean, mean, mean, n
    low, high = _t_interval(mean, float(finite.var(ddof=1)) / n, n - 1)
    return mean, low, high, n


def summarise(
    runs: pd.DataFrame,
    parameters: list[str],
    outcomes: list[str],
    ranges: dict[str, tuple[float, float]] | None = None,
) -> pd.DataFrame:
    """Per design point: parameter values and, per outcome, ``_mean, _lo, _hi, _n``.

    Failed runs count as missing (their outcomes are NaN); ``_n`` says how many replicates
    each statistic rests on. An outcome with a known range (``ranges``: shares and agreement in
    [0, 1], positions in [-1, 1]) has its Student-t interval clipped to that range: the true
    mean cannot lie outside it, so the clipped interval still covers it whenever the unclipped
    one does.
    """
    ranges = ranges or {}
    rows = []
    for point_id, group in runs.groupby("point_id", sort=True):
        row: dict[str, Any] = {"point_id": point_id}
        for name in parameters:
            row[name] = group[name].iloc[0]
        for name in outcomes:
            mean, lo, hi, n = mean_interval(group[name].to_numpy(dtype=float))
            if name in ranges:
                low, high = ranges[name]
                lo = float(np.clip(lo, low, high)) if np.isfinite(lo) else lo
                hi = float(np.clip(hi, low, high)) if np.isfinite(hi) else hi
            row.update({f"{name}_mean": mean, f"{name}_lo": lo, f"{name}_hi": hi, f"{name}_n": n})
        rows.append(row)
    return pd.DataFrame(rows)


def sensitivity(manifest: SweepManifest, summary: pd.DataFrame) -> pd.DataFrame | None:
    """SALib indices per outcome for ``sobol`` (S1, ST) and ``morris`` (mu*, sigma) designs.

    Analysed on the per-point means, in design order. SALib cannot analyse missing outputs
    (SALib #273): an outcome with any NaN point mean gets NaN indices and a ``note``.
    """
    design = manifest.design
    if design not in ("sobol", "morris"):
        return None
    spec = SweepSpec.model_validate(manifest.sweep.spec)
    names = manifest.parameters
    problem = salib_problem(spec)
    rows: list[dict[str, Any]] = []
    for outcome in manifest.outcomes:
        y = summary.sort_values("point_id")[f"{outcome}_mean"].to_numpy(dtype=float)
        if not np.all(np.isfinite(y)):
            for name in names:
                rows.append(
                    {
                        "outcome": outcome,
                        "parameter": name,
                        "method": design,
                        "note": "missing outputs: indices not computed",
                    }
                )
            continue
        if design == "sobol":
            from SALib.analyze import sobol

            result = sobol.analyze(problem, y, calc_second_order=False, seed=spec.seed)
            columns: tuple[str, ...] = ("S1", "S1_conf", "ST", "ST_conf")
        else:
            from SALib.analyze import morris

            x = summary.sort_values("point_id")[names].to_numpy(dtype=float)
            result = morris.analyze(problem, x, y, num_levels=4, seed=spec.seed)
            columns = ("mu_star", "mu_star_conf", "sigma")
        for k, name in enumerate(names):
            indices = {column: float(result[column][k]) for column in columns}
            rows.append(
                {"outcome": outcome, "parameter": name, "method": design, **indices, "note": ""}
            )
    return pd.DataFrame(rows)


def compare_summaries(
    a: SweepResults, b: SweepResults, outcomes: list[str] | None = None
) -> tuple[pd.DataFrame, list[str], list[str]]:
    """Line up two sweeps on their shared parameters and outcomes.

    Points are matched on the values of the shared parameters (averaging over any parameter
    only one sweep varies). For each matched point and outcome: both means, the difference
    ``B - A`` and its 95% Welch interval from the replicate runs.

    Returns
    -------
    tuple
        The table of differences, the shared parameters and the compared outcomes.

    Raises
    ------
    ResultsError
        When the sweeps share no parameter or no (requested) outcome.
    """
    shared = [p for p in a.manifest.parameters if p in b.manifest.parameters]
    common = [o for o in a.manifest.outcomes if o in b.manifest.outcomes]
    if not shared:
        raise ResultsError("the sweeps share no varied parameter; nothing to line up")
    if outcomes:
        missing = [o for o in outcomes if o not in common]
        if missing:
            shared_names = ", ".join(common) or "none"
            raise ResultsError(
                f"outcome(s) not in both sweeps: {', '.join(missing)} (shared: {shared_names})"
            )
        common = outcomes
    if not common:
        raise ResultsError("the sweeps share no outcome")
    rows = []
    runs_a, runs_b = a.runs, b.runs
    for key, group_a in runs_a.groupby(shared, sort=True):
        values = key if isinstance(key, tuple) else (key,)
        mask = np.ones(len(runs_b), dtype=bool)
        for name, value in zip(shared, values, strict=True):
            mask &= (runs_b[name] == value).to_numpy()
        group_b = runs_b[mask]
        if group_b.empty:
            continue
        for outcome in common:
            xa = group_a[outcome].to_numpy(dtype=float)
            xb = group_b[outcome].to_numpy(dtype=float)
            xa, xb = xa[np.isfinite(xa)], xb[np.isfinite(xb)]
            diff, lo, hi = welch_difference(xa, xb)
            rows.append(
                {
                    **dict(zip(shared, values, strict=True)),
                    "outcome": outcome,
                    "mean_a": float(xa.mean()) if xa.size else np.nan,
                    "mean_b": float(xb.mean()) if xb.size else np.nan,
                    "difference": diff,
                    "lo": lo,
                    "hi": hi,
                    "n_a": int(xa.size),
                    "n_b": int(xb.size),
                }
            )
    if not rows:
        raise ResultsError("the sweeps share parameters but no parameter values in common")
    return pd.DataFrame(rows), shared, common


def welch_difference(a: np.ndarray, b: np.ndarray) -> tuple[float, float, float]:
    """Mean of ``b - a`` with a 95% Welch interval (NaN when either side has < 2 runs)."""
    if a.size == 0 or b.size == 0:
        return float("nan"), float("nan"), float("nan")
    diff = float(b.mean() - a.mean())
    if a.size < 2 or b.size < 2:
        return diff, float("nan"), float("nan")
    if np.ptp(a) == 0 and np.ptp(b) == 0:  # no spread on either side
        return diff, diff, diff
    # Welch (1947): unpooled standard error, Welch-Satterthwaite degrees of freedom
    va, vb = float(a.var(ddof=1)) / a.size, float(b.var(ddof=1)) / b.size
    if va + vb == 0:  # spreads too small to square
        return diff, diff, diff
    wa, wb = va / (va + vb), vb / (va + vb)  # shares, so tiny variances do not underflow
    df = 1.0 / (wa**2 / (a.size - 1) + wb**2 / (b.size - 1))
    low, high = _t_interval(diff, va + vb, df)
    return diff, low, high
