"""Figures drawn from stored result tables (never from a live model).

Colours are the Okabe & Ito (2008) colour-blind-safe palette.
"""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.colors import ListedColormap
from matplotlib.figure import Figure

from sim.results import RunResults

OKABE_ITO = (
    "#0072B2",  # blue
    "#E69F00",  # orange
    "#009E73",  # bluish green
    "#D55E00",  # vermillion
    "#CC79A7",  # reddish purple
    "#56B4E9",  # sky blue
    "#F0E442",  # yellow
    "#000000",  # black
)
VOTE_COLOURS = {"yes": "#0072B2", "abstain": "#E69F00", "no": "#D55E00", "absent": "#BBBBBB"}
MAX_LABELS = 60
"""Above this many countries, tick labels are dropped and only notable points are named."""


def agreement_matrix(results: RunResults) -> tuple[list[str], np.ndarray]:
    """Square agreement matrix (NaN where no joint vote) in ``countries.parquet`` order."""
    countries = results["countries"]
    ids = list(countries["country"])
    index = {c: i for i, c in enumerate(ids)}
    matrix = np.full((len(ids), len(ids)), np.nan)
    np.fill_diagonal(matrix, 1.0)
    table = results["alignment"]
    a = table["country_a"].map(index).to_numpy()
    b = table["country_b"].map(index).to_numpy()
    values = table["agreement"].to_numpy()
    matrix[a, b] = values
    matrix[b, a] = values
    return ids, matrix


def plot_tallies(results: RunResults, path: Path) -> Path:
    """Stacked bars: how many states voted yes / abstain / no / absent on each resolution."""
    tallies = results["tallies"]
    labels = [f"R{r} {res}" for r, res in zip(tallies["round"], tallies["resolution"], strict=True)]
    height = max(2.5, 0.45 * len(labels) + 1.5)
    fig, ax = plt.subplots(figsize=(8, min(height, 30)))
    left = np.zeros(len(labels))
    for word in ("yes", "abstain", "no", "absent"):
        counts = tallies[word].to_numpy()
        ax.barh(labels, counts, left=left, color=VOTE_COLOURS[word], label=word)
        left += counts
    ax.invert_yaxis()
    ax.set_xlabel("number of states")
    ax.set_title("Simulated vote on each resolution (round, resolution id)")
    ax.legend(ncols=4, loc="upper center", bbox_to_anchor=(0.5, -0.12), frameon=False)
    return _save(fig, path)


def plot_alignment_heatmap(results: RunResults, path: Path) -> Path:
    """Pairwise agreement, states ordered by hierarchical clustering so blocs show as squares."""
    ids, matrix = agreement_matrix(results)
    countries = results["countries"]
    order = np.argsort(countries["order"].to_numpy())
    ordered = matrix[np.ix_(order, order)]
    n = len(ids)
    size = min(14.0, max(5.0, 0.22 * n + 2.0))
    fig, ax = plt.subplots(figsize=(size + 1.2, size))
    cmap = plt.get_cmap("cividis").with_extremes(bad="#FFFFFF")
    image = ax.imshow(ordered, cmap=cmap, vmin=0.0, vmax=1.0, interpolation="nearest")
    if n <= MAX_LABELS:
        names = [ids[i] for i in order]
        ax.set_xticks(range(n), names, rotation=90, fontsize=7)
        ax.set_yticks(range(n), names, fontsize=7)
    else:
        ax.set_xticks([])
        ax.set_yticks([])
        ax.set_xlabel(f"{n} states, ordered by bloc")
    bloc = countries["bloc"].to_numpy()[order]
    for edge in np.flatnonzero(np.diff(bloc)) + 0.5:
        ax.axhline(edge, color="white", linewidth=0.6)
        ax.axvline(edge, color="white", linewidth=0.6)
    fig.colorbar(image, ax=ax, fraction=0.046, label="agreement (1 same vote, 0.5 one abstained)")
    ax.set_title("Voting agreement between states, ordered by bloc (average linkage)")
    return _save(fig, path)


def plot_alignment_map(results: RunResults, path: Path) -> Path:
    """Each state's agreement with the two reference states (e.g. the US and Russia)."""
    ids, matrix = agreement_matrix(results)
    ref_a, ref_b = results.manifest["scenario"]["reference_states"]
    index = {c: i for i, c in enumerate(ids)}
    x = matrix[index[ref_a]]
    y = matrix[index[ref_b]]
    countries = results["countries"]
    bloc = countries["bloc"].to_numpy()
    fig, ax = plt.subplots(figsize=(8, 7))
    colours = ListedColormap(OKABE_ITO)
    jitter = np.random.default_rng(0).uniform(-0.008, 0.008, size=(2, len(ids)))
    ax.scatter(
        x + jitter[0],
        y + jitter[1],
        c=(bloc - 1) % len(OKABE_ITO),
        cmap=colours,
        vmin=0,
        vmax=len(OKABE_ITO) - 1,
        s=28,
        edgecolor="white",
        linewidth=0.4,
    )
    notable = _notable(ids, x, y, ref_a, ref_b)
    for i in notable:
        if not (np.isnan(x[i]) or np.isnan(y[i])):
            ax.annotate(ids[i], (x[i], y[i]), fontsize=7, xytext=(3, 3), textcoords="offset points")
    for b in np.unique(bloc)[: len(OKABE_ITO)]:
        ax.scatter([], [], color=OKABE_ITO[(b - 1) % len(OKABE_ITO)], label=f"bloc {b}")
    ax.legend(title="bloc", fontsize=8, loc="best")
    ax.set_xlim(-0.05, 1.05)
    ax.set_ylim(-0.05, 1.05)
    ax.set_xlabel(f"agreement with {ref_a} (share of votes, abstain = half)")
    ax.set_ylabel(f"agreement with {ref_b} (share of votes, abstain = half)")
    ax.set_title(f"Alignment map: each state between {ref_a} and {ref_b}")
    ax.grid(alpha=0.3)
    return _save(fig, path)


def _notable(ids: list[str], x: np.ndarray, y: np.ndarray, ref_a: str, ref_b: str) -> list[int]:
    """All states when few; otherwise the references and the states far from the crowd."""
    if len(ids) <= MAX_LABELS:
        return list(range(len(ids)))
    frame = pd.DataFrame({"x": x, "y": y})
    key = frame.round(3).astype(str).agg(",".join, axis=1)
    rare = key.map(key.value_counts()) <= 3
    return [i for i, c in enumerate(ids) if c in (ref_a, ref_b) or bool(rare.iloc[i])]


def _save(fig: Figure, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)
    return path


def draw_run_plots(results: RunResults, out: Path) -> list[Path]:
    """Draw every run plot into ``out`` (created if needed); return the files written."""
    return [
        plot_tallies(results, out / "tallies.png"),
        plot_alignment_heatmap(results, out / "alignment_heatmap.png"),
        plot_alignment_map(results, out / "alignment_map.png"),
    ]
