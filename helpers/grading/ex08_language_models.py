"""Exercise 8, language models and text generation: the questions and their tests.

Expected values come from independent computations: the bigram from Python's Counter over
the pairs, the masked cross-entropy from Keras's loss, the sampled distribution from
TensorFlow's softmax, and the greedy continuation from a Keras model re-run on each whole
prefix. The NumPy lines compute only the values of known mistakes, so that a message can
name the mistake.
"""

from __future__ import annotations

from collections import Counter

import numpy as np

from helpers.grading.feedback import expect_close, to_array
from helpers.grading.question import Question, call_answer, expect_shape

# --- q1: the bigram's held-out perplexity ------------------------------------------------

BIGRAM_ARGS = ["train_ids", "test_ids", "vocab_size"]


def q1_cases(hidden: bool) -> list[dict]:
    specs = [(5, 300, 60, 11)]  # vocab_size, train length, test length, seed
    if hidden:
        specs += [(3, 40, 10, 12), (12, 500, 200, 13)]
    cases = []
    for V, n_train, n_test, seed in specs:
        rng = np.random.default_rng(seed)
        p = rng.dirichlet(np.ones(V) * 0.5, size=V)  # (V, V): a random "language"
        ids = [int(rng.integers(V))]
        for _ in range(n_train + n_test - 1):
            ids.append(int(rng.choice(V, p=p[ids[-1]])))
        ids = np.array(ids)
        train_ids, test_ids = ids[:n_train], ids[n_train:]
        seen = set(zip(train_ids[:-1].tolist(), train_ids[1:].tolist()))
        unseen = [(a, b) for a in range(V) for b in range(V) if (a, b) not in seen]
        if unseen:  # a held-out pair never seen in training: smoothing must matter
            test_ids[:2] = unseen[0]
        cases.append({"train_ids": train_ids, "test_ids": test_ids, "vocab_size": V})
    return cases


def q1_run(answer, case):
    return {"perplexity": to_array(call_answer(answer, case, BIGRAM_ARGS), "the perplexity")}


def _counted_bigram(train_ids, V, smoothing=1.0, by_column=False, denominator=True):
    pairs = Counter(zip(train_ids[:-1].tolist(), train_ids[1:].tolist()))
    firsts = Counter(train_ids[:-1].tolist())
    table = np.zeros((V, V))
    for a in range(V):
        for b in range(V):
            count = pairs[(a, b)]
            total = sum(pairs[(c, b)] for c in range(V)) if by_column else firsts[a]
            table[a, b] = (count + smoothing) / (total + (smoothing * V if denominator else 0))
    return table


def _perplexity(table, test_ids):
    with np.errstate(divide="ignore"):
        nll = -np.log(table[test_ids[:-1], test_ids[1:]])
    return float(np.exp(nll.mean()))


def q1_verify(case, payload):
    got = payload["perplexity"]
    expect_shape(got, (), "the perplexity", {})
    train_ids, test_ids, V = (case[k] for k in BIGRAM_ARGS)
    table = _counted_bigram(train_ids, V)
    expected = _perplexity(table, test_ids)
    nats = float(np.log(expected))
    unshifted = np.ones((V, V))  # the pairs (c, c): each id "predicted" from itself
    np.add.at(unshifted, (train_ids, train_ids), 1)
    unshifted /= unshifted.sum(axis=1, keepdims=True)
    suspects = {
        "the targets are not shifted by one: each id must be predicted from the one BEFORE it "
        "(the pairs train_ids[:-1], train_ids[1:]), not from itself.": float(np.exp(
            -np.mean(np.log(unshifted[test_ids, test_ids])))),
        "no add-one smoothing: a pair never seen in training gets probability 0.": _perplexity(
            _counted_bigram(train_ids, V, smoothing=0.0), test_ids),
        "add one to every count, and V to every total, so that each row still sums to 1.": _perplexity(
            _counted_bigram(train_ids, V, denominator=False), test_ids),
        "each row of the table must be normalised over the NEXT character: P(b | a) = "
        "(N(a b) + 1) / (N(a) + V).": _perplexity(_counted_bigram(train_ids, V, by_column=True), test_ids),
        "that is the cross-entropy in nats; the perplexity is its exponential.": nats,
        "that is 2 to the power of the cross-entropy in nats; use exp (or 2 to the bits).": 2.0**nats,
    }
    expect_close(got, np.float64(expected), "the perplexity", suspects, atol=1e-6)


# --- q2: cross-entropy, bits and perplexity with padding ---------------------------------

PAD = 0


def q2_cases(hidden: bool) -> list[dict]:
    specs = [(3, 6, 5, 21)]  # batch, num_steps, vocab_size, seed
    if hidden:
        specs += [(1, 1, 2, 22), (5, 9, 11, 23)]
    cases = []
    for batch, T, V, seed in specs:
        rng = np.random.default_rng(seed)
        lengths = rng.integers(1, T + 1, size=batch)
        lengths[0] = T  # at least one full row; the others padded
        targets = np.zeros((batch, T), dtype=np.int64)
        for i, n in enumerate(lengths):
            targets[i, :n] = rng.integers(1, V, size=n)  # real ids are 1 .. V - 1
        cases.append({"logits": rng.normal(scale=2.0, size=(batch, T, V)), "targets": targets})
    return cases


def q2_run(answer, case):
    return {"scores": to_array(call_answer(answer, case, ["logits", "targets"]), "(nats, bits, perplexity)")}


def q2_verify(case, payload):
    import keras

    logits, targets = case["logits"], case["targets"]
    got = payload["scores"]
    expect_shape(got, (3,), "(nats, bits, perplexity)", {})
    loss = keras.losses.SparseCategoricalCrossentropy(from_logits=True, reduction=None)
    per_position = np.asarray(loss(targets, logits.astype("float32")), dtype=np.float64)  # (batch, T)
    real = targets != PAD
    nats = per_position[real].mean()
    expected = np.array([nats, nats / np.log(2), np.exp(nats)])

    def triple(n):
        return np.array([n, n / np.log(2), np.exp(n)])

    all_nats = per_position.mean()
    log_p_time = logits - np.log(np.exp(logits).sum(axis=1, keepdims=True))  # softmax over time: wrong
    wrong_axis = -np.take_along_axis(log_p_time, targets[..., None], axis=-1)[..., 0][real].mean()
    suspects = {
        "the padding (target 0) is counted: average over the real targets only.": triple(all_nats),
        "bits are nats divided by ln 2 (log base 2 of the probability).": np.array([nats, nats, np.exp(nats)]),
        "bits are nats divided by ln 2, not multiplied by it.": np.array([nats, nats * np.log(2), np.exp(nats)]),
        "the perplexity is exp(nats), the same as 2 ** bits.": np.array([nats, nats / np.log(2), 2**nats]),
        "the softmax is over the wrong axis: it must be over the vocabulary (the last axis).": triple(wrong_axis),
    }
    expect_close(got, expected, "(nats, bits, perplexity)", suspects, atol=1e-4)


# --- q3: sampling with a temperature ------------------------------------------------------

NUM_DRAWS = 20_000
TV_TOLERANCE = 0.02  # total variation distance allowed between the draws and the target


def q3_cases(hidden: bool) -> list[dict]:
    z = np.array([2.0, 1.0, 0.0, -1.0, -3.0])
    specs = [(z, None, 0.5, 31), (z, None, 2.0, 32)]  # logits, a second row (or None), temperature, seed
    if hidden:
        specs += [(z[::-1], np.array([0.0, 3.0, 0.0, 1.0, -2.0]), 0.7, 33), (np.array([1.5, -1.5]), None, 1.0, 34)]
    cases = []
    for first, second, tau, seed in specs:
        rows = [first] if second is None else [first, second]
        logits = np.tile(np.stack(rows), (NUM_DRAWS // len(rows), 1))  # (NUM_DRAWS, V): the rows alternate
        cases.append({"logits": logits, "temperature": tau, "seed": seed})
    return cases


def q3_run(answer, case):
    out = {}
    for k in range(2):  # twice with the same seed: draws from the generator given are reproducible
        args = {"logits": case["logits"], "temperature": case["temperature"], "rng": np.random.default_rng(case["seed"])}
        out[f"draws{k}"] = to_array(call_answer(answer, args, ["logits", "temperature", "rng"]), "the draws")
    return out


def _softmax_rows(z):
    import tensorflow as tf

    return np.asarray(tf.nn.softmax(tf.constant(z, dtype=tf.float64), axis=-1))


def q3_verify(case, payload):
    logits, tau = case["logits"], case["temperature"]
    n, V = logits.shape
    draws = payload["draws0"]
    expect_shape(draws, (n,), "the draws", {(n, 1): "Return one id per row, shape (batch,): flatten the result."})
    if not np.all((draws == np.round(draws)) & (draws >= 0) & (draws < V)):
        raise AssertionError(f"the draws must be ids 0 .. {V - 1}, one per row of logits.")
    if not np.array_equal(draws, payload["draws1"]):
        raise AssertionError("two calls with generators of the same seed gave different draws: draw with the "
                             "generator `rng` you are given (rng.random, rng.choice), not np.random.")
    draws = draws.astype(int)
    num_rows = len({tuple(r) for r in logits[:4]})  # the distinct rows, which alternate
    for r in range(num_rows):
        z = logits[r]
        freq = np.bincount(draws[r::num_rows], minlength=V) / len(draws[r::num_rows])  # (V,)

        def tv(p):
            return 0.5 * float(np.abs(freq - p).sum())

        target = _softmax_rows(z / tau)
        if tv(target) < TV_TOLERANCE:
            continue
        p = _softmax_rows(z)
        suspects = [
            (np.eye(V)[np.argmax(z)], "every draw is the most likely id: draw at random from the distribution."),
            (_softmax_rows(z * tau), "the logits are multiplied by the temperature; divide them by it."),
            (_softmax_rows(p / tau), "the temperature is applied to the probabilities; apply it to the logits, "
                                     "softmax(logits / temperature)."),
            (p, "the temperature has no effect: divide the logits by it before the softmax (dividing the "
                "probabilities and normalising again changes nothing)."),
        ]
        for wrong, hint in suspects:
            if tv(wrong) < TV_TOLERANCE:
                raise AssertionError(f"the draws are wrong: {hint}")
        raise AssertionError(
            f"the draws for logits {np.round(z, 2).tolist()} at temperature {tau} have frequencies "
            f"{np.round(freq, 3).tolist()}, expected about {np.round(target, 3).tolist()}."
        )


# --- q4: greedy generation that carries the state ----------------------------------------

STEP_ARGS = ["step", "prompt", "num_new", "initial_state"]


def random_gru_weights(V, E, H, seed):
    """Random weights of an Embedding (V, E), a Keras GRU cell (E -> H) and a Dense layer (H -> V)."""
    rng = np.random.default_rng(seed)
    return {
        "embeddings": rng.normal(size=(V, E)),
        "kernel": rng.normal(scale=0.8, size=(E, 3 * H)),
        "recurrent_kernel": rng.normal(scale=0.8, size=(H, 3 * H)),
        "bias": rng.normal(scale=0.3, size=(2, 3 * H)),
        "dense_kernel": rng.normal(scale=2.0, size=(H, V)),
        "dense_bias": rng.normal(scale=0.5, size=(V,)),
    }


def make_step(w):
    """step(token, state) -> (logits (V,), new state (H,)): Embedding, one GRU step, Dense, in NumPy."""

    def sigmoid(x):
        return 1 / (1 + np.exp(-x))

    def step(token, state):
        x = w["embeddings"][int(token)]  # (E,)
        state = np.asarray(state, dtype=np.float64)
        x_z, x_r, x_h = np.split(x @ w["kernel"] + w["bias"][0], 3)  # (H,) each
        h_z, h_r, h_h = np.split(state @ w["recurrent_kernel"] + w["bias"][1], 3)  # (H,) each
        z, r = sigmoid(x_z + h_z), sigmoid(x_r + h_r)
        new_state = z * state + (1 - z) * np.tanh(x_h + r * h_h)  # (H,)
        return new_state @ w["dense_kernel"] + w["dense_bias"], new_state

    return step


def q4_cases(hidden: bool) -> list[dict]:
    # V, E, H, prompt length, num_new, random initial state, seed: seeds whose greedy path
    # is varied, differs from both mistakes, and has no near-tie between two logits
    specs = [(7, 4, 6, 4, 8, False, 71)]
    if hidden:
        specs += [(5, 3, 4, 1, 3, True, 101), (9, 5, 8, 6, 12, True, 49)]
    cases = []
    for V, E, H, P, num_new, random_start, seed in specs:
        w = random_gru_weights(V, E, H, seed)
        rng = np.random.default_rng(seed + 100)
        start = rng.normal(scale=0.5, size=H) if random_start else np.zeros(H)
        cases.append({"step": make_step(w), "prompt": rng.integers(V, size=P), "num_new": num_new,
                      "initial_state": start, "weights": w})
    return cases


def q4_run(answer, case):
    return {"ids": to_array(call_answer(answer, case, STEP_ARGS), "the generated ids")}


def _keras_greedy(case) -> np.ndarray:
    """Greedy continuation by re-running a float64 Keras model on each whole prefix."""
    import keras

    w, prompt, start = case["weights"], case["prompt"], case["initial_state"]
    V, E = w["embeddings"].shape
    H = w["recurrent_kernel"].shape[0]
    tokens = keras.Input(shape=(None,), dtype="int32")
    state = keras.Input(shape=(H,), dtype="float64")
    embedding = keras.layers.Embedding(V, E, dtype="float64")
    gru = keras.layers.GRU(H, return_sequences=True, dtype="float64")
    dense = keras.layers.Dense(V, dtype="float64")
    model = keras.Model([tokens, state], dense(gru(embedding(tokens), initial_state=state)))
    embedding.set_weights([w["embeddings"]])
    gru.set_weights([w["kernel"], w["recurrent_kernel"], w["bias"]])
    dense.set_weights([w["dense_kernel"], w["dense_bias"]])
    ids = list(prompt)
    for _ in range(case["num_new"]):
        logits = np.asarray(model([np.array([ids]), start[None]]))[0, -1]  # (V,)
        ids.append(int(np.argmax(logits)))
    return np.array(ids[len(prompt) :])


def _numpy_greedy(case, reset=False, repeat_last=False):
    """The values of two known mistakes, with the case's own step function."""
    step, start = case["step"], case["initial_state"]
    state = start
    for token in case["prompt"]:
        logits, state = step(token, start if reset else state)
    if repeat_last:
        logits, state = step(case["prompt"][-1], state)
    ids = []
    for _ in range(case["num_new"]):
        ids.append(int(np.argmax(logits)))
        logits, state = step(ids[-1], start if reset else state)
    return np.array(ids, dtype=np.float64)


def q4_verify(case, payload):
    got = payload["ids"]
    P, n = len(case["prompt"]), case["num_new"]
    expect_shape(got, (n,), "the generated ids", {(P + n,): "Return the new ids only, not the prompt."})
    expected = _keras_greedy(case).astype(np.float64)
    suspects = {
        "the state is reset between steps: pass each step the state the previous step returned.":
            _numpy_greedy(case, reset=True),
        "the last prompt token is fed twice: after reading the prompt, the logits of its last step already "
        "predict the first new token.": _numpy_greedy(case, repeat_last=True),
    }
    expect_close(got, expected, "the generated ids", suspects, atol=0)


QUESTIONS = [
    Question(id="08.q1", title="the bigram's held-out perplexity", points=2, function_name="bigram_perplexity",
             cases=q1_cases, run=q1_run, verify=q1_verify),
    Question(id="08.q2", title="cross-entropy, bits and perplexity, padding left out", points=2,
             function_name="masked_scores", cases=q2_cases, run=q2_run, verify=q2_verify),
    Question(id="08.q3", title="sampling with a temperature", points=2, function_name="sample_with_temperature",
             cases=q3_cases, run=q3_run, verify=q3_verify),
    Question(id="08.q4", title="greedy generation that carries the state", points=2, function_name="greedy_continue",
             cases=q4_cases, run=q4_run, verify=q4_verify),
]
