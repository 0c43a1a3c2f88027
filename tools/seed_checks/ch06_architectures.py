"""Chapter 6 (architectures): the behavioural claims, on seeds 0, 1 and 2.

The training code is not copied here: the chapter's cells tagged `seed-checks` are executed
(`notebook_namespace`) and their functions called with each seed. The thresholds below are
the notebook's asserts, repeated. The equivalences of the chapter (from scratch against
Keras, padded against alone, chunks against one pass) involve no training and no claim
that could depend on a seed; the notebook asserts them.
"""

from __future__ import annotations

from tools.seed_checks import ROOT, notebook_namespace

TITLE = "Chapter 6: architectures"
CHAPTER = ROOT / "chapters" / "06_architectures.ipynb"


def _depth_row(nb: dict, seed: int) -> dict:
    """Two stacked layers beat one wider layer on the ring tags, not on the line tags; a 256-unit per-step Dense stays at
    the majority tag and two per-step Dense layers learn the ring (depth, not recurrence)."""
    names = list(nb["DEPTH_MODELS"])
    ring = {name: nb["depth_experiment"]("ring", name, seed) for name in names}
    line = {name: nb["depth_experiment"]("line", name, seed, epochs=10) for name in names[:2]}
    one, two, wide, two_dense = (ring[name] for name in names)
    line_one, line_two = (line[name]["accuracy"] for name in names[:2])
    holds = (
        one["params"] > two["params"]
        and wide["params"] > two["params"]
        and two["accuracy"] > one["accuracy"] + 0.1
        and wide["accuracy"] < wide["majority"] + 0.02
        and two_dense["accuracy"] > one["accuracy"] + 0.1
        and min(line_one, line_two) > 0.98
        and abs(line_one - line_two) < 0.01
    )
    return {
        "check": "depth", "seed": seed, "ring_one_layer": one["accuracy"], "ring_two_layers": two["accuracy"],
        "ring_dense_256": wide["accuracy"],
        "ring_two_dense_16": two_dense["accuracy"], "ring_majority": one["majority"],
        "line_one_layer": line_one, "line_two_layers": line_two,
        "claim": "ring: two > one + 0.1, Dense 256 < majority + 0.02, two Dense 16 > one + 0.1; "
                 "line: both > 0.98, within 0.01",
        "holds": bool(holds),
    }


def _tagging_row(nb: dict, seed: int) -> dict:
    """The bidirectional tagger wins on the tags that need the future; the forward one sits at the bound."""
    r = nb["tagging_experiment"](seed)
    fw, bi, bound = r["forward"]["accuracy"], r["bidirectional"]["accuracy"], r["bound"]
    holds = (
        r["forward"]["params"] > r["bidirectional"]["params"]
        and min(fw["starts"], bi["starts"]) > 0.98
        and abs(fw["ends"] - bound) < 0.02
        and bi["ends"] > 0.98
        and bi["ends"] - fw["ends"] > 0.4
        and fw["late ends"] > 0.98
    )
    return {
        "check": "tagging", "seed": seed, "forward_starts": fw["starts"], "bi_starts": bi["starts"],
        "forward_ends": fw["ends"], "bi_ends": bi["ends"], "forward_bound": bound, "forward_late_ends": fw["late ends"],
        "claim": "starts: both > 0.98; ends: forward within 0.02 of the bound, bi > 0.98 and > forward + 0.4; "
                 "late ends: forward > 0.98",
        "holds": bool(holds),
    }


def _leak_row(nb: dict, seed: int) -> dict:
    """A bidirectional next-value model reads the future: below the noise floor over all steps, worse at the last;
    a linear autoregression is near the noise floor."""
    r = nb["leak_experiment"](seed)
    fw, bi = r["forward"]["mse_by_step"], r["bidirectional"]["mse_by_step"]
    sensitivity = {name: nb["next_input_sensitivity"](r[name]["model"], r["X_test"], 9) for name in ["forward", "bidirectional"]}
    holds = (
        bi.mean() < 0.5 * r["noise_floor"]
        and bi[-1] > 1.2 * fw[-1]
        and sensitivity["forward"] == 0.0
        and sensitivity["bidirectional"] > 0.5
        and r["linear"] < 1.25 * r["noise_floor"]
    )
    return {
        "check": "bidirectional forecaster", "seed": seed, "bi_mse_all_steps": float(bi.mean()),
        "noise_floor": r["noise_floor"], "bi_mse_last": float(bi[-1]), "forward_mse_last": float(fw[-1]),
        "linear_ar_mse_last": r["linear"], "bi_d_next_input": sensitivity["bidirectional"],
        "forward_d_next_input": sensitivity["forward"],
        "claim": "bi all steps < 0.5 x noise floor; bi last > 1.2 x forward last; d/dx_(t+1): forward 0, bi > 0.5; "
                 "linear AR last < 1.25 x noise floor",
        "holds": bool(holds),
    }


def _mask_rows(nb: dict, seed: int) -> list[dict]:
    """Forgetting the mask: padding at the end moves the final state far more than padding at the start, unless the
    layer remembers long (an LSTM with forget biases + 3)."""
    keras = nb["keras"]
    rows = []
    for layer_class in [keras.layers.SimpleRNN, keras.layers.LSTM, keras.layers.GRU]:
        change = nb["forgotten_mask_change"](layer_class, seed)
        rows.append({
            "check": "forgotten mask", "seed": seed, "layer": layer_class.__name__,
            "change_post_padding": change["post"], "change_pre_padding": change["pre"],
            "claim": "post > 0.2 and pre < post / 5",
            "holds": change["post"] > 0.2 and change["pre"] < change["post"] / 5,
        })
    short_pre = rows[1]["change_pre_padding"]  # the LSTM with random biases
    long_memory = nb["forgotten_mask_change"](keras.layers.LSTM, seed, forget_bias=3.0)
    rows.append({
        "check": "forgotten mask", "seed": seed, "layer": "LSTM, forget biases + 3",
        "change_post_padding": long_memory["post"], "change_pre_padding": long_memory["pre"],
        "claim": "pre > 3 x the LSTM's pre and pre > post / 2",
        "holds": long_memory["pre"] > 3 * short_pre and long_memory["pre"] > 0.5 * long_memory["post"],
    })
    return rows


def _tbptt_row(nb: dict, seed: int) -> dict:
    """Stateful training on chunks learns the echo across chunk boundaries; windows cannot; a longer delay is not learned."""
    r = nb["tbptt_experiment"](3, seed)
    stateful, windows, carried = r["stateful"], r["windows"], r["windows, state carried"]
    long_delay = nb["tbptt_experiment"](10, seed, with_windows=False)["stateful"]
    long_chunks = nb["tbptt_experiment"](10, seed, chunk_len=20, num_chunks=10, with_windows=False)["stateful"]
    holds = (
        bool((windows[:3] > 0.8).all() and (windows[3:] < 0.1).all())
        and windows.mean() > 0.3
        and stateful.max() < 0.1
        and carried.mean() < 0.1
        and long_delay.mean() > 0.7
        and long_chunks.mean() < 0.2
    )
    return {
        "check": "truncated BPTT", "seed": seed, "stateful_mse": float(stateful.mean()),
        "windows_mse": float(windows.mean()), "windows_first_3": float(windows[:3].mean()),
        "windows_state_carried": float(carried.mean()), "stateful_delay_10": float(long_delay.mean()),
        "delay_10_chunks_of_20": float(long_chunks.mean()),
        "claim": "windows: first 3 > 0.8, rest < 0.1, mean > 0.3; stateful max < 0.1; carried < 0.1; delay 10: chunks of 8 > 0.7, "
                 "chunks of 20 < 0.2",
        "holds": bool(holds),
    }


def run(seeds=(0, 1, 2)) -> list[dict]:
    """Chapter 6's behavioural claims for each seed: depth, the bidirectional tagger, the
    bidirectional forecaster's leak, the forgotten mask, and truncated BPTT."""
    nb = notebook_namespace(CHAPTER)
    rows = []
    for seed in seeds:
        rows.append(_depth_row(nb, seed))
        rows.append(_tagging_row(nb, seed))
        rows.append(_leak_row(nb, seed))
        rows += _mask_rows(nb, seed)
        rows.append(_tbptt_row(nb, seed))
    return rows
