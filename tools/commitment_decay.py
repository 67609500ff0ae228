"""How closely states keep to their own earlier vote on the same recurring text, by the gap.

    python tools/commitment_decay.py

A prior for the commitment half-life measured on EARLIER data only (issue 20): Voeten's roll
calls of sessions 55-74 (2000-2019; /work/shared/reference/unvotes, Voeten 2013, packaged by
`unvotes`). For every pair of roll calls of the same issue code (me, nu, di, hr, co, ec) whole
years apart (1-6), a state's agreement with itself is pooled over the states present at both;
pairs of the same recurring text (same short title) are set against pairs of other texts of
the same issue (a 2 % random sample of those, seed 0). The excess agreement on the same text
is the part of consistency that a commitment to one's own record would explain; its decay with
the gap would give the half-life. Prints one line per gap.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

UNVOTES = Path("/work/shared/reference/unvotes")
CODES = {"yes": 1, "abstain": 0, "no": -1}


def main() -> None:
    """Print the agreement with oneself on the same text and on other texts, by gap."""
    calls = pd.read_parquet(UNVOTES / "un_roll_calls.parquet")
    issues = pd.read_parquet(UNVOTES / "un_roll_call_issues.parquet")
    votes = pd.read_parquet(UNVOTES / "un_votes.parquet")
    calls = calls[calls.session >= 55].copy()
    calls["date"] = pd.to_datetime(calls["date"])
    calls = calls.merge(issues[["rcid", "short_name"]], on="rcid").drop_duplicates("rcid")
    votes = votes[votes.rcid.isin(calls.rcid)]
    table = votes.assign(x=votes.vote.map(CODES)).pivot_table(
        index="rcid", columns="country_code", values="x", aggfunc="first"
    )
    matrix = table.loc[calls.rcid].to_numpy(dtype=float)
    days = calls.date.to_numpy().astype("datetime64[D]").astype(int)
    titles = calls["short"].str.strip().str.lower().to_numpy()
    code = calls.short_name.to_numpy()
    rng = np.random.default_rng(0)
    pooled: dict[tuple[bool, int], list[int]] = {}
    for i in range(len(calls)):
        for j in range(i + 1, len(calls)):
            years = round((days[j] - days[i]) / 365.25)
            if code[i] != code[j] or not 1 <= years <= 6:
                continue
            same = bool(titles[i] == titles[j])
            if not same and rng.random() > 0.02:
                continue
            a, b = matrix[i], matrix[j]
            both = ~np.isnan(a) & ~np.isnan(b)
            if both.sum() < 50:
                continue
            cell = pooled.setdefault((same, years), [0, 0])
            cell[0] += int((a[both] == b[both]).sum())
            cell[1] += int(both.sum())
    for years in range(1, 7):
        same, other = (pooled.get((s, years), [0, 1]) for s in (True, False))
        a, b = same[0] / same[1], other[0] / other[1]
        print(f"{years} y: same text {a:.3f} ({same[1]}), other texts {b:.3f}, excess {a - b:+.3f}")


if __name__ == "__main__":
    main()
