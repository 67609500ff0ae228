"""The layers of sim/ point one way and no module imports itself back through others."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import grimp
import networkx as nx
import pytest

ROOT = Path(__file__).resolve().parents[1]


def test_no_import_cycle_between_modules_even_inside_functions() -> None:
    # grimp sees every import statement, those inside functions included; imports made only
    # for type checking never run, so they cannot form a cycle at run time.
    graph = grimp.build_graph("sim", exclude_type_checking_imports=True)
    edges = nx.DiGraph()
    for module in graph.modules:
        for imported in graph.find_modules_directly_imported_by(module):
            if imported.startswith("sim") and imported != module:
                edges.add_edge(module, imported)
    # a package's __init__ is not a module of its own here: drop package -> child edges
    cycles = [c for c in nx.simple_cycles(edges) if len(c) > 1]
    assert cycles == []


def test_import_linter_contracts_hold() -> None:
    lint = shutil.which("lint-imports") or str(Path(sys.executable).parent / "lint-imports")
    if not Path(lint).exists():
        pytest.skip("import-linter is not installed (pip install -e '.[dev]')")
    done = subprocess.run([lint], cwd=ROOT, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stdout[-2000:]
    assert "0 broken" in done.stdout


def test_a_command_starts_without_the_drawing_or_numeric_libraries() -> None:
    # The figure jobs are typed references the parent imports at start; the libraries they
    # draw with load in the figure process only (sim.output.jobs imports them inside).
    code = (
        "import sys, sim.cli, sim.output.jobs, sim.output.workers\n"
        "heavy = ('matplotlib', 'pandas', 'numpy', 'pyarrow', 'pydantic', 'jinja2')\n"
        "print(sorted(m for m in heavy if m in sys.modules))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert done.stdout.strip() == "[]"


def test_figure_jobs_are_sent_by_name() -> None:
    import pickle

    from sim.output import jobs

    names = ("warm", "run_plots", "report", "sweep_plots")
    for name in names:
        job = getattr(jobs, name)
        assert pickle.loads(pickle.dumps(job)) is job
        assert len(pickle.dumps(job)) < 100, name  # a reference, not the code
