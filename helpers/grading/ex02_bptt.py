"""Exercise 2, backpropagation through time: the questions and their tests.

Expected gradients come from tf.GradientTape on Keras layers in float64, given the same
weights; expected clipping from tf.clip_by_global_norm. The numpy lines below compute only
the values of known mistakes, so a message can name the mistake.
"""

from __future__ import annotations

import numpy as np

from helpers.grading.question import Question, as_array, call_answer, expect_close, expect_shape



def _rnn_case(batch, num_steps, num_inputs, num_hiddens, num_outputs, seed) -> dict:
    rng = np.random.default_rng(seed)
    return {
        "X": rng.normal(size=(batch, num_steps, num_inputs)),  # (batch, num_steps, num_inputs)
        "Y": rng.normal(size=(batch, num_steps, num_outputs)),  # (batch, num_steps, num_outputs)
        "h0": rng.normal(scale=0.5, size=(batch, num_hiddens)),  # (batch, num_hiddens)
        "W_xh": rng.normal(scale=0.5, size=(num_hiddens, num_inputs)),  # (num_hiddens, num_inputs)
        "W_hh": rng.normal(scale=0.4, size=(num_hiddens, num_hiddens)),  # (num_hiddens, num_hiddens)
        "b_h": rng.normal(scale=0.3, size=(num_hiddens,)),  # (num_hiddens,)
        "W_hy": rng.normal(scale=0.5, size=(num_outputs, num_hiddens)),  # (num_outputs, num_hiddens)
        "b_y": rng.normal(scale=0.3, size=(num_outputs,)),  # (num_outputs,)
    }


def _keras_gradients(case: dict) -> dict:
    """Gradients of L = 1/2 sum over batch and steps of |y_hat_t - y_t|^2, by tf.GradientTape
    through keras.layers.SimpleRNN and Dense in float64, in the book's layout (W, not W.T)."""
    import keras
    import tensorflow as tf

    X, Y, W_xh, W_hh = case["X"], case["Y"], case["W_xh"], case["W_hh"]
    rnn = keras.layers.SimpleRNN(W_hh.shape[0], return_sequences=True, dtype="float64")
    rnn.build(X.shape)
    rnn.set_weights([W_xh.T, W_hh.T, case["b_h"]])
    dense = keras.layers.Dense(case["W_hy"].shape[0], dtype="float64")
    dense.build((None, W_hh.shape[0]))
    dense.set_weights([case["W_hy"].T, case["b_y"]])
    h0 = tf.Variable(case["h0"])
    with tf.GradientTape() as tape:
        Y_hat = dense(rnn(tf.constant(X), initial_state=[h0]))  # (batch, num_steps, num_outputs)
        loss = 0.5 * tf.reduce_sum((Y_hat - Y) ** 2)
    kernel, recurrent, bias = rnn.weights
    dense_kernel, dense_bias = dense.weights
    g = tape.gradient(loss, [kernel, recurrent, bias, dense_kernel, dense_bias, h0])
    grads = dict(zip(["W_xh", "W_hh", "b_h", "W_hy", "b_y", "h0"], [np.asarray(t) for t in g]))
    for name in ("W_xh", "W_hh", "W_hy"):
        grads[name] = grads[name].T  # Keras's kernels are the transposes
    return grads


def _expect_dict(got: dict, keys: list[str], what: str) -> None:
    missing = [k for k in keys if k not in got]
    if missing:
        raise AssertionError(f"{what} should be a dict with the keys {keys}; missing {missing}.")


# --- q1: the backward pass of one step -------------------------------------------------

STEP_ARGS = ["dh_t", "x_t", "h_prev", "h_t", "W_xh", "W_hh"]
STEP_KEYS = ["dx_t", "dh_prev", "dW_xh", "dW_hh", "db_h"]


def q1_cases(hidden: bool) -> list[dict]:
    shapes = [(3, 4, 5, 31)]  # (batch, num_inputs, num_hiddens, seed)
    if hidden:
        shapes += [(1, 2, 2, 32), (6, 3, 7, 33)]
    cases = []
    for batch, n_x, n_h, seed in shapes:
        rng = np.random.default_rng(seed)
        x = rng.normal(size=(batch, n_x))  # (batch, num_inputs)
        h_prev = rng.normal(scale=0.5, size=(batch, n_h))  # (batch, num_hiddens)
        W_xh = rng.normal(scale=0.5, size=(n_h, n_x))  # (num_hiddens, num_inputs)
        W_hh = rng.normal(scale=0.5, size=(n_h, n_h))  # (num_hiddens, num_hiddens)
        b_h = rng.normal(scale=0.3, size=(n_h,))  # (num_hiddens,)
        h_t = np.tanh(x @ W_xh.T + h_prev @ W_hh.T + b_h)  # (batch, num_hiddens): the forward step, given
        dh = rng.normal(size=(batch, n_h))  # (batch, num_hiddens): dL/dh_t from above
        cases.append({"dh_t": dh, "x_t": x, "h_prev": h_prev, "h_t": h_t, "W_xh": W_xh, "W_hh": W_hh, "b_h": b_h})
    return cases


def q1_run(answer, case):
    grads = call_answer(answer, case, STEP_ARGS)
    if not isinstance(grads, dict):
        raise AssertionError(f"return a dict with the keys {STEP_KEYS}, not a {type(grads).__name__}.")
    _expect_dict(grads, STEP_KEYS, "the result")
    return {k: as_array(grads[k], k) for k in STEP_KEYS}


def q1_verify(case, payload):
    import tensorflow as tf

    dh, x, h_prev, h_t, W_xh, W_hh, b_h = (case[k] for k in [*STEP_ARGS, "b_h"])
    n_h, n_x = W_xh.shape
    batch = x.shape[0]
    shapes = {"dx_t": (batch, n_x), "dh_prev": (batch, n_h), "dW_xh": (n_h, n_x), "dW_hh": (n_h, n_h), "db_h": (n_h,)}
    hints = {
        "db_h": {(batch, n_h): "Sum over the batch: b_h is shared by every example."},
        "dW_xh": {(n_x, n_h): "That is Keras's kernel layout; the book's W_xh is (num_hiddens, num_inputs): dW_xh = da.T @ x_t."},
        "dx_t": {(batch, n_h): "dx_t has one entry per input feature: da @ W_xh."},
    }
    for key in STEP_KEYS:
        expect_shape(payload[key], shapes[key], key, hints.get(key))

    variables = [tf.Variable(v) for v in (x, h_prev, W_xh, W_hh, b_h)]
    with tf.GradientTape() as tape:
        xv, hv, Wx, Wh, b = variables
        h = tf.tanh(tf.matmul(xv, Wx, transpose_b=True) + tf.matmul(hv, Wh, transpose_b=True) + b)  # (batch, num_hiddens)
        loss = tf.reduce_sum(dh * h)  # so that dL/dh_t = dh
    expected = dict(zip(STEP_KEYS, (np.asarray(g) for g in tape.gradient(loss, variables))))

    da_wrong = dh  # (batch, num_hiddens): the tanh derivative forgotten
    suspects = {
        "dx_t": {"the tanh derivative (1 - h_t**2) is missing.": da_wrong @ W_xh},
        "dh_prev": {
            "the tanh derivative (1 - h_t**2) is missing.": da_wrong @ W_hh,
            "W_hh is transposed: dh_prev = da @ W_hh, since the forward step is h_prev @ W_hh.T.": (dh * (1 - h_t**2)) @ W_hh.T,
        },
        "dW_xh": {"the tanh derivative (1 - h_t**2) is missing.": da_wrong.T @ x},
        "dW_hh": {
            "the tanh derivative (1 - h_t**2) is missing.": da_wrong.T @ h_prev,
            "it is transposed: dW_hh = da.T @ h_prev.": (h_prev.T @ (dh * (1 - h_t**2))),
        },
        "db_h": {"the tanh derivative (1 - h_t**2) is missing.": da_wrong.sum(axis=0)},
    }
    for key in STEP_KEYS:
        expect_close(payload[key], expected[key], key, suspects[key], atol=1e-8)


# --- q2: full BPTT ---------------------------------------------------------------------

BPTT_ARGS = ["X", "Y", "h0", "W_xh", "W_hh", "b_h", "W_hy", "b_y"]
GRAD_KEYS = ["W_xh", "W_hh", "b_h", "W_hy", "b_y", "h0"]


def q2_cases(hidden: bool) -> list[dict]:
    shapes = [(2, 5, 3, 4, 2, 41)]  # (batch, num_steps, num_inputs, num_hiddens, num_outputs, seed)
    if hidden:
        shapes += [(1, 1, 2, 3, 1, 42), (3, 9, 2, 6, 3, 43)]
    return [_rnn_case(*s) for s in shapes]


def q2_run(answer, case):
    grads = call_answer(answer, case, BPTT_ARGS)
    if not isinstance(grads, dict):
        raise AssertionError(f"return a dict with the keys {GRAD_KEYS}, not a {type(grads).__name__}.")
    _expect_dict(grads, GRAD_KEYS, "the result")
    return {k: as_array(grads[k], f"the gradient for {k}") for k in GRAD_KEYS}


def q2_verify(case, payload):
    expected = _keras_gradients(case)
    no_recurrence = _direct_only(case)
    batch, T, _ = case["X"].shape
    n_y = case["Y"].shape[2]
    for key in GRAD_KEYS:
        expect_shape(payload[key], expected[key].shape, f"the gradient for {key}",
                     {expected[key].T.shape: "It is transposed: gradients have the shape of their weights."}
                     if expected[key].ndim == 2 and key != "h0" else {})
    # Known mistakes, recognised by their effect on the output-layer gradient or on all of them.
    for key in GRAD_KEYS:
        suspects = {
            "the loss is averaged, not summed: L = 1/2 sum over the batch and the steps.": expected[key] / (batch * T),
            "the loss is averaged over every number, not summed.": expected[key] / (batch * T * n_y),
        }
        if key in ("W_xh", "W_hh", "b_h", "h0"):
            suspects["the gradient does not flow back through time: add W_hh.T-weighted dh from step t+1."] = (
                no_recurrence[key]
            )
        expect_close(payload[key], expected[key], f"the gradient for {key}", suspects, atol=1e-8)


def _direct_only(case: dict) -> dict:
    """What BPTT gives when dL/dh_t takes only the output's term, not the term from step t+1."""
    X, Y, h, W_xh, W_hh, b_h, W_hy, b_y = (case[k] for k in BPTT_ARGS)
    states, prevs = [], []
    for t in range(X.shape[1]):
        prevs.append(h)
        h = np.tanh(X[:, t] @ W_xh.T + h @ W_hh.T + b_h)  # (batch, num_hiddens)
        states.append(h)
    grads = {"W_xh": 0 * W_xh, "W_hh": 0 * W_hh, "b_h": 0 * b_h, "h0": 0 * case["h0"]}
    for t, (h_t, h_prev) in enumerate(zip(states, prevs)):
        da = ((h_t @ W_hy.T + b_y - Y[:, t]) @ W_hy) * (1 - h_t**2)  # (batch, num_hiddens)
        grads["W_xh"] = grads["W_xh"] + da.T @ X[:, t]
        grads["W_hh"] = grads["W_hh"] + da.T @ h_prev
        grads["b_h"] = grads["b_h"] + da.sum(axis=0)
        if t == 0:
            grads["h0"] = da @ W_hh
    return grads


# --- q3: a finite-difference gradient checker -----------------------------------------

EPS = 1e-5


def _test_function(A: np.ndarray):
    """f(x) = sum(tanh(A @ x.ravel())**2) + sum(x**3)/3, with a known gradient by autodiff."""

    def f(x):
        return float(np.sum(np.tanh(A @ np.ravel(x)) ** 2) + np.sum(np.asarray(x) ** 3) / 3)

    return f


def q3_cases(hidden: bool) -> list[dict]:
    shapes = [((4,), 51), ((2, 3), 52)]
    if hidden:
        shapes += [((1,), 53), ((3, 2, 2), 54)]
    cases = []
    for shape, seed in shapes:
        rng = np.random.default_rng(seed)
        size = int(np.prod(shape))
        cases.append({"A": rng.normal(size=(3, size)), "x": rng.normal(size=shape)})
    return cases


def q3_run(answer, case):
    x = np.array(case["x"])
    grad = call_answer(answer, {"f": _test_function(case["A"]), "x": x, "eps": EPS}, ["f", "x", "eps"], copy=False)
    return {"grad": as_array(grad, "the gradient"), "x_after": x}


def q3_verify(case, payload):
    import tensorflow as tf

    A, x = case["A"], case["x"]
    expect_shape(payload["grad"], x.shape, "the gradient", {(x.size,): "Return an array of x's shape: one partial derivative per entry."})
    if not np.array_equal(payload["x_after"], x):
        raise AssertionError("x was changed in place: put each entry back after perturbing it (or work on a copy).")
    xv = tf.Variable(x)
    with tf.GradientTape() as tape:
        value = tf.reduce_sum(tf.tanh(tf.linalg.matvec(A, tf.reshape(xv, [-1]))) ** 2) + tf.reduce_sum(xv**3) / 3
    expected = np.asarray(tape.gradient(value, xv))
    f = _test_function(A)
    forward = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        step = np.zeros_like(x)
        step[i] = EPS
        forward[i] = (f(x + step) - f(x)) / EPS
    suspects = {
        "that is the forward difference (f(x+eps) - f(x)) / eps; use the centred one, (f(x+eps) - f(x-eps)) / (2 eps).": forward,
        "the centred difference must divide by 2*eps.": 2 * expected,
    }
    expect_close(payload["grad"], expected, "the gradient", suspects, atol=1e-7)


# --- q4: clipping by global norm -------------------------------------------------------

def q4_cases(hidden: bool) -> list[dict]:
    specs = [([(3, 4), (4,), (2, 2)], 1.0, 61), ([(5,), (2, 3)], 100.0, 62)]  # shapes, max_norm, seed
    if hidden:
        specs += [([(1,)], 0.5, 63), ([(4, 4), (4,), (3, 4), (3,)], 2.5, 64)]
    cases = []
    for shapes, max_norm, seed in specs:
        rng = np.random.default_rng(seed)
        grads = {f"g{i}": rng.normal(scale=2.0, size=s) for i, s in enumerate(shapes)}
        cases.append({**grads, "max_norm": max_norm})
    return cases


def _grads(case: dict) -> list[np.ndarray]:
    return [case[f"g{i}"] for i in range(len(case) - 1)]


def q4_run(answer, case):
    clipped = call_answer(answer, {"grads": [np.array(g) for g in _grads(case)], "max_norm": case["max_norm"]}, ["grads", "max_norm"])
    if not isinstance(clipped, (list, tuple)):
        raise AssertionError(f"return a list of arrays, one per gradient, not a {type(clipped).__name__}.")
    return {f"g{i}": as_array(g, f"clipped gradient {i}") for i, g in enumerate(clipped)}


def q4_verify(case, payload):
    import tensorflow as tf

    grads, max_norm = _grads(case), case["max_norm"]
    if len(payload) != len(grads):
        raise AssertionError(f"expected {len(grads)} clipped gradients, one per input gradient; got {len(payload)}.")
    expected, global_norm = tf.clip_by_global_norm([tf.constant(g) for g in grads], max_norm)
    per_array = [g * min(1.0, max_norm / np.linalg.norm(g)) for g in grads]
    always = [g * max_norm / float(global_norm) for g in grads]
    for i, (g, e) in enumerate(zip(grads, expected)):
        expect_shape(payload[f"g{i}"], g.shape, f"clipped gradient {i}")
        suspects = {
            "each array is clipped by its own norm; scale all of them by one factor, max_norm / global norm.": per_array[i],
            "gradients are clipped by value; clip by the global norm of all of them together.": np.clip(g, -max_norm, max_norm),
            "gradients whose global norm is already below max_norm must be left unchanged.": always[i],
        }
        expect_close(payload[f"g{i}"], np.asarray(e), f"clipped gradient {i}", suspects, atol=1e-8)


QUESTIONS = [
    Question(id="02.q1", title="the backward pass of one step", points=2, function_name="rnn_step_backward",
             cases=q1_cases, run=q1_run, verify=q1_verify),
    Question(id="02.q2", title="backpropagation through time", points=2, function_name="bptt",
             cases=q2_cases, run=q2_run, verify=q2_verify),
    Question(id="02.q3", title="a finite-difference gradient checker", points=2, function_name="numerical_gradient",
             cases=q3_cases, run=q3_run, verify=q3_verify),
    Question(id="02.q4", title="clipping by global norm", points=2, function_name="clip_by_global_norm",
             cases=q4_cases, run=q4_run, verify=q4_verify),
]
