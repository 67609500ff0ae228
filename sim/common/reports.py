"""What ``validate`` and ``ablate`` report, as typed records.

:func:`sim.empirical.validate.validate` returns a :class:`ValidationReport` and
:func:`sim.empirical.ablate.ablate` an :class:`AblationReport`; the CLI prints them as text or,
with ``--json``, as :meth:`to_json` (one JSON object whose keys keep the order documented
here). Scores are means over replicates (seeds) and their standard deviations, never the best
seed. Tables keyed by vote word (``confusion``, ``tally``) stay mappings: their keys are data.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any


@dataclass(frozen=True)
class Comparison:
    """Simulated votes held against a record: seed-mean scores, their sds, the modal vote.

    Attributes
    ----------
    accuracy, accuracy_merged, kappa
        Share of states whose vote matches; the same with absent merged into abstain; Cohen's
        kappa (NaN where undefined).
    absent_f1, yes_f1, abstain_f1, no_f1
        F1 of each vote class (van Rijsbergen 1979; NaN when neither side has it).
    sd
        Standard deviation over replicates of each score above, by its name.
    baseline_accuracy, baseline_vote
        Accuracy of predicting the record's most frequent vote everywhere, and that vote.
    confusion
        Recorded vote -> simulated (modal) vote -> count.
    tally
        ``simulated`` (mean over replicates) and ``recorded`` counts per vote.
    """

    accuracy: float
    accuracy_merged: float
    kappa: float
    absent_f1: float
    yes_f1: float
    abstain_f1: float
    no_f1: float
    sd: dict[str, float]
    baseline_accuracy: float
    baseline_vote: str
    confusion: dict[str, dict[str, int]]
    tally: dict[str, dict[str, Any]]

    def to_json(self) -> dict[str, Any]:
        """Return the record as one JSON object (fields in the order above)."""
        return asdict(self)


@dataclass(frozen=True)
class Miss:
    """A state whose modal simulated vote differs from the record, and why it voted so."""

    country: str
    name: str
    recorded: str
    simulated: str
    score: float
    """Net support (sum of the contributions)."""
    contributions: dict[str, float]
    """Each channel's mean contribution over replicates, by channel name."""


@dataclass(frozen=True)
class ValidationReport(Comparison):
    """One resolution simulated and held against its recorded roll call (``validate``)."""

    resolution: str
    record: str
    """Path of the record file."""
    record_resolution: str
    record_date: str
    replicates: int
    seeds: list[dict[str, Any]]
    """Each replicate's seed as ``{entropy, spawn_key}``."""
    countries: int
    misses: list[Miss]


@dataclass(frozen=True)
class ChangedVote:
    """A state whose modal vote changes when one channel is switched off."""

    country: str
    kept: str
    """Modal vote with every channel (``with`` in JSON)."""
    dropped: str
    """Modal vote without the channel (``without`` in JSON)."""
    recorded: str
    pushed: str
    """``toward yes`` (removing the channel moves the state toward no), ``toward no``, ``out``."""
    contribution: float
    """The channel's mean contribution to the state's score in the full runs."""

    def to_json(self) -> dict[str, Any]:
        """Return the change as JSON (``with`` and ``without`` name the two votes)."""
        return {
            "country": self.country,
            "with": self.kept,
            "without": self.dropped,
            "recorded": self.recorded,
            "pushed": self.pushed,
            "contribution": self.contribution,
        }


@dataclass(frozen=True)
class ChannelAblation:
    """Accuracy without one channel, its difference from the full model, the changed votes."""

    channel: str
    accuracy_mean: float
    accuracy_sd: float
    difference: float
    changed: list[ChangedVote]

    def to_json(self) -> dict[str, Any]:
        """Return the row as JSON."""
        return {
            "channel": self.channel,
            "accuracy_mean": self.accuracy_mean,
            "accuracy_sd": self.accuracy_sd,
            "difference": self.difference,
            "changed": [c.to_json() for c in self.changed],
        }


@dataclass(frozen=True)
class AblationReport:
    """Leave one channel out (``ablate``): accuracy with every channel, then without each."""

    resolution: str
    replicates: int
    accuracy_mean: float
    """Accuracy with every channel (seed mean)."""
    accuracy_sd: float
    channels: list[ChannelAblation]

    def to_json(self) -> dict[str, Any]:
        """Return the report as one JSON object."""
        return {
            "resolution": self.resolution,
            "replicates": self.replicates,
            "full": {"accuracy_mean": self.accuracy_mean, "accuracy_sd": self.accuracy_sd},
            "channels": [row.to_json() for row in self.channels],
        }
