"""K-fold cross-validation over states (``alliance-sim validate --cv K``).

A fit scored on the votes it was fitted to is in-sample. Here the states are split at random
(the search seed) into ``K`` folds of near-equal size; for each fold the global weights *and*
every fitted rule choice -- the habitual-absence streak ``absence_habit`` in
:data:`HABIT_CHOICES` -- are refitted on the other states' votes alone, and the held-out
states are predicted with them (Stone 1974; Hastie, Tibshirani & Friedman 2009, sec. 7.10:
every step that looks at the outcome goes inside the loop). A state is a unit of the split,
but the states still interact in a run: a held-out state's vote is computed by the same
simulation as the others', so its partners' expected positions are the model's, never the
record's.

Every fit starts from the model's defaults (:class:`~sim.scenario.schema.Parameters`), not from
the scenario's parameters: those were fitted on all states, held-out ones included, and a
search that starts at them would carry the held-out votes into the fold.

The cross-validated accuracy is the pooled held-out accuracy per model seed (each fold's model
predicts its own held-out states with the same seed), reported as mean and sd over seeds.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from sim.empirical.calibrate import Fit, search
from sim.empirical.validate import compare, simulate_resolution
from sim.empirical.walkforward import SEARCH_REPLICATES, WALK_FORWARD_FIT
from sim.model.votes import VoteArray
from sim.scenario.schema import Parameters, Scenario

HABIT_CHOICES = (0, 1, 2)
"""Habitual-absence streaks tried in every fold (0: the stage off)."""


@dataclass(frozen=True)
class Fold:
    """One fold: the held-out states, the choice and weights fitted without them."""

    held_out: list[str]
    absence_habit: int
    parameters: dict[str, float]
    training_accuracy: float
    held_out_accuracy: float


@dataclass(frozen=True)
class CrossValidation:
    """Pooled held-out accuracy (mean and sd over seeds) and the folds behind it."""

    resolution: str
    folds: list[Fold]
    accuracy: float
    accuracy_sd: float
    replicates: int
    budget: int

    def to_json(self) -> dict[str, Any]:
        """Return the result as plain JSON types."""
        return {
            "resolution": self.resolution,
            "cv_accuracy_mean": self.accuracy,
            "cv_accuracy_sd": self.accuracy_sd,
            "replicates": self.replicates,
            "budget_per_fit": self.budget,
            "folds": [vars(f) for f in self.folds],
        }


def fold_of_states(n: int, folds: int, seed: int) -> np.ndarray:
    """Return each state's fold (0..folds-1): a seeded permutation dealt out in turn."""
    order = np.random.default_rng(seed).permutation(n)
    assignment = np.empty(n, dtype=np.int64)
    assignment[order] = np.arange(n) % folds
    return assignment


def _fit_fold(
    scenario: Scenario,
    recorded: VoteArray,
    resolution: str,
    train: np.ndarray,
    bounds: dict[str, tuple[float, float]],
    budget: int,
    seed: int,
    progress: Callable[[int], None] | None,
) -> tuple[Scenario, Fit, int]:
    """Fit the weights for every habit choice on the training states; keep the best."""

    def objective(candidate: Scenario) -> tuple[float, float]:
        runs = simulate_resolution(candidate, resolution, SEARCH_REPLICATES).votes
        report = compare(runs[:, train], recorded[train])
        return report.accuracy, report.kappa if np.isfinite(report.kappa) else -1.0

    fits = []
    defaults = {name: Parameters.model_fields[name].default for name in bounds}
    for habit in HABIT_CHOICES:
        update = {**defaults, "absence_habit": habit}
        start = scenario.model_copy(
            update={"parameters": scenario.parameters.model_copy(update=update)}
        )
        fit = search(start, objective, bounds, budget=budget, seed=seed, progress=progress)
        fits.append((start, fit))
    scores = [(fit.score["accuracy"], fit.score["kappa"]) for _, fit in fits]
    k = scores.index(max(scores))
    return fits[k][0], fits[k][1], HABIT_CHOICES[k]


def cross_validate(
    scenario: Scenario,
    recorded: VoteArray,
    resolution: str,
    *,
    folds: int = 5,
    budget: int = 60,
    replicates: int = 10,
    bounds: dict[str, tuple[float, float]] | None = None,
    seed: int = 0,
    progress: Callable[[int], None] | None = None,
) -> CrossValidation:
    """Refit per fold over states (weights and habit choice) and score the held-out states.

    Parameters
    ----------
    scenario, recorded, resolution
        The scenario, the recorded codes aligned to its countries, the agenda item.
    folds
        Number of folds (2 or more).
    budget
        Evaluations per fit; each fold fits once per entry of :data:`HABIT_CHOICES`.
    replicates
        Model seeds of the held-out predictions.
    bounds
        Weights to fit (default :data:`sim.empirical.walkforward.WALK_FORWARD_FIT`).
    seed
        Seed of the split into folds and of the search.
    progress
        Called after every evaluation with the total so far.
    """
    bounds = dict(WALK_FORWARD_FIT) if bounds is None else bounds
    ids = [c.id for c in scenario.countries]
    assignment = fold_of_states(len(ids), folds, seed)
    pooled = np.zeros((replicates, len(ids)), dtype=np.int8)
    done = [0]

    def tick(_: int) -> None:
        done[0] += 1
        if progress is not None:
            progress(done[0])

    out = []
    for k in range(folds):
        held = assignment == k
        start, fit, habit = _fit_fold(
            scenario, recorded, resolution, ~held, bounds, budget, seed, tick
        )
        fitted = start.model_copy(
            update={"parameters": start.parameters.model_copy(update=fit.parameters)}
        )
        runs = simulate_resolution(fitted, resolution, replicates).votes
        pooled[:, held] = runs[:, held]
        out.append(
            Fold(
                held_out=[i for i, h in zip(ids, held, strict=True) if h],
                absence_habit=habit,
                parameters=fit.parameters,
                training_accuracy=fit.score["accuracy"],
                held_out_accuracy=float(np.mean(runs[:, held] == recorded[held])),
            )
        )
    per_seed = np.mean(pooled == recorded[None, :], axis=1)
    return CrossValidation(
        resolution=resolution,
        folds=out,
        accuracy=float(per_seed.mean()),
        accuracy_sd=float(per_seed.std(ddof=1)) if replicates > 1 else 0.0,
        replicates=replicates,
        budget=budget,
    )


def format_cross_validation(result: CrossValidation) -> str:
    """Human-readable cross-validation: pooled held-out accuracy and each fold's fit."""
    lines = [
        f"{result.resolution}: {len(result.folds)}-fold cross-validation over states, "
        f"{result.budget} evaluations per fit, {result.replicates} seeds",
        f"  held-out accuracy {result.accuracy:.3f} +/- {result.accuracy_sd:.3f} "
        "(pooled over folds; mean +/- sd over seeds)",
    ]
    for k, fold in enumerate(result.folds):
        weights = ", ".join(f"{n} {v:.2f}" for n, v in fold.parameters.items())
        lines.append(
            f"  fold {k}: {len(fold.held_out)} held out, train {fold.training_accuracy:.3f}, "
            f"held out {fold.held_out_accuracy:.3f}, absence_habit {fold.absence_habit}; "
            f"{weights}"
        )
    return "\n".join(lines)
