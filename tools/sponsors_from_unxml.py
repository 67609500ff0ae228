"""Write ``data/un_sponsors.csv``: the sponsors of each GA resolution of a session, as ISO3.

Reads a local copy of ``data_extract/<session>.json`` of github.com/UNxml/GAresolutions (the UN
Department for General Assembly and Conference Management's machine-readable resolutions;
"the user must acknowledge the United Nations as the source"), e.g.::

    git --git-dir=<mirror> show e9738dd0:data_extract/74.json > /tmp/74.json
    python tools/sponsors_from_unxml.py /tmp/74.json --commit e9738dd0

Only the ``sponsors`` field is used (the states named on the draft, ``A/74/L..`` or the
committee's draft), not ``additional_sponsors`` (who joined later). A group sponsorship
("CUBA (ON BEHALF OF ... THE MOVEMENT OF NON-ALIGNED COUNTRIES)") counts as the member that
spoke for the group; a non-member (the State of Palestine for the G-77) and a committee
("SUBMITTED BY THE CHAIR OF THE COMMITTEE") give no sponsor. Sponsorship precedes the vote.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import pandas as pd
from _shared import REPO
from records_from_un_sources import un_name_to_iso3


def sponsor_codes(names: list[str]) -> list[str]:
    """Map the sponsor names to ISO3 (group speakers as themselves; non-states dropped)."""
    codes = []
    for name in names:
        speaker = name.split(" (ON BEHALF OF")[0]
        if speaker.startswith("SUBMITTED BY") or speaker == "STATE OF PALESTINE":
            continue
        code = un_name_to_iso3(speaker)
        if code not in codes:
            codes.append(code)
    return codes


def main(argv: list[str] | None = None) -> int:
    """Read the JSON lines file and write (or extend) data/un_sponsors.csv."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("extract", type=Path, help="a data_extract/<session>.json file")
    parser.add_argument("--commit", required=True, help="the UNxml/GAresolutions commit read")
    parser.add_argument("--out", type=Path, default=REPO / "data" / "un_sponsors.csv")
    args = parser.parse_args(argv)
    rows = []
    for line in args.extract.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        item = json.loads(line)
        if item.get("adoption_type", item.get("voting_type")) != "By a recorded vote":
            continue
        rows.append(
            {
                "symbol": item["symbol"],
                "adopted": item["adoption_date"][:10],
                "draft": item["originating_document"],
                "sponsors": " ".join(sponsor_codes(item["sponsors"])),
                "named": len(item["sponsors"]),
                "source": "UN DGACM machine-readable GA resolutions, github.com/UNxml/"
                f"GAresolutions data_extract/{args.extract.name} at {args.commit}, field sponsors",
            }
        )
    table = pd.DataFrame(rows)
    if args.out.exists():
        old = pd.read_csv(args.out, keep_default_na=False)
        table = pd.concat([old[~old["symbol"].isin(table["symbol"])], table])
    table = table.sort_values("symbol")
    table.to_csv(args.out, index=False, lineterminator="\n")
    print(f"wrote {args.out} ({len(table)} recorded votes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
