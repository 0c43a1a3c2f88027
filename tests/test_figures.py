"""Figures that read well: the book's style (helpers.plots.style, applied by setup()) keeps
a default figure's text legible on a phone, with a colour-blind-safe palette; every figure
of a chapter carries alt text (the browser test checks each image on the built pages)."""

import json

import matplotlib
import pytest

matplotlib.use("Agg")

import matplotlib.pyplot as plt
from matplotlib import font_manager

from helpers.plots import style
from tests.helpers_for_tests import ROOT

PHONE_COLUMN_PX = 358  # the book's text column on a 390 px phone (measured in Chromium)
LEGIBLE_PX = 9  # the smallest text a reader should have to read


def _px(size) -> float:
    return font_manager.FontProperties(size=size).get_size_in_points() * 100 / 72


def test_a_default_figure_is_legible_at_phone_width():
    style.apply()
    fig = plt.figure()
    scale = PHONE_COLUMN_PX / (fig.get_figwidth() * fig.dpi)  # the phone shrinks the image
    plt.close(fig)
    for key in ("xtick.labelsize", "ytick.labelsize", "axes.labelsize", "legend.fontsize", "axes.titlesize"):
        shown = _px(matplotlib.rcParams[key]) * scale
        assert shown >= LEGIBLE_PX, f"{key}: {shown:.1f} px on a phone"


def test_the_palette_is_okabe_ito_and_setup_applies_it():
    okabe_ito = {"#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000"}
    assert set(style.PALETTE) == okabe_ito
    style.apply()
    cycle = matplotlib.rcParams["axes.prop_cycle"].by_key()
    assert [c.upper() for c in cycle["color"]] == [c.upper() for c in style.PALETTE]
    assert len(set(map(str, cycle["linestyle"]))) == len(style.PALETTE), "each line differs by style as well as colour"


CHAPTERS = sorted((ROOT / "chapters").glob("*.ipynb"))


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.name)
def test_alt_text_is_a_sentence_when_given(path):
    for cell in json.loads(path.read_text())["cells"]:
        alt = cell["metadata"].get("mystnb", {}).get("image", {}).get("alt")
        if alt is not None:
            assert len(alt.split()) >= 6 and "{" not in alt, f"{path.name} cell {cell['id']}: alt text {alt!r}"
