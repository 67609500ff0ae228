"""The papercuts a new user hit, each with a test."""

from __future__ import annotations

import stat
from pathlib import Path

import numpy as np
import pytest

from sim.bundled import bundled_scenario
from sim.cli import build_parser, main
from sim.empirical.calibrate import parse_bounds
from sim.scenario.loading import load_scenario
from sim.scenario.world import run_scenario


def test_inducements_on_un_2022_never_make_money() -> None:
    """Vote buying prices swings at each state's own (neutrality-widened) band."""
    loaded = load_scenario(bundled_scenario("un_2022"), ["parameters.inducements=true"])
    scenario = loaded.scenario
    assert scenario.parameters.neutrality > 0  # the case synthetic.yaml hid
    start = np.array([c.patron_budget for c in scenario.countries])
    model = run_scenario(scenario, rng=np.random.default_rng(scenario.seed))
    assert all(r.inducement_spent >= 0 for r in model.record.votes)
    assert np.all(model.patron_budget <= start + 1e-12)
    spent = sum(r.inducement_spent for r in model.record.votes)
    assert start.sum() - model.patron_budget.sum() == pytest.approx(spent)


def test_set_blames_the_override_not_the_csv(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["run", "--set", "countries.CHN.domestic_pressure=1.7", "--no-plots"])
    err = capsys.readouterr().err.strip()
    assert code == 2
    assert err.startswith("error: --set: countries.CHN.domestic_pressure: must be between 0")
    assert "countries.csv" not in err


def test_fit_neutrality_takes_default_bounds() -> None:
    assert parse_bounds(["neutrality"]) == {"neutrality": (0.0, 2.0)}


def test_compare_help_shows_a_single_percent(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        build_parser().parse_args(["compare", "--help"])
    out = capsys.readouterr().out
    assert "95%" in out and "95%%" not in out


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("run") / "out"
    scenario = bundled_scenario("illustrative")
    assert main(["run", str(scenario), "--out", str(out), "--quiet"]) == 0
    return out


def test_explain_country_is_case_insensitive(
    run_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    capsys.readouterr()
    assert main(["explain", str(run_dir), "--country", "prk"]) == 0
    assert "(PRK)" in capsys.readouterr().out


def test_report_is_world_readable(run_dir: Path) -> None:
    mode = stat.S_IMODE((run_dir / "report.html").stat().st_mode)
    assert mode == 0o644


def test_run_and_plot_say_what_they_are_doing(
    run_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    capsys.readouterr()
    assert main(["plot", str(run_dir)]) == 0
    assert "drawing plots" in capsys.readouterr().err
    assert main(["plot", str(run_dir), "--quiet"]) == 0
    assert capsys.readouterr().err == ""


def test_sweep_report_shows_the_command_and_the_file_after_the_plots(tmp_path: Path) -> None:
    import yaml

    from sim.bundled import SCENARIOS_DIR

    sweep = tmp_path / "s.yaml"
    sweep.write_text(
        yaml.safe_dump(
            {
                "name": "tiny",
                "scenario": str(SCENARIOS_DIR / "illustrative.yaml"),
                "parameters": {"parameters.trade_weight": {"values": [0.0, 1.0]}},
                "rounds": 1,
                "outcomes": [{"measure": "yes_share", "resolution": "ES-11/1"}],
            }
        )
    )
    out = tmp_path / "out"
    argv = ["sweep", str(sweep), "--out", str(out), "--executor", "serial", "--quiet"]
    assert main(argv) == 0
    page = (out / "report.html").read_text()
    assert f"alliance-sim sweep --resume {out}" in page
    assert "not recorded" not in page  # the sweep's command line is in its manifest now
    assert page.index('id="plots"') < page.index("<details>")
    assert '"spec":' not in page  # the sweep file as written, not a JSON dump


def test_twenty_blocs_have_twenty_colours() -> None:
    from sim.output.blocs import bloc_colour

    assert len({bloc_colour(b) for b in range(1, 21)}) == 20


def test_intervals_of_bounded_outcomes_stay_in_range() -> None:
    import pandas as pd

    from sim.experiments.analysis import summarise

    runs = pd.DataFrame({"point_id": [0, 0, 0], "p": [1.0] * 3, "share": [0.0, 0.0, 1.0]})
    loose = summarise(runs, ["p"], ["share"])
    assert loose["share_lo"].item() < 0  # the Student-t interval leaves [0, 1] ...
    clipped = summarise(runs, ["p"], ["share"], {"share": (0.0, 1.0)})
    assert clipped["share_lo"].item() == 0.0  # ... and is clipped to it
    assert clipped["share_hi"].item() == 1.0
    assert clipped["share_mean"].item() == loose["share_mean"].item()


def test_single_replicate_plot_does_not_promise_an_interval(tmp_path: Path) -> None:
    import matplotlib.pyplot as plt
    import pandas as pd

    import sim.output.sweep_plots as sweep_plots

    titles: list[str] = []
    original = sweep_plots.save_figure

    def capture(fig, path):  # type: ignore[no-untyped-def]
        titles.append(fig.axes[0].get_title())
        return original(fig, path)

    summary = pd.DataFrame(
        {
            "point_id": [0, 1],
            "p": [0.0, 1.0],
            "y_mean": [0.2, 0.4],
            "y_lo": [np.nan] * 2,
            "y_hi": [np.nan] * 2,
            "y_n": [1, 1],
        }
    )
    sweep_plots.save_figure = capture
    try:
        sweep_plots.plot_outcome_vs_parameter(summary, ["p"], "grid", "y", "p", tmp_path / "a.png")
    finally:
        sweep_plots.save_figure = original
        plt.close("all")
    assert "one replicate per point: no interval" in titles[0]
    assert "95%" not in titles[0]


@pytest.fixture(scope="module")
def un_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("un") / "out"
    assert main(["run", "--out", str(out), "--no-plots", "--quiet"]) == 0
    return out


def test_alignment_map_names_china_and_india(un_run: Path) -> None:
    import matplotlib.pyplot as plt

    from sim.common.tables import load_run
    from sim.output.relation_plots import figure_alignment_map

    fig = figure_alignment_map(load_run(un_run))
    text = " ".join(t.get_text() for t in fig.axes[0].texts)
    plt.close(fig)
    assert "CHN" in text and "IND" in text


def test_un_blocs_are_named_after_their_most_prominent_member(un_run: Path) -> None:
    from sim.common.tables import load_run
    from sim.output.blocs import bloc_labels

    results = load_run(un_run)
    countries = results["countries"].set_index("country")
    labels = bloc_labels(results)
    # the bloc of abstainers holds China: it was "bloc 2: DZA +24", its alphabetically first
    assert labels[int(countries.loc["CHN", "bloc"])].split(" ")[2] == "CHN"
    assert labels[int(countries.loc["USA", "bloc"])].split(" ")[2] == "USA"


def test_network_links_are_visible_and_ledger_lines_are_not_hidden(un_run: Path) -> None:
    import matplotlib.pyplot as plt

    from sim.common.tables import load_run
    from sim.output.relation_plots import figure_bloc_network, figure_favour_ledger

    results = load_run(un_run)
    fig = figure_bloc_network(results)
    links = fig.axes[0].collections[0]
    assert links.get_alpha() >= 0.08 and len(links.get_segments()) > 0
    plt.close(fig)
    fig = figure_favour_ledger(results)
    right = fig.axes[-1] if fig.axes[-1].get_lines() else fig.axes[1]
    curves = [tuple(np.round(line.get_ydata(), 9)) for line in right.get_lines()]
    assert len(curves) == len(set(curves))  # coinciding creditors share one labelled line
    labels = [t.get_text() for t in right.get_legend().get_texts()]
    assert len(labels) == len(curves)
    plt.close(fig)


def test_identical_sweep_curves_stay_distinguishable(tmp_path: Path) -> None:
    """Curves that coincide (the other parameter changes nothing) differ in marker and dash."""
    import pandas as pd

    import sim.output.sweep_plots as sweep_plots

    figures = []
    original = sweep_plots.save_figure

    def capture(fig, path):  # type: ignore[no-untyped-def]
        figures.append(fig)
        return original(fig, path)

    p, q = np.meshgrid([0.0, 0.5, 1.0], [0.0, 1.0, 2.0])
    summary = pd.DataFrame({"p": p.ravel(), "q": q.ravel()})
    summary = summary.assign(point_id=range(9), y_mean=0.4 + 0.1 * summary["p"])
    summary = summary.assign(y_lo=summary["y_mean"] - 0.05, y_hi=summary["y_mean"] + 0.05, y_n=3)
    sweep_plots.save_figure = capture
    try:
        sweep_plots.plot_outcome_vs_parameter(
            summary, ["p", "q"], "grid", "y", "p", tmp_path / "a.png"
        )
    finally:
        sweep_plots.save_figure = original
    lines = figures[0].axes[0].get_lines()
    assert len(lines) == 3
    assert len({tuple(line.get_ydata()) for line in lines}) == 1  # the same curve three times
    styles = {(line.get_marker(), str(line.get_linestyle())) for line in lines}
    assert len(styles) == 3  # ... each drawn so that it shows on top of the others


def test_un_plots_cut_nothing_at_their_edges(un_run: Path, tmp_path: Path) -> None:
    """The bloc names left of the 193-state heatmap ran past the figure's edge."""
    import matplotlib.image

    from sim.common.tables import load_run
    from sim.output.plots import draw_run_plots

    for path in draw_run_plots(load_run(un_run), tmp_path):
        image = matplotlib.image.imread(path)[..., :3]
        edges = [image[:2], image[-2:], image[:, :2], image[:, -2:]]
        assert min(float(edge.min()) for edge in edges) == 1.0, f"{path.name}: ink on the edge"
