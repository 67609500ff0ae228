"""Regenerate the bundled ``scenarios/unga_74.yaml`` and its folder ``scenarios/unga_74/``.

The 74th session's 90 recorded roll calls (7 Nov - 27 Dec 2019) on a world dated 2019-11-07,
the day of its first roll call: history is session 73 (the 400 days before), nothing of session
74 informs it. Run from the repository root::

    python tools/bundle_unga_74.py
"""

from __future__ import annotations

import datetime as dt
import re
import sys
from pathlib import Path

from sim.empirical.world_build import build_world

REPO = Path(__file__).resolve().parents[1]


def main() -> int:
    """Build the world into scenarios/unga_74/ and move its YAML beside the folder."""
    folder = REPO / "scenarios" / "unga_74"
    built = build_world(REPO / "data", dt.date(2019, 11, 7), folder, name="unga_74", force=True)
    text = built.yaml.read_text(encoding="utf-8")
    text = re.sub(r"(record: |_file: |: )(history/|[a-z_]+\.(?:csv|yaml))", r"\1unga_74/\2", text)
    (REPO / "scenarios" / "unga_74.yaml").write_text(text, encoding="utf-8")
    built.yaml.unlink()
    print(f"wrote scenarios/unga_74.yaml and {folder}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
