"""Figures of chapter 6: the bidirectional graph, per-step curves, and labelled points."""

from __future__ import annotations

import numpy as np
from matplotlib.ticker import MaxNLocator

from helpers.plots.style import PALETTE, axes

# Each line differs by style and marker as well as by colour, so the figures read in grey.
LINE_STYLES = [("-", "o"), ("--", "s"), (":", "^"), ("-.", "D"), ("-", "v"), ("--", "P")]


def bidirectional_rnn(num_steps: int = 4, ax=None):
    """A bidirectional layer unrolled: a forward chain reading x_1..x_T, a backward chain
    reading x_T..x_1, and at each step t the output [h_t forward ; h_t backward]."""
    if num_steps < 2:
        raise ValueError(f"num_steps must be at least 2, got {num_steps}")
    ax = axes(ax, figsize=(1.9 * num_steps + 1.6, 4.0))
    box = dict(boxstyle="round,pad=0.3", linewidth=1.1)
    arrow = dict(arrowstyle="->", linewidth=1.1, color="0.35")
    back = dict(arrowstyle="->", linewidth=1.3, color=PALETTE[3], linestyle="--")
    rows = {"x": 0.0, "f": 1.0, "b": 2.0, "y": 3.1}
    colours = {"x": "#dbe9f6", "f": "#fde0c5", "b": "#f6d5e6", "y": "#d5efd5"}
    step = 1.6

    def node(x, kind, label):
        ax.text(x, rows[kind], label, ha="center", va="center", fontsize=11, bbox={**box, "facecolor": colours[kind]})

    for t in range(1, num_steps + 1):
        x = step * (t - 1)
        node(x, "x", rf"$x_{t}$")
        node(x, "f", rf"$\overrightarrow{{h}}_{t}$")
        node(x, "b", rf"$\overleftarrow{{h}}_{t}$")
        node(x, "y", rf"$[\overrightarrow{{h}}_{t}; \overleftarrow{{h}}_{t}]$")
        ax.annotate("", (x - 0.25, rows["f"] - 0.2), (x - 0.25, rows["x"] + 0.2), arrowprops=arrow)
        ax.annotate("", (x + 0.25, rows["b"] - 0.2), (x + 0.25, rows["x"] + 0.2), arrowprops=back)
        ax.annotate("", (x - 0.4, rows["y"] - 0.22), (x - 0.4, rows["f"] + 0.2), arrowprops=arrow)
        ax.annotate("", (x, rows["y"] - 0.22), (x, rows["b"] + 0.2), arrowprops=back)
        if t < num_steps:
            ax.annotate("", (x + step - 0.35, rows["f"]), (x + 0.35, rows["f"]), arrowprops=arrow)
            ax.annotate("", (x + 0.35, rows["b"]), (x + step - 0.35, rows["b"]), arrowprops=back)
    ax.text(-0.9, rows["f"], "forward", ha="right", va="center", fontsize=10)
    ax.text(-0.9, rows["b"], "backward", ha="right", va="center", fontsize=10, color=PALETTE[3])
    ax.set_xlim(-2.4, step * (num_steps - 1) + 0.9)
    ax.set_ylim(-0.45, 3.55)
    ax.set_axis_off()
    ax.set_title("A bidirectional layer: two chains, one per direction, joined at every step", fontsize=11)
    return ax


def by_step(curves: dict, ax=None, xlabel: str = "time step", ylabel: str = "", title: str | None = None,
            references: dict | None = None, log: bool = False, steps=None):
    """One line per entry of `curves` (label -> 1-D array over steps), each with its own
    style and marker; `references` (label -> number) adds labelled horizontal lines,
    e.g. a baseline. `steps` gives the x values (default 1, 2, ...)."""
    if not curves:
        raise ValueError("curves is empty: give at least one {label: values} pair")
    ax = axes(ax)
    for i, (label, values) in enumerate(curves.items()):
        values = np.asarray(values, dtype=float)  # (num_steps,)
        if values.ndim != 1:
            raise ValueError(f"the values of {label!r} must be 1-D, got shape {values.shape}")
        x = np.arange(1, len(values) + 1) if steps is None else np.asarray(steps)  # (num_steps,)
        linestyle, marker = LINE_STYLES[i % len(LINE_STYLES)]
        ax.plot(x, values, linestyle=linestyle, marker=marker, markersize=4, label=label)
    for j, (label, value) in enumerate((references or {}).items()):
        ax.axhline(value, color="0.35", linestyle=(0, (4, 2 + 2 * j)), linewidth=1.1, label=label)
    if log:
        ax.set_yscale("log")
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    if title:
        ax.set_title(title)
    ax.legend(fontsize=9)
    return ax


def labelled_points(X, labels, ax=None, title: str | None = None, max_points: int = 600):
    """Points of X (n, 2) with their 0/1 labels: label 1 as filled dots, label 0 as crosses."""
    X = np.asarray(X, dtype=float).reshape(-1, 2)[:max_points]  # (n, 2)
    labels = np.asarray(labels).reshape(-1)[:max_points] > 0.5  # (n,)
    ax = axes(ax, figsize=(3.6, 3.6))
    ax.scatter(X[labels, 0], X[labels, 1], s=12, marker="o", color=PALETTE[0], label="tag 1")
    ax.scatter(X[~labels, 0], X[~labels, 1], s=12, marker="x", color=PALETTE[1], label="tag 0")
    ax.set_aspect("equal")
    ax.set_xlabel("$x_{t,0}$")
    ax.set_ylabel("$x_{t,1}$")
    if title:
        ax.set_title(title)
    ax.legend(fontsize=8, loc="upper center", bbox_to_anchor=(0.5, -0.2), ncol=2)
    return ax
