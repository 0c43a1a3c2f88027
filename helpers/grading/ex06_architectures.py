"""Exercise 6, architectures: deep, bidirectional, masked, stateful: the questions and their tests.

Expected values come from Keras: a masked mean from `GlobalAveragePooling1D` given the
mask, a bidirectional pass from `keras.layers.Bidirectional` given the mask, the shapes and
parameter counts of a specification from a reference model built with Keras layers, and
the states after each chunk from one `LSTM` pass over the chunks joined. The NumPy lines
below compute only the values of known mistakes, so that a message can name the mistake.
"""

from __future__ import annotations

import numpy as np

from helpers.grading.feedback import expect_close, to_array
from helpers.grading.question import (
    MODEL_ARGS,
    Question,
    call_answer,
    expect_shape,
    model_cases,
    rebuild_model,
    run_model,
)


def _mask(lengths, num_steps: int, padding: str) -> np.ndarray:
    """(batch, num_steps) booleans, True on the real steps of sequences padded at the end ('post') or start."""
    steps = np.arange(num_steps)[None]  # (1, num_steps)
    lengths = np.asarray(lengths)[:, None]  # (batch, 1)
    return steps < lengths if padding == "post" else steps >= num_steps - lengths


# --- q1: a masked mean over time --------------------------------------------------------

def q1_cases(hidden: bool) -> list[dict]:
    specs = [([4, 2, 3], 5, 3, "post", 61)]  # lengths, num_steps, num_hiddens, padding, seed
    if hidden:
        specs += [([1, 6, 3, 6], 6, 2, "pre", 62), ([4], 4, 5, "post", 63), ([2, 7], 9, 1, "pre", 64)]
    cases = []
    for lengths, T, n_h, padding, seed in specs:
        rng = np.random.default_rng(seed)
        # Padded steps hold values, not zeros: a Keras layer repeats its last output there.
        cases.append({"H": rng.normal(size=(len(lengths), T, n_h)), "mask": _mask(lengths, T, padding)})
    return cases


def q1_run(answer, case):
    return {"mean": to_array(call_answer(answer, case, ["H", "mask"]), "the masked mean")}


def q1_verify(case, payload):
    import keras

    H, mask = case["H"], case["mask"]  # (batch, num_steps, num_hiddens), (batch, num_steps)
    got = payload["mean"]
    batch, T, n_h = H.shape
    expect_shape(got, (batch, n_h), "the masked mean", {
        (batch, T): "Average over time (axis 1), keeping the hidden units.",
        (batch, T, n_h): "Average over time (axis 1): one vector per example.",
    })
    expected = np.asarray(keras.layers.GlobalAveragePooling1D(dtype="float64")(H, mask=mask))  # (batch, n_h)
    weights = mask[:, :, None]  # (batch, T, 1)
    lengths = mask.sum(axis=1, keepdims=True)  # (batch, 1)
    suspects = {
        "the mask is ignored: the padded steps are averaged in.": H.mean(axis=1),
        "the sum over the real steps is divided by num_steps; divide by each example's number of real steps.":
            (H * weights).sum(axis=1) / T,
        "the padded steps are summed in: multiply by the mask before summing.": H.sum(axis=1) / lengths,
        "that is the mean over the padded steps: the mask is True on the real steps.":
            (H * ~weights).sum(axis=1) / np.maximum((~mask).sum(axis=1, keepdims=True), 1),
    }
    expect_close(got, expected, "the masked mean", suspects)


# --- q2: a bidirectional pass over a padded batch ---------------------------------------

BIDIRECTIONAL_ARGS = ["X", "lengths", "forward", "backward"]


def q2_cases(hidden: bool) -> list[dict]:
    specs = [([4, 2, 3], 4, 2, 3, 71)]  # lengths, num_steps, num_inputs, num_hiddens, seed
    if hidden:
        specs += [([1, 5], 5, 3, 2, 72), ([6, 6, 3, 1], 7, 1, 4, 73)]
    cases = []
    for lengths, T, n_x, n_h, seed in specs:
        rng = np.random.default_rng(seed)
        X = rng.normal(size=(len(lengths), T, n_x)) * _mask(lengths, T, "post")[:, :, None]  # (batch, T, n_x)

        def weights():
            return (rng.normal(scale=0.6, size=(n_h, n_x)),  # W_xh
                    rng.normal(scale=0.6, size=(n_h, n_h)),  # W_hh
                    rng.normal(scale=0.3, size=(n_h,)))  # b_h

        cases.append({"X": X, "lengths": np.array(lengths), "forward": weights(), "backward": weights()})
    return cases


def q2_run(answer, case):
    args = {**case, "forward": tuple(np.array(w) for w in case["forward"]),
            "backward": tuple(np.array(w) for w in case["backward"])}
    return {"H": to_array(call_answer(answer, args, BIDIRECTIONAL_ARGS), "the bidirectional states")}


def _run_rnn(X, W_xh, W_hh, b_h):
    """The states of a SimpleRNN over X (T, n_x) from zeros, in NumPy: only for naming mistakes."""
    h, states = np.zeros(W_hh.shape[0]), []
    for x_t in X:
        h = np.tanh(W_xh @ x_t + W_hh @ h + b_h)  # (num_hiddens,)
        states.append(h)
    return np.array(states).reshape(len(X), W_hh.shape[0])  # (T, num_hiddens)


def _mistake(case, backward_of):
    """The answer when the backward half of example i, at its real steps, is backward_of(x_row, n, weights)."""
    X, lengths = case["X"], case["lengths"]
    n_h = case["forward"][1].shape[0]
    H = np.zeros(X.shape[:2] + (2 * n_h,))  # (batch, T, 2 n_h)
    for i, n in enumerate(lengths):
        H[i, :n, :n_h] = _run_rnn(X[i, :n], *case["forward"])
        H[i, :n, n_h:] = backward_of(X[i], n, case["backward"])
    return H


def q2_verify(case, payload):
    import keras

    X, lengths = case["X"], case["lengths"]
    batch, T, n_x = X.shape
    n_h = case["forward"][1].shape[0]
    got = payload["H"]
    expect_shape(got, (batch, T, 2 * n_h), "the bidirectional states", {
        (batch, T, n_h): "Concatenate the two directions on the last axis: 2 * num_hiddens features.",
        (batch, 2 * n_h): "Return the states of every step, not only the last.",
    })
    layer = keras.layers.Bidirectional(
        keras.layers.SimpleRNN(n_h, return_sequences=True, dtype="float64"), dtype="float64")
    layer.build((None, T, n_x))
    layer.set_weights([w.T if w.ndim == 2 else w for w in (*case["forward"], *case["backward"])])
    mask = _mask(lengths, T, "post")  # (batch, T)
    expected = np.asarray(layer(X, mask=mask))  # (batch, T, 2 n_h): zeros at the padded steps
    real = mask[:, :, None]  # (batch, T, 1)
    suspects = {
        "the backward states are not reversed back: the state computed at step t of the reversed sequence "
        "belongs at step n - 1 - t of the original.":
            _mistake(case, lambda x, n, w: _run_rnn(x[:n][::-1], *w)),
        "the backward direction reads the padding first: reverse each sequence within its own length, "
        "not the whole padded row.":
            _mistake(case, lambda x, n, w: _run_rnn(x[::-1], *w)[::-1][:n]),
        "the two halves are swapped: the forward states come first, then the backward ones.":
            np.concatenate([expected[..., n_h:], expected[..., :n_h]], axis=-1),
    }
    expect_close(got * real, expected, "the bidirectional states at the real steps",
                 {hint: value * real for hint, value in suspects.items()})
    if not np.allclose(got * ~real, 0, atol=1e-6):
        raise AssertionError("the states at the padded steps should be zeros, as keras.layers.Bidirectional "
                             "returns them for masked steps.")


# --- q3: a model built to a specification -----------------------------------------------

q3_cases = model_cases(visible=[(12, 3, 8, 5)], grader_only=[(7, 2, 4, 3), (10, 6, 5, 2)])


def _spec(T, n_x, n_h, n_y):
    """The reference model, built with Keras: what the specification's table describes."""
    import keras

    return keras.Sequential([
        keras.Input((T, n_x)),
        keras.layers.Masking(mask_value=0.0),
        keras.layers.Bidirectional(keras.layers.GRU(n_h, return_sequences=True)),
        keras.layers.LSTM(n_h, return_sequences=True),
        keras.layers.Dense(n_y, activation="softmax"),
    ])


def _counts(n_in, n_h):
    """Parameter counts of Keras's recurrent layers reading n_in features (only for naming mistakes)."""
    return {"an LSTM": 4 * n_h * (n_in + n_h + 1), "a GRU": 3 * n_h * (n_in + n_h + 2)}


def q3_verify(case, payload):
    T, n_x, n_h, n_y = (case[k] for k in MODEL_ARGS)
    model, weights = rebuild_model(payload, case)
    model.set_weights(weights)
    out = tuple(model.outputs[0].shape)
    if out != (None, T, n_y):
        hint = {(None, n_y): " The last recurrent layer must return sequences: one output per step."}.get(out, "")
        raise AssertionError(f"the model's output shape is {out}, expected (None, {T}, {n_y}).{hint}")
    reference = _spec(T, n_x, n_h, n_y)
    ours = [layer for layer in model.layers if layer.count_params() > 0]
    spec = [layer for layer in reference.layers if layer.count_params() > 0]
    names = ["recurrent layer 1", "recurrent layer 2", "the output layer"]
    if len(ours) != len(spec):
        raise AssertionError(f"the model has {len(ours)} layers with weights; the specification has {len(spec)}: "
                             "two recurrent layers, then the output layer.")
    shape_hints = {
        "recurrent layer 1": {
            (None, T, n_h): " It reads in both directions and concatenates them (keras.layers.Bidirectional, "
                            "merge_mode='concat'): 2 * num_hiddens features per step.",
            (None, 2 * n_h): " It must return sequences (return_sequences=True).",
        },
        "recurrent layer 2": {
            (None, T, 2 * n_h): " It reads in one direction only.",
            (None, n_h): " It must return sequences (return_sequences=True): one output per step.",
        },
    }
    for name, layer, expected, n_in in zip(names, ours, spec, [n_x, 2 * n_h, n_h]):
        shape, want = tuple(layer.output.shape), tuple(expected.output.shape)
        if shape != want:
            hint = shape_hints.get(name, {}).get(shape, "")
            raise AssertionError(f"{name} returns {shape}, expected {want}.{hint}")
        count, want = layer.count_params(), expected.count_params()
        if count != want:
            factor = 2 if name == "recurrent layer 1" else 1
            kind = {factor * c: k for k, c in _counts(n_in, n_h).items()}.get(count)
            right = {factor * c: k for k, c in _counts(n_in, n_h).items()}.get(want)
            hint = f" That is the count of {kind}; the specification's is {right}'s." if kind and right else ""
            raise AssertionError(f"{name} has {count} parameters, expected {want}.{hint}")
    rng = np.random.default_rng(T)
    # Random weights, biases included: with the zero biases of a fresh layer, reading zero
    # padding from a zero state changes nothing, and a missing mask would go unnoticed.
    weights = [rng.normal(scale=0.5, size=np.shape(w)).astype("float32") for w in weights]
    model.set_weights(weights)
    reference.set_weights(weights)
    X = rng.normal(size=(3, T, n_x)).astype("float32")  # (3, T, n_x)
    lengths = [T, max(1, T // 2), 1]
    X = X * _mask(lengths, T, "post")[:, :, None]  # zeros after each sequence's end
    got = np.asarray(model(X))  # (3, T, n_y)
    if not np.allclose(got[0].sum(axis=-1), 1, atol=1e-4):
        raise AssertionError("the outputs at each step should be probabilities that sum to 1: "
                             "a Dense layer with activation='softmax'.")
    expected = np.asarray(reference(X))  # (3, T, n_y)
    real = _mask(lengths, T, "post")
    if not np.allclose(got[real], expected[real], atol=1e-5):
        raise AssertionError("the padded steps change the outputs at the real steps: the model must ignore "
                             "all-zero steps (start with keras.layers.Masking()).")


# --- q4: carrying an LSTM's state across chunks -------------------------------------------

def q4_cases(hidden: bool) -> list[dict]:
    specs = [(2, 3, 4, [5, 5, 5], 91)]  # batch, num_inputs, num_hiddens, chunk lengths, seed
    if hidden:
        specs += [(3, 2, 3, [4, 1, 6, 2], 92), (1, 1, 5, [8], 93)]
    cases = []
    for batch, n_x, n_h, sizes, seed in specs:
        rng = np.random.default_rng(seed)
        cases.append({
            "kernel": rng.normal(scale=0.5, size=(n_x, 4 * n_h)),
            "recurrent_kernel": rng.normal(scale=0.5, size=(n_h, 4 * n_h)),
            "bias": rng.normal(scale=0.5, size=(4 * n_h,)),
            "X": rng.normal(size=(batch, sum(sizes), n_x)),  # (batch, total steps, n_x)
            "sizes": np.array(sizes),
        })
    return cases


def _chunks(case) -> list[np.ndarray]:
    bounds = np.cumsum(case["sizes"])[:-1]
    return [chunk.astype("float32") for chunk in np.split(case["X"], bounds, axis=1)]


def q4_run(answer, case):
    import keras

    n_h = case["recurrent_kernel"].shape[0]
    layer = keras.layers.LSTM(n_h, return_state=True)
    layer.build((None, None, case["X"].shape[2]))
    layer.set_weights([case["kernel"], case["recurrent_kernel"], case["bias"]])
    args = {"layer": layer, "chunks": _chunks(case)}
    return {"states": to_array(call_answer(answer, args, ["layer", "chunks"], copy=False), "the states")}


def _lstm_states(case, starts: str) -> np.ndarray:
    """(num_chunks, 2, batch, n_h) in NumPy, each chunk from `starts`: 'carried', 'zeros', 'h only' or
    'swapped' (only for naming mistakes)."""
    W, U, b = case["kernel"], case["recurrent_kernel"], case["bias"]
    n_h = U.shape[0]
    batch = case["X"].shape[0]
    h, c = np.zeros((batch, n_h)), np.zeros((batch, n_h))
    ends = []
    for chunk in _chunks(case):
        if starts == "zeros":
            h, c = np.zeros_like(h), np.zeros_like(c)
        elif starts == "h only":
            c = np.zeros_like(c)
        elif starts == "swapped":
            h, c = c, h
        for x_t in chunk.astype(np.float64).transpose(1, 0, 2):  # (batch, n_x) per step
            z = x_t @ W + h @ U + b  # (batch, 4 n_h): gates i, f, candidate, o
            i, f, g, o = np.split(z, 4, axis=1)
            sigmoid = lambda a: 1 / (1 + np.exp(-a))  # noqa: E731
            c = sigmoid(f) * c + sigmoid(i) * np.tanh(g)  # (batch, n_h)
            h = sigmoid(o) * np.tanh(c)  # (batch, n_h)
        ends.append([h, c])
    return np.array(ends)  # (num_chunks, 2, batch, n_h)


def q4_verify(case, payload):
    import keras

    n_h = case["recurrent_kernel"].shape[0]
    batch, _, n_x = case["X"].shape
    num_chunks = len(case["sizes"])
    got = payload["states"]
    expect_shape(got, (num_chunks, 2, batch, n_h), "the states", {
        (num_chunks, batch, n_h): "Return both states of the LSTM, h and c, at the end of each chunk.",
        (2, batch, n_h): "Return the states at the end of every chunk, not only the last.",
        (2, num_chunks, batch, n_h): "Stack as (num_chunks, 2, batch, num_hiddens): chunk first, then h and c.",
    })
    layer = keras.layers.LSTM(n_h, return_state=True, dtype="float64")
    layer.build((None, None, n_x))
    layer.set_weights([case["kernel"], case["recurrent_kernel"], case["bias"]])
    expected = []
    for end in np.cumsum(case["sizes"]):
        _, h, c = layer(case["X"][:, :end])  # one pass over every step up to the end of this chunk
        expected.append([np.asarray(h), np.asarray(c)])
    expected = np.array(expected)  # (num_chunks, 2, batch, n_h)
    suspects = {
        "the state was reset between chunks: start each chunk from the states the previous one ended in "
        "(initial_state=[h, c]).": _lstm_states(case, "zeros"),
        "the cell state c is not carried: an LSTM has two states, pass both, initial_state=[h, c].":
            _lstm_states(case, "h only"),
        "h and c are swapped in initial_state: the order is [h, c], as the layer returns them.":
            _lstm_states(case, "swapped"),
        "h and c are swapped in the result: give h first, then c.": expected[:, ::-1],
    }
    expect_close(got, expected, "the states", suspects)


QUESTIONS = [
    Question(id="06.q1", title="a masked mean over time", points=2, function_name="masked_mean",
             cases=q1_cases, run=q1_run, verify=q1_verify),
    Question(id="06.q2", title="a bidirectional pass over a padded batch", points=2,
             function_name="bidirectional_padded", cases=q2_cases, run=q2_run, verify=q2_verify),
    Question(id="06.q3", title="a tagger built to a specification", points=2, function_name="build_tagger",
             cases=q3_cases, run=run_model, verify=q3_verify),
    Question(id="06.q4", title="an LSTM's state carried across chunks", points=2,
             function_name="lstm_chunk_states", cases=q4_cases, run=q4_run, verify=q4_verify),
]
