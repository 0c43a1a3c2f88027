"""Exercise 1, sequences and the hidden state: the questions and their tests.

Each question asks for something chapter 1 did not write out: a forward pass over a
padded batch with a mask, a bidirectional layer by hand, the parameter count of a stack
of (bidirectional) layers, and an encoder-decoder built with `return_state` and
`initial_state`. Expected values come from Keras layers given the same weights
(`mask=`, `keras.layers.Bidirectional`, `count_params()`); the numpy lines below compute
only the values of known mistakes, so that a message can name the mistake.
"""

from __future__ import annotations

import numpy as np

from helpers.grading import feedback
from helpers.grading.feedback import CHANGED, expect_close, naming_case, shapes_of
from helpers.grading.question import Question, expect_shape

STACK_HINT = "Stack the states on the time axis: np.stack(states, axis=1)."


# --- shared pieces -------------------------------------------------------------------

def _weights(rng, num_inputs, num_hiddens):
    return (
        rng.normal(scale=0.5, size=(num_hiddens, num_inputs)),  # W_xh: (num_hiddens, num_inputs)
        rng.normal(scale=0.5, size=(num_hiddens, num_hiddens)),  # W_hh: (num_hiddens, num_hiddens)
        rng.normal(scale=0.5, size=(num_hiddens,)),  # b_h: (num_hiddens,)
    )


def _states(X, h0, W_xh, W_hh, b_h, mask=None, act=np.tanh, feed_h0=False, zero_after_end=False):
    """The recurrence with a chosen mistake, for the hints only: (batch, num_steps, num_hiddens).

    Where `mask` is False the state is kept (or set to zero if `zero_after_end`)."""
    h, states = h0, []
    for t in range(X.shape[1]):
        new = act(X[:, t] @ W_xh.T + (h0 if feed_h0 else h) @ W_hh.T + b_h)  # (batch, num_hiddens)
        if mask is not None:
            keep = mask[:, t, None]  # (batch, 1)
            new = np.where(keep, new, 0.0 if zero_after_end else h)
        h = new
        states.append(h)
    return np.stack(states, axis=1)  # (batch, num_steps, num_hiddens)


def _keras_rnn(X, W_xh, W_hh, b_h, h0=None, mask=None):
    """Every state of keras.layers.SimpleRNN given the book's weights: (batch, num_steps, num_hiddens)."""
    import keras

    layer = keras.layers.SimpleRNN(W_hh.shape[0], return_sequences=True)
    layer.build((None, None, X.shape[2]))
    layer.set_weights([W_xh.T, W_hh.T, b_h])  # Keras stores the transposes
    kwargs = {}
    if h0 is not None:
        kwargs["initial_state"] = [h0.astype("float32")]
    if mask is not None:
        kwargs["mask"] = mask
    return np.asarray(layer(X.astype("float32"), **kwargs), dtype=np.float64)


# --- q1: a padded batch with a mask ----------------------------------------------------

MASKED_ARGS = ["X", "lengths", "h0", "W_xh", "W_hh", "b_h"]


def _masked_case(lengths, num_steps, num_inputs, num_hiddens, seed):
    rng = np.random.default_rng(seed)
    lengths = np.array(lengths)
    batch = len(lengths)
    X = rng.normal(size=(batch, num_steps, num_inputs))  # (batch, num_steps, num_inputs)
    X[np.arange(num_steps)[None, :] >= lengths[:, None]] = 0.0  # padding after each end
    W_xh, W_hh, b_h = _weights(rng, num_inputs, num_hiddens)
    h0 = rng.normal(scale=0.5, size=(batch, num_hiddens))  # (batch, num_hiddens)
    return {"X": X, "lengths": lengths, "h0": h0, "W_xh": W_xh, "W_hh": W_hh, "b_h": b_h, "seed": seed}


def q1_cases(hidden: bool) -> list[dict]:
    # (lengths, num_steps, num_inputs, num_hiddens, seed): two lengths of batch, so a
    # hard-coded number of steps fails here already
    specs = [([6, 3, 1], 6, 2, 4, 11), ([2, 4], 4, 3, 3, 12)]
    if hidden:
        specs += [([1], 1, 2, 2, 13), ([9, 5, 9, 2], 9, 4, 5, 14)]
    return [_masked_case(*s) for s in specs]


def q1_run(answer, case):
    H, changed = feedback.call(answer, case, MASKED_ARGS)
    return {"H": feedback.to_array(H, "H", STACK_HINT), CHANGED: np.array(changed)}


def _describe_masked(case):
    return f"{shapes_of(case, ['X', 'h0'])} and lengths {case['lengths'].tolist()}"


@naming_case(_describe_masked)
def q1_verify(case, payload):
    X, lengths, h0, W_xh, W_hh, b_h = (case[k] for k in MASKED_ARGS)
    got = payload["H"]
    batch, T, _ = X.shape
    n_h = h0.shape[1]
    expect_shape(got, (batch, T, n_h), "H", {
        (batch, n_h): "That is one state per sequence: return every state h_1 ... h_T, stacked on axis 1.",
        (T, batch, n_h): "That is time-major: stack the states on axis 1, giving (batch, num_steps, num_hiddens).",
        (batch, T + 1, n_h): "It has one state too many: return h_1 ... h_T, not h_0.",
    })
    feedback.expect_unchanged(payload)
    steps = np.arange(T)[None, :]  # (1, num_steps)
    mask = steps < lengths[:, None]  # (batch, num_steps): True where a sequence has a value
    expected = _keras_rnn(X, W_xh, W_hh, b_h, h0=h0, mask=mask)  # (batch, num_steps, num_hiddens)
    suspects = {
        "the padded steps still update the state. Past a sequence's end (t >= its length) keep its "
        "last state: h_t = h_{t-1}.": _states(X, h0, W_xh, W_hh, b_h),
        "past a sequence's end the states are zero. A mask keeps the last state instead (h_t = h_{t-1}), "
        "as Keras does.": _states(X, h0, W_xh, W_hh, b_h, mask=mask, zero_after_end=True),
        "the state stops one step too early: a sequence of length L has values at steps 0 .. L-1 "
        "(0-based), all of which update the state.": _states(X, h0, W_xh, W_hh, b_h, mask=steps < lengths[:, None] - 1),
        "the state stops one step too late: the step at index L (0-based) is already padding.":
            _states(X, h0, W_xh, W_hh, b_h, mask=steps < lengths[:, None] + 1),
        "it starts from zeros instead of h0.": _keras_rnn(X, W_xh, W_hh, b_h, mask=mask),
        "every step uses h0 instead of the previous state h_{t-1}.":
            _states(X, h0, W_xh, W_hh, b_h, mask=mask, feed_h0=True),
        "tanh is applied twice: h_t = tanh(W_xh x_t + W_hh h_{t-1} + b_h), once.":
            _states(X, h0, W_xh, W_hh, b_h, mask=mask, act=lambda a: np.tanh(np.tanh(a))),
        "tanh is missing.": _states(X, h0, W_xh, W_hh, b_h, mask=mask, act=lambda a: a),
        "the bias b_h is missing.": _states(X, h0, W_xh, W_hh, 0 * b_h, mask=mask),
    }
    expect_close(got, expected, "H", suspects)


# --- q2: a bidirectional layer by hand ---------------------------------------------------

BI_ARGS = ["X", "W_xh_f", "W_hh_f", "b_h_f", "W_xh_b", "W_hh_b", "b_h_b"]


def q2_cases(hidden: bool) -> list[dict]:
    specs = [(2, 5, 3, 4, 21), (3, 3, 2, 2, 22)]  # (batch, num_steps, num_inputs, num_hiddens, seed)
    if hidden:
        specs += [(1, 1, 1, 3, 23), (4, 8, 5, 6, 24)]
    cases = []
    for batch, T, n_x, n_h, seed in specs:
        rng = np.random.default_rng(seed)
        case = {"X": rng.normal(size=(batch, T, n_x)), "seed": seed}  # (batch, num_steps, num_inputs)
        for direction in "fb":
            case.update(zip([f"W_xh_{direction}", f"W_hh_{direction}", f"b_h_{direction}"], _weights(rng, n_x, n_h)))
        cases.append(case)
    return cases


def q2_run(answer, case):
    H, changed = feedback.call(answer, case, BI_ARGS)
    hint = "Join the two directions into one array: np.concatenate([H_forward, H_backward], axis=-1)."
    return {"H": feedback.to_array(H, "H", hint), CHANGED: np.array(changed)}


@naming_case(lambda case: shapes_of(case, ["X", "W_hh_f"]))
def q2_verify(case, payload):
    import keras

    X = case["X"]
    forward = [case[k] for k in ("W_xh_f", "W_hh_f", "b_h_f")]
    backward = [case[k] for k in ("W_xh_b", "W_hh_b", "b_h_b")]
    batch, T, n_x = X.shape
    n_h = forward[1].shape[0]
    got = payload["H"]
    expect_shape(got, (batch, T, 2 * n_h), "H", {
        (batch, T, n_h): "That is one direction, or the two added: concatenate the forward and backward "
                         "states on the last axis.",
        (batch, 2 * T, n_h): "The two directions are joined on the time axis: concatenate them on the last axis.",
        (batch, 2 * n_h): "That is one vector per sequence: return the states of every step.",
    })
    feedback.expect_unchanged(payload)
    layer = keras.layers.Bidirectional(keras.layers.SimpleRNN(n_h, return_sequences=True))
    layer.build((None, None, n_x))
    layer.set_weights([forward[0].T, forward[1].T, forward[2], backward[0].T, backward[1].T, backward[2]])
    expected = np.asarray(layer(X.astype("float32")), dtype=np.float64)  # (batch, num_steps, 2 * num_hiddens)
    h0 = np.zeros((batch, n_h))  # (batch, num_hiddens)
    H_f = _states(X, h0, *forward)  # (batch, num_steps, num_hiddens)
    H_b_reading = _states(X[:, ::-1], h0, *backward)  # (batch, num_steps, num_hiddens): in reading order
    suspects = {
        "the backward states are still in reading order (last step first): reverse them back, so that "
        "position t holds the backward state after reading x_T ... x_t.": np.concatenate([H_f, H_b_reading], -1),
        "the halves are swapped: put the forward states first, then the backward ones.":
            np.concatenate([H_b_reading[:, ::-1], H_f], -1),
        "the backward layer reads the sequence forwards: run it on X[:, ::-1] (X[::-1] reverses the batch), then reverse its states along time.":
            np.concatenate([H_f, _states(X, h0, *backward)], -1),
        "the backward layer uses the forward weights: each direction has its own W_xh, W_hh and b_h.":
            np.concatenate([H_f, _states(X[:, ::-1], h0, *forward)[:, ::-1]], -1),
        "the whole result is reversed in time: reverse only the backward states.":
            np.concatenate([H_f, H_b_reading[:, ::-1]], -1)[:, ::-1],
        "X[::-1] reverses the batch, not time: reverse the steps with X[:, ::-1].":
            np.concatenate([H_f, _states(X[::-1], h0, *backward)], -1),
    }
    expect_close(got, expected, "H", suspects)


# --- q3: the parameter count of a stack of layers -------------------------------------

COUNT_ARGS = ["num_inputs", "hidden_sizes", "num_outputs", "bidirectional"]


def q3_cases(hidden: bool) -> list[dict]:
    specs = [(3, [8, 5], 2, False), (4, [6, 3], 1, True), (2, [7], 3, True)]  # visible: stacked and bidirectional
    if hidden:
        specs += [(1, [1], 1, False), (10, [32, 16, 8], 5, True), (6, [4, 9], 2, False)]
    return [dict(zip(COUNT_ARGS, s)) for s in specs]


def q3_run(answer, case):
    count, changed = feedback.call(answer, case, COUNT_ARGS)
    return {**feedback.to_int(count, "the count"), CHANGED: np.array(changed)}


def _count(n_x, sizes, n_y, double_layers, double_inputs, recurrent=True, biases=True, dense=True, chain=True):
    """The count with chosen mistakes, for the hints only."""
    total, n_in = 0, n_x
    for n_h in sizes:
        one = n_h * (n_in + (n_h if recurrent else 0) + (1 if biases else 0))
        total += (2 if double_layers else 1) * one
        if chain:
            n_in = n_h * (2 if double_inputs else 1)
    n_last = sizes[-1] * (2 if double_inputs else 1)
    return total + (n_y * (n_last + (1 if biases else 0)) if dense else 0)


def _describe_count(case):
    return ", ".join(f"{k}={case[k]}" for k in COUNT_ARGS)


@naming_case(_describe_count)
def q3_verify(case, payload):
    import keras

    n_x, sizes, n_y, bi = (case[k] for k in COUNT_ARGS)
    feedback.expect_int(payload, "the count")
    layers = [keras.Input(shape=(None, n_x))]
    for i, n_h in enumerate(sizes):
        rnn = keras.layers.SimpleRNN(n_h, return_sequences=i < len(sizes) - 1)
        layers.append(keras.layers.Bidirectional(rnn) if bi else rnn)
    expected = keras.Sequential([*layers, keras.layers.Dense(n_y)]).count_params()
    got = int(payload["value"])
    if got == expected:
        return
    suspects = {
        "every layer is counted as if it read the inputs: layer 2 reads layer 1's states, so its input "
        "size is layer 1's number of units (twice that when the layers are bidirectional).":
            _count(n_x, sizes, n_y, bi, bi, chain=False),
        "a bidirectional layer holds two SimpleRNNs, forward and backward, each with its own weights: "
        "count each layer twice.": _count(n_x, sizes, n_y, False, bi),
        "a bidirectional layer outputs both directions concatenated, 2 x units per step: the next layer "
        "and the Dense layer read twice as many inputs.": _count(n_x, sizes, n_y, bi, False),
        "the bidirectional layers are counted as plain ones: count both directions, and the doubled "
        "inputs of the layer after them.": _count(n_x, sizes, n_y, False, False),
        "the recurrent weights W_hh (units x units per layer and direction) are not counted.":
            _count(n_x, sizes, n_y, bi, bi, recurrent=False),
        "the biases are not counted.": _count(n_x, sizes, n_y, bi, bi, biases=False),
        "the output layer (W_hy and b_y) is not counted.": _count(n_x, sizes, n_y, bi, bi, dense=False),
    }
    for hint, wrong in suspects.items():
        if got == wrong and wrong != expected:
            raise AssertionError(f"{got} parameters: {hint}")
    raise AssertionError(f"{got} parameters, expected {expected}.")


# --- q4: an encoder-decoder through return_state and initial_state ----------------------

ED_ARGS = ["encoder_steps", "decoder_steps", "num_inputs", "num_hiddens", "num_outputs"]


def q4_cases(hidden: bool) -> list[dict]:
    specs = [(6, 4, 3, 5, 2)]
    if hidden:
        specs += [(3, 7, 1, 4, 1), (10, 2, 4, 8, 3)]
    return [dict(zip(ED_ARGS, s)) for s in specs]


def q4_run(answer, case):
    model, _ = feedback.call(answer, case, ED_ARGS)
    return feedback.model_payload(model)


def _rnn_weights(layer):
    kernel, recurrent, bias = (np.asarray(w, dtype=np.float64) for w in layer.get_weights())
    return kernel.T, recurrent.T, bias  # the book's W_xh, W_hh, b_h


@naming_case(lambda case: ", ".join(f"{k}={case[k]}" for k in ED_ARGS))
def q4_verify(case, payload):
    import keras

    T_enc, T_dec, n_x, n_h, n_y = (case[k] for k in ED_ARGS)
    model = feedback.rebuild(payload)
    shapes = [tuple(t.shape) for t in model.inputs]
    if len(shapes) != 2:
        raise AssertionError(
            f"the model has {len(shapes)} input(s); it needs two, in this order: "
            f"keras.Model([encoder_inputs, decoder_inputs], outputs)."
        )
    for got, T, which in [(shapes[0], T_enc, "encoder"), (shapes[1], T_dec, "decoder")]:
        if got not in {(None, T, n_x), (None, None, n_x)}:
            raise AssertionError(f"the {which} input has shape {got}, expected (None, {T}, {n_x}): "
                                 f"keras.Input(shape=({T}, {n_x})). The encoder's input comes first.")
    out_shape = tuple(model.outputs[0].shape) if len(model.outputs) == 1 else None
    if out_shape not in {(None, T_dec, n_y), (None, None, n_y)}:
        hint = {
            (None, n_y): "the decoder must return a state for every step: return_sequences=True.",
            (None, T_dec, n_h): f"add keras.layers.Dense({n_y}) on the decoder's states.",
        }.get(out_shape, "")
        raise AssertionError(f"the model's output shape is {out_shape}, expected (None, {T_dec}, {n_y}). {hint}".strip())
    rnns = [layer for layer in model.layers if isinstance(layer, keras.layers.SimpleRNN)]
    denses = [layer for layer in model.layers if isinstance(layer, keras.layers.Dense)]
    if len(rnns) == 1:
        raise AssertionError(
            "only one SimpleRNN is connected to the output, so the output does not depend on the encoder's "
            "input: the decoder must start from the encoder's final state. Give the encoder return_state=True "
            "and call the decoder with initial_state=[state]."
        )
    if len(rnns) != 2 or any(layer.units != n_h for layer in rnns):
        raise AssertionError(f"expected two SimpleRNN layers of {n_h} units (an encoder and a decoder); "
                             f"found {[layer.units for layer in rnns]}.")
    if any(layer.get_config()["activation"] != "tanh" for layer in rnns):
        raise AssertionError("both SimpleRNN layers should keep the default activation, tanh.")
    if len(denses) != 1 or denses[0].units != n_y or denses[0].get_config()["activation"] != "linear":
        raise AssertionError(f"expected one Dense({n_y}) layer with no activation on the decoder's states.")
    W_hy, b_y = (np.asarray(w, dtype=np.float64) for w in denses[0].get_weights())

    rng = np.random.default_rng(T_enc * 100 + T_dec)
    A = rng.normal(size=(3, T_enc, n_x)).astype("float32")  # (3, encoder_steps, num_inputs)
    B = rng.normal(size=(3, T_dec, n_x)).astype("float32")  # (3, decoder_steps, num_inputs)
    got = np.asarray(model([A, B]), dtype=np.float64)  # (3, decoder_steps, num_outputs)
    zeros = np.zeros((3, n_h))  # (3, num_hiddens)
    for encoder, decoder in [(rnns[0], rnns[1]), (rnns[1], rnns[0])]:
        state = _states(A, zeros, *_rnn_weights(encoder))[:, -1]  # (3, num_hiddens): the final state
        expected = _states(B, state, *_rnn_weights(decoder)) @ W_hy + b_y  # (3, decoder_steps, num_outputs)
        if np.allclose(got, expected, atol=1e-4):
            return
    other = rng.normal(size=A.shape).astype("float32")  # another encoder input
    if np.allclose(np.asarray(model([other, B])), got, atol=1e-6):
        raise AssertionError(
            "the output does not depend on the encoder's input: the decoder must start from the encoder's "
            "final state. Give the encoder return_state=True and pass the state to the decoder with "
            "decoder(decoder_inputs, initial_state=[state])."
        )
    raise AssertionError(
        "the outputs differ from an encoder whose final state starts a decoder: check that the decoder "
        "reads the decoder inputs from the encoder's final state, and that Dense reads every decoder state."
    )


QUESTIONS = [
    Question(id="01.q1", title="a padded batch with a mask", points=2, function_name="masked_rnn_forward",
             cases=q1_cases, run=q1_run, verify=q1_verify),
    Question(id="01.q2", title="a bidirectional layer by hand", points=2, function_name="bidirectional_forward",
             cases=q2_cases, run=q2_run, verify=q2_verify),
    Question(id="01.q3", title="the parameter count of a stack of layers", points=2, function_name="rnn_stack_param_count",
             cases=q3_cases, run=q3_run, verify=q3_verify),
    Question(id="01.q4", title="an encoder-decoder with return_state", points=2, function_name="build_encoder_decoder",
             cases=q4_cases, run=q4_run, verify=q4_verify),
]
