"""docs/ODD.md's generated tables match the registries (``python tools/odd_tables.py --write``)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tools"))
import odd_tables

from sim.model.stages import STAGES


def test_the_odd_tables_are_the_ones_the_code_generates() -> None:
    text = odd_tables.ODD.read_text(encoding="utf-8")
    assert odd_tables.regenerated(text) == text, "run: python tools/odd_tables.py --write"
    assert odd_tables.main([]) == 0


def test_a_drifted_table_is_caught(monkeypatch: pytest.MonkeyPatch) -> None:
    text = odd_tables.ODD.read_text(encoding="utf-8")
    monkeypatch.setitem(odd_tables.TABLES, "stage-parameters", lambda: "| stale |")
    assert odd_tables.regenerated(text) != text


def test_the_stage_table_lists_every_stage_parameter_once() -> None:
    table = odd_tables.TABLES["stage-parameters"]()
    for stage in STAGES:
        for f in stage.fields:
            assert table.count(f"| `{f.name}` |") == 1, f.name
