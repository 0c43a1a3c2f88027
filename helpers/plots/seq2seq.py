"""Figures of chapter 11: attention weights as heatmaps, and a score by input length."""

from __future__ import annotations

import numpy as np

from helpers.plots.style import axes

MARKERS = ["o", "s", "^", "D", "v"]
LINESTYLES = ["-", "--", "-.", ":", (0, (5, 1))]


def attention_heatmaps(weights: list, inputs: list, outputs: list, titles: list | None = None, axs=None):
    """One heatmap per example: `weights[i]` has one row per output token (`outputs[i]`) and
    one column per input token (`inputs[i]`); row t shows where the decoder looked when it
    produced output t. Each row sums to 1."""
    import matplotlib.pyplot as plt

    if axs is None:
        widths = [len(x) for x in inputs]
        _, axs = plt.subplots(1, len(inputs), figsize=(0.38 * sum(widths) + 1.4 * len(inputs), 3.6),
                              gridspec_kw={"width_ratios": widths})
    axs = np.atleast_1d(axs)
    for i, ax in enumerate(axs):
        w = np.asarray(weights[i])[: len(outputs[i]), : len(inputs[i])]  # (num_outputs, num_inputs)
        ax.imshow(w, cmap="Greys", vmin=0, vmax=1, aspect="auto")
        ax.set_xticks(range(len(inputs[i])), list(inputs[i]))
        ax.set_yticks(range(len(outputs[i])), list(outputs[i]), fontsize=8)
        ax.grid(False)
        ax.set_xlabel("letter (input)")
        if i == 0:
            ax.set_ylabel("phoneme (output)")
        if titles:
            ax.set_title(titles[i], fontsize=10)
    return axs


def score_by_group(groups: list, scores: dict, ax=None, xlabel: str = "", ylabel: str = "", title: str | None = None):
    """Scores of several models against a grouping of the test set (e.g. word length): one
    line per model, each with its own marker and line style. `groups` are the x tick labels;
    `scores` maps a model's name to its score in each group."""
    ax = axes(ax)
    x = np.arange(len(groups))  # (num_groups,)
    for k, (name, values) in enumerate(scores.items()):
        ax.plot(x, values, marker=MARKERS[k % len(MARKERS)], linestyle=LINESTYLES[k % len(LINESTYLES)], label=name)
    ax.set_xticks(x, [str(g) for g in groups])
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.legend()
    if title:
        ax.set_title(title)
    return ax
