"""Walk-forward re-estimation (``alliance-sim backtest --walk-forward BUDGET``).

Before each recorded vote after the cutoff, the few global weights are refitted on *every*
agenda record dated before it -- one objective over all of them, the mean accuracy over those
votes (ties broken by mean kappa), each vote simulated with the records before it known, as in
a run -- and then the vote is predicted with the refitted weights and scored like any backtest
row (:func:`sim.empirical.backtest.score_vote`). This is the expanding-window, re-estimated
rolling origin of Tashman (2000): no weight ever sees the vote it predicts or a later one, and
dynamics such as commitment are fitted on the sequence itself once it has more than one vote.

Only global weights are fitted (the search of :mod:`sim.empirical.calibrate`); what is fitted,
and the budget, are in each row (``trained_on``, ``weight_<name>``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import numpy as np

from sim.empirical.backtest import Backtest, record_codes, score_vote, targets
from sim.empirical.calibrate import Fit, search
from sim.empirical.records import agenda_item
from sim.empirical.validate import compare, simulate
from sim.scenario.errors import ScenarioError
from sim.scenario.records import same_resolution
from sim.scenario.schema import HistoryRecord, Scenario

SEARCH_REPLICATES = 2
"""Seeds per evaluation of the multi-record objective (common random numbers)."""
WALK_FORWARD_FIT: dict[str, tuple[float, float]] = {
    "domestic_weight": (0.0, 6.0),
    "neutrality": (0.0, 5.0),
    "abstention_band": (0.05, 2.0),
    "shared_adversaries_weight": (0.0, 2.0),
    "commitment_weight": (0.0, 3.0),
    "prior_alignment_weight": (0.0, 4.0),
    "organisations_weight": (0.0, 3.0),
    "quid_pro_quo_weight": (0.0, 3.0),
}
"""Refitted when no ``--fit`` is given: the eight weights and bounds of the shipped second-stage
fit (``un_2022/parameters.yaml``), except that quid pro quo has no floor (0, not 0.5), so the
data may switch it off; trade and security keep the scenario's values."""


def training_records(scenario: Scenario, day: dt.date) -> list[HistoryRecord]:
    """Return the agenda records dated strictly before ``day``, by date."""
    return sorted(
        (
            r
            for r in scenario.history
            if r.date < day and any(same_resolution(r.resolution, a.id) for a in scenario.agenda)
        ),
        key=lambda r: r.date,
    )


def fit_records(
    scenario: Scenario,
    records: list[HistoryRecord],
    bounds: dict[str, tuple[float, float]],
    budget: int,
    *,
    replicates: int = SEARCH_REPLICATES,
    seed: int = 0,
    progress: Callable[[int], None] | None = None,
) -> Fit:
    """Fit the weights in ``bounds`` to the mean accuracy over ``records`` (kappa breaks ties)."""
    ids = [c.id for c in scenario.countries]
    items = [agenda_item(scenario, r.resolution).id for r in records]
    recorded = [record_codes(r, ids) for r in records]

    def objective(candidate: Scenario) -> tuple[float, float]:
        runs = simulate(candidate, items, replicates)
        reports = [compare(runs[i].votes, c) for i, c in zip(items, recorded, strict=True)]
        kappas = [r.kappa if np.isfinite(r.kappa) else -1.0 for r in reports]
        return float(np.mean([r.accuracy for r in reports])), float(np.mean(kappas))

    return search(scenario, objective, bounds, budget=budget, seed=seed, progress=progress)


def _offset(progress: Callable[[int], None] | None, done: int) -> Callable[[int], None] | None:
    """Report a refit's evaluations after the ``done`` of the refits before it."""
    if progress is None:
        return None
    report = progress
    return lambda n: report(done + n)


def walk_forward(
    scenario: Scenario,
    cutoff: dt.date,
    replicates: int,
    budget: int,
    *,
    bounds: dict[str, tuple[float, float]] | None = None,
    seed: int = 0,
    progress: Callable[[int], None] | None = None,
) -> Backtest:
    """Refit on all earlier records before each vote after ``cutoff``, then predict it.

    Parameters
    ----------
    scenario
        A dated scenario with a history; its parameters are each search's starting point.
    cutoff
        Votes recorded after it are predicted.
    replicates
        Seeds per prediction (the search uses :data:`SEARCH_REPLICATES`).
    budget
        Evaluations per refit.
    bounds
        Weights to fit (default :data:`WALK_FORWARD_FIT`).
    seed
        Seed of the search (not of the model).
    progress
        Called with the evaluations done over all refits.

    Raises
    ------
    ScenarioError
        When no record after the cutoff is on the agenda, or one has no earlier record.
    """
    bounds = dict(WALK_FORWARD_FIT) if bounds is None else bounds
    later = targets(scenario, cutoff)
    if not later:
        raise ScenarioError("--cutoff", str(cutoff), "no recorded vote on the agenda after it")
    rows, forecasts = [], []
    for k, record in enumerate(later):
        training = training_records(scenario, record.date)
        if not training:
            raise ScenarioError(
                "--walk-forward", record.resolution, "no agenda record dated before it to fit on"
            )
        fit = fit_records(
            scenario, training, bounds, budget, seed=seed, progress=_offset(progress, k * budget)
        )
        fitted = scenario.model_copy(
            update={"parameters": scenario.parameters.model_copy(update=fit.parameters)}
        )
        item = agenda_item(scenario, record.resolution).id
        runs = simulate(fitted, [item], replicates)[item].votes
        row, forecast = score_vote(fitted, record, item, runs)
        row["trained_on"] = ";".join(r.resolution for r in training)
        row["training_accuracy"] = fit.score["accuracy"]
        row.update({f"weight_{name}": value for name, value in fit.parameters.items()})
        rows.append(row)
        forecasts.append(forecast)
    names = ", ".join(bounds)
    weights = (
        f"walk-forward: {names} refitted before each vote on all earlier agenda records, "
        f"{budget} evaluations each ({SEARCH_REPLICATES} seeds per evaluation, search seed "
        f"{seed})"
    )
    return Backtest(rows, cutoff, replicates, weights, {}, forecasts)
