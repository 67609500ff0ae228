"""The built wheel works on its own: installed in a fresh venv, run from another directory.

The wheel is built from a copy of the checkout (building writes ``build/`` and ``*.egg-info``
next to the sources, which must not land in the repository) and installed without its
dependencies into a new venv; the dependencies are borrowed from the test's own venv through a
``deps.pth`` file naming its site-packages. A path listed in a ``.pth`` file is only appended
to ``sys.path`` -- the ``.pth`` files inside it are not run -- so the editable install's finder
(``__editable__.alliance_sim-*.pth``) stays off and ``import sim`` can only find the wheel's
copy. The test asserts that, rather than assuming it.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
import tomllib
import zipfile
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[1]
BUNDLED = ("illustrative", "synthetic", "un_2022", "unga_74")
BUNDLED_SWEEPS = ("quick", "un_2022_qpq_trade", "un_2022_sobol")
NOT_SOURCES = shutil.ignore_patterns(
    ".git",
    ".venv*",
    "results",
    "build",
    "dist",
    "*.egg-info",
    "__pycache__",
    ".mypy_cache",
    ".ruff_cache",
    ".hypothesis",
    ".pytest_cache",
    "node_modules",
)
PROBE = """
import importlib.metadata as metadata
import json
import sys

import sim
import sim.bundled

print(json.dumps({
    "sim": sim.__file__,
    "version": sim.__version__,
    "scenarios_dir": str(sim.bundled.scenarios_dir()),
    "bundled": sim.bundled.bundled_scenarios(),
    "distribution": str(metadata.distribution("alliance-sim").locate_file("")),
    "modules": sorted(m for m in sys.modules if "editable" in m),
    "meta_path": [getattr(f, "__name__", type(f).__name__) for f in sys.meta_path],
    "path": sys.path,
}))
"""


def _env() -> dict[str, str]:
    """The environment without anything that could point Python at the checkout."""
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"PYTHONPATH", "PYTHONHOME", "PYTHONSTARTUP", "VIRTUAL_ENV", "PYTHONSAFEPATH"}
    }
    env.update(PYTHONNOUSERSITE="1", MPLBACKEND="Agg", PIP_NO_INPUT="1")
    return env


def _call(argv: list[str | Path], cwd: Path, timeout: float = 120) -> str:
    done = subprocess.run(
        [str(a) for a in argv],
        cwd=cwd,
        env=_env(),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    assert done.returncode == 0, f"{argv}\n{done.stdout}\n{done.stderr}"
    return done.stdout


def _build_wheel(source: Path, dist: Path) -> Path:
    """``pip wheel`` without build isolation; isolated (pip's configured index) if that fails.

    Without isolation nothing is downloaded, but the venv's own setuptools must be able to
    build the project (``license = "MIT"`` needs setuptools >= 77).
    """
    command = [sys.executable, "-m", "pip", "wheel", "--no-deps", "-w", str(dist)]
    offline = subprocess.run(
        [*command, "--no-build-isolation", str(source)],
        env=_env(),
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    if offline.returncode != 0:
        _call([*command, str(source)], cwd=source, timeout=300)
    (wheel,) = dist.glob("alliance_sim-*.whl")
    return wheel


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("wheel")
    source = root / "source"
    shutil.copytree(REPO, source, ignore=NOT_SOURCES, symlinks=True)
    wheel = _build_wheel(source, root / "dist")

    venv = root / "venv"
    _call([sys.executable, "-m", "venv", venv], cwd=root)
    python = venv / "bin" / "python"
    # Install first, while the new venv sees nothing of ours: pip must not find (and try to
    # replace) the editable install.
    _call([python, "-m", "pip", "install", "--no-deps", "--no-index", wheel], cwd=root)
    site = Path(
        _call(
            [python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"], cwd=root
        ).strip()
    )
    assert site.is_relative_to(venv)
    (site / "deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")

    elsewhere = root / "elsewhere"
    elsewhere.mkdir()
    return {"root": root, "wheel": wheel, "venv": venv, "python": python, "cwd": elsewhere}


def test_wheel_holds_the_package_scenarios_and_templates(installed: dict[str, Path]) -> None:
    names = set(zipfile.ZipFile(installed["wheel"]).namelist())
    for name in BUNDLED:
        assert f"sim/scenarios/{name}.yaml" in names
    assert any(n.startswith("sim/scenarios/un_2022/") and n.endswith(".csv") for n in names)
    assert any(n.startswith("sim/output/templates/") for n in names)
    for package in ("model", "common", "experiments", "empirical", "output"):
        assert f"sim/{package}/__init__.py" in names
    assert not any(n.startswith(("tests/", "benchmarks/")) for n in names)
    for sweep in BUNDLED_SWEEPS:
        assert f"sim/scenarios/sweeps/{sweep}.yaml" in names
    assert any(n.startswith("sim/scenarios/records/A_RES_") for n in names)
    # the preparation files (what tools/ made the tables from) stay out of the wheel
    assert not any("/derived/" in n for n in names), "scenarios/un_2022/derived/ shipped"


def test_sim_is_imported_from_the_venv_not_the_checkout(installed: dict[str, Path]) -> None:
    venv = installed["venv"].resolve()
    seen = json.loads(_call([installed["python"], "-c", PROBE], cwd=installed["cwd"]))
    assert Path(seen["sim"]).resolve().is_relative_to(venv), seen["sim"]
    assert Path(seen["scenarios_dir"]).resolve().is_relative_to(venv), seen["scenarios_dir"]
    assert Path(seen["distribution"]).resolve().is_relative_to(venv), seen["distribution"]
    assert seen["bundled"] == list(BUNDLED)
    version = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]["version"]
    assert seen["version"] == version
    # The editable install's finder is not loaded, and the checkout is not on the path.
    assert seen["modules"] == []
    assert not any("Editable" in name for name in seen["meta_path"]), seen["meta_path"]
    assert all(Path(p).resolve() != REPO for p in seen["path"] if p)


def test_console_script_is_installed(installed: dict[str, Path]) -> None:
    out = _call([installed["venv"] / "bin" / "alliance-sim", "--version"], cwd=installed["cwd"])
    assert out.startswith("alliance-sim ")


def test_scenarios_lists_the_bundled_ones_inside_the_venv(installed: dict[str, Path]) -> None:
    out = _call([installed["python"], "-m", "sim", "scenarios"], cwd=installed["cwd"])
    header, *rows, sweeps = out.splitlines()
    assert header.startswith("bundled scenarios in ")
    where = Path(header.removeprefix("bundled scenarios in ").rstrip(":"))
    assert where.resolve().is_relative_to(installed["venv"].resolve())
    assert [row.split()[0] for row in rows] == list(BUNDLED)
    assert sweeps.startswith(f"bundled sweeps: {', '.join(BUNDLED_SWEEPS)} ")


def test_bundled_scenario_and_sweep_run_by_name_from_elsewhere(
    installed: dict[str, Path],
) -> None:
    run_out, sweep_out = installed["root"] / "by-name-run", installed["root"] / "by-name-sweep"
    printed = _call(
        [installed["python"], "-m", "sim", "run", "illustrative", "--no-plots", "--out", run_out],
        cwd=installed["cwd"],
    )
    assert printed.splitlines()[-1] == str(run_out)
    manifest = json.loads((run_out / "manifest.json").read_text())
    assert manifest["scenario"]["name"] == "illustrative"
    assert Path(manifest["scenario"]["path"]).resolve().is_relative_to(installed["venv"].resolve())
    printed = _call(
        [
            installed["python"],
            "-m",
            "sim",
            "sweep",
            "quick",
            "--no-report",
            "--quiet",
            "--executor",
            "serial",
            "--out",
            sweep_out,
        ],
        cwd=installed["cwd"],
        timeout=300,
    )
    assert printed.splitlines()[-1] == str(sweep_out)
    assert json.loads((sweep_out / "manifest.json").read_text())["sweep"]["name"] == "quick"
    assert not any(installed["cwd"].iterdir())


def test_run_of_the_default_scenario_from_elsewhere(installed: dict[str, Path]) -> None:
    out = installed["root"] / "out"
    printed = _call(
        [installed["python"], "-m", "sim", "run", "--no-report", "--out", out],
        cwd=installed["cwd"],
        timeout=180,
    )
    assert printed.splitlines()[-1] == str(out)
    for table in ("votes", "tallies", "contributions", "alignment", "favours", "countries"):
        assert (out / f"{table}.parquet").is_file(), table
    assert any((out / "plots").glob("*.png"))
    assert not (out / "report.html").exists()
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["scenario"]["name"] == "un_2022"
    scenario = Path(manifest["scenario"]["path"]).resolve()
    assert scenario.is_relative_to(installed["venv"].resolve()), scenario
    # Nothing was written where the command ran.
    assert not any(installed["cwd"].iterdir())
