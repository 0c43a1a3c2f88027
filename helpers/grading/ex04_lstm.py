"""Exercise 4, long short-term memory: the questions and their tests.

Expected values come from `keras.layers.LSTM` given the same weights (questions 1 and 2), from
`count_params` (question 3), and from running the learner's hand-set weights in a real Keras
LSTM (question 4). The NumPy lines compute only the values of known mistakes, so that a
message can name the mistake.
"""

from __future__ import annotations

import numpy as np

from helpers.grading.feedback import expect_close, to_array
from helpers.grading.question import Question, call_answer, expect_shape

GATE_ORDER_HINT = "the gate blocks are read in the wrong order{}: Keras's order is i, f, c, o (input, forget, candidate, output)."


# --- shared pieces -------------------------------------------------------------------

def _sigmoid(a):
    return 1 / (1 + np.exp(-a))


def _lstm_case(batch: int, num_steps: int, num_inputs: int, num_hiddens: int, seed: int) -> dict:
    rng = np.random.default_rng(seed)
    return {
        "X": rng.normal(size=(batch, num_steps, num_inputs)),  # (batch, num_steps, num_inputs)
        "h0": rng.normal(scale=0.5, size=(batch, num_hiddens)),  # (batch, num_hiddens)
        "c0": rng.normal(size=(batch, num_hiddens)),  # (batch, num_hiddens)
        "kernel": rng.normal(scale=0.5, size=(num_inputs, 4 * num_hiddens)),  # (num_inputs, 4 num_hiddens)
        "recurrent_kernel": rng.normal(scale=0.5, size=(num_hiddens, 4 * num_hiddens)),  # (num_hiddens, 4 num_hiddens)
        "bias": rng.normal(scale=0.5, size=(4 * num_hiddens,)),  # (4 num_hiddens,)
    }


def _keras_lstm(X, h0, c0, kernel, recurrent_kernel, bias):
    """keras.layers.LSTM with these weights: every h_t (batch, num_steps, num_hiddens) and the final c_T."""
    import keras

    layer = keras.layers.LSTM(h0.shape[1], return_sequences=True, return_state=True)
    layer.build((None, None, X.shape[2]))
    layer.set_weights([kernel, recurrent_kernel, bias])
    H, _, c_T = layer(X.astype("float32"), initial_state=[h0.astype("float32"), c0.astype("float32")])
    return np.asarray(H, dtype=np.float64), np.asarray(c_T, dtype=np.float64)


def _reorder(weight, order):
    blocks = np.split(weight, 4, axis=-1)
    return np.concatenate([blocks[k] for k in order], axis=-1)


def _mistaken_step(x, h, c, kernel, recurrent_kernel, bias, mistake=None):
    """One step with a chosen mistake, for the hints only: (h_t, c_t)."""
    if mistake in ORDERS:
        kernel, recurrent_kernel, bias = (_reorder(w, ORDERS[mistake]) for w in (kernel, recurrent_kernel, bias))
    if mistake == "no bias":
        bias = 0 * bias
    z_i, z_f, z_c, z_o = np.split(x @ kernel + h @ recurrent_kernel + bias, 4, axis=-1)
    gate, squash = (np.tanh, _sigmoid) if mistake == "swapped" else (_sigmoid, np.tanh)
    i, f, g, o = gate(z_i), gate(z_f), squash(z_c), gate(z_o)
    c_t = i * c + f * g if mistake == "forget on candidate" else f * c + i * g
    if mistake == "no tanh":
        h_t = o * c_t
    elif mistake == "old cell":
        h_t = o * np.tanh(c)
    else:
        h_t = o * np.tanh(c_t)
    return h_t, c_t


# Block orders a learner may assume (Keras's block k lands in the slot of the assumed order). Reading
# (f, i, c, o) is the same computation as applying the forget gate to the candidate: one hint below.
ORDERS = {"i c f o": [0, 2, 1, 3], "i f o c": [0, 1, 3, 2], "i o f c": [0, 2, 3, 1]}
STEP_HINTS = {
    **{order: GATE_ORDER_HINT.format(f" (as {order})") for order in ORDERS},
    "swapped": "sigmoid and tanh are swapped: the gates i, f, o use sigmoid, the candidate uses tanh.",
    "forget on candidate": (
        "the input and forget gates are exchanged: the forget gate (second block) multiplies the old cell c_prev "
        "and the input gate (first block) the candidate: c_t = f * c_prev + i * tanh(...)."
    ),
    "no tanh": "h_t = o * tanh(c_t): the cell state is squashed by tanh before the output gate.",
    "old cell": "h_t is computed from the new cell c_t, not from c_prev.",
    "no bias": "the bias is missing.",
}


def _forward_with(case, step_mistake=None, zero_states=False, swap_states=False):
    """A forward pass with a chosen mistake, for the hints only: (H, c_T)."""
    h, c = case["h0"], case["c0"]
    if zero_states:
        h, c = 0 * h, 0 * c
    if swap_states:
        h, c = c, h
    states = []
    for t in range(case["X"].shape[1]):
        h, c = _mistaken_step(case["X"][:, t], h, c, case["kernel"], case["recurrent_kernel"], case["bias"], step_mistake)
        states.append(h)
    return np.stack(states, axis=1), c


def _pair(value, names: str):
    if not (isinstance(value, (tuple, list)) and len(value) == 2):
        raise AssertionError(f"return the pair ({names}), got {type(value).__name__}")
    return value


# --- q1: one step of the LSTM cell ------------------------------------------------------

STEP_ARGS = ["x_t", "h_prev", "c_prev", "kernel", "recurrent_kernel", "bias"]


def q1_cases(hidden: bool) -> list[dict]:
    shapes = [(3, 4, 5, 41), (2, 3, 3, 42)]  # (batch, num_inputs, num_hiddens, seed)
    if hidden:
        shapes += [(1, 1, 1, 43), (6, 7, 2, 44)]
    cases = []
    for batch, n_x, n_h, seed in shapes:
        c = _lstm_case(batch, 1, n_x, n_h, seed)
        cases.append({"x_t": c["X"][:, 0], "h_prev": c["h0"], "c_prev": c["c0"], "kernel": c["kernel"],
                      "recurrent_kernel": c["recurrent_kernel"], "bias": c["bias"]})
    return cases


def q1_run(answer, case):
    h_t, c_t = _pair(call_answer(answer, case, STEP_ARGS), "h_t, c_t")
    return {"h_t": to_array(h_t, "h_t"), "c_t": to_array(c_t, "c_t")}


def q1_verify(case, payload):
    x, h, c, kernel, recurrent_kernel, bias = (case[k] for k in STEP_ARGS)
    batch, n_h = h.shape
    hints = {(n_h, batch): "Rows are examples: return (batch, num_hiddens).",
             (batch, 4 * n_h): "That is all four gate blocks: split them, then combine."}
    expect_shape(payload["c_t"], (batch, n_h), "c_t", hints)
    expect_shape(payload["h_t"], (batch, n_h), "h_t", hints)
    H, c_T = _keras_lstm(x[:, None, :], h, c, kernel, recurrent_kernel, bias)
    mistakes = {m: _mistaken_step(x, h, c, kernel, recurrent_kernel, bias, m) for m in STEP_HINTS}
    expect_close(payload["c_t"], c_T, "c_t", {STEP_HINTS[m]: wrong[1] for m, wrong in mistakes.items()})
    expect_close(payload["h_t"], H[:, 0], "h_t", {STEP_HINTS[m]: wrong[0] for m, wrong in mistakes.items()})


# --- q2: the forward pass -----------------------------------------------------------------

FORWARD_ARGS = ["X", "h0", "c0", "kernel", "recurrent_kernel", "bias"]


def q2_cases(hidden: bool) -> list[dict]:
    shapes = [(2, 6, 3, 4, 51)]  # (batch, num_steps, num_inputs, num_hiddens, seed)
    if hidden:
        shapes += [(1, 1, 2, 3, 52), (4, 12, 5, 5, 53)]
    return [_lstm_case(*s) for s in shapes]


def q2_run(answer, case):
    H, c_T = _pair(call_answer(answer, case, FORWARD_ARGS), "H, c_T")
    return {"H": to_array(H, "H"), "c_T": to_array(c_T, "c_T")}


def q2_verify(case, payload):
    X, h0 = case["X"], case["h0"]
    batch, T, _ = X.shape
    n_h = h0.shape[1]
    expect_shape(payload["H"], (batch, T, n_h), "H", {
        (batch, n_h): "That is one state per sequence: return every h_t, stacked on axis 1.",
        (T, batch, n_h): "That is time-major: stack the states on axis 1, giving (batch, num_steps, num_hiddens).",
        (batch, T + 1, n_h): "It has one state too many: return h_1 ... h_T, not h_0.",
    })
    expect_shape(payload["c_T"], (batch, n_h), "c_T", {(batch, T, n_h): "c_T is only the final cell state."})
    H, c_T = _keras_lstm(*(case[k] for k in FORWARD_ARGS))
    H_zero, c_zero = _forward_with(case, zero_states=True)
    H_swap, c_swap = _forward_with(case, swap_states=True)
    H_order, c_order = _forward_with(case, step_mistake="i c f o")
    C_all = _cell_states(case)
    expect_close(payload["H"], H, "H", {
        "the initial states are ignored: start from h0 and c0, not from zeros.": H_zero,
        "h0 and c0 are swapped.": H_swap,
        "the time order is reversed.": H[:, ::-1],
        "those are the cell states c_t; H holds the hidden states h_t = o_t * tanh(c_t).": C_all,
        GATE_ORDER_HINT.format(""): H_order,
    })
    expect_close(payload["c_T"], c_T, "c_T", {
        "the initial states are ignored: start from h0 and c0, not from zeros.": c_zero,
        "h0 and c0 are swapped.": c_swap,
        "that is h_T, the last hidden state; c_T is the last cell state.": H[:, -1],
        "that is the cell state after the first step, not the last.": C_all[:, 0],
        GATE_ORDER_HINT.format(""): c_order,
    })


def _cell_states(case) -> np.ndarray:
    h, c, cells = case["h0"], case["c0"], []
    for t in range(case["X"].shape[1]):
        h, c = _mistaken_step(case["X"][:, t], h, c, case["kernel"], case["recurrent_kernel"], case["bias"])
        cells.append(c)
    return np.stack(cells, axis=1)  # (batch, num_steps, num_hiddens)


# --- q3: the parameter count -----------------------------------------------------------

COUNT_ARGS = ["num_inputs", "num_hiddens"]


def q3_cases(hidden: bool) -> list[dict]:
    sizes = [(3, 8), (10, 32)]  # sizes where every known mistake gives a different count
    if hidden:
        sizes += [(1, 1), (7, 50), (128, 16)]
    return [dict(zip(COUNT_ARGS, s)) for s in sizes]


def q3_run(answer, case):
    return {"count": to_array(call_answer(answer, case, COUNT_ARGS), "the count")}


def q3_verify(case, payload):
    import keras

    n_x, n_h = (case[k] for k in COUNT_ARGS)
    got = payload["count"]
    expect_shape(got, (), "the count", {})
    expected = keras.Sequential([keras.Input(shape=(None, n_x)), keras.layers.LSTM(n_h)]).count_params()
    suspects = {
        "that is the count of a SimpleRNN: an LSTM has four blocks (i, f, c, o), each with its own weights.": n_h * (n_x + n_h + 1),
        "that is three blocks, as in a GRU: an LSTM has four (i, f, c, o).": 3 * n_h * (n_x + n_h + 1),
        "the recurrent weights (num_hiddens x 4 num_hiddens) are not counted.": 4 * n_h * (n_x + 1),
        "the biases (4 num_hiddens) are not counted.": 4 * n_h * (n_x + n_h),
    }
    if got != expected:
        for hint, wrong in suspects.items():
            if got == wrong:
                raise AssertionError(f"{int(got)} parameters for {case}: {hint}")
        raise AssertionError(f"{got:g} parameters for {case}, expected {expected}.")


# --- q4: an LSTM that latches a marked value --------------------------------------------

LATCH_TOLERANCE = 0.01
LATCH_SHAPES = {"kernel": (2, 4), "recurrent_kernel": (1, 4), "bias": (4,)}


def q4_cases(hidden: bool) -> list[dict]:
    specs = [(20, 61)]  # (num_steps, seed); 64 sequences each
    if hidden:
        specs += [(5, 62), (60, 63), (100, 64)]
    cases = []
    for T, seed in specs:
        rng = np.random.default_rng(seed)
        values = rng.uniform(-1, 1, size=(64, T))  # (64, num_steps)
        marked = rng.integers(0, T, size=64)  # (64,): one marked step per sequence
        markers = np.zeros((64, T))  # (64, num_steps)
        markers[np.arange(64), marked] = 1.0
        cases.append({"X": np.stack([values, markers], axis=-1),  # (64, num_steps, 2)
                      "c0": rng.uniform(-1, 1, size=(64, 1)),  # (64, 1): old content to erase
                      "target": np.tanh(values[np.arange(64), marked])[:, None]})  # (64, 1)
    return cases


def q4_run(answer, case):
    weights = call_answer(answer, case, [])
    if not (isinstance(weights, (tuple, list)) and len(weights) == 3):
        raise AssertionError(f"return the three arrays (kernel, recurrent_kernel, bias), got {type(weights).__name__}")
    return {name: to_array(w, name) for name, w in zip(LATCH_SHAPES, weights)}


def _latch_cell(weights: dict, X, c0) -> np.ndarray:
    """The final cell state c_T of keras.layers.LSTM(1) with these weights, from h_0 = 0 and c_0."""
    import keras

    layer = keras.layers.LSTM(1, return_state=True)
    layer.build((None, None, 2))
    layer.set_weights([weights[name].astype("float32") for name in LATCH_SHAPES])
    h0 = np.zeros((len(X), 1), dtype="float32")  # (batch, 1)
    _, _, c_T = layer(np.asarray(X, dtype="float32"), initial_state=[h0, np.asarray(c0, dtype="float32")])
    return np.asarray(c_T, dtype=np.float64)  # (batch, 1)


def latch_error(weights: dict, case: dict) -> float:
    """The largest |c_T - tanh(marked value)| over the case's sequences, run in a Keras LSTM."""
    return float(np.max(np.abs(_latch_cell(weights, case["X"], case["c0"]) - case["target"])))



def _one_step(weights: dict, value: float, marker: float, c0: float) -> float:
    return float(_latch_cell(weights, [[[value, marker]]], [[c0]])[0, 0])


def q4_verify(case, payload):
    for name, shape in LATCH_SHAPES.items():
        expect_shape(payload[name], shape, name, {
            shape[::-1]: "Keras's layout: rows are the inputs (value, marker) or the hidden unit, columns the gates i, f, c, o.",
        })
        if not np.all(np.isfinite(payload[name])):
            raise AssertionError(f"{name} holds values that are not finite.")
    error = latch_error(payload, case)
    if error < LATCH_TOLERANCE:
        return
    T = case["X"].shape[1]
    # One-step probes in the same Keras layer, each isolating one job of the gates.
    written = _one_step(payload, 0.8, 1.0, 0.0)
    if abs(written - np.tanh(0.8)) > LATCH_TOLERANCE / 2:
        raise AssertionError(
            f"at a marked step the cell does not take the candidate: value 0.8 from c_0 = 0 gives c_1 = {written:.4f}, "
            f"not tanh(0.8) = {np.tanh(0.8):.4f}. Open the input gate fully when the marker is 1, with tanh(value) as candidate."
        )
    erased = _one_step(payload, 0.0, 1.0, 1.0)
    if abs(erased) > LATCH_TOLERANCE / 2:
        raise AssertionError(
            f"the old content survives a marked step: from c_0 = 1, value 0 gives c_1 = {erased:.4f}, not 0. "
            "Close the forget gate when the marker is 1."
        )
    leaked = _one_step(payload, 1.0, 0.0, 0.0)
    if abs(leaked) > LATCH_TOLERANCE / T:
        raise AssertionError(
            f"values at unmarked steps leak into the cell: value 1 without a marker gives c_1 = {leaked:.2g} from c_0 = 0, "
            f"and over {T} steps that adds up. Close the input gate (strongly) when the marker is 0."
        )
    kept = _one_step(payload, 0.0, 0.0, 1.0)
    if kept ** T < 1 - LATCH_TOLERANCE:
        raise AssertionError(
            f"the stored value fades: without a marker, c_1 = {kept:.5f} c_0, so after {T} steps only {kept ** T:.3f} of it is left. "
            "The forget gate must be very close to 1 between markers: give it a large pre-activation."
        )
    raise AssertionError(
        f"c_T differs from tanh(the marked value) by up to {error:.3g} on sequences of {T} steps "
        f"(tolerance {LATCH_TOLERANCE}). Check the recurrent weights: h_t should not disturb the gates."
    )


QUESTIONS = [
    Question(id="04.q1", title="one step of the LSTM cell", points=2, function_name="lstm_cell_forward",
             cases=q1_cases, run=q1_run, verify=q1_verify),
    Question(id="04.q2", title="the forward pass with initial states", points=2, function_name="lstm_forward",
             cases=q2_cases, run=q2_run, verify=q2_verify),
    Question(id="04.q3", title="the parameter count", points=1, function_name="lstm_param_count",
             cases=q3_cases, run=q3_run, verify=q3_verify),
    Question(id="04.q4", title="an LSTM that holds a marked value", points=3, function_name="latch_weights",
             cases=q4_cases, run=q4_run, verify=q4_verify),
]
