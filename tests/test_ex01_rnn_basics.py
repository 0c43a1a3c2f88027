"""In-notebook feedback for exercise 1 (sequences and the hidden state): known mistakes are named.

Runs check() in-process on the reference solution changed in one way, so it is fast.
"""

import keras
import numpy as np
import pytest

from helpers.grading import check
from tests.helpers_for_tests import solution_functions

SOLUTION = solution_functions("01_rnn_basics")


CELL_MISTAKES = {
    "bias": lambda x, h, Wx, Wh, b: np.tanh(x @ Wx.T + h @ Wh.T),
    "recurrent term": lambda x, h, Wx, Wh, b: np.tanh(x @ Wx.T + b),
    "tanh is missing": lambda x, h, Wx, Wh, b: x @ Wx.T + h @ Wh.T + b,
    "W_hh is not transposed": lambda x, h, Wx, Wh, b: np.tanh(x @ Wx.T + h @ Wh + b),
    "batch-major": lambda x, h, Wx, Wh, b: np.tanh(x @ Wx.T + h @ Wh.T + b).T,
    "raised ValueError": lambda x, h, Wx, Wh, b: np.tanh(x @ Wx + h @ Wh.T + b),  # shapes do not fit
}


@pytest.mark.parametrize("cause", CELL_MISTAKES)
def test_cell_mistakes_are_named(cause):
    mistake = CELL_MISTAKES[cause]
    with pytest.raises(AssertionError, match=cause):
        check("01.q1", lambda x_t, h_prev, W_xh, W_hh, b_h: mistake(x_t, h_prev, W_xh, W_hh, b_h))


def _forward_with(step_input):
    """A forward pass whose state at each step is step_input(h0, h_prev)."""
    cell = SOLUTION["rnn_cell_forward"]

    def rnn_forward(X, h0, W_xh, W_hh, b_h):
        h, H = h0, []
        for t in range(X.shape[1]):
            h = cell(X[:, t], step_input(h0, h), W_xh, W_hh, b_h)  # (batch, num_hiddens)
            H.append(h)
        return np.stack(H, axis=1)  # (batch, num_steps, num_hiddens)

    return rnn_forward


FORWARD_MISTAKES = {
    "one state per sequence": lambda X, h0, *w: SOLUTION["rnn_forward"](X, h0, *w)[:, -1],
    "time-major": lambda X, h0, *w: SOLUTION["rnn_forward"](X, h0, *w).transpose(1, 0, 2),
    "not h_0": lambda X, h0, *w: np.concatenate([h0[:, None], SOLUTION["rnn_forward"](X, h0, *w)], axis=1),
    "starts from zeros": lambda X, h0, *w: SOLUTION["rnn_forward"](X, 0 * h0, *w),
    "uses h0 instead": lambda X, h0, *w: _forward_with(lambda first, prev: first)(X, h0, *w),
}


@pytest.mark.parametrize("cause", FORWARD_MISTAKES)
def test_forward_mistakes_are_named(cause):
    mistake = FORWARD_MISTAKES[cause]
    with pytest.raises(AssertionError, match=cause):
        check("01.q2", lambda X, h0, W_xh, W_hh, b_h: mistake(X, h0, W_xh, W_hh, b_h))


COUNT_MISTAKES = {
    "recurrent weights": lambda n_x, n_h, n_y: n_h * (n_x + 1) + n_y * (n_h + 1),
    "biases": lambda n_x, n_h, n_y: n_h * (n_x + n_h) + n_y * n_h,
    "output layer": lambda n_x, n_h, n_y: n_h * (n_x + n_h + 1),
    "expected": lambda n_x, n_h, n_y: SOLUTION["rnn_param_count"](n_x, n_h, n_y) + 1,
}


@pytest.mark.parametrize("cause", COUNT_MISTAKES)
def test_count_mistakes_are_named(cause):
    mistake = COUNT_MISTAKES[cause]
    with pytest.raises(AssertionError, match=cause):
        check("01.q3", lambda num_inputs, num_hiddens, num_outputs: mistake(num_inputs, num_hiddens, num_outputs))


def _model(layers_after_input, with_input=True):
    def build(num_steps, num_inputs, num_hiddens, num_outputs):
        head = [keras.Input(shape=(num_steps, num_inputs))] if with_input else []
        return keras.Sequential(head + layers_after_input(num_hiddens, num_outputs))

    return build


MODEL_MISTAKES = {
    "return_sequences": _model(lambda n_h, n_y: [keras.layers.SimpleRNN(n_h, return_sequences=True), keras.layers.Dense(n_y)]),
    "add keras.layers.Dense": _model(lambda n_h, n_y: [keras.layers.SimpleRNN(n_h)]),
    "keras.Input": _model(lambda n_h, n_y: [keras.layers.SimpleRNN(n_h), keras.layers.Dense(n_y)], with_input=False),
    "one SimpleRNN layer with": _model(lambda n_h, n_y: [keras.layers.GRU(n_h), keras.layers.Dense(n_y)]),
    "no activation": _model(lambda n_h, n_y: [keras.layers.SimpleRNN(n_h), keras.layers.Dense(n_y, activation="sigmoid")]),
    "expected a keras.Model": lambda num_steps, num_inputs, num_hiddens, num_outputs: "a model",
}


@pytest.mark.parametrize("cause", MODEL_MISTAKES)
def test_model_mistakes_are_named(cause):
    with pytest.raises(AssertionError, match=cause):
        check("01.q4", MODEL_MISTAKES[cause])
