"""Score a simulated General Assembly session against its recorded roll calls.

Measures (seed means): the Pearson correlation between the simulated and the recorded matrix of
pairwise agreement over the session (states as rows; each pair's agreement over the votes both
cast, yes/abstain/no, Voeten 2013's agreement index), and per-vote accuracy over the members
that voted, beside two baselines: all-yes and persistence (each state's vote on the same
resolution, matched by title, in the history, where it recurs). Both are scored for the full
model and with the history-driven channels (commitment, prior alignment) switched off.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from sim.common.seeds import replicate_seeds
from sim.model.model import AllianceModel
from sim.model.votes import Vote
from sim.scenario.errors import ScenarioError
from sim.scenario.records import read_roll_call
from sim.scenario.schema import Scenario
from sim.scenario.world import build_world

HISTORY_CHANNELS = ("commitment", "prior_alignment")
"""The channels that read earlier votes; the mechanisms-only variant sets their weights to 0."""


@dataclass(frozen=True)
class SessionScore:
    """One variant's scores over the session (means over seeds)."""

    variant: str
    agreement_correlation: float
    accuracy: float
    accuracy_recurring: float
    seeds: int


@dataclass(frozen=True)
class SessionReport:
    """The scores of every variant and the baselines."""

    votes: int
    recurring: int
    variants: tuple[SessionScore, ...]
    all_yes_accuracy: float
    persistence_accuracy: float
    persistence_correlation: float


def agreement_matrix(codes: np.ndarray) -> np.ndarray:
    """Pairwise agreement over joint non-absent votes (states x votes in, states x states out).

    1 for the same vote, 0.5 when one abstained, 0 for yes against no; NaN where a pair
    shares no vote (Voeten 2013; the US State Department's voting coincidence).
    """
    n = codes.shape[0]
    total, joint = np.zeros((n, n)), np.zeros((n, n))
    for column in codes.T.astype(float):
        cast = column > 0
        both = cast[:, None] & cast[None, :]
        score = 1.0 - np.abs(column[:, None] - column[None, :]) / 2.0
        total += np.where(both, score, 0.0)
        joint += both
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(joint > 0, total / np.maximum(joint, 1), np.nan)


def correlation(a: np.ndarray, b: np.ndarray) -> float:
    """Pearson correlation of two agreement matrices over the pairs both define (i < j)."""
    upper = np.triu_indices(a.shape[0], k=1)
    x, y = a[upper], b[upper]
    keep = ~(np.isnan(x) | np.isnan(y))
    if keep.sum() < 3 or np.std(x[keep]) == 0 or np.std(y[keep]) == 0:
        return float("nan")
    return float(np.corrcoef(x[keep], y[keep])[0, 1])


def accuracy(simulated: np.ndarray, recorded: np.ndarray, mask: np.ndarray) -> float:
    """Share of the masked (state, vote) cells where the simulated vote is the recorded one."""
    return float(np.mean(simulated[mask] == recorded[mask])) if mask.any() else float("nan")


def read_index(folder: Path) -> list[dict[str, str]]:
    """Rows of a world's ``index.csv`` (``symbol``, ``title``, ``file``...)."""
    path = folder / "index.csv"
    try:
        with path.open(newline="", encoding="utf-8") as handle:
            return list(csv.DictReader(handle))
    except OSError as exc:
        raise ScenarioError(path, "file", f"cannot read ({exc.strerror})") from None


def recorded_codes(scenario: Scenario, folder: Path) -> tuple[np.ndarray, list[str]]:
    """Return the recorded votes of the agenda (states x items, scenario order) and their titles."""
    index = {row["symbol"]: row for row in read_index(folder / "records")}
    ids = [c.id for c in scenario.countries]
    columns, titles = [], []
    for item in scenario.agenda:
        row = index.get(item.id)
        if row is None:
            raise ScenarioError(folder / "records" / "index.csv", item.id, "no record of it")
        columns.append(read_roll_call(folder / "records" / row["file"]).codes(ids, complete=False))
        titles.append(row["title"])
    return np.stack(columns, axis=1), titles


def persistence_codes(scenario: Scenario, folder: Path, titles: list[str]) -> np.ndarray:
    """Each state's vote on the latest history roll call with the same title (0 if none)."""
    ids = [c.id for c in scenario.countries]
    latest: dict[str, str] = {}
    for row in read_index(folder / "history"):
        latest[row["title"]] = row["file"]
    out = np.zeros((len(ids), len(titles)), dtype=np.int8)
    for k, title in enumerate(titles):
        if title in latest:
            out[:, k] = read_roll_call(folder / "history" / latest[title]).codes(
                ids, complete=False
            )
    return out


def simulate_session(scenario: Scenario, seed_count: int) -> list[np.ndarray]:
    """Run the whole agenda once per seed; each run's first vote on each item (states x items)."""
    runs = []
    world = build_world(scenario)
    for seed in replicate_seeds(scenario.seed, seed_count):
        model = AllianceModel(scenario, world, rng=seed.generator())
        model.run()
        first: dict[str, np.ndarray] = {}
        for record in model.record.votes:
            first.setdefault(record.resolution.id, record.votes)
        runs.append(np.stack([first[item.id] for item in scenario.agenda], axis=1))
    return runs


def without_history(scenario: Scenario) -> Scenario:
    """Return the scenario with the history-driven channels' weights set to 0."""
    parameters = scenario.parameters.model_copy(
        update={f"{c}_weight": 0.0 for c in HISTORY_CHANNELS}
    )
    return scenario.model_copy(update={"parameters": parameters})


def score_session(scenario: Scenario, folder: Path, seeds: int = 3) -> SessionReport:
    """Score the scenario's agenda against the world folder's ``records/`` (and ``history/``).

    Raises
    ------
    ScenarioError
        If an agenda item has no record in the folder.
    """
    recorded, titles = recorded_codes(scenario, folder)
    voted = recorded != Vote.ABSENT
    persisted = persistence_codes(scenario, folder, titles)
    recurring = voted & (persisted != Vote.ABSENT)
    recorded_agreement = agreement_matrix(recorded)
    repeat = persisted.any(axis=0)
    variants = []
    for name, variant in (("full", scenario), ("mechanisms only", without_history(scenario))):
        runs = simulate_session(variant, seeds)
        variants.append(
            SessionScore(
                variant=name,
                agreement_correlation=float(
                    np.mean([correlation(agreement_matrix(r), recorded_agreement) for r in runs])
                ),
                accuracy=float(np.mean([accuracy(r, recorded, voted) for r in runs])),
                accuracy_recurring=float(np.mean([accuracy(r, recorded, recurring) for r in runs])),
                seeds=seeds,
            )
        )
    return SessionReport(
        votes=len(titles),
        recurring=int(repeat.sum()),
        variants=tuple(variants),
        all_yes_accuracy=accuracy(np.full_like(recorded, Vote.YES), recorded, voted),
        persistence_accuracy=accuracy(persisted, recorded, recurring),
        persistence_correlation=correlation(
            agreement_matrix(persisted[:, repeat]), agreement_matrix(recorded[:, repeat])
        ),
    )


def format_session(report: SessionReport) -> str:
    """Return the report as text, one line per variant and baseline."""
    lines = [
        f"{report.votes} votes, {report.recurring} recur by title in the history",
        f"{'':18}{'agreement r':>12}{'accuracy':>10}{'recurring':>10}",
    ]
    for v in report.variants:
        lines.append(
            f"{v.variant:18}{v.agreement_correlation:12.3f}{v.accuracy:10.3f}"
            f"{v.accuracy_recurring:10.3f}"
        )
    lines.append(f"{'all yes':18}{'':12}{report.all_yes_accuracy:10.3f}")
    lines.append(
        f"{'persistence':18}{report.persistence_correlation:12.3f}{'':10}"
        f"{report.persistence_accuracy:10.3f}"
    )
    return "\n".join(lines)
