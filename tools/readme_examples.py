"""Regenerate the README's worked example: the `explain` outputs between its markers.

Each block in README.md that follows a line ``<!-- explain ID RESOLUTION: ... -->`` and ends at
``<!-- /explain -->`` is what ``alliance-sim explain DIR --country ID --resolution RESOLUTION``
prints for a default run of the bundled ``un_2022`` (its own seed), trailing blanks trimmed.
``tests/test_docs.py`` recomputes every block and fails when the README differs; this rewrites
them after a change to the model or the data.

Run from the repository root::

    python tools/readme_examples.py
"""

from __future__ import annotations

import re
import sys
import tempfile
from pathlib import Path

from sim.cli import main as cli
from sim.common.tables import load_run
from sim.output.explain import explain_votes

README = Path(__file__).resolve().parents[1] / "README.md"
BLOCK = re.compile(
    r"(?P<head><!-- explain (?P<country>\S+) (?P<resolution>\S+):[^\n]*-->\n```\n)"
    r"(?P<body>.*?)(?P<tail>\n```\n<!-- /explain -->)",
    re.DOTALL,
)


def explained(run_dir: Path, country: str, resolution: str) -> str:
    """Return what ``explain`` prints for one vote, each line's trailing blanks removed."""
    text = explain_votes(load_run(run_dir), country, resolution)
    return "\n".join(line.rstrip() for line in text.splitlines())


def blocks(readme: str) -> list[tuple[str, str, str]]:
    """Return ``(country, resolution, body)`` of every explain block in the README text."""
    return [(m["country"], m["resolution"], m["body"]) for m in BLOCK.finditer(readme)]


def default_run(out: Path) -> Path:
    """Run the bundled un_2022 as the README's example does (first voting day suffices)."""
    if cli(["run", "un_2022", "--rounds", "1", "--no-plots", "--out", str(out)]) != 0:
        raise SystemExit("the run failed")
    return out


def rewrite(readme: str, run_dir: Path) -> str:
    """Return the README text with every explain block regenerated from ``run_dir``."""
    return BLOCK.sub(
        lambda m: m["head"] + explained(run_dir, m["country"], m["resolution"]) + m["tail"],
        readme,
    )


def main() -> int:
    """Rewrite README.md's explain blocks from a fresh run."""
    with tempfile.TemporaryDirectory() as folder:
        run_dir = default_run(Path(folder) / "run")
        README.write_text(rewrite(README.read_text(encoding="utf-8"), run_dir), encoding="utf-8")
    print(README)
    return 0


if __name__ == "__main__":
    sys.exit(main())
