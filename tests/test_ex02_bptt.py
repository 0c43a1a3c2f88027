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


def _forward_difference(f, x, eps=1e-5):
    grad = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        y = x.copy()
        y[i] += eps
        grad[i] = (f(y) - f(x)) / eps
    return grad


def _only_2d(f, x, eps=1e-5):
    """A checker that assumes x has at most two dimensions."""
    grad = np.zeros_like(x)
    rows, cols = (x.shape + (1,))[:2] if x.ndim == 1 else x.shape
    flat = x.reshape(rows, cols)
    g = grad.reshape(rows, cols)
    for i in range(rows):
        for j in range(cols):
            saved = flat[i, j]
            flat[i, j] = saved + eps
            f_plus = f(x)
            flat[i, j] = saved - eps
            g[i, j] = (f_plus - f(x)) / (2 * eps)
            flat[i, j] = saved
    return grad


def _restored_by_arithmetic(f, x, eps=1e-5):
    """Valid: perturbs x in place and restores it by arithmetic, which drifts by rounding."""
    grad = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        x[i] += eps
        f_plus = f(x)
        x[i] -= 2 * eps
        f_minus = f(x)
        x[i] += eps
        grad[i] = (f_plus - f_minus) / (2 * eps)
    return grad


def test_a_checker_that_restores_x_by_arithmetic_is_accepted():
    """x[i] += eps; x[i] -= 2 * eps; x[i] += eps leaves a rounding drift: not a change."""
    check("02.q3", _restored_by_arithmetic)


def _in_place_without_restoring(f, x, eps=1e-5):
    grad = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        x[i] += eps
        f_plus = f(x)
        x[i] -= 2 * eps
        grad[i] = (f_plus - f(x)) / (2 * eps)
    return grad


def _aliased(f, x, eps=1e-5):
    """x_plus = x does not copy: f is evaluated at x + eps and at x."""
    grad = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        x_plus = x
        x_plus[i] += eps
        f_plus = f(x_plus)
        x_minus = x
        x_minus[i] -= eps
        grad[i] = (f_plus - f(x_minus)) / (2 * eps)
    return grad


GRADIENT_MISTAKES = {
    "does not copy": _aliased,
    "forward difference": _forward_difference,
    "2\\*eps": lambda f, x, eps=1e-5: 2 * SOLUTION2["numerical_gradient"](f, x, eps),
    "changed in place": _in_place_without_restoring,
    "x's shape": lambda f, x, eps=1e-5: SOLUTION2["numerical_gradient"](f, x, eps).ravel(),
    "shape \\(2, 3, 2\\)": _only_2d,
}


@pytest.mark.parametrize("cause", GRADIENT_MISTAKES)
def test_gradient_checker_mistakes_are_named(cause):
    with pytest.raises(AssertionError, match=cause):
        check("02.q3", GRADIENT_MISTAKES[cause])


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
