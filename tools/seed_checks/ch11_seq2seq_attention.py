"""Chapter 11 (sequence to sequence, attention): the claims, on seeds 0, 1 and 2.

The chapter's cells tagged `seed-checks` are executed (`notebook_namespace`) and their
functions called with each seed: the seed draws the split of the words, the model's
initial weights and the order of the batches. The thresholds are the notebook's asserts,
repeated, the control included: the model whose query and key projections are frozen at
zero, so that its attention weights are uniform over the letters during training too.
"""

from __future__ import annotations

import numpy as np

from tools.seed_checks import ROOT, notebook_namespace

TITLE = "Chapter 11: sequence to sequence, and attention"
CHAPTER = ROOT / "chapters" / "11_seq2seq_attention.ipynb"


def _rows(nb: dict, seed: int) -> list[dict]:
    train_ids, test_ids = nb["split_words"](seed)
    X, D, Y = nb["encode"](test_ids)
    references = [nb["pronunciations"][i] for i in test_ids]
    acc = lambda predictions: 100 * nb["word_accuracy"](references, predictions)
    per = lambda predictions: 100 * nb["phoneme_error_rate"](references, predictions)

    baseline = nb["nearest_spelling"](train_ids, test_ids)
    models = {kind: nb["train_g2p"](kind, seed)[0] for kind in (None, "additive", "uniform")}
    greedy = {kind: nb["greedy_pronunciations"](m, X) for kind, m in models.items()}
    beam = {kind: nb["beam_pronunciations"](models[kind], X, nb["BEAM_WIDTH"])[0] for kind in (None, "additive")}
    plain, attentive, uniform = (greedy[k] for k in (None, "additive", "uniform"))

    table = {
        "check": "word accuracy and phoneme error rate (%), test words", "seed": seed,
        "baseline_acc": acc(baseline), "baseline_per": per(baseline),
        "plain_acc": acc(plain), "plain_per": per(plain), "plain_beam_acc": acc(beam[None]), "plain_beam_per": per(beam[None]),
        "attention_acc": acc(attentive), "attention_per": per(attentive),
        "attention_beam_acc": acc(beam["additive"]), "attention_beam_per": per(beam["additive"]),
    }
    table["claim"] = "plain beats the baseline by 5 points (acc and PER); attention beats plain by 10"
    table["holds"] = bool(
        table["plain_acc"] > table["baseline_acc"] + 5 and table["plain_per"] < table["baseline_per"] - 5
        and table["attention_acc"] > table["plain_acc"] + 10 and table["attention_per"] < table["plain_per"] - 10
    )

    search = {k: 100 * nb["search_errors"](models[k], X, references, greedy[k]) for k in (None, "additive")}
    beam_gain = {k: acc(beam[k]) - acc(greedy[k]) for k in (None, "additive")}
    search_row = {
        "check": "beam search: gain and search errors (%)", "seed": seed,
        "plain_beam_gain": beam_gain[None], "plain_search_errors": search[None],
        "attention_beam_gain": beam_gain["additive"], "attention_search_errors": search["additive"],
        "claim": "beam gain within 3 points either way; search errors < 10 % of the wrong words",
        "holds": bool(max(abs(g) for g in beam_gain.values()) < 3 and max(search.values()) < 10),
    }

    by_length = {k: 100 * np.array(nb["scores_by_length"](test_ids, references, greedy[k])) for k in (None, "additive")}
    length_row = {"check": "word accuracy and PER (%) by letters in the word", "seed": seed}
    for g, (lo, hi) in enumerate(nb["LENGTH_GROUPS"]):
        for name, k in (("plain", None), ("attention", "additive")):
            length_row[f"{name}_acc_{lo}-{hi}"], length_row[f"{name}_per_{lo}-{hi}"] = by_length[k][:, g]
    ends = [nb["LENGTH_GROUPS"][0], nb["LONG"]]
    (short_p, long_p), (short_p_per, long_p_per) = 100 * np.array(nb["scores_by_length"](test_ids, references, greedy[None], ends))
    (short_a, long_a), (short_a_per, long_a_per) = 100 * np.array(nb["scores_by_length"](test_ids, references, greedy["additive"], ends))
    length_row.update(plain_long=long_p, attention_long=long_a, plain_per_rise=long_p_per - short_p_per,
                      attention_per_rise=long_a_per - short_a_per)
    margin = nb["PER_RISE_MARGIN"]
    length_row["claim"] = f"long words (8-12): plain acc < 5 < attention acc; PER rise (1-5 to 8-12) plain > attention + {margin}"
    length_row["holds"] = bool(long_p < 5 < long_a and length_row["plain_per_rise"] > length_row["attention_per_rise"] + margin)

    weights = nb["attention_weights"](models["additive"], X, D)
    monotone = 100 * nb["monotone_fraction"](weights, X, Y)
    shuffled = 100 * nb["monotone_fraction"](weights, X, Y, np.random.default_rng(seed))
    uniform_decoding = nb["greedy_decode"](nb["decoder_step"](models["additive"], uniform=True), nb["encode_words"](models["additive"], X))
    uniform_decoding_acc = acc([nb["spell"](row) for row in uniform_decoding])
    control_row = {
        "check": "attention controls (word accuracy %, monotone steps %)", "seed": seed,
        "monotone_steps": monotone, "monotone_shuffled": shuffled, "attention_acc": acc(attentive), "equal_weights_at_decoding_acc": uniform_decoding_acc,
        "trained_with_equal_weights_acc": acc(uniform), "trained_with_equal_weights_per": per(uniform), "plain_acc": acc(plain),
        "claim": "monotone > 85 and > shuffled + 20; equal weights at decoding < plain; trained with equal weights "
                 "gains less than half of attention's gain over plain",
        "holds": bool(monotone > 85 and monotone > shuffled + 20 and uniform_decoding_acc < acc(plain)
                      and acc(uniform) - acc(plain) < (acc(attentive) - acc(plain)) / 2),
    }

    exposure_row = {"check": "exposure bias: error rate after one wrong phoneme in the history", "seed": seed}
    for name, m in (("plain", models[None]), ("attention", models["additive"])):
        exposure_row[f"{name}_true_history"], exposure_row[f"{name}_one_mistake"] = nb["errors_after_a_mistake"](m, X, D, Y)
    exposure_row["claim"] = "one mistake raises the later error rate by more than 0.03"
    exposure_row["holds"] = all(exposure_row[f"{n}_one_mistake"] > exposure_row[f"{n}_true_history"] + 0.03 for n in ("plain", "attention"))
    return [table, search_row, length_row, control_row, exposure_row]


def run(seeds=(0, 1, 2)) -> list[dict]:
    nb = notebook_namespace(CHAPTER)
    rows = [row for seed in seeds for row in _rows(nb, seed)]
    order = list(dict.fromkeys(r["check"] for r in rows))
    return sorted(rows, key=lambda r: order.index(r["check"]))
