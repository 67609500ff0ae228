"""Where the bundled scenarios live and where results go by default."""

from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
SCENARIOS_DIR = REPO_ROOT / "scenarios"
DEFAULT_SCENARIO = SCENARIOS_DIR / "un_2022.yaml"
ILLUSTRATIVE_SCENARIO = SCENARIOS_DIR / "illustrative.yaml"
RESULTS_ROOT = Path("results")
"""Relative to the working directory: ``alliance-sim run`` from the repo writes to ``results/``."""
