"""In-notebook feedback for exercise 3 (vanishing and exploding gradients): known mistakes are named.

Runs check() in-process on the reference solution changed in one way, so it is fast.
"""

import re

import keras
import numpy as np
import pytest

from helpers.grading import check
from helpers.grading.ex03_vanishing_exploding import JACOBIAN_MISTAKES as JACOBIAN_HINTS, _numpy_products
from tests.helpers_for_tests import solution_functions

SOLUTION3 = solution_functions("03_vanishing_exploding")


def _solution_changed(change):
    def leaky_jacobian_norms(X, W_xh, W_hh, b_h, alpha):
        return change(SOLUTION3["leaky_jacobian_norms"](X, W_xh, W_hh, b_h, alpha), X)

    return leaky_jacobian_norms


def _grader_numpy(mistake):
    """The grader's own numpy products with one mistake made on purpose (None: none)."""
    return lambda X, W_xh, W_hh, b_h, alpha: _numpy_products(X, W_xh, W_hh, b_h, alpha, mistake)


def _products_measured_by(measure):
    """The right products d h_T / d h_{T-k}, each measured by `measure` instead of the spectral norm."""

    def leaky_jacobian_norms(X, W_xh, W_hh, b_h, alpha):
        n, h, factors = W_hh.shape[0], np.zeros(W_hh.shape[0]), []
        for x_t in X:
            h_tilde = np.tanh(W_xh @ x_t + W_hh @ h + b_h)
            h = (1 - alpha) * h + alpha * h_tilde
            factors.append((1 - alpha) * np.eye(n) + alpha * np.diag(1 - h_tilde**2) @ W_hh)
        J, out = np.eye(n), []
        for factor in reversed(factors):
            J = J @ factor
            out.append(measure(J))
        return np.array(out)

    return leaky_jacobian_norms


def _changes_W_hh(X, W_xh, W_hh, b_h, alpha):
    W_hh *= 1.0 - alpha  # a "leaky" W_hh made in place
    return SOLUTION3["leaky_jacobian_norms"](X, W_xh, W_hh / (1.0 - alpha), b_h, alpha)


JACOBIAN_MISTAKES = {
    **{hint.split(":")[0][:40]: _grader_numpy(m) for m, hint in JACOBIAN_HINTS.items()},
    "Frobenius": _products_measured_by(np.linalg.norm),
    "entry k - 1 is for": _solution_changed(lambda norms, X: norms[::-1]),
    "identity": _solution_changed(lambda norms, X: np.concatenate([[1.0], norms])),
    "X of shape (8, 3)": lambda X, W_xh, W_hh, b_h, alpha: SOLUTION3["leaky_jacobian_norms"](X[:6], W_xh, W_hh, b_h, alpha),
    "one array of shape": _solution_changed(lambda norms, X: list(norms[:, None])),
    "changed its input W_hh in place": _changes_W_hh,
    "spectral radius": _products_measured_by(lambda J: np.max(np.abs(np.linalg.eigvals(J)))),
    "the 1-norm": _products_measured_by(lambda J: np.linalg.norm(J, 1)),
    "eigenvalues are not asked for": _products_measured_by(lambda J: max(np.linalg.eigvals(J), key=abs) + 0j),
    "These are the Jacobians": _products_measured_by(lambda J: J),
    "before multiplying by its factor": _solution_changed(lambda norms, X: np.concatenate([[1.0], norms[:-1]])),
    "one is missing": _solution_changed(lambda norms, X: norms[:-1]),
    "X.shape[1] is num_inputs": _solution_changed(lambda norms, X: norms[: X.shape[1]]),
    "did you forget `return`?": _solution_changed(lambda norms, X: None),
}


def test_the_numpy_products_without_mistakes_are_right():
    """The suspects are computed by _numpy_products; without a mistake it must pass."""
    check("03.q1", _grader_numpy(None))


@pytest.mark.parametrize("cause", JACOBIAN_MISTAKES)
def test_jacobian_norm_mistakes_are_named(cause):
    with pytest.raises(AssertionError, match=re.escape(cause)):
        check("03.q1", JACOBIAN_MISTAKES[cause])


def _direct(W, n):
    """||W^n||^(1/n) straight from np.linalg.matrix_power: overflows or underflows."""
    with np.errstate(all="ignore"):
        return float(np.linalg.norm(np.linalg.matrix_power(W, n), 2) ** (1 / n))


def _renormalised(W, n, norm=lambda P: np.linalg.norm(P, 2), factors=None, root=True, log=np.log, divide=None):
    """A renormalised product, with one thing changed for a mistake (no check for W^k = 0)."""
    P, log_norm = np.eye(len(W)), 0.0
    for _ in range(n if factors is None else factors(n)):
        P = P @ W
        size = norm(P)
        P, log_norm = P / size, log_norm + log(size)
    with np.errstate(all="ignore"):
        return float(np.exp(log_norm / (divide or n) if root else log_norm))


def _root_too_late(W, n):
    with np.errstate(all="ignore"):
        return float(_renormalised(W, n, root=False) ** (1 / n))  # ||W^n|| under- or overflows first


GROWTH_MISTAKES = {
    "underflows": _direct,  # on the shear matrix at n = 2000; the third case overflows
    "spectral radius": lambda W, n: float(np.max(np.abs(np.linalg.eigvals(W)))),
    "itself": lambda W, n: float(np.linalg.norm(W, 2)),
    "Frobenius": lambda W, n: _renormalised(W, n, norm=lambda P: np.linalg.norm(P, "fro")),
    "n-th root": lambda W, n: min(_renormalised(W, n, root=False), 1e300),
    "one factor of W too many": lambda W, n: _renormalised(W, n, factors=lambda n: n + 1),
    "one factor of W too few": lambda W, n: _renormalised(W, n, factors=lambda n: n - 1),
    "1-norm": lambda W, n: _renormalised(W, n, norm=lambda P: np.linalg.norm(P, 1)),
    "1-norm|inf-norm": lambda W, n: _renormalised(W, n, norm=lambda P: np.linalg.norm(P, np.inf)),
    "take its exp": lambda W, n: float(np.log(_renormalised(W, n))),
    "add up the logs": lambda W, n: 1.0,
    "divided by n \\+ 1": lambda W, n: _renormalised(W, n, divide=n + 1),
    "different bases": lambda W, n: _renormalised(W, n, log=np.log2),
    "in the log domain": _root_too_late,
    "zero matrix": _renormalised,  # divides by the zero norm of W^2 on the nilpotent case
    "a float": lambda W, n: np.array([_renormalised(W, n)]),
}


@pytest.mark.parametrize("cause", GROWTH_MISTAKES)
def test_growth_rate_mistakes_are_named(cause):
    with pytest.raises(AssertionError, match=cause):
        check("03.q2", GROWTH_MISTAKES[cause])


def test_growth_rate_cases_need_the_renormalised_product_and_converge_to_the_radius():
    """The grader's expected values equal the direct power where it fits in float64, the
    direct power fails on the visible cases that say so, and the rates tend to rho(W)."""
    from helpers.grading.ex03_vanishing_exploding import norm_growth_rate, q2_cases

    for case in q2_cases(hidden=True):
        W, n = case["W"], case["n"]
        if n <= 50:
            assert np.isclose(norm_growth_rate(W, n), _direct(W, n), rtol=1e-10, atol=1e-12)
    shear, overflowing = (case["W"] for case in q2_cases(hidden=False)[1:3])
    assert _direct(shear, 2000) == 0 and not np.isfinite(_direct(overflowing, 1000))
    for W in (shear, overflowing):
        radius = np.max(np.abs(np.linalg.eigvals(W)))
        gaps = [abs(norm_growth_rate(W, n) - radius) for n in (10, 100, 1000)]
        assert gaps[0] > gaps[1] > gaps[2] and gaps[2] < 0.01 * radius
    assert np.linalg.norm(shear, 2) > 3 and norm_growth_rate(shear, 2000) < 0.51
    # the prose: its first powers have norms above 1, far above 0.5^n, before they vanish
    assert all(np.linalg.norm(np.linalg.matrix_power(shear, k), 2) > 1 for k in range(1, 5))


def test_a_zero_power_is_named():
    """A renormalised product that divides by the zero norm of W^2 = 0 gets nan."""
    nilpotent = np.array([[0.0, 2.4], [0.0, 0.0]])
    from helpers.grading.ex03_vanishing_exploding import q2_verify
    from helpers.grading.feedback import CHANGED

    with pytest.raises(AssertionError, match="zero matrix"):
        q2_verify({"W": nilpotent, "n": 30}, {"rate": np.float64(np.nan), CHANGED: np.array("")})


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
    "vanished.*identity": _irnn(recurrent_initializer="orthogonal"),
    "vanished.*identity.*0.95": _irnn(recurrent_initializer=keras.initializers.Identity(gain=0.95)),
    "exploded.*identity.*1.05": _irnn(recurrent_initializer=keras.initializers.Identity(gain=1.05)),
    "start small.*standard deviation": _irnn(kernel_initializer="glorot_uniform"),
    "start small.*biases": _irnn(bias_initializer=keras.initializers.Constant(0.1)),
    "every ReLU unit is off.*standard deviation 0": _irnn(kernel_initializer="zeros"),
    "every ReLU unit is off.*negative bias": _irnn(bias_initializer=keras.initializers.Constant(-0.01)),
    "lambda": _irnn(recurrent_initializer=lambda shape, dtype=None: keras.ops.eye(shape[0])),
}


def test_a_tanh_rnn_loses_the_first_step_where_an_irnn_keeps_it():
    """The comparison the messages quote: on every case, Keras's default SimpleRNN keeps
    less than REACH[0] of the gradient at the first step, the reference IRNN keeps more."""
    from helpers import data
    from helpers.grading.ex03_vanishing_exploding import REACH, q4_cases, reach_and_loudness, tanh_reach

    for case in q4_cases(hidden=True):
        X, _ = data.adding_problem(num_samples=64, num_steps=case["num_steps"], seed=case["num_steps"])
        assert tanh_reach(case, X) < REACH[0] / 10  # the tanh network would fail this check by far
        keras.utils.set_random_seed(0)  # as q4_run does before calling the answer
        model = _irnn()(**case)
        reach, _ = reach_and_loudness(model, model.layers[0], X)
        assert REACH[0] * 5 < reach < REACH[1] / 5


def test_an_irnn_with_a_relu_output_is_refused():
    def build_irnn(num_steps, num_inputs, num_hiddens, num_outputs):
        model = _irnn()(num_steps, num_inputs, num_hiddens, num_outputs)
        model.layers[-1].activation = keras.activations.relu
        return keras.Sequential([keras.Input(shape=(num_steps, num_inputs)), model.layers[0],
                                 keras.layers.Dense(num_outputs, activation="relu")])

    with pytest.raises(AssertionError, match="no activation"):
        check("03.q4", build_irnn)


@pytest.mark.parametrize("cause", IRNN_MISTAKES)
def test_irnn_mistakes_are_named(cause):
    with pytest.raises(AssertionError, match=cause):
        check("03.q4", IRNN_MISTAKES[cause])
