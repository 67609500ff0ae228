"""Regenerate the bundled ``scenarios/unga_74.yaml`` and its folder ``scenarios/unga_74/``.

The 74th session's 90 recorded roll calls (7 Nov - 27 Dec 2019) on a world dated 2019-11-07,
the day of its first roll call: history is session 73 (the 400 days before), nothing of session
74 informs it. Its weights are fitted on the session before: the world of 2018-10-16 (the 73rd
session's first roll call; history session 72) is built in a temporary folder and
``alliance-sim world fit`` is run twice on its 95 roll calls (:data:`FITS`: the model's weights
into ``parameters.yaml``; the mechanisms' own, with session 72's world fitted at once, into
``parameters_mechanisms.yaml``; several minutes on 2 cores), so no weight sees a vote of
session 74. Run from the repository root::

    python tools/bundle_unga_74.py
"""

from __future__ import annotations

import datetime as dt
import re
import sys
import tempfile
from pathlib import Path

from sim.common.files import atomic_write, publish_dir
from sim.empirical.session import fit_header, fit_session
from sim.empirical.world_build import build_world, parameters_yaml
from sim.scenario.loading import load_scenario

REPO = Path(__file__).resolve().parents[1]
DATE = dt.date(2019, 11, 7)
"""The 74th session's first roll call."""
FIT_DATE = dt.date(2018, 10, 16)
"""The 73rd session's first roll call: the world the weights are fitted on."""
FIT_BUDGET = 300
FIT_REPLICATES = 2
FIT_SEED = 0


ALSO_DATE = dt.date(2017, 11, 1)
"""The 72nd session's first roll call: the world the mechanisms are also fitted on."""

FITS = {
    "parameters.yaml": {"first": "accuracy", "mechanisms": False, "also": False},
    "parameters_mechanisms.yaml": {"first": "agreement", "mechanisms": True, "also": True},
}
"""The parameters files written and their fits: the model's weights (accuracy first, session
73), and the mechanisms' own (no earlier vote known, agreement r first; sessions 72 and 73 at
once, because one session's searches end far apart; ``world score --parameters``)."""


def fitted_parameters(data: Path) -> dict[str, str]:
    """Build the world of :data:`FIT_DATE`, fit it each way of :data:`FITS`, return the files."""
    where = f"the world of {FIT_DATE} (the 73rd; `alliance-sim world build --date {FIT_DATE}`)"
    also_where = f"the world of {ALSO_DATE} (the 72nd)"
    files = {}
    with tempfile.TemporaryDirectory() as tmp:
        built = build_world(data, FIT_DATE, Path(tmp) / "world", name="unga_73")
        scenario = load_scenario(built.yaml).scenario
        other = build_world(data, ALSO_DATE, Path(tmp) / "also", name="unga_72")
        also = [(load_scenario(other.yaml).scenario, other.yaml.parent)]
        for name, how in FITS.items():
            first, mechanisms = str(how["first"]), bool(how["mechanisms"])
            more = also if how["also"] else []
            fit = fit_session(
                scenario,
                built.yaml.parent,
                budget=FIT_BUDGET,
                replicates=FIT_REPLICATES,
                seed=FIT_SEED,
                first=first,
                mechanisms=mechanisms,
                also=more,
            )
            header = fit_header(
                fit,
                where,
                FIT_BUDGET,
                FIT_REPLICATES,
                FIT_SEED,
                first=first,
                mechanisms=mechanisms,
                also=[also_where] if more else [],
            )
            files[name] = parameters_yaml(fit.parameters, header)
    return files


def relocated(text: str) -> str:
    """Return the world's scenario file with its paths moved into ``unga_74/``."""
    return re.sub(r"(record: |_file: |: )(history/|[a-z_]+\.(?:csv|yaml))", r"\1unga_74/\2", text)


def main(repo: Path = REPO) -> int:
    """Build the world into scenarios/unga_74/, fit its weights on session 73, move its YAML.

    Everything is staged first: the folder is published whole, with its fitted weights, and
    then the scenario file beside it (each atomically; a failure before leaves both as they
    were).
    """
    folder = repo / "scenarios" / "unga_74"
    parameters = fitted_parameters(repo / "data")
    scenario: list[str] = []

    def fill(staging: Path) -> None:
        built = build_world(repo / "data", DATE, staging / "world", name="unga_74")
        for entry in built.yaml.parent.iterdir():
            entry.rename(staging / entry.name)
        built.yaml.parent.rmdir()
        for name, text in parameters.items():
            (staging / name).write_text(text, encoding="utf-8")
        scenario.append(relocated((staging / "scenario.yaml").read_text(encoding="utf-8")))
        (staging / "scenario.yaml").unlink()

    publish_dir(folder, fill, force=True)
    atomic_write(repo / "scenarios" / "unga_74.yaml", scenario[0])
    print(f"wrote scenarios/unga_74.yaml and {folder}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
