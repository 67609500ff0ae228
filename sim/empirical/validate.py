"""Hold simulated votes against recorded roll calls (``alliance-sim validate``, ``ablate``).

The scenario is run for ``replicates`` seeds (replicate 0 is the scenario's own seed, so one
replicate reproduces ``alliance-sim run``; the others are children spawned from it). Every
score is computed per replicate and reported as the mean and standard deviation over
replicates, never from the best seed; the misses and their contributions are those of each
country's modal vote.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from sim.common.measures import cohen_kappa
from sim.common.reports import Comparison, Miss, ValidationReport
from sim.common.seeds import replicate_seeds
from sim.empirical.records import agenda_item, read_record
from sim.model.channels import REGISTRY
from sim.model.model import AllianceModel
from sim.model.votes import VOTE_WORDS, Vote
from sim.scenario.schema import Scenario
from sim.scenario.world import build_world


def modal_votes(codes: np.ndarray) -> np.ndarray:
    """Most frequent vote per country over replicates ``(replicates, n)``; ties by vote code."""
    counts = np.stack([(codes == v).sum(axis=0) for v in Vote])  # (4, n) in code order
    modal: np.ndarray = np.argmax(counts, axis=0).astype(np.int8)
    return modal


@dataclass(frozen=True)
class Simulated:
    """One resolution's simulated votes over replicates.

    Attributes
    ----------
    votes
        ``(replicates, n)`` vote codes.
    contributions
        ``(n, channels)`` mean contributions over replicates.
    seeds
        The replicates' seeds as ``{entropy, spawn_key}``.
    """

    votes: np.ndarray
    contributions: np.ndarray
    seeds: list[dict[str, Any]]

    @property
    def modal(self) -> np.ndarray:
        """Each country's most frequent vote over replicates."""
        return modal_votes(self.votes)


def simulate(
    scenario: Scenario, resolutions: Sequence[str], replicates: int = 1
) -> dict[str, Simulated]:
    """Run the scenario up to the last of ``resolutions``, ``replicates`` times.

    Each resolution's first vote in the run is taken.

    Raises
    ------
    ScenarioError
        If the agenda lacks one of them.
    """
    items = [agenda_item(scenario, r) for r in resolutions]
    seeds = replicate_seeds(scenario.seed, replicates)
    votes: dict[str, list[np.ndarray]] = {i.id: [] for i in items}
    contributions: dict[str, list[np.ndarray]] = {i.id: [] for i in items}
    world = build_world(scenario)
    for seed in seeds:
        model = AllianceModel(scenario, world, rng=seed.generator())
        index = {r.id: k for k, r in enumerate(scenario.agenda)}
        last = max(model.world.timeline.first_round(index[i.id]) or 0 for i in items)
        model.rounds = min(model.rounds, last)
        model.run()
        for item in items:
            record = next(r for r in model.record.votes if r.resolution.id == item.id)
            votes[item.id].append(record.votes)
            contributions[item.id].append(record.contributions)
    return {
        i.id: Simulated(
            votes=np.stack(votes[i.id]),
            contributions=np.mean(contributions[i.id], axis=0),
            seeds=[seed.as_dict() for seed in seeds],
        )
        for i in items
    }


def simulate_resolution(scenario: Scenario, resolution: str, replicates: int = 1) -> Simulated:
    """Run the scenario up to one resolution's first vote, ``replicates`` times."""
    return next(iter(simulate(scenario, [resolution], replicates).values()))


def scores(simulated: np.ndarray, recorded: np.ndarray) -> dict[str, float]:
    """Accuracy, accuracy with absent merged into abstain, kappa and no-class F1 of one vote."""
    merged_sim = np.where(simulated == Vote.ABSENT, Vote.ABSTAIN, simulated)
    merged_rec = np.where(recorded == Vote.ABSENT, Vote.ABSTAIN, recorded)
    out = {
        "accuracy": float(np.mean(simulated == recorded)),
        "accuracy_merged": float(np.mean(merged_sim == merged_rec)),
        "kappa": cohen_kappa(simulated, recorded),
    }
    for vote in Vote:
        out[f"{vote.word}_f1"] = f1(simulated, recorded, vote)
    return out


def f1(simulated: np.ndarray, recorded: np.ndarray, vote: Vote) -> float:
    """F1 of one vote class (NaN when neither side has it; van Rijsbergen 1979)."""
    hits = int(np.sum((simulated == vote) & (recorded == vote)))
    predicted, actual = int(np.sum(simulated == vote)), int(np.sum(recorded == vote))
    if predicted + actual == 0:
        return float("nan")
    return 2.0 * hits / (predicted + actual)


def tally(codes: np.ndarray) -> dict[str, int]:
    """Return counts of yes, abstain, no and absent."""
    return {VOTE_WORDS[v]: int(np.sum(codes == v)) for v in Vote}


def summarise(per_replicate: list[dict[str, float]]) -> dict[str, dict[str, float]]:
    """Mean and sd (ddof 1; 0 for one replicate) of every score over replicates."""
    out = {}
    for key in per_replicate[0]:
        values = np.array([r[key] for r in per_replicate], dtype=float)
        finite = values[np.isfinite(values)]
        mean = float(finite.mean()) if finite.size else float("nan")
        sd = float(finite.std(ddof=1)) if finite.size > 1 else 0.0
        out[key] = {"mean": mean, "sd": sd}
    return out


def compare(simulated: np.ndarray, recorded: np.ndarray) -> Comparison:
    """Scores of ``(replicates, n)`` simulated votes against a record, as means and sds.

    Also the confusion matrix and tallies of the modal vote, the mean simulated tally, and the
    all-majority baseline.
    """
    simulated = np.atleast_2d(simulated)
    modal = modal_votes(simulated)
    values, counts = np.unique(recorded, return_counts=True)
    majority = int(values[np.argmax(counts)])
    summary = summarise([scores(s, recorded) for s in simulated])
    tallies = [tally(s) for s in simulated]
    means = {key: value["mean"] for key, value in summary.items()}
    return Comparison(
        accuracy=means["accuracy"],
        accuracy_merged=means["accuracy_merged"],
        kappa=means["kappa"],
        absent_f1=means["absent_f1"],
        yes_f1=means["yes_f1"],
        abstain_f1=means["abstain_f1"],
        no_f1=means["no_f1"],
        sd={key: value["sd"] for key, value in summary.items()},
        baseline_accuracy=float(np.mean(recorded == majority)),
        baseline_vote=VOTE_WORDS[majority],
        confusion={
            VOTE_WORDS[r]: {
                VOTE_WORDS[s]: int(np.sum((recorded == r) & (modal == s))) for s in Vote
            }
            for r in Vote
        },
        tally={
            "simulated": {w: float(np.mean([t[w] for t in tallies])) for w in VOTE_WORDS},
            "recorded": tally(recorded),
        },
    )


def validate(
    scenario: Scenario, record_path: str | Path, resolution: str, replicates: int = 1
) -> ValidationReport:
    """Run the scenario and compare one resolution with its recorded roll call.

    Returns
    -------
    ValidationReport
        Seed-mean ``accuracy, accuracy_merged, kappa`` and per-class F1 with their ``sd``,
        ``baseline_accuracy``, the modal vote's ``confusion``, the mean simulated and the
        recorded ``tally``, ``misses`` (each with both votes, the net support and every
        channel's mean contribution), the resolution, replicates and seeds.
    """
    record = read_record(record_path, scenario, resolution)
    simulated = simulate_resolution(scenario, resolution, replicates)
    comparison = compare(simulated.votes, record.codes)
    ids = [c.id for c in scenario.countries]
    names = [c.name for c in scenario.countries]
    modal = simulated.modal
    misses = []
    for i in np.flatnonzero(modal != record.codes):
        contributions = simulated.contributions[i]
        misses.append(
            Miss(
                country=ids[i],
                name=names[i],
                recorded=VOTE_WORDS[record.codes[i]],
                simulated=VOTE_WORDS[modal[i]],
                score=float(contributions.sum()),
                contributions={
                    c: float(v) for c, v in zip(REGISTRY.names, contributions, strict=True)
                },
            )
        )
    return ValidationReport(
        **vars(comparison),
        resolution=agenda_item(scenario, resolution).id,
        record=str(record.path),
        record_resolution=record.roll_call.resolution,
        record_date=record.roll_call.date.isoformat(),
        replicates=replicates,
        seeds=simulated.seeds,
        countries=len(ids),
        misses=misses,
    )


def format_report(report: ValidationReport) -> str:
    """Human-readable validation report (scores as seed mean +/- sd)."""
    sd = report.sd
    lines = [
        f"{report.resolution} ({report.record_resolution}, {report.record_date}): "
        f"{report.countries} countries, {report.replicates} replicate(s), "
        f"record {report.record}",
        "  scores are means +/- sd over replicates",
        f"  accuracy                  {report.accuracy:.3f} +/- {sd['accuracy']:.3f}",
        f"  accuracy (absent=abstain) {report.accuracy_merged:.3f} +/- {sd['accuracy_merged']:.3f}",
        f"  Cohen's kappa             {report.kappa:.3f} +/- {sd['kappa']:.3f}",
        f"  F1 of no                  {report.no_f1:.3f} +/- {sd['no_f1']:.3f}",
        f"  baseline (all {report.baseline_vote})      {report.baseline_accuracy:.3f}",
        "",
        "  confusion of the modal vote (rows recorded, columns simulated)",
        "  " + " " * 10 + "".join(f"{w:>9}" for w in VOTE_WORDS),
    ]
    for recorded, row in report.confusion.items():
        lines.append(f"  {recorded:>10}" + "".join(f"{row[w]:>9}" for w in VOTE_WORDS))
    lines += [
        "",
        "  tally      " + "".join(f"{w:>9}" for w in VOTE_WORDS),
        "  simulated  " + "".join(f"{report.tally['simulated'][w]:>9.1f}" for w in VOTE_WORDS),
        "  recorded   " + "".join(f"{report.tally['recorded'][w]:>9}" for w in VOTE_WORDS),
        "",
        f"  misses ({len(report.misses)}): country recorded -> simulated (modal), net "
        "support, strongest channels",
    ]
    for miss in report.misses:
        top = sorted(miss.contributions.items(), key=lambda kv: -abs(kv[1]))[:3]
        channels = ", ".join(f"{name} {value:+.2f}" for name, value in top)
        lines.append(
            f"    {miss.country} {miss.recorded:>7} -> {miss.simulated:<7} "
            f"{miss.score:+.2f}  ({channels})"
        )
    return "\n".join(lines)
