"""Figures of chapter 10: a confusion matrix, and sequences drawn one feature per line."""

from __future__ import annotations

import numpy as np

from helpers.plots.style import axes


def confusion_matrix(counts, labels=None, ax=None, title: str = "Confusion matrix"):
    """A confusion matrix as a grid of counts: row i is the true class i, column j the
    predicted class j, so the diagonal holds the correct predictions.

    Each cell prints its count (empty cells are left blank), so the figure reads without
    colour; the shade only makes the large counts stand out.
    """
    counts = np.asarray(counts)  # (num_classes, num_classes)
    num_classes = counts.shape[0]
    labels = [str(i) for i in range(num_classes)] if labels is None else [str(label) for label in labels]
    ax = axes(ax, figsize=(0.5 * num_classes + 1.8, 0.5 * num_classes + 1.2))
    ax.imshow(counts, cmap="Blues", vmin=0, vmax=max(1, counts.max()))
    for i in range(num_classes):
        for j in range(num_classes):
            if counts[i, j]:
                dark = counts[i, j] > 0.5 * counts.max()
                ax.text(j, i, str(counts[i, j]), ha="center", va="center", fontsize=9, color="white" if dark else "black")
    ax.set_xticks(range(num_classes), labels)
    ax.set_yticks(range(num_classes), labels)
    ax.set_xlabel("predicted")
    ax.set_ylabel("true")
    ax.grid(False)
    ax.set_title(title)
    return ax


def sequence_features(X, length: int, ax=None, title: str | None = None):
    """One sequence (num_steps, num_features), drawn up to `length`: one line per feature
    against the time step, with markers that tell the lines apart without colour."""
    X = np.asarray(X)[:length]  # (length, num_features)
    ax = axes(ax)
    markers = "o^sDvP*Xhd<>"
    steps = np.arange(1, length + 1)  # (length,)
    for k in range(X.shape[1]):
        ax.plot(steps, X[:, k], marker=markers[k % len(markers)], markersize=3, linewidth=0.9)
    ax.set_xlabel("frame")
    ax.set_ylabel("coefficient value")
    if title:
        ax.set_title(title)
    return ax
