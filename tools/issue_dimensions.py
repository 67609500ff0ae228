r"""Print the `--set` overrides that give un_2022 the issue dimensions of issue_dimensions.yaml.

    python tools/issue_dimensions.py            # one --set=PATH=VALUE per line
    python tools/issue_dimensions.py | xargs -d '\n' \
        alliance-sim backtest scenarios/un_2022.yaml --replicates 10 --json

Each agenda item named in scenarios/un_2022/issue_dimensions.yaml gets its issue, and so does
its own record in the history (so that later votes see it under that issue); each new issue is
declared with the issue it inherits and its default opinion, which must be the parent's (the
one default-opinion rule: an issue that inherits another takes its default). un_2022.yaml
ships this coding since issue 20, so on it the overrides change nothing; they apply it to a
copy of the scenario as it was before.
"""

from __future__ import annotations

from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
SCENARIO = ROOT / "scenarios" / "un_2022.yaml"
DIMENSIONS = ROOT / "scenarios" / "un_2022" / "issue_dimensions.yaml"


def overrides(scenario: Path = SCENARIO, dimensions: Path = DIMENSIONS) -> list[str]:
    """Return the ``PATH=VALUE`` overrides, in order: issues, agenda items, history records."""
    base = yaml.safe_load(scenario.read_text(encoding="utf-8"))
    spec = yaml.safe_load(dimensions.read_text(encoding="utf-8"))
    issues = {**base["issues"], **spec["issues"]}
    for name, fields in spec["issues"].items():
        parent = fields.get("inherits")
        if parent is not None and fields.get("default_opinion") != issues[parent].get(
            "default_opinion"
        ):
            raise ValueError(f"{name}: default_opinion must be that of {parent}, which it inherits")
    out = [
        f"issues.{name}.{key}={str(value).strip()}"
        for name, fields in spec["issues"].items()
        for key, value in fields.items()
    ]
    for item, issue in spec["agenda"].items():
        out.append(f"agenda.{item}.issue={issue}")
        record = "records/A_RES_" + item.replace("/", "_") + ".csv"
        index = next(i for i, h in enumerate(base["history"]) if h["record"] == record)
        out.append(f"history.{index}.issue={issue}")
    return out


if __name__ == "__main__":
    for override in overrides():
        print(f"--set={override}")
