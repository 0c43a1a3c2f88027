"""Exercise 9, generating music: the questions and their tests.

Expected grids are computed by looking up, for each step's time, the note that covers it
(np.searchsorted on the notes' end times); expected notes by itertools.groupby over the
grid; the model is judged on held-out chorales that no exercise or chapter reads (the
"grader" split of helpers.data.bach_chorales), against repeating the last chord. The NumPy
lines that are not expectations compute the values of known mistakes.
"""

from __future__ import annotations

import itertools
from functools import lru_cache

import numpy as np

from helpers.grading.feedback import expect_close, model_payload, to_array
from helpers.grading.question import Question, call_answer, expect_shape, rebuild_model

# --- q1: notes to grid -----------------------------------------------------------------

ENCODE_ARGS = ["pitches", "durations", "step"]


def _random_voice(num_notes, step, seed):
    rng = np.random.default_rng(seed)
    pitches = rng.integers(55, 75, size=num_notes)
    pitches[rng.random(num_notes) < 0.2] = 0  # some rests
    pitches[min(1, num_notes - 1)] = 0  # at least one rest
    durations = step * rng.choice([1, 2, 3, 4, 6, 8], size=num_notes)  # whole multiples of the step
    durations[0] = 3 * step  # a duration that is not a whole number of quarter notes, when step < 1
    return pitches, durations.astype(np.float64)


def q1_cases(hidden: bool) -> list[dict]:
    specs = [(6, 0.5, 51)]  # number of notes, step, seed
    if hidden:
        specs += [(1, 1.0, 52), (2, 0.5, 55), (12, 0.25, 53), (9, 1.0, 54)]
    cases = []
    for n, step, seed in specs:
        pitches, durations = _random_voice(n, step, seed)
        cases.append({"pitches": pitches, "durations": durations, "step": step})
    return cases


def q1_run(answer, case):
    return {"grid": to_array(call_answer(answer, case, ENCODE_ARGS), "the grid")}


def q1_verify(case, payload):
    pitches, durations, step = (case[k] for k in ENCODE_ARGS)
    got = payload["grid"]
    num_steps = int(round(durations.sum() / step))
    rests = int(round(durations[pitches == 0].sum() / step))
    hints = {
        (int(np.sum(durations.astype(int))),): "The durations are in quarter notes: a note lasts duration / step steps.",
        (num_steps - rests,): "A rest (pitch 0) takes time too: it fills its steps with 0.",
    }
    expect_shape(got, (num_steps,), "the grid", hints)
    ends = np.cumsum(durations)  # (num_notes,) when each note stops, in quarter notes
    times = (np.arange(num_steps) + 0.5) * step  # (num_steps,) the middle of each step
    expected = pitches[np.searchsorted(ends, times)].astype(np.float64)  # (num_steps,)
    expect_close(got, expected, "the grid", {}, atol=0)


# --- q2: grid to notes -----------------------------------------------------------------


def q2_cases(hidden: bool) -> list[dict]:
    cases = []
    for case in q1_cases(hidden):
        pitches, durations, step = case["pitches"], case["durations"], case["step"]
        column = np.repeat(pitches, np.round(durations / step).astype(int))  # (num_steps,)
        cases.append({"column": column, "step": step})
    return cases


def q2_run(answer, case):
    result = call_answer(answer, case, ["column", "step"])
    if not (isinstance(result, tuple) and len(result) == 2):
        raise AssertionError("return two arrays: (pitches, durations).")
    return {"pitches": to_array(result[0], "the pitches"), "durations": to_array(result[1], "the durations")}


def q2_verify(case, payload):
    column, step = case["column"], case["step"]
    runs = [(int(p), len(list(group))) for p, group in itertools.groupby(column.tolist())]
    pitches = np.array([p for p, _ in runs], dtype=np.float64)
    durations = np.array([n * step for _, n in runs])
    n = len(runs)
    notes_only = int(np.sum(pitches > 0))
    hints = {
        (n - 1,): "One note is missing: the last run ends at the end of the column, with no change after it.",
        (notes_only,): "Keep the rests: a rest is a run of 0 with its own duration.",
    }
    if notes_only == n - 1:
        hints[(n - 1,)] = hints[(notes_only,)] + " Or is the last run missing?"
    expect_shape(payload["pitches"], (n,), "the pitches", hints)
    expect_shape(payload["durations"], (n,), "the durations", hints)
    expect_close(payload["pitches"], pitches, "the pitches", {}, atol=0)
    suspects = {"the durations are counted in steps; multiply by step to get quarter notes.": durations / step}
    expect_close(payload["durations"], durations, "the durations", suspects, atol=1e-9)


# --- q3: transposition -----------------------------------------------------------------


def q3_cases(hidden: bool) -> list[dict]:
    from helpers import data

    chorales = data.bach_chorales("train", step=1.0)
    with_rest = next(c for c in chorales if np.any(c[:16] == 0))[:16]  # a rest: the trap
    cases = [{"grid": with_rest, "semitones": 3}]
    if hidden:
        cases += [{"grid": chorales[10], "semitones": -5}, {"grid": chorales[20][:7], "semitones": 0}]
    return cases


def q3_run(answer, case):
    return {"grid": to_array(call_answer(answer, case, ["grid", "semitones"]), "the transposed grid")}


def q3_verify(case, payload):
    grid, k = case["grid"], case["semitones"]
    got = payload["grid"]
    expect_shape(got, grid.shape, "the transposed grid", {})
    expected = np.array([[p + k if p else 0 for p in chord] for chord in grid.tolist()], dtype=np.float64)
    suspects = {
        "the rests moved too: a rest (0) is not a pitch, keep it 0.": grid + k,
        "the grid moved the wrong way: semitones > 0 means higher pitches (larger MIDI numbers).":
            np.where(grid > 0, grid - k, 0),
    }
    expect_close(got, expected, "the transposed grid", suspects, atol=0)


# --- q4: a model that beats repeating the last chord on chorales it never saw --------------

NUM_STEPS = 32  # beats per training window
NUM_PITCHES = 128
MARGIN = 0.02  # accuracy above repeating the last chord that the model must reach
MODEL_CASE = {"num_steps": None, "num_inputs": 4}  # for rebuild_model: any length, four voices


def _windows(chorales, stride):
    starts = [(c, s) for c in chorales for s in range(0, len(c) - NUM_STEPS, stride)]
    X = np.stack([c[s : s + NUM_STEPS] for c, s in starts])  # (num_windows, NUM_STEPS, 4)
    Y = np.stack([c[s + 1 : s + NUM_STEPS + 1] for c, s in starts])  # (num_windows, NUM_STEPS, 4)
    return X, Y


@lru_cache(maxsize=1)
def grader_chorales() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The grader's held-out chorales (split "grader", quarter-note grid), each read whole from
    its first beat, padded with rests at the end: X, Y (num_chorales, T, 4) and the mask of
    the real targets (num_chorales, T)."""
    from helpers import data

    chorales = data.bach_chorales("grader", step=1.0)
    T = max(len(c) for c in chorales) - 1
    X = np.stack([np.pad(c[:-1], ((0, T + 1 - len(c)), (0, 0))) for c in chorales])
    Y = np.stack([np.pad(c[1:], ((0, T + 1 - len(c)), (0, 0))) for c in chorales])
    real = np.stack([np.arange(T) < len(c) - 1 for c in chorales])
    return X, Y, real


def repeat_accuracy() -> float:
    """The accuracy of repeating the last chord on the grader's held-out chorales."""
    X, Y, real = grader_chorales()
    return float(np.mean((X == Y)[real]))


def bigram_accuracy() -> float:
    """The accuracy, on the grader's held-out chorales, of the strongest simple baseline: a
    bigram per voice counted on the training chorales, predicting each voice's commonest
    next pitch after its last one (ties to the lowest pitch; a pitch never seen: repeat)."""
    from helpers import data

    counts = np.zeros((4, NUM_PITCHES, NUM_PITCHES))
    for chorale in data.bach_chorales("train", step=1.0):
        for v in range(4):
            np.add.at(counts[v], (chorale[:-1, v], chorale[1:, v]), 1)
    best = counts.argmax(axis=-1)  # (4, 128): each voice's commonest next pitch
    seen = counts.sum(axis=-1) > 0  # (4, 128)
    best = np.where(seen, best, np.arange(NUM_PITCHES))
    X, Y, real = grader_chorales()
    guess = best[np.arange(4), X]  # (n, T, 4)
    return float(np.mean((guess == Y)[real]))


def bar() -> float:
    """The accuracy a model must exceed: repeating the last chord, plus MARGIN."""
    return repeat_accuracy() + MARGIN


def q4_cases(hidden: bool) -> list[dict]:
    from helpers import data

    X, Y = _windows(data.bach_chorales("train", step=1.0), stride=NUM_STEPS // 2)
    return [{"X": X, "Y": Y}]  # one case: the answer trains once


def q4_run(answer, case):
    return model_payload(call_answer(answer, case, ["X", "Y"], copy=False))


def held_out_accuracy(model) -> float:
    """The share of the grader's held-out next pitches that the model's argmax gets right."""
    X, Y, real = grader_chorales()
    logits = np.asarray(model.predict(X, batch_size=64, verbose=0))  # (n, T, 4, 128)
    return float(np.mean((logits.argmax(axis=-1) == Y)[real]))


def q4_verify(case, payload):
    model, weights = rebuild_model(payload, MODEL_CASE)
    shape = tuple(model.outputs[0].shape)
    if len(shape) != 4 or shape[2:] != (4, NUM_PITCHES):
        hint = " Reshape the Dense layer's 4 * 128 outputs with keras.layers.Reshape((-1, 4, 128))." if (
            len(shape) == 3 and shape[-1] == 4 * NUM_PITCHES) else ""
        raise AssertionError(f"the model's output shape is {shape}, expected (None, None, 4, 128): "
                             f"for every beat, 128 scores for each of the four voices.{hint}")
    model.set_weights(weights)
    accuracy = held_out_accuracy(model)
    if accuracy <= bar():
        raise AssertionError(
            f"on the grader's held-out chorales your model's accuracy is {accuracy:.3f}; it must be above "
            f"{bar():.3f}, {MARGIN} above repeating the last chord ({repeat_accuracy():.3f}). Train longer, "
            "or give the model more units."
        )


QUESTIONS = [
    Question(id="09.q1", title="notes to a grid", points=2, function_name="encode_voice",
             cases=q1_cases, run=q1_run, verify=q1_verify),
    Question(id="09.q2", title="a grid to notes", points=2, function_name="decode_voice",
             cases=q2_cases, run=q2_run, verify=q2_verify),
    Question(id="09.q3", title="transposing a chorale", points=1, function_name="transpose",
             cases=q3_cases, run=q3_run, verify=q3_verify),
    Question(id="09.q4", title="a model that beats repeating the last chord", points=3,
             function_name="train_next_chord_model", cases=q4_cases, run=q4_run, verify=q4_verify),
]
