"""Unit tests of chapter 6's helpers: helpers.data.tagging and helpers.plots.architectures."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pytest

from helpers import data, plots


def test_run_boundaries_tags_starts_from_the_past_and_ends_from_the_future():
    X, starts, ends = data.run_boundaries(num_samples=50, num_steps=9, seed=3)
    assert X.shape == (50, 9, 1) and starts.shape == ends.shape == (50, 9)
    bits = X[:, :, 0]
    for row, s, e in zip(bits, starts, ends):
        for t in range(9):
            assert s[t] == (t == 0 or row[t] != row[t - 1])
            assert e[t] == (t == 8 or row[t] != row[t + 1])
    np.testing.assert_array_equal(data.run_boundaries(50, 9, seed=3)[0], X)
    assert not np.array_equal(data.run_boundaries(50, 9, seed=4)[0], X)


def test_run_boundaries_bits_are_fair_so_ends_are_a_coin_before_the_last_step():
    _, _, ends = data.run_boundaries(num_samples=4000, num_steps=6, seed=0)
    assert abs(ends[:, :-1].mean() - 0.5) < 0.02 and np.all(ends[:, -1] == 1)


def test_ring_points_tags_the_ring_and_the_line():
    X, ring, line = data.ring_points(num_samples=2000, num_steps=5, seed=1)
    assert X.shape == (2000, 5, 2) and ring.shape == line.shape == (2000, 5)
    assert X.min() >= -1 and X.max() <= 1
    radius = np.linalg.norm(X, axis=-1)
    np.testing.assert_array_equal(ring, (radius > 0.45) & (radius < 0.85))
    np.testing.assert_array_equal(line, X[..., 0] + X[..., 1] > 0.3)
    inner, outer = data.tagging.RING_RADII
    assert abs(ring.mean() - np.pi * (outer**2 - inner**2) / 4) < 0.02  # the ring's share of the square
    assert abs(line.mean() - (1.7**2 / 2) / 4) < 0.02  # the triangle above the line


def test_echo_streams_delay_the_input():
    x, y = data.echo_streams(num_streams=3, length=20, delay=4, seed=2)
    assert x.shape == y.shape == (3, 20)
    np.testing.assert_array_equal(y[:, 4:], x[:, :-4])
    assert np.all(y[:, :4] == 0)


@pytest.mark.parametrize("call", [
    lambda: data.run_boundaries(0, 5),
    lambda: data.run_boundaries(3, 1),
    lambda: data.ring_points(3, 0),
    lambda: data.echo_streams(2, 5, delay=5),
])
def test_tagging_data_rejects_bad_sizes(call):
    with pytest.raises(ValueError):
        call()


def test_bidirectional_rnn_draws_both_chains():
    ax = plots.bidirectional_rnn(num_steps=3)
    labels = {t.get_text() for t in ax.texts}
    assert {"forward", "backward"} <= labels
    assert r"$\overleftarrow{h}_3$" in labels and r"$\overleftarrow{h}_4$" not in labels
    plt.close(ax.figure)


def test_by_step_draws_curves_with_distinct_styles_and_references():
    ax = plots.by_step({"a": [1, 2, 3], "b": [3, 2, 1]}, references={"floor": 0.5}, ylabel="MSE")
    lines = {line.get_label(): line for line in ax.get_lines()}
    assert set(lines) == {"a", "b", "floor"}
    assert (lines["a"].get_linestyle(), lines["a"].get_marker()) != (lines["b"].get_linestyle(), lines["b"].get_marker())
    np.testing.assert_array_equal(lines["a"].get_xdata(), [1, 2, 3])
    plt.close(ax.figure)
    with pytest.raises(ValueError):
        plots.by_step({})


def test_labelled_points_marks_the_two_tags_differently():
    X = np.array([[0.0, 0.0], [0.5, 0.5], [-0.5, 0.2]])
    ax = plots.labelled_points(X, np.array([1, 0, 1]))
    assert [len(c.get_offsets()) for c in ax.collections] == [2, 1]
    plt.close(ax.figure)
