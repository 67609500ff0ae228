"""Write ``data/states.csv``: the 193 UN members with ISO3, ISO2, COW code, name and admission year.

The product's world builder (``alliance-sim world build``) reads this crosswalk instead of
``pycountry`` and the hand-checked COW table in ``tools/ir_ties.py``, so that an installed copy
needs neither ``tools/`` nor ``../shared``. Run from the repository root::

    python tools/world_states.py [SHARED_REFERENCE_DIR]
"""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd
import pycountry
from _shared import ALPHA2_OVERRIDES, DEFAULT_REFERENCE, REPO
from ir_ties import COW_TO_ISO3


def main() -> int:
    """Build the crosswalk from ``un_members_2022.csv``, pycountry and ``COW_TO_ISO3``."""
    reference = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_REFERENCE
    members = pd.read_csv(reference / "un_members_2022.csv")
    cow = {iso3: code for code, iso3 in COW_TO_ISO3.items()}
    rows = []
    for m in members.itertuples():
        country = pycountry.countries.get(alpha_3=m.ISO3)
        rows.append(
            {
                "iso3": m.ISO3,
                "iso2": str(country.alpha_2),
                "cow": cow[m.ISO3],
                "name": m.name_short,
                "admitted": int(m.UNmember),
            }
        )
    table = pd.DataFrame(rows).sort_values("iso3")
    extra = pd.DataFrame(
        [
            {"iso3": iso3, "iso2": a2, "cow": -1, "name": "", "admitted": -1}
            for a2, iso3 in ALPHA2_OVERRIDES.items()
        ]
        # ATOP dates a spell of the German Federal Republic (COW 260) into unified Germany.
        + [{"iso3": "DEU", "iso2": "", "cow": 260, "name": "", "admitted": -1}]
    )
    out: Path = REPO / "data" / "states.csv"
    pd.concat([table, extra]).to_csv(out, index=False, lineterminator="\n")
    print(f"wrote {out} ({len(table)} members, {len(extra)} alias codes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
