"""Why a country voted as it did: the channel contributions behind its votes in a run."""

from __future__ import annotations

import pandas as pd

from sim.common.files import ResultsError
from sim.common.tables import RunResults

BAR_WIDTH = 24


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
            mark = "  <- decided" if channel == row["deciding_channel"] else ""
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
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks)
