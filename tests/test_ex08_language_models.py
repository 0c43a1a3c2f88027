"""In-notebook feedback for exercise 8 (language models and text generation): known mistakes are named.

Runs check() in-process on the reference solution changed in one way, so it is fast.
"""

import numpy as np
import pytest

from helpers.grading import check


def _bigram(train_ids, test_ids, V, shift=1, smoothing=1.0, total_plus_V=True, axis=1):
    counts = np.full((V, V), smoothing)
    a, b = (train_ids[:-1], train_ids[1:]) if shift else (train_ids, train_ids)
    np.add.at(counts, (a, b), 1)
    totals = counts.sum(axis=axis, keepdims=True) - (0 if total_plus_V else smoothing * V)
    P = counts / totals
    with np.errstate(divide="ignore"):
        nats = -np.mean(np.log(P[test_ids[:-1], test_ids[1:]] if shift else P[test_ids, test_ids]))
    return nats


BIGRAM_MISTAKES = {
    "not shifted by one": lambda train_ids, test_ids, vocab_size: np.exp(_bigram(train_ids, test_ids, vocab_size, shift=0)),
    "no add-one smoothing": lambda train_ids, test_ids, vocab_size: np.exp(_bigram(train_ids, test_ids, vocab_size, smoothing=0)),
    "V to every total": lambda train_ids, test_ids, vocab_size: np.exp(_bigram(train_ids, test_ids, vocab_size, total_plus_V=False)),
    "normalised over the NEXT": lambda train_ids, test_ids, vocab_size: np.exp(_bigram(train_ids, test_ids, vocab_size, axis=0)),
    "its exponential": lambda train_ids, test_ids, vocab_size: _bigram(train_ids, test_ids, vocab_size),
    "2 to the power": lambda train_ids, test_ids, vocab_size: 2 ** _bigram(train_ids, test_ids, vocab_size),
}


@pytest.mark.parametrize("cause", BIGRAM_MISTAKES)
def test_bigram_mistakes_are_named(cause):
    with pytest.raises(AssertionError, match=cause):
        check("08.q1", BIGRAM_MISTAKES[cause])


def _nll(logits, targets, axis=-1):
    log_p = logits - np.log(np.exp(logits).sum(axis=axis, keepdims=True))
    return -np.take_along_axis(log_p, targets[..., None], axis=-1)[..., 0]


def _real_mean(logits, targets):
    return _nll(logits, targets)[targets != 0].mean()


SCORE_MISTAKES = {
    "padding": lambda logits, targets: (lambda n: (n, n / np.log(2), np.exp(n)))(_nll(logits, targets).mean()),
    "log base 2": lambda logits, targets: (lambda n: (n, n, np.exp(n)))(_real_mean(logits, targets)),
    "not multiplied": lambda logits, targets: (lambda n: (n, n * np.log(2), np.exp(n)))(_real_mean(logits, targets)),
    "2 \\*\\* bits": lambda logits, targets: (lambda n: (n, n / np.log(2), 2**n))(_real_mean(logits, targets)),
    "wrong axis": lambda logits, targets: (lambda n: (n, n / np.log(2), np.exp(n)))(
        _nll(logits, targets, axis=1)[targets != 0].mean()),
}


@pytest.mark.parametrize("cause", SCORE_MISTAKES)
def test_score_mistakes_are_named(cause):
    with pytest.raises(AssertionError, match=cause):
        check("08.q2", SCORE_MISTAKES[cause])


def _draw(p, rng):
    u = rng.random((len(p), 1))
    return np.minimum((p.cumsum(axis=1) < u).sum(axis=1), p.shape[1] - 1)


def _softmax(z):
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


SAMPLING_MISTAKES = {
    "most likely id": lambda logits, temperature, rng: np.argmax(logits, axis=1),
    "multiplied by the temperature": lambda logits, temperature, rng: _draw(_softmax(logits * temperature), rng),
    "applied to the probabilities": lambda logits, temperature, rng: _draw(_softmax(_softmax(logits) / temperature), rng),
    "no effect": lambda logits, temperature, rng: _draw(_softmax(logits), rng),
    "generator `rng` you are given": lambda logits, temperature, rng: _draw(
        _softmax(logits / temperature), np.random.default_rng()),
}


@pytest.mark.parametrize("cause", SAMPLING_MISTAKES)
def test_sampling_mistakes_are_named(cause):
    with pytest.raises(AssertionError, match=cause):
        check("08.q3", SAMPLING_MISTAKES[cause])


def _greedy(step, prompt, num_new, initial_state, reset=False, twice=False, with_prompt=False):
    state = initial_state
    for token in prompt:
        logits, state = step(token, initial_state if reset else state)
    if twice:
        logits, state = step(prompt[-1], state)
    new = []
    for _ in range(num_new):
        new.append(int(np.argmax(logits)))
        logits, state = step(new[-1], initial_state if reset else state)
    return np.array(list(prompt) + new if with_prompt else new)


GENERATION_MISTAKES = {
    "reset between steps": lambda step, prompt, num_new, initial_state: _greedy(step, prompt, num_new, initial_state, reset=True),
    "fed twice": lambda step, prompt, num_new, initial_state: _greedy(step, prompt, num_new, initial_state, twice=True),
    "new ids only": lambda step, prompt, num_new, initial_state: _greedy(step, prompt, num_new, initial_state, with_prompt=True),
}


@pytest.mark.parametrize("cause", GENERATION_MISTAKES)
def test_generation_mistakes_are_named(cause):
    with pytest.raises(AssertionError, match=cause):
        check("08.q4", GENERATION_MISTAKES[cause])
