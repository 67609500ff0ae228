"""One run written to disk: a finished model's record as tidy tables plus a manifest.

The layout is in :mod:`sim.common.tables`; the whole directory is published atomically
(:func:`sim.common.files.publish_dir`). Plots and the report are drawn by the caller (the CLI)
into the staging directory through ``decorate``, so nothing here depends on the output layer.
"""

from __future__ import annotations

import platform
from collections.abc import Callable, Mapping
from dataclasses import replace
from pathlib import Path

import numpy as np
import pyarrow as pa

from sim.common.files import (
    now_iso,
    package_versions,
    publish_dir,
    sha256_of,
    write_table,
)
from sim.common.manifests import SCHEMA_VERSION, RunManifest, RunScenario, write_manifest
from sim.common.measures import adopted, alignment, blocs
from sim.common.tables import arrow_table
from sim.model.channels import REGISTRY
from sim.model.model import VoteRecord
from sim.model.timeline import Timeline
from sim.model.votes import VOTE_WORDS, Vote
from sim.scenario.loading import files_sha256
from sim.scenario.record_index import RECORDS, agenda_records, world_folder
from sim.scenario.records import RollCall, same_resolution
from sim.scenario.schema import LoadedScenario, Resolution, Scenario
from sim.scenario.world import ScenarioModel, build_world, run_scenario


def vote_matrix(model: ScenarioModel) -> np.ndarray:
    """``(n_countries, n_votes)`` vote codes over every resolution vote of a run."""
    records = model.record.votes
    if not records:
        return np.zeros((model.world.size, 0), dtype=np.int8)
    return np.column_stack([r.votes for r in records])


def recorded_table(
    scenario: Scenario, resolutions: list[str], records: Mapping[str, RollCall] | None = None
) -> pa.Table:
    """Tabulate the recorded votes of the run's resolutions, from the history or ``records``.

    One row per resolution (in the order given, each once) and scenario country, with the
    vote as a word (a member missing from the record is ``absent``); resolutions without a
    record have no rows. A resolution's record is the scenario's history entry for it (un_2022
    holds its agenda's records there) or else its entry in ``records``, the agenda records of
    a built world (:func:`sim.scenario.record_index.agenda_records`), which the model never
    reads. The output layer shows these beside the simulated votes.
    """
    ids = [c.id for c in scenario.countries]
    records = records or {}
    rows: dict[str, list[str]] = {"resolution": [], "country": [], "vote": []}
    for resolution in dict.fromkeys(resolutions):
        votes: Mapping[str, str | Vote] | None = next(
            (r.votes for r in scenario.history if same_resolution(r.resolution, resolution)),
            None,
        )
        if votes is None and resolution in records:
            votes = records[resolution].votes
        if votes is not None:
            rows["resolution"] += [resolution] * len(ids)
            rows["country"] += ids
            rows["vote"] += [VOTE_WORDS[_code(votes.get(c, Vote.ABSENT))] for c in ids]
    return pa.table({k: pa.array(v, pa.string()) for k, v in rows.items()})


def _code(vote: str | Vote) -> Vote:
    """Return a recorded vote as a code (history records hold words, read roll calls codes)."""
    return vote if isinstance(vote, Vote) else Vote.from_word(vote)


def parties_table(resolutions: list[Resolution]) -> pa.Table:
    """Tabulate the parties of each resolution of the run: its sponsors and its target.

    One row per resolution (each once, in run order) and party, ``role`` ``sponsor`` or
    ``target``; the quid-pro-quo channel counts only debts to these (``explain`` says so).
    """
    rows: dict[str, list[str]] = {"resolution": [], "country": [], "role": []}
    for resolution in {r.id: r for r in resolutions}.values():
        parties = [(s, "sponsor") for s in resolution.sponsors]
        if resolution.target is not None:
            parties.append((resolution.target, "target"))
        for country, role in parties:
            rows["resolution"].append(resolution.id)
            rows["country"].append(country)
            rows["role"].append(role)
    return pa.table({k: pa.array(v, pa.string()) for k, v in rows.items()})


def build_tables(
    model: ScenarioModel, recorded: Mapping[str, RollCall] | None = None
) -> dict[str, pa.Table]:
    """Turn a finished model's record into the results tables.

    ``recorded`` are the agenda's recorded roll calls kept outside the history
    (:func:`sim.scenario.record_index.agenda_records`), for the ``recorded`` table only.
    """
    ids = np.array(model.world.ids, dtype=object)
    n = ids.size
    records = model.record.votes
    words = np.array(VOTE_WORDS, dtype=object)
    round_col = np.repeat([r.round for r in records], n).astype(np.int32)
    resolution_col = np.repeat([r.resolution.id for r in records], n).astype(object)
    country_col = np.tile(ids, len(records))
    codes = np.concatenate([r.votes for r in records]) if records else np.zeros(0, dtype=np.int8)
    votes = pa.table(
        {
            "round": pa.array(round_col, pa.int32()),
            "resolution": pa.array(resolution_col, pa.string()),
            "country": pa.array(country_col, pa.string()),
            "vote": pa.array(words[codes], pa.string()),
        }
    )
    contributions = _contributions(records, votes)
    agenda = {r.id: r for r in model.spec.agenda}
    resolutions = [agenda[r.resolution.id] for r in records]
    tallies = _tallies(records, resolutions)
    favour_rows = model.record.favours
    favours = pa.table(
        {
            "round": pa.array(
                np.concatenate([np.full(d.size, rnd) for rnd, d, _, _ in favour_rows]), pa.int32()
            ),
            "debtor": pa.array(np.concatenate([ids[d] for _, d, _, _ in favour_rows]), pa.string()),
            "creditor": pa.array(
                np.concatenate([ids[c] for _, _, c, _ in favour_rows]), pa.string()
            ),
            "balance": pa.array(np.concatenate([b for _, _, _, b in favour_rows]), pa.float64()),
        }
    )
    matrix = vote_matrix(model)
    aligned = alignment(matrix)
    a, b = np.triu_indices(n, k=1)
    alignment_table = pa.table(
        {
            "country_a": pa.array(ids[a], pa.string()),
            "country_b": pa.array(ids[b], pa.string()),
            "joint_votes": pa.array(aligned.joint[a, b], pa.int32()),
            "agreement": pa.array(aligned.agreement[a, b], pa.float64()),
            "s_score": pa.array(aligned.s_score[a, b], pa.float64()),
            "kappa": pa.array(aligned.kappa[a, b], pa.float64()),
        }
    )
    labels, order = blocs(aligned.agreement, model.spec.parameters.bloc_agreement)
    position_in_order = np.empty(n, dtype=np.int32)
    position_in_order[order] = np.arange(n, dtype=np.int32)
    countries = pa.table(
        {
            "country": pa.array(ids, pa.string()),
            "name": pa.array(list(model.world.names), pa.string()),
            "bloc": pa.array(labels, pa.int32()),
            "order": pa.array(position_in_order, pa.int32()),
        }
    )
    rounds = arrow_table(model.datacollector.get_model_vars_dataframe().reset_index(drop=True))
    return {
        "votes": votes,
        "tallies": tallies,
        "contributions": contributions,
        "favours": favours,
        "alignment": alignment_table,
        "countries": countries,
        "rounds": rounds,
        "recorded": recorded_table(model.spec, [r.resolution.id for r in records], recorded),
        "parties": parties_table(resolutions),
    }


def _contributions(records: list[VoteRecord], votes: pa.Table) -> pa.Table:
    """One row per vote cast: every channel's contribution, score, band, deciding channel."""
    contributions_cols: dict[str, pa.Array] = {
        "round": votes["round"],
        "resolution": votes["resolution"],
        "country": votes["country"],
    }
    stacked = (
        np.vstack([r.contributions for r in records]) if records else np.zeros((0, len(REGISTRY)))
    )
    for c, channel in enumerate(REGISTRY.names):
        contributions_cols[channel] = pa.array(stacked[:, c], pa.float64())
    contributions_cols["score"] = pa.array(stacked.sum(axis=1), pa.float64())
    bands = np.concatenate([r.bands for r in records]) if records else np.zeros(0)
    contributions_cols["band"] = pa.array(bands, pa.float64())
    contributions_cols["vote"] = votes["vote"]
    deciding = np.concatenate([r.deciding for r in records]) if records else np.zeros(0, int)
    channel_names = np.array(REGISTRY.names, dtype=object)
    contributions_cols["deciding_channel"] = pa.array(channel_names[deciding], pa.string())
    fixed = np.concatenate([r.fixed for r in records]) if records else np.zeros(0, bool)
    contributions_cols["fixed"] = pa.array(fixed, pa.bool_())
    return pa.table(contributions_cols)


def _tallies(records: list[VoteRecord], resolutions: list[Resolution]) -> pa.Table:
    """One row per resolution vote: counts per vote, adopted, iterations, inducements spent.

    ``resolutions`` are the scenario's agenda items of ``records``, in the same order.
    """
    tallies: pa.Table = pa.table(
        {
            "round": pa.array([r.round for r in records], pa.int32()),
            "resolution": pa.array([r.resolution.id for r in records], pa.string()),
            "title": pa.array([r.title for r in resolutions], pa.string()),
            "issue": pa.array([r.issue for r in resolutions], pa.string()),
            **{
                word: pa.array([int((r.votes == code).sum()) for r in records], pa.int32())
                for code, word in enumerate(VOTE_WORDS)
            },
            "adopted": pa.array(
                [
                    adopted(r.votes, res.majority)
                    for r, res in zip(records, resolutions, strict=True)
                ]
            ),
            "iterations": pa.array([r.iterations for r in records], pa.int32()),
            "converged": pa.array([r.converged for r in records], pa.bool_()),
            "inducement_spent": pa.array([r.inducement_spent for r in records], pa.float64()),
        }
    )
    return tallies


def record_files(loaded: LoadedScenario, records: Mapping[str, RollCall]) -> list[Path]:
    """Return the files of the world's ``records/`` that :func:`agenda_records` read.

    Its ``index.csv`` (read whenever it is there) and the record of each agenda item it found.
    """
    index = world_folder(loaded.path) / RECORDS / "index.csv"
    if not index.is_file():
        return []
    return [index, *dict.fromkeys(record.path for record in records.values())]


def build_manifest(
    loaded: LoadedScenario,
    model: ScenarioModel,
    seed: int,
    command: list[str] | None,
    records: Mapping[str, RollCall] | None = None,
) -> RunManifest:
    """Build the provenance record of a run (its table hashes are added once written).

    ``records`` are the agenda records the run read for its ``recorded`` table
    (:func:`agenda_records`): their files are listed with the scenario's, and hashed with them.
    """
    read = record_files(loaded, records or {})
    files = [*loaded.files, *read]
    return RunManifest(
        schema_version=SCHEMA_VERSION,
        kind="run",
        created=now_iso(),
        command=command,
        versions=package_versions(),
        platform=platform.platform(),
        scenario=RunScenario(
            name=loaded.scenario.name,
            path=str(loaded.path),
            sha256=files_sha256(files, loaded.path.parent) if read else loaded.sha256,
            files=[str(f) for f in files],
            overrides=list(loaded.overrides),
            reference_states=list(loaded.scenario.reference_states),
        ),
        seed=seed,
        rounds=model.rounds,
        parameters=loaded.scenario.parameters.model_dump(mode="json"),
        channels=list(REGISTRY.names),
    )


def write_run(
    out: Path,
    loaded: LoadedScenario,
    model: ScenarioModel,
    seed: int,
    *,
    decorate: Callable[[Path, RunManifest], None] | None = None,
    force: bool = False,
    command: list[str] | None = None,
) -> Path:
    """Write every table and the manifest, atomically; ``decorate`` may add plots and a report.

    Everything is written into a staging directory that replaces ``out`` only when complete;
    ``decorate(staging, manifest)`` runs last, inside it. The ``recorded`` table takes the
    agenda records of the scenario's world too (:func:`sim.scenario.record_index.agenda_records`).
    """
    records = agenda_records(loaded)
    tables = build_tables(model, records)
    manifest = build_manifest(loaded, model, seed, command, records)

    def fill(staging: Path) -> None:
        files = {}
        for name, table in tables.items():
            write_table(table, staging / f"{name}.parquet")
            files[f"{name}.parquet"] = sha256_of(staging / f"{name}.parquet")
        written = replace(manifest, files=files)
        write_manifest(staging, written)
        if decorate is not None:
            decorate(staging, written)

    return publish_dir(out, fill, force)


def simulate_and_write(
    out: Path,
    loaded: LoadedScenario,
    seed: int,
    *,
    rounds: Callable[[Timeline], int] | None = None,
    note: Callable[[str], None] | None = None,
    decorate: Callable[[Path, RunManifest], None] | None = None,
    force: bool = False,
    command: list[str] | None = None,
) -> tuple[ScenarioModel, Path]:
    """Build the world, run the model and write the run (:func:`write_run`): one run, whole.

    ``rounds(timeline)`` chooses how many rounds to run (default all; it may refuse by
    raising), ``note`` hears what the run leaves out (:func:`timeline_notes`).
    Returns the finished model and the published directory.
    """
    world = build_world(loaded.scenario)
    to_run = world.timeline.rounds if rounds is None else rounds(world.timeline)
    for line in timeline_notes(loaded.scenario, world.timeline, to_run):
        if note is not None:
            note(line)
    model = run_scenario(
        loaded.scenario, rng=np.random.default_rng(seed), rounds=to_run, world=world
    )
    written = write_run(out, loaded, model, seed, decorate=decorate, force=force, command=command)
    return model, written


def timeline_notes(scenario: Scenario, timeline: Timeline, rounds: int) -> list[str]:
    """Return what a run leaves out: empty rounds, resolutions after the last round run."""
    notes = []
    empty = timeline.empty_rounds(rounds)
    if empty:
        notes.append(f"round(s) {', '.join(map(str, empty))} have nothing on the agenda")
    left = [
        scenario.agenda[i].id
        for r in range(rounds + 1, timeline.rounds + 1)
        for i in timeline.agenda.get(r, ())
    ]
    if left:
        notes.append(f"not voted on, after round {rounds}: {', '.join(dict.fromkeys(left))}")
    return notes
