"""Chapter 5 (GRU): the comparison table of SimpleRNN, LSTM and GRU, and the chapter's claims,
on seeds 0, 1 and 2.

The chapter's cells tagged `seed-checks` are executed (`notebook_namespace`), and their
functions (and those of `helpers.gated` they use) are called with each seed. The thresholds
are the notebook's asserts, repeated.
"""

from __future__ import annotations

from tools.seed_checks import ROOT, notebook_namespace

TITLE = "Chapter 5: gated recurrent units"
CHAPTER = ROOT / "chapters" / "05_gru.ipynb"


def _table_rows(nb: dict, runs: dict, seed: int) -> list[dict]:
    """One row per cell: the chapter's comparison table for this seed."""
    gated, bounds = nb["gated"], nb["bounds"]
    solved_below = nb["solved_below"]
    final = {cell: r["test_mse"][-1] for cell, r in runs.items()}
    to_solve = {cell: r["epochs_to_solve"] for cell, r in runs.items()}
    holds = (final["LSTM"] < solved_below and final["GRU"] < solved_below
             and final["SimpleRNN"] > bounds["mean"] and to_solve["SimpleRNN"] is None
             and to_solve["GRU"] is not None and to_solve["LSTM"] is not None and to_solve["GRU"] < to_solve["LSTM"])
    cpu = {cell: gated.epoch_cpu_seconds(cell, seed=seed) for cell in gated.CELLS}
    cpu_ok = cpu["SimpleRNN"] < cpu["LSTM"] and cpu["SimpleRNN"] < cpu["GRU"]
    return [{
        "check": "comparison table (adding problem, T = 40, same budget)", "seed": seed, "cell": cell,
        "parameters": runs[cell]["model"].layers[0].count_params(), "cpu_s_per_epoch": cpu[cell],
        "epochs_to_solve": to_solve[cell], "final_test_mse": final[cell],
        "claim": "LSTM and GRU solve, GRU first; SimpleRNN > mean baseline; SimpleRNN cheapest per epoch",
        "holds": bool(holds and cpu_ok),
    } for cell in gated.CELLS]


def _gradient_row(nb: dict, runs: dict, seed: int) -> dict:
    X_seq = runs["GRU"]["X_test"][0]
    paths = {cell: nb["gradient_paths"](runs[cell], X_seq) for cell in runs}
    far = nb["num_steps"]
    gru_init, gru_trained = paths["GRU"]["initial"], paths["GRU"]["trained"]
    checks = {
        "init: GRU dh < 1e-5 and below the LSTM's dc and the SimpleRNN's dh": (
            gru_init["h"][far] < 1e-5 and gru_init["h"][far] < paths["LSTM"]["initial"]["c"][far]
            and gru_init["h"][far] < paths["SimpleRNN"]["initial"]["h"][far]
        ),
        "trained: GRU dh > 0.1, update path > 0.2": gru_trained["h"][far] > 0.1 and gru_trained["update path"][far] > 0.2,
        "trained: SimpleRNN dh < 1e-3": paths["SimpleRNN"]["trained"]["h"][far] < 1e-3,
    }
    failed = [name for name, ok in checks.items() if not ok]
    return {
        "check": "gradient paths at distance T", "seed": seed,
        "init_gru_dh": gru_init["h"][far], "init_lstm_dc": paths["LSTM"]["initial"]["c"][far],
        "init_rnn_dh": paths["SimpleRNN"]["initial"]["h"][far],
        "trained_gru_dh": gru_trained["h"][far], "trained_update_path": gru_trained["update path"][far],
        "trained_rnn_dh": paths["SimpleRNN"]["trained"]["h"][far],
        "claim": "all gradient-path claims" if not failed else "FAILED: " + ", ".join(failed), "holds": not failed,
    }


def _memory_unit_row(nb: dict, runs: dict, seed: int) -> dict:
    return memory_unit_claims(nb["memory_unit_update_gate"](runs["GRU"]), seed)


def memory_unit_claims(inside: dict, seed: int) -> dict:
    """The chapter's claims about the GRU's memory unit, from `memory_unit_update_gate`'s result."""
    inside = dict(inside)
    (w_1, w_2), (c_1, c_2) = inside.pop("final_weights"), inside.pop("candidate_weights")
    holds = (inside["correlation"] > 0.9 and 0.7 < w_2 / w_1 < 1.4 and inside["update_first"] < 0.5
             and inside["update_first"] < inside["update_second"]
             and inside["kept"] > 1.2 * inside["z_product"])
    return {
        "check": "GRU memory unit", "seed": seed, **inside,
        "final_weight_v1": w_1, "final_weight_v2": w_2, "candidate_weight_v1": c_1, "candidate_weight_v2": c_2,
        "claim": ("abs(corr) > 0.9; final weights v2/v1 in (0.7, 1.4); update gate < 0.5 at the first marker and "
                  "lower than at the second; kept > 1.2 x z_product"),
        "holds": bool(holds),
    }


def run(seeds=(0, 1, 2)) -> list[dict]:
    """Chapter 5's claims for each seed. Returns one dict per measurement (see tools/seed_checks)."""
    nb = notebook_namespace(CHAPTER)
    table, rows = [], []
    for seed in seeds:
        runs = {cell: nb["gated"].adding_experiment(cell, nb["num_steps"], seed=seed) for cell in nb["gated"].CELLS}
        table += _table_rows(nb, runs, seed)
        rows.append(_gradient_row(nb, runs, seed))
        rows.append(_memory_unit_row(nb, runs, seed))
        rows += learning_rate_rows(nb, seed)
    return table + rows

OTHER_RATES = (0.005, 0.01)  # besides the budget's own learning rate


def learning_rate_rows(nb: dict, seed: int) -> list[dict]:
    """Epochs to solve of the LSTM and the GRU at other learning rates: is "the GRU first" a property of one rate?"""
    gated = nb["gated"]
    rows = []
    for lr in OTHER_RATES:
        runs = {cell: gated.adding_experiment(cell, nb["num_steps"], seed=seed, learning_rate=lr) for cell in ("LSTM", "GRU")}
        rows.append({"check": "LSTM and GRU at other learning rates (T = 40)", "seed": seed, "learning_rate": lr,
                     **{f"{cell}_epochs_to_solve": r["epochs_to_solve"] for cell, r in runs.items()},
                     **{f"{cell}_final_test_mse": r["test_mse"][-1] for cell, r in runs.items()},
                     "claim": "the GRU solves, before the LSTM (or the LSTM does not)",
                     "holds": bool(runs["GRU"]["epochs_to_solve"] is not None and (
                         runs["LSTM"]["epochs_to_solve"] is None
                         or runs["GRU"]["epochs_to_solve"] < runs["LSTM"]["epochs_to_solve"]))})
    return rows
