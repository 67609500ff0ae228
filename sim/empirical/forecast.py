"""Probabilistic votes and proper scores: how likely the model thought each recorded vote was.

A forecast gives every state a probability for each of absent, yes, abstain and no (columns in
vote-code order, :class:`sim.model.votes.Vote`). Three forecasts are scored the same way:

model
    The share of replicates (seeds) in which the state cast each vote, smoothed by adding
    :data:`PSEUDO_COUNT` to every class (Krichevsky & Trofimov 1981; the Jeffreys prior of a
    multinomial), so ``(count + 1/2) / (R + 2)``. Replicate shares rather than a likelihood of
    the net score against the abstention band, because the vote rule is not the whole model:
    the stages after it (habitual absence, suspensions) and the noise that feeds later votes
    through expectations act only in a run, and the ensemble carries them all.
persistence
    Each state's latest recorded vote on the same issue (yes where it has none) with
    probability ``1 - switch``, and ``switch / 3`` on each other vote. ``switch`` is the share
    of states whose vote changed between consecutive records on that issue, both dated before
    the vote predicted, smoothed the same way (``(changes + 1/2) / (pairs + 1)``; 1/2 with no
    pair). It is estimated only from earlier records, so it is itself a forecast.
all-yes
    Probability one on yes: a certain forecast, so its log loss is infinite whenever a state
    does not vote yes; only its Brier score is reported.

Scores are means over states (Gneiting & Raftery 2007 on proper scoring rules): the Brier score
in its original multi-category form, ``sum_k (p_k - o_k)^2`` (Brier 1950; 0 is perfect, 2 the
worst), and the log loss ``-ln p`` of the recorded vote (Good 1952). The model's scores are of
the ensemble forecast, so they carry no seed sd; their spread with the replicate count is the
price of the smoothing (at 10 replicates no vote gets less than 0.5/12 = 0.042).
"""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass, field

import numpy as np

from sim.model.votes import FloatArray, Vote, VoteArray
from sim.scenario.schema import Scenario

PSEUDO_COUNT = 0.5
"""Added to every class count (Krichevsky & Trofimov 1981)."""
CLASSES = len(Vote)


def smoothed_rate(events: float, trials: float) -> float:
    """Return ``(events + 1/2) / (trials + 1)``: a rate with the Jeffreys prior, 1/2 with no trial.

    The one smoothing of every error rate that sets a forecast's probabilities here: the
    persistence switch rate (:func:`switch_rate`) and the model's own miss rate
    (:class:`ErrorTrack`) (Krichevsky & Trofimov 1981).
    """
    return (events + PSEUDO_COUNT) / (trials + 2 * PSEUDO_COUNT)


def replicate_probabilities(simulated: np.ndarray, pseudo: float = PSEUDO_COUNT) -> FloatArray:
    """Return ``(n, 4)`` smoothed shares of each vote over ``(replicates, n)`` simulated codes."""
    runs = np.atleast_2d(simulated)
    counts = np.stack([(runs == v).sum(axis=0) for v in Vote], axis=1).astype(float)
    probabilities: FloatArray = (counts + pseudo) / (runs.shape[0] + CLASSES * pseudo)
    return probabilities


def hedged(shares: FloatArray, error: float) -> FloatArray:
    """Return ``(1 - error) * shares + error * (1 - shares) / 3``: an error rate spread evenly.

    ``shares`` are ``(n, 4)`` probabilities; a share of one becomes ``1 - error`` and each other
    vote ``error / 3``. Rows still sum to one. It is the linear pool of the forecast with the
    uniform one, weight ``4 error / 3`` on the latter (Stone 1961; Genest & Zidek 1986).
    """
    probabilities: FloatArray = (1.0 - error) * shares + error * (1.0 - shares) / (CLASSES - 1)
    return probabilities


def point_probabilities(codes: VoteArray, switch: float) -> FloatArray:
    """Return ``(n, 4)`` probabilities: ``1 - switch`` on ``codes``, ``switch / 3`` elsewhere."""
    certain = np.zeros((codes.size, CLASSES))
    certain[np.arange(codes.size), codes] = 1.0
    return hedged(certain, switch)


def calibrated_probabilities(simulated: np.ndarray, error: float) -> FloatArray:
    """Return the model's forecast: raw replicate shares hedged by its earlier miss rate.

    ``(n, 4)`` from ``(replicates, n)`` simulated codes and ``error``, the model's smoothed
    share of wrong votes on the records dated before the vote (:class:`ErrorTrack`):
    :func:`hedged` applied to the unsmoothed shares, so that a state all replicates agree on
    gets ``1 - error`` -- the rule persistence follows with its switch rate.
    """
    return hedged(replicate_probabilities(simulated, pseudo=0.0), error)


@dataclass
class ErrorTrack:
    """The model's misses on earlier records, by date and issue: its error rate, as a forecast.

    Each entry is a record's date, its issue, the mean number of states a replicate got wrong
    and the number of states. The error rate for a vote pools only the entries dated strictly
    before it on the vote's issue chain (:func:`smoothed_rate`; 1/2 with none), so it is
    estimated as persistence's switch rate is (:func:`switch_rate`), and, as in Platt (1999),
    from forecasts the model did not fit where there are any (the backtest's own predictions of
    earlier votes).
    """

    entries: list[tuple[dt.date, str, float, int]] = field(default_factory=list)

    def add(self, day: dt.date, issue: str, simulated: np.ndarray, recorded: VoteArray) -> None:
        """Record the misses of ``(replicates, n)`` simulated codes of a vote on ``issue``."""
        misses = float(np.mean(np.sum(np.atleast_2d(simulated) != recorded, axis=1)))
        self.entries.append((day, issue, misses, int(recorded.size)))

    def rate(self, day: dt.date, issues: str | tuple[str, ...]) -> float:
        """Return the smoothed share of wrong votes on ``issues`` over entries before ``day``.

        ``issues`` is one issue or an issue and those it inherits, as in :func:`switch_rate`.
        """
        names = (issues,) if isinstance(issues, str) else issues
        earlier = [(m, n) for d, i, m, n in self.entries if d < day and i in names]
        return smoothed_rate(sum(m for m, _ in earlier), sum(n for _, n in earlier))


def switch_rate(scenario: Scenario, issues: str | tuple[str, ...], day: dt.date) -> float:
    """Smoothed share of states that changed vote between consecutive records on ``issues``.

    ``issues`` is one issue or an issue and those it inherits (whose records are read as one
    sequence). Only records dated before ``day`` count; a state counts for a pair when both
    records list it (absent included).
    """
    names = (issues,) if isinstance(issues, str) else issues
    earlier = sorted(
        (r for r in scenario.history if r.issue in names and r.date < day), key=lambda r: r.date
    )
    changes = pairs = 0
    for before, after in itertools.pairwise(earlier):
        shared = before.votes.keys() & after.votes.keys()
        pairs += len(shared)
        changes += sum(before.votes[c] != after.votes[c] for c in shared)
    return smoothed_rate(changes, pairs)


def brier(probabilities: FloatArray, recorded: VoteArray) -> float:
    """Mean over states of the multi-category Brier score (Brier 1950), in ``[0, 2]``."""
    outcome = np.zeros_like(probabilities)
    outcome[np.arange(recorded.size), recorded] = 1.0
    return float(np.mean(np.sum((probabilities - outcome) ** 2, axis=1)))


def log_loss(probabilities: FloatArray, recorded: VoteArray) -> float:
    """Mean over states of ``-ln p`` of the recorded vote (Good 1952); infinite if any ``p = 0``."""
    with np.errstate(divide="ignore"):
        return float(-np.mean(np.log(probabilities[np.arange(recorded.size), recorded])))


@dataclass(frozen=True)
class Forecast:
    """One predicted vote: the model's and persistence's probabilities and the record.

    ``shares`` are the model's replicate shares smoothed by half a vote per class alone
    (:func:`replicate_probabilities`), kept to show what the hedging changes.
    """

    resolution: str
    model: FloatArray
    persistence: FloatArray
    recorded: VoteArray
    shares: FloatArray | None = None


def reliability(
    forecasts: list[Forecast], which: str, bins: int = 10
) -> list[tuple[float, float, int]]:
    """Pool every (state, vote) probability of ``which`` forecast into equal-width bins.

    Returns
    -------
    list of (mean forecast probability, observed frequency, count)
        One tuple per non-empty bin, in bin order; a calibrated forecast lies on the diagonal
        (Murphy & Winkler 1977).
    """
    predicted = np.concatenate([getattr(f, which).ravel() for f in forecasts])
    observed = np.concatenate(
        [(np.arange(CLASSES)[None, :] == f.recorded[:, None]).ravel() for f in forecasts]
    ).astype(float)
    index = np.minimum((predicted * bins).astype(int), bins - 1)
    out = []
    for k in range(bins):
        mask = index == k
        if mask.any():
            mean = float(predicted[mask].mean())
            out.append((mean, float(observed[mask].mean()), int(mask.sum())))
    return out
