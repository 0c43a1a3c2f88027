"""Exercise 1, sequences and the hidden state: the questions and their tests.

Expected values come from Keras layers given the same weights. The numpy formulas below
compute only the values of known mistakes, so a message can name the mistake.
"""

from __future__ import annotations

import numpy as np

from helpers.grading.question import (
    Question,
    as_array,
    call_answer,
    expect_close,
    expect_shape,
    MODEL_ARGS,
    model_cases,
    rebuild_model,
    run_model,
)



# --- shared pieces -------------------------------------------------------------------

def _rnn_case(batch: int, num_steps: int, num_inputs: int, num_hiddens: int, seed: int) -> dict:
    rng = np.random.default_rng(seed)
    return {
        "X": rng.normal(size=(batch, num_steps, num_inputs)),  # (batch, num_steps, num_inputs)
        "h0": rng.normal(scale=0.5, size=(batch, num_hiddens)),  # (batch, num_hiddens)
        "W_xh": rng.normal(scale=0.5, size=(num_hiddens, num_inputs)),  # (num_hiddens, num_inputs)
        "W_hh": rng.normal(scale=0.5, size=(num_hiddens, num_hiddens)),  # (num_hiddens, num_hiddens)
        "b_h": rng.normal(scale=0.5, size=(num_hiddens,)),  # (num_hiddens,)
    }


def _keras_states(X, h0, W_xh, W_hh, b_h) -> np.ndarray:
    """Every hidden state of keras.layers.SimpleRNN with the book's weights: (batch, num_steps, num_hiddens)."""
    import keras

    layer = keras.layers.SimpleRNN(W_hh.shape[0], return_sequences=True)
    layer.build(X.shape)
    layer.set_weights([W_xh.T, W_hh.T, b_h])  # Keras stores the transposes
    H = layer(X.astype("float32"), initial_state=[h0.astype("float32")])  # (batch, num_steps, num_hiddens)
    return np.asarray(H, dtype=np.float64)


def _numpy_states(X, h0, W_xh, W_hh, b_h, act=np.tanh, feed_h0_every_step=False) -> np.ndarray:
    """The recurrence with a chosen mistake, for the hints only: (batch, num_steps, num_hiddens)."""
    h, states = h0, []
    for t in range(X.shape[1]):
        h_in = h0 if feed_h0_every_step else h  # (batch, num_hiddens)
        h = act(X[:, t] @ W_xh.T + h_in @ W_hh.T + b_h)  # (batch, num_hiddens)
        states.append(h)
    return np.stack(states, axis=1)  # (batch, num_steps, num_hiddens)


# --- q1: one step of the cell --------------------------------------------------------

CELL_ARGS = ["x_t", "h_prev", "W_xh", "W_hh", "b_h"]


def q1_cases(hidden: bool) -> list[dict]:
    shapes = [(3, 4, 5, 11), (4, 3, 3, 12)]  # (batch, num_inputs, num_hiddens, seed); the 2nd is square
    if hidden:
        shapes += [(1, 2, 6, 13), (7, 6, 6, 14)]
    cases = []
    for batch, n_x, n_h, seed in shapes:
        c = _rnn_case(batch, 1, n_x, n_h, seed)
        cases.append({"x_t": c["X"][:, 0], "h_prev": c["h0"], "W_xh": c["W_xh"], "W_hh": c["W_hh"], "b_h": c["b_h"]})
    return cases


def q1_run(answer, case):
    return {"h_t": as_array(call_answer(answer, case, CELL_ARGS), "h_t")}


def q1_verify(case, payload):
    x, h, W_xh, W_hh, b = (case[k] for k in CELL_ARGS)
    got = payload["h_t"]
    batch, n_h = h.shape
    expect_shape(got, (batch, n_h), "h_t", {(n_h, batch): "Rows are examples in batch-major code: return (batch, num_hiddens)."})
    expected = _keras_states(x[:, None, :], h, W_xh, W_hh, b)[:, 0]  # (batch, num_hiddens)
    suspects = {
        "the bias b_h is missing.": np.tanh(x @ W_xh.T + h @ W_hh.T),
        "the recurrent term W_hh h_{t-1} is missing.": np.tanh(x @ W_xh.T + b),
        "the input term W_xh x_t is missing.": np.tanh(h @ W_hh.T + b),
        "tanh is missing: h_t = tanh(W_xh x_t + W_hh h_{t-1} + b_h).": x @ W_xh.T + h @ W_hh.T + b,
        "W_xh is not transposed: with rows as examples the input term is x_t @ W_xh.T.": (
            np.tanh(x @ W_xh + h @ W_hh.T + b) if W_xh.shape[0] == W_xh.shape[1] else None
        ),
        "W_hh is not transposed: with rows as examples the recurrent term is h_prev @ W_hh.T.": np.tanh(x @ W_xh.T + h @ W_hh + b),
    }
    expect_close(got, expected, "h_t", suspects)


# --- q2: the forward pass over a batch of sequences ------------------------------------

FORWARD_ARGS = ["X", "h0", "W_xh", "W_hh", "b_h"]


def q2_cases(hidden: bool) -> list[dict]:
    shapes = [(2, 6, 3, 4, 21)]  # (batch, num_steps, num_inputs, num_hiddens, seed)
    if hidden:
        shapes += [(1, 1, 2, 3, 22), (4, 9, 5, 5, 23)]
    return [_rnn_case(*s) for s in shapes]


def q2_run(answer, case):
    return {"H": as_array(call_answer(answer, case, FORWARD_ARGS), "H")}


def q2_verify(case, payload):
    X, h0, W_xh, W_hh, b = (case[k] for k in FORWARD_ARGS)
    got = payload["H"]
    batch, T, _ = X.shape
    n_h = h0.shape[1]
    expect_shape(
        got,
        (batch, T, n_h),
        "H",
        {
            (batch, n_h): "That is one state per sequence: return every h_t, stacked on axis 1.",
            (T, batch, n_h): "That is time-major: stack the states on axis 1, giving (batch, num_steps, num_hiddens).",
            (batch, T + 1, n_h): "It has one state too many: return h_1 ... h_T, not h_0.",
        },
    )
    expected = _keras_states(X, h0, W_xh, W_hh, b)  # (batch, num_steps, num_hiddens)
    suspects = {
        "it starts from zeros instead of h0.": _numpy_states(X, np.zeros_like(h0), W_xh, W_hh, b),
        "every step uses h0 instead of the previous state h_{t-1}.": _numpy_states(X, h0, W_xh, W_hh, b, feed_h0_every_step=True),
        "the time order is reversed.": expected[:, ::-1],
        "the bias b_h is missing.": _numpy_states(X, h0, W_xh, W_hh, 0 * b),
        "tanh is missing.": _numpy_states(X, h0, W_xh, W_hh, b, act=lambda a: a),
    }
    expect_close(got, expected, "H", suspects)


# --- q3: the parameter count -----------------------------------------------------------

COUNT_ARGS = ["num_inputs", "num_hiddens", "num_outputs"]


def q3_cases(hidden: bool) -> list[dict]:
    sizes = [(3, 8, 2), (10, 32, 4)]  # sizes where every known mistake gives a different count
    if hidden:
        sizes += [(1, 1, 1), (7, 50, 3), (128, 16, 10)]
    return [dict(zip(COUNT_ARGS, s)) for s in sizes]


def q3_run(answer, case):
    return {"count": as_array(call_answer(answer, case, COUNT_ARGS), "the count")}


def q3_verify(case, payload):
    import keras

    n_x, n_h, n_y = (case[k] for k in COUNT_ARGS)
    got = payload["count"]
    expect_shape(got, (), "the count", {})
    model = keras.Sequential([keras.Input(shape=(None, n_x)), keras.layers.SimpleRNN(n_h), keras.layers.Dense(n_y)])
    expected = model.count_params()
    suspects = {
        "the recurrent weights W_hh (num_hiddens x num_hiddens) are not counted.": n_h * (n_x + 1) + n_y * (n_h + 1),
        "the biases b_h and b_y are not counted.": n_h * (n_x + n_h) + n_y * n_h,
        "the output layer (W_hy and b_y) is not counted.": n_h * (n_x + n_h + 1),
        "the output bias b_y is not counted.": n_h * (n_x + n_h + 1) + n_y * n_h,
        "the hidden bias b_h is not counted.": n_h * (n_x + n_h) + n_y * (n_h + 1),
    }
    if got != expected:
        for hint, wrong in suspects.items():
            if got == wrong:
                raise AssertionError(f"{int(got)} parameters for {case}: {hint}")
        raise AssertionError(f"{got:g} parameters for {case}, expected {expected}.")


# --- q4: a many-to-one Keras model -----------------------------------------------------

q4_cases = model_cases(visible=[(10, 3, 8, 1)], grader_only=[(5, 1, 4, 2), (20, 6, 12, 3)])


def q4_verify(case, payload):
    import keras

    T, n_x, n_h, n_y = (case[k] for k in MODEL_ARGS)
    model, weights = rebuild_model(payload, case)
    output_shape = tuple(model.outputs[0].shape)
    if output_shape != (None, n_y):
        hint = {
            (None, T, n_y): "One output per time step is many-to-many: leave return_sequences=False so only the last state reaches Dense.",
            (None, n_h): f"That is the RNN's state: add keras.layers.Dense({n_y}) after it.",
        }.get(output_shape, "")
        raise AssertionError(f"the model's output shape is {output_shape}, expected (None, {n_y}). {hint}".strip())
    rnns = [layer for layer in model.layers if isinstance(layer, keras.layers.SimpleRNN)]
    if len(rnns) != 1 or rnns[0].units != n_h:
        units = [layer.units for layer in rnns]
        raise AssertionError(f"expected one SimpleRNN layer with {n_h} units; found SimpleRNN layers with units {units}.")
    reference = keras.Sequential([keras.Input(shape=(T, n_x)), keras.layers.SimpleRNN(n_h), keras.layers.Dense(n_y)])
    if [w.shape for w in weights] != [tuple(w.shape) for w in reference.weights]:
        raise AssertionError(
            f"expected exactly SimpleRNN({n_h}) then Dense({n_y}), with {reference.count_params()} parameters; "
            f"the model has {sum(w.size for w in weights)}."
        )
    model.set_weights(weights)
    reference.set_weights(weights)
    X = np.random.default_rng(T * 1000 + n_x).normal(size=(4, T, n_x)).astype("float32")  # (4, num_steps, num_inputs)
    expect_close(
        np.asarray(model(X), dtype=np.float64),  # (4, num_outputs)
        np.asarray(reference(X), dtype=np.float64),  # (4, num_outputs)
        "the model's output (it should be SimpleRNN with tanh, then a Dense layer with no activation)",
    )


QUESTIONS = [
    Question(id="01.q1", title="one step of the RNN cell", points=2, function_name="rnn_cell_forward",
             cases=q1_cases, run=q1_run, verify=q1_verify),
    Question(id="01.q2", title="the forward pass over a batch of sequences", points=2, function_name="rnn_forward",
             cases=q2_cases, run=q2_run, verify=q2_verify),
    Question(id="01.q3", title="the parameter count", points=2, function_name="rnn_param_count",
             cases=q3_cases, run=q3_run, verify=q3_verify),
    Question(id="01.q4", title="a many-to-one Keras model", points=2, function_name="build_many_to_one",
             cases=q4_cases, run=run_model, verify=q4_verify),
]
