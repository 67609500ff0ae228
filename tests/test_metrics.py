"""Alignment measures against hand-computed values and scikit-learn's kappa."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.metrics import cohen_kappa_score

from sim.common.measures import alignment, blocs


def cohen_kappa(a: np.ndarray, b: np.ndarray, kappa_power: int = 2) -> float:
    """Häge's kappa of one pair, from the all-pairs computation."""
    return float(alignment(np.vstack([a, b]), kappa_power).kappa[0, 1])


Y, A, N, X = 1, 2, 3, 0  # yes, abstain, no, absent


def test_agreement_and_s_score_by_hand() -> None:
    votes = np.array([[Y, Y, N, A, X], [Y, N, N, Y, Y]])
    result = alignment(votes)
    # joint votes: 4 (the last is dropped); distances 0, 2, 0, 1 -> agreement (1+0+1+0.5)/4
    assert result.joint[0, 1] == 4
    assert result.agreement[0, 1] == pytest.approx(0.625)
    assert result.s_score[0, 1] == pytest.approx(0.25)  # 1 - 2*3/(4*2)
    assert result.agreement[0, 0] == pytest.approx(1.0)


def test_kappa_by_hand_quadratic() -> None:
    a = np.array([Y, Y, N, A])
    b = np.array([Y, N, N, Y])
    # o: (Y,Y), (Y,N), (N,N), (A,Y); weights (|a-b|/2)^2: 0, 1, 0, 0.25 -> observed 1.25/4
    # p_a = {Y: .5, A: .25, N: .25}, p_b = {Y: .5, N: .5}
    # expected = sum w p_a p_b = .5*.5*1 + .25*.5*.25 + .25*.5*.25 (A,Y),(A,N) + .25*.5*1 (N,Y)
    expected = 0.5 * 0.5 * 1 + 0.25 * 0.5 * 0.25 + 0.25 * 0.5 * 0.25 + 0.25 * 0.5 * 1
    assert cohen_kappa(a, b) == pytest.approx(1 - (1.25 / 4) / expected)


def test_kappa_is_nan_when_undefined_and_agreement_nan_without_joint_votes() -> None:
    result = alignment(np.array([[Y, Y, X], [Y, Y, X], [X, X, Y]]))
    assert np.isnan(result.kappa[0, 1])  # both always yes: expected disagreement 0
    assert result.agreement[0, 1] == 1.0
    assert np.isnan(result.agreement[0, 2])
    assert result.joint[0, 2] == 0


votes_strategy = st.lists(
    st.tuples(st.sampled_from([X, Y, A, N]), st.sampled_from([X, Y, A, N])), min_size=1, max_size=30
)


@settings(max_examples=200, deadline=None)
@given(pairs=votes_strategy)
def test_kappa_matches_scikit_learn(pairs: list[tuple[int, int]]) -> None:
    a = np.array([p[0] for p in pairs])
    b = np.array([p[1] for p in pairs])
    ours = cohen_kappa(a, b)
    both = (a > 0) & (b > 0)
    if not both.any():
        assert np.isnan(ours)
        return
    with np.errstate(invalid="ignore", divide="ignore"):
        import warnings

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            theirs = cohen_kappa_score(a[both], b[both], labels=[1, 2, 3], weights="quadratic")
    if np.isnan(theirs):
        assert np.isnan(ours)
    else:
        assert ours == pytest.approx(theirs, abs=1e-9)


def test_linear_kappa_matches_scikit_learn() -> None:
    a = np.array([Y, Y, N, A, N, Y, A])
    b = np.array([Y, N, N, Y, A, Y, A])
    assert cohen_kappa(a, b, kappa_power=1) == pytest.approx(
        cohen_kappa_score(a, b, labels=[1, 2, 3], weights="linear")
    )


def test_blocs_split_two_clear_camps() -> None:
    votes = np.array([[Y, Y, N, Y], [Y, Y, N, Y], [Y, Y, N, A], [N, N, Y, N], [N, N, Y, N]])
    labels, order = blocs(alignment(votes).agreement, threshold=0.8)
    assert labels.tolist() == [1, 1, 1, 2, 2]
    assert sorted(order.tolist()) == [0, 1, 2, 3, 4]


def test_bloc_order_puts_each_bloc_together_when_the_input_interleaves_them() -> None:
    # Camps interleaved in the input (rows 0, 2, 4 against rows 1, 3): the heatmap order must
    # bring each camp together, which the identity order does not.
    camp = [Y, Y, N, Y]
    other = [N, N, Y, N]
    votes = np.array([camp, other, [Y, Y, N, A], other, camp])
    labels, order = blocs(alignment(votes).agreement, threshold=0.8)
    assert labels[0] == labels[2] == labels[4] != labels[1] == labels[3]
    assert sorted(order.tolist()) == [0, 1, 2, 3, 4]
    grouped = labels[order].tolist()
    # each bloc's members are contiguous in the order
    runs = [grouped[0]] + [b for a, b in itertools.pairwise(grouped) if a != b]
    assert len(runs) == len(set(grouped)) == 2
    # identical rows are neighbours (optimal leaf ordering)
    position = {int(state): k for k, state in enumerate(order)}
    assert abs(position[0] - position[4]) == 1 and abs(position[1] - position[3]) == 1
