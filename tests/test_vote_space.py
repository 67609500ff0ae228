"""The scaled alignment map and the blocs per issue: exact values on scripted votes."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from sim.common.manifests import RunManifest, RunScenario
from sim.common.measures import alignment, blocs
from sim.common.tables import RunResults
from sim.model.votes import Vote
from sim.output.blocs import bloc_leads
from sim.output.plots import run_plots
from sim.output.recorded import figure_recorded
from sim.output.space_plots import figure_issue_blocs, figure_scaled_map, map_labels
from sim.output.vote_space import (
    ALL_ISSUES,
    MAP_MIN_VOTES,
    issue_bloc_table,
    issue_blocs,
    principal_coordinates,
    recorded_coordinates,
    vote_codes,
)


def test_two_perfect_blocs_are_two_points_half_a_unit_either_side() -> None:
    agreement = np.array(
        [[1.0, 1.0, 0.0, 0.0], [1.0, 1.0, 0.0, 0.0], [0.0, 0.0, 1.0, 1.0], [0.0, 0.0, 1.0, 1.0]]
    )
    coords = principal_coordinates(agreement, reference=0)
    assert coords.xy == pytest.approx(np.array([[0.5, 0], [0.5, 0], [-0.5, 0], [-0.5, 0]]))
    assert coords.explained == pytest.approx((1.0, 0.0))
    assert coords.placed.all()
    # the sign follows the reference state: the other bloc's member is now on the right
    flipped = principal_coordinates(agreement, reference=2)
    assert flipped.xy[:, 0] == pytest.approx([-0.5, -0.5, 0.5, 0.5])


def test_distances_of_a_plane_are_recovered_exactly_longest_side_first() -> None:
    # four states at the corners of a 0.6 x 0.3 rectangle: agreement = 1 - distance
    points = np.array([[0.0, 0.0], [0.6, 0.0], [0.0, 0.3], [0.6, 0.3]])
    distance = np.hypot(*(points[:, None, :] - points[None, :, :]).transpose(2, 0, 1))
    coords = principal_coordinates(1.0 - distance, reference=3)
    assert coords.xy == pytest.approx(
        np.array([[-0.3, -0.15], [0.3, -0.15], [-0.3, 0.15], [0.3, 0.15]])
    )
    assert coords.explained == pytest.approx((0.8, 0.2))  # 4 * 0.3**2 and 4 * 0.15**2


def test_a_state_with_no_joint_vote_is_not_placed_and_moves_no_one() -> None:
    agreement = np.array([[1.0, 1.0, 0.0], [1.0, 1.0, 0.0], [0.0, 0.0, 1.0]])
    padded = np.full((4, 4), np.nan)
    padded[:3, :3] = agreement
    coords = principal_coordinates(padded, reference=0)
    assert not coords.placed[3] and np.isnan(coords.xy[3]).all()
    assert coords.xy[:3] == pytest.approx(principal_coordinates(agreement, reference=0).xy)
    # the bloc of two is twice as heavy: it sits a third of the way from the centre
    assert coords.xy[:3, 0] == pytest.approx([1 / 3, 1 / 3, -2 / 3])


WORDS = {1: "yes", 2: "abstain", 3: "no", 0: "absent"}


def scripted_run(
    codes: dict[str, list[int]], issues: list[str], recorded: dict[str, list[int]] | None = None
) -> RunResults:
    """A stored run written by hand: each state's vote code on each resolution, its issue."""
    ids = list(codes)
    matrix = np.array([codes[c] for c in ids])
    aligned = alignment(matrix)
    labels, order = blocs(aligned.agreement, 0.7)
    resolutions = [f"R{k}" for k in range(len(issues))]
    a, b = np.triu_indices(len(ids), k=1)
    tables = {
        "countries": pd.DataFrame(
            {"country": ids, "name": ids, "bloc": labels, "order": np.argsort(order)}
        ),
        "tallies": pd.DataFrame(
            {"round": range(1, len(issues) + 1), "resolution": resolutions, "issue": issues}
        ),
        "votes": pd.DataFrame(
            [
                {"round": k + 1, "resolution": r, "country": c, "vote": WORDS[codes[c][k]]}
                for k, r in enumerate(resolutions)
                for c in ids
            ]
        ),
        "alignment": pd.DataFrame(
            {
                "country_a": [ids[i] for i in a],
                "country_b": [ids[j] for j in b],
                "agreement": aligned.agreement[a, b],
            }
        ),
    }
    if recorded is not None:
        tables["recorded"] = pd.DataFrame(
            [
                {"resolution": r, "country": c, "vote": WORDS[recorded[c][k]]}
                for k, r in enumerate(resolutions)
                for c in ids
            ]
        )
    scenario = RunScenario(name="scripted", path="", sha256="", reference_states=["USA", "RUS"])
    manifest = RunManifest(
        schema_version=1, created="", versions={}, scenario=scenario, seed=0, rounds=len(issues),
        parameters={"bloc_agreement": 0.7}, channels=[],
    )  # fmt: skip
    return RunResults(Path("scripted"), manifest, tables)


# issue "a": USA and GBR against RUS and CHN; issue "b": USA and RUS against GBR and CHN
CROSSED = {
    "USA": [1, 1, 1, 1],
    "GBR": [1, 1, 3, 3],
    "RUS": [3, 3, 1, 1],
    "CHN": [3, 3, 3, 3],
}


def test_blocs_per_issue_are_the_clustering_redone_on_each_issue() -> None:
    results = scripted_run(CROSSED, ["a", "a", "b", "b"])
    entries = issue_blocs(results)
    assert [(e.issue, e.votes) for e in entries] == [(ALL_ISSUES, 4), ("a", 2), ("b", 2)]
    # every vote together: agreement 0.5 between any two, below 0.7: four blocs of one
    assert sorted(entries[0].bloc.tolist()) == [1, 2, 3, 4]
    assert entries[1].bloc.tolist() == [1, 1, 2, 2]  # USA GBR | RUS CHN
    assert entries[2].bloc.tolist() == [1, 2, 1, 2]  # USA RUS | GBR CHN
    assert entries[1].leads == {1: "USA", 2: "RUS"}  # reference states first
    assert entries[2].leads == {1: "USA", 2: "CHN"}  # then permanent members (P5 order)
    table = issue_bloc_table(results)
    assert list(table.columns) == ["issue", "votes", "bloc", "lead", "states", "members"]
    assert table[table["issue"] == "b"].to_dict("records") == [
        {"issue": "b", "votes": 2, "bloc": 1, "lead": "USA", "states": 2, "members": "USA, RUS"},
        {"issue": "b", "votes": 2, "bloc": 2, "lead": "CHN", "states": 2, "members": "GBR, CHN"},
    ]
    assert vote_codes(results, "b").tolist() == [[1, 1], [3, 3], [1, 1], [3, 3]]
    assert vote_codes(results)[:, 0].tolist() == [int(Vote.YES), 1, int(Vote.NO), 3]


def test_blocs_per_issue_figure_has_a_bar_per_issue_split_by_its_blocs() -> None:
    fig = figure_issue_blocs(scripted_run({**CROSSED, "FRA": [1, 1, 3, 3]}, ["a"] * 2 + ["b"] * 2))
    ax = fig.axes[0]
    names = [t.get_text().split("\n")[0] for t in ax.get_yticklabels()]
    assert names == [ALL_ISSUES, "a", "b"]
    # issue a: USA GBR FRA (3) | RUS CHN (2, pooled grey); widths add up to the five states
    widths = {}
    for patch in ax.patches:
        row = round(patch.get_y() + patch.get_height() / 2)
        widths.setdefault(row, []).append(patch.get_width())
    assert widths[1] == [3, 2] and widths[2] == [3, 2]
    assert all(sum(w) == 5 for w in widths.values())


def test_the_run_chooses_its_map_and_issue_plots_by_what_it_holds() -> None:
    few = scripted_run(CROSSED, ["a", "a", "b", "b"])
    stems = [spec.stem for spec in run_plots(few)]
    assert stems[3] == "alignment_map" and "blocs_by_issue" in stems
    assert run_plots(few)[3].draw.__name__ == "figure_alignment_map"  # agreement with USA, RUS
    many = scripted_run({c: v * 3 for c, v in CROSSED.items()}, ["a"] * 12)
    assert len(many["tallies"]) >= MAP_MIN_VOTES
    specs = run_plots(many)
    assert specs[3].draw.__name__ == "figure_scaled_map"
    assert "blocs_by_issue" not in [spec.stem for spec in specs]  # one issue


def test_recorded_map_beside_the_simulated_one_with_records_enough() -> None:
    codes = {c: v * 3 for c, v in CROSSED.items()}
    recorded = {**codes, "CHN": codes["USA"]}  # China recorded voting with the US
    results = scripted_run(codes, ["a"] * 12, recorded)
    coords, votes = recorded_coordinates(results) or (None, 0)
    assert votes == 12 and coords is not None
    assert coords.xy[3] == pytest.approx(coords.xy[0])  # CHN where USA is
    fig = figure_scaled_map(results)
    assert [ax.get_title() for ax in fig.axes[:2]] == ["simulated: 12 votes", "recorded: 12 votes"]
    too_few = scripted_run(CROSSED, ["a"] * 4, CROSSED)
    assert recorded_coordinates(too_few) is None
    assert len(figure_scaled_map(too_few).axes) == 1


def test_map_labels_name_extremes_and_pool_states_at_one_point() -> None:
    ids = ["USA", "GBR", "RUS", "CHN", "AAA", "BBB", "CCC", "DDD", "EEE"]
    agreement = np.full((9, 9), 0.5)
    for group in ([0, 1], [2, 3, 4, 5, 6, 7]):
        agreement[np.ix_(group, group)] = 1.0
    coords = principal_coordinates(agreement, reference=0)
    shown = map_labels(ids, coords, {"USA", "RUS"})
    labels = {text.split(",")[0]: text for _, text in shown}
    assert len(shown) == 3  # one label per point
    assert labels["USA"] == "USA, GBR"
    # six states at one point: notable first, three names and the count of the others
    assert labels["RUS"].startswith("RUS, ") and labels["RUS"].endswith(" +3")
    assert labels["EEE"] == "EEE"  # alone at an end of an axis


def test_a_bloc_is_not_named_after_a_member_absent_from_most_votes() -> None:
    # AAA cast one vote (with the bloc: full agreement), BBB and CCC all four, split once
    codes = {
        "AAA": [1, 0, 0, 0],
        "BBB": [1, 1, 1, 1],
        "CCC": [1, 1, 1, 2],
        "USA": [3, 3, 3, 3],
    }
    results = scripted_run(codes, ["a"] * 4)
    bloc = dict(zip(results["countries"]["country"], results["countries"]["bloc"], strict=True))
    assert bloc["AAA"] == bloc["BBB"] == bloc["CCC"] != bloc["USA"]
    # AAA agrees fully with both (mean 1.0), BBB and CCC 0.9375: AAA would lead on centrality
    assert bloc_leads(results)[bloc["AAA"]] == "BBB"


def test_a_session_of_records_is_compared_one_panel_per_issue() -> None:
    codes = {c: v * 3 for c, v in CROSSED.items()}
    recorded = {**codes, "CHN": codes["USA"]}  # China recorded voting with the US
    results = scripted_run(codes, ["a"] * 6 + ["b"] * 6, recorded)
    results.tables["contributions"] = results["votes"].assign(
        fixed=False, deciding_channel="opinion"
    )
    fig = figure_recorded(results)
    titles = [ax.get_title() for ax in fig.axes if ax.get_visible()]
    # only CHN is off: recorded yes on all 12 (as the US), simulated no on all 12
    assert titles == [
        "every vote (12 votes): 36/48 same",
        "a (6 votes): 18/24 same",
        "b (6 votes): 18/24 same",
    ]
