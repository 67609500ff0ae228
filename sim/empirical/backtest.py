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

Accuracy, kappa and F1 are means and standard deviations over replicates (seeds), never the
best seed; ``modal_misses`` lists (``;``-separated) the states whose most frequent simulated
vote is not the recorded one (those missed on most backtested votes are the chronic misses).
Beside them each row has the proper scores of the probabilistic forecasts of
:mod:`sim.empirical.forecast` (Brier score and log loss of the model's replicate shares hedged
by its own miss rate on the earlier records, ``model_error``; of those shares smoothed by half
a vote per class alone, ``shares_brier`` and ``shares_log_loss``; of persistence with its
earlier switch rate; and the Brier score of all-yes). The model's miss rate for a vote pools
the agenda records dated before it on its issue chain (as persistence's switch rate), each
scored with the forecast the backtest made of it: its own prediction for a record after the
cutoff, and for those up to the cutoff the run with the backtest's weights (in-fit when the
weights were fitted on them, as the shipped ones are on the cutoff's record).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from sim.common.files import now_iso, package_versions
from sim.common.manifests import BacktestManifest, BacktestScenario
from sim.empirical.calibrate import calibrate
from sim.empirical.forecast import (
    ErrorTrack,
    Forecast,
    brier,
    calibrated_probabilities,
    log_loss,
    point_probabilities,
    replicate_probabilities,
    switch_rate,
)
from sim.empirical.records import agenda_item
from sim.empirical.validate import f1, scores, simulate, summarise, tally
from sim.model.votes import Vote, VoteArray
from sim.scenario.errors import ScenarioError
from sim.scenario.records import same_resolution
from sim.scenario.schema import HistoryRecord, LoadedScenario, Scenario
from sim.scenario.world import issue_chain

DEFAULT_CUTOFF = dt.date(2022, 3, 2)


def record_codes(record: HistoryRecord, ids: list[str]) -> VoteArray:
    """Return a history record's votes in the order of ``ids`` (absent where it has no row)."""
    return np.array([Vote.from_word(record.votes.get(c, "absent")) for c in ids], dtype=np.int8)


def persistence(scenario: Scenario, issue: str, day: dt.date) -> VoteArray:
    """Each state's latest recorded vote on ``issue`` before ``day``; yes where none.

    A state with no record on ``issue`` takes its latest on the nearest issue ``issue``
    inherits (the record the model's commitment reads, :func:`issue_chain`).
    """
    ids = [c.id for c in scenario.countries]
    forecast = np.full(len(ids), Vote.YES, dtype=np.int8)
    found = np.zeros(len(ids), dtype=bool)
    for name in issue_chain(scenario, issue):
        latest = forecast.copy()
        here = np.zeros(len(ids), dtype=bool)
        for record in sorted(scenario.history, key=lambda r: r.date):
            if record.issue == name and record.date < day:
                for i, country in enumerate(ids):
                    if country in record.votes:
                        latest[i] = Vote.from_word(record.votes[country])
                        here[i] = True
        take = here & ~found
        forecast[take] = latest[take]
        found |= here
    return forecast


def modal_votes(runs: np.ndarray) -> VoteArray:
    """Each state's most frequent vote over ``(replicates, n)`` runs (ties: the lower code)."""
    counts = np.stack([(np.atleast_2d(runs) == v).sum(axis=0) for v in Vote], axis=1)
    modal: VoteArray = np.argmax(counts, axis=1).astype(np.int8)
    return modal


@dataclass(frozen=True)
class Backtest:
    """The rows of a backtest and how its weights were set."""

    rows: list[dict[str, Any]]
    cutoff: dt.date
    replicates: int
    weights: str
    parameters: dict[str, float]
    forecasts: list[Forecast] = field(default_factory=list)

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


def agenda_records(scenario: Scenario, keep: Callable[[dt.date], bool]) -> list[HistoryRecord]:
    """Return the history records whose resolution is on the agenda and date passes ``keep``."""
    return sorted(
        (
            r
            for r in scenario.history
            if keep(r.date) and any(same_resolution(r.resolution, a.id) for a in scenario.agenda)
        ),
        key=lambda r: r.date,
    )


def targets(scenario: Scenario, cutoff: dt.date) -> list[HistoryRecord]:
    """Return the history records after ``cutoff`` whose resolution is on the agenda, by date."""
    return agenda_records(scenario, lambda day: day > cutoff)


def cutoff_records(scenario: Scenario, cutoff: dt.date) -> list[HistoryRecord]:
    """Return the history records on or before ``cutoff`` whose resolution is on the agenda."""
    return agenda_records(scenario, lambda day: day <= cutoff)


def cutoff_errors(
    scenario: Scenario, records: list[HistoryRecord], simulated: dict[str, np.ndarray]
) -> ErrorTrack:
    """Start the model's error track with ``records`` (up to the cutoff), simulated as given.

    ``simulated`` maps each record's agenda id to its ``(replicates, n)`` simulated codes.
    """
    ids = [c.id for c in scenario.countries]
    track = ErrorTrack()
    for record in records:
        item = agenda_item(scenario, record.resolution).id
        track.add(record.date, record.issue, simulated[item], record_codes(record, ids))
    return track


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
    items = [agenda_item(scenario, r.resolution) for r in later]
    earlier = cutoff_records(scenario, cutoff)
    # the earlier items come first on the agenda, so one run carries them all (same draws)
    names = [agenda_item(scenario, r.resolution).id for r in earlier] + [i.id for i in items]
    simulated = simulate(scenario, list(dict.fromkeys(names)), replicates)
    track = cutoff_errors(scenario, earlier, {k: v.votes for k, v in simulated.items()})
    rows, forecasts = [], []
    for record, item in zip(later, items, strict=True):
        row, forecast = score_vote(scenario, record, item.id, simulated[item.id].votes, track)
        rows.append(row)
        forecasts.append(forecast)
    parameters = {
        k: float(v)
        for k, v in scenario.parameters.model_dump().items()
        if isinstance(v, float) and not isinstance(v, bool)
    }
    return Backtest(rows, cutoff, replicates, weights, parameters, forecasts)


def score_vote(
    scenario: Scenario,
    record: HistoryRecord,
    resolution: str,
    runs: np.ndarray,
    track: ErrorTrack,
) -> tuple[dict[str, Any], Forecast]:
    """Score ``(replicates, n)`` simulated votes of ``resolution`` and the baselines on a record.

    The model's probabilities are its replicate shares hedged by ``track``'s error rate before
    the record's date (:func:`~sim.empirical.forecast.calibrated_probabilities`); the vote's
    own misses are then added to ``track`` for the votes after it.

    Returns
    -------
    tuple
        The backtest row (point scores as seed means and sds, proper scores of the
        probabilistic forecasts) and the forecast probabilities behind it.
    """
    ids = [c.id for c in scenario.countries]
    recorded = record_codes(record, ids)
    summary = summarise([scores(s, recorded) for s in runs])
    persist = persistence(scenario, record.issue, record.date)
    yes = np.full(len(ids), Vote.YES, dtype=np.int8)
    tallies = [tally(s) for s in runs]
    chain = issue_chain(scenario, record.issue)
    switch = switch_rate(scenario, chain, record.date)
    error = track.rate(record.date, chain)
    shares = replicate_probabilities(runs)
    forecast = Forecast(
        resolution=resolution,
        model=calibrated_probabilities(runs, error),
        persistence=point_probabilities(persist, switch),
        recorded=recorded,
        shares=shares,
    )
    track.add(record.date, record.issue, runs, recorded)
    row = {
        "resolution": resolution,
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
        "brier_mean": brier(forecast.model, recorded),
        "log_loss_mean": log_loss(forecast.model, recorded),
        "model_error": error,
        "shares_brier": brier(shares, recorded),
        "shares_log_loss": log_loss(shares, recorded),
        "persistence_brier": brier(forecast.persistence, recorded),
        "persistence_log_loss": log_loss(forecast.persistence, recorded),
        "persistence_switch": switch,
        "all_yes_brier": brier(point_probabilities(yes, 0.0), recorded),
        "tallies": {w: float(np.mean([t[w] for t in tallies])) for w in tallies[0]},
        "recorded_tallies": tally(recorded),
        "modal_misses": ";".join(ids[i] for i in np.flatnonzero(modal_votes(runs) != recorded)),
    }
    return row, forecast


def _calibrated(
    scenario: Scenario,
    cutoff: dt.date,
    budget: int,
    replicates: int,
    progress: Callable[[int], None] | None,
) -> tuple[Scenario, str]:
    """Return the scenario refitted on the latest agenda record up to the cutoff."""
    earlier = cutoff_records(scenario, cutoff)
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
