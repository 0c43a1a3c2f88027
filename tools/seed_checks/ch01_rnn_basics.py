"""Chapter 1 (sequences and the hidden state): the forecasting claims, on seeds 0, 1 and 2.

The seed sets both the noise of the series and the initial weights. The chapter's cells
tagged `seed-checks` are executed (`notebook_namespace`) and their functions called with
each seed; the thresholds below are the notebook's asserts, repeated.
"""

from __future__ import annotations

import numpy as np

from tools.seed_checks import ROOT, notebook_namespace

TITLE = "Chapter 1: sequences and the hidden state"
CHAPTER = ROOT / "chapters" / "01_rnn_basics.ipynb"


def _row(nb: dict, seed: int) -> dict:
    mse, noise, period, num_steps = nb["mse"], nb["noise"], nb["period"], nb["num_steps"]
    series, (_, _, test_part), scaler, windows = nb["forecasting_data"](seed)
    model, _ = nb["train_forecaster"](windows, seed)
    Y_true, Y_hat, Y_naive = nb["test_errors"](model, scaler, windows)
    rnn_mse, naive_mse = mse(Y_hat, Y_true), mse(Y_naive, Y_true)
    naive_expected = 2 * noise**2 + 1 - np.cos(2 * np.pi / period)
    clean = np.sin(2 * np.pi * np.arange(len(series)) / period)[-len(test_part):][num_steps:]
    clean_ratio = mse(Y_hat, clean) / mse(Y_naive, clean)
    X_train, Y_train = windows["train"]
    train_mse = mse(scaler.inverse(model.predict(X_train, verbose=0)[:, 0]), scaler.inverse(Y_train))
    big, X_few, Y_few = nb["memorizer"](windows, seed)
    big_train = mse(scaler.inverse(big.predict(X_few, verbose=0)[:, 0]), scaler.inverse(Y_few))
    big_test = mse(nb["test_errors"](big, scaler, windows)[1], Y_true)
    checks = {
        "ratio <= 0.8": rnn_mse / naive_mse <= 0.8,
        "0.7 < floor ratio < 1.5": 0.7 < rnn_mse / noise**2 < 1.5,
        "naive within 25% of theory": abs(naive_mse - naive_expected) < 0.25 * naive_expected,
        "clean ratio < 0.5": clean_ratio < 0.5,
        "train within 35% of test": abs(train_mse - rnn_mse) < 0.35 * rnn_mse,
        "big model below half the floor on its windows": big_train < 0.5 * noise**2,
        "big model's test > 1.2 x small model's": big_test > 1.2 * rnn_mse,
    }
    failed = [name for name, ok in checks.items() if not ok]
    return {
        "check": "next-value forecaster", "seed": seed, "rnn_mse": rnn_mse, "naive_mse": naive_mse,
        "ratio": rnn_mse / naive_mse, "floor_ratio": rnn_mse / noise**2, "clean_ratio": clean_ratio,
        "train_mse": train_mse, "big_train_mse": big_train, "big_test_mse": big_test,
        "claim": "all forecasting claims" if not failed else "FAILED: " + ", ".join(failed),
        "holds": not failed,
    }


def run(seeds=(0, 1, 2)) -> list[dict]:
    """The forecasting section's claims for each seed: the model against the last-value
    baseline, the noise floor and the clean sine; training against test error; the
    memorizing model."""
    nb = notebook_namespace(CHAPTER)
    return [_row(nb, seed) for seed in seeds]
