"""Prior UN General Assembly voting alignment of every member with Russia, the US and China.

Reads Voeten's roll-call data (as packaged by the R package ``unvotes`` 0.3.0, converted to
Parquet under ``shared/reference/unvotes``) and writes, for each of the 193 UN members of 2022,
its agreement, S-score and Cohen's kappa with RUS, USA and CHN, pooled over the General Assembly
sessions 70-74 (2015-2019, the last five sessions in the data).

Coding (see ``shared/reference/DOMAIN.md``): yes = 1, abstain = 2, no = 3. A member with no row on
a roll call was absent or not voting; it is missing and dropped pair-wise, never counted as a vote.

Run from the repository root::

    python tools/prior_alignment.py

The output is deterministic: rows sorted by ISO3, floats written with four decimals, missing
values written as empty cells.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pandas as pd
from _shared import DERIVED, alpha2_to_iso3, member_codes, reference_parser, write_csv

DEFAULT_OUT = DERIVED / "prior_alignment.csv"

POLES = {"rus": "RUS", "usa": "USA", "chn": "CHN"}
VOTE_CODES = {"yes": 1.0, "abstain": 2.0, "no": 3.0}
SANITY = ["RUS", "BLR", "SYR", "PRK", "CHN", "IND", "ERI", "ZAF", "BRA", "GBR", "CAN", "USA"]

SOURCE = (
    "Voeten (2013) 'Data and Analyses of Voting in the UN General Assembly' (Routledge Handbook "
    "of International Organization; data Harvard Dataverse hdl:1902.1/12379) as packaged by "
    "R package unvotes 0.3.0 (Robinson 2021); UNGA sessions {first}-{last} ({n} roll calls "
    "{start} to {end}), all recorded plenary roll calls; absent = missing; "
    "computed by tools/prior_alignment.py"
)


def load_vote_matrix(
    reference: Path, first_session: int, last_session: int
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Build the member x roll-call matrix of coded votes for a range of sessions.

    Parameters
    ----------
    reference : Path
        The ``shared/reference`` folder; reads ``unvotes/un_votes.parquet`` and
        ``unvotes/un_roll_calls.parquet``.
    first_session, last_session : int
        Inclusive range of General Assembly sessions.

    Returns
    -------
    votes : pandas.DataFrame
        Index ISO3, columns rcid, values 1/2/3 or NaN (absent, not a member).
    roll_calls : pandas.DataFrame
        The roll calls used, sorted by rcid.
    """
    un_dir = reference / "unvotes"
    roll_calls = pd.read_parquet(un_dir / "un_roll_calls.parquet")
    roll_calls = roll_calls[roll_calls["session"].between(first_session, last_session)]
    roll_calls = roll_calls.sort_values("rcid").reset_index(drop=True)
    votes = pd.read_parquet(un_dir / "un_votes.parquet")
    votes = votes[votes["rcid"].isin(roll_calls["rcid"])].copy()
    codes = votes["country_code"].drop_duplicates()
    mapping = {c: alpha2_to_iso3(c) for c in codes}
    unknown = sorted(c for c, iso in mapping.items() if iso is None)
    if unknown:
        raise ValueError(f"alpha-2 codes without ISO3: {unknown}")
    votes["iso3"] = votes["country_code"].map(mapping)
    votes["code"] = votes["vote"].astype(str).map(VOTE_CODES)
    if votes["code"].isna().any():
        raise ValueError("unexpected vote values: " + str(votes["vote"].unique()))
    if votes.duplicated(["rcid", "iso3"]).any():
        raise ValueError("more than one vote for a member on a roll call")
    matrix = votes.pivot(index="iso3", columns="rcid", values="code")
    matrix = matrix.reindex(columns=sorted(roll_calls["rcid"].astype(float)))
    return matrix, roll_calls


def agreement(x: np.ndarray, y: np.ndarray) -> tuple[float, int]:
    """Mean agreement ``1 - |x - y| / 2`` over the votes both states cast.

    Parameters
    ----------
    x, y : numpy.ndarray
        Coded votes (1, 2, 3 or NaN) over the same roll calls.

    Returns
    -------
    tuple of (float, int)
        Agreement in [0, 1] (NaN without joint votes) and the number of joint votes.
    """
    joint = ~np.isnan(x) & ~np.isnan(y)
    n = int(joint.sum())
    if n == 0:
        return float("nan"), 0
    return float(np.mean(1.0 - np.abs(x[joint] - y[joint]) / 2.0)), n


def kappa(x: np.ndarray, y: np.ndarray, power: int = 2) -> float:
    """Cohen's kappa for votes (Häge 2011) over the votes both states cast.

    ``kappa = 1 - sum_ab d_ab o_ab / sum_ab d_ab p_x(a) p_y(b)`` with ``o_ab`` the observed joint
    shares, ``p_x`` and ``p_y`` each state's own vote shares over the joint votes and
    ``d_ab = (|a - b| / 2) ** power``.

    Parameters
    ----------
    x, y : numpy.ndarray
        Coded votes (1, 2, 3 or NaN) over the same roll calls.
    power : int, default 2
        2 for quadratic distance weights (the common default), 1 for linear.

    Returns
    -------
    float
        Kappa, or NaN without joint votes or when the expected disagreement is zero.
    """
    joint = ~np.isnan(x) & ~np.isnan(y)
    if not joint.any():
        return float("nan")
    a = x[joint].astype(int) - 1
    b = y[joint].astype(int) - 1
    observed = np.zeros((3, 3))
    np.add.at(observed, (a, b), 1.0)
    observed /= observed.sum()
    levels = np.arange(3)
    dist = (np.abs(levels[:, None] - levels[None, :]) / 2.0) ** power
    expected = np.outer(observed.sum(axis=1), observed.sum(axis=0))
    denominator = float((dist * expected).sum())
    if denominator == 0.0:
        return float("nan")
    return 1.0 - float((dist * observed).sum()) / denominator


def compute(reference: Path, first_session: int, last_session: int) -> pd.DataFrame:
    """Compute the alignment table for the 193 members.

    Parameters
    ----------
    reference : Path
        The ``shared/reference`` folder (member list and ``unvotes/``).
    first_session, last_session : int
        First and last General Assembly session pooled.

    Returns
    -------
    pandas.DataFrame
        One row per member, sorted by ISO3.
    """
    members = member_codes(reference)
    if len(members) != 193:
        raise ValueError(f"expected 193 members, found {len(members)}")
    matrix, roll_calls = load_vote_matrix(reference, first_session, last_session)
    extra = sorted(set(matrix.index) - set(members))
    if extra:
        raise ValueError(f"voters that are not 2022 members: {extra}")
    matrix = matrix.reindex(members)
    dates = pd.to_datetime(roll_calls["date"])
    start, end = dates.min().date().isoformat(), dates.max().date().isoformat()
    source = SOURCE.format(
        first=first_session, last=last_session, n=len(roll_calls), start=start, end=end
    )
    rows = []
    for iso3 in members:
        x = matrix.loc[iso3].to_numpy(dtype=float)
        row: dict[str, object] = {"iso3": iso3}
        for key, pole in POLES.items():
            y = matrix.loc[pole].to_numpy(dtype=float)
            agree, n = agreement(x, y)
            row[f"agree_{key}"] = agree
            row[f"s_{key}"] = 2.0 * agree - 1.0
            row[f"kappa_{key}"] = kappa(x, y)
            row[f"joint_{key}"] = n
        row["votes_cast"] = int((~np.isnan(x)).sum())
        row["roll_calls"] = len(roll_calls)
        rows.append(row)
    table = pd.DataFrame(rows)
    table["rus_minus_usa"] = table["agree_rus"] - table["agree_usa"]
    table["chn_minus_usa"] = table["agree_chn"] - table["agree_usa"]
    table["sessions"] = f"{first_session}-{last_session}"
    table["first_date"] = start
    table["date"] = end
    table["source"] = source
    order = (
        ["iso3"]
        + [f"{m}_{k}" for m in ("agree", "s", "kappa") for k in POLES]
        + ["rus_minus_usa", "chn_minus_usa"]
        + [f"joint_{k}" for k in POLES]
        + ["votes_cast", "roll_calls", "sessions", "first_date", "date", "source"]
    )
    return table[order].sort_values("iso3").reset_index(drop=True)


def print_sanity(table: pd.DataFrame) -> None:
    """Print the alignment of a few states whose position is well known.

    Parameters
    ----------
    table : pandas.DataFrame
        The output of :func:`compute`.
    """
    cols = ["agree_rus", "agree_usa", "agree_chn", "kappa_rus", "kappa_usa", "rus_minus_usa"]
    view = table.set_index("iso3").loc[SANITY, [*cols, "joint_rus", "joint_usa"]]
    print(view.to_string(float_format=lambda v: f"{v:.4f}"))
    rank = table.sort_values("rus_minus_usa", ascending=False)["iso3"].tolist()
    print("closest to RUS (rus_minus_usa):", " ".join(rank[:12]))
    print("closest to USA (rus_minus_usa):", " ".join(rank[-12:][::-1]))
    missing = table.loc[table["votes_cast"] == 0, "iso3"].tolist()
    print("members without any vote in the window:", missing or "none")


def alignment_ties(table: pd.DataFrame) -> pd.DataFrame:
    """Signed tie table of prior alignment: each state's kappa with RUS, USA and CHN.

    One row ``country, partner, weight, date, source`` per state and pole (a state's tie to
    itself left out; kappa in [-1, 1], negative where the two voted apart more than chance),
    for the signed ``alignment`` tie table of a scenario: the prior-alignment channel sums a
    state's kappas with a resolution's parties, signed by what each party wants (Haege 2011's
    kappa; Voeten 2000).
    """
    rows = []
    for _, state in table.iterrows():
        for pole in ("RUS", "USA", "CHN"):
            value = float(state[f"kappa_{pole.lower()}"])
            if state["iso3"] != pole and np.isfinite(value):
                rows.append(
                    {
                        "country": state["iso3"],
                        "partner": pole,
                        "weight": round(value, 4),
                        "date": state["date"],
                        "source": f"Cohen's kappa (quadratic, Haege 2011) with {pole} over UNGA "
                        f"sessions {state['sessions']}, {state['roll_calls']} roll calls to "
                        f"{state['date']}; Voeten (2013), Harvard Dataverse hdl:1902.1/12379, "
                        "via unvotes 0.3.0; tools/prior_alignment.py",
                    }
                )
    return pd.DataFrame(rows)


def main(argv: list[str] | None = None) -> int:
    """Parse arguments, compute the table and write it.

    Parameters
    ----------
    argv : list of str, optional
        ``--reference``, ``--out``, the session range and ``--quiet`` (default:
        ``sys.argv[1:]``).

    Returns
    -------
    int
        0; invalid input raises instead.
    """
    parser = reference_parser(__doc__ or "", "--out", DEFAULT_OUT)
    parser.add_argument("--first-session", type=int, default=70)
    parser.add_argument("--last-session", type=int, default=74)
    parser.add_argument("--quiet", action="store_true", help="do not print the sanity check")
    parser.add_argument(
        "--ties",
        type=Path,
        default=DEFAULT_OUT.parent.parent / "alignment.csv",
        help="where to write the alignment tie table (default: scenarios/un_2022/alignment.csv)",
    )
    args = parser.parse_args(argv)
    table = compute(args.reference, args.first_session, args.last_session)
    write_csv(table, args.out)
    write_csv(alignment_ties(table), args.ties)
    if not args.quiet:
        print_sanity(table)
    return 0


if __name__ == "__main__":
    sys.exit(main())
