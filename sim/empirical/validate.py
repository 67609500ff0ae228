"""Hold a simulated vote against a recorded roll call (``alliance-sim validate``).

A record (:mod:`sim.empirical.records`) is a CSV with one vote per member. The scenario is
run for ``replicates`` seeds (the first is the scenario's own seed, so one replicate
reproduces ``alliance-sim run``; the others are children spawned from it); each country's
simulated vote is its modal vote over replicates.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from sim.common.measures import cohen_kappa
from sim.common.seeds import replicate_seeds
from sim.empirical.records import read_record
from sim.model.channels import REGISTRY
from sim.model.model import run_scenario
from sim.model.scenario import Scenario, ScenarioError
from sim.model.votes import VOTE_WORDS, Vote


def modal_votes(codes: np.ndarray) -> np.ndarray:
    """Most frequent vote per country over replicates ``(replicates, n)``; ties by vote code."""
    counts = np.stack([(codes == v).sum(axis=0) for v in Vote])  # (4, n) in code order
    modal: np.ndarray = np.argmax(counts, axis=0).astype(np.int8)
    return modal


@dataclass(frozen=True)
class Simulated:
    """Modal votes and mean channel contributions of one resolution over replicates."""

    votes: np.ndarray
    contributions: np.ndarray
    seeds: list[dict[str, Any]]


def simulate_resolution(scenario: Scenario, resolution: str, replicates: int = 1) -> Simulated:
    """Run the scenario up to the resolution's first vote, ``replicates`` times.

    Raises
    ------
    ScenarioError
        If the agenda has no such resolution.
    """
    item = next((r for r in scenario.agenda if r.id == resolution), None)
    if item is None:
        known = ", ".join(r.id for r in scenario.agenda)
        raise ScenarioError("--resolution", resolution, f"not on the agenda (known: {known})")
    seeds = replicate_seeds(scenario.seed, replicates)
    votes, contributions = [], []
    for seed in seeds:
        model = run_scenario(scenario, rng=seed.generator(), rounds=item.round)
        record = next(r for r in model.record.votes if r.resolution.id == resolution)
        votes.append(record.votes)
        contributions.append(record.contributions)
    return Simulated(
        votes=modal_votes(np.stack(votes)),
        contributions=np.mean(contributions, axis=0),
        seeds=[seed.as_dict() for seed in seeds],
    )


def compare(simulated: np.ndarray, recorded: np.ndarray) -> dict[str, Any]:
    """Accuracy, accuracy with absent merged into abstain, kappa, confusion, tallies, baseline."""
    merged_sim = np.where(simulated == Vote.ABSENT, Vote.ABSTAIN, simulated)
    merged_rec = np.where(recorded == Vote.ABSENT, Vote.ABSTAIN, recorded)
    values, counts = np.unique(recorded, return_counts=True)
    majority = int(values[np.argmax(counts)])
    return {
        "accuracy": float(np.mean(simulated == recorded)),
        "accuracy_merged": float(np.mean(merged_sim == merged_rec)),
        "kappa": cohen_kappa(simulated, recorded),
        "baseline_accuracy": float(np.mean(recorded == majority)),
        "baseline_vote": VOTE_WORDS[majority],
        "confusion": {
            VOTE_WORDS[r]: {
                VOTE_WORDS[s]: int(np.sum((recorded == r) & (simulated == s))) for s in Vote
            }
            for r in Vote
        },
        "tally": {
            "simulated": {VOTE_WORDS[v]: int(np.sum(simulated == v)) for v in Vote},
            "recorded": {VOTE_WORDS[v]: int(np.sum(recorded == v)) for v in Vote},
        },
    }


def validate(
    scenario: Scenario, record_path: str | Path, resolution: str, replicates: int = 1
) -> dict[str, Any]:
    """Run the scenario and compare one resolution with a recorded roll call.

    Returns
    -------
    dict
        ``accuracy, accuracy_merged, kappa, baseline_accuracy, confusion, tally, misses`` plus
        the resolution, replicates and seeds. Each miss lists the country, both votes, the
        net support and every channel's mean contribution.
    """
    record = read_record(record_path, scenario)
    simulated = simulate_resolution(scenario, resolution, replicates)
    report = compare(simulated.votes, record.codes)
    ids = [c.id for c in scenario.countries]
    names = [c.name for c in scenario.countries]
    misses = []
    for i in np.flatnonzero(simulated.votes != record.codes):
        contributions = simulated.contributions[i]
        misses.append(
            {
                "country": ids[i],
                "name": names[i],
                "recorded": VOTE_WORDS[record.codes[i]],
                "simulated": VOTE_WORDS[simulated.votes[i]],
                "score": float(contributions.sum()),
                "contributions": {
                    c: float(v) for c, v in zip(REGISTRY.names, contributions, strict=True)
                },
            }
        )
    report.update(
        {
            "resolution": resolution,
            "record": str(record.path),
            "replicates": replicates,
            "seeds": simulated.seeds,
            "countries": len(ids),
            "misses": misses,
        }
    )
    return report


def format_report(report: dict[str, Any]) -> str:
    """Human-readable validation report."""
    lines = [
        f"{report['resolution']}: {report['countries']} countries, {report['replicates']} "
        f"replicate(s), record {report['record']}",
        f"  accuracy                 {report['accuracy']:.3f}",
        f"  accuracy (absent=abstain) {report['accuracy_merged']:.3f}",
        f"  Cohen's kappa            {report['kappa']:.3f}",
        f"  baseline (all {report['baseline_vote']})     {report['baseline_accuracy']:.3f}",
        "",
        "  confusion (rows recorded, columns simulated)",
        "  " + " " * 10 + "".join(f"{w:>9}" for w in VOTE_WORDS),
    ]
    for recorded, row in report["confusion"].items():
        lines.append(f"  {recorded:>10}" + "".join(f"{row[w]:>9}" for w in VOTE_WORDS))
    lines += [
        "",
        "  tally      " + "".join(f"{w:>9}" for w in VOTE_WORDS),
        "  simulated  " + "".join(f"{report['tally']['simulated'][w]:>9}" for w in VOTE_WORDS),
        "  recorded   " + "".join(f"{report['tally']['recorded'][w]:>9}" for w in VOTE_WORDS),
        "",
        f"  misses ({len(report['misses'])}): country recorded -> simulated, net support, "
        "strongest channels",
    ]
    for miss in report["misses"]:
        top = sorted(miss["contributions"].items(), key=lambda kv: -abs(kv[1]))[:3]
        channels = ", ".join(f"{name} {value:+.2f}" for name, value in top)
        lines.append(
            f"    {miss['country']} {miss['recorded']:>7} -> {miss['simulated']:<7} "
            f"{miss['score']:+.2f}  ({channels})"
        )
    return "\n".join(lines)
