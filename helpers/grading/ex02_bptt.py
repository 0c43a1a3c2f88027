"""Exercise 2, backpropagation through time: the questions and their tests.

Expected gradients come from tf.GradientTape on Keras layers in float64, given the same
weights; expected clipping from a Keras optimizer with clipnorm. The numpy lines below compute only
the values of known mistakes, so a message can name the mistake.
"""

from __future__ import annotations

import numpy as np

from helpers.grading import feedback
from helpers.grading.feedback import CHANGED, expect_close, naming_case, shapes_of
from helpers.grading.question import Question, expect_shape



def _rnn_case(batch, num_steps, num_inputs, num_hiddens, num_outputs, seed, lengths=None, recurrent_scale=0.4) -> dict:
    """A batch and weights drawn from `seed`: with `lengths`, padded sequences with one target
    each (many-to-one); without, a target at every step."""
    rng = np.random.default_rng(seed)
    targets = (batch, num_outputs) if lengths is not None else (batch, num_steps, num_outputs)
    case = {
        "X": rng.normal(size=(batch, num_steps, num_inputs)),  # (batch, num_steps, num_inputs)
        "Y": rng.normal(size=targets),  # (batch, num_outputs) or (batch, num_steps, num_outputs)
        "h0": rng.normal(scale=0.5, size=(batch, num_hiddens)),  # (batch, num_hiddens)
        "W_xh": rng.normal(scale=0.5, size=(num_hiddens, num_inputs)),  # (num_hiddens, num_inputs)
        "W_hh": rng.normal(scale=recurrent_scale, size=(num_hiddens, num_hiddens)),  # (num_hiddens, num_hiddens)
        "b_h": rng.normal(scale=0.3, size=(num_hiddens,)),  # (num_hiddens,)
        "W_hy": rng.normal(scale=0.5, size=(num_outputs, num_hiddens)),  # (num_outputs, num_hiddens)
        "b_y": rng.normal(scale=0.3, size=(num_outputs,)),  # (num_outputs,)
    }
    if lengths is not None:
        case["lengths"] = np.array(lengths)  # (batch,): each sequence's real length, 1 to num_steps
    return case


def _keras_gradients(case: dict) -> dict:
    """Gradients of L = 1/2 sum over the batch of |y_hat - y|^2, y_hat read from each
    sequence's last real state, by tf.GradientTape through keras.layers.SimpleRNN (masked)
    and Dense in float64, in the book's layout (W, not W.T)."""
    import keras
    import tensorflow as tf

    X, Y, W_xh, W_hh = case["X"], case["Y"], case["W_xh"], case["W_hh"]
    # (batch, num_steps): True up to each sequence's length; Keras copies the state past it
    mask = np.arange(X.shape[1]) < case["lengths"][:, None]
    rnn = keras.layers.SimpleRNN(W_hh.shape[0], dtype="float64")  # returns the last state
    rnn.build(X.shape)
    rnn.set_weights([W_xh.T, W_hh.T, case["b_h"]])
    dense = keras.layers.Dense(case["W_hy"].shape[0], dtype="float64")
    dense.build((None, W_hh.shape[0]))
    dense.set_weights([case["W_hy"].T, case["b_y"]])
    h0 = tf.Variable(case["h0"])
    with tf.GradientTape() as tape:
        Y_hat = dense(rnn(tf.constant(X), initial_state=[h0], mask=mask))  # (batch, num_outputs)
        loss = 0.5 * tf.reduce_sum((Y_hat - Y) ** 2)
    kernel, recurrent, bias = rnn.weights
    dense_kernel, dense_bias = dense.weights
    g = tape.gradient(loss, [kernel, recurrent, bias, dense_kernel, dense_bias, h0])
    grads = dict(zip(["W_xh", "W_hh", "b_h", "W_hy", "b_y", "h0"], [np.asarray(t) for t in g]))
    for name in ("W_xh", "W_hh", "W_hy"):
        grads[name] = grads[name].T  # Keras's kernels are the transposes
    return grads


def _expect_dict(got: dict, keys: list[str], what: str) -> None:
    missing = [k for k in keys if k not in got]
    if missing:
        renamed = [k for k in missing if k.startswith("d") and k[1:] in got]
        hint = f" (the gradient keys start with d: {renamed[0]!r}, not {renamed[0][1:]!r})" if renamed else ""
        raise AssertionError(f"{what} should be a dict with the keys {keys}; missing {missing}{hint}.")


# --- q1: the backward pass of one step -------------------------------------------------

STEP_ARGS = ["dh_t", "x_t", "h_prev", "h_t", "W_xh", "W_hh"]
STEP_KEYS = ["dx_t", "dh_prev", "dW_xh", "dW_hh", "db_h"]


def q1_cases(hidden: bool) -> list[dict]:
    shapes = [(3, 4, 5, 31)]  # (batch, num_inputs, num_hiddens, seed)
    if hidden:
        shapes += [(1, 2, 2, 32), (6, 3, 7, 33)]
    cases = []
    for batch, n_x, n_h, seed in shapes:
        rng = np.random.default_rng(seed)
        x = rng.normal(size=(batch, n_x))  # (batch, num_inputs)
        h_prev = rng.normal(scale=0.5, size=(batch, n_h))  # (batch, num_hiddens)
        W_xh = rng.normal(scale=0.5, size=(n_h, n_x))  # (num_hiddens, num_inputs)
        W_hh = rng.normal(scale=0.5, size=(n_h, n_h))  # (num_hiddens, num_hiddens)
        b_h = rng.normal(scale=0.3, size=(n_h,))  # (num_hiddens,)
        h_t = np.tanh(x @ W_xh.T + h_prev @ W_hh.T + b_h)  # (batch, num_hiddens): the forward step, given
        dh = rng.normal(size=(batch, n_h))  # (batch, num_hiddens): dL/dh_t from above
        cases.append({"dh_t": dh, "x_t": x, "h_prev": h_prev, "h_t": h_t, "W_xh": W_xh, "W_hh": W_hh, "b_h": b_h})
    return cases


def q1_run(answer, case):
    grads, changed = feedback.call(answer, case, STEP_ARGS)
    if not isinstance(grads, dict):
        raise AssertionError(f"return a dict with the keys {STEP_KEYS}, but your function returned {feedback.describe(grads)}.")
    _expect_dict(grads, STEP_KEYS, "the result")
    return {**{k: feedback.to_array(grads[k], k) for k in STEP_KEYS}, CHANGED: np.array(changed)}


@naming_case(lambda case: shapes_of(case, ["x_t", "h_prev"]))
def q1_verify(case, payload):
    import tensorflow as tf

    feedback.expect_unchanged(payload)
    dh, x, h_prev, h_t, W_xh, W_hh, b_h = (case[k] for k in [*STEP_ARGS, "b_h"])
    n_h, n_x = W_xh.shape
    batch = x.shape[0]
    shapes = {"dx_t": (batch, n_x), "dh_prev": (batch, n_h), "dW_xh": (n_h, n_x), "dW_hh": (n_h, n_h), "db_h": (n_h,)}
    hints = {
        "db_h": {(batch, n_h): "Sum over the batch: b_h is shared by every example."},
        "dW_xh": {(n_x, n_h): "That is Keras's kernel layout; the book's W_xh is (num_hiddens, num_inputs): dW_xh = da.T @ x_t."},
        "dx_t": {(batch, n_h): "dx_t has one entry per input feature: da @ W_xh."},
    }
    for key in STEP_KEYS:
        expect_shape(payload[key], shapes[key], key, hints.get(key))

    variables = [tf.Variable(v) for v in (x, h_prev, W_xh, W_hh, b_h)]
    with tf.GradientTape() as tape:
        xv, hv, Wx, Wh, b = variables
        h = tf.tanh(tf.matmul(xv, Wx, transpose_b=True) + tf.matmul(hv, Wh, transpose_b=True) + b)  # (batch, num_hiddens)
        loss = tf.reduce_sum(dh * h)  # so that dL/dh_t = dh
    expected = dict(zip(STEP_KEYS, (np.asarray(g) for g in tape.gradient(loss, variables))))

    da = dh * (1 - h_t**2)  # (batch, num_hiddens): only to compute the known mistakes
    missing = dh  # (batch, num_hiddens): the tanh derivative forgotten
    twice = dh * (1 - np.tanh(h_t) ** 2)  # (batch, num_hiddens): tanh applied to h_t again
    common = {
        "the tanh derivative (1 - h_t**2) is missing.": lambda d: d["missing"],
        "tanh is applied twice: h_t is already tanh(a_t), so dtanh/da = 1 - h_t**2, not 1 - tanh(h_t)**2.": lambda d: d["twice"],
    }
    values = {
        "dx_t": lambda a: a @ W_xh, "dh_prev": lambda a: a @ W_hh, "dW_xh": lambda a: a.T @ x,
        "dW_hh": lambda a: a.T @ h_prev, "db_h": lambda a: a.sum(axis=0),
    }
    for key in STEP_KEYS:
        f = values[key]
        suspects = {hint: f(pick({"missing": missing, "twice": twice})) for hint, pick in common.items()}
        if key in ("dW_xh", "dW_hh", "db_h"):
            suspects["it is averaged over the batch; sum over the batch instead: the loss is a sum."] = f(da) / batch
        if key == "dh_prev":
            suspects["W_hh is transposed: dh_prev = da @ W_hh, since the forward step is h_prev @ W_hh.T."] = da @ W_hh.T
        if key == "dW_hh":
            suspects["it is transposed: dW_hh = da.T @ h_prev."] = h_prev.T @ da
            suspects["da_t is paired with the wrong state: dW_hh = da_t.T @ h_prev (the state that entered the step), not h_t."] = da.T @ h_t
        expect_close(payload[key], expected[key], key, suspects, atol=1e-8)


# --- q2: BPTT of a padded batch, many-to-one ------------------------------------------

BPTT_ARGS = ["X", "Y", "lengths", "h0", "W_xh", "W_hh", "b_h", "W_hy", "b_y"]
GRAD_KEYS = ["dW_xh", "dW_hh", "db_h", "dW_hy", "db_y", "dh0"]


def q2_cases(hidden: bool) -> list[dict]:
    # batch, num_steps, num_inputs, num_hiddens, num_outputs, seed, lengths
    specs = [(2, 5, 3, 4, 2, 41, [5, 2]), (3, 7, 2, 5, 1, 44, [7, 1, 5])]
    if hidden:
        specs += [(1, 1, 2, 3, 1, 42, [1]), (3, 9, 2, 6, 3, 43, [9, 9, 9]), (4, 8, 2, 4, 2, 45, [3, 8, 1, 6])]
    return [_rnn_case(*spec) for spec in specs]


def q2_run(answer, case):
    grads, changed = feedback.call(answer, case, BPTT_ARGS)
    if not isinstance(grads, dict):
        raise AssertionError(f"return a dict with the keys {GRAD_KEYS}, but your function returned {feedback.describe(grads)}.")
    _expect_dict(grads, GRAD_KEYS, "the result")
    return {**{k: feedback.to_array(grads[k], f"the gradient {k}") for k in GRAD_KEYS}, CHANGED: np.array(changed)}


def _bptt_numpy(case: dict, mistake: str | None = None, lengths=None) -> dict:
    """Many-to-one BPTT of a padded batch in numpy, with one known mistake made on purpose
    (None: none) or other `lengths`, to name a wrong answer."""
    X, Y, _, h0, W_xh, W_hh, b_h, W_hy, b_y = (case[k] for k in BPTT_ARGS)
    T = X.shape[1]
    lengths = case["lengths"] if lengths is None else lengths
    if mistake == "no mask":
        lengths = np.full_like(lengths, T)
    real = (np.arange(T) < lengths[:, None]).astype(float)  # (batch, num_steps)
    H, h = [], h0
    for t in range(T):
        r = real[:, t : t + 1]  # (batch, 1): 1 where step t is real, 0 past the end
        kept = 0 if mistake == "zeroed" else (1 - r) * h  # past the end the state is copied
        h = r * np.tanh(X[:, t] @ W_xh.T + h @ W_hh.T + b_h) + kept  # (batch, num_hiddens)
        H.append(h)
    dy = h @ W_hy.T + b_y - Y  # (batch, num_outputs): at each sequence's last real state
    g = {"dW_xh": 0 * W_xh, "dW_hh": 0 * W_hh, "db_h": 0 * b_h, "dW_hy": dy.T @ h, "db_y": dy.sum(axis=0)}
    dh = dy @ W_hy  # (batch, num_hiddens): dL/dh_T
    for t in reversed(range(T)):
        r = 1.0 if mistake == "padded steps through tanh" else real[:, t : t + 1]  # (batch, 1)
        into_tanh = dh if mistake == "tanh and copy" else r * dh  # (batch, num_hiddens)
        da = into_tanh * (1 - (np.tanh(H[t]) if mistake == "tanh twice" else H[t]) ** 2)  # (batch, num_hiddens)
        if mistake == "off by one":
            h_prev = H[t]
        elif mistake == "wrap":
            h_prev = H[t - 1]  # at t = 0 this is H[-1], the last state
        else:
            h_prev = H[t - 1] if t > 0 else h0
        g["dW_xh"] = g["dW_xh"] + da.T @ X[:, t]
        g["dW_hh"] = g["dW_hh"] + da.T @ h_prev
        g["db_h"] = g["db_h"] + da.sum(axis=0)
        through = 0 if mistake == "no recurrence" else da @ (W_hh.T if mistake == "W_hh.T" else W_hh)
        copied = 0 if mistake == "copies stop the gradient" else (1 - r) * dh  # a copied state passes dh on
        dh = through + copied
    g["dh0"] = dh
    return g


BPTT_MISTAKES = {
    "no mask": "the lengths are ignored: the padded steps update the state, and the loss reads the state after "
               "all num_steps steps instead of each sequence's last real state.",
    "padded steps through tanh": "the gradient goes through the padded steps as if they were tanh steps: there the "
                                 "state was copied, h_t = h_{t-1}, so dL/dh_{t-1} receives dL/dh_t unchanged and no "
                                 "weight gradient.",
    "copies stop the gradient": "no gradient passes through the padded steps: a copied state h_t = h_{t-1} passes "
                                "dL/dh_t on to h_{t-1} unchanged, so a short sequence's last real step receives it.",
    "zeroed": "past each end the state is set to 0; a mask copies it instead (h_t = h_{t-1}), so that the last state "
              "is the state after the last real step.",
    "tanh and copy": "at a padded step the gradient goes both through the tanh step and along the copy: a padded "
                     "step only copied the state, so dL/dh_t passes on unchanged, and nothing goes through tanh.",
    "no recurrence": "the gradient does not flow back through time: dL/dh_{t-1} receives da_t @ W_hh from step t.",
    "tanh twice": "tanh is applied twice: h_t is already tanh(a_t), so the derivative is 1 - h_t**2, not 1 - tanh(h_t)**2.",
    "off by one": "the states are off by one: dW_hh pairs da_t with h_{t-1}, the state that entered step t, not with h_t.",
    "wrap": "at t = 0 the previous state is h0, but H[t-1] wraps around to the last state H[-1].",
    "W_hh.T": "W_hh is transposed in the recurrence: dL/dh_{t-1} gets da_t @ W_hh (the forward pass is h @ W_hh.T).",
}


@naming_case(lambda case: f"{shapes_of(case, ['X', 'h0'])} and lengths {case['lengths'].tolist()}")
def q2_verify(case, payload):
    feedback.expect_unchanged(payload)
    expected = _keras_gradients(case)
    expected = {"d" + k: v for k, v in expected.items()}
    batch, n_y = case["Y"].shape
    for key in GRAD_KEYS:
        hints = {expected[key].T.shape: "It is transposed: gradients have the shape of their weights."} if expected[key].ndim == 2 and key != "dh0" else {}
        if key == "dh0":
            hints = {case["h0"].shape[1:]: "dh0 has the shape of h0, (batch, num_hiddens): one row per example, not summed."}
        expect_shape(payload[key], expected[key].shape, f"the gradient {key}", hints)
    wrong = {m: _bptt_numpy(case, m) for m in BPTT_MISTAKES}
    T = case["X"].shape[1]
    # a mask that counts one step too many or too few
    shifted = {shift: _bptt_numpy(case, lengths=np.clip(case["lengths"] + shift, 1, T)) for shift in (1, -1)}
    for key in GRAD_KEYS:
        suspects = {hint: wrong[m][key] for m, hint in BPTT_MISTAKES.items()}
        # dh0 comes last: the weights' gradients are right, so a zero dh0 was left at zero
        named = key != "dh0" and any(np.allclose(payload[key], v) for v in suspects.values())
        if not np.any(payload[key]) and np.any(expected[key]) and not named:
            where = "return the dh left after the loop reaches step 0" if key == "dh0" else "add each step's contribution to it"
            raise AssertionError(f"the gradient {key} is all zeros: {where}.")
        for shift, variant in shifted.items():
            suspects[f"the mask is off by one ({'a step too many' if shift > 0 else 'a step too few'}): with t "
                     "counted from 0 in the code, step t of sequence b is real when t < lengths[b] "
                     "(np.arange(num_steps) < lengths[:, None])."] = variant[key]
        suspects["the loss is averaged over the batch, not summed: L = 1/2 sum over the batch."] = expected[key] / batch
        suspects["the loss is divided by the number of real steps; L = 1/2 sum over the batch only."] = \
            expected[key] / case["lengths"].sum()
        suspects["the loss is averaged over every number, not summed."] = expected[key] / (batch * n_y)
        suspects["the factor 1/2 is missing from the loss, or counted twice."] = 2 * expected[key]
        if key == "dW_hh":
            suspects["dW_hh is transposed: it pairs da_t (rows) with h_{t-1} (columns), da.T @ h_prev."] = expected[key].T
        expect_close(payload[key], expected[key], f"the gradient {key}", suspects, atol=1e-8)


# --- q3: real-time recurrent learning -------------------------------------------------
# The gradient of W_hh carried forward in time, never backward. The expected running
# gradients come from tf.GradientTape through keras.layers.SimpleRNN and Dense in float64.

RTRL_ARGS = ["X", "Y", "h0", "W_xh", "W_hh", "b_h", "W_hy", "b_y"]
RUNNING = "the array of running gradients"


def q3_cases(hidden: bool) -> list[dict]:
    # batch, num_steps, num_inputs, num_hiddens, num_outputs, seed
    specs = [(2, 5, 2, 3, 4, 51), (3, 7, 3, 4, 1, 52)]  # on the first, no two sizes alike
    if hidden:
        specs += [(1, 1, 2, 2, 1, 53), (4, 8, 2, 5, 3, 54), (2, 6, 1, 1, 1, 55)]
    return [_rnn_case(*spec, recurrent_scale=0.6) for spec in specs]


def q3_run(answer, case):
    running, changed = feedback.call(answer, case, RTRL_ARGS)
    hint = "Stack the gradients into one array of shape (num_steps, num_hiddens, num_hiddens): np.array(them)."
    return {"running": feedback.to_array(running, RUNNING, hint), CHANGED: np.array(changed)}


def _keras_running_gradients(case: dict) -> np.ndarray:
    """d(l_1 + ... + l_t)/dW_hh for every t, l_t = 1/2 sum over the batch of |y_hat_t - y_t|^2,
    by tf.GradientTape through keras.layers.SimpleRNN and Dense in float64: (num_steps, n_h, n_h)."""
    import keras
    import tensorflow as tf

    X, W_hh = case["X"], case["W_hh"]
    rnn = keras.layers.SimpleRNN(W_hh.shape[0], return_sequences=True, dtype="float64")
    rnn.build(X.shape)
    rnn.set_weights([case["W_xh"].T, W_hh.T, case["b_h"]])
    dense = keras.layers.Dense(case["W_hy"].shape[0], dtype="float64")
    dense.build((None, W_hh.shape[0]))
    dense.set_weights([case["W_hy"].T, case["b_y"]])
    recurrent = rnn.weights[1]  # W_hh.T, Keras's layout
    with tf.GradientTape(persistent=True) as tape:
        Y_hat = dense(rnn(tf.constant(X), initial_state=[tf.constant(case["h0"])]))  # (batch, num_steps, n_y)
        losses = 0.5 * tf.reduce_sum((Y_hat - case["Y"]) ** 2, axis=[0, 2])  # (num_steps,): l_t
        running = tf.cumsum(losses)  # (num_steps,): l_1 + ... + l_t
    jacobian = np.asarray(tape.jacobian(running, recurrent, experimental_use_pfor=False))  # (num_steps, n_h, n_h)
    return np.transpose(jacobian, (0, 2, 1))  # the book's layout, W_hh not W_hh.T


def _rtrl_numpy(case: dict, mistake: str | None = None) -> np.ndarray:
    """RTRL with one known mistake made on purpose (None: none), to name a wrong answer."""
    X, Y, h0, W_xh, W_hh, b_h, W_hy, b_y = (case[k] for k in RTRL_ARGS)
    batch, T, _ = X.shape
    n = W_hh.shape[0]
    P = np.zeros((batch, n, n, n))  # (batch, n_h, n_h, n_h): P[b, i, j, k] = dh_t[b, i] / dW_hh[j, k]
    W = W_hh.T if mistake == "W_hh.T" else W_hh  # (n_h, n_h)
    h, total, running = h0, np.zeros((n, n)), []
    for t in range(T):
        h_new = np.tanh(X[:, t] @ W_xh.T + h @ W_hh.T + b_h)  # (batch, n_h)
        entering = h_new if mistake == "h_t" else h  # (batch, n_h): the state that W_hh multiplied
        direct = np.eye(n)[None, :, :, None] * entering[:, None, None, :]  # (batch, n_h, n_h, n_h)
        carried = np.einsum("im,bmjk->bijk", W, P)  # (batch, n_h, n_h, n_h)
        if mistake in ("no carry", "matmul"):
            carried = 0 if mistake == "no carry" else W @ P  # W @ P: over the last two axes of P
        slope = {"no tanh derivative": np.ones_like(h), "tanh twice": 1 - np.tanh(h_new) ** 2,
                 "slope at h_{t-1}": 1 - h**2}.get(mistake, 1 - h_new**2)[:, :, None, None]  # (batch, n_h, 1, 1)
        P = slope * direct + carried if mistake == "derivative on the direct term" else slope * (direct + carried)
        h = h_new
        e = (h @ W_hy.T + b_y - Y[:, t]) @ W_hy  # (batch, n_h): dl_t/dh_t
        step = np.einsum("bi,bijk->jk", e, P)  # (n_h, n_h): dl_t/dW_hh
        total = step if mistake == "not summed" else total + step
        running.append(total)
    return np.array(running)  # (num_steps, n_h, n_h)


RTRL_MISTAKES = {
    "no carry": "the sensitivity forgets the past: W_hh reaches h_t also through h_{t-1}, so P_t needs the carried "
                "term W_hh @ P_{t-1}. Without it each step sees only its own last step (truncation to one step).",
    "W_hh.T": "W_hh is transposed in the carried term: dh_t/dh_{t-1} = diag(1 - h_t**2) @ W_hh in the book's layout, "
              "so unit i of h_t collects sum over m of W_hh[i, m] P_{t-1}[m, j, k].",
    "matmul": "W_hh @ P multiplies the last two axes of P (the weight's indices j, k); the carried term sums over "
              "the unit index of h_{t-1}: sum over m of W_hh[i, m] P[b, m, j, k], np.einsum('im,bmjk->bijk', W_hh, P).",
    "no tanh derivative": "the tanh derivative (1 - h_t**2) is missing: P_t = diag(1 - h_t**2) (direct + carried).",
    "tanh twice": "tanh is applied twice: h_t is already tanh(a_t), so the derivative is 1 - h_t**2, not 1 - tanh(h_t)**2.",
    "slope at h_{t-1}": "the tanh derivative is taken at h_{t-1}; it belongs to step t: 1 - h_t**2, with the new state.",
    "derivative on the direct term": "the tanh derivative multiplies only the direct term: both terms are "
                                     "derivatives of a_t, and h_t = tanh(a_t), so (1 - h_t**2) multiplies their sum.",
    "h_t": "the direct term pairs unit j with h_t; W_hh[j, k] multiplies h_{t-1}[k], the state that entered step t.",
    "not summed": "entry t is the gradient of the loss up to step t, l_1 + ... + l_t, not of l_t alone: add each "
                  "step's gradient to a running total.",
}


@naming_case(lambda case: shapes_of(case, ["X", "W_hh"]))
def q3_verify(case, payload):
    feedback.expect_unchanged(payload)
    batch, T, _ = case["X"].shape
    n, n_y = case["W_hh"].shape[0], case["Y"].shape[2]
    got = payload["running"]
    per_step = "Return one gradient per step, (num_steps, num_hiddens, num_hiddens)"
    expect_shape(got, (T, n, n), RUNNING, {
        (n, n): f"{per_step}: entry t - 1 is the gradient of the loss up to step t, and the last one is BPTT's "
                "dW_hh (with one step it is still (1, num_hiddens, num_hiddens): do not squeeze).",
        (T - 1, n, n): f"{per_step}: one entry is missing; there are num_steps of them, for t = 1 .. num_steps.",
        (T + 1, n, n): f"{per_step}, t = 1 .. num_steps: the gradient before any step (0) is not one of them.",
        (T, batch, n, n): f"{per_step}: sum each over the batch.",
        (batch, n, n, n): "That is the shape of the sensitivity P; return the running gradients of the loss.",
    })
    expected = _keras_running_gradients(case)
    suspects = {hint: _rtrl_numpy(case, m) for m, hint in RTRL_MISTAKES.items()}
    suspects["every entry is the final gradient: `total += step` changes the array in place, so the list holds the "
             "same array num_steps times. Write total = total + step, or append total.copy()."] = \
        np.broadcast_to(expected[-1], expected.shape)
    suspects["each gradient is transposed: entry [j, k] is dL/dW_hh[j, k], unit j's weight from unit k."] = \
        np.transpose(expected, (0, 2, 1))
    suspects["the loss is averaged over the batch, not summed: L = 1/2 sum over the batch and the steps."] = \
        expected / batch
    suspects["the loss is averaged over the outputs (as Keras's mean squared error is); here it is a sum: "
             "l_t = 1/2 sum over the batch of |y_hat - y|^2."] = expected / n_y
    suspects["the loss of each step is averaged over the batch and the outputs; here it is summed over both."] = \
        expected / (batch * n_y)
    suspects["entry t - 1 is the mean of l_1 .. l_t's gradients; it is their sum."] = \
        expected / np.arange(1, T + 1)[:, None, None]
    suspects["the factor 1/2 is missing from the loss, or counted twice."] = 2 * expected
    suspects["the running total is shifted by one step: entry t - 1 includes l_t, the loss at step t."] = \
        np.concatenate([np.zeros((1, n, n)), expected[:-1]])
    if np.allclose(got[0], expected[0], atol=1e-8):  # where to look: the first step needs no P_{t-1}
        where = ("Entry 0 is right, and at the first step P_0 = 0, so the direct term, the tanh derivative and "
                 "dl/dh_t are right: look at the carried term W_hh P_{t-1} and at the running sum.")
    else:
        where = ("Entry 0, the first step, is already wrong, and there P_0 = 0: look at the forward step, the "
                 "direct term, the tanh derivative and dl_t/dh_t (W_hy.T times the output error).")
    expect_close(got, expected, RUNNING, suspects, atol=1e-8, otherwise=where)


# --- q4: clipping each gradient by its own norm ----------------------------------------
# Keras's `clipnorm` clips every variable's gradient by that gradient's own norm, where
# `global_clipnorm` (chapters 2 and 3) scales them all by one factor. The expected arrays
# come from a Keras optimizer with clipnorm, so the answer is checked against Keras itself.

def q4_cases(hidden: bool) -> list[dict]:
    # shapes, scales, max_norm, seed (None: all zeros, a gradient of norm 0)
    specs = [([(3, 4), (4,), (2, 2)], [2.0, 0.1, 1.0], 1.0, 61), ([(5,), (2, 3)], [2.0, 2.0], 100.0, 62),
             ([(2, 2), (3,)], [1.0, 1.0], 1.0, None)]
    if hidden:
        specs += [([(1,)], [1.0], 0.5, 63), ([(4, 4), (4,), (3, 4), (3,)], [3.0, 0.05, 1.0, 0.2], 2.5, 64),
                  ([(2, 1, 3)], [1.0], 0.1, 65)]
    cases = []
    for shapes, scales, max_norm, seed in specs:
        rng = np.random.default_rng(seed)
        grads = {f"g{i}": (rng.normal(scale=c, size=s) if seed is not None else np.zeros(s))
                 for i, (s, c) in enumerate(zip(shapes, scales))}
        cases.append({**grads, "max_norm": max_norm})
    return cases


def _grads(case: dict) -> list[np.ndarray]:
    return [case[f"g{i}"] for i in range(len(case) - 1)]


def q4_run(answer, case):
    result, changed = feedback.call(answer, {"grads": _grads(case), "max_norm": case["max_norm"]}, ["grads", "max_norm"])
    if not (isinstance(result, tuple) and len(result) == 2 and isinstance(result[0], (list, tuple))):
        raise AssertionError(
            "return a pair (clipped, cosine): the list of clipped arrays and the cosine between the whole clipped "
            f"gradient and the whole original one; your function returned {feedback.describe(result)}."
        )
    clipped, cosine = result
    return {
        **{f"g{i}": feedback.to_array(g, f"clipped gradient {i}") for i, g in enumerate(clipped)},
        "cosine": feedback.to_float(cosine, "the cosine"),
        CHANGED: np.array(changed),
    }


def keras_clipnorm(grads: list[np.ndarray], max_norm: float) -> list[np.ndarray]:
    """The gradients as a Keras optimizer with clipnorm=max_norm applies them: one SGD step
    of learning rate 1 from zero weights moves each weight by minus its clipped gradient."""
    import keras

    weights = [keras.Variable(np.zeros_like(g), dtype="float64") for g in grads]
    keras.optimizers.SGD(learning_rate=1.0, clipnorm=max_norm).apply(list(grads), weights)
    return [-np.asarray(w) for w in weights]


def _cosine(a: list[np.ndarray], b: list[np.ndarray]) -> float:
    u, v = (np.concatenate([np.ravel(x) for x in arrays]) for arrays in (a, b))
    norms = np.linalg.norm(u) * np.linalg.norm(v)
    return float(u @ v / norms) if norms > 0 else 1.0


@naming_case(lambda case: f"{len(case) - 1} arrays of shapes {', '.join(str(g.shape) for g in _grads(case))} and max_norm={case['max_norm']}")
def q4_verify(case, payload):
    feedback.expect_unchanged(payload)
    grads, max_norm = _grads(case), case["max_norm"]
    got = [payload[k] for k in sorted((k for k in payload if k.startswith("g")), key=lambda k: int(k[1:]))]
    if len(got) != len(grads):
        raise AssertionError(f"expected {len(grads)} clipped gradients, one per input gradient; got {len(got)}.")
    expected = keras_clipnorm(grads, max_norm)
    global_norm = float(np.sqrt(sum(np.sum(g**2) for g in grads)))
    by_global = [g * max_norm / max(global_norm, max_norm) for g in grads]
    for i, (g, e) in enumerate(zip(grads, expected)):
        expect_shape(got[i], g.shape, f"clipped gradient {i}")
        norm = np.linalg.norm(g)
        suspects = {
            "that is clipping by the global norm (chapter 2's function): here each array is scaled by its own "
            "factor, max_norm / (its own norm), as Keras's clipnorm does.": by_global[i],
            "gradients are clipped by value; clip each array by its norm.": np.clip(g, -max_norm, max_norm),
            "the norm without its square root was used for the factor: scale by max_norm / sqrt(sum of squares).":
                g * min(1.0, max_norm / norm**2) if norm > 0 else g,
        }
        if norm > 0:
            suspects["an array whose norm is already below max_norm must be left unchanged."] = g * max_norm / norm
        expect_close(got[i], e, f"clipped gradient {i}", suspects, atol=1e-12, rtol=1e-9)
    cosine = _cosine(expected, grads)
    expect_close(payload["cosine"], np.float64(cosine), "the cosine", {
        "that is the dot product, not divided by the two norms.":
            float(sum(np.sum(a * b) for a, b in zip(expected, grads))),
        "that is one minus the cosine.": 1 - cosine,
        "1 is the cosine of any one array with its own clipped copy (or the mean of those): take the cosine of "
        "the whole gradients, every array flattened and concatenated into one vector.": 1.0 if cosine < 1 - 1e-6 else None,
    }, atol=1e-12, rtol=1e-9)


QUESTIONS = [
    Question(id="02.q1", title="the backward pass of one step", points=2, function_name="rnn_step_backward",
             cases=q1_cases, run=q1_run, verify=q1_verify),
    Question(id="02.q2", title="backpropagation through time for a padded batch, many-to-one", points=2, function_name="bptt_padded",
             cases=q2_cases, run=q2_run, verify=q2_verify),
    Question(id="02.q3", title="real-time recurrent learning", points=2, function_name="rtrl_running_gradients",
             cases=q3_cases, run=q3_run, verify=q3_verify),
    Question(id="02.q4", title="clipping each gradient by its own norm", points=2, function_name="clip_each_by_norm",
             cases=q4_cases, run=q4_run, verify=q4_verify),
]
