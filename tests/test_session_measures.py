"""A session's agreement matrix is the project's one agreement measure."""

from __future__ import annotations

import numpy as np
import pytest

from sim.common.measures import alignment
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
