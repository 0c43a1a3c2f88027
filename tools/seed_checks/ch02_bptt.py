"""Chapter 2 (backpropagation through time): the claims of the truncated-BPTT training demo, on seeds 0, 1 and 2.

The chapter's cells tagged `seed-checks` are executed (`notebook_namespace`) and its
`stream_experiment(seed)` is called with each seed. The thresholds are the notebook's asserts,
repeated.
"""

from __future__ import annotations

from tools.seed_checks import ROOT, notebook_namespace

TITLE = "Chapter 2: backpropagation through time"
CHAPTER = ROOT / "chapters" / "02_bptt.ipynb"


def run(seeds=(0, 1, 2)) -> list[dict]:
    """Truncated BPTT with a carried state beats repeating the last value on the held-out
    stream, and carrying the state at evaluation beats resetting it at every chunk."""
    nb = notebook_namespace(CHAPTER)
    rows = []
    for seed in seeds:
        r = nb["stream_experiment"](seed)
        _, _, held_out, scaler = nb["sine_streams"](seed)
        linear = nb["linear_baseline"](r["X"], held_out, scaler)
        holds = (r["carried"] < 0.7 * r["last_value"] and r["carried"] < 0.8 * r["reset"]
                 and linear <= 1.02 * r["carried"] and r["carried"] < 1.3 * linear)
        rows.append({
            "check": "truncated BPTT on the sine stream (held-out MSE)", "seed": seed,
            "carried": r["carried"], "reset": r["reset"], "last_value": r["last_value"], "linear_20_lags": linear,
            "claim": "carried < 0.7 x last value; carried < 0.8 x reset; linear <= 1.02 x carried < 1.3 x linear",
            "holds": bool(holds),
        })
    return rows
