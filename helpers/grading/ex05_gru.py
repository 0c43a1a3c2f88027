"""Exercise 5, gated recurrent units: the questions and their tests.

Expected values come from `keras.layers.GRU` given the same weights, in the form the question
names (questions 1 and 2), from `count_params` (question 3), and from the definition of a
leaky integrator, against which the learner's weights are run in a real Keras GRU (question 4).
The NumPy lines compute only the values of known mistakes, so that a message can name the
mistake.
"""

from __future__ import annotations

import numpy as np

from helpers.grading.feedback import expect_close, to_array
from helpers.grading.question import Question, call_answer, expect_shape


# --- shared pieces -------------------------------------------------------------------

def _sigmoid(a):
    return 1 / (1 + np.exp(-a))


def _keras_gru_step(x, h, kernel, recurrent_kernel, bias, reset_after: bool) -> np.ndarray:
    """One step of keras.layers.GRU in the given form: (batch, num_hiddens)."""
    import keras

    layer = keras.layers.GRU(h.shape[1], reset_after=reset_after)
    layer.build((None, None, x.shape[1]))
    layer.set_weights([kernel, recurrent_kernel, bias])
    return np.asarray(layer(x[:, None, :].astype("float32"), initial_state=[h.astype("float32")]), dtype=np.float64)


def _mistaken_step(x, h, kernel, recurrent_kernel, bias, reset_after: bool, mistake=None):
    """One GRU step with a chosen mistake, for the hints only: (batch, num_hiddens)."""
    b_x, b_h = (bias[0], bias[1]) if reset_after else (bias, np.zeros_like(bias))
    if mistake == "bias rows swapped":
        b_x, b_h = b_h, b_x
    if mistake == "second bias row missing":
        b_h = 0 * b_h
    if mistake == "no bias":
        b_x, b_h = 0 * b_x, 0 * b_h
    order = [1, 0, 2] if mistake == "order r z h" else [0, 1, 2]
    x_blocks = np.split(x @ kernel + b_x, 3, axis=1)
    u_blocks = np.split(recurrent_kernel, 3, axis=1)
    b_blocks = np.split(b_h, 3)
    (x_z, x_r, x_c), (u_z, u_r, u_c), (b_z, b_r, b_c) = ([blocks[k] for k in order] for blocks in (x_blocks, u_blocks, b_blocks))
    gate, squash = (np.tanh, _sigmoid) if mistake == "swapped" else (_sigmoid, np.tanh)
    z = gate(x_z + h @ u_z + b_z)
    r = gate(x_r + h @ u_r + b_r)
    if mistake == "no reset":
        r = np.ones_like(r)
    after = (not reset_after) if mistake == "other form" else reset_after
    if mistake == "recurrent bias outside":
        candidate = squash(x_c + r * (h @ u_c) + b_c)
    elif after:
        candidate = squash(x_c + r * (h @ u_c + b_c))
    else:
        candidate = squash(x_c + (r * h) @ u_c + b_c)
    if mistake == "z flipped":
        return (1 - z) * h + z * candidate
    return z * h + (1 - z) * candidate


COMMON_HINTS = {
    "z flipped": "Keras's update gate z is the fraction of the old state that is kept: h_t = z * h_prev + (1 - z) * candidate.",
    "order r z h": "the gate blocks are read in the wrong order: Keras's order is z, r, h (update, reset, candidate).",
    "swapped": "sigmoid and tanh are swapped: the gates z and r use sigmoid, the candidate tanh.",
    "no reset": "the reset gate is missing from the candidate.",
    "no bias": "the biases are missing.",
}


def _step_cases(hidden: bool, reset_after: bool, seeds: tuple) -> list[dict]:
    shapes = [(3, 4, 5), (2, 3, 3)]  # (batch, num_inputs, num_hiddens)
    if hidden:
        shapes += [(1, 1, 1), (6, 7, 2)]
    cases = []
    for (batch, n_x, n_h), seed in zip(shapes, seeds):
        rng = np.random.default_rng(seed)
        bias_shape = (2, 3 * n_h) if reset_after else (3 * n_h,)
        cases.append({
            "x_t": rng.normal(size=(batch, n_x)),  # (batch, num_inputs)
            "h_prev": rng.normal(scale=0.5, size=(batch, n_h)),  # (batch, num_hiddens)
            "kernel": rng.normal(scale=0.5, size=(n_x, 3 * n_h)),  # (num_inputs, 3 num_hiddens)
            "recurrent_kernel": rng.normal(scale=0.8, size=(n_h, 3 * n_h)),  # (num_hiddens, 3 num_hiddens)
            "bias": rng.normal(scale=0.8, size=bias_shape),
        })
    return cases


STEP_ARGS = ["x_t", "h_prev", "kernel", "recurrent_kernel", "bias"]


def _step_run(answer, case):
    return {"h_t": to_array(call_answer(answer, case, STEP_ARGS), "h_t")}


def _step_verify(case, payload, reset_after: bool, hints: dict):
    x, h, kernel, recurrent_kernel, bias = (case[k] for k in STEP_ARGS)
    batch, n_h = h.shape
    expect_shape(payload["h_t"], (batch, n_h), "h_t", {
        (n_h, batch): "Rows are examples: return (batch, num_hiddens).",
        (batch, 3 * n_h): "That is all three blocks: split them, then combine.",
    })
    expected = _keras_gru_step(x, h, kernel, recurrent_kernel, bias, reset_after)
    suspects = {hint: _mistaken_step(x, h, kernel, recurrent_kernel, bias, reset_after, m) for m, hint in hints.items()}
    expect_close(payload["h_t"], expected, "h_t", suspects)


# --- q1: the step of Cho et al. (reset_after=False) -------------------------------------

Q1_HINTS = {
    "other form": "the reset gate is applied after the recurrent product; in this form (Cho et al., reset_after=False) it multiplies h_prev first: (r * h_prev) @ U_c.",
    **COMMON_HINTS,
}


def q1_cases(hidden: bool) -> list[dict]:
    return _step_cases(hidden, reset_after=False, seeds=(71, 72, 73, 74))


def q1_verify(case, payload):
    _step_verify(case, payload, reset_after=False, hints=Q1_HINTS)


# --- q2: Keras's default step (reset_after=True) --------------------------------------------

Q2_HINTS = {
    "other form": "that is the form of Cho et al. (reset_after=False); here the reset gate multiplies the recurrent product: r * (h_prev @ U_c + b_hc).",
    "recurrent bias outside": "the recurrent bias of the candidate belongs inside the reset gate's product: r * (h_prev @ U_c + b_hc).",
    "bias rows swapped": "the bias rows are swapped: bias[0] is added to the input product, bias[1] to the recurrent product.",
    "second bias row missing": "the second bias row (the recurrent biases, bias[1]) is missing.",
    **COMMON_HINTS,
}


def q2_cases(hidden: bool) -> list[dict]:
    return _step_cases(hidden, reset_after=True, seeds=(81, 82, 83, 84))


def q2_verify(case, payload):
    _step_verify(case, payload, reset_after=True, hints=Q2_HINTS)


# --- q3: the parameter count -----------------------------------------------------------

COUNT_ARGS = ["num_inputs", "num_hiddens", "reset_after"]


def q3_cases(hidden: bool) -> list[dict]:
    sizes = [(3, 8, True), (3, 8, False), (10, 32, True)]
    if hidden:
        sizes += [(1, 1, True), (7, 50, False), (128, 16, True)]
    return [dict(zip(COUNT_ARGS, s)) for s in sizes]


def q3_run(answer, case):
    return {"count": to_array(call_answer(answer, case, COUNT_ARGS), "the count")}


def q3_verify(case, payload):
    import keras

    n_x, n_h, reset_after = (case[k] for k in COUNT_ARGS)
    got = payload["count"]
    expect_shape(got, (), "the count", {})
    layer = keras.layers.GRU(n_h, reset_after=reset_after)
    expected = keras.Sequential([keras.Input(shape=(None, n_x)), layer]).count_params()
    other = 3 * n_h * (n_x + n_h + (1 if reset_after else 2))
    suspects = {
        ("reset_after=True has two bias rows (input and recurrent): 3 n_h (n_x + n_h + 2)." if reset_after
         else "reset_after=False has one bias per block: 3 n_h (n_x + n_h + 1)."): other,
        "that is an LSTM's count: a GRU has three blocks (z, r, h), not four.": 4 * n_h * (n_x + n_h + 1),
        "the recurrent weights (num_hiddens x 3 num_hiddens) are not counted.": expected - 3 * n_h * n_h,
        "the biases are not counted.": 3 * n_h * (n_x + n_h),
    }
    if got != expected:
        for hint, wrong in suspects.items():
            if got == wrong:
                raise AssertionError(f"{int(got)} parameters for {case}: {hint}")
        raise AssertionError(f"{got:g} parameters for {case}, expected {expected}.")


# --- q4: a GRU unit as a leaky integrator ---------------------------------------------------

LEAKY_SHAPES = {"kernel": (1, 3), "recurrent_kernel": (1, 3), "bias": (2, 3)}
LEAKY_TOLERANCE = 1e-4


def q4_cases(hidden: bool) -> list[dict]:
    taus = [5.0, 20.0]
    if hidden:
        taus += [1.5, 3.7, 100.0]
    cases = []
    for k, tau in enumerate(taus):
        rng = np.random.default_rng(90 + k)
        T = int(min(4 * tau, 200)) + 10
        step = np.full((1, T, 1), 0.5)  # (1, num_steps, 1): a step input from h_0 = 0
        noise = rng.normal(size=(3, 60, 1))  # (3, 60, 1): random inputs from random h_0
        cases.append({"tau": tau, "step": step, "noise": noise, "h0": rng.uniform(-1, 1, size=(3, 1))})
    return cases


def q4_run(answer, case):
    weights = call_answer(answer, case, ["tau"])
    if not (isinstance(weights, (tuple, list)) and len(weights) == 3):
        raise AssertionError(f"return the three arrays (kernel, recurrent_kernel, bias), got {type(weights).__name__}")
    return {name: to_array(w, name) for name, w in zip(LEAKY_SHAPES, weights)}


def leaky_integrator(X, h0, keep) -> np.ndarray:
    """The definition: h_t = keep * h_{t-1} + (1 - keep) * tanh(x_t), for X (batch, num_steps, 1)."""
    h, states = h0, []
    for t in range(X.shape[1]):
        h = keep * h + (1 - keep) * np.tanh(X[:, t])
        states.append(h)
    return np.stack(states, axis=1)  # (batch, num_steps, 1)


def _keras_gru_states(weights: dict, X, h0) -> np.ndarray:
    import keras

    layer = keras.layers.GRU(1, return_sequences=True)  # reset_after=True, Keras's default
    layer.build((None, None, 1))
    layer.set_weights([weights[name].astype("float32") for name in LEAKY_SHAPES])
    return np.asarray(layer(X.astype("float32"), initial_state=[h0.astype("float32")]), dtype=np.float64)


def q4_verify(case, payload):
    for name, shape in LEAKY_SHAPES.items():
        hints = {shape[::-1]: "Keras's layout: one row per input (or unit), columns the blocks z, r, h."}
        if name == "bias":
            hints[(3,)] = "the default GRU (reset_after=True) has two bias rows, input and recurrent: shape (2, 3)."
        expect_shape(payload[name], shape, name, hints)
        if not np.all(np.isfinite(payload[name])):
            raise AssertionError(f"{name} holds values that are not finite.")
    tau = case["tau"]
    keep = 1 - 1 / tau
    for X, h0, what in [(case["step"], np.zeros((1, 1)), "the response to a step input"),
                        (case["noise"], case["h0"], "the response to random inputs")]:
        got = _keras_gru_states(payload, X, h0)  # (batch, num_steps, 1)
        suspects = {
            f"the state changes by 1 - 1/tau per step: Keras's z is the fraction kept, so z = 1 - 1/tau (tau = {tau:g}).": (
                leaky_integrator(X, h0, 1 / tau) if tau != 2 else None
            ),
            f"the update gate is sigmoid(pre-activation): for z = 1 - 1/tau the pre-activation must be log(tau - 1), "
            f"not 1 - 1/tau (tau = {tau:g}).": leaky_integrator(X, h0, _sigmoid(keep)),
            "the update gate stays at sigmoid(0) = 0.5: its bias is in the wrong block; Keras's order is z, r, h.": (
                leaky_integrator(X, h0, 0.5) if abs(keep - 0.5) > 1e-3 else None
            ),
        }
        expect_close(got, leaky_integrator(X, h0, keep), f"{what} (tau = {tau:g})", suspects, atol=LEAKY_TOLERANCE)


QUESTIONS = [
    Question(id="05.q1", title="the GRU step of Cho et al. (reset_after=False)", points=2,
             function_name="gru_step_reset_before", cases=q1_cases, run=_step_run, verify=q1_verify),
    Question(id="05.q2", title="Keras's default GRU step (reset_after=True)", points=2,
             function_name="gru_step_reset_after", cases=q2_cases, run=_step_run, verify=q2_verify),
    Question(id="05.q3", title="the parameter counts", points=1, function_name="gru_param_count",
             cases=q3_cases, run=q3_run, verify=q3_verify),
    Question(id="05.q4", title="a GRU unit as a leaky integrator", points=3, function_name="leaky_gru_weights",
             cases=q4_cases, run=q4_run, verify=q4_verify),
]
