"""In-notebook feedback for exercise 6 (architectures: deep, bidirectional, masked, stateful): known mistakes are named.

Runs check() in-process on the reference solution changed in one way, so it is fast.
"""

import keras
import numpy as np
import pytest

from helpers.grading import check
from helpers.grading import ex06_architectures as ex06
from tests.helpers_for_tests import solution_functions

SOLUTION6 = solution_functions("06_architectures")

MEAN_MISTAKES = {
    "mask is ignored": lambda H, mask: H.mean(axis=1),
    "divided by num_steps": lambda H, mask: (H * mask[:, :, None]).sum(axis=1) / H.shape[1],
    "padded steps are summed in": lambda H, mask: H.sum(axis=1) / mask.sum(axis=1, keepdims=True),
    "over the padded steps": lambda H, mask: SOLUTION6["masked_mean"](H, ~mask),
    "Average over time": lambda H, mask: H.mean(axis=2),
}


@pytest.mark.parametrize("cause", MEAN_MISTAKES)
def test_masked_mean_mistakes_are_named(cause):
    with pytest.raises(AssertionError, match=cause):
        check("06.q1", MEAN_MISTAKES[cause])


def _run(x, W_xh, W_hh, b_h):
    h, states = np.zeros(W_hh.shape[0]), []
    for x_t in x:
        h = np.tanh(W_xh @ x_t + W_hh @ h + b_h)
        states.append(h)
    return np.array(states)


def _bidirectional(backward_of, swap=False, padded=None):
    """A bidirectional pass whose backward half, at the real steps, is backward_of(x_row, n, weights)."""

    def bidirectional_padded(X, lengths, forward, backward):
        n_h = forward[1].shape[0]
        H = np.zeros(X.shape[:2] + (2 * n_h,))
        for i, n in enumerate(lengths):
            halves = [_run(X[i, :n], *forward), backward_of(X[i], n, backward)]
            H[i, :n] = np.concatenate(halves[::-1] if swap else halves, axis=-1)
            if padded is not None:
                H[i, n:] = padded
        return H

    return bidirectional_padded


def _right(x, n, w):
    return _run(x[:n][::-1], *w)[::-1]


BIDIRECTIONAL_MISTAKES = {
    "not reversed back": _bidirectional(lambda x, n, w: _run(x[:n][::-1], *w)),
    "reads the padding first": _bidirectional(lambda x, n, w: _run(x[::-1], *w)[::-1][:n]),
    "halves are swapped": _bidirectional(_right, swap=True),
    "padded steps should be zeros": _bidirectional(_right, padded=0.5),
    "2 \\* num_hiddens features": lambda X, lengths, forward, backward: np.zeros(X.shape[:2] + (forward[1].shape[0],)),
}


@pytest.mark.parametrize("cause", BIDIRECTIONAL_MISTAKES)
def test_bidirectional_mistakes_are_named(cause):
    with pytest.raises(AssertionError, match=cause):
        check("06.q2", BIDIRECTIONAL_MISTAKES[cause])


def _tagger(first="gru", second="lstm", masking=True, bidirectional=True, merge_mode="concat",
            last_sequences=True, activation="softmax"):
    layers = {"gru": keras.layers.GRU, "lstm": keras.layers.LSTM}

    def build_tagger(num_steps, num_inputs, num_hiddens, num_outputs):
        rnn1 = layers[first](num_hiddens, return_sequences=True)
        return keras.Sequential([
            keras.Input((num_steps, num_inputs)),
            *([keras.layers.Masking()] if masking else []),
            keras.layers.Bidirectional(rnn1, merge_mode=merge_mode) if bidirectional else rnn1,
            layers[second](num_hiddens, return_sequences=last_sequences),
            keras.layers.Dense(num_outputs, activation=activation),
        ])

    return build_tagger


TAGGER_MISTAKES = {
    "count of an LSTM; the specification's is a GRU's": _tagger(first="lstm"),
    "count of a GRU; the specification's is an LSTM's": _tagger(second="gru"),
    "keras.layers.Masking": _tagger(masking=False),
    "reads in both directions": _tagger(bidirectional=False),
    "merge_mode='concat'": _tagger(merge_mode="sum"),
    "must return sequences": _tagger(last_sequences=False),
    "softmax": _tagger(activation=None),
}


@pytest.mark.parametrize("cause", TAGGER_MISTAKES)
def test_tagger_mistakes_are_named(cause):
    with pytest.raises(AssertionError, match=cause):
        check("06.q3", TAGGER_MISTAKES[cause])


def _chunk_states(starts):
    def lstm_chunk_states(layer, chunks):
        h = c = None
        ends = []
        for chunk in chunks:
            if starts == "zeros" or h is None:
                initial = None
            elif starts == "h only":
                initial = [h, np.zeros_like(c)]
            else:  # "swapped"
                initial = [c, h]
            _, h, c = layer(chunk, initial_state=initial)
            ends.append([np.asarray(h), np.asarray(c)])
        return np.array(ends)

    return lstm_chunk_states


CHUNK_MISTAKES = {
    "reset between chunks": _chunk_states("zeros"),
    "cell state c is not carried": _chunk_states("h only"),
    "swapped in initial_state": _chunk_states("swapped"),
    "swapped in the result": lambda layer, chunks: SOLUTION6["lstm_chunk_states"](layer, chunks)[:, ::-1],
    "both states": lambda layer, chunks: SOLUTION6["lstm_chunk_states"](layer, chunks)[:, 0],
}


@pytest.mark.parametrize("cause", CHUNK_MISTAKES)
def test_chunk_state_mistakes_are_named(cause):
    with pytest.raises(AssertionError, match=cause):
        check("06.q4", CHUNK_MISTAKES[cause])


def test_the_numpy_lstm_that_names_mistakes_agrees_with_keras():
    """The suspects of question 4 come from a NumPy LSTM; carried, it must equal the Keras expectation."""
    for case in ex06.q4_cases(hidden=True):
        payload = {"states": ex06._lstm_states(case, "carried")}
        ex06.q4_verify(case, payload)  # raises if the NumPy LSTM disagrees with Keras


def test_the_specification_table_is_the_reference_model():
    """The numbers in the exercise's table are those of the reference model for its sizes."""
    model = ex06._spec(12, 3, 8, 5)
    counts = [layer.count_params() for layer in model.layers]
    shapes = [tuple(layer.output.shape) for layer in model.layers]
    assert counts == [0, 624, 800, 45]
    assert shapes == [(None, 12, 3), (None, 12, 16), (None, 12, 8), (None, 12, 5)]
