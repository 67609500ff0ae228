"""A session's agreement matrix is the project's one agreement measure; its docstrings."""

from __future__ import annotations

import inspect

import numpy as np
import pytest

from sim.common.measures import alignment
from sim.empirical import session
from sim.empirical.calibrate import Fit
from sim.empirical.session import agreement_matrix


def _by_hand(codes: np.ndarray) -> np.ndarray:
    """Voeten's agreement pair by pair: mean of 1 - |a - b| / 2 over votes both cast."""
    n = codes.shape[0]
    out = np.full((n, n), np.nan)
    for i in range(n):
        for j in range(n):
            both = (codes[i] > 0) & (codes[j] > 0)
            if both.any():
                out[i, j] = np.mean(1.0 - np.abs(codes[i, both] - codes[j, both]) / 2.0)
    return out


@pytest.mark.parametrize("seed", range(12))
def test_session_agreement_is_the_alignment_agreement(seed: int) -> None:
    rng = np.random.default_rng(seed)
    states, votes = int(rng.integers(1, 25)), int(rng.integers(0, 30))
    shares = rng.dirichlet(np.ones(4))  # code 0 (absent) included, sometimes most of them
    codes = rng.choice(4, size=(states, votes), p=shares).astype(np.int8)
    got = agreement_matrix(codes)
    # one measure, bit for bit (the session's own loop differed in the last place)
    assert np.array_equal(got, alignment(codes).agreement, equal_nan=True)
    np.testing.assert_allclose(got, _by_hand(codes.astype(float)), rtol=0, atol=1e-15)


def test_a_pair_with_no_joint_vote_has_no_agreement() -> None:
    codes = np.array([[1, 0], [0, 3], [1, 3]], dtype=np.int8)
    got = agreement_matrix(codes)
    assert np.isnan(got[0, 1]) and got[0, 2] == 1.0 and got[1, 2] == 1.0


def test_the_session_module_says_what_it_scores_and_fits() -> None:
    doc = " ".join((session.__doc__ or "").split())
    assert "Three variants" in doc
    for name, _ in session.VARIANTS:
        assert name.split()[0] in doc, name  # full, history (channels off), mechanisms (only)
    source = inspect.getsource(session)
    after = source.split("HISTORY_CHANNELS = ", 1)[1].split('"""')[1]
    assert '"history channels off" variant sets their weights' in " ".join(after.split())
    fit_doc = inspect.getdoc(session.fit_session) or ""
    for section in ("Parameters\n----------", "Returns\n-------", "Raises\n------"):
        assert section in fit_doc, section
    for parameter in inspect.signature(session.fit_session).parameters:
        assert f"\n{parameter}\n" in fit_doc, parameter


def test_a_session_fit_header_claims_only_what_the_tool_knows() -> None:
    fit = Fit(
        parameters={"commitment_weight": 1.5, "absence_habit": 3},
        score={"accuracy": 0.8, "kappa": 0.9},
        start_parameters={"commitment_weight": 1.0},
        start_score={"accuracy": 0.5, "kappa": 0.6},
        evaluations=4,
        score_names=("accuracy", "agreement r"),
    )
    text = " ".join(line[2:] for line in session.fit_header(fit, "w.yaml", 4, 2, 0))
    assert "never on the session" not in text
    assert "(its records/, mean over 2 seeds; the score below is in-sample: score" in text
    assert "accuracy 0.8000, agreement r 0.9000" in text


def test_the_agreement_correlation_worked_by_hand() -> None:
    nan = np.nan
    # four states: upper-triangle pairs (0,1) (0,2) (0,3) (1,2) (1,3) (2,3)
    a = np.array([[1, 1.0, 0.5, 0.0], [1.0, 1, nan, 0.5], [0.5, nan, 1, 1.0], [0.0, 0.5, 1.0, 1]])
    b = np.array([[1, 0.5, 0.5, 0.0], [0.5, 1, 1.0, 1.0], [0.5, 1.0, 1, 0.5], [0.0, 1.0, 0.5, 1]])
    # the pair (1,2) is undefined in a, so five pairs count: x = 1, .5, 0, .5, 1 and
    # y = .5, .5, 0, 1, .5; by hand: means .6 and .5, cov 0.05, var x 0.14, var y 0.1
    assert session.correlation(a, b) == pytest.approx(0.05 / np.sqrt(0.14 * 0.1))
    # fewer than three defined pairs, or no spread on one side: no correlation
    sparse = np.full((3, 3), nan)
    sparse[0, 1] = sparse[1, 0] = 1.0
    assert np.isnan(session.correlation(sparse, sparse))
    flat = np.ones((4, 4))
    assert np.isnan(session.correlation(flat, b))


def test_recurring_scores_are_taken_on_the_votes_persistence_forecasts(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # five states, three votes; only votes 0 and 2 recur (persistence forecasts them)
    recorded = np.array([[1, 3, 1], [1, 3, 3], [3, 1, 3], [2, 1, 1], [1, 3, 2]], dtype=np.int8)
    persisted = np.array([[1, 0, 1], [1, 0, 3], [3, 0, 3], [1, 0, 1], [0, 0, 2]], dtype=np.int8)
    run = np.array([[1, 1, 1], [3, 1, 3], [3, 1, 3], [2, 1, 3], [1, 1, 2]], dtype=np.int8)
    monkeypatch.setattr(session, "recorded_codes", lambda s, f: (recorded, ["a", "b", "c"]))
    monkeypatch.setattr(session, "persistence_codes", lambda s, f, t: persisted)
    monkeypatch.setattr(session, "simulate_session", lambda s, n: [run])
    monkeypatch.setattr(session, "VARIANTS", (("full", lambda s: s),))
    report = session.score_session(None, None, seeds=1)  # type: ignore[arg-type]
    full = report.variants[0]
    repeat = [0, 2]
    on_repeat = session.correlation(
        agreement_matrix(run[:, repeat]), agreement_matrix(recorded[:, repeat])
    )
    assert full.agreement_recurring == on_repeat
    assert full.agreement_recurring != full.agreement_correlation  # not the r over all votes
    assert report.persistence_correlation == session.correlation(
        agreement_matrix(persisted[:, repeat]), agreement_matrix(recorded[:, repeat])
    )
    # recurring cells: voted and forecast by persistence -- 9 of them; the run gets 7 right,
    # persistence 8 (state 3 abstained where it had voted yes)
    assert (report.recurring, full.accuracy_recurring) == (2, 7 / 9)
    assert report.persistence_accuracy == 8 / 9


def _fit(first: float, second: float) -> Fit:
    return Fit({"w": first}, {"accuracy": first, "kappa": second}, {}, {}, 1)


@pytest.mark.parametrize(
    ("scores", "best", "says"),
    [
        ({0: (0.8, 0.1), 1: (0.9, 0.2), 2: (0.9, 0.3)}, 2, "seed 2)"),  # the tie-breaker decides
        ({3: (0.9, 0.3), 4: (0.9, 0.3), 5: (0.1, 0.9)}, 3, "seed 3, the first of those tied)"),
    ],
)
def test_several_searches_keep_the_best_in_sample(
    scores: dict[int, tuple[float, float]], best: int, says: str
) -> None:
    fit = session.best_search(lambda k: _fit(*scores[k]), range(min(scores), max(scores) + 1))
    assert fit.searches == scores and fit.score == _fit(*scores[best]).score
    fit.score_names = ("accuracy", "agreement r")
    text = session.searched(fit, min(scores))
    assert text.startswith(f"the best in-sample of 3 searches (search seeds {min(scores)}-")
    assert text.endswith(says) and f"{scores[best][0]:.4f}/{scores[best][1]:.4f}" in text
    # one search: named by its seed, no list
    assert session.searched(session.best_search(lambda k: _fit(0.5, 0.5), range(7, 8)), 7) == (
        "search seed 7"
    )
