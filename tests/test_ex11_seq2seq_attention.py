"""In-notebook feedback for exercise 11 (sequence to sequence, attention): known mistakes are named.

Runs check() in-process on the reference solution changed in one way, so it is fast."""

import numpy as np
import pytest

from helpers.grading import check
from helpers.grading.ex11_seq2seq_attention import reference_beam_search, reference_greedy
from tests.helpers_for_tests import solution_functions

SOLUTION11 = solution_functions("11_seq2seq_attention")
PER = SOLUTION11["phoneme_error_rate"]


def _lcs_rate(references, predictions):
    def distance(a, b):
        previous = [0] * (len(b) + 1)
        for x in a:
            current = [0]
            for j, y in enumerate(b):
                current.append(previous[j] + 1 if x == y else max(previous[j + 1], current[j]))
            previous = current
        return len(a) + len(b) - 2 * previous[-1]

    return sum(distance(r, p) for r, p in zip(references, predictions)) / sum(len(r) for r in references)


PER_MISTAKES = {
    "per-word rates": lambda references, predictions: float(np.mean([PER([r], [p]) for r, p in zip(references, predictions)])),
    "predicted ones": lambda references, predictions: PER(references, predictions) * sum(map(len, references)) / sum(map(len, predictions)),
    "substitution is one edit": _lcs_rate,
    "word error rate": lambda references, predictions: float(np.mean([r != p for r, p in zip(references, predictions)])),
    "one number": lambda references, predictions: np.array([PER([r], [p]) for r, p in zip(references, predictions)]),
}


@pytest.mark.parametrize("cause", PER_MISTAKES)
def test_phoneme_error_rate_mistakes_are_named(cause):
    with pytest.raises(AssertionError, match=cause):
        check("11.q1", PER_MISTAKES[cause])


def _greedy_with_bos(step, state, bos, eos, max_steps):
    tokens, score = reference_greedy(step, state, bos, eos, max_steps)
    return [bos] + tokens, score


GREEDY_MISTAKES = {
    "stop once the decoder has written eos": lambda step, state, bos, eos, max_steps: reference_greedy(step, state, bos, eos, max_steps, stop_at_eos=False),
    "start with bos": _greedy_with_bos,
    "probability": lambda step, state, bos, eos, max_steps: (
        lambda t, s: (t, np.exp(s)))(*reference_greedy(step, state, bos, eos, max_steps)),
    "pair": lambda step, state, bos, eos, max_steps: reference_greedy(step, state, bos, eos, max_steps)[0],
}


@pytest.mark.parametrize("cause", GREEDY_MISTAKES)
def test_greedy_mistakes_are_named(cause):
    with pytest.raises(AssertionError, match=cause):
        check("11.q2", GREEDY_MISTAKES[cause])


BEAM_MISTAKES = {
    "finished": lambda step, state, bos, eos, beam_width, max_steps: reference_beam_search(
        step, state, bos, eos, beam_width, max_steps, keep_ended=False),
    "SUM of the log-probabilities": lambda step, state, bos, eos, beam_width, max_steps: reference_beam_search(
        step, state, bos, eos, beam_width, max_steps, cumulative=False),
    "greedy decoding": lambda step, state, bos, eos, beam_width, max_steps: [
        reference_greedy(step, state, bos, eos, max_steps)] * beam_width,
    "whole final beam": lambda step, state, bos, eos, beam_width, max_steps: reference_beam_search(
        step, state, bos, eos, beam_width, max_steps)[:1],
    "hypotheses of the beam": lambda step, state, bos, eos, beam_width, max_steps: reference_beam_search(
        step, state, bos, eos, beam_width, max_steps)[::-1],  # worst first
}


@pytest.mark.parametrize("cause", BEAM_MISTAKES)
def test_beam_search_mistakes_are_named(cause):
    with pytest.raises(AssertionError, match=cause):
        check("11.q3", BEAM_MISTAKES[cause])


def _scores(s, H, W_q, W_k, v):
    return np.tanh(W_q @ s + H @ W_k.T) @ v  # (num_letters,)


def _softmax(z):
    return np.exp(z - z.max()) / np.exp(z - z.max()).sum()


ATTENTION_MISTAKES = {
    "padding rows got weight": lambda s, H, W_q, W_k, v, length: _softmax(_scores(s, H, W_q, W_k, v)),
    "these are the scores": lambda s, H, W_q, W_k, v, length: np.where(np.arange(len(H)) < length, _scores(s, H, W_q, W_k, v), 0.0),
    "padding included": lambda s, H, W_q, W_k, v, length: _softmax(_scores(s, H, W_q, W_k, v)[:length]),
    "tanh is missing": lambda s, H, W_q, W_k, v, length: np.concatenate(
        [_softmax(((W_q @ s + H @ W_k.T) @ v)[:length]), np.zeros(len(H) - length)]),
    "got score 0": lambda s, H, W_q, W_k, v, length: _softmax(
        np.where(np.arange(len(H)) < length, _scores(s, H, W_q, W_k, v), 0.0)),
}


@pytest.mark.parametrize("cause", ATTENTION_MISTAKES)
def test_attention_mistakes_are_named(cause):
    with pytest.raises(AssertionError, match=cause):
        check("11.q4", ATTENTION_MISTAKES[cause])


def test_the_visible_decoders_tell_greedy_from_beam_and_end_before_max_steps():
    """The visible cases must be able to catch the named mistakes at all."""
    from helpers.grading import ex11_seq2seq_attention as ex11

    (q2,) = ex11.q2_cases(False)
    full = ex11._with_step(q2)
    tokens, _ = reference_greedy(**{k: full[k] for k in ex11.DECODER_ARGS})
    assert tokens[-1] == ex11.EOS and len(tokens) < q2["max_steps"]
    (q3,) = ex11.q3_cases(False)
    full = ex11._with_step(q3)
    beam = reference_beam_search(**{k: full[k] for k in ex11.DECODER_ARGS + ["beam_width"]})
    greedy, _ = reference_greedy(**{k: full[k] for k in ex11.DECODER_ARGS})
    assert beam[0][0] != greedy and any(t[-1] == ex11.EOS for t, _ in beam)
