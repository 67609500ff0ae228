"""Fit a few global weights to a recorded roll call (``alliance-sim calibrate``).

Only global parameters are fitted (at most :data:`MAX_FITTED`); no country attribute is ever
touched. The search is a global phase on half the budget or more -- a Latin hypercube over the
bounds (McKay, Beckman & Conover 1979; ``scipy.stats.qmc``), or with ``method="evolution"``
differential evolution (Storn & Price 1997; ``scipy.optimize.differential_evolution``), which
finds narrow optima in eight dimensions that a one-shot sample misses -- then a compass
(pattern) search from the best point on the rest (Kolda, Lewis & Torczon 2003), which suits an
objective that is a step function of the weights. Every evaluation runs the same ``replicates``
seeds (the scenario's own and its spawned children: common random numbers) and scores their
mean accuracy, so the objective is deterministic, candidates are compared on the same noise,
and no fit rests on one lucky seed.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import yaml
from pydantic import ValidationError
from scipy.optimize import differential_evolution
from scipy.stats import qmc

from sim import __version__
from sim.common.files import atomic_write
from sim.empirical.records import read_record
from sim.empirical.validate import compare, simulate_resolution
from sim.model.channels import REGISTRY
from sim.model.votes import VoteArray
from sim.scenario.errors import ScenarioError
from sim.scenario.schema import LoadedScenario, Parameters, Scenario

MAX_FITTED = 8
SEARCH_NAMES = {"compass": "Latin hypercube", "evolution": "differential evolution"}
EVOLUTION_POPULATION = 10
"""Differential evolution's population per fitted weight (scipy's ``popsize``)."""
DEFAULT_BOUNDS: dict[str, tuple[float, float]] = {
    **{c.weight_parameter: c.bounds for c in REGISTRY.weighted},
    "abstention_band": (0.05, 1.5),
}
"""Bounds of every channel weight (from the registry) and the band: ``--fit NAME`` alone."""
DEFAULT_FIT: dict[str, tuple[float, float]] = {
    **{c.weight_parameter: c.bounds for c in REGISTRY.weighted if c.default != 0.0},
    "abstention_band": (0.05, 1.5),
}
"""Fitted when no ``--fit`` is given: the channels on by default and the band (the others keep
the scenario's values)."""
EXTRA_BOUNDS: dict[str, tuple[float, float]] = {
    "neutrality": (0.0, 2.0),
    "noise_sd": (0.0, 0.5),
    "favour_decay": (0.0, 1.0),
    "favour_credit": (0.0, 1.0),
    "expectation_weight": (0.05, 1.0),
    **{p.name: (p.low, p.high) for p in REGISTRY.channel_parameters},
}
"""Bounds of other global parameters fitted with ``--fit NAME`` alone (no ``=LOW:HIGH``): a
few by hand, and each channel parameter's as the registry declares it (the schema's range)."""


def schema_problem(name: str, value: float) -> str:
    """Return why the scenario schema refuses ``value`` for parameter ``name`` ("" if it does not).

    A fit writes its values into a parameters file the loader validates, so a bound the schema
    refuses would let the search try, and write, a model no scenario can hold.
    """
    try:
        Parameters.model_validate({name: value})
    except ValidationError as exc:
        return str(exc.errors()[0]["msg"]).removeprefix("Value error, ")
    return ""


def check_bounds(bounds: dict[str, tuple[float, float]]) -> None:
    """Refuse bounds whose ends the schema refuses (every candidate lies between them).

    Raises
    ------
    ScenarioError
        Naming ``--fit``, the parameter and its bounds, and the schema's reason.
    """
    for name, (low, high) in bounds.items():
        for end, value in (("LOW", low), ("HIGH", high)):
            problem = schema_problem(name, value)
            if problem:
                raise ScenarioError(
                    "--fit", f"{name}={low:g}:{high:g}", f"{end} outside the schema: {problem}"
                )


def _weights_first(names: Iterable[str]) -> list[str]:
    """Return the names sorted with the channel weights first (errors list them first)."""
    return sorted(names, key=lambda n: (not n.endswith("_weight"), n))


def parse_bounds(specs: Sequence[str]) -> dict[str, tuple[float, float]]:
    """Parse ``NAME`` or ``NAME=LOW:HIGH`` items; ``NAME`` alone takes its default bounds.

    The default bounds are a channel weight's or channel parameter's from the registry
    (:data:`DEFAULT_BOUNDS`, :data:`EXTRA_BOUNDS`); given bounds must lie in the schema's range
    for the parameter (:func:`check_bounds`).

    Raises
    ------
    ScenarioError
        For unknown or non-numeric parameters, a parameter given twice, bad bounds or bounds
        outside the schema's range, or more than :data:`MAX_FITTED`.
    """
    if not specs:
        return dict(DEFAULT_FIT)
    bounds: dict[str, tuple[float, float]] = {}
    numeric = {
        name
        for name, info in Parameters.model_fields.items()
        if info.annotation is not None and "float" in str(info.annotation)
    }
    for spec in specs:
        name, _, rest = spec.partition("=")
        if name in bounds:
            raise ScenarioError("--fit", name, "is given twice")
        if name not in numeric:
            raise ScenarioError(
                "--fit",
                name,
                f"not a numeric global parameter ({', '.join(_weights_first(numeric))})",
            )
        if not rest:
            known = {**DEFAULT_BOUNDS, **EXTRA_BOUNDS}
            if name not in known:
                raise ScenarioError("--fit", spec, "give bounds as NAME=LOW:HIGH")
            bounds[name] = known[name]
            continue
        try:
            low, high = (float(x) for x in rest.split(":"))
        except ValueError:
            raise ScenarioError("--fit", spec, "bounds must be LOW:HIGH numbers") from None
        if not (math.isfinite(low) and math.isfinite(high) and 0 <= low < high):
            raise ScenarioError("--fit", spec, "need 0 <= LOW < HIGH")
        bounds[name] = (low, high)
    check_bounds(bounds)
    if len(bounds) > MAX_FITTED:
        raise ScenarioError("--fit", "", f"at most {MAX_FITTED} global weights, got {len(bounds)}")
    return bounds


@dataclass
class Fit:
    """Outcome of a calibration."""

    parameters: dict[str, float]
    score: dict[str, float]
    start_parameters: dict[str, float]
    start_score: dict[str, float]
    evaluations: int
    history: list[tuple[dict[str, float], float, float]] = field(default_factory=list)
    widened: dict[str, tuple[float, float]] = field(default_factory=dict)
    """Bounds widened to include the scenario's own value (name: the bounds searched)."""
    complete: dict[str, Any] = field(default_factory=dict)
    """Every global parameter: the scenario's, with the fitted ones replaced (what
    :func:`write_parameters_file` writes, so that the file alone reproduces the score)."""
    searches: dict[int, tuple[float, float]] = field(default_factory=dict)
    """With several searches (``world fit --starts``): each search seed's in-sample score, the
    best of which this fit is."""
    score_names: tuple[str, str] = ("accuracy", "kappa")
    """What the objective's two values are: ``score["accuracy"]`` holds the first (what is
    maximised), ``score["kappa"]`` the second (the tie-breaker), whatever the objective; a
    session fit's are ("accuracy", "agreement r"), a proper-score walk-forward refit's
    ("minus brier", "accuracy"). Print and write scores by these names (:meth:`named`)."""

    def named(self, start: bool = False) -> dict[str, float]:
        """Return the score (or the start's) keyed by what each value is (:attr:`score_names`)."""
        score = self.start_score if start else self.score
        first, second = self.score_names
        return {first: score["accuracy"], second: score["kappa"]}


def widen(
    bounds: dict[str, tuple[float, float]], start: dict[str, float]
) -> tuple[dict[str, tuple[float, float]], dict[str, tuple[float, float]]]:
    """Return the bounds widened to include each start value, and those that were widened.

    A search clipped into bounds that exclude the scenario's value would start from a worse
    model than the one shipped (and could return it as "best").
    """
    searched = {n: (min(lo, start[n]), max(hi, start[n])) for n, (lo, hi) in bounds.items()}
    return searched, {n: b for n, b in searched.items() if b != bounds[n]}


def calibrate(
    scenario: Scenario,
    record: str | Path | VoteArray,
    resolution: str,
    *,
    bounds: dict[str, tuple[float, float]] | None = None,
    budget: int = 300,
    seed: int = 0,
    replicates: int = 3,
    progress: Callable[[int], None] | None = None,
    method: str = "compass",
) -> Fit:
    """Search global weights that maximise accuracy (ties broken by Cohen's kappa).

    Parameters
    ----------
    scenario
        The scenario; its current parameter values are the starting point.
    record
        Recorded roll call: a record file naming ``resolution``, or its vote codes aligned to
        the scenario's countries.
    resolution
        Resolution id on the agenda.
    bounds
        Parameters to fit and their bounds (default :data:`DEFAULT_FIT`).
    budget
        Number of model evaluations (>= 2).
    seed
        Seed of the search (the Latin hypercube), not of the model.
    replicates
        Model seeds per evaluation; the objective is the mean over them (the same seeds for
        every candidate: common random numbers).
    progress
        Called with the number of evaluations done, after each one.
    method
        Global phase: ``compass`` (a Latin hypercube on half the budget) or ``evolution``
        (differential evolution on as many whole generations as fit in the budget, at least
        one, from a Latin-hypercube population that includes the start); both end with a
        compass search on what is left.

    Returns
    -------
    Fit
        Best parameters, their scores, the start and its scores, and the search history.
    """
    bounds = dict(DEFAULT_FIT) if bounds is None else bounds
    recorded = (
        read_record(record, scenario, resolution).codes
        if isinstance(record, str | Path)
        else record
    )

    def objective(candidate: Scenario) -> tuple[float, float]:
        report = compare(simulate_resolution(candidate, resolution, replicates).votes, recorded)
        return report.accuracy, report.kappa if np.isfinite(report.kappa) else -1.0

    return search(
        scenario, objective, bounds, budget=budget, seed=seed, progress=progress, method=method
    )


Objective = Callable[[Scenario], tuple[float, float]]
"""A candidate scenario's score: (accuracy, kappa), compared lexicographically."""


def search(
    scenario: Scenario,
    objective: Objective,
    bounds: dict[str, tuple[float, float]],
    *,
    budget: int,
    seed: int = 0,
    progress: Callable[[int], None] | None = None,
    method: str = "compass",
    score_names: tuple[str, str] = ("accuracy", "kappa"),
) -> Fit:
    """Maximise ``objective`` over the global weights in ``bounds`` (the module's search).

    ``objective`` scores a copy of ``scenario`` with candidate weights and ``score_names`` says
    what its two values are (:attr:`Fit.score_names`); the other arguments are those of
    :func:`calibrate`. Bounds that exclude the scenario's value are widened to include it
    (:attr:`Fit.widened`), and the result is never worse than the start. Bounds outside the
    schema's range are refused (:func:`check_bounds`), so every candidate is a model the
    loader accepts.
    """
    check_bounds(bounds)
    names = list(bounds)
    start = np.array([float(getattr(scenario.parameters, n)) for n in names])
    bounds, widened = widen(bounds, dict(zip(names, start, strict=True)))
    low = np.array([bounds[n][0] for n in names])
    high = np.array([bounds[n][1] for n in names])
    history: list[tuple[dict[str, float], float, float]] = []

    def evaluate(x: np.ndarray) -> tuple[float, float]:
        values = {n: float(v) for n, v in zip(names, x, strict=True)}
        parameters = scenario.parameters.model_copy(update=values)
        accuracy, kappa = objective(scenario.model_copy(update={"parameters": parameters}))
        history.append((values, accuracy, kappa))
        if progress is not None:
            progress(len(history))
        return accuracy, kappa

    if method not in SEARCH_NAMES:
        raise ValueError(f"unknown search method {method!r}; use one of {list(SEARCH_NAMES)}")
    best_x = start
    best = start_score = evaluate(start)
    if method == "evolution":
        best, best_x = _evolution(evaluate, history, names, low, high, start, budget, seed, best)
    else:
        sampler = qmc.LatinHypercube(d=len(names), seed=np.random.default_rng(seed))
        for unit in sampler.random(max(budget // 2 - 1, 1)):
            x = qmc.scale(unit[None, :], low, high)[0]
            score = evaluate(x)
            if score > best:
                best, best_x = score, x
    step = (high - low) / 4.0
    while len(history) < budget and np.any(step > (high - low) * 1e-3):
        improved = False
        for k in range(len(names)):
            for sign in (1.0, -1.0):
                if len(history) >= budget:
                    break
                x = best_x.copy()
                x[k] = np.clip(x[k] + sign * step[k], low[k], high[k])
                if np.array_equal(x, best_x):
                    continue
                score = evaluate(x)
                if score > best:
                    best, best_x, improved = score, x, True
        if not improved:
            step = step / 2.0
    # best is the start's score or a strictly better one: never worse than the start. The
    # values are the ones evaluated, unrounded, so that a file of them scores exactly this.
    fitted = {n: float(v) for n, v in zip(names, best_x, strict=True)}
    return Fit(
        parameters=fitted,
        score={"accuracy": best[0], "kappa": best[1]},
        start_parameters={n: float(v) for n, v in zip(names, start, strict=True)},
        start_score={"accuracy": start_score[0], "kappa": start_score[1]},
        evaluations=len(history),
        history=history,
        widened=widened,
        complete={**scenario.parameters.model_dump(mode="json"), **fitted},
        score_names=score_names,
    )


def _evolution(
    evaluate: Callable[[np.ndarray], tuple[float, float]],
    history: list[tuple[dict[str, float], float, float]],
    names: list[str],
    low: np.ndarray,
    high: np.ndarray,
    start: np.ndarray,
    budget: int,
    seed: int,
    best: tuple[float, float],
) -> tuple[tuple[float, float], np.ndarray]:
    """Differential evolution's global phase; return the best score and point it saw."""

    def loss(x: np.ndarray) -> float:  # accuracy first, kappa breaking ties
        accuracy, kappa = evaluate(x)
        return -(accuracy + 1e-3 * kappa)

    members = EVOLUTION_POPULATION * len(names)
    differential_evolution(
        loss,
        list(zip(low, high, strict=True)),
        popsize=EVOLUTION_POPULATION,
        maxiter=max((budget - 1) // members - 1, 0),
        tol=0.0,
        polish=False,
        init="latinhypercube",
        x0=start,
        seed=np.random.default_rng(seed),
    )
    best_x = start
    for values, accuracy, kappa in history:
        if (accuracy, kappa) > best:
            best, best_x = (accuracy, kappa), np.array([values[n] for n in names])
    return best, best_x


def write_parameters_file(
    path: Path,
    fit: Fit,
    *,
    scenario_path: Path,
    record_path: Path,
    resolution: str,
    budget: int,
    seed: int,
    force: bool,
    replicates: int = 1,
    method: str = "compass",
) -> Path:
    """Write every global parameter as a YAML file a scenario can include (``parameters_file``).

    The file is complete: the scenario's parameters with the fitted ones replaced, so that a
    scenario taking its parameters from it (and setting none inline) is the model whose score
    was reported. Refuses to replace an existing file unless ``force``; writes atomically.
    """
    if path.exists() and not force:
        raise ScenarioError(path, "", "exists (use --force to replace it)")
    header = [
        f"# Global parameters, some fitted by alliance-sim {__version__} calibrate",
        f"# on {datetime.now(UTC).isoformat(timespec='seconds')}",
        f"# scenario: {scenario_path}",
        f"# record: {record_path}, resolution {resolution}",
        f"# search: {SEARCH_NAMES[method]} + compass search, budget {budget}, search seed {seed}",
        f"# score (mean over {replicates} seeds): accuracy {fit.score['accuracy']:.4f}, "
        f"kappa {fit.score['kappa']:.4f}",
        f"# start: accuracy {fit.start_score['accuracy']:.4f}, "
        f"kappa {fit.start_score['kappa']:.4f}",
        f"# fitted: {', '.join(fit.parameters)}; the others are the scenario's values.",
        "# Only global parameters; no country attribute was fitted. Use it as the scenario's",
        "# parameters_file: and remove its inline parameters: (a name in both is refused).",
    ]
    body: dict[str, Any] = {"parameters": fit.complete or fit.parameters}
    text = "\n".join(header) + "\n" + yaml.safe_dump(body, sort_keys=False)
    return atomic_write(path, text)


def calibrate_to_file(
    loaded: LoadedScenario,
    record: Path,
    resolution: str,
    out: Path,
    *,
    bounds: dict[str, tuple[float, float]] | None = None,
    budget: int = 300,
    seed: int = 0,
    replicates: int = 3,
    progress: Callable[[int], None] | None = None,
    method: str = "compass",
    force: bool = False,
) -> tuple[Fit, Path]:
    """Fit the weights (:func:`calibrate`) and write the parameters file (one command's work).

    Refuses an existing ``out`` (unless ``force``) before the search, not after it.

    Raises
    ------
    ScenarioError
        If ``out`` exists, or the record or a bound is bad.
    """
    if out.exists() and not force:
        raise ScenarioError(out, "", "exists (use --force to replace it)")
    fit = calibrate(
        loaded.scenario,
        record,
        resolution,
        bounds=bounds,
        budget=budget,
        seed=seed,
        replicates=replicates,
        progress=progress,
        method=method,
    )
    written = write_parameters_file(
        out,
        fit,
        scenario_path=loaded.path,
        record_path=record,
        resolution=resolution,
        budget=budget,
        seed=seed,
        force=force,
        replicates=replicates,
        method=method,
    )
    return fit, written
