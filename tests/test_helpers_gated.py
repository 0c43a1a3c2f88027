"""Unit tests of helpers.gated (the experiments of chapters 4 and 5) and helpers.plots.gated."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pytest

from helpers import data, gated, plots
from helpers.notebook import setup

setup()

import keras  # noqa: E402  (after setup(), which quiets TensorFlow)


def _sigmoid(a):
    return 1 / (1 + np.exp(-a))


def test_state_jacobian_norms_of_a_simple_rnn_are_the_products_of_chapter_3():
    rng = np.random.default_rng(0)
    n_h, T = 4, 6
    W_xh, W_hh, b_h = rng.normal(size=(n_h, 2)), rng.normal(size=(n_h, n_h)), rng.normal(size=n_h)
    X = rng.normal(size=(T, 2))  # (num_steps, 2)
    cell = keras.layers.SimpleRNNCell(n_h)
    cell.build((None, 2))
    cell.set_weights([W_xh.T, W_hh.T, b_h])
    h, J, expected = np.zeros(n_h), np.eye(n_h), [1.0]
    states = []
    for x_t in X:
        h = np.tanh(W_xh @ x_t + W_hh @ h + b_h)
        states.append(h)
    for h_k in states[::-1]:  # dh_T/dh_(k-1) = dh_T/dh_k (1 - h_k^2) W_hh
        J = J @ ((1 - h_k**2)[:, None] * W_hh)
        expected.append(np.linalg.norm(J, 2))
    norms = gated.state_jacobian_norms(cell, X)
    assert set(norms) == {"h"} and norms["h"].shape == (T + 1,)
    np.testing.assert_allclose(norms["h"], expected, rtol=1e-4)


def test_lstm_cell_path_is_the_forget_gate_one_step_back():
    rng = np.random.default_rng(1)
    n_h, T = 3, 5
    cell = keras.layers.LSTMCell(n_h)
    cell.build((None, 2))
    kernel, recurrent_kernel, bias = (rng.normal(size=w.shape) for w in cell.get_weights())
    cell.set_weights([kernel, recurrent_kernel, bias])
    X = rng.normal(size=(T, 2))  # (num_steps, 2)
    h, c = np.zeros(n_h), np.zeros(n_h)
    for x_t in X:  # the book's LSTM step, to get the last forget gate
        z_i, z_f, z_c, z_o = np.split(x_t @ kernel + h @ recurrent_kernel + bias, 4)
        f = _sigmoid(z_f)
        c = f * c + _sigmoid(z_i) * np.tanh(z_c)
        h = _sigmoid(z_o) * np.tanh(c)
    norms = gated.state_jacobian_norms(cell, X)
    assert set(norms) == {"h", "c"} and norms["c"].shape == (T + 1,)
    np.testing.assert_allclose(norms["c"][1], f.max(), rtol=1e-5)  # dc_T/dc_(T-1) = diag(f_T)


def test_gru_without_recurrent_weights_keeps_the_product_of_its_update_gates():
    rng = np.random.default_rng(2)
    n_h, T = 3, 7
    cell = keras.layers.GRUCell(n_h)
    cell.build((None, 1))
    kernel, bias = rng.normal(size=(1, 3 * n_h)), rng.normal(size=(2, 3 * n_h))
    cell.set_weights([kernel, np.zeros((n_h, 3 * n_h)), bias])
    X = rng.normal(size=(T, 1))  # (num_steps, 1)
    Z = _sigmoid(X @ kernel[:, :n_h] + bias[0, :n_h] + bias[1, :n_h])  # (num_steps, n_h)
    expected = np.concatenate([[1.0], np.cumprod(Z[::-1], axis=0).max(axis=1)])
    np.testing.assert_allclose(gated.state_jacobian_norms(cell, X)["h"], expected, rtol=1e-5)


def test_adding_experiment_reports_per_epoch_errors_and_the_bounds():
    r = gated.adding_experiment("SimpleRNN", num_steps=6, seed=3, num_hiddens=4, num_train=64, num_test=32, epochs=2)
    assert r["train_mse"].shape == r["test_mse"].shape == (2,)
    assert r["bounds"] == data.adding_problem_baselines(6)
    assert r["X_test"].shape == (32, 6, 2) and r["Y_test"].shape == (32,)
    assert [w.shape for w in r["initial_weights"]] == [w.shape for w in r["model"].layers[0].get_weights()]
    assert r["epochs_to_solve"] is None or 1 <= r["epochs_to_solve"] <= 2
    again = gated.adding_experiment("SimpleRNN", num_steps=6, seed=3, num_hiddens=4, num_train=64, num_test=32, epochs=2)
    np.testing.assert_array_equal(r["test_mse"], again["test_mse"])  # deterministic


def test_adding_experiment_refuses_an_unknown_cell():
    with pytest.raises(ValueError, match="cell must be one of"):
        gated.adding_experiment("Dense")


def test_epoch_cpu_seconds_is_positive():
    assert gated.epoch_cpu_seconds("SimpleRNN", num_steps=4, num_samples=64, num_hiddens=2, epochs=1) > 0


def test_mse_by_epoch_draws_one_styled_line_per_model_and_the_bounds():
    ax = plots.mse_by_epoch({"a": [0.2, 0.1], "b": [0.2, 0.01]}, data.adding_problem_baselines(40))
    lines = ax.get_lines()
    assert [line.get_label() for line in lines][:2] == ["a", "b"]
    assert lines[0].get_linestyle() != lines[1].get_linestyle() and lines[0].get_marker() != lines[1].get_marker()
    assert len(lines) == 5 and ax.get_yscale() == "log"
    plt.close(ax.figure)
    with pytest.raises(ValueError):
        plots.mse_by_epoch({})


def test_distinguish_lines_styles_each_data_line_and_keeps_reference_lines():
    ax = plots.gradient_norms({"a": [1, 0.5, 0.25], "b": [1, 0.9, 0.8]})
    ax.axhline(0.5)
    plots.distinguish_lines(ax)
    a, b, reference = ax.get_lines()
    assert a.get_marker() != b.get_marker() and a.get_linestyle() != b.get_linestyle()
    assert reference.get_marker() in ("None", None, "")
    plt.close(ax.figure)


def test_gate_heatmaps_draws_one_panel_per_quantity():
    gates = np.random.default_rng(0).uniform(size=(10, 4))  # (num_steps, num_hiddens)
    fig = plots.gate_heatmaps({"i": gates, "c": gates - 0.5}, marked_steps=[2, 7], highlight_unit=1)
    panels = [ax for ax in fig.axes if ax.get_title()]
    assert [ax.get_title() for ax in panels] == ["i", "c"]
    assert panels[0].images[0].get_clim() == (0, 1)  # gates on their own scale
    plt.close(fig)
    with pytest.raises(ValueError):
        plots.gate_heatmaps({"bad": np.zeros(3)})
