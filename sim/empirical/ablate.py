"""Leave one channel out (``alliance-sim ablate``): what each mechanism explains.

Each weighted channel's weight is set to 0 in turn, the scenario is re-run on the same seeds
(common random numbers) and scored against the record. A channel explains a vote when
removing it changes the state's modal vote; the table lists those states, and whether the
change moved them toward yes or toward no.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from sim.common.reports import AblationReport, ChangedVote, ChannelAblation
from sim.empirical.records import agenda_item, read_record
from sim.empirical.validate import compare, simulate_resolution
from sim.model.channels import REGISTRY
from sim.model.votes import POSITION_OF_VOTE, VOTE_WORDS
from sim.scenario.schema import Scenario


def ablate(
    scenario: Scenario, record_path: str | Path, resolution: str, replicates: int = 10
) -> AblationReport:
    """Accuracy with every channel, then with each weighted channel switched off.

    Returns
    -------
    AblationReport
        The accuracy with every channel (mean and sd), and ``channels``: per channel the
        accuracy mean and sd without it, its difference from the full model, and ``changed``:
        the states whose modal vote changes, each with the full and ablated vote, the
        direction the channel pushed them (``toward yes`` when removing it moves the state
        toward no) and the channel's mean contribution to the state's score in the full runs
        (whose sign is the direction the channel's rule predicts).
    """
    item = agenda_item(scenario, resolution)
    record = read_record(record_path, scenario, item.id)
    ids = [c.id for c in scenario.countries]
    full = simulate_resolution(scenario, item.id, replicates)
    full_report = compare(full.votes, record.codes)
    rows = []
    for column, channel in enumerate(REGISTRY):
        if not channel.weighted:
            continue
        parameters = scenario.parameters.model_copy(update={channel.weight_parameter: 0.0})
        without = simulate_resolution(
            scenario.model_copy(update={"parameters": parameters}), item.id, replicates
        )
        report = compare(without.votes, record.codes)
        base, ablated = full.modal, without.modal
        changed = []
        for i in np.flatnonzero(base != ablated):
            shift = POSITION_OF_VOTE[ablated[i]] - POSITION_OF_VOTE[base[i]]
            changed.append(
                ChangedVote(
                    country=ids[i],
                    kept=VOTE_WORDS[base[i]],
                    dropped=VOTE_WORDS[ablated[i]],
                    recorded=VOTE_WORDS[record.codes[i]],
                    pushed="toward yes" if shift < 0 else "toward no" if shift > 0 else "out",
                    contribution=float(full.contributions[i, column]),
                )
            )
        rows.append(
            ChannelAblation(
                channel=channel.name,
                accuracy_mean=report.accuracy,
                accuracy_sd=report.sd["accuracy"],
                difference=report.accuracy - full_report.accuracy,
                changed=changed,
            )
        )
    return AblationReport(
        resolution=item.id,
        replicates=replicates,
        accuracy_mean=full_report.accuracy,
        accuracy_sd=full_report.sd["accuracy"],
        channels=rows,
    )


def format_ablation(report: AblationReport) -> str:
    """Return the leave-one-channel-out table as text."""
    lines = [
        f"{report.resolution}: leave one channel out, {report.replicates} replicate(s); "
        f"with every channel accuracy {report.accuracy_mean:.3f} +/- {report.accuracy_sd:.3f}",
        f"  {'channel':<20} {'accuracy':>17} {'change':>8}  states whose vote changes",
    ]
    for row in report.channels:
        states = ", ".join(f"{c.country} {c.kept}->{c.dropped}" for c in row.changed[:12])
        more = f" (+{len(row.changed) - 12})" if len(row.changed) > 12 else ""
        lines.append(
            f"  {row.channel:<20} {row.accuracy_mean:.3f} +/- {row.accuracy_sd:.3f} "
            f"{row.difference:+8.3f}  {len(row.changed)}: {states}{more}"
        )
    return "\n".join(lines)
