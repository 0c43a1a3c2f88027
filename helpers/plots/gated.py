"""Figures of chapters 4 and 5 (LSTM and GRU): test error by epoch, gate activations over time,
and line styles that tell the lines of a figure apart without colour."""

from __future__ import annotations

import itertools

import matplotlib.pyplot as plt
import numpy as np

from helpers.plots.style import axes

LINE_STYLES = ("-", "--", "-.", ":")
MARKERS = ("o", "s", "^", "D", "v", "P")


def distinguish_lines(ax, markevery: int = 5):
    """Give every line of `ax` its own line style and marker (colours stay), and redraw the legend.

    For figures drawn by functions that vary only the colour, e.g. `plots.gradient_norms`.
    Horizontal reference lines (two points) keep their style.
    """
    styles = itertools.cycle(zip(itertools.cycle(LINE_STYLES), MARKERS))
    for line in ax.get_lines():
        if len(line.get_xdata()) <= 2:
            continue
        style, marker = next(styles)
        line.set_linestyle(style)
        line.set_marker(marker)
        line.set_markevery(markevery)
        line.set_markersize(5)
    if ax.get_legend() is not None:
        ax.legend(fontsize=9)
    return ax


def mse_by_epoch(curves: dict, bounds: dict | None = None, ax=None, ylabel: str = "test MSE"):
    """One line per model of an error after each epoch, on a log scale, with the adding problem's bounds.

    `curves` maps a label to its values, one per epoch (epoch 1 first). `bounds`, if given, is
    `helpers.data.adding_problem_baselines(num_steps)`: the mean baseline, the marker-blind
    bound and a tenth of it (below it, the task counts as solved) are drawn as grey lines.
    """
    if not curves:
        raise ValueError("curves is empty: give at least one {label: values} pair")
    ax = axes(ax)
    for (label, values), style, marker in zip(curves.items(), itertools.cycle(LINE_STYLES), itertools.cycle(MARKERS)):
        values = np.asarray(values, dtype=float)  # (epochs,)
        if values.ndim != 1:
            raise ValueError(f"the values of {label!r} must be 1-D, got shape {values.shape}")
        ax.plot(np.arange(1, len(values) + 1), values, linestyle=style, marker=marker, markersize=5, label=label)
    if bounds is not None:
        references = [
            (bounds["mean"], "--", "predict the mean"),
            (bounds["marker_blind"], ":", "best without the markers"),
            (bounds["marker_blind"] / 10, "-.", "solved: below a tenth of that"),
        ]
        for value, style, label in references:
            ax.axhline(value, color="0.45", linestyle=style, linewidth=1.1, label=label)
    ax.set_yscale("log")
    ax.set_xlabel("epoch")
    ax.set_ylabel(f"{ylabel} (log scale)")
    ax.legend(fontsize=8)
    return ax


def gate_heatmaps(panels: dict, marked_steps=(), highlight_unit: int | None = None, fig_width: float = 11.0):
    """A row of heatmaps, one per panel, of a quantity of every unit (rows) at every step (columns).

    `panels` maps a title to an array (num_steps, num_hiddens), e.g. an LSTM's input gate
    over one sequence. Gate activations lie in [0, 1] and are drawn on that scale; other
    quantities on a symmetric scale around 0. `marked_steps` are pointed at by triangles
    above each panel; `highlight_unit`, if given, is pointed at by a triangle on the left of each panel.
    Returns the figure.
    """
    if not panels:
        raise ValueError("panels is empty: give at least one {title: (num_steps, num_hiddens) array}")
    fig, axs = plt.subplots(1, len(panels), figsize=(fig_width, 3.4), squeeze=False)
    for ax, (title, values) in zip(axs[0], panels.items()):
        values = np.asarray(values, dtype=float)  # (num_steps, num_hiddens)
        if values.ndim != 2:
            raise ValueError(f"panel {title!r} must be (num_steps, num_hiddens), got shape {values.shape}")
        if values.min() >= 0 and values.max() <= 1:
            image = ax.imshow(values.T, aspect="auto", cmap="viridis", vmin=0, vmax=1, interpolation="nearest")
        else:
            limit = float(np.max(np.abs(values))) or 1.0
            image = ax.imshow(values.T, aspect="auto", cmap="PuOr", vmin=-limit, vmax=limit, interpolation="nearest")
        for step in marked_steps:  # a triangle above the panel, so that no data is hidden
            ax.plot([step], [-0.5], marker="v", color="black", markersize=7, clip_on=False)
        if highlight_unit is not None:
            ax.plot([-0.5], [highlight_unit], marker=">", color="#D55E00", markersize=8, clip_on=False)
        ax.set_title(title, fontsize=10, pad=10)
        ax.set_xlabel("time step $t$")
        ax.set_ylabel("unit")
        ax.grid(False)
        fig.colorbar(image, ax=ax, fraction=0.046, pad=0.03)
    fig.tight_layout()
    return fig
