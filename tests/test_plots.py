"""Plots: exact file names in both formats, images that decode, labels that stay readable."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import matplotlib.image
import numpy as np
import pandas as pd
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from sim.bundled import SCENARIOS_DIR
from sim.common.manifests import RunManifest, RunScenario
from sim.common.tables import RunResults, load_run
from sim.experiments.runs import write_run
from sim.output.blocs import MAX_LABELS, bloc_labels, bloc_leads
from sim.output.plots import (
    RUN_PLOTS,
    RowNames,
    draw_run_plots,
    figure_alignment_heatmap,
    figure_votes_by_bloc,
)
from sim.output.relation_plots import (
    figure_alignment_map,
    figure_bloc_network,
    figure_favour_ledger,
)
from sim.scenario.loading import load_scenario
from sim.scenario.schema import LoadedScenario
from sim.scenario.synthetic import synthetic_scenario
from sim.scenario.world import run_scenario

RUN_PLOT_NAMES = [
    "tallies",
    "votes_by_bloc",
    "alignment_heatmap",
    "alignment_map",
    "bloc_network",
    "favour_ledger",
]
DRAWN_NAMES = [*RUN_PLOT_NAMES[:5], "blocs_by_issue", RUN_PLOT_NAMES[5]]
"""What the illustrative run draws: its votes span two issues, so the blocs per issue too."""


def stored_run(out: Path, loaded: LoadedScenario, rounds: int | None = None) -> RunResults:
    model = run_scenario(loaded.scenario, rng=loaded.scenario.seed, rounds=rounds)
    return load_run(write_run(out, loaded, model, loaded.scenario.seed))


@pytest.fixture(scope="module")
def default_results(tmp_path_factory: pytest.TempPathFactory) -> RunResults:
    loaded = load_scenario(SCENARIOS_DIR / "illustrative.yaml")
    return stored_run(tmp_path_factory.mktemp("plots") / "default", loaded)


@pytest.fixture(scope="module")
def large_results(tmp_path_factory: pytest.TempPathFactory) -> RunResults:
    scenario = synthetic_scenario(193, seed=3, rounds=3)
    loaded = LoadedScenario(scenario=scenario, path=Path("synthetic-193"), files=(), sha256="0")
    return stored_run(tmp_path_factory.mktemp("plots") / "large", loaded)


def test_run_plots_png_exact_names_and_decode(default_results: RunResults, tmp_path: Path) -> None:
    written = draw_run_plots(default_results, tmp_path / "plots")
    assert [spec.stem for spec in RUN_PLOTS] == RUN_PLOT_NAMES
    assert [p.name for p in written] == [f"{n}.png" for n in DRAWN_NAMES]
    assert sorted(p.name for p in (tmp_path / "plots").iterdir()) == sorted(
        [f"{n}.png" for n in DRAWN_NAMES] + ["plots.json"]
    )
    for path in written:
        image = matplotlib.image.imread(path)
        height, width = image.shape[:2]
        assert 300 <= width <= 2200 and 200 <= height <= 2200, (path.name, image.shape)
        assert np.ptp(image[..., :3]) > 0.5, f"{path.name} is blank"


def test_run_plots_svg_on_request(default_results: RunResults, tmp_path: Path) -> None:
    written = draw_run_plots(default_results, tmp_path, fmt="svg")
    assert [p.name for p in written] == [f"{n}.svg" for n in DRAWN_NAMES]
    for path in written:
        assert ET.parse(path).getroot().tag == "{http://www.w3.org/2000/svg}svg"
    with pytest.raises(ValueError, match="plot format must be one of png, svg"):
        draw_run_plots(default_results, tmp_path, fmt="jpg")  # type: ignore[arg-type]


def test_same_results_give_identical_png_files(default_results: RunResults, tmp_path: Path) -> None:
    a = draw_run_plots(default_results, tmp_path / "a")
    b = draw_run_plots(default_results, tmp_path / "b")
    for x, y in zip(a, b, strict=True):
        assert x.read_bytes() == y.read_bytes(), x.name


def test_plots_drawn_in_parallel_are_the_serial_bytes_in_order(
    default_results: RunResults, tmp_path: Path
) -> None:
    serial = draw_run_plots(default_results, tmp_path / "serial", workers=1)
    parallel = draw_run_plots(default_results, tmp_path / "parallel", workers=3)
    assert [p.name for p in parallel] == [p.name for p in serial]
    assert [p.name for p in serial] == [f"{name}.png" for name in DRAWN_NAMES]
    for a, b in zip(serial, parallel, strict=True):
        assert a.read_bytes() == b.read_bytes(), a.name
    index = "plots.json"
    assert (tmp_path / "serial" / index).read_bytes() == (
        tmp_path / "parallel" / index
    ).read_bytes()


def test_draw_jobs_forks_only_without_other_threads() -> None:
    import os
    import threading

    from sim.output.workers import _can_fork, draw_jobs

    jobs = [os.getpid for _ in range(4)]
    here = os.getpid()
    assert draw_jobs(jobs, workers=1) == [here] * 4
    forked = draw_jobs(jobs, costs=[1, 4, 2, 3], workers=2)
    if _can_fork():  # a plugin's thread in this test process would keep it serial
        assert here not in forked and 1 <= len(set(forked)) <= 2
    else:
        assert forked == [here] * 4
    release = threading.Event()
    other = threading.Thread(target=release.wait)
    other.start()
    try:  # another thread could hold a lock a forked child would never see released
        assert draw_jobs(jobs, workers=2) == [here] * 4
    finally:
        release.set()
        other.join()


def test_a_failing_figure_fails_the_parallel_drawing(tmp_path: Path) -> None:
    from sim.output.workers import draw_jobs

    def broken() -> Path:
        raise ValueError("no such column")

    with pytest.raises(ValueError, match="no such column"):
        draw_jobs([lambda: tmp_path, broken], workers=2)


def test_bloc_labels_name_the_reference_states(default_results: RunResults) -> None:
    labels = bloc_labels(default_results)
    countries = default_results["countries"].set_index("country")
    usa_bloc = int(countries.loc["USA", "bloc"])
    rus_bloc = int(countries.loc["RUS", "bloc"])
    size = int((countries["bloc"] == usa_bloc).sum())
    assert labels[usa_bloc] == f"bloc {usa_bloc}: USA +{size - 1}"
    assert labels[rus_bloc].startswith(f"bloc {rus_bloc}: RUS")
    assert labels[int(countries.loc["VEN", "bloc"])].endswith(": VEN")  # absent: a bloc alone


def row_names(fig: Figure) -> list[list[str]]:
    """The state names beside each panel of the vote chart, top row first."""
    return [
        a.get_text().split("\n") for ax in fig.axes for a in ax.texts if isinstance(a, RowNames)
    ]


def test_small_world_names_every_state(default_results: RunResults) -> None:
    fig = figure_votes_by_bloc(default_results)
    names = [name for panel in row_names(fig) for name in panel]
    assert sorted(names) == sorted(default_results["countries"]["country"])
    heatmap = figure_alignment_heatmap(default_results)
    assert len(heatmap.axes[0].get_yticklabels()) == 22


def test_large_world_stays_readable(large_results: RunResults, tmp_path: Path) -> None:
    n = len(large_results["countries"])
    assert n == 193 > MAX_LABELS
    votes = figure_votes_by_bloc(large_results)
    panels = row_names(votes)
    assert len(panels) == 4  # 193 states in panels of at most 50 rows, every state named once
    names = [name for panel in panels for name in panel]
    assert sorted(names) == sorted(large_results["countries"]["country"])
    # each name sits beside its row: the names span the panel's height, centred on it
    FigureCanvasAgg(votes).draw()
    for ax in votes.axes:
        (text,) = [a for a in ax.texts if isinstance(a, RowNames)]
        box, panel = text.get_window_extent(), ax.get_window_extent()
        rows = ax.images[0].get_array().shape[0]
        assert len(text.get_text().split("\n")) == rows
        assert box.height == pytest.approx(panel.height, abs=1.0)
        assert (box.y0 + box.y1) / 2 == pytest.approx((panel.y0 + panel.y1) / 2, abs=1.0)
    heatmap = figure_alignment_heatmap(large_results).axes[0]
    blocs = large_results["countries"]["bloc"].nunique()
    assert 1 <= len(heatmap.get_yticklabels()) <= blocs  # blocs named, not 193 states
    assert [t.get_text() for t in heatmap.get_xticklabels()] == ["S0000", "S0001"]
    written = draw_run_plots(large_results, tmp_path)
    assert [p.name for p in written] == [f"{n}.png" for n in RUN_PLOT_NAMES]


def test_favour_ledger_without_favours_says_so(default_results: RunResults) -> None:
    empty = default_results["favours"].iloc[0:0]
    results = RunResults(
        default_results.path, default_results.manifest, {**default_results.tables, "favours": empty}
    )
    fig = figure_favour_ledger(results)
    assert [t.get_text() for t in fig.axes[0].texts] == ["No favours were owed in this run."]


def test_heatmap_shows_the_stored_agreement_grouped_by_bloc(default_results: RunResults) -> None:
    fig = figure_alignment_heatmap(default_results)
    shown = np.asarray(fig.axes[0].images[0].get_array())
    countries = default_results["countries"]
    ids = list(countries["country"])
    # the order on screen: blocs together, in dendrogram order within a bloc
    order = sorted(range(len(ids)), key=lambda i: (countries["bloc"][i], countries["order"][i]))
    assert [t.get_text() for t in fig.axes[0].get_yticklabels()] == [ids[i] for i in order]
    # every cell is the stored agreement of that pair (1 on the diagonal)
    alignment = default_results["alignment"]
    value = {
        (a, b): v
        for a, b, v in zip(
            alignment["country_a"], alignment["country_b"], alignment["agreement"], strict=True
        )
    }
    for row, i in enumerate(order):
        for col, j in enumerate(order):
            a, b = ids[i], ids[j]
            want = 1.0 if a == b else value.get((a, b), value.get((b, a)))
            got = shown[row, col]
            assert (np.isnan(got) and np.isnan(want)) or got == want, (a, b)
    # blocs really are squares: a bloc's rows are contiguous
    blocs = [int(countries["bloc"][i]) for i in order]
    assert blocs == sorted(blocs)


def test_every_bloc_in_a_legend_is_drawn(default_results: RunResults) -> None:
    """VEN (in arrears, absent from every vote) was in both legends but drawn in neither."""
    countries = default_results["countries"].set_index("country")
    ven_bloc = int(countries.loc["VEN", "bloc"])
    for figure in (figure_alignment_map, figure_bloc_network):
        ax = figure(default_results).axes[0]
        handles, labels = ax.get_legend_handles_labels()
        for handle, label in zip(handles, labels, strict=True):
            points = np.asarray(handle.get_offsets(), dtype=float)
            assert np.isfinite(points).all(axis=1).any(), (figure.__name__, label)
        notes = " ".join(t.get_text() for t in ax.texts)
        assert "VEN" in notes, figure.__name__  # said where it is (or why it is not shown)
    network = figure_bloc_network(default_results).axes[0]
    shown = [label for label in network.get_legend_handles_labels()[1]]
    assert any(label.startswith(f"bloc {ven_bloc}: VEN") for label in shown)
    map_labels = figure_alignment_map(default_results).axes[0].get_legend_handles_labels()[1]
    assert not any(label.startswith(f"bloc {ven_bloc}:") for label in map_labels)


def _results(blocs: dict[str, int], agreement: dict[tuple[str, str], float]) -> RunResults:
    """A hand-made run: countries in blocs, pairwise agreement, every state voting once."""
    ids = list(blocs)
    tables = {
        "countries": pd.DataFrame(
            {"country": ids, "name": ids, "bloc": list(blocs.values()), "order": range(len(ids))}
        ),
        "alignment": pd.DataFrame(
            [{"country_a": a, "country_b": b, "agreement": v} for (a, b), v in agreement.items()]
        ),
        "votes": pd.DataFrame(
            {"round": 1, "resolution": "R", "country": ids, "vote": ["yes"] * len(ids)}
        ),
    }
    scenario = RunScenario(name="hand-made", path="", sha256="", reference_states=["USA", "RUS"])
    manifest = RunManifest(
        schema_version=1, created="", versions={}, scenario=scenario, seed=0, rounds=1,
        parameters={}, channels=[],
    )  # fmt: skip
    return RunResults(Path("hand-made"), manifest, tables)


def test_blocs_are_named_after_their_most_prominent_then_most_central_member() -> None:
    blocs = {"AAA": 1, "BBB": 1, "CCC": 1, "ABC": 2, "CHN": 2, "FRA": 2, "USA": 3, "GBR": 3}
    agreement = {
        ("AAA", "BBB"): 0.8,
        ("AAA", "CCC"): 0.5,
        ("BBB", "CCC"): 0.9,  # BBB agrees most with the rest of its bloc: its centre
        ("ABC", "CHN"): 0.9,
        ("ABC", "FRA"): 0.9,
        ("CHN", "FRA"): 0.9,
        ("USA", "GBR"): 1.0,
    }
    leads = bloc_leads(_results(blocs, agreement))
    # a reference state first, then a permanent member (in P5 order), then the most central
    # member; never simply the alphabetically first (AAA, ABC)
    assert leads == {1: "BBB", 2: "CHN", 3: "USA"}
    assert bloc_labels(_results(blocs, agreement))[1] == "bloc 1: BBB +2"
    # ties in centrality go to the state that voted most, then to the scenario's order
    flat = {k: 0.9 for k in agreement}
    results = _results(blocs, flat)
    votes = results["votes"]
    results.tables["votes"] = votes.assign(
        vote=np.where(votes["country"] == "AAA", "absent", "yes")
    )
    assert bloc_leads(results)[1] == "BBB"


def test_plots_import_neither_pyplot_nor_networkx() -> None:
    import subprocess
    import sys

    code = (
        "import sys, sim.output.plots, sim.output.sweep_plots, sim.output.report;"
        "bad = {'matplotlib.pyplot', 'networkx'} & set(sys.modules); print(sorted(bad))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "[]"


def test_jobs_of_a_killed_plot_worker_are_drawn_here(tmp_path: Path) -> None:
    import os
    import signal

    from sim.output.workers import draw_jobs

    here = os.getpid()

    def dies_in_a_worker() -> int:
        if os.getpid() != here:
            os.kill(os.getpid(), signal.SIGKILL)
        return os.getpid()

    # the pool breaks as a whole: every job without a result is redone in this process
    assert draw_jobs([dies_in_a_worker, dies_in_a_worker], workers=2) == [here, here]
