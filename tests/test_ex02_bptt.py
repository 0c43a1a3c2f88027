"""In-notebook feedback for exercise 2 (backpropagation through time): known mistakes are named.

Runs check() in-process on the reference solution changed in one way, so it is fast.
"""

import re

import numpy as np
import pytest

from helpers.grading import check
from helpers.grading.ex02_bptt import RTRL_MISTAKES as RTRL_HINTS, _rtrl_numpy, q3_cases
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
    "averaged over the batch": _step_with(lambda g, dh, x, hp, h, Wx, Wh: {**g, "db_h": g["db_h"] / len(x)}),
    "tanh is applied twice": _step_with(
        lambda g, dh, x, hp, h, Wx, Wh: {**g, "dW_xh": (dh * (1 - np.tanh(h) ** 2)).T @ x}),
    "paired with the wrong state": _step_with(lambda g, dh, x, hp, h, Wx, Wh: {**g, "dW_hh": (dh * (1 - h**2)).T @ h}),
    "sign is flipped": _step_with(lambda g, *args: {**g, "dW_hh": -g["dW_hh"]}),
}


def test_step_backward_names_an_input_changed_in_place():
    def rnn_step_backward(dh_t, x_t, h_prev, h_t, W_xh, W_hh):
        grads = SOLUTION2["rnn_step_backward"](dh_t, x_t, h_prev, h_t, W_xh, W_hh)
        dh_t *= 2
        return grads

    with pytest.raises(AssertionError, match="changed its input dh_t in place"):
        check("02.q1", rnn_step_backward)


@pytest.mark.parametrize("cause", STEP_MISTAKES)
def test_step_backward_mistakes_are_named(cause):
    with pytest.raises(AssertionError, match=cause):
        check("02.q1", STEP_MISTAKES[cause])


def _bptt_scaled(by):
    def bptt_padded(X, Y, lengths, h0, W_xh, W_hh, b_h, W_hy, b_y):
        grads = SOLUTION2["bptt_padded"](X, Y, lengths, h0, W_xh, W_hh, b_h, W_hy, b_y)
        return {k: v / by(X, Y, lengths) for k, v in grads.items()}

    return bptt_padded


def _bptt_with(mistake):
    """The grader's own numpy BPTT with one mistake, as a learner's answer."""
    from helpers.grading.ex02_bptt import _bptt_numpy

    def bptt_padded(X, Y, lengths, h0, W_xh, W_hh, b_h, W_hy, b_y):
        case = dict(X=X, Y=Y, lengths=lengths, h0=h0, W_xh=W_xh, W_hh=W_hh, b_h=b_h, W_hy=W_hy, b_y=b_y)
        return _bptt_numpy(case, mistake)

    return bptt_padded


def _bptt_old_keys(X, Y, lengths, h0, W_xh, W_hh, b_h, W_hy, b_y):
    return {k[1:]: v for k, v in SOLUTION2["bptt_padded"](X, Y, lengths, h0, W_xh, W_hh, b_h, W_hy, b_y).items()}


def _bptt_through_padding(X, Y, lengths, h0, W_xh, W_hh, b_h, W_hy, b_y):
    """Chapter 2's full BPTT, pasted unchanged: every step of every sequence is real."""
    full = np.full_like(lengths, X.shape[1])
    return SOLUTION2["bptt_padded"](X, Y, full, h0, W_xh, W_hh, b_h, W_hy, b_y)


def _mask_shifted(shift):
    def bptt_padded(X, Y, lengths, h0, W_xh, W_hh, b_h, W_hy, b_y):
        shifted = np.clip(lengths + shift, 1, X.shape[1])  # np.arange(T) <= lengths, or < lengths - 1
        return SOLUTION2["bptt_padded"](X, Y, shifted, h0, W_xh, W_hh, b_h, W_hy, b_y)

    return bptt_padded


def _transposed_dW_hh(X, Y, lengths, h0, W_xh, W_hh, b_h, W_hy, b_y):
    grads = SOLUTION2["bptt_padded"](X, Y, lengths, h0, W_xh, W_hh, b_h, W_hy, b_y)
    return {**grads, "dW_hh": grads["dW_hh"].T}


def _zeroed(key):
    def bptt_padded(X, Y, lengths, h0, W_xh, W_hh, b_h, W_hy, b_y):
        grads = SOLUTION2["bptt_padded"](X, Y, lengths, h0, W_xh, W_hh, b_h, W_hy, b_y)
        return {**grads, key: np.zeros_like(grads[key])}

    return bptt_padded


BPTT_MISTAKES = {
    "averaged over every number": _bptt_scaled(lambda X, Y, lengths: Y.size),
    "averaged over the batch, not summed": _bptt_scaled(lambda X, Y, lengths: X.shape[0]),
    "lengths are ignored": _bptt_through_padding,
    "as if they were tanh steps": _bptt_with("padded steps through tanh"),
    "no gradient passes through the padded steps": _bptt_with("copies stop the gradient"),
    "does not flow back through time": _bptt_with("no recurrence"),
    "tanh is applied twice": _bptt_with("tanh twice"),
    "states are off by one": _bptt_with("off by one"),
    "wraps around": _bptt_with("wrap"),
    "W_hh is transposed in the recurrence": _bptt_with("W_hh.T"),
    "dW_hh is transposed": _transposed_dW_hh,
    "set to 0; a mask copies it": _bptt_with("zeroed"),
    "both through the tanh step and along the copy": _bptt_with("tanh and copy"),
    "divided by the number of real steps": _bptt_scaled(lambda X, Y, lengths: lengths.sum()),
    "dh0 is all zeros": _zeroed("dh0"),
    "dW_xh is all zeros": _zeroed("dW_xh"),
    "mask is off by one \\(a step too many\\)": _mask_shifted(1),
    "mask is off by one \\(a step too few\\)": _mask_shifted(-1),
    "start with d": _bptt_old_keys,
}


def test_an_answer_that_injects_the_gradient_at_the_last_real_step_is_accepted():
    """Valid: no copies at all; the state after each sequence's last real step is picked
    out, and the gradient enters there."""
    check("02.q2", _last_real_state_picked)


def _last_real_state_picked(X, Y, lengths, h0, W_xh, W_hh, b_h, W_hy, b_y):
    batch, T = X.shape[:2]
    H = [h0]
    for t in range(T):
        H.append(np.tanh(X[:, t] @ W_xh.T + H[-1] @ W_hh.T + b_h))  # (batch, num_hiddens)
    h_last = np.stack(H, axis=1)[np.arange(batch), lengths]  # (batch, num_hiddens): after step lengths[b]
    dy = h_last @ W_hy.T + b_y - Y  # (batch, num_outputs)
    g = {"dW_xh": 0 * W_xh, "dW_hh": 0 * W_hh, "db_h": 0 * b_h, "dW_hy": dy.T @ h_last, "db_y": dy.sum(axis=0)}
    dh = np.zeros_like(h0)  # (batch, num_hiddens)
    for t in reversed(range(T)):
        dh = dh + (lengths == t + 1)[:, None] * (dy @ W_hy)  # the loss enters after step lengths[b]
        da = dh * (1 - H[t + 1] ** 2)  # (batch, num_hiddens)
        g["dW_xh"] += da.T @ X[:, t]
        g["dW_hh"] += da.T @ H[t]
        g["db_h"] += da.sum(axis=0)
        dh = da @ W_hh
    return {**g, "dh0": dh}


@pytest.mark.parametrize("cause", BPTT_MISTAKES)
def test_bptt_mistakes_are_named(cause):
    with pytest.raises(AssertionError, match=cause):
        check("02.q2", BPTT_MISTAKES[cause])


def test_the_numpy_bptt_without_mistakes_is_right():
    """The suspects are computed by _bptt_numpy; without a mistake it must pass."""
    check("02.q2", _bptt_with(None))


def _rtrl_with(mistake):
    """The grader's own numpy RTRL with one mistake made on purpose (None: none)."""

    def rtrl_running_gradients(X, Y, h0, W_xh, W_hh, b_h, W_hy, b_y):
        case = dict(X=X, Y=Y, h0=h0, W_xh=W_xh, W_hh=W_hh, b_h=b_h, W_hy=W_hy, b_y=b_y)
        return _rtrl_numpy(case, mistake)

    return rtrl_running_gradients


def test_the_numpy_rtrl_without_mistakes_is_right():
    """The suspects are computed by _rtrl_numpy; without a mistake it must pass."""
    check("02.q3", _rtrl_with(None))


def _rtrl_solution_changed(change):
    def rtrl_running_gradients(X, Y, h0, W_xh, W_hh, b_h, W_hy, b_y):
        return change(SOLUTION2["rtrl_running_gradients"](X, Y, h0, W_xh, W_hh, b_h, W_hy, b_y), X)

    return rtrl_running_gradients


def _state_updated_in_h0(X, Y, h0, W_xh, W_hh, b_h, W_hy, b_y):
    """h = h0, then h[:] = ... : the learner's state is h0 itself, which is overwritten."""
    running = SOLUTION2["rtrl_running_gradients"](X, Y, h0.copy(), W_xh, W_hh, b_h, W_hy, b_y)
    h = h0
    for t in range(X.shape[1]):
        h[:] = np.tanh(X[:, t] @ W_xh.T + h @ W_hh.T + b_h)
    return running


def _restores_W_hh_by_arithmetic(X, Y, h0, W_xh, W_hh, b_h, W_hy, b_y):
    """Valid: nudges W_hh in place and restores it by arithmetic, which drifts by rounding."""
    W_hh += 0.1
    W_hh -= 0.1
    return SOLUTION2["rtrl_running_gradients"](X, Y, h0, W_xh, W_hh, b_h, W_hy, b_y)


def test_an_input_restored_by_arithmetic_is_not_called_changed():
    """W += 0.1; W -= 0.1 leaves a rounding drift: not a change in place."""
    W_hh = q3_cases(hidden=False)[0]["W_hh"]
    assert np.any(W_hh + 0.1 - 0.1 != W_hh)  # the drift is there
    check("02.q3", _restores_W_hh_by_arithmetic)


RTRL_MISTAKES = {
    **{hint.split(":")[0][:40]: _rtrl_with(m) for m, hint in RTRL_HINTS.items()},
    "one gradient per step": _rtrl_solution_changed(lambda G, X: G[-1]),
    "each gradient is transposed": _rtrl_solution_changed(lambda G, X: np.transpose(G, (0, 2, 1))),
    "averaged over the batch": _rtrl_solution_changed(lambda G, X: G / len(X)),
    "not of l_t alone": _rtrl_solution_changed(lambda G, X: np.diff(G, axis=0, prepend=0)),
    "shifted by one step": _rtrl_solution_changed(lambda G, X: np.concatenate([0 * G[:1], G[:-1]])),
    "changed its input h0 in place": _state_updated_in_h0,
    "a list of 5 items of shape (3, 3)": _rtrl_solution_changed(lambda G, X: list(G)),
    "every entry is the final gradient": _rtrl_solution_changed(lambda G, X: np.stack([G[-1]] * len(G))),
    "averaged over the outputs": _rtrl_solution_changed(lambda G, X: G / 4),  # the first case's num_outputs
    "the mean of l_1 .. l_t": _rtrl_solution_changed(lambda G, X: G / np.arange(1, len(G) + 1)[:, None, None]),
    "-2 times the expected one": _rtrl_solution_changed(lambda G, X: -2 * G),
    "None: did you forget `return`?": _rtrl_solution_changed(lambda G, X: None),
    "Entry 0 is right": _rtrl_solution_changed(lambda G, X: G + np.arange(len(G))[:, None, None] ** 2),
    "Entry 0, the first step, is already wrong": _rtrl_solution_changed(lambda G, X: G + 1.0),
}


@pytest.mark.parametrize("cause", RTRL_MISTAKES)
def test_rtrl_mistakes_are_named(cause):
    with pytest.raises(AssertionError, match=re.escape(cause)):
        check("02.q3", RTRL_MISTAKES[cause])


def _global(grads, max_norm):
    """Chapter 2's clipping by the global norm, with the cosine (1) it keeps."""
    norm = float(np.sqrt(sum(np.sum(g**2) for g in grads)))
    return [g * max_norm / max(norm, max_norm) for g in grads], 1.0


def _always_scaled(grads, max_norm):
    clipped = [g * max_norm / max(np.linalg.norm(g), 1e-300) for g in grads]
    return clipped, SOLUTION2["clip_each_by_norm"](grads, max_norm)[1]


def _no_square_root(grads, max_norm):
    clipped = [g * min(1.0, max_norm / max(np.sum(g**2), 1e-300)) for g in grads]
    return clipped, SOLUTION2["clip_each_by_norm"](grads, max_norm)[1]


def _in_place(grads, max_norm):
    clipped, cosine = SOLUTION2["clip_each_by_norm"](grads, max_norm)
    for g, c in zip(grads, clipped):
        g[...] = c
    return grads, cosine


def _dot(grads, max_norm):
    clipped, _ = SOLUTION2["clip_each_by_norm"](grads, max_norm)
    return clipped, float(sum(np.sum(a * b) for a, b in zip(grads, clipped)))


def _mean_of_cosines(grads, max_norm):
    return SOLUTION2["clip_each_by_norm"](grads, max_norm)[0], 1.0


CLIP_MISTAKES = {
    "global norm": _global,
    "clipped by value": lambda grads, max_norm: ([np.clip(g, -max_norm, max_norm) for g in grads],
                                                 SOLUTION2["clip_each_by_norm"](grads, max_norm)[1]),
    "left unchanged": _always_scaled,
    "without its square root": _no_square_root,
    "one per input gradient": lambda grads, max_norm: (SOLUTION2["clip_each_by_norm"](grads, max_norm)[0][:-1], 1.0),
    "changed its input grads in place": _in_place,
    "not divided by the two norms": _dot,
    "the whole gradients": _mean_of_cosines,
    "return a pair": lambda grads, max_norm: SOLUTION2["clip_each_by_norm"](grads, max_norm)[0],
    "On the case with": lambda grads, max_norm: ([g * 0 for g in grads], 0.0),
    "float32 precision": lambda grads, max_norm: SOLUTION2["clip_each_by_norm"](
        [g.astype(np.float32) for g in grads], np.float32(max_norm)),
}


@pytest.mark.parametrize("cause", CLIP_MISTAKES)
def test_clipping_mistakes_are_named(cause):
    with pytest.raises(AssertionError, match=cause):
        check("02.q4", CLIP_MISTAKES[cause])


def test_the_expected_clipping_is_keras_clipnorm_and_turns_the_gradient():
    """The grader's expected arrays come from a Keras optimizer; they equal the formula, and
    on the first visible case clipping each array turns the gradient (the prose says so)."""
    from helpers.grading.ex02_bptt import _cosine, _grads, keras_clipnorm, q4_cases

    for case in q4_cases(hidden=True):
        grads, max_norm = _grads(case), case["max_norm"]
        by_formula = [g * max_norm / max(np.linalg.norm(g), max_norm) for g in grads]
        for got, want in zip(keras_clipnorm(grads, max_norm), by_formula):
            np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-15)
    first = q4_cases(hidden=False)[0]
    assert _cosine(keras_clipnorm(_grads(first), first["max_norm"]), _grads(first)) < 0.9


def test_chapters_2_and_3_clip_by_the_global_norm_with_one_signature():
    """One signature across chapters 2 and 3: (grads, max_norm) -> (clipped, norm), equal
    to tf.clip_by_global_norm."""
    import json

    import tensorflow as tf

    from helpers.grading.ex02_bptt import _grads, q4_cases
    from tests.helpers_for_tests import ROOT

    for chapter in ("02_bptt", "03_vanishing_exploding"):
        cells = json.loads((ROOT / "chapters" / f"{chapter}.ipynb").read_text())["cells"]
        source = next("".join(c["source"]) for c in cells if "def clip_by_global_norm(grads, max_norm)" in "".join(c["source"]))
        namespace = {"np": np}
        exec(source, namespace)
        for case in q4_cases(hidden=True):
            grads, max_norm = _grads(case), case["max_norm"]
            clipped, norm = namespace["clip_by_global_norm"](grads, max_norm)
            expected, expected_norm = tf.clip_by_global_norm([tf.constant(g) for g in grads], max_norm)
            assert np.isclose(norm, float(expected_norm))
            for got, want in zip(clipped, expected):
                np.testing.assert_allclose(got, np.asarray(want), atol=1e-12)
