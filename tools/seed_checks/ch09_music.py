"""Chapter 9 (generating music) and exercise 9: the claims, on seeds 0, 1 and 2.

The chapter's cells tagged `seed-checks` are executed (`notebook_namespace`) and their
functions called with each seed: the chorale model against the baselines, the control
trained on the last chord only, the statistics of the generated continuations, and the
control that draws each next chord from Bach's own past. The
thresholds are the notebook's asserts, repeated. Then exercise 9's model question: the
reference answer must pass the grader's bar on every seed, and repeating the last chord
must not, and neither must the bigram per voice counted on the training chorales.
"""

from __future__ import annotations

import contextlib
import io

import numpy as np

from tools.seed_checks import ROOT, notebook_namespace

TITLE = "Chapter 9: generating music"
CHAPTER = ROOT / "chapters" / "09_music.ipynb"


def _model_rows(nb: dict, seed: int) -> list[dict]:
    model, layers, _ = nb["train_chorale_model"](seed)
    gru = nb["model_scores"](model, nb["test"])
    last = nb["last_chord_scores"](nb["train_last_chord_model"](seed), nb["test"])
    own_nats = float(nb["last_chord_scores"](nb["train_own_voice_model"](seed), nb["test"])["nats"].mean())
    repeat = float(nb["results"]["repeat the last chord"]["accuracy"].mean())
    bigram = nb["results"]["bigram per voice"]
    acc, nats = float(gru["accuracy"].mean()), float(gru["nats"].mean())
    last_nats, bigram_nats = float(last["nats"].mean()), float(bigram["nats"].mean())
    last_acc = float(last["accuracy"].mean())
    bigram_acc = float(bigram["accuracy"].mean())
    scores_row = {
        "check": "next chord, held-out chorales", "seed": seed, "repeat_accuracy": repeat,
        "bigram_accuracy": bigram_acc, "GRU_accuracy": acc, "bigram_nats": bigram_nats, "GRU_nats": nats,
        "own_voice_learned_nats": own_nats, "last_chord_only_accuracy": last_acc, "last_chord_only_nats": last_nats,
        "claim": "GRU accuracy > both baselines + 0.04; GRU nats < bigram - 0.15; learned bigram within 0.05 of "
                 "the counted one; trained on the last chord only: nats < learned bigram - 0.15, nats < GRU's, "
                 "accuracy > GRU's",
        "holds": acc > max(repeat, bigram_acc) + 0.04 and nats < bigram_nats - 0.15
        and abs(own_nats - bigram_nats) < 0.05 and last_nats < own_nats - 0.15 and last_nats < nats
        and last_acc > acc,
    }
    step = nb["step_model"](layers)
    real = nb["real"]
    generated, step_logits = nb["continue_chorales"](step, real[:, : nb["prompt_beats"]], nb["new_beats"],
                                                     nb["temperature"], seed=seed)
    full = model.predict(generated[:, :-1], verbose=0)[:, nb["prompt_beats"] - 1 :]
    gap = float(np.abs(step_logits - full).max())
    bach, ours = nb["continuation_stats"](real), nb["continuation_stats"](generated)
    given_bach = nb["unheard_share"](nb["drawn_given_bach"](model, nb["test"], nb["temperature"], seed))
    bach_all = nb["unheard_share"](np.concatenate([c[1:] for c in nb["test"]]))
    generation_row = {
        "check": "continuations", "seed": seed, "carry_gap": gap, "GRU_in_range": float(ours["in range"]),
        "Bach_small_moves": float(bach["small moves"]), "GRU_small_moves": float(ours["small moves"]),
        "Bach_unheard_chords": float(bach["unheard chords"]), "GRU_unheard_chords": float(ours["unheard chords"]),
        "Bach_unheard_all_beats": bach_all, "drawn_given_Bach_unheard": given_bach,
        "claim": "step-by-step = whole prefix (1e-5); in range > 99 %; small moves within 0.1 of Bach's; "
                 "unheard chords > max(0.1, 10 x Bach's), generated and drawn from Bach's past",
        "holds": bool(gap < 1e-5 and ours["in range"] > 0.99
                      and abs(ours["small moves"] - bach["small moves"]) < 0.1
                      and ours["unheard chords"] > max(0.1, 10 * bach["unheard chords"])
                      and given_bach > max(0.1, 10 * bach_all)),
    }
    return [scores_row, generation_row]


def exercise9_rows(seeds) -> list[dict]:
    """Exercise 9, question 4: the grader's accuracy bar on its own held-out chorales."""
    from helpers.grading import ex09_music as ex09
    from helpers.notebook import setup
    from tests.helpers_for_tests import solution_functions

    setup()
    with contextlib.redirect_stdout(io.StringIO()):
        train_model = solution_functions("09_music")["train_next_chord_model"]
    case = ex09.q4_cases(True)[0]
    bigram = ex09.bigram_accuracy()
    rows = []
    for seed in seeds:
        import keras

        keras.utils.set_random_seed(seed)
        accuracy = ex09.held_out_accuracy(train_model(case["X"], case["Y"]))
        rows.append({"check": "exercise 9, question 4: grader's held-out accuracy", "seed": seed,
                     "reference_answer": accuracy, "repeat_last": ex09.repeat_accuracy(),
                     "bigram_per_voice": bigram, "bar": ex09.bar(),
                     "claim": "the reference answer passes the bar; repeating the last chord and the bigram per "
                              "voice do not",
                     "holds": accuracy > ex09.bar() > max(ex09.repeat_accuracy(), bigram)})
    return rows


def run(seeds=(0, 1, 2)) -> list[dict]:
    """Chapter 9's claims for each seed, then exercise 9's bar."""
    with contextlib.redirect_stdout(io.StringIO()):  # the cells' printing is not a table
        nb = notebook_namespace(CHAPTER)
    rows = []
    for seed in seeds:
        rows += _model_rows(nb, seed)
    return rows + exercise9_rows(seeds)
