"""Tests of the helpers that chapter 2 (BPTT) added: counting_text, char_sequences, bptt_flow."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pytest

from helpers import data, plots


def test_counting_text_is_made_of_runs_that_count_up():
    text = data.counting_text(num_runs=50, max_run=4, seed=3)
    runs = text.split(". ")
    assert runs[-1] == ""  # the text ends with ". "
    runs = runs[:-1]
    assert len(runs) == 50
    for run in runs:
        words = run.split(" ")
        assert 2 <= len(words) <= 4
        positions = [data.NUMBER_WORDS.index(w) for w in words]
        assert positions == list(range(positions[0], positions[0] + len(words)))


def test_counting_text_is_deterministic_per_seed():
    assert data.counting_text(num_runs=30, seed=1) == data.counting_text(num_runs=30, seed=1)
    assert data.counting_text(num_runs=30, seed=1) != data.counting_text(num_runs=30, seed=2)


def test_counting_text_uses_every_run_length():
    text = data.counting_text(num_runs=300, max_run=5, seed=0)
    lengths = {len(run.split(" ")) for run in text.split(". ")[:-1]}
    assert lengths == {2, 3, 4, 5}


@pytest.mark.parametrize("kwargs", [{"num_runs": 0}, {"max_run": 1}, {"max_run": len(data.NUMBER_WORDS) + 1}])
def test_counting_text_rejects_bad_arguments(kwargs):
    with pytest.raises(ValueError):
        data.counting_text(**kwargs)


def test_char_sequences_shift_targets_by_one_character():
    text = "abcabcabcab"  # 11 characters
    X, Y, vocab = data.char_sequences(text, num_steps=3)
    assert vocab == ["a", "b", "c"]
    assert X.shape == Y.shape == ((len(text) - 1) // 3, 3)
    decoded_x = "".join(vocab[i] for i in X.ravel())
    decoded_y = "".join(vocab[i] for i in Y.ravel())
    assert decoded_x == text[: X.size]
    assert decoded_y == text[1 : X.size + 1]
    np.testing.assert_array_equal(X[:, 1:], Y[:, :-1])


def test_char_sequences_rejects_bad_arguments():
    with pytest.raises(ValueError):
        data.char_sequences("abc", num_steps=0)
    with pytest.raises(ValueError):
        data.char_sequences("abc", num_steps=3)


def test_bptt_flow_draws_one_group_of_nodes_per_step():
    ax = plots.bptt_flow(num_steps=3)
    labels = [t.get_text() for t in ax.texts]
    for t in (1, 2, 3):
        for name in (f"$x_{t}$", f"$h_{t}$", rf"$\hat y_{t}$", rf"$\ell_{t}$"):
            assert name in labels
    assert "$h_0$" in labels
    # per step: 3 forward and 2 backward vertical arrows, plus one forward and one backward horizontal arrow
    arrows = [c for c in ax.get_children() if isinstance(c, matplotlib.text.Annotation) and c.arrow_patch is not None]
    assert len(arrows) == 3 * 7
    plt.close(ax.figure)


def test_bptt_flow_rejects_zero_steps():
    with pytest.raises(ValueError):
        plots.bptt_flow(num_steps=0)
