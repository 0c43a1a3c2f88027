"""Chapter 4 (LSTM): the claims, on seeds 0, 1 and 2 (the forget-gate bias on seeds 0 to 9).

The training code is not copied here: the chapter's cells tagged `seed-checks` are executed
(`notebook_namespace`), and their functions (and those of `helpers.gated` they use) are called
with each seed. The thresholds are the notebook's asserts, repeated.
"""

from __future__ import annotations

import numpy as np

from tools.seed_checks import ROOT, notebook_namespace

TITLE = "Chapter 4: long short-term memory"
CHAPTER = ROOT / "chapters" / "04_lstm.ipynb"
LENGTHS = (20, 40, 80)  # the notebook trains at 40
SOLVED_AT = (20, 40)  # the lengths at which the chapter says the LSTM solves the task
FORGET_BIAS_SEEDS = tuple(range(10))



def reference_latch(scale: float = 30.0) -> dict:
    """Weights that latch, with gate pre-activations of +-scale/2 (the seed checks' reference answer to
    04.q4; kept out of `helpers`, which a submission can import)."""
    kernel = np.zeros((2, 4))  # rows: value, marker; columns: i, f, c, o
    kernel[1, 0], kernel[1, 1], kernel[0, 2] = scale, -scale, 1.0
    bias = np.array([-scale / 2, scale / 2, 0.0, 0.0])
    return {"kernel": kernel, "recurrent_kernel": np.zeros((1, 4)), "bias": bias}

def _adding_rows(nb: dict, seed: int) -> tuple[list[dict], dict]:
    """LSTM and SimpleRNN with the same budget at each length; returns the rows and the T = 40 runs."""
    gated = nb["gated"]
    rows, runs_40 = [], {}
    for T in LENGTHS:
        runs = {cell: gated.adding_experiment(cell, T, seed=seed) for cell in ("SimpleRNN", "LSTM")}
        bound = runs["LSTM"]["bounds"]["marker_blind"]
        lstm, rnn = runs["LSTM"]["test_mse"][-1], runs["SimpleRNN"]["test_mse"][-1]
        row = {"check": "adding problem, same budget", "seed": seed, "T": T, "marker_blind": bound,
               "lstm_test_mse": lstm, "lstm_epochs_to_solve": runs["LSTM"]["epochs_to_solve"],
               "simple_rnn_test_mse": rnn, "simple_rnn_epochs_to_solve": runs["SimpleRNN"]["epochs_to_solve"]}
        if T in SOLVED_AT:
            row["claim"] = "LSTM < marker-blind / 10; SimpleRNN > 0.9 x marker-blind"
            row["holds"] = bool(lstm < bound / 10 and rnn > 0.9 * bound)
        else:
            row["claim"] = "SimpleRNN > 0.9 x marker-blind (no claim about the LSTM)"
            row["holds"] = bool(rnn > 0.9 * bound)
        if T == nb["num_steps"]:
            runs_40 = runs
        rows.append(row)
    return rows, runs_40


def _gradient_row(nb: dict, runs: dict, seed: int) -> dict:
    """The Jacobian-norm claims of the chapter's figure, on the seed's first test sequence."""
    X_seq = runs["LSTM"]["X_test"][0]
    lstm = nb["gradient_paths"](runs["LSTM"], X_seq)
    rnn = nb["gradient_paths"](runs["SimpleRNN"], X_seq)
    far, mid = nb["num_steps"], nb["num_steps"] // 2
    init, trained = lstm["initial"], lstm["trained"]
    checks = {
        "init: LSTM dc below SimpleRNN dh at T/2": init["c"][mid] < rnn["initial"]["h"][mid],
        "init: dc < 0.01 and cell path < 1e-4 at T": init["c"][far] < 0.01 and init["cell path"][far] < 1e-4,
        "trained: cell path > 0.3 and dc > cell path at T": (
            trained["cell path"][far] > 0.3 and trained["c"][far] > trained["cell path"][far]
        ),
        "trained: SimpleRNN dh < 1e-3 at T": rnn["trained"]["h"][far] < 1e-3,
    }
    failed = [name for name, ok in checks.items() if not ok]
    return {
        "check": "gradient paths", "seed": seed,
        "init_lstm_dc_mid": init["c"][mid], "init_rnn_dh_mid": rnn["initial"]["h"][mid],
        "init_lstm_dc_far": init["c"][far], "init_cell_path_far": init["cell path"][far],
        "trained_lstm_dc_far": trained["c"][far], "trained_cell_path_far": trained["cell path"][far],
        "trained_rnn_dh_far": rnn["trained"]["h"][far],
        "claim": "all gradient-path claims" if not failed else "FAILED: " + ", ".join(failed), "holds": not failed,
    }


def _gates_row(nb: dict, runs: dict, seed: int) -> dict:
    inside = nb["memory_unit_gates"](runs["LSTM"])
    return memory_unit_claims(inside, runs["LSTM"]["bounds"]["marker_blind"], seed)


def memory_unit_claims(inside: dict, marker_blind: float, seed: int) -> dict:
    """The chapter's claims about the LSTM's memory unit, from `memory_unit_gates`'s result."""
    holds = (inside["correlation"] > 0.95 and inside["input_marked"] > 0.5 and inside["input_unmarked"] < 0.05
             and inside["forget_unmarked"] > 0.98 and inside["forget_marked"] > 0.8
             and 0.8 < inside["weight_second"] / inside["weight_first"] < 1.25)
    ablation = (inside["mse_without_unit"] > 20 * inside["test_mse"]
                and inside["mse_without_unit"] > 10 * inside["mse_without_other"]
                and inside["mse_without_unit"] < marker_blind)
    keys = ["unit", "correlation", "input_marked", "input_unmarked", "forget_marked", "forget_unmarked",
            "weight_first", "weight_second", "test_mse", "mse_without_unit", "mse_without_other"]
    return {
        "check": "memory unit", "seed": seed, **{k: inside[k] for k in keys},
        "claim": ("abs(corr) > 0.95; input gate > 0.5 at markers, < 0.05 elsewhere; forget gate > 0.98 elsewhere, "
                  "> 0.8 at markers; weights of v2/v1 in (0.8, 1.25); without the unit MSE > 20 x, > 10 x without any "
                  "other, < marker-blind"),
        "holds": bool(holds and ablation),
    }


SIMPLE_RNN_RATES = (0.001, 0.003, 0.01)  # besides the budget's own learning rate


def _simple_rnn_rows(nb: dict, runs: dict, seed: int) -> list[dict]:
    """The control for the SimpleRNN's failure at T = 40: it is a working model at T = 10 with the same
    budget, and other learning rates do not rescue it at T = 40."""
    gated, num_steps = nb["gated"], nb["num_steps"]
    short = nb["short_run_steps"]
    rows = []
    short_run = gated.adding_experiment("SimpleRNN", short, seed=seed)
    bound = short_run["bounds"]["marker_blind"]
    rows.append({"check": "SimpleRNN controls", "seed": seed, "T": short, "learning_rate": gated.BUDGET["learning_rate"],
                 "final_test_mse": short_run["test_mse"][-1], "lowest_test_mse": short_run["test_mse"].min(),
                 "marker_blind": bound, "claim": f"T = {short}: final test MSE < marker-blind / 4",
                 "holds": bool(short_run["test_mse"][-1] < bound / 4)})
    rates = {gated.BUDGET["learning_rate"]: runs["SimpleRNN"]}
    rates.update({lr: gated.adding_experiment("SimpleRNN", num_steps, seed=seed, learning_rate=lr)
                  for lr in SIMPLE_RNN_RATES})
    for lr, run in sorted(rates.items()):
        bound = run["bounds"]["marker_blind"]
        rows.append({"check": "SimpleRNN controls", "seed": seed, "T": num_steps, "learning_rate": lr,
                     "final_test_mse": run["test_mse"][-1], "lowest_test_mse": run["test_mse"].min(),
                     "marker_blind": bound, "claim": f"T = {num_steps}: lowest test MSE > 0.9 x marker-blind",
                     "holds": bool(run["test_mse"].min() > 0.9 * bound)})
    return rows


def _forget_bias_rows(nb: dict, lstm_runs: dict) -> list[dict]:
    """With and without unit_forget_bias, same budget: the initial cell gradient and the training outcome."""
    gated, num_steps, far = nb["gated"], nb["num_steps"], nb["num_steps"]
    rows = []
    for seed in FORGET_BIAS_SEEDS:
        with_bias = lstm_runs.get(seed) or gated.adding_experiment("LSTM", num_steps, seed=seed)
        without = gated.adding_experiment("LSTM", num_steps, seed=seed, unit_forget_bias=False)
        X_seq = with_bias["X_test"][0]
        init_with = nb["gradient_paths"](with_bias, X_seq)["initial"]["c"][far]
        init_without = nb["gradient_paths"](without, X_seq)["initial"]["c"][far]
        bound = with_bias["bounds"]["marker_blind"] / 10
        rows.append({
            "check": "forget-gate bias", "seed": seed,
            "init_dc_far_bias_1": init_with, "init_dc_far_bias_0": init_without,
            "epochs_to_solve_bias_1": with_bias["epochs_to_solve"], "epochs_to_solve_bias_0": without["epochs_to_solve"],
            "final_bias_1": with_bias["test_mse"][-1], "final_bias_0": without["test_mse"][-1],
            "solved_bias_1": bool(with_bias["test_mse"][-1] < bound), "solved_bias_0": bool(without["test_mse"][-1] < bound),
            "init_ratio_ok": bool(init_with > 1e3 * init_without),
        })
    solved_with = sum(r["solved_bias_1"] for r in rows)
    solved_without = sum(r["solved_bias_0"] for r in rows)
    ratios_ok = all(r.pop("init_ratio_ok") for r in rows)
    for r in rows:
        r["claim"] = (f"init dc ratio > 1e3 on every seed; with the bias solved on every seed ({solved_with}/{len(rows)}), "
                      f"without on fewer than half ({solved_without}/{len(rows)})")
        r["holds"] = ratios_ok and solved_with == len(rows) and solved_without < len(rows) / 2
    return rows


def _speed_row(nb: dict, seed: int) -> dict:
    gated = nb["gated"]
    cpu = {cell: gated.epoch_cpu_seconds(cell, seed=seed) for cell in gated.CELLS}
    cpu_8 = gated.epoch_cpu_seconds("LSTM", num_hiddens=8, seed=seed)
    holds = (cpu["SimpleRNN"] < cpu["LSTM"] < 2.5 * cpu["SimpleRNN"] and cpu["SimpleRNN"] < cpu["GRU"]
             and cpu_8 > 0.6 * cpu["LSTM"])
    return {"check": "CPU seconds per epoch (1024 sequences, T = 40)", "seed": seed,
            **{f"{cell}_32": s for cell, s in cpu.items()}, "LSTM_8": cpu_8,
            "claim": "SimpleRNN cheapest; LSTM < 2.5 x SimpleRNN; LSTM with 8 units > 0.6 x with 32", "holds": bool(holds)}


def run(seeds=(0, 1, 2)) -> list[dict]:
    """Chapter 4's claims for each seed. Returns one dict per measurement (see tools/seed_checks)."""
    nb = notebook_namespace(CHAPTER)
    rows, lstm_runs, speed = [], {}, []
    for seed in seeds:
        adding, runs = _adding_rows(nb, seed)
        rows += adding
        rows.append(_gradient_row(nb, runs, seed))
        rows.append(_gates_row(nb, runs, seed))
        rows += _simple_rnn_rows(nb, runs, seed)
        speed.append(_speed_row(nb, seed))
        lstm_runs[seed] = runs["LSTM"]
    rows += _forget_bias_rows(nb, lstm_runs)
    return rows + speed + exercise4_latch()


def exercise4_latch() -> list[dict]:
    """Exercise 4, question 4: the reference latch passes; weights too small to saturate the gates fail."""
    from helpers.grading import ex04_lstm as ex04

    rows = []
    for scale in (2.0, 5.0, 10.0, 20.0, 50.0):
        errors = [ex04.latch_error(reference_latch(scale), case) for case in ex04.q4_cases(hidden=True)]
        rows.append({"check": "exercise 4, question 4: gate scale of the latch", "scale": scale,
                     "largest_error": max(errors), "passes": max(errors) < ex04.LATCH_TOLERANCE})
    for r in rows:
        r["claim"] = "scale 2 fails, scale 20 passes"
        r["holds"] = not rows[0]["passes"] and rows[3]["passes"]
    return rows
