"""Figures of chapter 1 and of every training run: the unrolled graph, training curves, forecasts."""

from __future__ import annotations

import numpy as np

from helpers.plots.style import axes


def unrolled_rnn(num_steps: int = 4, ax=None):
    """The recurrence unrolled over `num_steps` steps: inputs, hidden states, outputs.

    The same weights W_xh, W_hh, W_hy are used at every step; the figure labels them once
    per step to show that they are shared, not copied.
    """
    ax = axes(ax, figsize=(1.9 * num_steps + 1.6, 3.4))
    box = dict(boxstyle="round,pad=0.35", linewidth=1.2)
    arrow = dict(arrowstyle="->", linewidth=1.2, color="0.25")
    rows = {"x": 0.0, "h": 1.0, "y": 2.0}
    colours = {"x": "#dbe9f6", "h": "#fde0c5", "y": "#d5efd5"}

    def node(x, kind, label):
        ax.text(x, rows[kind], label, ha="center", va="center", fontsize=12, bbox={**box, "facecolor": colours[kind]})

    node(-1.4, "h", r"$h_0$")  # one step-spacing left of h_1, so its arrow starts outside the box
    for t in range(1, num_steps + 1):
        x = 1.4 * (t - 1)
        node(x, "x", rf"$x_{t}$")
        node(x, "h", rf"$h_{t}$")
        node(x, "y", rf"$\hat y_{t}$")
        ax.annotate("", (x, rows["h"] - 0.22), (x, rows["x"] + 0.22), arrowprops=arrow)
        ax.annotate("", (x, rows["y"] - 0.22), (x, rows["h"] + 0.22), arrowprops=arrow)
        ax.annotate("", (x - 0.3, rows["h"]), (x - 1.1, rows["h"]), arrowprops=arrow)
        ax.text(x + 0.07, 0.5, r"$W_{xh}$", fontsize=9, color="0.3")
        ax.text(x + 0.07, 1.5, r"$W_{hy}$", fontsize=9, color="0.3")
        ax.text(x - 0.7, rows["h"] + 0.12, r"$W_{hh}$", fontsize=9, color="0.3", ha="center")
    ax.set_xlim(-1.9, 1.4 * (num_steps - 1) + 0.6)
    ax.set_ylim(-0.45, 2.45)
    ax.set_axis_off()
    ax.set_title(f"A recurrent network unrolled over {num_steps} time steps", fontsize=11)
    return ax


def history(hist, ax=None, log: bool = False):
    """Training curves from a Keras `History` (or its `.history` dict): one line per metric."""
    logs = getattr(hist, "history", hist)
    ax = axes(ax)
    for name, values in logs.items():
        epochs = np.arange(1, len(values) + 1)  # (epochs,)
        ax.plot(epochs, values, label=name, linestyle="--" if name.startswith("val_") else "-")
    ax.set_xlabel("epoch")
    ax.set_ylabel("loss" if not log else "loss (log scale)")
    if log:
        ax.set_yscale("log")
    ax.legend()
    return ax


def forecast(y_true, predictions: dict, ax=None, title: str | None = None):
    """A target series against one or more predictions of it, e.g. {"RNN": y_hat, "last value": y_naive}."""
    ax = axes(ax, figsize=(7.5, 3.0))
    steps = np.arange(len(y_true))  # (n,)
    ax.plot(steps, y_true, color="0.2", linewidth=1.5, label="actual")
    for label, y_hat in predictions.items():
        ax.plot(steps, y_hat, linewidth=1.2, label=label)
    ax.set_xlabel("time step")
    ax.legend(ncol=len(predictions) + 1, loc="upper right")
    if title:
        ax.set_title(title)
    return ax
