"""Chapter 3 (vanishing and exploding gradients) and exercise 3: the claims, on seeds 0, 1 and 2.

The training code is not copied here: the chapter's cells tagged `seed-checks` are executed
(`notebook_namespace`) and their functions called with each seed. The thresholds below are
the notebook's asserts, repeated.
"""

from __future__ import annotations

import numpy as np

from tools.seed_checks import ROOT, notebook_namespace

TITLE = "Chapter 3: vanishing and exploding gradients"
CHAPTER = ROOT / "chapters" / "03_vanishing_exploding.ipynb"


def _adding_rows(nb: dict, seed: int) -> list[dict]:
    """The adding-problem sweep: at the shortest length the test MSE is far below the marker-blind
    bound and the model uses both marked values (clearly more than the blind model's 1/m); at the
    longest it is not below the marker-blind bound and uses neither."""
    from helpers import data

    lengths = nb["lengths"]
    rows = []
    for T in lengths:
        r = nb["adding_experiment"](T, seed=seed)
        test_mse, baseline, (first, second) = r["test_mse"], r["baseline"], r["sensitivity"]
        bounds = data.adding_problem_baselines(T)
        blind = bounds["marker_blind"]
        train_final = r["history"].history["loss"][-1]
        row = {"check": "adding problem", "seed": seed, "T": T, "test_mse": test_mse, "baseline": baseline,
               "marker_blind": blind, "blind_simulated": r["marker_blind"], "train_final": train_final,
               "sensitivity_first": first, "sensitivity_second": second}
        if T == lengths[0]:
            row["claim"] = "test MSE < 0.25 x marker-blind; sensitivities > 0.7 and > blind's + 0.2"
            row["holds"] = test_mse < 0.25 * blind and min(first, second) > 0.7 and min(first, second) > max(bounds["sensitivities"]) + 0.2
        elif T == lengths[-1]:
            row["claim"] = "test MSE > 0.9 x marker-blind; final training loss > 0.8 x 2/12; sensitivities < 0.3"
            row["holds"] = test_mse > 0.9 * blind and train_final > 0.8 * 2 / 12 and max(first, second) < 0.3
        else:
            row["claim"], row["holds"] = "(no claim)", True
        row["holds"] = bool(row["holds"] and abs(baseline - 2 / 12) < 0.02 and abs(r["marker_blind"] - blind) < 0.02)
        rows.append(row)
    return rows


def _clipping_row(nb: dict, seed: int) -> dict:
    """The exploding run: its largest gradient is the recurrent kernel's (at least 10x the Dense
    kernel's); the frozen-RNN control does not blow up; with global-norm clipping the run ends
    below the persistence baseline, without clipping above it."""
    np, keras = nb["np"], nb["keras"]
    lr, momentum, clip_norm = nb["learning_rate"], nb["momentum"], nb["clip_norm"]

    def sgd(**clip):
        return keras.optimizers.SGD(lr, momentum=momentum, **clip)

    loss_plain, norm_plain, baselines = nb["clipping_run"](sgd(), seed=seed)
    loss_clip, _, _ = nb["clipping_run"](sgd(global_clipnorm=clip_norm), seed=seed)
    loss_frozen, norm_frozen, _ = nb["clipping_run"](sgd(), seed=seed, freeze_rnn=True)
    global_plain = np.sqrt(sum(n**2 for n in norm_plain.values()))
    peak = int(np.argmax(global_plain))
    ratio = float(norm_plain["W_hh"][peak] / norm_plain["Dense kernel"][peak])
    frozen_max = float(max(n.max() for n in norm_frozen.values()))
    late = float(np.median(norm_plain["W_hh"][peak + 10:]))
    final_plain, final_clip, final_frozen = (float(np.mean(x[-10:])) for x in (loss_plain, loss_clip, loss_frozen))
    persistence = baselines["persistence"]
    holds = (
        all(np.all(np.isfinite(x)) for x in (loss_plain, loss_clip, loss_frozen))
        and ratio >= 10
        and frozen_max < 10 and loss_frozen[-1] < loss_frozen[0]
        and late < 0.01 * norm_plain["W_hh"][peak]
        and final_clip < 0.95 * persistence and final_plain > persistence
        and final_clip < 0.5 * final_frozen
    )
    return {
        "check": "clipping", "seed": seed, "peak_update": peak, "W_hh_over_dense_at_peak": ratio,
        "frozen_max_grad": frozen_max, "unclipped_final": final_plain, "clipped_final": final_clip,
        "frozen_final": final_frozen, "persistence": persistence,
        "claim": "peak W_hh grad >= 10 x Dense; frozen control < 10 and falls; clipped < 0.95 x persistence < unclipped; clipped < 0.5 x frozen",
        "holds": bool(holds),
    }


def _jacobian_row(nb: dict, seed: int) -> dict:
    """The Jacobian-norm claims of the chapter's figures, with this seed for the weights and the inputs."""
    np, keras = nb["np"], nb["keras"]
    norms, recurrent = nb["state_and_jacobian_norms"], nb["scaled_recurrent"]

    def rate(n, start=30, stop=60):
        return (n[stop] / n[start]) ** (1 / (stop - start))

    num_hiddens, num_steps = 32, 60  # the notebook's settings, repeated here
    linear, tanh, states = {}, {}, {}
    for rho in [0.5, 0.9, 1.0, 1.1, 1.5]:
        W = recurrent(num_hiddens, rho, seed)
        linear[rho] = norms(W, "linear", 0.001, num_steps, seed)[1]
        states[rho], tanh[rho] = norms(W, "tanh", 0.001, num_steps, seed)
    strong = norms(recurrent(num_hiddens, 1.5, seed), "tanh", 2.0, num_steps, seed)[1]
    Q = keras.initializers.Orthogonal(seed=seed)((num_hiddens, num_hiddens)).numpy()
    relu_steps, t = 100, 75
    runs = {
        name: norms(W, act, 1.0, relu_steps, seed, t=t)
        for name, (act, W) in {
            "tanh_orth": ("tanh", Q), "relu_orth": ("relu", Q),
            "irnn": ("relu", np.eye(num_hiddens)), "relu_2orth": ("relu", 2 * Q),
        }.items()
    }
    irnn_growth = runs["irnn"][0][-1] / runs["irnn"][0][9]
    explosion = runs["relu_2orth"][0][-1] / runs["relu_2orth"][0][9]
    checks = {
        "linear rate within 5% of rho": all(abs(rate(linear[r]) / r - 1) < 0.05 for r in linear),
        "linear extremes": linear[0.5][-1] < 1e-12 and linear[1.5][-1] > 1e8,
        "tanh ~ linear for rho <= 0.9": all(abs(tanh[r][-1] / linear[r][-1] - 1) < 0.1 for r in [0.5, 0.9]),
        "tanh slows rho = 1.5 but still grows": 1 < rate(tanh[1.5]) < 1.15 and 1e3 < tanh[1.5][-1] < 1e-4 * linear[1.5][-1],
        "tanh state saturates": states[1.5][-1] > 10 * states[1.5][0] and 1 - states[1.5][-1] ** 2 / num_hiddens < 0.8,
        "strong inputs vanish": strong[-1] < 1e-3 and rate(strong) < 0.9,
        "tanh and ReLU with Q vanish": runs["tanh_orth"][1][-1] < 0.05 and runs["relu_orth"][1][-1] < 0.05,
        "IRNN keeps norm 1": bool(np.isclose(runs["irnn"][1][-1], 1.0)) and 1 < irnn_growth < 30,
        "ReLU with 2Q explodes": explosion > 1e3,
    }
    failed = [name for name, ok in checks.items() if not ok]
    return {
        "check": "jacobians", "seed": seed,
        "linear_rate_rho_1.5": rate(linear[1.5]), "tanh_rate_rho_1.5": rate(tanh[1.5]),
        "tanh_strong_inputs": float(strong[-1]), "irnn_jacobian": float(runs["irnn"][1][-1]),
        "relu_2Q_state_growth": float(explosion),
        "claim": "all Jacobian claims" if not failed else "FAILED: " + ", ".join(failed), "holds": not failed,
    }


def run(seeds=(0, 1, 2)) -> list[dict]:
    """Chapter 3's claims for each seed: the adding-problem sweep, the clipping demo and the Jacobian norms.

    Returns one dict per measurement, each with its seed, the measured figures, the claim and
    whether it holds.
    """
    nb = notebook_namespace(CHAPTER)
    rows = []
    for seed in seeds:
        rows += _adding_rows(nb, seed)
        rows.append(_clipping_row(nb, seed))
        rows.append(_jacobian_row(nb, seed))
    return rows + exercise3_thresholds()


def exercise3_thresholds(thresholds=(None, 0.3, 1.0, 3.0, 10.0, 30.0)) -> list[dict]:
    """Exercise 3, question 3: which global_clipnorm values make the exploding setup learn.

    The grader accepts a threshold when, for every seed it uses, the run learns (`ex03.learns`:
    finite, and its last losses below 0.95 x the persistence baseline). Without clipping the
    setup must fail on every seed; a range of thresholds must pass, so that the question has
    many right answers.
    """
    from helpers.grading import ex03_vanishing_exploding as ex03
    from helpers.notebook import setup

    setup()  # as in the notebook and the grader: oneDNN off, deterministic ops
    rows = []
    for threshold in thresholds:
        runs = [ex03.train_exploding_rnn(threshold, seed) for seed in ex03.CLIP_SEEDS]
        row = {"check": "exercise 3, question 3: clipping thresholds", "global_clipnorm": "none" if threshold is None else threshold,
               **{f"final_over_persistence_seed_{s}": float(np.mean(r["losses"][-10:]) / r["persistence"])
                  for s, r in zip(ex03.CLIP_SEEDS, runs)},
               "learns": all(ex03.learns(r) for r in runs), "fails_every_seed": not any(ex03.learns(r) for r in runs)}
        rows.append(row)
    passing = [r for r in rows if r["learns"]]
    for r in rows:
        r["claim"] = "no clipping fails on every seed; at least two thresholds pass"
        r["holds"] = rows[0]["fails_every_seed"] and len(passing) >= 2
    return rows
