"""report.html: self-contained, every plot embedded, the key tables, escaping, run and sweep."""

from __future__ import annotations

import base64
import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml

from sim.bundled import SCENARIOS_DIR
from sim.common.files import ResultsError
from sim.experiments.runs import write_run
from sim.output.report import write_report
from sim.scenario.loading import load_scenario
from sim.scenario.world import run_scenario

PNG = b"\x89PNG\r\n\x1a\n"


class Page(HTMLParser):
    """The parts of a page the tests look at: images, tables (id -> rows of cell texts), tags."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.images: list[dict[str, str]] = []
        self.tables: dict[str, list[list[str]]] = {}
        self.tags: set[str] = set()
        self._table: str | None = None
        self._cell: list[str] | None = None
        self._row: list[str] = []
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k: v or "" for k, v in attrs}
        self.tags.add(tag)
        if tag == "img":
            self.images.append(values)
        elif tag == "table":
            self._table = values.get("id", "")
            self.tables[self._table] = []
        elif tag == "tr":
            self._row = []
        elif tag in ("td", "th"):
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._cell is not None:
            self._row.append(" ".join(" ".join(self._cell).split()))
            self._cell = None
        elif tag == "tr" and self._table is not None:
            self.tables[self._table].append(self._row)

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)


def make_run(out: Path, scenario: Path, *overrides: str) -> Path:
    loaded = load_scenario(scenario, overrides)
    model = run_scenario(loaded.scenario, rng=loaded.scenario.seed)
    return write_run(out, loaded, model, loaded.scenario.seed)


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_run(tmp_path_factory.mktemp("report") / "run", SCENARIOS_DIR / "illustrative.yaml")


@pytest.fixture(scope="module")
def run_page(run_dir: Path) -> Page:
    path = write_report(run_dir)
    assert path == run_dir / "report.html"
    return Page(path.read_text(encoding="utf-8"))


def test_run_report_embeds_every_plot(run_dir: Path, run_page: Page) -> None:
    assert [i["alt"] for i in run_page.images] == [
        "Tallies",
        "Every state's vote, grouped by bloc",
        "Agreement between every pair of states",
        "Alignment map",
        "Bloc network",
        "Blocs per issue",
        "Favour ledger",
    ]
    for image in run_page.images:
        prefix = "data:image/png;base64,"
        assert image["src"].startswith(prefix)
        assert base64.b64decode(image["src"][len(prefix) :]).startswith(PNG)
    assert (run_dir / "plots" / "favour_ledger.png").exists(), "missing plots are drawn"


def test_run_report_is_self_contained(run_dir: Path, run_page: Page) -> None:
    html = (run_dir / "report.html").read_text(encoding="utf-8")
    assert not {"script", "link", "iframe"} & run_page.tags
    assert not re.search(r"""(src|href)=["']?(https?:|//)""", html)
    assert "@import" not in html and "url(" not in html


def test_run_report_tables(run_page: Page) -> None:
    tallies = run_page.tables["tallies-table"]
    assert tallies[0][:9] == [
        "round", "resolution", "title", "issue", "yes", "abstain", "no", "absent", "adopted"
    ]  # fmt: skip
    assert [row[1] for row in tallies[1:]] == ["ES-11/1", "ES-11/3", "SYR-HR"]
    es11 = tallies[1]
    assert sum(int(c) for c in es11[4:8]) == 22
    assert len(run_page.tables["top-pairs"]) == 11 and len(run_page.tables["bottom-pairs"]) == 11
    assert run_page.tables["top-pairs"][1][2] == "1.000"
    assert run_page.tables["bottom-pairs"][1][2] == "0.000"
    blocs = run_page.tables["blocs-table"]
    assert sum(int(row[1]) for row in blocs[1:]) == 22
    assert any("Russia (RUS)" in row[2] and "Belarus (BLR)" in row[2] for row in blocs[1:])
    # blocs per issue: every vote first (the blocs above), then each issue's, 22 states each
    assert [k for k in run_page.tables if k.startswith("issue-blocs-")] == [
        "issue-blocs-1", "issue-blocs-2", "issue-blocs-3"
    ]  # fmt: skip
    overall = run_page.tables["issue-blocs-1"]
    assert overall[0] == ["bloc", "lead", "states", "members"]
    assert [row[2] for row in overall[1:]] == [row[1] for row in blocs[1:]]
    for k in (2, 3):
        assert sum(int(row[2]) for row in run_page.tables[f"issue-blocs-{k}"][1:]) == 22
    versions = dict(run_page.tables["versions-table"][1:])
    assert versions["mesa"].startswith("3.")


def test_run_report_every_vote_with_its_deciding_channel(run_page: Page) -> None:
    votes = run_page.tables["votes-table"]
    assert votes[0] == ["state", "name", "bloc", "R1 ES-11/1", "R2 ES-11/3", "R3 SYR-HR"]
    assert len(votes) == 1 + 22
    rows = {row[0]: row for row in votes[1:]}
    assert rows["PRK"][3] == "no quid pro quo"  # the README's explain example
    assert rows["VEN"][3] == "absent fixed"  # arrears
    assert rows["UKR"][3] == "yes fixed"  # sponsor


def test_scenario_text_is_escaped(tmp_path: Path) -> None:
    data = yaml.safe_load((SCENARIOS_DIR / "illustrative.yaml").read_text())
    data["name"] = "<script>alert('name')</script>"
    data["agenda"][0]["title"] = "<img src=x onerror=alert(1)> & <b>bold</b>"
    data["countries"][0]["name"] = "Russia<script>"
    scenario = tmp_path / "evil.yaml"
    scenario.write_text(yaml.safe_dump(data, sort_keys=False))
    html = write_report(make_run(tmp_path / "run", scenario)).read_text(encoding="utf-8")
    assert "<script" not in html.lower()
    assert "onerror=alert" not in html.replace("onerror=alert(1)&gt;", "")
    assert "&lt;script&gt;alert(&#39;name&#39;)&lt;/script&gt;" in html
    assert "&lt;img src=x onerror=alert(1)&gt; &amp; &lt;b&gt;bold&lt;/b&gt;" in html
    assert "Russia&lt;script&gt; (RUS)" in html
    page = Page(html)
    assert len(page.images) == 7  # the injected <img> is text, not an image


def test_svg_report(run_dir: Path, tmp_path: Path) -> None:
    import shutil

    copy = tmp_path / "run"
    shutil.copytree(run_dir, copy)
    page = Page(write_report(copy, fmt="svg").read_text(encoding="utf-8"))
    assert len(page.images) == 7
    for image in page.images:
        head = image["src"].split(",", 1)
        assert head[0] == "data:image/svg+xml;base64"
        assert b"<svg" in base64.b64decode(head[1])[:600]


def make_sweep(tmp_path: Path, design: str) -> Path:
    """A real (small) sweep of the illustrative scenario, run serially."""
    from sim.experiments.runner import execute_sweep, start_sweep

    ranges = {
        "parameters.trade_weight": {"low": 0.0, "high": 2.0},
        "parameters.quid_pro_quo_weight": {"low": 0.0, "high": 2.0},
    }
    if design == "grid":
        ranges = {k: {"values": [0.0, 2.0]} for k in ranges}
    sweep = {
        "name": "qpq <vs> trade",
        "scenario": str(SCENARIOS_DIR / "illustrative.yaml"),
        "parameters": ranges,
        "design": design,
        "samples": 4,
        "replicates": 2,
        "rounds": 1,
        "outcomes": [
            {"measure": "yes_share", "resolution": "ES-11/1"},
            {"measure": "position", "resolution": "ES-11/1", "country": "CHN"},
        ],
    }
    path = tmp_path / f"{design}.yaml"
    path.write_text(yaml.safe_dump(sweep, sort_keys=False))
    out = tmp_path / design
    start_sweep(path, out)
    execute_sweep(out, executor="serial", quiet=True)
    return out


def test_sweep_report_with_sensitivity(tmp_path: Path) -> None:
    sweep = make_sweep(tmp_path, "sobol")
    html = write_report(sweep).read_text(encoding="utf-8")
    page = Page(html)
    plots = sorted(p.name for p in (sweep / "plots").glob("*.png"))
    assert "yes_share_ES_11_1__sensitivity.png" in plots
    assert len(page.images) == len(plots)
    assert all(i["src"].startswith("data:image/png;base64,") for i in page.images)
    assert "Sensitivity of yes share (ES-11/1)" in [i["alt"] for i in page.images]
    assert "Caveat: with 4 base samples" in html  # 4 samples cannot settle the indices
    assert "qpq &lt;vs&gt; trade" in html and "<vs>" not in html
    status = {row[0]: row[1] for row in page.tables["status-table"][1:]}
    assert status == {"ok": str(4 * (2 + 2) * 2)}
    summary = page.tables["summary-table"]
    assert summary[0][:3] == [
        "point_id",
        "parameters.trade_weight",
        "parameters.quid_pro_quo_weight",
    ]
    assert len(summary) == 1 + 4 * (2 + 2)
    sensitivity = page.tables["sensitivity-table"]
    assert sensitivity[1][:3] == ["yes_share[ES-11/1]", "parameters.trade_weight", "sobol"]


def test_sweep_report_of_a_grid_has_no_sensitivity(tmp_path: Path) -> None:
    sweep = make_sweep(tmp_path, "grid")
    page = Page(write_report(sweep).read_text(encoding="utf-8"))
    alts = [i["alt"] for i in page.images]
    assert "yes share (ES-11/1) over the two-parameter grid" in alts
    assert "sensitivity-table" not in page.tables


def test_report_refuses_other_directories(tmp_path: Path) -> None:
    with pytest.raises(ResultsError, match="not a results directory"):
        write_report(tmp_path)
    (tmp_path / "manifest.json").write_text(json.dumps({"kind": "calibration"}))
    with pytest.raises(
        ResultsError, match="holds a 'calibration'; a report needs a run, a sweep or a backtest"
    ):
        write_report(tmp_path)
