"""In-notebook feedback: check() passes the reference solution, says "not attempted" for a
stub, and names the cause of known mistakes. Runs in-process, so it is fast."""

import keras
import numpy as np
import pytest

from helpers.grading import EXERCISES, check, get
from tests.helpers_for_tests import solution_functions

SOLUTIONS = {stem: solution_functions(stem) for stem in EXERCISES}
SOLUTION = SOLUTIONS["01_rnn_basics"]
ALL = [(stem, q) for stem, questions in EXERCISES.items() for q in questions]


@pytest.mark.parametrize("stem, question", ALL, ids=[q.id for _, q in ALL])
def test_reference_solution_passes_visible_and_hidden_cases(stem, question, capsys):
    answer = SOLUTIONS[stem][question.answer]
    check(question.id, answer)
    assert "passed" in capsys.readouterr().out
    for case in question.cases(True):  # the grader's hidden cases too
        question.verify(case, question.run(answer, case))


def test_stub_is_not_attempted(capsys):
    def rnn_cell_forward(x_t, h_prev, W_xh, W_hh, b_h):
        raise NotImplementedError

    check("01.q1", rnn_cell_forward)
    out = capsys.readouterr().out
    assert "not attempted" in out and "passed" not in out


def test_unknown_question_is_named():
    with pytest.raises(KeyError, match="01.q9"):
        get("01.q9")


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


# --- exercise 2 -----------------------------------------------------------------------

SOLUTION2 = SOLUTIONS["02_bptt"]


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


# --- exercise 3 -----------------------------------------------------------------------

SOLUTION3 = SOLUTIONS["03_vanishing_exploding"]


def _jacobians(X, W_xh, W_hh, b_h):
    """The Jacobian products d h_T / d h_{T-k}, k = 1..T, by the reference recurrence."""
    h, states = np.zeros(W_hh.shape[0]), []
    for x_t in X:
        h = np.tanh(W_xh @ x_t + W_hh @ h + b_h)  # (num_hiddens,)
        states.append(h)
    J, out = np.eye(W_hh.shape[0]), []
    for h_j in reversed(states):
        J = J @ (np.diag(1 - h_j**2) @ W_hh)  # (num_hiddens, num_hiddens)
        out.append(J)
    return out


JACOBIAN_MISTAKES = {
    "Frobenius": lambda X, W_xh, W_hh, b_h: np.array([np.linalg.norm(J) for J in _jacobians(X, W_xh, W_hh, b_h)]),
    "tanh derivative": lambda X, W_xh, W_hh, b_h: np.array(
        [np.linalg.norm(np.linalg.matrix_power(W_hh, k), 2) for k in range(1, len(X) + 1)]
    ),
    "reversed": lambda X, W_xh, W_hh, b_h: SOLUTION3["jacobian_norms"](X, W_xh, W_hh, b_h)[::-1],
    "identity": lambda X, W_xh, W_hh, b_h: np.concatenate([[1.0], SOLUTION3["jacobian_norms"](X, W_xh, W_hh, b_h)]),
}


@pytest.mark.parametrize("cause", JACOBIAN_MISTAKES)
def test_jacobian_norm_mistakes_are_named(cause):
    with pytest.raises(AssertionError, match=cause):
        check("03.q1", JACOBIAN_MISTAKES[cause])


RADIUS_MISTAKES = {
    "largest singular value": lambda W: np.linalg.norm(W, 2),
    "absolute value": lambda W: float(np.max(np.linalg.eigvals(W).real)),
}


@pytest.mark.parametrize("cause", RADIUS_MISTAKES)
def test_spectral_radius_mistakes_are_named(cause):
    with pytest.raises(AssertionError, match=cause):
        check("03.q2", RADIUS_MISTAKES[cause])


def test_the_exploding_setup_diverges_without_clipping_and_thresholds_are_judged_by_training():
    from helpers.grading.ex03 import train_exploding_rnn

    assert not np.all(np.isfinite(train_exploding_rnn(None, seed=0)))
    with pytest.raises(AssertionError, match="smaller threshold"):
        check("03.q3", lambda: 30.0)
    with pytest.raises(AssertionError, match="positive"):
        check("03.q3", lambda: -1.0)


def _irnn(**changes):
    def build_irnn(num_steps, num_inputs, num_hiddens, num_outputs):
        options = {
            "activation": "relu",
            "recurrent_initializer": keras.initializers.Identity(),
            "kernel_initializer": keras.initializers.RandomNormal(stddev=0.001),
            **changes,
        }
        return keras.Sequential(
            [keras.Input(shape=(num_steps, num_inputs)), keras.layers.SimpleRNN(num_hiddens, **options), keras.layers.Dense(num_outputs)]
        )

    return build_irnn


IRNN_MISTAKES = {
    "relu": _irnn(activation="tanh"),
    "identity": _irnn(recurrent_initializer="orthogonal"),
    "small and random": _irnn(kernel_initializer="glorot_uniform"),
}


@pytest.mark.parametrize("cause", IRNN_MISTAKES)
def test_irnn_mistakes_are_named(cause):
    with pytest.raises(AssertionError, match=cause):
        check("03.q4", IRNN_MISTAKES[cause])
