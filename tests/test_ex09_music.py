"""In-notebook feedback for exercise 9 (generating music): known mistakes are named.

Runs check() in-process on the reference solution changed in one way, so it is fast; the
model question is tested with models that need no training.
"""

import keras
import numpy as np
import pytest

from helpers.grading import check
from helpers.grading import ex09_music as ex09

ENCODE_MISTAKES = {
    "duration / step": lambda pitches, durations, step: np.repeat(pitches, np.asarray(durations).astype(int)),
    "takes time too": lambda pitches, durations, step: np.repeat(
        pitches[pitches > 0], np.round(np.asarray(durations)[pitches > 0] / step).astype(int)),
}


@pytest.mark.parametrize("cause", ENCODE_MISTAKES)
def test_encoding_mistakes_are_named(cause):
    with pytest.raises(AssertionError, match=cause):
        check("09.q1", ENCODE_MISTAKES[cause])


def _decode(column, step, in_steps=False, drop_last=False, drop_rests=False):
    starts = np.flatnonzero(np.diff(column, prepend=column[0] - 1))
    lengths = np.diff(np.append(starts, len(column)))
    pitches, durations = column[starts], lengths * (1 if in_steps else step)
    if drop_last:
        pitches, durations = pitches[:-1], durations[:-1]
    if drop_rests:
        pitches, durations = pitches[pitches > 0], durations[pitches > 0]
    return pitches, durations


DECODE_MISTAKES = {
    "multiply by step": lambda column, step: _decode(column, step, in_steps=True),
    "last run": lambda column, step: _decode(column, step, drop_last=True),
    "Keep the rests": lambda column, step: _decode(column, step, drop_rests=True),
}


@pytest.mark.parametrize("cause", DECODE_MISTAKES)
def test_decoding_mistakes_are_named(cause):
    with pytest.raises(AssertionError, match=cause):
        check("09.q2", DECODE_MISTAKES[cause])


TRANSPOSE_MISTAKES = {
    "rests moved": lambda grid, semitones: grid + semitones,
    "wrong way": lambda grid, semitones: np.where(grid > 0, grid - semitones, 0),
}


@pytest.mark.parametrize("cause", TRANSPOSE_MISTAKES)
def test_transposition_mistakes_are_named(cause):
    with pytest.raises(AssertionError, match=cause):
        check("09.q3", TRANSPOSE_MISTAKES[cause])


def _repeat_last_model(X, Y):
    """No training: each pitch's logits are its one-hot vector, so the argmax repeats the chord."""
    chords = keras.Input(shape=(None, 4), dtype="int32")
    logits = keras.layers.Embedding(128, 128, embeddings_initializer="identity")(chords)  # (batch, T, 4, 128)
    return keras.Model(chords, logits)


def _fixed_length_model(X, Y):
    chords = keras.Input(shape=(32, 4), dtype="int32")
    flat = keras.layers.Reshape((32, 4))(keras.layers.Embedding(128, 1)(chords))
    return keras.Model(chords, keras.layers.Reshape((32, 4, 128))(keras.layers.Dense(4 * 128)(flat)))


def _flat_output_model(X, Y):
    chords = keras.Input(shape=(None, 4), dtype="int32")
    return keras.Model(chords, keras.layers.Dense(4 * 128)(keras.layers.Embedding(128, 1)(chords[..., 0])))


MODEL_MISTAKES = {
    "must be above": _repeat_last_model,
    "keras.Input\\(shape=\\(None, 4\\)\\)": _fixed_length_model,
    "Reshape": _flat_output_model,
}


@pytest.mark.parametrize("cause", MODEL_MISTAKES)
def test_model_mistakes_are_named(cause):
    with pytest.raises(AssertionError, match=cause):
        check("09.q4", MODEL_MISTAKES[cause])


def test_repeating_the_last_chord_scores_the_repeat_accuracy_below_the_bar():
    assert ex09.held_out_accuracy(_repeat_last_model(None, None)) == pytest.approx(ex09.repeat_accuracy())
    assert ex09.repeat_accuracy() < ex09.bar()


def test_the_bigram_per_voice_stays_below_the_bar():
    """Passing means learning: the strongest simple baseline does not pass."""
    assert ex09.repeat_accuracy() < ex09.bigram_accuracy() < ex09.bar()
