"""Docs from code (issue 19 item 6): the scenario field reference, the README's worked example
and its notebook example are regenerated or run here and must match what the files say."""

from __future__ import annotations

import importlib.util
import re
import sys
from pathlib import Path
from types import ModuleType

import pytest

from sim.model.channels import REGISTRY
from sim.scenario.schema import Parameters, Scenario

REPO = Path(__file__).resolve().parents[1]
README = REPO / "README.md"


def _tool(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, REPO / "tools" / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def test_scenario_reference_is_generated_from_the_schema() -> None:
    tool = _tool("scenario_reference")
    page = (REPO / "docs" / "SCENARIO.md").read_text(encoding="utf-8")
    assert page == tool.render(), "docs/SCENARIO.md is stale: python tools/scenario_reference.py"
    assert tool.main(["--check"]) == 0


def test_scenario_reference_names_every_field_of_every_model() -> None:
    page = (REPO / "docs" / "SCENARIO.md").read_text(encoding="utf-8")
    sections = dict(re.findall(r"\n## (\w+)\n(.*?)(?=\n## |\Z)", page, re.DOTALL))
    for name in Scenario.model_fields:
        assert f"| `{name}` |" in sections["Scenario"], name
    for model in ("Parameters", "Country", "Resolution", "Favour", "Ties"):
        assert model in sections, model
    # the registry's weights and attributes are in it, with their ranges and defaults
    for channel in REGISTRY.weighted:
        default = Parameters.model_fields[channel.weight_parameter].default
        row = f"| `{channel.weight_parameter}` | number | `{default:g}` | 0 to 1,000,000 |"
        assert row in sections["Parameters"], row
    assert "| `domestic_pressure` | number | **required** | 0 to 1 |" in sections["Country"]
    assert "| `salience` | number | `1` | 0 to 1 |" in sections["Resolution"]


def test_scenario_reference_drifts_when_the_schema_changes(monkeypatch: pytest.MonkeyPatch) -> None:
    tool = _tool("scenario_reference")
    before = tool.render()
    monkeypatch.setitem(tool.SCENARIO_NOTES, "seed", "something else")
    assert tool.render() != before


@pytest.fixture(scope="module")
def example_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tool = _tool("readme_examples")
    return tool.default_run(tmp_path_factory.mktemp("readme") / "run")  # type: ignore[no-any-return]


def test_readme_worked_example_is_what_explain_prints(example_run: Path) -> None:
    tool = _tool("readme_examples")
    readme = README.read_text(encoding="utf-8")
    found = tool.blocks(readme)
    assert [(c, r) for c, r, _ in found] == [("PRK", "ES-11/1"), ("CHN", "ES-11/1")]
    for country, resolution, body in found:
        assert body == tool.explained(example_run, country, resolution), (
            f"README's explain of {country} is stale: python tools/readme_examples.py"
        )
    assert tool.rewrite(readme, example_run) == readme
    prk, chn = (body for _, _, body in found)
    assert "prior_alignment" in prk.splitlines()[2] and prk.splitlines()[2].endswith("<- decided")
    assert "held it in the band" in next(line for line in chn.splitlines() if "trade" in line)


def test_readme_notebook_example_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    readme = README.read_text(encoding="utf-8")
    match = re.search(
        r"<!-- notebook example[^\n]*-->\n```python\n(.*?)```\n<!-- /notebook example -->",
        readme,
        re.DOTALL,
    )
    assert match is not None, "the README lost its notebook example"
    monkeypatch.chdir(tmp_path)
    namespace: dict[str, object] = {}
    exec(compile(match[1], "README.md", "exec"), namespace)
    res, sw, again = namespace["res"], namespace["sw"], namespace["again"]
    votes = res.votes  # type: ignore[attr-defined]
    assert votes.query("country == 'CHN' and resolution == 'ES-11/1'")["vote"].item() == "no"
    assert len(sw.runs) == 36  # type: ignore[attr-defined]
    assert again.manifest.scenario.name == "illustrative"  # type: ignore[attr-defined]
    assert (tmp_path / "results" / "notebook-demo" / "votes.parquet").exists()
