"""Figures of chapter 8 (language models): what temperature does, and the loss along a chunk."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

from helpers.plots.style import PALETTE, axes


def temperature_tradeoff(temperatures, curves: dict, references: dict | None = None, title: str | None = None):
    """One panel per measured quantity against the sampling temperature.

    `curves` maps a panel's y label to its values, one per temperature; `references` maps
    the same label to (value, label) drawn as a dotted horizontal line, e.g. the held-out
    names' own score. Returns the array of axes.
    """
    fig, panels = plt.subplots(1, len(curves), figsize=(3.4 * len(curves), 3.0))
    panels = np.atleast_1d(panels)
    markers = ["o", "s", "^", "D"]
    for i, (ax, (label, values)) in enumerate(zip(panels, curves.items())):
        ax.plot(temperatures, values, marker=markers[i % len(markers)], color=PALETTE[i], label="generated")
        if references and label in references:
            value, text = references[label]
            ax.axhline(value, color="0.3", linestyle=":", label=text)
            ax.legend(fontsize=8)
        ax.set_xlabel("temperature")
        ax.set_ylabel(label)
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    return panels


def loss_by_position(curves: dict, ax=None, title: str | None = None):
    """Mean loss at each position of a chunk, one line per way of running the model,
    e.g. {"state carried": (num_steps,), "state reset": (num_steps,)}."""
    ax = axes(ax)
    styles = [("-", "o"), ("--", "s"), (":", "^")]
    for (label, values), (line, marker) in zip(curves.items(), styles):
        ax.plot(np.arange(len(values)), values, linestyle=line, marker=marker, markersize=3, label=label)
    ax.set_xlabel("position in the chunk")
    ax.set_ylabel("held-out loss (nats/char)")
    if title:
        ax.set_title(title)
    ax.legend()
    return ax
