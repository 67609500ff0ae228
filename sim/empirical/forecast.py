"""Probabilistic votes and proper scores: how likely the model thought each recorded vote was.

A forecast gives every state a probability for each of absent, yes, abstain and no (columns in
vote-code order, :class:`sim.model.votes.Vote`). Three forecasts are scored the same way:

model
    The share of replicates (seeds) in which the state cast each vote, hedged by the model's
    own error rate ``e`` (:func:`calibrated_probabilities`): ``(1 - e) * shares + e * (1 -
    shares) / 3``, so a vote every replicate casts gets ``1 - e`` and each other ``e / 3``.
    ``e`` is the share of (replicate, state) votes the model got wrong on the records of the
    vote's issue chain dated before it (:class:`ErrorTrack`; the backtest's own forecasts of
    them), partially pooled with its misses on the other issues (:func:`pooled_rate`).
    Replicate shares rather than a likelihood of the net score against the abstention band,
    because the vote rule is not the whole model: the stages after it (habitual absence,
    suspensions) and the noise that feeds later votes through expectations act only in a run,
    and the ensemble carries them all. The shares smoothed by :data:`PSEUDO_COUNT` per class
    alone (Krichevsky & Trofimov 1981, ``(count + 1/2) / (R + 2)``), the model's forecast
    before the hedge, are kept beside it (:attr:`Forecast.shares`).
persistence
    Each state's latest recorded vote on the same issue (yes where it has none) with
    probability ``1 - switch``, and ``switch / 3`` on each other vote -- the same hedge of a
    certain forecast. ``switch`` is the share of states whose vote changed between
    consecutive records on that issue, both dated before the vote predicted, pooled in the
    same way (:func:`switch_rate`).
all-yes
    Probability one on yes: a certain forecast, so its log loss is infinite whenever a state
    does not vote yes; only its Brier score is reported.

Both error rates are estimated only from records dated before the vote, so each is itself a
forecast; fitting a forecast's calibration on forecasts other than those it scores is Platt's
(1999) rule, and the hedge is the linear pool of the forecast with the uniform one (Stone
1961; Genest & Zidek 1986). Scores are means over states (Gneiting & Raftery 2007 on proper
scoring rules): the Brier score in its original multi-category form, ``sum_k (p_k - o_k)^2``
(Brier 1950; 0 is perfect, 2 the worst), and the log loss ``-ln p`` of the recorded vote (Good
1952). The model's scores are of the ensemble forecast, so they carry no seed sd; they still
move with the replicate count through the coarseness of the shares.
"""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass, field

import numpy as np

from sim.model.votes import FloatArray, Vote, VoteArray
from sim.scenario.schema import HistoryRecord, Scenario

PSEUDO_COUNT = 0.5
"""Added to every class count (Krichevsky & Trofimov 1981)."""
CLASSES = len(Vote)


def smoothed_rate(events: float, trials: float, prior: float = 0.5) -> float:
    """Return ``(events + prior) / (trials + 1)``: a rate shrunk toward ``prior`` by one trial.

    With the default prior, ``(events + 1/2) / (trials + 1)``, the Jeffreys (Krichevsky &
    Trofimov 1981) estimate, 1/2 with no trial.
    """
    return (events + 2 * PSEUDO_COUNT * prior) / (trials + 2 * PSEUDO_COUNT)


def pooled_rate(chain: tuple[float, float], others: tuple[float, float]) -> float:
    """Return an error rate on an issue chain, partially pooled with the other issues.

    ``chain`` and ``others`` are ``(events, trials)`` on the vote's issue chain and on every
    other issue. The rate on the other issues, smoothed toward 1/2 (:func:`smoothed_rate`), is
    the prior of the chain's rate, worth one trial: the chain decides once it has data, and a
    chain with none takes what the forecast did elsewhere instead of 1/2 (partial pooling,
    Gelman et al. 2013, ch. 5). The one rule of every error rate that sets a forecast's
    probabilities here: persistence's switch rate (:func:`switch_rate`) and the model's own miss
    rate (:class:`ErrorTrack`).
    """
    return smoothed_rate(*chain, prior=smoothed_rate(*others))


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
    and the number of states. The error rate for a vote counts only the entries dated strictly
    before it: those on the vote's issue chain, partially pooled with the rate on the other
    issues as a prior (:func:`pooled_rate`), so it is estimated as persistence's switch rate is
    (:func:`switch_rate`), and, as in Platt (1999),
    from forecasts the model did not fit where there are any (the backtest's own predictions of
    earlier votes).
    """

    entries: list[tuple[dt.date, str, float, int]] = field(default_factory=list)

    def add(self, day: dt.date, issue: str, simulated: np.ndarray, recorded: VoteArray) -> None:
        """Record the misses of ``(replicates, n)`` simulated codes of a vote on ``issue``."""
        misses = float(np.mean(np.sum(np.atleast_2d(simulated) != recorded, axis=1)))
        self.entries.append((day, issue, misses, int(recorded.size)))

    def rate(self, day: dt.date, issues: str | tuple[str, ...]) -> float:
        """Return the share of wrong votes on ``issues`` before ``day`` (:func:`pooled_rate`).

        ``issues`` is one issue or an issue and those it inherits, as in :func:`switch_rate`.
        """
        names = (issues,) if isinstance(issues, str) else issues
        chain, others = [0.0, 0.0], [0.0, 0.0]
        for d, issue, misses, states in self.entries:
            if d < day:
                into = chain if issue in names else others
                into[0] += misses
                into[1] += states
        return pooled_rate((chain[0], chain[1]), (others[0], others[1]))


def _changes(records: list[HistoryRecord]) -> tuple[int, int]:
    """Return (changes, pairs): states whose vote changed between consecutive ``records``."""
    changes = pairs = 0
    for before, after in itertools.pairwise(sorted(records, key=lambda r: r.date)):
        shared = before.votes.keys() & after.votes.keys()
        pairs += len(shared)
        changes += sum(before.votes[c] != after.votes[c] for c in shared)
    return changes, pairs


def switch_rate(scenario: Scenario, issues: str | tuple[str, ...], day: dt.date) -> float:
    """Share of states that changed vote between consecutive records on ``issues``.

    ``issues`` is one issue or an issue and those it inherits (whose records are read as one
    sequence). Only records dated before ``day`` count; a state counts for a pair when both
    records list it (absent included). The rate is partially pooled with the changes on every
    other issue, each read as its own sequence (:func:`pooled_rate`).
    """
    names = (issues,) if isinstance(issues, str) else issues
    earlier = [r for r in scenario.history if r.date < day]
    others = [
        _changes([r for r in earlier if r.issue == issue])
        for issue in sorted({r.issue for r in earlier} - set(names))
    ]
    chain = _changes([r for r in earlier if r.issue in names])
    return pooled_rate(chain, (sum(c for c, _ in others), sum(p for _, p in others)))


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
