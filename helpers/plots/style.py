"""The book's one plot style, and the axes helper every figure uses.

`helpers.notebook.setup()` calls `apply()`, so every notebook draws with the same sizes and
with a colour-blind-safe palette (Okabe & Ito, "Color Universal Design", 2008).
"""

from __future__ import annotations

import matplotlib as mpl
import matplotlib.pyplot as plt

# Okabe-Ito: distinguishable with every common colour-vision deficiency, and in grey.
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000"]
LINESTYLES = ["-", "--", ":", "-.", (0, (5, 1)), (0, (3, 1, 1, 1, 1, 1)), (0, (1, 1)), (0, (5, 3, 1, 3))]

# Sizes for a phone as well as a desktop: a figure is shown at its own width (100 px per
# inch) on a desktop and shrunk to the column (about 358 px) on a phone, where the tick
# labels of a default-size figure are still 9 px tall (tests/test_figures.py).
RC = {
    "figure.figsize": (6.0, 3.2),
    "font.size": 12,
    "axes.titlesize": 12,
    "axes.labelsize": 12,
    "xtick.labelsize": 11,
    "ytick.labelsize": 11,
    "legend.fontsize": 11,
    "figure.dpi": 100,
    "axes.grid": True,
    "grid.alpha": 0.3,
    "axes.spines.top": False,
    "axes.spines.right": False,
    # Each line differs by its dash pattern as well as its colour, for a reader (or a
    # printer) that cannot tell the colours apart; an explicit linestyle still wins.
    "axes.prop_cycle": mpl.cycler(color=PALETTE) + mpl.cycler(linestyle=LINESTYLES),
    "legend.frameon": False,
}


def apply() -> None:
    """Set the book's style for every figure drawn after it."""
    mpl.rcParams.update(RC)


def axes(ax=None, figsize=None):
    """`ax`, or the axes of a new figure of `figsize`."""
    if ax is None:
        _, ax = plt.subplots(figsize=figsize)
    return ax
