"""In-notebook feedback for exercise 4 (long short-term memory): known mistakes are named.

Runs check() in-process on the reference solution changed in one way, so it is fast.
"""

import numpy as np
import pytest

from helpers.grading import check
from tools.seed_checks.ch04_lstm import reference_latch
from tests.helpers_for_tests import solution_functions

SOLUTION = solution_functions("04_lstm")


def _sigmoid(a):
    return 1 / (1 + np.exp(-a))


def _step(order=(0, 1, 2, 3), gate=_sigmoid, squash=np.tanh, forget_on_candidate=False, h_from=None):
    """An LSTM step with one mistake: the blocks read in `order`, other activations, ..."""

    def step(x_t, h_prev, c_prev, kernel, recurrent_kernel, bias):
        blocks = np.split(x_t @ kernel + h_prev @ recurrent_kernel + bias, 4, axis=1)
        z_i, z_f, z_c, z_o = (blocks[k] for k in order)
        i, f, g, o = gate(z_i), gate(z_f), squash(z_c), gate(z_o)
        c_t = i * c_prev + f * g if forget_on_candidate else f * c_prev + i * g
        h_t = o * (h_from(c_t, c_prev) if h_from else np.tanh(c_t))
        return h_t, c_t

    return step


STEP_MISTAKES = {
    "order is i, f, c, o": _step(order=(0, 2, 1, 3)),  # read as (i, c, f, o)
    "sigmoid and tanh are swapped": _step(gate=np.tanh, squash=_sigmoid),
    "input and forget gates are exchanged": _step(forget_on_candidate=True),
    "as i c f o": _step(order=(0, 2, 1, 3)),
    "as i o f c": _step(order=(0, 2, 3, 1)),
    "squashed by tanh": _step(h_from=lambda c_t, c_prev: c_t),
    "not from c_prev": _step(h_from=lambda c_t, c_prev: np.tanh(c_prev)),
    "return the pair": lambda x_t, h_prev, c_prev, kernel, recurrent_kernel, bias: SOLUTION["lstm_cell_forward"](
        x_t, h_prev, c_prev, kernel, recurrent_kernel, bias
    )[0],
    "all four gate blocks": lambda x_t, h_prev, c_prev, kernel, recurrent_kernel, bias: (
        x_t @ kernel + h_prev @ recurrent_kernel + bias, c_prev
    ),
}


@pytest.mark.parametrize("cause", STEP_MISTAKES)
def test_step_mistakes_are_named(cause):
    with pytest.raises(AssertionError, match=cause):
        check("04.q1", STEP_MISTAKES[cause])


def _forward(h_start, c_start, output="H"):
    """A forward pass from chosen initial states, returning H or the cell states."""

    def forward(X, h0, c0, kernel, recurrent_kernel, bias):
        h, c, H, C = h_start(h0, c0), c_start(h0, c0), [], []
        for t in range(X.shape[1]):
            h, c = SOLUTION["lstm_cell_forward"](X[:, t], h, c, kernel, recurrent_kernel, bias)
            H.append(h)
            C.append(c)
        return np.stack(H if output == "H" else C, axis=1), c

    return forward


FORWARD_MISTAKES = {
    "initial states are ignored": _forward(lambda h0, c0: 0 * h0, lambda h0, c0: 0 * c0),
    "h0 and c0 are swapped": _forward(lambda h0, c0: c0, lambda h0, c0: h0),
    "those are the cell states": _forward(lambda h0, c0: h0, lambda h0, c0: c0, output="C"),
    "time-major": lambda H, c_T: (H.transpose(1, 0, 2), c_T),
    "that is h_T": lambda H, c_T: (H, H[:, -1]),
    "time order is reversed": lambda H, c_T: (H[:, ::-1], c_T),
}


def _changed(change):
    """The reference forward pass, its result changed by `change(H, c_T)`."""

    def forward(X, h0, c0, kernel, recurrent_kernel, bias):
        return change(*SOLUTION["lstm_forward"](X, h0, c0, kernel, recurrent_kernel, bias))

    return forward


@pytest.mark.parametrize("cause", FORWARD_MISTAKES)
def test_forward_mistakes_are_named(cause):
    mistake = FORWARD_MISTAKES[cause]
    if mistake.__name__ == "<lambda>":
        mistake = _changed(mistake)
    with pytest.raises(AssertionError, match=cause):
        check("04.q2", mistake)


COUNT_MISTAKES = {
    "count of a SimpleRNN": lambda n_x, n_h: n_h * (n_x + n_h + 1),
    "as in a GRU": lambda n_x, n_h: 3 * n_h * (n_x + n_h + 1),
    "recurrent weights": lambda n_x, n_h: 4 * n_h * (n_x + 1),
    "biases": lambda n_x, n_h: 4 * n_h * (n_x + n_h),
    "expected": lambda n_x, n_h: 4 * n_h * (n_x + n_h + 1) + 1,
}


@pytest.mark.parametrize("cause", COUNT_MISTAKES)
def test_count_mistakes_are_named(cause):
    mistake = COUNT_MISTAKES[cause]
    with pytest.raises(AssertionError, match=cause):
        check("04.q3", lambda num_inputs, num_hiddens: mistake(num_inputs, num_hiddens))


def _latch(scale=30.0, change=None):
    """The reference latch, changed in one way."""
    weights = reference_latch(scale)
    kernel, recurrent_kernel, bias = weights["kernel"].copy(), weights["recurrent_kernel"], weights["bias"].copy()
    if change == "no erase":
        kernel[1, 1], bias[1] = 0.0, scale / 2  # the forget gate ignores the marker
    elif change == "weak forget":
        bias[1] = 3.0  # between markers f = sigmoid(3) = 0.95
    elif change == "open input":
        bias[0] = scale / 2  # the input gate open everywhere
    elif change == "gate order":
        kernel, bias = kernel[:, [1, 0, 2, 3]], bias[[1, 0, 2, 3]]  # i and f swapped
    elif change == "transposed":
        kernel = kernel.T
    return lambda: (kernel, recurrent_kernel, bias)


LATCH_MISTAKES = {
    "the stored value fades": _latch(change="weak forget"),
    "does not take the candidate: value 0.8": _latch(scale=6.0),  # no gate fully open
    "old content survives": _latch(change="no erase"),
    "does not take the candidate": _latch(change="gate order"),
    "rows are the inputs": _latch(change="transposed"),
}


@pytest.mark.parametrize("cause", LATCH_MISTAKES)
def test_latch_mistakes_are_named(cause):
    with pytest.raises(AssertionError, match=cause):
        check("04.q4", LATCH_MISTAKES[cause])


def test_latch_with_an_open_input_gate_is_named():
    # An input gate that never closes writes every value: the first probe sees c_1 = tanh(0.8)
    # written, but the old content is added to, so the erase probe names it, or the leak probe.
    with pytest.raises(AssertionError, match="leak|old content"):
        check("04.q4", _latch(change="open input"))
