"""The experiments that chapters 4 (LSTM) and 5 (GRU) share.

- `adding_experiment`: train a SimpleRNN, LSTM or GRU layer on chapter 3's adding problem,
  with one budget for all three, and measure it on separate test sequences after every epoch.
- `state_jacobian_norms`: the norms of d h_T / d h_t (and, for an LSTM, d c_T / d c_t)
  against the distance T - t, for one sequence, through a Keras cell.
- `epoch_cpu_seconds`: the CPU time of one training epoch of a layer.

Chapter 3 measured the Jacobian products of a SimpleRNN in NumPy; these functions measure
them through any Keras cell with `tf.GradientTape`, so that the three cells are measured
the same way. TensorFlow is imported inside the functions: `import helpers` stays light.
"""

from __future__ import annotations

import time

import numpy as np

from helpers.data.synthetic import adding_problem, adding_problem_baselines

# The one budget of chapters 4 and 5: small enough for a notebook on two CPU cores, large
# enough for an LSTM to solve the adding problem at T = 40 on every seed the seed checks try
# (reports/benchmarks.md).
BUDGET = {"num_hiddens": 32, "num_train": 3000, "num_test": 1000, "epochs": 8, "batch_size": 32, "learning_rate": 0.02}
CELLS = ("SimpleRNN", "LSTM", "GRU")


def adding_experiment(cell: str, num_steps: int = 40, seed: int = 0, num_hiddens: int = BUDGET["num_hiddens"],
                      num_train: int = BUDGET["num_train"], num_test: int = BUDGET["num_test"],
                      epochs: int = BUDGET["epochs"], batch_size: int = BUDGET["batch_size"],
                      learning_rate: float = BUDGET["learning_rate"], **layer_args) -> dict:
    """Train keras.Sequential([Input, <cell>(num_hiddens, **layer_args), Dense(1)]) on the adding problem.

    `cell` is "SimpleRNN", "LSTM" or "GRU". The data are `adding_problem(num_train + num_test,
    num_steps, seed)`, split into training and test sequences; the weights start from `seed`.
    Adam with `learning_rate`, MSE loss. The test set is only measured, after every epoch,
    never used to choose anything.

    Returns a dict: "model"; "initial_weights" (the recurrent layer's weights before training);
    "train_mse" and "test_mse" (one per epoch); "bounds" (`adding_problem_baselines`);
    "epochs_to_solve" (the first epoch whose test MSE is below a tenth of the marker-blind
    bound, or None); "X_test", "Y_test".
    """
    import keras

    if cell not in CELLS:
        raise ValueError(f"cell must be one of {CELLS}, got {cell!r}")
    X, Y = adding_problem(num_train + num_test, num_steps, seed=seed)  # (num_train + num_test, num_steps, 2), (...,)
    X_train, Y_train = X[:num_train], Y[:num_train]  # (num_train, num_steps, 2), (num_train,)
    X_test, Y_test = X[num_train:], Y[num_train:]  # (num_test, num_steps, 2), (num_test,)
    keras.utils.set_random_seed(seed)
    model = keras.Sequential([
        keras.Input(shape=(num_steps, 2)),
        getattr(keras.layers, cell)(num_hiddens, **layer_args),  # (batch, num_hiddens)
        keras.layers.Dense(1),  # (batch, 1)
    ])
    initial_weights = model.layers[0].get_weights()
    model.compile(optimizer=keras.optimizers.Adam(learning_rate), loss="mse")
    history = model.fit(X_train, Y_train, epochs=epochs, batch_size=batch_size, verbose=0,
                        validation_data=(X_test, Y_test), validation_batch_size=num_test)
    bounds = adding_problem_baselines(num_steps)
    test_mse = np.array(history.history["val_loss"])  # (epochs,)
    solved = np.flatnonzero(test_mse < bounds["marker_blind"] / 10)
    return {
        "model": model,
        "initial_weights": initial_weights,
        "train_mse": np.array(history.history["loss"]),  # (epochs,)
        "test_mse": test_mse,
        "bounds": bounds,
        "epochs_to_solve": int(solved[0]) + 1 if solved.size else None,
        "X_test": X_test,
        "Y_test": Y_test,
    }


def state_jacobian_norms(cell, X) -> dict:
    """Spectral norms of d h_T / d h_t (and d c_T / d c_t for an LSTM) for T - t = 0, 1, ..., num_steps.

    `cell` is a built Keras cell (`layer.cell` of a SimpleRNN, LSTM or GRU layer); `X` is one
    sequence (num_steps, num_inputs), run from the zero state. The state s_t is h_t, or
    (h_t, c_t) for an LSTM. The chain rule makes d s_T / d s_t the product of the one-step
    Jacobians d s_k / d s_{k-1}, k = t+1 .. T: they are computed in one batch with
    `tf.GradientTape.batch_jacobian` and multiplied here, later steps on the left.
    d c_T / d c_t is the block of that product that holds h_t fixed, as a partial derivative
    with respect to one part of the state should.

    Returns {"h": (num_steps + 1,)} and, for an LSTM, "c" of the same shape; entry k is
    the norm k steps back (entry 0 is the identity's, 1).
    """
    import keras
    import tensorflow as tf

    n = cell.units
    is_lstm = isinstance(cell, keras.layers.LSTMCell)
    size = 2 * n if is_lstm else n

    def split(S):  # the state as the cell takes it: [h] or [h, c]
        return [S[:, :n], S[:, n:]] if is_lstm else [S]

    X = tf.constant(np.asarray(X, dtype="float32"))  # (num_steps, num_inputs)
    S = [tf.zeros((1, size))]  # s_0 = 0
    for t in range(X.shape[0]):  # the forward pass: s_1 .. s_T
        S.append(tf.concat(cell(X[t : t + 1], split(S[-1]))[1], axis=1))  # (1, size)
    S_prev = tf.concat(S[:-1], axis=0)  # (num_steps, size): s_{k-1} for k = 1 .. T, as a batch
    with tf.GradientTape() as tape:
        tape.watch(S_prev)
        S_next = tf.concat(cell(X, split(S_prev))[1], axis=1)  # (num_steps, size): s_k
    J = tape.batch_jacobian(S_next, S_prev).numpy().astype(np.float64)  # (num_steps, size, size): ds_k/ds_{k-1}
    P = np.eye(size)  # (size, size): ds_T/ds_T
    products = [P]
    for J_k in J[::-1]:  # k = T, T-1, ..., 1
        P = P @ J_k  # (size, size): ds_T/ds_{k-1}
        products.append(P)
    P = np.array(products)  # (num_steps + 1, size, size)
    norms = {"h": np.linalg.norm(P[:, :n, :n], ord=2, axis=(1, 2))}  # (num_steps + 1,)
    if is_lstm:
        norms["c"] = np.linalg.norm(P[:, n:, n:], ord=2, axis=(1, 2))  # (num_steps + 1,)
    return norms


def epoch_cpu_seconds(cell: str, num_steps: int = 40, num_samples: int = 1024,
                      num_hiddens: int = BUDGET["num_hiddens"], batch_size: int = BUDGET["batch_size"],
                      epochs: int = 3, seed: int = 0) -> float:
    """CPU seconds (user + system, all threads) of one training epoch on `num_samples` adding-problem sequences.

    Builds the model of `adding_experiment`, trains one epoch to build and trace it, then
    times `epochs` more and returns the fastest: the least disturbed by other processes.
    """
    import keras

    X, Y = adding_problem(num_samples, num_steps, seed=seed)  # (num_samples, num_steps, 2), (num_samples,)
    keras.utils.set_random_seed(seed)
    model = keras.Sequential([
        keras.Input(shape=(num_steps, 2)),
        getattr(keras.layers, cell)(num_hiddens),
        keras.layers.Dense(1),
    ])
    model.compile(optimizer=keras.optimizers.Adam(BUDGET["learning_rate"]), loss="mse")
    model.fit(X, Y, epochs=1, batch_size=batch_size, verbose=0)  # builds and traces the training step
    times = []
    for _ in range(epochs):
        start = time.process_time()
        model.fit(X, Y, epochs=1, batch_size=batch_size, verbose=0)
        times.append(time.process_time() - start)
    return min(times)
