"""Exercise 7, forecasting: the questions and their tests.

- q1: windows of a chronological split, checked against keras.utils.timeseries_dataset_from_array.
- q2: the seasonal-naive forecast and its MASE, computed one value at a time.
- q3: a forecaster that the learner designs and trains. The grader trains nothing: it
  rebuilds the learner's trained model from its JSON config and weights, runs it on the
  continuation of the Mackey-Glass series that the learner never sees, and compares its
  error with the best linear autoregression's on the same targets.

The NumPy lines compute only the values of known mistakes, so that a message can name them.
"""

from __future__ import annotations

import time

import numpy as np

from helpers.grading.feedback import expect_close, model_payload, to_array
from helpers.grading.question import Question, call_answer, expect_shape, rebuild_model

TRAIN, VAL = 0.7, 0.15  # the split of q1, as helpers.data.chronological_split


def _split_sizes(n: int) -> tuple[int, int]:
    return int(n * TRAIN), int(n * VAL)


# --- q1: windows of a chronological split ----------------------------------------------

WINDOW_ARGS = ["series", "num_steps", "horizon"]
PARTS = ("train", "val", "test")


def q1_cases(hidden: bool) -> list[dict]:
    specs = [(120, 5, 2, 71)]  # (length, num_steps, horizon, seed)
    if hidden:
        specs += [(60, 3, 1, 72), (200, 12, 4, 73), (101, 7, 3, 74)]
    cases = []
    for n, num_steps, horizon, seed in specs:
        rng = np.random.default_rng(seed)
        trend = np.linspace(0, 3, n)  # a drift, so that fitting the scaler on everything shows
        series = 10 + trend + np.sin(np.arange(n) / 3) + 0.3 * rng.normal(size=n)  # (n,)
        cases.append({"series": series, "num_steps": num_steps, "horizon": horizon})
    return cases


def q1_run(answer, case):
    result = call_answer(answer, case, WINDOW_ARGS)
    if not isinstance(result, (tuple, list)) or len(result) != 6:
        raise AssertionError("return six arrays: X_train, Y_train, X_val, Y_val, X_test, Y_test.")
    names = [f"{a}_{p}" for p in PARTS for a in ("X", "Y")]
    return {name: to_array(value, name) for name, value in zip(names, result)}


def _keras_windows(z: np.ndarray, num_steps: int, horizon: int, start: int, stop: int):
    """The windows whose targets z[j:j + horizon] all lie in [start, stop), with the
    num_steps values before j as inputs, by keras.utils.timeseries_dataset_from_array."""
    import keras

    targets = np.lib.stride_tricks.sliding_window_view(z[num_steps:], horizon)  # targets[i]: window at i
    first = max(start - num_steps, 0)  # the first window whose first target is >= start
    last = stop - horizon - num_steps  # the last window whose targets end before stop
    dataset = keras.utils.timeseries_dataset_from_array(
        z[:, None], targets, sequence_length=num_steps, start_index=first, end_index=last + num_steps, batch_size=10**6
    )
    X, Y = next(iter(dataset))
    return np.asarray(X, dtype=np.float64), np.asarray(Y, dtype=np.float64)


def _all_parts(z, num_steps, horizon, n_train, n_val, cut=None):
    """The six arrays of a windowing; `cut` names a mistake to reproduce (for the hints)."""
    n = len(z)
    bounds = [(0, n_train), (n_train, n_train + n_val), (n_train + n_val, n)]
    out = {}
    for part, (start, stop) in zip(PARTS, bounds):
        if cut == "separately":  # chapter 1's rule: cut each part on its own
            X, Y = _numpy_windows(z[start:stop], num_steps, horizon)
        elif cut == "by start":  # the windows that *start* in the part: targets cross the split
            X, Y = _numpy_windows(z, num_steps, horizon)
            X, Y = X[start:stop], Y[start:stop]
        elif cut == "by fraction":  # all windows, the first 70 % to training and so on
            X, Y = _numpy_windows(z, num_steps, horizon)
            a, b = _split_sizes(len(X))
            X, Y = {"train": (X[:a], Y[:a]), "val": (X[a : a + b], Y[a : a + b]), "test": (X[a + b :], Y[a + b :])}[part]
        else:
            X, Y = _keras_windows(z, num_steps, horizon, start, stop)
        out[f"X_{part}"], out[f"Y_{part}"] = X, Y
    return out


def _numpy_windows(z, num_steps, horizon):
    """All windows of z, for the hints only: X (m, num_steps, 1), Y (m, horizon)."""
    m = len(z) - num_steps - horizon + 1
    X = np.stack([z[i : i + num_steps] for i in range(m)])[:, :, None]  # (m, num_steps, 1)
    Y = np.stack([z[i + num_steps : i + num_steps + horizon] for i in range(m)])  # (m, horizon)
    return X, Y


def q1_verify(case, payload):
    series, num_steps, horizon = (case[k] for k in WINDOW_ARGS)
    n_train, n_val = _split_sizes(len(series))
    train = series[:n_train]
    z = (series - train.mean()) / train.std()  # scaled with the training part's statistics
    expected = _all_parts(z, num_steps, horizon, n_train, n_val)
    z_all = (series - series.mean()) / series.std()  # the mistake: statistics of everything
    separately = _all_parts(z, num_steps, horizon, n_train, n_val, cut="separately")
    crossing = {
        "each window to the part where it starts": _all_parts(z, num_steps, horizon, n_train, n_val, cut="by start"),
        "the first 70 % of all windows to training, and so on": _all_parts(z, num_steps, horizon, n_train, n_val, cut="by fraction"),
    }
    for part in PARTS:
        X_name, Y_name = f"X_{part}", f"Y_{part}"
        m = len(expected[X_name])
        shape_hints = {(m, num_steps): "Add the feature axis: X has shape (num_windows, num_steps, 1)."}
        if part != "train":  # cutting each part on its own changes nothing for the first part
            shape_hints[separately[X_name].shape] = (
                f"The {part} part has too few windows: you cut each part on its own. A window may take its "
                "inputs from the end of the previous part (they are known when the forecast is made); only "
                "its targets must lie inside the part."
            )
        if part != "test":
            for how, parts in crossing.items():
                shape_hints.setdefault(parts[X_name].shape, (
                    f"Windows that cross the split: you gave {how}, so the targets of some {part} windows "
                    "lie in the next part. Give each window to the part that holds all of its targets."
                ))
        shape_hints.pop((m, num_steps, 1), None)
        expect_shape(payload[X_name], (m, num_steps, 1), X_name, shape_hints)
        expect_shape(payload[Y_name], (m, horizon), Y_name, {(m,): "Y holds the next `horizon` values: shape (num_windows, horizon)."})
    leaky = _all_parts(z_all, num_steps, horizon, n_train, n_val)
    for part in PARTS:
        X_name, Y_name = f"X_{part}", f"Y_{part}"
        X, Y = expected[X_name], expected[Y_name]
        shifted = np.concatenate([X[:, -1, :], Y[:, :-1]], axis=1)  # (m, horizon): one step early
        fitted_on_everything = "scaling fitted on everything: use the mean and standard deviation of the training part only."
        expect_close(payload[X_name], expected[X_name], X_name, {fitted_on_everything: leaky[X_name]})
        expect_close(
            payload[Y_name],
            expected[Y_name],
            Y_name,
            {
                fitted_on_everything: leaky[Y_name],
                "the targets are shifted by one step: Y[i, 0] should be the value right after the window, "
                "not its last value.": shifted,
            },
        )


# --- q2: the seasonal-naive forecast and its MASE --------------------------------------

SEASONAL_ARGS = ["series", "num_train", "season"]


def q2_cases(hidden: bool) -> list[dict]:
    specs = [(7, 70, 30, 81)]  # (season, num_train, num_test, seed)
    if hidden:
        specs += [(12, 60, 25, 82), (4, 20, 3, 83), (24, 100, 80, 84)]
    cases = []
    for season, num_train, num_test, seed in specs:
        rng = np.random.default_rng(seed)
        n = num_train + num_test
        t = np.arange(n)
        series = 5 + 0.02 * t + np.sin(2 * np.pi * t / season) + 0.3 * rng.normal(size=n)  # (n,)
        cases.append({"series": series, "num_train": num_train, "season": season})
    return cases


def q2_run(answer, case):
    result = call_answer(answer, case, SEASONAL_ARGS)
    if not isinstance(result, (tuple, list)) or len(result) != 2:
        raise AssertionError("return two things: the forecasts (an array) and the MASE (a number).")
    return {"forecast": to_array(result[0], "the forecasts"), "mase": to_array(result[1], "the MASE")}


def _shifted(series: np.ndarray, num_train: int, lag: int) -> np.ndarray:
    """series[t - lag] for every t after the training part, one value at a time."""
    return np.array([series[t - lag] for t in range(num_train, len(series))])


def q2_verify(case, payload):
    series, num_train, season = (case[k] for k in SEASONAL_ARGS)
    expected_forecast = _shifted(series, num_train, season)  # the value one season before
    y = series[num_train:]
    in_sample = [abs(series[t] - series[t - season]) for t in range(season, num_train)]
    scale = float(np.mean(in_sample))  # the seasonal naive's MAE inside the training part
    num_test = len(series) - num_train
    forecast, mase = payload["forecast"], payload["mase"]
    expect_shape(forecast, (num_test,), "the forecasts", {
        (num_test - season,): "Forecast every value after the training part, the first season too: "
                              "its forecasts are the last season of the training part.",
        (len(series),): "Forecast only the values after the training part.",
    })
    expect_close(forecast, expected_forecast, "the forecasts", {
        "they are shifted by one step: the forecast of y[t] is y[t - season], not y[t - season + 1].":
            _shifted(series, num_train, season - 1),
        "they are shifted by one step: the forecast of y[t] is y[t - season], not y[t - season - 1].":
            _shifted(series, num_train, season + 1),
        "that is the last value, y[t - 1]; the seasonal-naive forecast is y[t - season].": _shifted(series, num_train, 1),
    })
    mae = float(np.mean(np.abs(y - expected_forecast)))
    expect_shape(mase, (), "the MASE", {})
    test_scale = float(np.mean(np.abs(y[season:] - y[:-season]))) if num_test > season else None
    expect_close(mase, np.float64(mae / scale), "the MASE", {
        "it is scaled by the last-value error (season 1): scale by the seasonal-naive error inside the training part.":
            mae / float(np.mean(np.abs(np.diff(series[:num_train])))),
        "it is scaled by the errors of the whole series: use the training part only.":
            mae / float(np.mean(np.abs(series[season:] - series[:-season]))),
        "it is scaled by the test part's errors: use the training part, which is known when you forecast.":
            None if test_scale is None else mae / test_scale,
        "it is upside down: MASE = MAE of the forecasts / MAE of the seasonal naive inside the training part.": scale / mae,
        "that is the MAE; divide it by the seasonal-naive MAE inside the training part.": mae,
    }, atol=1e-8)


# --- q3: a forecaster, judged on data the learner never sees ---------------------------

NUM_TRAIN, NUM_HIDDEN = 1000, 500  # samples the learner gets; samples the grader keeps
SAMPLE_EVERY = 3.0  # Mackey-Glass time units per sample, as in chapter 7
HORIZON = 8  # forecast the value 8 samples (24 time units) after the window's last value
REFERENCE_LAGS = (8, 16, 32, 64, 128)  # the linear autoregressions the bar is set against
BAR = 0.25  # pass: MAE below BAR x the best of those linear models' MAE (seed checks: reports/benchmarks.md)
MAX_STEPS = 200


def full_series() -> np.ndarray:
    """The training series followed by its hidden continuation: (NUM_TRAIN + NUM_HIDDEN,)."""
    from helpers import data

    return data.mackey_glass(NUM_TRAIN + NUM_HIDDEN, sample_every=SAMPLE_EVERY)


def training_series() -> np.ndarray:
    """The series the learner trains on: the first NUM_TRAIN samples, (1000,)."""
    return full_series()[:NUM_TRAIN]


def _hidden_windows(series: np.ndarray, num_steps: int, shift: int = 0):
    """Windows of raw values whose target, HORIZON (+ shift) samples after their last value,
    is a hidden sample: X (NUM_HIDDEN, num_steps, 1) float32, y (NUM_HIDDEN,)."""
    targets = np.arange(NUM_TRAIN, NUM_TRAIN + NUM_HIDDEN)  # (NUM_HIDDEN,)
    ends = targets - HORIZON - shift + 1  # one past each window's last input
    if shift:
        keep = ends <= NUM_TRAIN + NUM_HIDDEN
        targets, ends = targets[keep], ends[keep]
    X = np.stack([series[e - num_steps : e] for e in ends])[:, :, None].astype("float32")
    return X, series[targets]


def linear_ar_mae(series: np.ndarray, lags: int) -> float:
    """Test MAE of a linear autoregression on `lags` samples, fitted by least squares on
    the training series, on the hidden targets."""
    train = series[:NUM_TRAIN]
    X = np.lib.stride_tricks.sliding_window_view(train[:-HORIZON], lags)  # (m, lags)
    Y = train[lags + HORIZON - 1 :]  # (m,)
    coef, *_ = np.linalg.lstsq(np.c_[X, np.ones(len(X))], Y, rcond=None)
    X_hidden, y_hidden = _hidden_windows(series, lags)
    return float(np.mean(np.abs(np.c_[X_hidden[:, :, 0], np.ones(len(X_hidden))] @ coef - y_hidden)))


def _rebuild(payload):
    """The learner's trained model, with its weights set (Keras classes only)."""
    model, weights = rebuild_model(payload, None)
    try:
        model.set_weights(weights)
    except Exception as error:
        raise AssertionError(f"the weights do not fit the model ({error})") from None
    return model


def _predict(model, X) -> np.ndarray:
    return np.asarray(model.predict(X, batch_size=512, verbose=0), dtype=np.float64).reshape(len(X))


def score_forecaster(model) -> dict:
    """The model's MAE on the hidden targets, the best reference linear AR's, and the time it took."""
    start = time.perf_counter()
    series = full_series()
    num_steps = model.inputs[0].shape[1]
    X, y = _hidden_windows(series, num_steps)
    mae = float(np.mean(np.abs(_predict(model, X) - y)))
    reference = min(linear_ar_mae(series, lags) for lags in REFERENCE_LAGS)
    return {"mae": mae, "linear_ar_mae": reference, "num_steps": num_steps, "seconds": time.perf_counter() - start}


def q3_cases(hidden: bool) -> list[dict]:
    return [{"series": training_series()}]


def q3_run(answer, case):
    return model_payload(call_answer(answer, case, ["series"]))


def q3_verify(case, payload):
    model = _rebuild(payload)
    input_shape, output_shape = tuple(model.inputs[0].shape), tuple(model.outputs[0].shape)
    num_steps = input_shape[1] if len(input_shape) == 3 else None
    if len(input_shape) != 3 or input_shape[2] != 1 or num_steps is None or not 1 <= num_steps <= MAX_STEPS:
        raise AssertionError(
            f"the model's input shape is {input_shape}; it should read windows of raw values, "
            f"keras.Input(shape=(num_steps, 1)) with a fixed num_steps from 1 to {MAX_STEPS}."
        )
    if output_shape != (None, 1):
        raise AssertionError(f"the model's output shape is {output_shape}, expected (None, 1): one forecast per window.")
    report = score_forecaster(model)
    mae, bar = report["mae"], BAR * report["linear_ar_mae"]
    if np.isfinite(mae) and mae < bar:
        return
    series = full_series()
    X, y = _hidden_windows(series, num_steps)
    y_hat = _predict(model, X)
    if not np.all(np.isfinite(y_hat)):
        raise AssertionError("the model's forecasts contain NaN or infinity.")
    train = series[:NUM_TRAIN]
    mean, std = train.mean(), train.std()
    hints = []
    for shift in (-1, 1):
        X_s, y_s = _hidden_windows(series, num_steps, shift)
        if np.mean(np.abs(_predict(model, X_s) - y_s)) < 0.8 * mae:
            hints.append(
                f"its forecasts match the value {HORIZON + shift} samples ahead better than the value {HORIZON} "
                "samples ahead: the forecasts are shifted by one step (check the offset of the targets)."
            )
    if np.mean(np.abs(y_hat * std + mean - y)) < 0.5 * mae:
        hints.append("its outputs look standardized: the model must return values in the series' units "
                     "(undo the scaling inside the model, e.g. keras.layers.Rescaling(std, offset=mean)).")
    on_standardized = _predict(model, ((X - mean) / std).astype("float32"))  # (NUM_HIDDEN,)
    if min(np.mean(np.abs(f - y)) for f in (on_standardized, on_standardized * std + mean)) < 0.5 * mae:
        hints.append("it works much better on standardized windows: the grader feeds raw values, so put the "
                     "scaling inside the model (e.g. keras.layers.Normalization(mean=..., variance=...)).")
    message = (
        f"on the hidden continuation the model's MAE is {mae:.4f}; to pass it must be below {bar:.4f}, "
        f"{BAR} times the best linear autoregression's ({report['linear_ar_mae']:.4f})."
    )
    raise AssertionError(" ".join([message, *hints]) if hints else message + " Train it longer or give it more capacity.")


QUESTIONS = [
    Question(id="07.q1", title="windows of a chronological split", points=3, function_name="split_windows",
             cases=q1_cases, run=q1_run, verify=q1_verify),
    Question(id="07.q2", title="the seasonal-naive forecast and its MASE", points=2, function_name="seasonal_naive_mase",
             cases=q2_cases, run=q2_run, verify=q2_verify),
    Question(id="07.q3", title="a forecaster judged on data you never see", points=3, function_name="train_forecaster",
             cases=q3_cases, run=q3_run, verify=q3_verify),
]
