"""Figures of chapter 7: series with their splits, error against the horizon, prediction
intervals, and anomalies."""

from __future__ import annotations

import matplotlib.dates as mdates
import matplotlib.pyplot as plt
import numpy as np

from helpers.plots.style import PALETTE, axes

MARKERS = ["o", "s", "^", "D", "v", "P", "X"]
LINESTYLES = ["-", "--", "-.", ":", (0, (5, 1)), (0, (3, 1, 1, 1))]


def series_with_splits(panels: dict, n_train: dict, n_val: dict, ncols: int = 2):
    """One small panel per series, with its training, validation and test parts shaded.

    `panels` maps a title to (time, values); `n_train` and `n_val` map the same titles to
    the lengths of the training and validation parts. Returns the figure's axes.
    """
    nrows = -(-len(panels) // ncols)
    fig, grid = plt.subplots(nrows, ncols, figsize=(4.0 * ncols, 2.2 * nrows), squeeze=False)
    for ax, (title, (time, values)) in zip(grid.flat, panels.items()):
        time = np.asarray(time)
        a, b = n_train[title], n_train[title] + n_val[title]
        ax.plot(time, values, color=PALETTE[0], linewidth=0.8)
        ax.axvspan(time[a], time[b - 1], color="0.85", label="validation")
        ax.axvspan(time[b], time[-1], color="0.65", label="test")
        ax.set_title(title, fontsize=10)
        ax.tick_params(labelsize=8)
        if np.issubdtype(time.dtype, np.datetime64):  # a few short date labels, not crowded ones
            locator = mdates.AutoDateLocator(minticks=3, maxticks=6)
            ax.xaxis.set_major_locator(locator)
            ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))
    for ax in grid.flat[len(panels):]:
        ax.set_axis_off()
    grid.flat[0].legend(fontsize=8, loc="upper left")
    fig.tight_layout()
    return grid


def error_by_horizon(errors: dict, ax=None, ylabel: str = "test MAE", title: str | None = None):
    """The test error against the forecast horizon, one line (with its own marker and
    style) per forecaster. `errors` maps a label to a 1-D array whose entry k is the error
    k + 1 steps ahead."""
    ax = axes(ax, figsize=(6.4, 3.4))
    for i, (label, values) in enumerate(errors.items()):
        horizons = np.arange(1, len(values) + 1)  # (horizon,)
        ax.plot(horizons, values, marker=MARKERS[i % len(MARKERS)], linestyle=LINESTYLES[i % len(LINESTYLES)], label=label)
    ax.set_xlabel("steps ahead")
    ax.set_ylabel(ylabel)
    ax.set_xticks(np.arange(1, max(len(v) for v in errors.values()) + 1))
    ax.legend(fontsize=9, loc="upper left", bbox_to_anchor=(1.01, 1.0))
    if title:
        ax.set_title(title)
    return ax


def prediction_interval(y_true, lower, median, upper, ax=None, title: str | None = None, ylabel: str = "value",
                        level: str = "80 %"):
    """Observed values (dots) against a forecast median (line) and its prediction interval
    (band); the values outside the band are drawn as crosses."""
    ax = axes(ax, figsize=(7.5, 3.2))
    steps = np.arange(len(y_true))  # (n,)
    outside = (y_true < lower) | (y_true > upper)  # (n,)
    ax.fill_between(steps, lower, upper, color=PALETTE[5], alpha=0.35, linewidth=0, label=f"{level} interval")
    ax.plot(steps, median, color=PALETTE[0], linewidth=1.4, label="median forecast")
    ax.plot(steps[~outside], y_true[~outside], "o", color="0.2", markersize=2.5, label="observed, inside")
    ax.plot(steps[outside], y_true[outside], "x", color=PALETTE[3], markersize=5, label="observed, outside")
    ax.set_xlabel("day of the test part")
    ax.set_ylabel(ylabel)
    low, high = min(np.min(lower), np.min(y_true)), max(np.max(upper), np.max(y_true))
    ax.set_ylim(low - 0.05 * (high - low), high + 0.25 * (high - low))  # room for the legend
    ax.legend(fontsize=8, ncol=4, loc="upper left")
    if title:
        ax.set_title(title)
    return ax


def anomalies(values, is_anomaly, flagged: dict, start: int = 0, stop: int | None = None, ax=None,
              title: str | None = None):
    """A stretch of a series with its labelled anomaly shaded, and the points each
    detector flags drawn with its own marker, one row of markers per detector below the
    series. `flagged` maps a detector's name to a boolean array as long as `values`."""
    stop = len(values) if stop is None else stop
    ax = axes(ax, figsize=(7.5, 3.4))
    time = np.arange(start, stop)  # (stop - start,)
    x = np.asarray(values)[start:stop]
    labelled = np.flatnonzero(np.asarray(is_anomaly)[start:stop]) + start
    ax.plot(time, x, color="0.3", linewidth=1.0, label="series")
    if len(labelled):
        ax.axvspan(labelled[0] - 0.5, labelled[-1] + 0.5, color=PALETTE[6], alpha=0.5, label="labelled anomaly")
    low, span = x.min(), x.max() - x.min()
    for i, (name, flags) in enumerate(flagged.items()):
        hits = np.flatnonzero(np.asarray(flags)[start:stop]) + start
        y = np.full(len(hits), low - (0.08 + 0.08 * i) * span)
        ax.plot(hits, y, linestyle="none", marker=MARKERS[i % len(MARKERS)], markersize=4, color=PALETTE[(i + 1) % len(PALETTE)],
                label=f"flagged: {name} ({len(hits)})")
    ax.set_ylim(low - (0.12 + 0.08 * len(flagged)) * span, x.max() + 0.35 * span)
    ax.set_xlabel("time step")
    ax.set_ylabel("value")
    ax.legend(fontsize=8, ncol=2, loc="upper left")
    if title:
        ax.set_title(title)
    return ax
