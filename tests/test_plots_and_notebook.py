"""Unit tests of helpers.plots (the shared figures) and helpers.notebook (setup and glue)."""

import os

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np

from helpers import notebook, plots


def test_unrolled_rnn_draws_every_step_and_the_initial_state():
    ax = plots.unrolled_rnn(num_steps=3)
    labels = {t.get_text() for t in ax.texts}
    assert "$h_0$" in labels
    assert all({f"$x_{t}$", f"$h_{t}$", rf"$\hat y_{t}$"} <= labels for t in (1, 2, 3))
    assert "$x_4$" not in labels
    plt.close(ax.figure)


def test_history_draws_one_line_per_metric_with_validation_dashed():
    logs = {"loss": [3.0, 2.0, 1.0], "val_loss": [3.5, 2.5, 2.0]}
    ax = plots.history(logs)
    lines = {line.get_label(): line for line in ax.get_lines()}
    assert set(lines) == set(logs)
    np.testing.assert_array_equal(lines["loss"].get_ydata(), logs["loss"])
    assert lines["val_loss"].get_linestyle() == "--" and lines["loss"].get_linestyle() == "-"
    plt.close(ax.figure)


def test_forecast_draws_the_target_and_each_prediction():
    y = np.sin(np.arange(20))  # (20,)
    ax = plots.forecast(y, {"model": y + 0.1, "last value": np.roll(y, 1)})
    assert [line.get_label() for line in ax.get_lines()] == ["actual", "model", "last value"]
    plt.close(ax.figure)


def test_glue_returns_plain_python_numbers():
    value = notebook.glue("test_value", np.float64(0.25))
    assert type(value) is float and value == 0.25


def test_setup_seeds_numpy_and_quiets_tensorflow():
    notebook.setup(seed=7)
    first = np.random.rand(3)  # (3,)
    notebook.setup(seed=7)
    np.testing.assert_array_equal(first, np.random.rand(3))
    assert os.environ["TF_CPP_MIN_LOG_LEVEL"] == "3" and os.environ["TF_ENABLE_ONEDNN_OPTS"] == "0"
