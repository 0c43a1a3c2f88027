"""In-notebook feedback for exercise 1 (sequences and the hidden state): known mistakes are named.

Runs check() in-process on the reference solution changed in one way, so it is fast.
"""

import keras
import numpy as np
import pytest

from helpers.grading import check, get
from tests.helpers_for_tests import solution_functions

SOLUTION = solution_functions("01_rnn_basics")


def _step(X_t, h, W_xh, W_hh, b_h, act=np.tanh):
    return act(X_t @ W_xh.T + h @ W_hh.T + b_h)  # (batch, num_hiddens)


def _masked(keep=lambda t, lengths: t < lengths, zero=False, act=np.tanh, start_zero=False, steps=None):
    """A masked forward pass with one change."""

    def masked_rnn_forward(X, lengths, h0, W_xh, W_hh, b_h):
        h = 0 * h0 if start_zero else h0
        states = []
        for t in range(steps or X.shape[1]):
            new = _step(X[:, t], h, W_xh, W_hh, b_h, act)
            h = np.where(keep(t, lengths)[:, None], new, 0.0 if zero else h)
            states.append(h)
        return np.stack(states, axis=1)

    return masked_rnn_forward


def _in_place(X, lengths, h0, W_xh, W_hh, b_h):
    H = SOLUTION["masked_rnn_forward"](X, lengths, h0, W_xh, W_hh, b_h)
    X[:, :, 0] = 0.0  # changes the caller's array
    return H


MASKED_MISTAKES = {
    "padded steps still update": _masked(keep=lambda t, lengths: np.full(len(lengths), True)),
    "the states are zero": _masked(zero=True),
    "one step too early": _masked(keep=lambda t, lengths: t < lengths - 1),
    "one step too late": _masked(keep=lambda t, lengths: t < lengths + 1),
    "starts from zeros": _masked(start_zero=True),
    "tanh is applied twice": _masked(act=lambda a: np.tanh(np.tanh(a))),
    "in place": _in_place,
    "list of 6 items of shape": lambda X, lengths, h0, W_xh, W_hh, b_h: list(
        SOLUTION["masked_rnn_forward"](X, lengths, h0, W_xh, W_hh, b_h).transpose(1, 0, 2)
    ),
    "time-major": lambda *a: SOLUTION["masked_rnn_forward"](*a).transpose(1, 0, 2),
}


@pytest.mark.parametrize("cause", MASKED_MISTAKES)
def test_masked_forward_mistakes_are_named(cause):
    mistake = MASKED_MISTAKES[cause]
    with pytest.raises(AssertionError, match=cause):
        check("01.q1", lambda X, lengths, h0, W_xh, W_hh, b_h: mistake(X, lengths, h0, W_xh, W_hh, b_h))


def test_a_hard_coded_number_of_steps_fails_a_visible_case_and_the_case_is_named():
    with pytest.raises(AssertionError, match=r"On the case with X of shape \(3, 6, 2\).*H has shape \(3, 4, 4\)"):
        check("01.q1", _masked(steps=4))


def test_a_hidden_case_names_its_shapes():
    question = get("01.q1")
    hidden = question.cases(True)[-1]
    with pytest.raises(AssertionError, match=r"On the case with X of shape \(4, 9, 4\).*lengths \[9, 5, 9, 2\]"):
        question.verify(hidden, question.run(_masked(zero=True), hidden))


def _bi(order="fb", reverse_back=True, backward_reads_forward=False, same_weights=False, join=np.concatenate):
    def bidirectional_forward(X, W_xh_f, W_hh_f, b_h_f, W_xh_b, W_hh_b, b_h_b):
        def run(X, W_xh, W_hh, b_h):
            h, states = np.zeros((X.shape[0], W_hh.shape[0])), []
            for t in range(X.shape[1]):
                h = _step(X[:, t], h, W_xh, W_hh, b_h)
                states.append(h)
            return np.stack(states, axis=1)

        forward = run(X, W_xh_f, W_hh_f, b_h_f)
        weights = (W_xh_f, W_hh_f, b_h_f) if same_weights else (W_xh_b, W_hh_b, b_h_b)
        backward = run(X if backward_reads_forward else X[:, ::-1], *weights)
        if reverse_back and not backward_reads_forward:
            backward = backward[:, ::-1]
        halves = {"f": forward, "b": backward}
        return join([halves[order[0]], halves[order[1]]], axis=-1)

    return bidirectional_forward


def _batch_reversed(X, W_xh_f, W_hh_f, b_h_f, W_xh_b, W_hh_b, b_h_b):
    """The backward layer run on X[::-1], which reverses the batch, not time."""
    n_f = W_hh_f.shape[0]
    forward = _bi()(X, W_xh_f, W_hh_f, b_h_f, W_xh_b, W_hh_b, b_h_b)[..., :n_f]
    # reading "forwards" on the batch-reversed X, with the backward weights
    backward = _bi(backward_reads_forward=True, order="bf")(X[::-1], W_xh_f, W_hh_f, b_h_f, W_xh_b, W_hh_b, b_h_b)[..., :n_f]
    return np.concatenate([forward, backward], axis=-1)


BI_MISTAKES = {
    "still in reading order": _bi(reverse_back=False),
    "halves are swapped": _bi(order="bf"),
    "reverses the batch": _batch_reversed,
    "reads the sequence forwards": _bi(backward_reads_forward=True),
    "uses the forward weights": _bi(same_weights=True),
    "the two added": _bi(join=lambda pair, axis: pair[0] + pair[1]),
    "joined on the time axis": _bi(join=lambda pair, axis: np.concatenate(pair, axis=1)),
}


@pytest.mark.parametrize("cause", BI_MISTAKES)
def test_bidirectional_mistakes_are_named(cause):
    with pytest.raises(AssertionError, match=cause):
        check("01.q2", BI_MISTAKES[cause])


def _count_with(double_layers=True, double_inputs=True, chain=True, recurrent=True, as_float=False):
    def rnn_stack_param_count(num_inputs, hidden_sizes, num_outputs, bidirectional):
        total, n_in = 0, num_inputs
        for units in hidden_sizes:
            d_layer = 2 if bidirectional and double_layers else 1
            total += d_layer * units * (n_in + (units if recurrent else 0) + 1)
            if chain:
                n_in = units * (2 if bidirectional and double_inputs else 1)
        n_last = hidden_sizes[-1] * (2 if bidirectional and double_inputs else 1)
        total += num_outputs * (n_last + 1)
        return float(total) if as_float else total

    return rnn_stack_param_count


COUNT_MISTAKES = {
    "as if it read the inputs": _count_with(chain=False),
    "count each layer twice": _count_with(double_layers=False),
    "twice as many inputs": _count_with(double_inputs=False),
    "recurrent weights": _count_with(recurrent=False),
    "integer": _count_with(as_float=True),
}


@pytest.mark.parametrize("cause", COUNT_MISTAKES)
def test_count_mistakes_are_named(cause):
    with pytest.raises(AssertionError, match=cause):
        check("01.q3", COUNT_MISTAKES[cause])


def _encoder_decoder(pass_state=True, decoder_sequences=True, dense=True, activation=None):
    def build_encoder_decoder(encoder_steps, decoder_steps, num_inputs, num_hiddens, num_outputs):
        a = keras.Input(shape=(encoder_steps, num_inputs))
        b = keras.Input(shape=(decoder_steps, num_inputs))
        _, state = keras.layers.SimpleRNN(num_hiddens, return_state=True)(a)
        decoder = keras.layers.SimpleRNN(num_hiddens, return_sequences=decoder_sequences)
        H = decoder(b, initial_state=[state]) if pass_state else decoder(b)
        out = keras.layers.Dense(num_outputs, activation=activation)(H) if dense else H
        return keras.Model([a, b], out)

    return build_encoder_decoder


class _Subclassed(keras.Model):
    def __init__(self, num_hiddens, num_outputs):
        super().__init__()
        self.encoder = keras.layers.SimpleRNN(num_hiddens, return_state=True)
        self.decoder = keras.layers.SimpleRNN(num_hiddens, return_sequences=True)
        self.dense = keras.layers.Dense(num_outputs)

    def call(self, inputs):
        a, b = inputs
        _, state = self.encoder(a)
        return self.dense(self.decoder(b, initial_state=[state]))


def _subclassed(encoder_steps, decoder_steps, num_inputs, num_hiddens, num_outputs):
    model = _Subclassed(num_hiddens, num_outputs)
    model([np.zeros((1, encoder_steps, num_inputs)), np.zeros((1, decoder_steps, num_inputs))])
    return model


ENCODER_DECODER_MISTAKES = {
    "does not depend on the encoder": _encoder_decoder(pass_state=False),
    "return_sequences=True": _encoder_decoder(decoder_sequences=False),
    "add keras.layers.Dense": _encoder_decoder(dense=False),
    "no activation": _encoder_decoder(activation="relu"),
    "keras.Sequential": _subclassed,
    "expected a keras.Model": lambda **sizes: "a model",
}


@pytest.mark.parametrize("cause", ENCODER_DECODER_MISTAKES)
def test_encoder_decoder_mistakes_are_named(cause):
    with pytest.raises(AssertionError, match=cause):
        check("01.q4", ENCODER_DECODER_MISTAKES[cause])


def test_a_valid_but_unusual_encoder_decoder_passes(capsys):
    """Layers created in another order (decoder first) are still recognised."""

    def build(encoder_steps, decoder_steps, num_inputs, num_hiddens, num_outputs):
        decoder = keras.layers.SimpleRNN(num_hiddens, return_sequences=True)
        encoder = keras.layers.SimpleRNN(num_hiddens, return_state=True)
        a = keras.Input(shape=(None, num_inputs))
        b = keras.Input(shape=(None, num_inputs))
        _, state = encoder(a)
        return keras.Model([a, b], keras.layers.Dense(num_outputs)(decoder(b, initial_state=state)))

    check("01.q4", build)
    assert "passed" in capsys.readouterr().out
