"""Tests of the helpers that chapter 11 (sequence to sequence, attention) added: the CMU
Pronouncing Dictionary reader, and the attention and by-length figures."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np

from helpers import data, plots


def test_cmudict_pronunciations_keeps_the_first_pronunciation_of_alphabetic_words():
    words, pronunciations = data.cmudict_pronunciations()
    assert len(words) == len(pronunciations) == 117_493
    assert words == sorted(words) and all(w.isalpha() and w.islower() and w.isascii() for w in words)
    lookup = dict(zip(words, pronunciations))
    assert lookup["cat"] == ("K", "AE", "T")
    assert lookup["read"] == ("R", "EH", "D")  # the first of its two pronunciations
    assert len({p for pron in pronunciations for p in pron}) == 39  # ARPAbet without stress


def test_cmudict_pronunciations_can_keep_the_stress_digits():
    words, pronunciations = data.cmudict_pronunciations(stress=True)
    assert dict(zip(words, pronunciations))["cat"] == ("K", "AE1", "T")


def test_attention_heatmaps_draw_one_panel_per_word_with_its_letters_and_phonemes():
    weights = [np.eye(3), np.full((2, 4), 0.25)]
    axs = plots.attention_heatmaps(weights, ["cat", "ring"], [("K", "AE", "T"), ("R", "IH")], titles=["cat", "ring"])
    assert len(axs) == 2
    assert [t.get_text() for t in axs[1].get_xticklabels()] == list("ring")
    assert [t.get_text() for t in axs[0].get_yticklabels()] == ["K", "AE", "T"]
    plt.close(axs[0].figure)


def test_score_by_group_tells_the_models_apart_without_colour():
    ax = plots.score_by_group(["3-5", "6-7"], {"plain": [0.3, 0.1], "attention": [0.5, 0.4]}, xlabel="letters")
    lines = ax.get_lines()
    assert [line.get_label() for line in lines] == ["plain", "attention"]
    assert lines[0].get_marker() != lines[1].get_marker() and lines[0].get_linestyle() != lines[1].get_linestyle()
    plt.close(ax.figure)
