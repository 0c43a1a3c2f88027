"""In-notebook feedback for exercise 5 (gated recurrent units): known mistakes are named.

Runs check() in-process on the reference solution changed in one way, so it is fast.
"""

import numpy as np
import pytest

from helpers.grading import check
from tests.helpers_for_tests import solution_functions

SOLUTION = solution_functions("05_gru")


def _sigmoid(a):
    return 1 / (1 + np.exp(-a))


def _step(reset_after, order=(0, 1, 2), gate=_sigmoid, squash=np.tanh, flip_z=False, form=None,
          bias_rows=(0, 1), recurrent_bias_outside=False):
    """A GRU step with one mistake; `form` is the candidate's form actually computed."""
    form = reset_after if form is None else form

    def step(x_t, h_prev, kernel, recurrent_kernel, bias):
        if reset_after:
            b_x, b_h = bias[bias_rows[0]], (bias[bias_rows[1]] if bias_rows[1] is not None else 0 * bias[0])
        else:
            b_x, b_h = bias, 0 * bias
        xs = np.split(x_t @ kernel + b_x, 3, axis=1)
        us = np.split(recurrent_kernel, 3, axis=1)
        bs = np.split(b_h, 3)
        (x_z, x_r, x_c), (u_z, u_r, u_c), (b_z, b_r, b_c) = ([v[k] for k in order] for v in (xs, us, bs))
        z = gate(x_z + h_prev @ u_z + b_z)
        r = gate(x_r + h_prev @ u_r + b_r)
        if recurrent_bias_outside:
            candidate = squash(x_c + r * (h_prev @ u_c) + b_c)
        elif form:
            candidate = squash(x_c + r * (h_prev @ u_c + b_c))
        else:
            candidate = squash(x_c + (r * h_prev) @ u_c + b_c)
        return (1 - z) * h_prev + z * candidate if flip_z else z * h_prev + (1 - z) * candidate

    return step


BEFORE_MISTAKES = {
    "multiplies h_prev first": _step(False, form=True),
    "fraction of the old state that is kept": _step(False, flip_z=True),
    "order is z, r, h": _step(False, order=(1, 0, 2)),
    "sigmoid and tanh are swapped": _step(False, gate=np.tanh, squash=_sigmoid),
    "all three blocks": lambda x_t, h_prev, kernel, recurrent_kernel, bias: x_t @ kernel + bias,
}


@pytest.mark.parametrize("cause", BEFORE_MISTAKES)
def test_reset_before_mistakes_are_named(cause):
    with pytest.raises(AssertionError, match=cause):
        check("05.q1", BEFORE_MISTAKES[cause])


AFTER_MISTAKES = {
    "form of Cho et al.": _step(True, form=False),
    "belongs inside": _step(True, recurrent_bias_outside=True),
    "bias rows are swapped": _step(True, bias_rows=(1, 0)),
    "second bias row": _step(True, bias_rows=(0, None)),
    "fraction of the old state that is kept": _step(True, flip_z=True),
    "order is z, r, h": _step(True, order=(1, 0, 2)),
}


@pytest.mark.parametrize("cause", AFTER_MISTAKES)
def test_reset_after_mistakes_are_named(cause):
    with pytest.raises(AssertionError, match=cause):
        check("05.q2", AFTER_MISTAKES[cause])


COUNT_MISTAKES = {
    "two bias rows": lambda n_x, n_h, ra: 3 * n_h * (n_x + n_h + 1),
    "one bias per block": lambda n_x, n_h, ra: 3 * n_h * (n_x + n_h + 2),
    "LSTM's count": lambda n_x, n_h, ra: 4 * n_h * (n_x + n_h + 1),
    "biases are not counted": lambda n_x, n_h, ra: 3 * n_h * (n_x + n_h),
}


@pytest.mark.parametrize("cause", COUNT_MISTAKES)
def test_count_mistakes_are_named(cause):
    mistake = COUNT_MISTAKES[cause]
    with pytest.raises(AssertionError, match=cause):
        check("05.q3", lambda num_inputs, num_hiddens, reset_after: mistake(num_inputs, num_hiddens, reset_after))


def _leaky(bias_of_z, column=0, bias_shape=(2, 3), candidate_recurrent=0.0):
    """The reference leaky GRU with the update gate's bias computed by `bias_of_z(tau)`."""

    def weights(tau):
        kernel = np.array([[0.0, 0.0, 1.0]])
        recurrent_kernel = np.array([[0.0, 0.0, candidate_recurrent]])
        bias = np.zeros((2, 3))
        bias[0, column] = bias_of_z(tau)
        return kernel, recurrent_kernel, bias if bias_shape == (2, 3) else bias[0]

    return weights


LEAKY_MISTAKES = {
    "Keras's z is the fraction kept": _leaky(lambda tau: np.log(1 / (tau - 1))),  # z = 1/tau
    "must be log\\(tau - 1\\)": _leaky(lambda tau: 1 - 1 / tau),  # the gate's value, not its pre-activation
    "wrong block": _leaky(lambda tau: np.log(tau - 1), column=1),  # the bias of the reset gate
    "two bias rows": _leaky(lambda tau: np.log(tau - 1), bias_shape=(3,)),
    "largest difference": _leaky(lambda tau: np.log(tau - 1), candidate_recurrent=0.5),
}


@pytest.mark.parametrize("cause", LEAKY_MISTAKES)
def test_leaky_mistakes_are_named(cause):
    with pytest.raises(AssertionError, match=cause):
        check("05.q4", LEAKY_MISTAKES[cause])
