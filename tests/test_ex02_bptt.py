"""In-notebook feedback for exercise 2 (backpropagation through time): known mistakes are named.

Runs check() in-process on the reference solution changed in one way, so it is fast.
"""

import numpy as np
import pytest

from helpers.grading import check
from tests.helpers_for_tests import solution_functions

SOLUTION2 = solution_functions("02_bptt")


def _step_with(change):
    def rnn_step_backward(dh_t, x_t, h_prev, h_t, W_xh, W_hh):
        grads = SOLUTION2["rnn_step_backward"](dh_t, x_t, h_prev, h_t, W_xh, W_hh)
        return change(grads, dh_t, x_t, h_prev, h_t, W_xh, W_hh)

    return rnn_step_backward


STEP_MISTAKES = {
    "tanh derivative": _step_with(lambda g, dh, x, hp, h, Wx, Wh: {**g, "dW_xh": dh.T @ x}),
    "Sum over the batch": _step_with(lambda g, dh, x, hp, h, Wx, Wh: {**g, "db_h": dh * (1 - h**2)}),
    "kernel layout": _step_with(lambda g, dh, x, hp, h, Wx, Wh: {**g, "dW_xh": g["dW_xh"].T}),
    "W_hh is transposed": _step_with(lambda g, dh, x, hp, h, Wx, Wh: {**g, "dh_prev": (dh * (1 - h**2)) @ Wh.T}),
    "missing": _step_with(lambda g, *args: {k: v for k, v in g.items() if k != "dx_t"}),
}


@pytest.mark.parametrize("cause", STEP_MISTAKES)
def test_step_backward_mistakes_are_named(cause):
    with pytest.raises(AssertionError, match=cause):
        check("02.q1", STEP_MISTAKES[cause])


def _bptt_scaled(by):
    def bptt(X, Y, h0, W_xh, W_hh, b_h, W_hy, b_y):
        grads = SOLUTION2["bptt"](X, Y, h0, W_xh, W_hh, b_h, W_hy, b_y)
        return {k: v / by(X, Y) for k, v in grads.items()}

    return bptt


def _bptt_without_recurrence(X, Y, h0, W_xh, W_hh, b_h, W_hy, b_y):
    """BPTT in which dL/dh_t forgets the path from step t+1."""
    step = SOLUTION2["rnn_step_backward"]
    h, grads = h0, {"W_xh": 0 * W_xh, "W_hh": 0 * W_hh, "b_h": 0 * b_h, "W_hy": 0 * W_hy, "b_y": 0 * b_y}
    for t in range(X.shape[1]):
        h_prev, h = h, np.tanh(X[:, t] @ W_xh.T + h @ W_hh.T + b_h)  # (batch, num_hiddens)
        dy = h @ W_hy.T + b_y - Y[:, t]  # (batch, num_outputs)
        g = step(dy @ W_hy, X[:, t], h_prev, h, W_xh, W_hh)
        grads = {**grads, "W_xh": grads["W_xh"] + g["dW_xh"], "W_hh": grads["W_hh"] + g["dW_hh"],
                 "b_h": grads["b_h"] + g["db_h"], "W_hy": grads["W_hy"] + dy.T @ h, "b_y": grads["b_y"] + dy.sum(0)}
        if t == 0:
            grads["h0"] = g["dh_prev"]
    return grads


BPTT_MISTAKES = {
    "averaged, not summed": _bptt_scaled(lambda X, Y: X.shape[0] * X.shape[1]),
    "averaged over every number": _bptt_scaled(lambda X, Y: Y.size),
    "does not flow back through time": _bptt_without_recurrence,
}


@pytest.mark.parametrize("cause", BPTT_MISTAKES)
def test_bptt_mistakes_are_named(cause):
    with pytest.raises(AssertionError, match=cause):
        check("02.q2", BPTT_MISTAKES[cause])


def _forward_difference(f, x, eps=1e-5):
    grad = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        y = x.copy()
        y[i] += eps
        grad[i] = (f(y) - f(x)) / eps
    return grad


def _in_place_without_restoring(f, x, eps=1e-5):
    grad = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        x[i] += eps
        f_plus = f(x)
        x[i] -= 2 * eps
        grad[i] = (f_plus - f(x)) / (2 * eps)
    return grad


GRADIENT_MISTAKES = {
    "forward difference": _forward_difference,
    "2\\*eps": lambda f, x, eps=1e-5: 2 * SOLUTION2["numerical_gradient"](f, x, eps),
    "changed in place": _in_place_without_restoring,
    "x's shape": lambda f, x, eps=1e-5: SOLUTION2["numerical_gradient"](f, x, eps).ravel(),
}


@pytest.mark.parametrize("cause", GRADIENT_MISTAKES)
def test_gradient_checker_mistakes_are_named(cause):
    with pytest.raises(AssertionError, match=cause):
        check("02.q3", GRADIENT_MISTAKES[cause])


def _per_array(grads, max_norm):
    return [g * min(1.0, max_norm / np.linalg.norm(g)) for g in grads]


def _always_scaled(grads, max_norm):
    norm = np.sqrt(sum(np.sum(g**2) for g in grads))
    return [g * max_norm / norm for g in grads]


CLIP_MISTAKES = {
    "its own norm": _per_array,
    "clipped by value": lambda grads, max_norm: [np.clip(g, -max_norm, max_norm) for g in grads],
    "left unchanged": _always_scaled,
    "one per input gradient": lambda grads, max_norm: SOLUTION2["clip_by_global_norm"](grads, max_norm)[:-1],
}


@pytest.mark.parametrize("cause", CLIP_MISTAKES)
def test_clipping_mistakes_are_named(cause):
    with pytest.raises(AssertionError, match=cause):
        check("02.q4", CLIP_MISTAKES[cause])
