"""Size and shape of the code: no module in sim/ over 600 lines, no function over 80.

Measured with :mod:`ast` (a function's lines run from its ``def``, decorators excluded, to its
last statement, docstring included), so that the limits of STYLE.md cannot creep back. Tables
of data are module-level assignments (``RUN_PLOTS``, ``MEASURES``), which the function limit
does not count.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SIM = Path(__file__).resolve().parent.parent / "sim"
MAX_MODULE_LINES = 600
MAX_FUNCTION_LINES = 80


def modules() -> list[Path]:
    """Every Python module of the package."""
    return sorted(SIM.rglob("*.py"))


def long_functions(source: str, limit: int) -> list[tuple[str, int]]:
    """Functions and methods (nested ones too) longer than ``limit`` lines, with their length."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            length = (node.end_lineno or node.lineno) - node.lineno + 1
            if length > limit:
                found.append((node.name, length))
    return found


def test_the_walk_finds_the_package() -> None:
    names = {p.relative_to(SIM).as_posix() for p in modules()}
    assert {"model/model.py", "scenario/schema.py", "cli/__init__.py"} <= names


@pytest.mark.parametrize("path", modules(), ids=lambda p: p.relative_to(SIM).as_posix())
def test_no_module_is_over_600_lines(path: Path) -> None:
    lines = len(path.read_text(encoding="utf-8").splitlines())
    assert lines <= MAX_MODULE_LINES, f"{path.relative_to(SIM)} has {lines} lines: split it"


@pytest.mark.parametrize("path", modules(), ids=lambda p: p.relative_to(SIM).as_posix())
def test_no_function_is_over_80_lines(path: Path) -> None:
    found = long_functions(path.read_text(encoding="utf-8"), MAX_FUNCTION_LINES)
    assert found == [], f"{path.relative_to(SIM)}: functions over 80 lines: {found}"


def test_the_function_measure_counts_from_def_to_last_line() -> None:
    body = "\n".join(f"    x{i} = {i}" for i in range(80))
    source = f"def long():\n{body}\n\n\ndef short():\n    return 1\n"
    assert long_functions(source, 80) == [("long", 81)]
    assert long_functions(source, 81) == []
    nested = "class A:\n    def method(self):\n" + "\n".join(f"        y = {i}" for i in range(3))
    assert long_functions(nested, 3) == [("method", 4)]
