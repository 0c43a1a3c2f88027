"""Exercise 11, sequence to sequence and attention: the questions and their tests.

Expected values come from independent computations: `tf.edit_distance` for the phoneme
error rate, the grader's own greedy and beam searches (`reference_greedy`,
`reference_beam_search`) on decoders the learner's notebook never sees, and
`keras.layers.AdditiveAttention` for the attention weights. The same searches, with one
thing changed, give the values of known mistakes, so that a message can name the mistake.
"""

from __future__ import annotations

import numpy as np

from helpers.grading.feedback import expect_close, to_array
from helpers.grading.question import Question, call_answer, expect_shape

# --- q1: the phoneme error rate -------------------------------------------------------

PHONEMES = ("AA AE AH AO AW AY B CH D DH EH ER EY F G HH IH IY JH K L M N NG OW OY P R S SH T TH UH UW V W Y Z ZH").split()


def _edited(rng, reference: tuple) -> tuple:
    """The reference with a few random substitutions, deletions and insertions."""
    out = list(reference)
    for _ in range(rng.integers(0, 4)):
        kind, where = rng.integers(3), rng.integers(len(out) + 1)
        if kind == 0 and where < len(out):
            out[where] = PHONEMES[rng.integers(len(PHONEMES))]
        elif kind == 1 and where < len(out):
            del out[where]
        else:
            out.insert(where, PHONEMES[rng.integers(len(PHONEMES))])
    return tuple(out)


def q1_cases(hidden: bool) -> list[dict]:
    references = [("K", "AE", "T"), ("N", "AY", "T"), ("TH", "R", "UW"), ("DH", "OW"), ("T", "AH", "F")]
    predictions = [("K", "AE", "T"), ("K", "N", "IH", "G", "HH", "T"), ("TH", "R", "OW"), (), ("T", "AH", "F", "S")]
    cases = [{"references": references, "predictions": predictions}]
    if hidden:
        for seed, n in ((11, 40), (12, 1), (13, 7)):
            rng = np.random.default_rng(seed)
            refs = [tuple(PHONEMES[j] for j in rng.integers(len(PHONEMES), size=rng.integers(1, 12))) for _ in range(n)]
            cases.append({"references": refs, "predictions": [_edited(rng, r) for r in refs]})
    return cases


def q1_run(answer, case):
    return {"per": to_array(call_answer(answer, case, ["references", "predictions"]), "the phoneme error rate")}


def _tf_edit_distances(references, predictions) -> np.ndarray:
    import tensorflow as tf

    def sparse(sequences):  # one row per word; an empty word is an empty row
        indices = [[i, j] for i, s in enumerate(sequences) for j in range(len(s))]
        values = [p for s in sequences for p in s]
        width = max([len(s) for s in sequences] + [1])
        return tf.SparseTensor(tf.constant(indices, tf.int64, shape=(len(indices), 2)), tf.constant(values, tf.string, shape=(len(values),)),
                               [len(sequences), width])

    return tf.edit_distance(sparse(predictions), sparse(references), normalize=False).numpy().astype(np.float64)  # (n,)


def _lcs_distance(a, b) -> int:
    """Insertions and deletions only (a substitution costs 2): the distance of a known mistake."""
    previous = [0] * (len(b) + 1)
    for x in a:
        current = [0]
        for j, y in enumerate(b):
            current.append(previous[j] + 1 if x == y else max(previous[j + 1], current[j]))
        previous = current
    return len(a) + len(b) - 2 * previous[-1]


def q1_verify(case, payload):
    references, predictions = case["references"], case["predictions"]
    got = payload["per"]
    expect_shape(got, (), "the phoneme error rate", {(len(references),): "return one number for the whole list, not one per word."})
    distances = _tf_edit_distances(references, predictions)  # (n,)
    lengths = np.array([len(r) for r in references], dtype=np.float64)
    expected = distances.sum() / lengths.sum()
    suspects = {
        "that is the mean of the per-word rates; divide the TOTAL edit distance by the TOTAL number of reference phonemes.":
            np.mean(distances / lengths),
        "divide by the number of reference phonemes, not of predicted ones.":
            distances.sum() / max(1, sum(len(p) for p in predictions)),
        "a substitution is one edit, not a deletion plus an insertion.":
            sum(_lcs_distance(r, p) for r, p in zip(references, predictions)) / lengths.sum(),
        "that is the fraction of wrong words (word error rate), not of wrong phonemes.":
            np.mean([r != p for r, p in zip(references, predictions)]),
    }
    expect_close(got, np.float64(expected), "the phoneme error rate", suspects, atol=1e-9)


# --- q2 and q3: greedy decoding and beam search on a decoder's step function ------------

BOS, EOS = 0, 1
DECODER_ARGS = ["step", "state", "bos", "eos", "max_steps"]


def toy_decoder(vocab_size: int, num_hiddens: int, seed: int):
    """A small recurrent decoder with fixed random weights, as a step function and its first state.

    step(token, state) -> (log_probs (vocab_size,), new_state (num_hiddens,)):
    new_state = tanh(E[token] + state @ W), log_probs = log_softmax(3 * new_state @ O), except
    that BOS is never written (its log-probability is -inf). Token 0 is BOS (begin) and
    token 1 is EOS (end).
    """
    rng = np.random.default_rng(seed)
    E = rng.normal(size=(vocab_size, num_hiddens))  # (vocab_size, num_hiddens): token embeddings
    W = rng.normal(scale=1.2 / np.sqrt(num_hiddens), size=(num_hiddens, num_hiddens))  # (num_hiddens, num_hiddens)
    O = rng.normal(scale=1 / np.sqrt(num_hiddens), size=(num_hiddens, vocab_size))  # (num_hiddens, vocab_size)
    state = rng.normal(size=num_hiddens)  # (num_hiddens,): the encoder's summary of an input

    def step(token, state):
        new_state = np.tanh(E[int(token)] + np.asarray(state) @ W)  # (num_hiddens,)
        logits = 3.0 * new_state @ O  # (vocab_size,)
        logits[BOS] = -np.inf  # the decoder never writes "begin"
        logits = logits - logits.max()
        return logits - np.log(np.exp(logits).sum()), new_state

    return step, state


def _decoder_case(vocab_size, num_hiddens, seed, max_steps, beam_width=None) -> dict:
    case = {"vocab_size": vocab_size, "num_hiddens": num_hiddens, "seed": seed, "max_steps": max_steps, "bos": BOS, "eos": EOS}
    if beam_width is not None:
        case["beam_width"] = beam_width
    return case


def _with_step(case: dict) -> dict:
    step, state = toy_decoder(case["vocab_size"], case["num_hiddens"], case["seed"])
    return {**case, "step": step, "state": state}


def reference_greedy(step, state, bos, eos, max_steps, stop_at_eos=True):
    """The grader's greedy decoding: (tokens without bos, with eos if reached; total log-probability)."""
    token, tokens, score = bos, [], 0.0
    for _ in range(max_steps):
        log_probs, state = step(token, state)
        token = int(np.argmax(log_probs))
        tokens.append(token)
        score += float(log_probs[token])
        if stop_at_eos and token == eos:
            break
    return tokens, score


def reference_beam_search(step, state, bos, eos, beam_width, max_steps, keep_ended=True, cumulative=True):
    """The grader's beam search: the final beam as [(tokens, score)], best first.

    The flags reproduce known mistakes: keep_ended=False extends hypotheses after EOS;
    cumulative=False scores a hypothesis by its last step only.
    """
    beam = [(0.0, [], state, False)]  # (score, tokens, state, ended)
    for _ in range(max_steps):
        candidates = []
        for score, tokens, st, ended in beam:
            if ended and keep_ended:
                candidates.append((score, tokens, st, True))
                continue
            log_probs, new_st = step(tokens[-1] if tokens else bos, st)
            candidates += [((score if cumulative else 0.0) + float(log_probs[t]), tokens + [t], new_st, t == eos)
                           for t in range(len(log_probs))]
        beam = sorted(candidates, key=lambda c: -c[0])[:beam_width]
        if all(ended for *_, ended in beam):
            break
    return [(tokens, score) for score, tokens, _, _ in beam]


def _padded(token_lists, width) -> np.ndarray:
    out = -np.ones((len(token_lists), width))  # (num_hypotheses, width): -1 after the end
    for i, tokens in enumerate(token_lists):
        out[i, : len(tokens)] = tokens
    return out


def q2_cases(hidden: bool) -> list[dict]:
    specs = [(8, 6, 36, 10)]  # vocab_size, num_hiddens, seed, max_steps
    if hidden:
        specs += [(5, 4, 22, 3), (12, 8, 23, 15), (3, 2, 24, 1)]
    return [_decoder_case(*spec) for spec in specs]


def _as_tokens(value, name) -> np.ndarray:
    array = to_array(value, name)
    if array.ndim != 1:
        raise AssertionError(f"{name} should be a flat list of token ids, got an array of shape {array.shape}.")
    return array


def q2_run(answer, case):
    result = call_answer(answer, _with_step(case), DECODER_ARGS)
    if not (isinstance(result, (tuple, list)) and len(result) == 2):
        raise AssertionError("return a pair: (tokens, score).")
    return {"tokens": _as_tokens(result[0], "the tokens"), "score": to_array(result[1], "the score")}


def q2_verify(case, payload):
    full = _with_step(case)
    args = {k: full[k] for k in DECODER_ARGS}
    tokens, score = reference_greedy(**args)
    got = payload["tokens"]
    hints = {}
    if tokens[-1] == full["eos"] and len(tokens) < full["max_steps"]:
        hints[(full["max_steps"],)] = "stop once the decoder has written eos (include eos, then stop)."
    hints.setdefault((len(tokens) + 1,), "the tokens start with bos: return only what the decoder wrote after it.")
    expect_shape(got, (len(tokens),), "the tokens", hints)
    expect_close(got, np.array(tokens, dtype=np.float64), "the tokens", {}, atol=0)
    expect_shape(payload["score"], (), "the score", {})
    log_probs = []
    token, state = full["bos"], full["state"]
    for t in tokens:
        lp, state = full["step"](token, state)
        log_probs.append(lp[t])
        token = t
    suspects = {
        "that is the probability; the score is the sum of the log-probabilities.": np.exp(score),
        "that is the log-probability of the last token only; add them all up.": log_probs[-1],
    }
    expect_close(payload["score"], np.float64(score), "the score", suspects, atol=1e-6)


def q3_cases(hidden: bool) -> list[dict]:
    specs = [(8, 6, 56, 8, 3)]  # vocab_size, num_hiddens, seed, max_steps, beam_width
    if hidden:
        specs += [(6, 5, 32, 6, 2), (10, 8, 33, 12, 4), (4, 3, 34, 2, 4), (7, 4, 35, 9, 1)]
    return [_decoder_case(*spec[:4], beam_width=spec[4]) for spec in specs]


def q3_run(answer, case):
    result = call_answer(answer, _with_step(case), DECODER_ARGS + ["beam_width"])
    try:
        pairs = [(list(np.asarray(tokens).ravel()), score) for tokens, score in result]
    except (TypeError, ValueError):
        raise AssertionError("return a list of (tokens, score) pairs, best first.") from None
    if any(len(tokens) > case["max_steps"] for tokens, _ in pairs):
        raise AssertionError(f"a hypothesis has more than max_steps = {case['max_steps']} tokens: stop after max_steps steps.")
    return {"tokens": _padded([p[0] for p in pairs], case["max_steps"]),
            "scores": to_array([p[1] for p in pairs], "the scores")}


def q3_verify(case, payload):
    full = _with_step(case)
    args = {k: full[k] for k in DECODER_ARGS + ["beam_width"]}
    beam = reference_beam_search(**args)
    k, width = len(beam), full["max_steps"]
    expect_shape(payload["tokens"], (k, width), "the beam", {
        (1, width): f"return the whole final beam, all {k} hypotheses, best first.",
    })
    expected = _padded([t for t, _ in beam], width)
    wrong = {
        "a hypothesis that has written eos is finished: keep it in the beam, unchanged, with its score.":
            reference_beam_search(**args, keep_ended=False),
        "a hypothesis's score is the SUM of the log-probabilities of all its tokens.":
            reference_beam_search(**args, cumulative=False),
    }
    suspects = {hint: _padded([t for t, _ in b], width) if len(b) == k else None for hint, b in wrong.items()}
    if args["beam_width"] > 1:
        greedy_tokens, _ = reference_greedy(**{a: full[a] for a in DECODER_ARGS})
        suspects["that is greedy decoding: keep beam_width hypotheses at every step."] = _padded([greedy_tokens] * k, width)
    expect_close(payload["tokens"], expected, "the hypotheses of the beam", suspects, atol=0)
    expect_close(payload["scores"], np.array([s for _, s in beam]), "the scores of the beam", {}, atol=1e-6)


# --- q4: the attention weights of one decoder step ------------------------------------

ATTENTION_ARGS = ["s", "H", "W_q", "W_k", "v", "length"]


def q4_cases(hidden: bool) -> list[dict]:
    specs = [(6, 4, 5, 3, 41)]  # num_letters, num_hiddens (state and encoder), attention size, length, seed
    if hidden:
        specs += [(1, 2, 2, 1, 42), (12, 8, 6, 12, 43), (9, 3, 7, 5, 44)]
    cases = []
    for S, n, a, length, seed in specs:
        rng = np.random.default_rng(seed)
        H = rng.normal(size=(S, n))  # (num_letters, num_hiddens): one encoder state per letter
        H[length:] = 0.0  # padding rows
        cases.append({"s": rng.normal(size=n), "H": H, "W_q": rng.normal(size=(a, n)), "W_k": rng.normal(size=(a, n)),
                      "v": rng.normal(size=a), "length": length})
    return cases


def q4_run(answer, case):
    return {"weights": to_array(call_answer(answer, case, ATTENTION_ARGS), "the attention weights")}


def q4_verify(case, payload):
    import keras

    s, H, W_q, W_k, v, length = (case[k] for k in ATTENTION_ARGS)
    got = payload["weights"]
    expect_shape(got, (H.shape[0],), "the attention weights", {
        (length,): "return one weight per row of H, padding included (its weights are 0).",
    })
    layer = keras.layers.AdditiveAttention(dtype="float64")
    query, key = (W_q @ s)[None, None, :], (H @ W_k.T)[None]  # (1, 1, a), (1, num_letters, a)
    layer.build([query.shape, H[None].shape, key.shape])
    layer.scale.assign(v)
    mask = (np.arange(H.shape[0]) < length)[None]  # (1, num_letters)
    _, weights = layer([query, H[None], key], mask=[None, mask], return_attention_scores=True)
    expected = np.asarray(weights, dtype=np.float64)[0, 0]  # (num_letters,)
    scores = np.tanh(W_q @ s + H @ W_k.T) @ v  # (num_letters,): the scores of every row, padding included
    softmax = lambda z: np.exp(z - z.max()) / np.exp(z - z.max()).sum()
    real = np.arange(len(scores)) < length  # (num_letters,)
    linear = (W_q @ s + H @ W_k.T) @ v  # (num_letters,): the scores without the tanh
    suspects = {
        "the tanh is missing: e_j = v . tanh(W_q s + W_k h_j), the tanh before the product with v.":
            np.where(real, softmax(np.where(real, linear, -np.inf)), 0.0),
        "the padding rows got score 0, which still gives them weight: exclude them from the softmax (score -inf).":
            softmax(np.where(real, scores, 0.0)),
        "the padding rows got weight: take the softmax over the first `length` rows only, and give the others 0.": softmax(scores),
        "these are the scores; the weights are their softmax over the real rows.": np.where(np.arange(len(scores)) < length, scores, 0.0),
        "the weights must be the softmax of the scores, not the scores divided by their sum.":
            np.where(np.arange(len(scores)) < length, scores, 0.0) / np.sum(scores[:length]) if np.sum(scores[:length]) != 0 else None,
    }
    expect_close(got, expected, "the attention weights", suspects, atol=1e-6)


QUESTIONS = [
    Question(id="11.q1", title="the phoneme error rate", points=2, function_name="phoneme_error_rate",
             cases=q1_cases, run=q1_run, verify=q1_verify),
    Question(id="11.q2", title="greedy decoding", points=2, function_name="greedy_decode",
             cases=q2_cases, run=q2_run, verify=q2_verify),
    Question(id="11.q3", title="beam search", points=2, function_name="beam_search",
             cases=q3_cases, run=q3_run, verify=q3_verify),
    Question(id="11.q4", title="the attention weights of one step", points=2, function_name="attention_weights",
             cases=q4_cases, run=q4_run, verify=q4_verify),
]
