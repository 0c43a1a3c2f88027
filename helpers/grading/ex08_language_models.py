"""Exercise 8, language models and text generation: the questions and their tests.

Expected values come from an independent computation (here a Keras layer); the NumPy
lines compute only the values of known mistakes, so that a message can name the mistake.
"""

from __future__ import annotations

import numpy as np

from helpers.grading.question import Question, as_array, call_answer, expect_close, expect_shape


# --- q1: the mean over time (an example: replace it) -----------------------------------

def q1_cases(hidden: bool) -> list[dict]:
    shapes = [(2, 5, 3, 1)]  # (batch, num_steps, num_inputs, seed)
    if hidden:
        shapes += [(1, 1, 1, 2), (4, 9, 2, 3)]
    return [{"X": np.random.default_rng(seed).normal(size=(b, t, n))} for b, t, n, seed in shapes]


def q1_run(answer, case):
    return {"mean": as_array(call_answer(answer, case, ["X"]), "the mean")}


def q1_verify(case, payload):
    import keras

    X = case["X"]  # (batch, num_steps, num_inputs)
    got = payload["mean"]
    expect_shape(got, (X.shape[0], X.shape[2]), "the mean", {(X.shape[0], X.shape[1]): "Average over time (axis 1), not features."})
    expected = np.asarray(keras.layers.GlobalAveragePooling1D()(X.astype("float32")), dtype=np.float64)  # (batch, num_inputs)
    suspects = {"it is the sum over time, not the mean.": X.sum(axis=1)}
    expect_close(got, expected, "the mean", suspects)


QUESTIONS = [
    Question(id="08.q1", title="the mean over time", points=2, function_name="sequence_mean",
             cases=q1_cases, run=q1_run, verify=q1_verify),
]
