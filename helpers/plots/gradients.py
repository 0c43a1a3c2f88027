"""Figures of chapters 2 and 3: the backward pass, gradient norms by distance, loss by length."""

from __future__ import annotations

import numpy as np

from helpers.plots.style import axes


def bptt_flow(num_steps: int = 4, ax=None):
    """The unrolled graph with its losses, and the backward pass of BPTT drawn over it.

    Grey arrows: the forward pass x_t -> h_t -> y_hat_t -> loss_t, and h_{t-1} -> h_t.
    Red dashed arrows: the gradient, which reaches h_t from its own loss (through y_hat_t)
    and from h_{t+1} (through W_hh), and finally reaches h_0.
    """
    if num_steps < 1:
        raise ValueError(f"num_steps must be at least 1, got {num_steps}")
    ax = axes(ax, figsize=(1.9 * num_steps + 1.8, 4.2))
    box = dict(boxstyle="round,pad=0.3", linewidth=1.1)
    forward = dict(arrowstyle="->", linewidth=1.1, color="0.45")
    backward = dict(arrowstyle="->", linewidth=1.4, color="#c0392b", linestyle="--")
    rows = {"x": 0.0, "h": 1.0, "y": 2.0, "l": 3.0}
    colours = {"x": "#dbe9f6", "h": "#fde0c5", "y": "#d5efd5", "l": "#eeeeee"}
    step = 1.6

    def node(x, kind, label):
        ax.text(x, rows[kind], label, ha="center", va="center", fontsize=11, bbox={**box, "facecolor": colours[kind]})

    node(-step, "h", r"$h_0$")
    for t in range(1, num_steps + 1):
        x = step * (t - 1)
        node(x, "x", rf"$x_{t}$")
        node(x, "h", rf"$h_{t}$")
        node(x, "y", rf"$\hat y_{t}$")
        node(x, "l", rf"$\ell_{t}$")
        for low, high in (("x", "h"), ("h", "y"), ("y", "l")):
            ax.annotate("", (x + 0.12, rows[high] - 0.22), (x + 0.12, rows[low] + 0.22), arrowprops=forward)
        for low, high in (("h", "y"), ("y", "l")):
            ax.annotate("", (x - 0.12, rows[low] + 0.22), (x - 0.12, rows[high] - 0.22), arrowprops=backward)
        ax.annotate("", (x - 0.32, rows["h"] + 0.07), (x - step + 0.32, rows["h"] + 0.07), arrowprops=forward)
        ax.annotate("", (x - step + 0.32, rows["h"] - 0.09), (x - 0.32, rows["h"] - 0.09), arrowprops=backward)
    ax.text(-step / 2, rows["h"] - 0.3, r"$W_{hh}^\top\delta_1$", fontsize=9, color="#c0392b", ha="center")
    ax.text(step * (num_steps - 1) - 0.2, 1.5, rf"$W_{{hy}}^\top e_{num_steps}$", fontsize=9, color="#c0392b", ha="right")
    ax.set_xlim(-step - 0.5, step * (num_steps - 1) + 0.5)
    ax.set_ylim(-0.4, 3.4)
    ax.set_axis_off()
    ax.set_title("Forward pass (grey) and backward pass (red, dashed)", fontsize=11)
    return ax


def gradient_norms(norms_by_label: dict, ax=None, xlabel: str = r"distance $T - t$ (steps)",
                   ylabel: str = r"$\Vert \partial h_T / \partial h_t \Vert_2$"):
    """Norms against a number of steps, one line per label, on a log scale.

    `norms_by_label` maps a legend label to a 1-D array; entry n is plotted at x = n (for a
    Jacobian product, n steps back, so entry 0 is the identity's norm, 1). Zeros, inf and
    NaN are left out of a line, not drawn. Change `xlabel` and `ylabel` to plot other
    norms over time, e.g. the hidden state's.
    """
    if not norms_by_label:
        raise ValueError("norms_by_label is empty: give at least one {label: norms} pair")
    ax = axes(ax)
    for label, norms in norms_by_label.items():
        norms = np.asarray(norms, dtype=float)  # (num_steps,)
        if norms.ndim != 1:
            raise ValueError(f"the norms of {label!r} must be 1-D, got shape {norms.shape}")
        shown = np.where(np.isfinite(norms) & (norms > 0), norms, np.nan)  # (num_steps,)
        ax.plot(np.arange(len(norms)), shown, label=label)
    ax.set_yscale("log")
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.legend(fontsize=9)
    return ax


def loss_by_length(num_steps, losses_by_label: dict, baseline: float | None = None,
                   baseline_label: str = "predict the mean", ylabel: str = "test MSE", ax=None):
    """A test loss against the sequence length, one line per model, and a constant baseline.

    `num_steps` lists the sequence lengths; `losses_by_label` maps a model's label to its
    losses, one per length (e.g. {"SimpleRNN": [...], "LSTM": [...]}). `baseline`, if given,
    is drawn as a dashed horizontal line.
    """
    num_steps = np.asarray(num_steps)  # (num_lengths,)
    ax = axes(ax)
    for label, losses in losses_by_label.items():
        losses = np.asarray(losses, dtype=float)  # (num_lengths,)
        if losses.shape != num_steps.shape:
            raise ValueError(f"{label!r} has {losses.shape} losses for {num_steps.shape} sequence lengths")
        ax.plot(num_steps, losses, marker="o", label=label)
    if baseline is not None:
        ax.axhline(baseline, color="0.4", linestyle="--", linewidth=1.2, label=baseline_label)
    ax.set_ylim(bottom=0)
    ax.set_xscale("log", base=2)
    ax.set_xticks(num_steps, [str(n) for n in num_steps])
    ax.minorticks_off()
    ax.set_xlabel("sequence length $T$")
    ax.set_ylabel(ylabel)
    ax.legend()
    return ax
