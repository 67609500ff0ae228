"""Score a simulated General Assembly session against its recorded roll calls.

Measures (seed means): the Pearson correlation between the simulated and the recorded matrix of
pairwise agreement over the session (states as rows; each pair's agreement over the votes both
cast, yes/abstain/no, Voeten 2013's agreement index), and per-vote accuracy over the members
that voted, beside two baselines: all-yes and persistence (each state's vote on the same
resolution, matched by title, in the history, where it recurs). Three variants are scored
(:data:`VARIANTS`): the full model, the history-driven channels (commitment, prior alignment)
switched off, and the mechanisms only (those channels off and no recorded vote known to the
states; each item's target, chosen by the world builder from earlier no votes, stays).
:func:`fit_session` fits a few global weights to one session's records, to score another.
"""

from __future__ import annotations

import textwrap
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from sim.common.measures import alignment
from sim.common.seeds import replicate_seeds
from sim.empirical.calibrate import Fit, Objective, search
from sim.empirical.recurring import latest_by_title, title_key
from sim.model.model import AllianceModel
from sim.model.votes import Vote
from sim.model.world import World
from sim.scenario.errors import ScenarioError
from sim.scenario.record_index import index_records, read_index
from sim.scenario.records import read_roll_call, same_resolution
from sim.scenario.schema import Scenario
from sim.scenario.world import build_world

HISTORY_CHANNELS = ("commitment", "prior_alignment")
"""The channels that read earlier votes; the "history channels off" variant sets their weights
to 0 (:func:`history_channels_off`), and "mechanisms only" also drops the history."""


@dataclass(frozen=True)
class SessionScore:
    """One variant's scores over the session (means over seeds)."""

    variant: str
    agreement_correlation: float
    accuracy: float
    accuracy_recurring: float
    seeds: int
    agreement_recurring: float = float("nan")
    """The agreement r over the recurring votes only: the votes persistence's r is taken on."""
    agreement_sd: float = 0.0
    accuracy_sd: float = 0.0
    """Standard deviations over the seeds (0 for one seed)."""


@dataclass(frozen=True)
class SessionReport:
    """The scores of every variant and the baselines."""

    votes: int
    recurring: int
    variants: tuple[SessionScore, ...]
    all_yes_accuracy: float
    persistence_accuracy: float
    persistence_or_yes_accuracy: float
    """Persistence where the text recurs and yes elsewhere, over every vote: the naive
    forecast of the whole session the full model has to beat."""
    persistence_correlation: float
    """Over the recurring votes only (persistence forecasts no other), as
    :attr:`SessionScore.agreement_recurring`."""


def agreement_matrix(codes: np.ndarray) -> np.ndarray:
    """Pairwise agreement over joint non-absent votes (states x votes in, states x states out).

    1 for the same vote, 0.5 when one abstained, 0 for yes against no; NaN where a pair
    shares no vote (Voeten 2013; the US State Department's voting coincidence). The agreement
    of :func:`sim.common.measures.alignment`, which the run's outputs report.
    """
    return alignment(codes).agreement


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


def sample_sd(values: list[float]) -> float:
    """Return the seeds' sample standard deviation (n - 1), 0 for one seed."""
    return float(np.std(values, ddof=1)) if len(values) > 1 else 0.0


def recorded_codes(scenario: Scenario, folder: Path) -> tuple[np.ndarray, list[str]]:
    """Return the recorded votes of the agenda (states x items, scenario order) and their titles.

    Raises
    ------
    ScenarioError
        If an item has no record, its record names another resolution or another day than the
        item, or the scenario's history holds the record (the votes scored would be known to
        the states voting them).
    """
    index_path = folder / "records" / "index.csv"
    records = index_records(folder / "records", scenario.agenda)
    known = {record.resolution for record in scenario.history}
    ids = [c.id for c in scenario.countries]
    columns, titles = [], []
    for item in scenario.agenda:
        if item.id not in records:
            raise ScenarioError(index_path, item.id, "no record of it")
        if any(same_resolution(symbol, item.id) for symbol in known):
            raise ScenarioError(
                index_path, item.id, "is in the scenario's history: the scored votes would be known"
            )
        record, row = records[item.id]
        columns.append(record.codes(ids, complete=False))
        titles.append(row["title"])
    return np.stack(columns, axis=1), titles


def persistence_codes(scenario: Scenario, folder: Path, titles: list[str]) -> np.ndarray:
    """Each state's vote on the latest history roll call with the same title (0 if none).

    The rule (:func:`~sim.empirical.recurring.latest_by_title`) is the one a built world's
    agenda names its precedents by.
    """
    ids = [c.id for c in scenario.countries]
    latest = latest_by_title(read_index(folder / "history"))
    out = np.zeros((len(ids), len(titles)), dtype=np.int8)
    for k, title in enumerate(titles):
        row = latest.get(title_key(title))
        if row is not None:
            out[:, k] = read_roll_call(folder / "history" / row["file"]).codes(ids, complete=False)
    return out


def simulate_session(
    scenario: Scenario, seed_count: int, world: World | None = None
) -> list[np.ndarray]:
    """Run the whole agenda once per seed; each run's first vote on each item (states x items).

    ``world`` is ``build_world(scenario)`` when already built: it does not depend on the
    parameters, so the candidates of a fit share one.
    """
    runs = []
    world = build_world(scenario) if world is None else world
    for seed in replicate_seeds(scenario.seed, seed_count):
        model = AllianceModel(scenario, world, rng=seed.generator())
        model.run()
        first: dict[str, np.ndarray] = {}
        for record in model.record.votes:
            first.setdefault(record.resolution.id, record.votes)
        runs.append(np.stack([first[item.id] for item in scenario.agenda], axis=1))
    return runs


def history_channels_off(scenario: Scenario) -> Scenario:
    """Return the scenario with the history-driven channels' weights set to 0."""
    parameters = scenario.parameters.model_copy(
        update={f"{c}_weight": 0.0 for c in HISTORY_CHANNELS}
    )
    return scenario.model_copy(update={"parameters": parameters})


def without_history(scenario: Scenario) -> Scenario:
    """Return the scenario with no recorded vote known to the states: the mechanisms alone.

    The history-driven channels are off (:func:`history_channels_off`) *and* the recorded
    history and the items' precedents are dropped, because the history also seeds each state's
    first expected position in the best-response search (:func:`sim.model.rule.decide_votes`)
    and keeps habitual absentees away: with those left in, earlier votes still select the
    outcome through the tie channels.
    """
    agenda = [item.model_copy(update={"precedents": []}) for item in scenario.agenda]
    return history_channels_off(scenario).model_copy(update={"history": [], "agenda": agenda})


VARIANTS = (
    ("full", lambda s: s),
    ("history channels off", history_channels_off),
    ("mechanisms only", without_history),
)
"""The scored variants: the model as given, with commitment and prior alignment off, and with
no recorded vote known to the states (the agenda's targets, which the world builder chose by
counting earlier no votes, stay)."""


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
    recorded_repeat = agreement_matrix(recorded[:, repeat])
    variants = []
    for name, change in VARIANTS:
        variant = change(scenario)
        runs = simulate_session(variant, seeds)
        r = [correlation(agreement_matrix(run), recorded_agreement) for run in runs]
        r_repeat = [correlation(agreement_matrix(run[:, repeat]), recorded_repeat) for run in runs]
        hits = [accuracy(run, recorded, voted) for run in runs]
        variants.append(
            SessionScore(
                variant=name,
                agreement_correlation=float(np.mean(r)),
                accuracy=float(np.mean(hits)),
                accuracy_recurring=float(np.mean([accuracy(x, recorded, recurring) for x in runs])),
                seeds=seeds,
                agreement_recurring=float(np.mean(r_repeat)),
                agreement_sd=sample_sd(r),
                accuracy_sd=sample_sd(hits),
            )
        )
    return SessionReport(
        votes=len(titles),
        recurring=int(repeat.sum()),
        variants=tuple(variants),
        all_yes_accuracy=accuracy(np.full_like(recorded, Vote.YES), recorded, voted),
        persistence_accuracy=accuracy(persisted, recorded, recurring),
        persistence_or_yes_accuracy=accuracy(
            np.where(persisted != Vote.ABSENT, persisted, Vote.YES), recorded, voted
        ),
        persistence_correlation=correlation(
            agreement_matrix(persisted[:, repeat]), recorded_repeat
        ),
    )


SESSION_FIT: dict[str, tuple[float, float]] = {
    "commitment_weight": (0.0, 6.0),
    "commitment_precedent": (1.0, 10.0),
    "prior_alignment_weight": (0.0, 4.0),
    "security_weight": (0.0, 3.0),
    "organisations_weight": (0.0, 3.0),
    "regime_weight": (0.0, 3.0),
    "agenda_weight": (0.0, 4.0),
    "abstention_band": (0.05, 2.0),
}
"""Fitted on a session when no ``--fit`` is given (eight,
:data:`~sim.empirical.calibrate.MAX_FITTED`): the weights of the channels the built worlds have
data for, how much more a vote on the same text binds than one on another text of the issue,
the agenda intercept and the band. Trade (COW trade ends in 2014), domestic and quid pro quo
stay 0; own and shared adversaries keep their defaults and neutrality its 0 (fitted before the
agenda intercept and the precedent factor existed, neutrality stayed at 0). Commitment's bound
is wider than the registry's 3: a state's own vote on the same text may deserve more than one
unit of pull."""


ABSENCE_HABITS = (0, 1, 2, 3, 5, 10, 20)
"""The habitual-absence streaks a session fit chooses from (an integer, so chosen on this grid
before the weights are searched, as :mod:`sim.empirical.crossval` chooses it for a record)."""

MECHANISMS_FIT: dict[str, tuple[float, float]] = {
    "security_weight": (0.0, 3.0),
    "organisations_weight": (0.0, 3.0),
    "regime_weight": (0.0, 3.0),
    "agenda_weight": (0.0, 4.0),
    "shared_adversaries_weight": (0.0, 2.0),
    "own_adversaries_weight": (0.0, 2.0),
    "abstention_band": (0.05, 2.0),
    "neutrality": (0.0, 5.0),
}
"""Fitted by ``world fit --mechanisms`` (eight): every channel a built world has data for that
does not read an earlier vote, the agenda intercept, the band and neutrality."""


def session_objective(
    scenario: Scenario, folder: Path, replicates: int, first: str = "accuracy"
) -> Objective:
    """Return the objective of a session fit: mean accuracy and agreement r over ``replicates``.

    Every candidate simulates the whole agenda with the same seeds (common random numbers) and
    none of the session's records known -- as the session is scored -- so a fitted weight is
    judged on the forecast it will be used for. ``first`` ("accuracy" or "agreement") names
    the score compared first, the other breaking ties (the order
    :func:`~sim.empirical.calibrate.search` compares; :data:`OBJECTIVES`).
    """
    recorded, _ = recorded_codes(scenario, folder)
    voted = recorded != Vote.ABSENT
    target = agreement_matrix(recorded)
    world = build_world(scenario)

    def objective(candidate: Scenario) -> tuple[float, float]:
        runs = simulate_session(candidate, replicates, world)
        r = [correlation(agreement_matrix(run), target) for run in runs]
        scores = (
            float(np.mean([accuracy(run, recorded, voted) for run in runs])),
            float(np.mean(np.nan_to_num(r, nan=-1.0))),
        )
        return scores if first == "accuracy" else (scores[1], scores[0])

    return objective


OBJECTIVES = {"accuracy": ("accuracy", "agreement r"), "agreement": ("agreement r", "accuracy")}
"""What a session fit maximises first, then second: accuracy (a forecast of each vote), or the
agreement r (the structure of who votes with whom, which the mechanisms are asked to carry)."""


def sessions_objective(
    worlds: Sequence[tuple[Scenario, Path]], replicates: int, first: str, mechanisms: bool
) -> tuple[Scenario, Objective]:
    """Return the first world's scenario (as fitted) and the mean objective over the worlds.

    Each world is a built world's scenario and folder, scored by :func:`session_objective`
    (without history if ``mechanisms``); a candidate's parameters are tried in every world and
    the scores averaged, so the weights fitted are those that do best over several sessions
    (more records pin them down better than one session's; one world gives the single-session
    objective exactly).
    """
    bases = [(without_history(s) if mechanisms else s, f) for s, f in worlds]
    objectives = [session_objective(b, f, replicates, first) for b, f in bases]

    def objective(candidate: Scenario) -> tuple[float, float]:
        update = {"parameters": candidate.parameters}
        scores = [
            o(b.model_copy(update=update)) for o, (b, _) in zip(objectives, bases, strict=True)
        ]
        return (
            float(np.mean([score[0] for score in scores])),
            float(np.mean([score[1] for score in scores])),
        )

    return bases[0][0], objective


def fit_bounds(
    bounds: dict[str, tuple[float, float]] | None, mechanisms: bool
) -> dict[str, tuple[float, float]]:
    """Return a session fit's bounds, the given ones or the default's.

    The defaults are :data:`SESSION_FIT` and, with ``mechanisms``, :data:`MECHANISMS_FIT`; a
    history channel's weight is refused when the mechanisms are fitted alone.

    Raises
    ------
    ScenarioError
        Naming ``--fit`` and the weight, which ``--mechanisms`` keeps at 0.
    """
    if bounds is None:
        return dict(MECHANISMS_FIT if mechanisms else SESSION_FIT)
    for channel in HISTORY_CHANNELS if mechanisms else ():
        if f"{channel}_weight" in bounds:
            raise ScenarioError(
                "--fit", f"{channel}_weight", "--mechanisms keeps the history channels at 0"
            )
    return bounds


def with_habit(scenario: Scenario, streak: int) -> Scenario:
    """Return the scenario with ``absence_habit`` set to ``streak``."""
    update = {"absence_habit": streak}
    return scenario.model_copy(update={"parameters": scenario.parameters.model_copy(update=update)})


def best_habit(base: Scenario, objective: Objective) -> int:
    """Return the streak of :data:`ABSENCE_HABITS` that scores best at the search's start.

    The thin last votes of a session would otherwise keep states away from the next.
    """
    scores = {streak: objective(with_habit(base, streak)) for streak in ABSENCE_HABITS}
    return max(ABSENCE_HABITS, key=lambda streak: scores[streak])


def best_search(run: Callable[[int], Fit], seeds: range) -> Fit:
    """Return the fit with the best in-sample score of one search per seed.

    Multi-start local search (Martí, Resende & Ribeiro 2013): a compass search stops at a local
    optimum, and the session fits have many, so several are run and the one that fits the
    sessions fitted on best is kept; the choice reads nothing else. With more than one seed,
    ``Fit.searches`` keeps each one's score.
    """
    fits = {k: run(k) for k in seeds}
    scores = {k: (f.score["accuracy"], f.score["kappa"]) for k, f in fits.items()}
    fit = fits[max(scores, key=scores.__getitem__)]  # the first seed of a tie
    if len(fits) > 1:
        fit.searches = scores
    return fit


def fit_session(
    scenario: Scenario,
    folder: Path,
    bounds: dict[str, tuple[float, float]] | None = None,
    *,
    budget: int = 120,
    replicates: int = 2,
    seed: int = 0,
    progress: Callable[[int], None] | None = None,
    first: str = "accuracy",
    mechanisms: bool = False,
    also: Sequence[tuple[Scenario, Path]] = (),
    starts: int = 1,
) -> Fit:
    """Fit a few global weights to a whole session's records (``alliance-sim world fit``).

    First the habitual-absence streak is chosen (:func:`best_habit`), then the search of
    :mod:`sim.empirical.calibrate` (Latin hypercube, McKay, Beckman & Conover 1979, then compass
    search, Kolda, Lewis & Torczon 2003) fits ``bounds``, maximising :func:`session_objective`.
    The score is in-sample: fit on one session and score another (Tashman 2000).

    Parameters
    ----------
    scenario
        A built world's scenario; its parameters are the start of the search.
    folder
        The world's folder, with the ``records/`` of the session fitted on.
    bounds
        Parameters to fit and their bounds, inside the schema's (default: :func:`fit_bounds`).
    budget
        Model evaluations of the search (after the :data:`ABSENCE_HABITS` are tried).
    replicates
        Seeds per evaluation, the same for every candidate (common random numbers).
    seed
        Seed of the (first) search, not of the model.
    progress
        Called with the number of evaluations done, after each one.
    first
        The score maximised first (:data:`OBJECTIVES`).
    mechanisms
        Fit the mechanisms alone (:func:`without_history`; no absence habit); the fitted
        parameters then include the history channels' weights at 0.
    also
        More sessions fitted at once (scenario, folder): the mean (:func:`sessions_objective`).
    starts
        Searches run, from search seeds ``seed`` on; the best in-sample is kept
        (:func:`best_search`).

    Returns
    -------
    Fit
        The fitted parameters and their score and the start's, named (``Fit.named``).

    Raises
    ------
    ScenarioError
        If a record of the session is missing or bad, or a bound is outside the schema.
    """
    worlds = [(scenario, folder), *also]
    base, objective = sessions_objective(worlds, replicates, first, mechanisms)
    bounds = fit_bounds(bounds, mechanisms)
    habit = int(getattr(base.parameters, "absence_habit", 0))
    chosen = habit if mechanisms else best_habit(base, objective)
    fit = best_search(
        lambda k: search(
            with_habit(base, chosen),
            objective,
            bounds,
            budget=budget,
            seed=k,
            progress=progress,
            score_names=OBJECTIVES[first],
        ),
        range(seed, seed + starts),
    )
    extra: dict[str, float] = (
        {f"{c}_weight": 0.0 for c in HISTORY_CHANNELS} if mechanisms else {"absence_habit": chosen}
    )
    fit.parameters = {**fit.parameters, **extra}
    return fit


def fit_header(
    fit: Fit,
    scenario: str,
    budget: int,
    replicates: int,
    seed: int,
    *,
    first: str = "accuracy",
    mechanisms: bool = False,
    also: Sequence[str] = (),
) -> list[str]:
    """Return the comment lines of a session fit's parameters file: what was fitted on what.

    ``also`` names the other sessions fitted at once (the score is then their mean).
    """
    fixed = {"absence_habit", *(f"{c}_weight" for c in HISTORY_CHANNELS)} if mechanisms else set()
    weights = ", ".join(n for n in fit.parameters if n not in fixed | {"absence_habit"})
    score, start = fit.named(), fit.named(start=True)
    what = (
        "the mechanisms alone (commitment and prior alignment at 0, no recorded vote known to "
        "the states), "
        if mechanisms
        else f"absence_habit chosen from {', '.join(map(str, ABSENCE_HABITS))}, then "
    )
    text = (
        f"Fitted by `alliance-sim world fit` on the session of {scenario}"
        + "".join(f" and that of {name}" for name in also)
        + f" (its records/, mean "
        f"over {replicates} seeds; the score below is in-sample: score the weights on another "
        f"session): {what}{weights} by Latin hypercube + compass search, maximising "
        f"{OBJECTIVES[first][0]} first, budget {budget}, {searched(fit, seed)}. Score there: "
        f"accuracy {score['accuracy']:.4f}, agreement r {score['agreement r']:.4f} (start: "
        f"accuracy {start['accuracy']:.4f}, r {start['agreement r']:.4f}). The other "
        "parameters keep their values in the scenario fitted on (below; in a freshly built "
        "world the model's defaults, with trade_weight 0 as COW trade ends in 2014 and "
        "domestic_weight and quid_pro_quo_weight 0 as no poll or favour is sourced; "
        "SOURCES.md)."
    )
    return [f"# {line}" for line in textwrap.wrap(text, 94, break_on_hyphens=False)]


def searched(fit: Fit, seed: int) -> str:
    """Say which search made the fit: its seed, or the best in-sample of several."""
    if not fit.searches:
        return f"search seed {seed}"
    first, second = fit.score_names
    tried = ", ".join(f"{a:.4f}/{b:.4f}" for a, b in fit.searches.values())
    best = max(fit.searches, key=lambda k: fit.searches[k])
    tie = sum(score == fit.searches[best] for score in fit.searches.values()) > 1
    return (
        f"the best in-sample of {len(fit.searches)} searches (search seeds "
        f"{min(fit.searches)}-{max(fit.searches)}, {first}/{second} {tried}: seed {best}"
        + (", the first of those tied" if tie else "")
        + ")"
    )


def format_session(report: SessionReport) -> str:
    """Return the report as text, one line per variant and baseline, in aligned columns."""
    score = 18  # "0.930 ± 0.000", right-aligned; a baseline's one value under the mean
    lines = [
        f"{report.votes} votes, {report.recurring} recur by title in the history",
        f"{'':22}{'agreement r':>{score}}{'accuracy':>{score}}{'recurring: r':>14}{'accuracy':>10}",
    ]
    for v in report.variants:
        lines.append(
            f"{v.variant:22}{f'{v.agreement_correlation:.3f} ± {v.agreement_sd:.3f}':>{score}}"
            f"{f'{v.accuracy:.3f} ± {v.accuracy_sd:.3f}':>{score}}"
            f"{v.agreement_recurring:14.3f}{v.accuracy_recurring:10.3f}"
        )
    blank = f"{'':{score}}"
    lines.append(f"{'all yes':22}{blank}{report.all_yes_accuracy:{score - 8}.3f}")
    lines.append(
        f"{'persistence':22}{blank}{blank}{report.persistence_correlation:14.3f}"
        f"{report.persistence_accuracy:10.3f}"
    )
    lines.append(
        f"{'persistence, else yes':22}{blank}{report.persistence_or_yes_accuracy:{score - 8}.3f}"
    )
    lines.append(
        f"(means ± sd over {report.variants[0].seeds} seeds; recurring: the "
        f"{report.recurring} votes whose text was voted on before, the only ones persistence "
        "forecasts)"
    )
    return "\n".join(lines)
