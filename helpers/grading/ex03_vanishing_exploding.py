"""Exercise 3, vanishing and exploding gradients: the questions and their tests.

Expected Jacobians come from tf.GradientTape through keras.layers.SimpleRNNCell (with a leak), expected
growth rates from a renormalised product in float64, a clipping threshold is judged by
training the exploding setup with it, and an IRNN by its gradients on the adding problem.
The other numpy lines compute only the values of known mistakes.
"""

from __future__ import annotations

import numpy as np

from helpers.grading import feedback
from helpers.grading.feedback import CHANGED, expect_close, naming_case, shapes_of
from helpers.grading.question import (
    Question,
    expect_shape,
    MODEL_ARGS,
    model_cases,
    rebuild_model,
    run_model,
)



# --- q1: the Jacobian products of a leaky RNN ------------------------------------------
# h~_t = tanh(W_xh x_t + W_hh h_{t-1} + b_h), h_t = (1 - alpha) h_{t-1} + alpha h~_t. The
# expected Jacobians come from tf.GradientTape through keras.layers.SimpleRNNCell (for h~_t)
# and the leak written in TensorFlow, in float64.

JACOBIAN_ARGS = ["X", "W_xh", "W_hh", "b_h", "alpha"]
NORMS = "the array of norms"


def q1_cases(hidden: bool) -> list[dict]:
    # num_steps, num_inputs, num_hiddens, W_hh scale, alpha, seed
    specs = [(6, 2, 4, 1.5, 0.3, 71), (8, 3, 5, 0.6, 0.1, 72)]
    if hidden:
        specs += [(1, 1, 3, 1.0, 0.5, 73), (10, 2, 6, 2.5, 1.0, 74), (12, 2, 5, 0.9, 0.05, 75)]
    cases = []
    for T, n_x, n_h, scale, alpha, seed in specs:
        rng = np.random.default_rng(seed)
        cases.append({
            "X": rng.normal(scale=0.5, size=(T, n_x)),  # (num_steps, num_inputs): one sequence
            "W_xh": rng.normal(scale=0.5, size=(n_h, n_x)),  # (num_hiddens, num_inputs)
            "W_hh": scale * rng.normal(size=(n_h, n_h)) / np.sqrt(n_h),  # (num_hiddens, num_hiddens)
            "b_h": rng.normal(scale=0.1, size=(n_h,)),  # (num_hiddens,)
            "alpha": alpha,
        })
    return cases


def q1_run(answer, case):
    norms, changed = feedback.call(answer, case, JACOBIAN_ARGS)
    if np.iscomplexobj(norms):
        raise AssertionError("the norms should be real numbers, but your function returned complex ones: eigenvalues "
                             "are not asked for. The spectral norm is the largest singular value, np.linalg.norm(J, 2).")
    hint = "Stack them into one array of shape (num_steps,): np.array(norms)."
    return {"norms": feedback.to_array(norms, NORMS, hint), CHANGED: np.array(changed)}


def _numpy_products(X, W_xh, W_hh, b_h, alpha, mistake=None) -> np.ndarray:
    """The norms of d h_T / d h_{T-k} with one known mistake made on purpose, to name it."""
    n = W_hh.shape[0]
    kept = alpha if mistake == "alpha kept" else 1 - alpha  # the share of the old state
    h, states, candidates = np.zeros(n), [], []
    for x_t in X:
        candidate = np.tanh(W_xh @ x_t + W_hh @ h + b_h)  # (num_hiddens,): h~_t
        h = candidate if mistake == "no leak in the states" else kept * h + (1 - kept) * candidate
        states.append(h)
        candidates.append(candidate)
    if mistake == "slope off by one":  # the candidate of step j - 1 paired with factor j
        candidates = [np.zeros(n)] + candidates[:-1]
    W = W_hh.T if mistake == "transposed" else W_hh  # (num_hiddens, num_hiddens)
    keep, mix = {"swapped": (alpha, 1 - alpha), "no identity": (0.0, alpha),
                 "no alpha": (1 - alpha, 1.0)}.get(mistake, (kept, 1 - kept))
    identity = np.ones((n, n)) if mistake == "scalar leak" else np.eye(n)  # (num_hiddens, num_hiddens)
    factors = []  # d h_j / d h_{j-1} for j = T, ..., 1, each (num_hiddens, num_hiddens)
    for h_j, c_j in zip(reversed(states), reversed(candidates)):
        slope = 1 - {"derivative at h": h_j, "tanh twice": np.tanh(c_j)}.get(mistake, c_j) ** 2  # (num_hiddens,)
        # (num_hiddens, num_hiddens): diag(slope) @ W, or W @ diag(slope) for the columns mistake
        tanh_path = slope[None, :] * W if mistake == "columns" else slope[:, None] * W
        factors.append(keep * identity + mix * tanh_path)
    if mistake in ("single factors", "bound"):
        single = np.array([np.linalg.norm(F, 2) for F in factors])  # (num_steps,)
        return single if mistake == "single factors" else np.cumprod(single)
    J, norms = np.eye(n), []
    # d h_k / d h_0 for k = 1 .. T (chapter 3's products, forward) for "from the start"
    for F in reversed(factors) if mistake == "from the start" else factors:
        J = F @ J if mistake in ("reversed", "from the start") else J @ F
        norms.append(np.linalg.norm(J, 2))
    return np.array(norms)  # (num_steps,)


def _keras_jacobians(X, W_xh, W_hh, b_h, alpha) -> list[np.ndarray]:
    """d h_T / d h_{T-k} for k = 1..T, by tf.GradientTape through keras.layers.SimpleRNNCell
    and the leak, in float64."""
    import keras
    import tensorflow as tf

    cell = keras.layers.SimpleRNNCell(W_hh.shape[0], dtype="float64")
    cell.build((None, X.shape[1]))
    cell.set_weights([W_xh.T, W_hh.T, b_h])
    states = [tf.zeros((1, W_hh.shape[0]), dtype="float64")]  # h_0
    with tf.GradientTape(persistent=True) as tape:
        tape.watch(states[0])
        for t in range(X.shape[0]):
            candidate, _ = cell(tf.constant(X[None, t]), [states[-1]])  # (1, num_hiddens): h~_t
            states.append((1 - alpha) * states[-1] + alpha * candidate)  # (1, num_hiddens)
    T = X.shape[0]
    return [np.asarray(tape.jacobian(states[T], states[T - k], experimental_use_pfor=False))[0, :, 0, :]
            for k in range(1, T + 1)]


JACOBIAN_MISTAKES = {
    "reversed": "the factors are multiplied in reverse order: going back one step multiplies the product on the "
                "right, J = J @ factor_j, because the later steps stand on the left.",
    "transposed": "W_hh is transposed in the factors: dh~_j/dh_{j-1} = diag(1 - h~_j**2) @ W_hh in the book's layout "
                  "(h~_j = tanh(W_hh @ h_{j-1} + ...)).",
    "no identity": "the leak's own path is missing: h_{j-1} reaches h_j directly too, with weight 1 - alpha, so each "
                   "factor is (1 - alpha) I + alpha diag(1 - h~_j**2) W_hh.",
    "swapped": "alpha and 1 - alpha are swapped in the factors: the old state keeps the share 1 - alpha, the tanh "
               "candidate gets alpha.",
    "alpha kept": "alpha was read as the share the old state keeps; here alpha is the share of the tanh candidate: "
                  "h_t = (1 - alpha) h_{t-1} + alpha h~_t (papers differ on which share they call alpha).",
    "no alpha": "the tanh path lost its alpha: h_j = (1 - alpha) h_{j-1} + alpha h~_j, so that path is "
                "alpha diag(1 - h~_j**2) W_hh.",
    "scalar leak": "1 - alpha was added to every entry of the matrix: the leak's path is (1 - alpha) times the "
                   "identity matrix, (1 - alpha) * np.eye(num_hiddens).",
    "columns": "(1 - h~_j**2) * W_hh scales the columns of W_hh (NumPy broadcasts along the last axis); "
               "diag(1 - h~_j**2) @ W_hh scales its rows: (1 - h~_j**2)[:, None] * W_hh.",
    "derivative at h": "the tanh derivative is taken at the leaky state h_j; take it at the tanh's own output, "
                       "1 - h~_j**2, with h~_j = tanh(W_xh x_j + W_hh h_{j-1} + b_h).",
    "tanh twice": "tanh is applied twice: h~_j is already a tanh, so the derivative is 1 - h~_j**2, not "
                  "1 - tanh(h~_j)**2.",
    "slope off by one": "each factor uses the tanh derivative of the step before: factor j needs 1 - h~_j**2 of "
                        "step j itself.",
    "no leak in the states": "the states were computed without the leak (h_j = h~_j): run the leaky recurrence "
                             "forward first, h_j = (1 - alpha) h_{j-1} + alpha h~_j, keeping each h~_j.",
    "single factors": "these are the norms of the single factors d h_j / d h_{j-1}; entry k - 1 is the norm of "
                      "the product of the last k factors.",
    "bound": "that is the product of the factors' norms, an upper bound on the norm of their product (chapter 3): "
             "multiply the matrices, then take the norm.",
    "from the start": "these are the norms of d h_k / d h_0, k steps forward from the start; entry k - 1 is for "
                      "d h_T / d h_{T-k}, k steps back from the end.",
}


@naming_case(lambda case: f"{shapes_of(case, ['X', 'W_hh'])} and alpha={case['alpha']}")
def q1_verify(case, payload):
    feedback.expect_unchanged(payload)
    X, W_xh, W_hh, b_h, alpha = (case[k] for k in JACOBIAN_ARGS)
    T, n = X.shape[0], W_hh.shape[0]
    got = payload["norms"]
    one_per_step = "Return one norm per step back, k = 1 .. num_steps (num_steps is X.shape[0])"
    expect_shape(got, (T,), NORMS, {
        (T + 1,): f"{one_per_step}: one too many (the identity, k = 0, is not one of them).",
        (T - 1,): f"{one_per_step}: one is missing.",
        (X.shape[1],): f"{one_per_step}; X.shape[1] is num_inputs.",
        (T, n, n): "These are the Jacobians: return their spectral norms, np.linalg.norm(J, 2).",
    })
    jacobians = _keras_jacobians(X, W_xh, W_hh, b_h, alpha)
    expected = np.array([np.linalg.norm(J, 2) for J in jacobians])  # (num_steps,)
    suspects = {hint: _numpy_products(X, W_xh, W_hh, b_h, alpha, m) for m, hint in JACOBIAN_MISTAKES.items()}
    suspects["that is the Frobenius norm; use the spectral norm (the largest singular value), np.linalg.norm(J, 2)."] = \
        np.array([np.linalg.norm(J) for J in jacobians])
    suspects["that is the spectral radius (the largest |eigenvalue|); the spectral norm is the largest singular "
             "value, np.linalg.norm(J, 2). For a non-normal J they differ (chapter 3)."] = \
        np.array([np.max(np.abs(np.linalg.eigvals(J))) for J in jacobians])
    for order, words in ((1, "the 1-norm (the largest column sum)"), (np.inf, "the inf-norm (the largest row sum)")):
        suspects[f"that is {words}; use the spectral norm, np.linalg.norm(J, 2)."] = \
            np.array([np.linalg.norm(J, order) for J in jacobians])
    suspects["the tanh derivative is missing from each factor: these are the norms of ((1 - alpha) I + alpha W_hh)**k."] = \
        np.array([np.linalg.norm(np.linalg.matrix_power((1 - alpha) * np.eye(n) + alpha * W_hh, k), 2) for k in range(1, T + 1)])
    suspects["the order is reversed: entry k - 1 is for d h_T / d h_{T-k}, k steps back from the end."] = expected[::-1]
    suspects["each norm is taken before multiplying by its factor: entry k - 1 is the norm after k factors "
             "(the identity's norm 1 is not an entry)."] = np.concatenate([[1.0], expected[:-1]])
    expect_close(got, expected, NORMS, suspects, atol=1e-6)


# --- q2: the growth rate of ||W^n|| (Gelfand's formula, computed) ---------------------

def _rotation(radius: float) -> np.ndarray:
    return radius * np.array([[0.0, -1.0], [1.0, 0.0]])  # eigenvalues +-radius i


def q2_cases(hidden: bool) -> list[dict]:
    rng = np.random.default_rng(81)
    # radius 0.5, largest singular value above 3 (not normal): ||W^n|| stays above 1 for
    # n = 1 to 4, far above 0.5^n, and at n = 2000 it is about 1e-598, below any float64
    shear = np.array([[0.5, 0.0], [3.0, 0.5]])
    nilpotent = np.array([[0.0, 2.4], [0.0, 0.0]])  # norm 2.4, W^2 = 0 exactly: the rate is 0
    cases = [
        {"W": _rotation(0.9), "n": 50},
        {"W": shear, "n": 2000},
        {"W": 3 * rng.normal(size=(4, 4)) / 2, "n": 1000},  # radius near 3: W^1000 overflows
        {"W": nilpotent, "n": 30},
    ]
    if hidden:
        beyond_float128 = np.array([[0.01, 0.0], [3.0, 0.01]])  # ||W^2500|| about 1e-4996
        cases += [{"W": rng.normal(size=(6, 6)), "n": 500}, {"W": beyond_float128, "n": 2500},
                  {"W": np.array([[-2.0]]), "n": 10}, {"W": np.diag([0.3, -1.7, 1.2]), "n": 1}]
    return cases


ZERO_POWER = ("W^{n} is the zero matrix (its norm becomes 0 after a few factors, so dividing by it fails): "
              "return 0.0 when the norm of the product reaches 0.")


def q2_run(answer, case):
    W, n = case["W"], case["n"]
    try:
        rate, changed = feedback.call(answer, case, ["W", "n"])
    except AssertionError as error:
        failure = error.__cause__
        if isinstance(failure, (np.linalg.LinAlgError, FloatingPointError, ZeroDivisionError)) and \
                not np.any(np.linalg.matrix_power(W, n)):
            raise AssertionError(f"your function raised {type(failure).__name__}, and here " + ZERO_POWER.format(n=n)) from None
        raise
    return {"rate": feedback.to_float(rate, "the growth rate"), CHANGED: np.array(changed)}


def norm_growth_rate(W: np.ndarray, n: int, ord=2) -> float:
    """||W^n||^(1/n) in float64 without overflow: ||W^k|| = ||W^(k-1)|| * ||P W|| with
    P = W^(k-1) / ||W^(k-1)||, so the logs of the factors add up exactly. 0 if W^n = 0."""
    P, log_norm = np.eye(len(W)), 0.0  # (n_h, n_h)
    for _ in range(n):
        P = P @ W  # (n_h, n_h)
        size = np.linalg.norm(P, ord)
        if size == 0:
            return 0.0
        P, log_norm = P / size, log_norm + np.log(size)
    return float(np.exp(log_norm / n))


@naming_case(lambda case: (f"W = {np.array2string(case['W'], precision=2, separator=', ')}" if case["W"].size <= 4
                           else shapes_of(case, ["W"])) + f" and n = {case['n']}")
def q2_verify(case, payload):
    feedback.expect_unchanged(payload)
    W, n = case["W"], case["n"]
    got = payload["rate"]
    expect_shape(got, (), "the growth rate", {})
    expected = norm_growth_rate(W, n)
    radius = float(np.max(np.abs(np.linalg.eigvals(W))))
    if not np.isfinite(got) and expected == 0:
        raise AssertionError(f"the growth rate is {got}, but " + ZERO_POWER.format(n=n))
    if not np.isfinite(got) or (got == 0 and expected > 0):
        raise AssertionError(
            f"the growth rate is {got}: W^{n} {'overflows' if not np.isfinite(got) else 'underflows'} float64 "
            f"(its norm is about 10^{n * np.log10(expected):.0f}). Divide the product by its norm after each "
            "multiplication and add up the logs of those norms: the log of ||W^n|| is their sum. If you do, "
            "take the n-th root in the log domain, exp(log_norm / n), not exp(log_norm) ** (1 / n)."
        )
    with np.errstate(over="ignore", under="ignore"):
        suspects = {
            f"that is the spectral radius rho(W), the limit as n grows; the question asks for ||W^n||^(1/n) at "
            f"n = {n}.": radius,
            "that is ||W|| itself (n = 1).": np.linalg.norm(W, 2),
            "that uses the Frobenius norm; use the spectral norm, np.linalg.norm(P, 2).": norm_growth_rate(W, n, "fro"),
            "that uses the 1-norm (largest column sum); use the spectral norm, np.linalg.norm(P, 2).":
                norm_growth_rate(W, n, 1),
            "that uses the inf-norm (largest row sum); use the spectral norm, np.linalg.norm(P, 2).":
                norm_growth_rate(W, n, np.inf),
            "that is log ||W^n|| / n: take its exp.": np.log(expected) if expected > 0 else None,
            "that is 1, the norm of the renormalised product alone: add up the logs of the norms you divide by.": 1.0,
            "the sum of the logs is divided by n + 1; divide by n.": np.float64(expected) ** (n / (n + 1)),
            "the logs and the exp are of different bases (np.log2 with np.exp?): use np.log and np.exp.":
                np.float64(expected) ** (1 / np.log(2)),
            "take the n-th root: the rate is ||W^n|| ** (1 / n).": np.float64(expected) ** n,
            f"that is ||W^{n + 1}||^(1/{n}): one factor of W too many.": norm_growth_rate(W, n + 1) ** ((n + 1) / n),
        }
        if n > 1:
            suspects[f"that is ||W^{n - 1}||^(1/{n}): one factor of W too few."] = norm_growth_rate(W, n - 1) ** ((n - 1) / n)
    expect_close(got, np.float64(expected), "the growth rate", suspects, atol=1e-12, rtol=1e-8)


# --- q3: a clipping threshold that makes an exploding setup learn --------------------

# Chapter 3's exploding run: its first recurrent gradient is hundreds of times the Dense
# layer's, and the learning rate is far below what the Dense layer alone could bear
# (tools/seed_checks/ch03_vanishing_exploding.py checks both on these seeds).
EXPLODING = {"num_steps": 50, "num_hiddens": 16, "rho": 2.0, "input_scale": 0.1,
             "learning_rate": 0.02, "momentum": 0.9, "num_updates": 100}
CLIP_SEEDS = (0, 1, 2)
# "Learns" means: every loss finite, and the mean of the last 10 below this fraction of the
# persistence baseline (repeat the last value), the strongest simple baseline; without
# clipping the run ends above the baseline on every seed. Which thresholds pass is measured by
# `python -m tools.seed_checks 03` (reports/benchmarks.md).
LEARNED_BELOW = 0.95


def train_exploding_rnn(global_clipnorm=None, seed: int = 0) -> dict:
    """Train chapter 3's exploding setup; return {"losses": the loss of every update,
    "persistence": the MSE of repeating the last value, "mean": the MSE of predicting the mean}.

    A SimpleRNN of 16 units, W_hh starting as 2 x an orthogonal matrix and small input
    weights, reads 50 values of a noisy sine (helpers.data.noisy_sine) and predicts the
    next; full-batch SGD with momentum 0.9 and learning rate 0.02, 100 updates.
    `global_clipnorm` is passed to keras.optimizers.SGD (None: no clipping).
    """
    import keras
    import tensorflow as tf

    from helpers import data

    s = EXPLODING
    tf.config.experimental.enable_op_determinism()  # the grader's process must get the learner's numbers
    series = data.noisy_sine(num_points=300 + s["num_steps"], seed=seed)  # (300 + num_steps,)
    X, Y = data.next_value_windows(series, s["num_steps"])  # (300, num_steps, 1), (300,)
    baselines = {"persistence": float(np.mean((X[:, -1, 0] - Y) ** 2)), "mean": float(np.var(Y))}
    keras.utils.set_random_seed(seed)
    model = keras.Sequential([
        keras.Input(shape=(s["num_steps"], 1)),
        keras.layers.SimpleRNN(
            s["num_hiddens"],
            kernel_initializer=keras.initializers.RandomNormal(stddev=s["input_scale"]),
            recurrent_initializer=keras.initializers.Orthogonal(gain=s["rho"]),
        ),
        keras.layers.Dense(1),
    ])
    optimizer = keras.optimizers.SGD(s["learning_rate"], momentum=s["momentum"], global_clipnorm=global_clipnorm)
    Y = Y[:, None]  # (300, 1)

    @tf.function
    def train_step():
        with tf.GradientTape() as tape:
            loss = tf.reduce_mean(tf.square(model(X) - Y))
        grads = tape.gradient(loss, model.trainable_variables)
        optimizer.apply_gradients(zip(grads, model.trainable_variables))
        return loss

    losses = [float(train_step()) for _ in range(s["num_updates"])]
    return {"losses": losses, **baselines}


def learns(run: dict) -> bool:
    """Whether a run of train_exploding_rnn learned: finite, and its last 10 losses on average
    below LEARNED_BELOW x the persistence baseline."""
    losses = np.asarray(run["losses"])
    return bool(np.all(np.isfinite(losses)) and losses[-10:].mean() < LEARNED_BELOW * run["persistence"])


def q3_cases(hidden: bool) -> list[dict]:
    return [{}]  # the answer takes no input; the seeds are in CLIP_SEEDS


def q3_run(answer, case):
    value, _ = feedback.call(answer, case, [])
    return {"clipnorm": feedback.to_float(value, "the threshold")}


def q3_verify(case, payload):
    value = float(payload["clipnorm"])
    if not (np.isfinite(value) and value > 0):
        raise AssertionError(f"the threshold must be a positive number, got {value:g}.")
    for seed in CLIP_SEEDS:
        run = train_exploding_rnn(value, seed)
        losses = np.asarray(run["losses"])
        if not np.all(np.isfinite(losses)):
            raise AssertionError(f"with global_clipnorm={value:g} the loss for seed {seed} overflows: try a smaller threshold.")
        if not learns(run):
            raise AssertionError(
                f"with global_clipnorm={value:g}, seed {seed} ends at a loss of {losses[-10:].mean():.3f} (the mean of the "
                f"last 10 updates), not below {LEARNED_BELOW} x {run['persistence']:.3f}, the loss of repeating the last "
                "value: the model has not learned more than that. A threshold far above the first gradients' norms "
                "(hundreds) does not stop the explosion; one far below them makes every step tiny. Try others with "
                "train_exploding_rnn(global_clipnorm=..., seed=...)."
            )


# --- q4: an IRNN ----------------------------------------------------------------------
# Judged by what the initialisation does, not by its recipe: on the grader's own adding-
# problem sequences of length T = num_steps, the gradient of the output reaches the first
# step about as strongly as the last (a tanh SimpleRNN of Keras's defaults keeps at most
# about 1e-3 of it), and the states start small. The configuration only names the cause.
# At least 16 units: with 8, a few random starts of a right IRNN leave too few units on.

q4_cases = model_cases(visible=[(100, 2, 16, 1)], grader_only=[(150, 2, 32, 1), (120, 2, 16, 1)])
REACH = (0.1, 10.0)  # the first step's gradient over the last step's, for an IRNN about 1
QUIET = 0.2  # the largest root mean square of the final states (about 0.01-0.07 with stddev 0.001)


def q4_run(answer, case):
    import keras

    keras.utils.set_random_seed(0)  # the same initial weights however the notebook was run
    model, _ = feedback.call(answer, case, list(MODEL_ARGS))
    return feedback.model_payload(model)


def reach_and_loudness(model, rnn, X) -> tuple[float, float]:
    """How much of the output's gradient reaches the first step, relative to the last
    (norms over the batch and the inputs), and the root mean square of the final states."""
    import keras
    import tensorflow as tf

    x = tf.constant(X, dtype=tf.float32)  # (batch, num_steps, 2)
    with tf.GradientTape() as tape:
        tape.watch(x)
        total = tf.reduce_sum(model(x))
    per_step = np.linalg.norm(tape.gradient(total, x).numpy(), axis=(0, 2))  # (num_steps,)
    h_T = keras.Model(model.inputs, rnn.output)(x).numpy()  # (batch, num_hiddens)
    with np.errstate(divide="ignore", invalid="ignore"):  # no gradient at all: nan, said so by the caller
        reach = float(per_step[0] / per_step[-1])
    return reach, float(np.sqrt(np.mean(h_T**2)))


def tanh_reach(case, X) -> float:
    """The same measure for a SimpleRNN of Keras's defaults (tanh, orthogonal W_hh)."""
    import keras

    keras.utils.set_random_seed(0)
    rnn = keras.layers.SimpleRNN(case["num_hiddens"])
    model = keras.Sequential([keras.Input(shape=X.shape[1:]), rnn, keras.layers.Dense(case["num_outputs"])])
    return reach_and_loudness(model, rnn, X)[0]


@naming_case(lambda case: ", ".join(f"{k}={case[k]}" for k in MODEL_ARGS))
def q4_verify(case, payload):
    import keras

    from helpers import data

    T, n_x, n_h, n_y = (case[k] for k in MODEL_ARGS)
    model, weights = rebuild_model(payload, case)
    if tuple(model.outputs[0].shape) != (None, n_y):
        raise AssertionError(f"the model's output shape is {tuple(model.outputs[0].shape)}, expected (None, {n_y}).")
    model.set_weights(weights)
    rnns = [layer for layer in model.layers if isinstance(layer, keras.layers.SimpleRNN)]
    if len(rnns) != 1 or rnns[0].units != n_h:
        raise AssertionError(f"expected one SimpleRNN layer with {n_h} units, then a Dense layer.")
    rnn = rnns[0]
    denses = [layer for layer in model.layers if isinstance(layer, keras.layers.Dense)]
    if len(denses) != 1 or denses[0].get_config()["activation"] != "linear":
        found = denses[0].get_config()["activation"] if denses else "none"
        raise AssertionError(
            f"expected one Dense({n_y}) output layer with no activation (linear), found activation {found}: "
            "the output predicts a real number, which a relu (or any squashing) output cannot do."
        )
    if rnn.get_config()["activation"] != "relu":
        raise AssertionError(f"the SimpleRNN's activation is {rnn.get_config()['activation']}; an IRNN uses relu.")

    X, _ = data.adding_problem(num_samples=64, num_steps=T, seed=T)  # (64, T, 2)
    reach, loudness = reach_and_loudness(model, rnn, X)
    kernel, recurrent_kernel, bias = (np.asarray(w) for w in rnn.get_weights())
    spread = f"the input weights have standard deviation {np.std(kernel):.3g}"
    biases = [] if np.allclose(bias, 0) else [
        f"the biases do not start at zero (they range from {bias.min():.3g} to {bias.max():.3g})"]
    if not np.isfinite(reach):
        causes = [spread] + [b + ": a negative bias turns units off" for b in biases]
        raise AssertionError(
            f"on adding-problem sequences of {T} steps, no gradient reaches the inputs: every ReLU unit is off "
            "(a ReLU passes no gradient where its input is negative or zero). Check: " + "; ".join(causes)
            + ". An IRNN starts its input weights small and random, e.g. "
            "kernel_initializer=keras.initializers.RandomNormal(stddev=0.001), and its biases at zero."
        )
    if not REACH[0] <= reach <= REACH[1]:
        way = "vanished" if reach < REACH[0] else "exploded"
        causes = list(biases)
        if not np.allclose(recurrent_kernel, np.eye(n_h)):
            gain = np.linalg.norm(recurrent_kernel, 2)
            causes.insert(0, f"the recurrent weights do not start as the identity (their largest singular value is {gain:.3g})")
        raise AssertionError(
            f"on adding-problem sequences of {T} steps, the gradient of the output with respect to the first input "
            f"is {reach:.3g} times the one with respect to the last: it has {way} (an IRNN keeps about 1; a tanh "
            f"SimpleRNN of Keras's defaults keeps {tanh_reach(case, X):.1e}). "
            + ("Check: " + "; ".join(causes) + "." if causes else "")
        )
    if loudness > QUIET:
        causes = biases + [spread + "; use kernel_initializer=keras.initializers.RandomNormal(stddev=0.001)"]
        raise AssertionError(
            f"at the start, the final states have a root mean square of {loudness:.3g} on adding-problem sequences of "
            f"{T} steps (an IRNN's start small, below {QUIET}): with the identity, each step adds W_xh x_t + b_h to "
            "the state, so these must start small. Check: " + "; ".join(causes) + "."
        )


QUESTIONS = [
    Question(id="03.q1", title="the Jacobian products of a leaky RNN", points=2, function_name="leaky_jacobian_norms",
             cases=q1_cases, run=q1_run, verify=q1_verify),
    Question(id="03.q2", title="the growth rate of ||W^n||", points=2, function_name="norm_growth_rate",
             cases=q2_cases, run=q2_run, verify=q2_verify),
    Question(id="03.q3", title="a clipping threshold that makes an exploding RNN train", points=2, function_name="choose_global_clipnorm",
             cases=q3_cases, run=q3_run, verify=q3_verify),
    Question(id="03.q4", title="an IRNN", points=2, function_name="build_irnn",
             cases=q4_cases, run=q4_run, verify=q4_verify),
]
