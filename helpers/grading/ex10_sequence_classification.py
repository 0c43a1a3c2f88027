"""Exercise 10, classifying sequences: the questions and their tests.

Expected values come from independent computations: a masked Keras GRU for the last real
state, the grader's own evaluation of the learner's trained model on held-out utterances,
and scikit-learn for the confusion matrix and the balanced accuracy. The NumPy lines below
compute only the values of known mistakes, so that a message can name the mistake.
"""

from __future__ import annotations

import json

import numpy as np

from helpers.grading.feedback import expect_close, model_payload, to_array
from helpers.grading.question import Question, call_answer, expect_shape, rebuild_model

# --- q1: the state after the last real step ---------------------------------------------


def _gru_case(batch: int, num_steps: int, num_inputs: int, num_hiddens: int, seed: int) -> dict:
    """Padded sequences, their lengths, and the states of an unmasked GRU over every step."""
    import keras

    rng = np.random.default_rng(seed)
    lengths = rng.integers(1, num_steps, size=batch)  # (batch,): every sequence has padding after it
    lengths[0] = 1  # one sequence of a single step
    X = rng.normal(size=(batch, num_steps, num_inputs)).astype("float32")  # (batch, num_steps, num_inputs)
    X[np.arange(num_steps)[None, :] >= lengths[:, None]] = 0.0  # zero padding after each end
    weights = [
        rng.normal(scale=0.5, size=(num_inputs, 3 * num_hiddens)).astype("float32"),  # kernel
        rng.normal(scale=0.5, size=(num_hiddens, 3 * num_hiddens)).astype("float32"),  # recurrent kernel
        rng.normal(scale=0.1, size=(2, 3 * num_hiddens)).astype("float32"),  # biases (reset_after)
    ]
    gru = keras.layers.GRU(num_hiddens, return_sequences=True)
    gru.build((None, num_steps, num_inputs))
    gru.set_weights(weights)
    H = np.asarray(gru(X), dtype=np.float64)  # (batch, num_steps, num_hiddens): no mask, so it reads the padding
    return {"H": H, "lengths": lengths, "X": X, "kernel": weights[0], "recurrent_kernel": weights[1], "bias": weights[2]}


def q1_cases(hidden: bool) -> list[dict]:
    specs = [(4, 6, 3, 5, 101)]  # batch, num_steps, num_inputs, num_hiddens, seed
    if hidden:
        specs += [(1, 2, 1, 1, 102), (7, 12, 2, 9, 103)]
    return [_gru_case(*spec) for spec in specs]


def q1_run(answer, case):
    return {"states": to_array(call_answer(answer, case, ["H", "lengths"]), "the last real states")}


def q1_verify(case, payload):
    import keras

    H, lengths, X = case["H"], case["lengths"], case["X"]
    batch, num_steps, num_hiddens = H.shape
    got = payload["states"]
    expect_shape(got, (batch, num_hiddens), "the last real states", {
        (batch, batch, num_hiddens): "index H[np.arange(batch), lengths - 1] (one step per sequence), "
                                     "not H[:, lengths - 1] (every step for every sequence).",
    })
    gru = keras.layers.GRU(num_hiddens)
    gru.build((None, num_steps, X.shape[2]))
    gru.set_weights([case["kernel"], case["recurrent_kernel"], case["bias"]])
    mask = np.arange(num_steps)[None, :] < lengths[:, None]  # (batch, num_steps)
    expected = np.asarray(gru(X, mask=mask), dtype=np.float64)  # (batch, num_hiddens): a masked GRU's answer
    rows = np.arange(batch)
    suspects = {
        "these are the states after the last step of the padded array, H[:, -1]: the GRU read the padding "
        "to get there. Take each sequence's own last real step.": H[:, -1],
        "off by one: a sequence of length L ends at index L - 1.": H[rows, np.minimum(lengths, num_steps - 1)],
        "off by one: a sequence of length L ends at index L - 1, not L - 2.": H[rows, np.maximum(lengths - 2, 0)],
    }
    expect_close(got, expected, "the last real states", suspects, atol=1e-5)


# --- q2: a masked speaker classifier, judged on held-out utterances --------------------

NUM_SPEAKERS, NUM_COEFFICIENTS = 9, 12
# The held-out utterances: check() judges on the test utterances of even index, the grader on
# those of odd index, which the learner's notebook never evaluates on. Always answering the
# most frequent speaker scores 0.24 on either half, reading only the length about 0.2; a
# masked GRU scores 0.93 to 0.98 (seed checks of chapter 10, in reports/benchmarks.md).
ACCURACY_BAR = 0.90
EXTRA_PADDING = 11  # frames of zeros the grader adds to check that the model masks them
RECURRENT = {"GRU", "LSTM", "SimpleRNN"}


def _held_out(half: str):
    from helpers import data

    _, (X, lengths, y) = data.japanese_vowels()
    rows = slice(0, None, 2) if half == "even" else slice(1, None, 2)
    return X[rows], lengths[rows], y[rows]


def q2_cases(hidden: bool) -> list[dict]:
    from helpers import data

    (X, lengths, y), _ = data.japanese_vowels()
    # One training run per grading: the grader's single case is judged on the odd half.
    return [{"X": X, "lengths": lengths, "y": y, "held_out": "odd" if hidden else "even"}]


def q2_run(answer, case):
    model = call_answer(answer, case, ["X", "lengths", "y"])
    return model_payload(model)


def _layer_classes(config) -> set[str]:
    """Every class_name in a model's config, recursively (a Bidirectional holds a GRU)."""
    found = set()
    if isinstance(config, dict):
        if "class_name" in config:
            found.add(config["class_name"])
        for value in config.values():
            found |= _layer_classes(value)
    elif isinstance(config, list):
        for value in config:
            found |= _layer_classes(value)
    return found


def q2_verify(case, payload):
    model, weights = rebuild_model(payload, {"num_steps": None, "num_inputs": NUM_COEFFICIENTS})
    model.set_weights(weights)
    if tuple(model.outputs[0].shape) != (None, NUM_SPEAKERS):
        raise AssertionError(f"the model's output shape is {tuple(model.outputs[0].shape)}, expected (None, {NUM_SPEAKERS}): one score per speaker.")
    if not RECURRENT & _layer_classes(json.loads(str(payload["config"]))):
        raise AssertionError("the model has no recurrent layer: use a GRU, an LSTM or a SimpleRNN (this exercise is about them).")
    X, lengths, y = _held_out(case["held_out"])
    scores = np.asarray(model.predict(X, verbose=0, batch_size=len(X)), dtype=np.float64)  # (num_utterances, 9)
    longer = np.concatenate([X, np.zeros((len(X), EXTRA_PADDING, NUM_COEFFICIENTS), X.dtype)], axis=1)
    scores_longer = np.asarray(model.predict(longer, verbose=0, batch_size=len(X)), dtype=np.float64)
    if not (np.all(np.isfinite(scores)) and np.allclose(scores, scores_longer, atol=1e-4)):
        raise AssertionError(
            f"with {EXTRA_PADDING} more frames of zero padding your model gives other outputs (largest difference "
            f"{np.max(np.abs(scores - scores_longer)):.3g}): mask the padding, e.g. keras.layers.Masking(mask_value=0.0) "
            "first, so that the recurrent layer skips it."
        )
    accuracy = float(np.mean(scores.argmax(axis=1) == y))
    if accuracy < ACCURACY_BAR:
        raise AssertionError(
            f"your model names the speaker of {accuracy:.1%} of the held-out utterances; it needs {ACCURACY_BAR:.0%}. "
            "Standardise the coefficients (inside the model, after the masking), or train longer."
        )


# --- q3: the confusion matrix ----------------------------------------------------------


def q3_cases(hidden: bool) -> list[dict]:
    specs = [(40, 4, 1, False)]  # num_labels, num_classes, seed, leave a class out of the predictions
    if hidden:
        specs += [(7, 3, 2, True), (200, 9, 3, False), (1, 2, 4, False)]
    cases = []
    for n, k, seed, leave_out in specs:
        rng = np.random.default_rng(seed)
        y_true = rng.integers(0, k, size=n)  # (n,)
        y_pred = np.where(rng.random(n) < 0.6, y_true, rng.integers(0, k, size=n))  # (n,): right 60 % of the time or more
        if leave_out:
            y_pred[y_pred == k - 1] = 0  # the last class is never predicted
        cases.append({"y_true": y_true, "y_pred": y_pred, "num_classes": k})
    return cases


def q3_run(answer, case):
    return {"confusion": to_array(call_answer(answer, case, ["y_true", "y_pred", "num_classes"]), "the confusion matrix")}


def q3_verify(case, payload):
    from sklearn.metrics import confusion_matrix

    k = case["num_classes"]
    got = payload["confusion"]
    expect_shape(got, (k, k), "the confusion matrix", {
        shape: f"make it num_classes x num_classes ({k} x {k}), also when a class never occurs in y_true or y_pred."
        for shape in [(a, b) for a in range(k + 1) for b in range(k + 1)] if shape != (k, k)
    })
    expected = confusion_matrix(case["y_true"], case["y_pred"], labels=np.arange(k)).astype(np.float64)  # (k, k)
    suspects = {
        "it is transposed: row i counts the examples whose TRUE class is i, column j those PREDICTED as j.": expected.T,
        "count the examples, do not normalise the rows.": expected / np.maximum(expected.sum(axis=1, keepdims=True), 1),
        "each (true, predicted) pair is counted once however often it occurs: C[y_true, y_pred] += 1 adds 1 once "
        "per distinct index pair. Use np.add.at(C, (y_true, y_pred), 1) or a loop.": (expected > 0).astype(np.float64),
    }
    expect_close(got, expected, "the confusion matrix", suspects, atol=1e-9)


# --- q4: balanced accuracy -------------------------------------------------------------


def q4_cases(hidden: bool) -> list[dict]:
    cases = [{"confusion": np.array([[90, 10], [6, 4]])}]  # (2, 2): imbalanced; accuracy 0.85, balanced 0.65
    if hidden:
        rng = np.random.default_rng(5)
        cases += [{"confusion": rng.integers(1, 30, size=(5, 5))}, {"confusion": np.diag([3, 1, 7])}]
    return cases


def q4_run(answer, case):
    return {"balanced": to_array(call_answer(answer, case, ["confusion"]), "the balanced accuracy")}


def q4_verify(case, payload):
    from sklearn.metrics import balanced_accuracy_score

    C = case["confusion"]  # (k, k): rows true, columns predicted
    got = payload["balanced"]
    expect_shape(got, (), "the balanced accuracy", {(C.shape[0],): "return one number: the mean of the per-class recalls."})
    k = C.shape[0]
    true, pred = np.repeat(np.repeat(np.arange(k), k), C.ravel()), np.repeat(np.tile(np.arange(k), k), C.ravel())
    expected = balanced_accuracy_score(true, pred)  # the labels the matrix counts
    suspects = {
        "that is the plain accuracy (the trace over the total); average the accuracy within each TRUE class instead.": np.trace(C) / C.sum(),
        "that averages the precision of each predicted class (columns); balanced accuracy averages the recall of each true class (rows).":
            np.mean(np.diag(C) / C.sum(axis=0)),
    }
    expect_close(got, np.float64(expected), "the balanced accuracy", suspects, atol=1e-9)


QUESTIONS = [
    Question(id="10.q1", title="the state after the last real step", points=2, function_name="last_real_state",
             cases=q1_cases, run=q1_run, verify=q1_verify),
    Question(id="10.q2", title="a masked speaker classifier", points=3, function_name="train_speaker_classifier",
             cases=q2_cases, run=q2_run, verify=q2_verify),
    Question(id="10.q3", title="the confusion matrix", points=2, function_name="confusion_matrix",
             cases=q3_cases, run=q3_run, verify=q3_verify),
    Question(id="10.q4", title="balanced accuracy", points=1, function_name="balanced_accuracy",
             cases=q4_cases, run=q4_run, verify=q4_verify),
]
