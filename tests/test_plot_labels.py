"""Figures labelled for readers (issue 19 item 11): words for parameter paths, the vote scale of
positions, titles that fit, a caveat on unsettled Sobol indices, the tallies legend beside the
bars."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from matplotlib.figure import Figure

from sim.bundled import SCENARIOS_DIR
from sim.cli import EXIT_OK, main
from sim.common.tables import load_run
from sim.output import plotting, run_compare, sweep_plots
from sim.output.plots import figure_tallies
from sim.output.plotting import outcome_title, parameter_title
from sim.output.report import write_report
from tests.test_report import Page


def _texts(fig: Figure) -> list[str]:
    return [t.get_text() for t in fig.findobj(lambda a: hasattr(a, "get_text"))]


@pytest.fixture
def captured(monkeypatch: pytest.MonkeyPatch) -> list[Figure]:
    """The figures the sweep and compare plots save (drawn, so extents are known)."""
    figures: list[Figure] = []

    def keep(fig: Figure, path: Path, crop: bool = False) -> Path:
        if fig not in plotting._LAID_OUT:  # as save_figure does
            plotting.lay_out(fig)
        fig.canvas.draw()
        figures.append(fig)
        return path

    monkeypatch.setattr(sweep_plots, "save_figure", keep)
    monkeypatch.setattr(run_compare, "save_figure", keep)
    return figures


def test_parameter_and_outcome_paths_read_as_words() -> None:
    assert parameter_title("parameters.trade_weight") == "trade weight"
    assert parameter_title("countries.CHN.domestic_pressure") == "CHN domestic pressure"
    assert parameter_title("agenda.ES-11/1.salience") == "ES-11/1 salience"
    assert outcome_title("share_with_target[ES-11/1]") == "share with target (ES-11/1)"
    assert outcome_title("position[ES-11/1,CHN]") == "position of CHN on ES-11/1"
    assert outcome_title("agreement[PRK,RUS]") == "agreement of PRK with RUS"
    assert outcome_title("favours_outstanding") == "favours outstanding"


def _summary() -> pd.DataFrame:
    rows = []
    for q in (0.0, 1.2):
        for t in (0.0, 1.0, 2.0):
            rows.append(
                {
                    "point_id": len(rows),
                    "parameters.quid_pro_quo_weight": q,
                    "parameters.trade_weight": t,
                    "position[ES-11/1,CHN]_mean": t / 2 - 1,
                    "position[ES-11/1,CHN]_lo": t / 2 - 1.2,
                    "position[ES-11/1,CHN]_hi": t / 2 - 0.8,
                    "position[ES-11/1,CHN]_n": 4,
                }
            )
    return pd.DataFrame(rows)


def test_sweep_curve_reads_words_and_explains_the_vote_scale(captured: list[Figure]) -> None:
    parameters = ["parameters.quid_pro_quo_weight", "parameters.trade_weight"]
    outcome = "position[ES-11/1,CHN]"
    sweep_plots.plot_outcome_vs_parameter(
        _summary(), parameters, "grid", outcome, "parameters.trade_weight", Path("x.png")
    )
    sweep_plots.plot_heatmap(_summary(), parameters, outcome, Path("y.png"))
    curve, heatmap = captured
    (ax,) = curve.axes
    assert ax.get_xlabel() == "trade weight"
    assert ax.get_title().startswith("position of CHN on ES-11/1 against trade weight\n")
    ticks = [t.get_text() for t in ax.get_yticklabels()]
    assert {"+1 yes", "0 abstain", "\u22121 no"} <= set(ticks)
    legend = ax.get_legend()
    assert legend.get_title().get_text() == "quid pro quo weight"
    assert [t.get_text() for t in legend.get_texts()] == ["0", "1.2"]
    assert not any("parameters." in text for text in _texts(curve))
    bar = heatmap.axes[1]
    assert {"+1 yes", "0 abstain", "\u22121 no"} <= {t.get_text() for t in bar.get_yticklabels()}
    assert heatmap.axes[0].get_xlabel() == "quid pro quo weight"


def _indices(s1: list[float], conf: float) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "outcome": "yes_share[R]",
            "parameter": [f"parameters.p{i}" for i in range(len(s1))],
            "method": "sobol",
            "S1": s1,
            "S1_conf": conf,
            "ST": [abs(v) + 0.1 for v in s1],
            "ST_conf": conf,
            "note": "",
        }
    )


def test_unsettled_sobol_indices_carry_a_caveat(captured: list[Figure]) -> None:
    settled = _indices([0.5, 0.3], 0.05)
    assert sweep_plots.sobol_caveat(settled, 4096) is None
    unsettled = _indices([0.6, -0.04], 0.25)
    caveat = sweep_plots.sobol_caveat(unsettled, 128)
    assert caveat is not None
    assert "128 base samples" in caveat and "1 first-order index below 0" in caveat
    assert "\u00b10.25" in caveat
    sweep_plots.plot_sensitivity(unsettled, "yes_share[R]", Path("s.png"), 128)
    sweep_plots.plot_sensitivity(settled, "yes_share[R]", Path("t.png"), 4096)
    shown, calm = captured
    assert any(t.startswith("Caveat: with 128 base samples") for t in _texts(shown))
    assert not any(t.startswith("Caveat") for t in _texts(calm))
    assert [t.get_text() for t in shown.axes[0].get_yticklabels()] == ["p0", "p1"]


def test_sweep_report_states_the_sobol_caveat(tmp_path: Path) -> None:
    sweep = tmp_path / "sobol.yaml"
    sweep.write_text(
        f"name: small_sobol\nscenario: {SCENARIOS_DIR / 'illustrative.yaml'}\n"
        "parameters:\n"
        "  parameters.trade_weight: {low: 0.0, high: 3.0}\n"
        "  parameters.security_weight: {low: 0.0, high: 3.0}\n"
        "design: sobol\nsamples: 16\nreplicates: 1\nrounds: 1\nseed: 11\n"
        "outcomes:\n  - {measure: share_with_target, resolution: ES-11/1}\n"
    )
    out = tmp_path / "out"
    argv = ["sweep", str(sweep), "--executor", "serial", "--quiet", "--out", str(out)]
    assert main(argv) == EXIT_OK
    html = (out / "report.html").read_text(encoding="utf-8")
    assert 'id="sensitivity-caveat"' in html and "Caveat: with 16 base samples" in html


def test_tallies_legend_sits_beside_the_bars(tmp_path: Path) -> None:
    out = tmp_path / "run"
    scenario = SCENARIOS_DIR / "illustrative.yaml"
    assert main(["run", str(scenario), "--no-plots", "--out", str(out)]) == EXIT_OK
    fig = figure_tallies(load_run(out))
    fig.canvas.draw()
    (ax,) = fig.axes
    renderer: Any = fig.canvas.get_renderer()  # type: ignore[attr-defined]
    legend = ax.get_legend().get_window_extent(renderer)
    axes = ax.get_window_extent(renderer)
    assert legend.x0 >= axes.x1, "the legend is right of the bars"
    assert axes.y0 <= legend.y1 <= axes.y1 + 1, "level with them, not below"


def test_run_compare_title_fits_the_figure(captured: list[Figure]) -> None:
    table = pd.DataFrame({"moved_by": ["trade", "security"], "resolution": ["ES-11/1", "ES-11/1"]})
    run_compare._plot_changes(table, Path("c.png"))
    (fig,) = captured
    renderer: Any = fig.canvas.get_renderer()  # type: ignore[attr-defined]
    title = fig.axes[0].title.get_window_extent(renderer)
    assert title.x0 >= 0 and title.x1 <= fig.bbox.width, "the title is not cut off"


def test_report_of_a_run_with_a_record_shows_the_figure(tmp_path: Path) -> None:
    out = tmp_path / "run"
    assert main(["run", "un_2022", "--rounds", "1", "--no-plots", "--out", str(out)]) == EXIT_OK
    page = Page(write_report(out).read_text(encoding="utf-8"))
    assert [i["alt"] for i in page.images][-1] == "Recorded against simulated votes"
    assert (out / "plots" / "recorded_vs_simulated.png").exists()
