"""Rolling-origin evaluation against naive forecasts (``alliance-sim backtest``).

Weights come from the scenario as shipped or from a calibration on the records dated on or
before the cutoff; then every recorded vote in the scenario's history dated after the cutoff
is simulated, in date order, with every record dated before it known to the states (the
model's history, :mod:`sim.model.world`), and scored next to two baselines a political
scientist would try first (Tashman 2000 on rolling-origin evaluation):

persistence
    Each state repeats its latest recorded vote on the same issue (absent included); yes
    where it has none.
all-yes
    Every state votes yes.

Scores are means and standard deviations over replicates (seeds), never the best seed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from sim.common.files import now_iso, package_versions
from sim.common.manifests import BacktestManifest, BacktestScenario
from sim.empirical.calibrate import calibrate
from sim.empirical.records import agenda_item
from sim.empirical.validate import f1, scores, simulate, summarise, tally
from sim.model.votes import Vote, VoteArray
from sim.scenario.errors import ScenarioError
from sim.scenario.records import same_resolution
from sim.scenario.schema import HistoryRecord, LoadedScenario, Scenario

DEFAULT_CUTOFF = dt.date(2022, 3, 2)


def record_codes(record: HistoryRecord, ids: list[str]) -> VoteArray:
    """Return a history record's votes in the order of ``ids`` (absent where it has no row)."""
    return np.array([Vote.from_word(record.votes.get(c, "absent")) for c in ids], dtype=np.int8)


def persistence(scenario: Scenario, issue: str, day: dt.date) -> VoteArray:
    """Each state's latest recorded vote on ``issue`` before ``day``; yes where none."""
    ids = [c.id for c in scenario.countries]
    forecast = np.full(len(ids), Vote.YES, dtype=np.int8)
    for record in sorted(scenario.history, key=lambda r: r.date):
        if record.issue == issue and record.date < day:
            for i, country in enumerate(ids):
                if country in record.votes:
                    forecast[i] = Vote.from_word(record.votes[country])
    return forecast


@dataclass(frozen=True)
class Backtest:
    """The rows of a backtest and how its weights were set."""

    rows: list[dict[str, Any]]
    cutoff: dt.date
    replicates: int
    weights: str
    parameters: dict[str, float]

    def manifest(self, loaded: LoadedScenario, command: list[str] | None) -> BacktestManifest:
        """Return the provenance record of this backtest of ``loaded``."""
        return BacktestManifest(
            kind="backtest",
            created=now_iso(),
            versions=package_versions(),
            scenario=BacktestScenario(
                name=loaded.scenario.name, path=str(loaded.path), sha256=loaded.sha256
            ),
            cutoff=self.cutoff.isoformat(),
            replicates=self.replicates,
            weights=self.weights,
            parameters=self.parameters,
            command=command,
        )


def targets(scenario: Scenario, cutoff: dt.date) -> list[HistoryRecord]:
    """Return the history records after ``cutoff`` whose resolution is on the agenda, by date."""
    on_agenda = [
        r
        for r in scenario.history
        if r.date > cutoff and any(same_resolution(r.resolution, a.id) for a in scenario.agenda)
    ]
    return sorted(on_agenda, key=lambda r: r.date)


def backtest(
    scenario: Scenario,
    cutoff: dt.date = DEFAULT_CUTOFF,
    replicates: int = 10,
    *,
    calibration_budget: int | None = None,
    progress: Callable[[int], None] | None = None,
) -> Backtest:
    """Score every recorded vote after ``cutoff`` against persistence and all-yes.

    Parameters
    ----------
    scenario
        A dated scenario whose ``history`` holds the records (later ones included: each
        counts only for votes after its date).
    cutoff
        Records dated after it are predicted; calibration sees only those on or before it.
    replicates
        Seeds per prediction.
    calibration_budget
        Refit the weights on the latest record on or before the cutoff that is on the agenda
        (this many evaluations) instead of using the scenario's.
    progress
        Called with the number of calibration evaluations done.

    Raises
    ------
    ScenarioError
        When no record after the cutoff is on the agenda, or nothing to calibrate on.
    """
    later = targets(scenario, cutoff)
    if not later:
        known = ", ".join(f"{r.resolution} ({r.date})" for r in scenario.history) or "none"
        raise ScenarioError(
            "--cutoff", str(cutoff), f"no recorded vote on the agenda after it (records: {known})"
        )
    weights = "the scenario's parameters"
    if calibration_budget is not None:
        scenario, weights = _calibrated(scenario, cutoff, calibration_budget, replicates, progress)
    ids = [c.id for c in scenario.countries]
    items = [agenda_item(scenario, r.resolution) for r in later]
    simulated = simulate(scenario, [i.id for i in items], replicates)
    rows = []
    for record, item in zip(later, items, strict=True):
        recorded = record_codes(record, ids)
        runs = simulated[item.id].votes
        summary = summarise([scores(s, recorded) for s in runs])
        persist = persistence(scenario, record.issue, record.date)
        yes = np.full(len(ids), Vote.YES, dtype=np.int8)
        tallies = [tally(s) for s in runs]
        rows.append(
            {
                "resolution": item.id,
                "record": record.resolution,
                "date": record.date.isoformat(),
                "issue": record.issue,
                "accuracy_mean": summary["accuracy"]["mean"],
                "accuracy_sd": summary["accuracy"]["sd"],
                "kappa_mean": summary["kappa"]["mean"],
                "kappa_sd": summary["kappa"]["sd"],
                **{
                    f"{v.word}_f1_mean": summary[f"{v.word}_f1"]["mean"]
                    for v in (Vote.YES, Vote.ABSTAIN, Vote.NO, Vote.ABSENT)
                },
                "no_f1_sd": summary["no_f1"]["sd"],
                "persistence_accuracy": float(np.mean(persist == recorded)),
                "persistence_no_f1": f1(persist, recorded, Vote.NO),
                "all_yes_accuracy": float(np.mean(yes == recorded)),
                "tallies": {w: float(np.mean([t[w] for t in tallies])) for w in tallies[0]},
                "recorded_tallies": tally(recorded),
            }
        )
    parameters = {
        k: float(v)
        for k, v in scenario.parameters.model_dump().items()
        if isinstance(v, float) and not isinstance(v, bool)
    }
    return Backtest(rows, cutoff, replicates, weights, parameters)


def _calibrated(
    scenario: Scenario,
    cutoff: dt.date,
    budget: int,
    replicates: int,
    progress: Callable[[int], None] | None,
) -> tuple[Scenario, str]:
    """Return the scenario refitted on the latest agenda record up to the cutoff."""
    earlier = [
        r
        for r in scenario.history
        if r.date <= cutoff and any(same_resolution(r.resolution, a.id) for a in scenario.agenda)
    ]
    if not earlier:
        raise ScenarioError(
            "--calibrate", str(cutoff), "no recorded vote on the agenda on or before the cutoff"
        )
    latest = max(earlier, key=lambda r: r.date)
    item = agenda_item(scenario, latest.resolution)
    fit = calibrate(
        scenario,
        record_codes(latest, [c.id for c in scenario.countries]),
        item.id,
        budget=budget,
        replicates=min(replicates, 3),
        progress=progress,
    )
    parameters = scenario.parameters.model_copy(update=fit.parameters)
    note = f"calibrated on {latest.resolution} ({latest.date}), {budget} evaluations"
    return scenario.model_copy(update={"parameters": parameters}), note


Writer = Callable[[Path, list[dict[str, Any]], BacktestManifest], Path]
"""Publishes a backtest's rows and manifest as a directory (``sim.output.backtest``)."""


def backtest_and_write(
    out: Path,
    loaded: LoadedScenario,
    cutoff: dt.date,
    replicates: int,
    write: Writer,
    *,
    calibration_budget: int | None = None,
    progress: Callable[[int], None] | None = None,
    command: list[str] | None = None,
) -> tuple[Backtest, BacktestManifest, Path]:
    """Backtest a loaded scenario (:func:`backtest`) and publish it with ``write``.

    The empirical layer does not draw: ``write(out, rows, manifest)`` (the command passes
    :func:`sim.output.backtest.write_backtest`) writes the table, plot and report, as
    :func:`sim.experiments.runs.write_run`'s ``decorate`` does for a run.
    Returns the result, its manifest and the published directory.
    """
    result = backtest(
        loaded.scenario,
        cutoff,
        replicates,
        calibration_budget=calibration_budget,
        progress=progress,
    )
    manifest = result.manifest(loaded, command)
    return result, manifest, write(out, result.rows, manifest)
