"""Regenerate the bundled ``scenarios/unga_74.yaml`` and its folder ``scenarios/unga_74/``.

The 74th session's 90 recorded roll calls (7 Nov - 27 Dec 2019) on a world dated 2019-11-07,
the day of its first roll call: history is session 73 (the 400 days before), nothing of session
74 informs it. Its weights are fitted on the three sessions before: the worlds of 2018-10-16
(the 73rd session's first roll call; history session 72), 2017-11-01 (the 72nd) and 2016-10-26
(the 71st) are built in a temporary folder and ``alliance-sim world fit --also`` is run twice
on their roll calls at once, three searches each (:data:`FITS`: the model's weights into
``parameters.yaml``; the mechanisms' own into ``parameters_mechanisms.yaml``; the two fits run
in two processes, some 15 minutes on 2 cores), so no weight sees a vote of session 74. Run
from the repository root::

    python tools/bundle_unga_74.py
"""

from __future__ import annotations

import datetime as dt
import re
import sys
import tempfile
from concurrent.futures import ProcessPoolExecutor
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
FIT_STARTS = 3
"""Searches per fit (search seeds 0-2); the best in-sample is kept (``world fit --starts``)."""


ALSO = {dt.date(2017, 11, 1): "72nd", dt.date(2016, 10, 26): "71st"}
"""The 72nd and 71st sessions' first roll calls: the worlds also fitted on."""

FITS = {
    "parameters.yaml": {"first": "accuracy", "mechanisms": False},
    "parameters_mechanisms.yaml": {"first": "agreement", "mechanisms": True},
}
"""The parameters files written and their fits, both on sessions 71, 72 and 73 at once, each the
best in-sample of :data:`FIT_STARTS` searches (one session's searches, and one search, end far
apart; README, "Weights fitted on the sessions before"): the model's weights (accuracy first),
and the mechanisms' own (no earlier vote known, agreement r first; ``world score
--parameters``)."""


def fitted_file(data: Path, name: str) -> str:
    """Build the worlds fitted on (:data:`FIT_DATE`, :data:`ALSO`), fit them as ``FITS[name]``.

    Returns the parameters file's text. One process per file (:func:`fitted_parameters`).
    """
    where = f"the world of {FIT_DATE} (the 73rd; `alliance-sim world build --date {FIT_DATE}`)"
    first, mechanisms = str(FITS[name]["first"]), bool(FITS[name]["mechanisms"])
    with tempfile.TemporaryDirectory() as tmp:
        built = build_world(data, FIT_DATE, Path(tmp) / "world", name="unga_73")
        also = []
        for date, nth in ALSO.items():
            other = build_world(data, date, Path(tmp) / nth, name=f"unga_{nth[:2]}")
            also.append((load_scenario(other.yaml).scenario, other.yaml.parent))
        fit = fit_session(
            load_scenario(built.yaml).scenario,
            built.yaml.parent,
            budget=FIT_BUDGET,
            replicates=FIT_REPLICATES,
            seed=FIT_SEED,
            first=first,
            mechanisms=mechanisms,
            also=also,
            starts=FIT_STARTS,
        )
    header = fit_header(
        fit,
        where,
        FIT_BUDGET,
        FIT_REPLICATES,
        FIT_SEED,
        first=first,
        mechanisms=mechanisms,
        also=[f"the world of {date} (the {nth})" for date, nth in ALSO.items()],
    )
    return parameters_yaml(fit.parameters, header)


def fitted_parameters(data: Path) -> dict[str, str]:
    """Return each file of :data:`FITS`, fitted in parallel (one process each, 2 cores)."""
    with ProcessPoolExecutor(max_workers=len(FITS)) as pool:
        futures = {name: pool.submit(fitted_file, data, name) for name in FITS}
        return {name: future.result() for name, future in futures.items()}


def relocated(text: str) -> str:
    """Return the world's scenario file with its paths moved into ``unga_74/``."""
    return re.sub(r"(record: |_file: |: )(history/|[a-z_]+\.(?:csv|yaml))", r"\1unga_74/\2", text)


def main(repo: Path = REPO) -> int:
    """Build the world into scenarios/unga_74/, fit its weights on sessions 71-73, move its YAML.

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
