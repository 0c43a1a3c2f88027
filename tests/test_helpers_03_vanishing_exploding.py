"""Tests of the helpers that chapter 3 (vanishing and exploding gradients) added:
data.adding_problem, plots.gradient_norms and plots.loss_by_length."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pytest

from helpers import data, plots


def test_adding_problem_shapes_and_types():
    X, Y = data.adding_problem(num_samples=7, num_steps=9, seed=0)
    assert X.shape == (7, 9, 2) and Y.shape == (7,)
    assert X.dtype == np.float32 and Y.dtype == np.float32


@pytest.mark.parametrize("num_steps", [2, 3, 10, 11])
def test_adding_problem_has_one_marker_in_each_half_and_sums_the_marked_values(num_steps):
    X, Y = data.adding_problem(num_samples=200, num_steps=num_steps, seed=1)
    values, markers = X[..., 0], X[..., 1]  # (200, num_steps) each
    assert set(np.unique(markers)) <= {0.0, 1.0}
    half = num_steps // 2
    np.testing.assert_array_equal(markers[:, :half].sum(axis=1), 1)
    np.testing.assert_array_equal(markers[:, half:].sum(axis=1), 1)
    np.testing.assert_allclose(Y, (values * markers).sum(axis=1), rtol=1e-6)
    assert values.min() >= 0 and values.max() < 1


def test_adding_problem_marker_positions_cover_each_half():
    num_steps = 8
    X, _ = data.adding_problem(num_samples=2000, num_steps=num_steps, seed=2)
    positions = {int(p) for p in np.nonzero(X[..., 1])[1]}
    assert positions == set(range(num_steps))


def test_adding_problem_target_statistics_match_the_theory():
    _, Y = data.adding_problem(num_samples=100_000, num_steps=6, seed=3)
    # sum of two independent uniforms on [0, 1): mean 1, variance 2 / 12
    assert abs(Y.mean() - 1.0) < 0.01
    assert abs(Y.var() - 2 / 12) < 0.005


def test_adding_problem_is_deterministic_per_seed():
    a = data.adding_problem(50, 10, seed=4)
    b = data.adding_problem(50, 10, seed=4)
    c = data.adding_problem(50, 10, seed=5)
    np.testing.assert_array_equal(a[0], b[0])
    np.testing.assert_array_equal(a[1], b[1])
    assert not np.array_equal(a[0], c[0])


@pytest.mark.parametrize("kwargs", [{"num_samples": 0, "num_steps": 5}, {"num_samples": 5, "num_steps": 1}])
def test_adding_problem_rejects_bad_arguments(kwargs):
    with pytest.raises(ValueError):
        data.adding_problem(**kwargs)


def test_gradient_norms_draws_one_log_line_per_label_and_skips_zeros():
    norms = {"a": 0.5 ** np.arange(10), "b": np.array([1.0, 2.0, 0.0, np.inf, 4.0])}
    ax = plots.gradient_norms(norms)
    assert ax.get_yscale() == "log"
    lines = ax.get_lines()
    assert [line.get_label() for line in lines] == ["a", "b"]
    np.testing.assert_array_equal(lines[0].get_xdata(), np.arange(10))
    np.testing.assert_allclose(lines[0].get_ydata(), norms["a"])
    y_b = np.asarray(lines[1].get_ydata(), dtype=float)
    assert np.isnan(y_b[2]) and np.isnan(y_b[3]) and y_b[4] == 4.0
    plt.close(ax.figure)


def test_gradient_norms_rejects_bad_input():
    with pytest.raises(ValueError):
        plots.gradient_norms({})
    with pytest.raises(ValueError):
        plots.gradient_norms({"a": np.ones((2, 3))})


def test_loss_by_length_draws_models_and_the_baseline():
    lengths = [5, 10, 20]
    ax = plots.loss_by_length(lengths, {"RNN": [0.01, 0.05, 0.16], "LSTM": [0.01, 0.01, 0.02]}, baseline=1 / 6)
    lines = ax.get_lines()
    assert [line.get_label() for line in lines] == ["RNN", "LSTM", "predict the mean"]
    np.testing.assert_array_equal(lines[0].get_xdata(), lengths)
    np.testing.assert_allclose(lines[2].get_ydata(), [1 / 6, 1 / 6])
    assert ax.get_ylim()[0] == 0
    plt.close(ax.figure)


def test_loss_by_length_rejects_mismatched_lengths():
    with pytest.raises(ValueError):
        plots.loss_by_length([5, 10], {"RNN": [0.1, 0.2, 0.3]})


@pytest.mark.parametrize("num_steps", [2, 5, 10, 11, 40])
def test_adding_problem_baselines_match_a_simulation(num_steps):
    """The marker-blind predictor (mean of each half, summed) and the mean predictor,
    simulated on many sequences, give the stated MSEs and sensitivities."""
    X, Y = data.adding_problem(num_samples=200_000, num_steps=num_steps, seed=5)
    values = X[..., 0].astype(np.float64)  # (n, num_steps)
    h1 = num_steps // 2
    blind = values[:, :h1].mean(axis=1) + values[:, h1:].mean(axis=1)  # (n,)
    bounds = data.adding_problem_baselines(num_steps)
    assert np.mean((Y - 1.0) ** 2) == pytest.approx(bounds["mean"], rel=0.02)
    assert np.mean((Y - blind) ** 2) == pytest.approx(bounds["marker_blind"], rel=0.02, abs=1e-4)
    assert bounds["sensitivities"] == (1 / h1, 1 / (num_steps - h1))
    expected_ratio = {5: 7 / 12}.get(num_steps)
    if expected_ratio:  # the ratio quoted in chapter 3: 0.58 of the mean baseline at T = 5
        assert bounds["marker_blind"] / bounds["mean"] == pytest.approx(expected_ratio)


def test_adding_problem_baselines_reject_short_sequences():
    with pytest.raises(ValueError):
        data.adding_problem_baselines(1)
