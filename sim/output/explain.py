"""Why a country voted as it did: the channel contributions behind its votes in a run.

Beside each simulated vote ``explain`` prints the recorded one where the run holds it
(``recorded.parquet``). The channel the run names for a vote (``deciding_channel``) is called
"decided" only when it pushes toward the vote cast; for an abstention it is what held the
state inside the band (without it the vote would leave it), and the line says which way. When
the state owes favours to a state that is no party to the resolution, a note says that quid
pro quo counts none of that debt (only debts to the target and the sponsors count).
"""

from __future__ import annotations

import pandas as pd

from sim.common.files import ResultsError
from sim.common.tables import RunResults

BAR_WIDTH = 24
SIDE = {"yes": 1, "no": -1}
"""The direction a vote takes on the score (yes above the band, no below)."""
DEBTS_SHOWN = 3


def _bar(value: float, scale: float) -> str:
    """Draw a text bar centred on zero: left of ``|`` pulls toward no, right toward yes."""
    cells = round(min(abs(value) / scale, 1.0) * BAR_WIDTH // 2) if scale > 0 else 0
    half = BAR_WIDTH // 2
    if value < 0:
        return " " * (half - cells) + "#" * cells + "|" + " " * half
    return " " * half + "|" + "#" * cells + " " * (half - cells)


def explain_votes(
    results: RunResults,
    country: str,
    resolution: str | None = None,
    round_number: int | None = None,
) -> str:
    """Describe each selected vote of ``country``: contributions, score, band, vote, decider.

    Raises
    ------
    ResultsError
        If the country or resolution does not occur in the run.
    """
    table: pd.DataFrame = results["contributions"]
    rows = table[table["country"] == country]
    if rows.empty:  # ids are matched case-insensitively when the exact id is not found
        same = [c for c in table["country"].unique() if str(c).casefold() == country.casefold()]
        if len(same) == 1:
            country = str(same[0])
            rows = table[table["country"] == country]
    if rows.empty:
        known = ", ".join(sorted(table["country"].unique())[:12])
        raise ResultsError(f"{results.path}: no votes of country {country[:40]!r} (e.g. {known})")
    if resolution is not None:
        rows = rows[rows["resolution"] == resolution]
        if rows.empty:
            known = ", ".join(sorted(table["resolution"].unique()))
            raise ResultsError(f"{results.path}: no resolution {resolution!r} (known: {known})")
    if round_number is not None:
        rows = rows[rows["round"] == round_number]
        if rows.empty:
            raise ResultsError(f"{results.path}: no vote of {country} in round {round_number}")
    channels = list(results.manifest.channels)
    base_band = float(results.manifest.parameters["abstention_band"])
    names = results["countries"].set_index("country")["name"]
    tallies = results["tallies"].set_index(["round", "resolution"])
    blocks = []
    for _, row in rows.iterrows():
        title = tallies.loc[(row["round"], row["resolution"]), "title"]
        band = float(row["band"])
        scale = max(float(max(abs(row[c]) for c in channels)), band, 1e-9)
        lines = [
            f"{names.get(country, country)} ({country}) on {row['resolution']} "
            f"(round {row['round']}): {title}",
            f"  {'channel':<20}{'contribution':>13}   {'no <- | -> yes':^{BAR_WIDTH + 1}}",
        ]
        ordered = sorted(channels, key=lambda c: -abs(float(row[c])))
        for channel in ordered:
            mark = _mark(row, channel) if channel == row["deciding_channel"] else ""
            lines.append(
                f"  {channel:<20}{row[channel]:>+13.3f}   {_bar(float(row[channel]), scale)}{mark}"
            )
        lines.append(f"  {'net support':<20}{row['score']:>+13.3f}")
        how = (
            "fixed by the scenario (party to the resolution, override or arrears)"
            if row["fixed"]
            else f"yes above {band:+.3f}, no below {-band:+.3f}, abstain between"
        )
        if not row["fixed"] and band > base_band + 1e-12:
            how += (
                f"; the band is {base_band:.3f} widened by {band - base_band:.3f} "
                "for cross-pressure (neutrality)"
            )
        lines.append(f"  vote: {row['vote'].upper()} ({how})")
        lines += _recorded_line(results, row)
        lines += _ignored_debts(results, row)
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks)


def _vote_without(row: pd.Series, channel: str) -> str:
    """Return the vote the score would give without ``channel`` (same band)."""
    score = float(row["score"]) - float(row[channel])
    band = float(row["band"])
    return "yes" if score > band else "no" if score < -band else "abstain"


def _mark(row: pd.Series, channel: str) -> str:
    """Return what to write beside the channel the run names for this vote.

    "decided" only for a channel pushing toward the vote cast; for an abstention, "held it in
    the band" and the vote it would have cast without that channel.
    """
    vote = str(row["vote"])
    if row["fixed"] or vote == "absent":
        return ""
    contribution = float(row[channel])
    if vote in SIDE:
        return "  <- decided" if contribution * SIDE[vote] > 0 else ""
    without = _vote_without(row, channel)
    if without == "abstain":
        lean = "YES" if float(row["score"]) > 0 else "NO"
        return f"  <- held it in the band (strongest pull against its lean to {lean})"
    return f"  <- held it in the band (without it: {without.upper()})"


def _recorded_line(results: RunResults, row: pd.Series) -> list[str]:
    """Return ``recorded: ...`` when the run holds the recorded vote of this resolution."""
    recorded = results.tables.get("recorded")
    if recorded is None or recorded.empty:
        return []
    match = recorded[
        (recorded["resolution"] == row["resolution"]) & (recorded["country"] == row["country"])
    ]
    if match.empty:
        return []
    vote = str(match["vote"].iloc[0])
    verdict = "the same" if vote == row["vote"] else f"simulated {str(row['vote']).upper()}: a miss"
    return [f"  recorded: {vote.upper()} ({verdict})"]


def _ignored_debts(results: RunResults, row: pd.Series) -> list[str]:
    """Return a note on favours owed to states that are no party to the resolution.

    The quid-pro-quo channel sums the debts to the resolution's parties only (target and
    sponsors), so a debt to a patron that neither sponsors nor is targeted counts nothing.
    The ledger shown is the one at the start of the vote's round.
    """
    parties = results.tables.get("parties")
    if parties is None or row["fixed"]:
        return []
    favours = results["favours"]
    owed = favours[
        (favours["round"] == int(row["round"]) - 1)
        & (favours["debtor"] == row["country"])
        & (favours["balance"] > 0)
    ]
    of_vote = parties[parties["resolution"] == row["resolution"]]
    party_ids = set(of_vote["country"])
    ignored = owed[~owed["creditor"].isin(party_ids)].sort_values(
        ["balance", "creditor"], ascending=[False, True], kind="stable"
    )
    if ignored.empty:
        return []
    top = ignored.head(DEBTS_SHOWN)
    shown = ", ".join(
        f"{c} ({b:.2f})" for c, b in zip(top["creditor"], top["balance"], strict=True)
    )
    if len(ignored) > DEBTS_SHOWN:
        shown += f" and {len(ignored) - DEBTS_SHOWN} more"
    who = "; ".join(
        f"{label} {', '.join(sorted(of_vote.loc[of_vote['role'] == role, 'country']))}"
        for role, label in (("target", "target"), ("sponsor", "sponsors"))
        if (of_vote["role"] == role).any()
    )
    return [
        f"  note: owes favours to {shown}, none of them a party to {row['resolution']} "
        f"({who or 'it has no parties'}); quid pro quo counts only debts to the target and "
        "sponsors, so these count nothing here"
    ]
