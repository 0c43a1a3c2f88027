"""In-notebook feedback for exercise 7 (forecasting): known mistakes are named.

Runs check() in-process on the reference solution changed in one way. The forecaster of
question 3 is trained once for the module (a few seconds); its variants are built from it.
"""

import keras
import numpy as np
import pytest

from helpers import data
from helpers.grading import check
from helpers.grading import ex07_forecasting as ex07
from tests.helpers_for_tests import solution_functions

SOLUTION = solution_functions("07_forecasting")
split_windows = SOLUTION["split_windows"]
seasonal_naive_mase = SOLUTION["seasonal_naive_mase"]


def test_the_solution_passes_and_a_stub_is_not_attempted(capsys):
    def stub(**kwargs):
        raise NotImplementedError

    for qid, name in [("07.q1", "split_windows"), ("07.q2", "seasonal_naive_mase")]:
        check(qid, SOLUTION[name])
        assert "passed" in capsys.readouterr().out
        check(qid, lambda *args, **kwargs: stub())
        assert "not attempted" in capsys.readouterr().out


# --- q1 -----------------------------------------------------------------------------------

def _windows(z, num_steps, horizon):
    m = len(z) - num_steps - horizon + 1
    X = np.stack([z[i : i + num_steps] for i in range(m)])[:, :, None]
    Y = np.stack([z[i + num_steps : i + num_steps + horizon] for i in range(m)])
    return X, Y


def _leaky_scaling(series, num_steps, horizon):
    train, _, _ = data.chronological_split(series)
    right = split_windows(series, num_steps, horizon)
    # the same windows, scaled with the whole series' statistics (WRONG)
    return tuple((a * train.std() + train.mean() - series.mean()) / series.std() for a in right)


def _shifted_targets(series, num_steps, horizon):
    parts = list(split_windows(series, num_steps, horizon))
    for k in (1, 3, 5):  # the Y arrays
        X = parts[k - 1]
        parts[k] = np.concatenate([X[:, -1, :], parts[k][:, :-1]], axis=1)  # one step early
    return tuple(parts)


def _by_start(series, num_steps, horizon):
    train, val, _ = data.chronological_split(series)
    z = (series - train.mean()) / train.std()
    X, Y = _windows(z, num_steps, horizon)
    a, b = len(train), len(train) + len(val)
    return X[:a], Y[:a], X[a:b], Y[a:b], X[b:], Y[b:]


def _by_fraction(series, num_steps, horizon):
    train, _, _ = data.chronological_split(series)
    z = (series - train.mean()) / train.std()
    X, Y = _windows(z, num_steps, horizon)
    a, b = int(0.7 * len(X)), int(0.7 * len(X)) + int(0.15 * len(X))
    return X[:a], Y[:a], X[a:b], Y[a:b], X[b:], Y[b:]


def _separately(series, num_steps, horizon):
    train, val, test = data.chronological_split(series)
    z = [(p - train.mean()) / train.std() for p in (train, val, test)]
    return tuple(a for part in z for a in _windows(part, num_steps, horizon))


def _no_feature_axis(series, num_steps, horizon):
    return tuple(a[:, :, 0] if a.ndim == 3 else a for a in split_windows(series, num_steps, horizon))


WINDOW_MISTAKES = {
    "scaling fitted on everything": _leaky_scaling,
    "shifted by one step": _shifted_targets,
    "part where it starts": _by_start,
    "first 70 % of all windows": _by_fraction,
    "cut each part on its own": _separately,
    "feature axis": _no_feature_axis,
}


@pytest.mark.parametrize("cause", WINDOW_MISTAKES)
def test_window_mistakes_are_named(cause):
    with pytest.raises(AssertionError, match=cause):
        check("07.q1", WINDOW_MISTAKES[cause])


# --- q2 -----------------------------------------------------------------------------------

def _with_forecast(lag):
    def answer(series, num_train, season):
        forecast = np.array([series[t - (season + lag)] for t in range(num_train, len(series))])
        return forecast, seasonal_naive_mase(series, num_train, season)[1]
    return answer


def _with_scale(scale_of):
    def answer(series, num_train, season):
        forecast, _ = seasonal_naive_mase(series, num_train, season)
        mae = np.mean(np.abs(series[num_train:] - forecast))
        return forecast, mae / scale_of(series, num_train, season)
    return answer


SEASONAL_MISTAKES = {
    "not y\\[t - season \\+ 1\\]": _with_forecast(-1),
    "not y\\[t - season - 1\\]": _with_forecast(+1),
    "that is the last value": lambda series, num_train, season: _with_forecast(1 - season)(series, num_train, season),
    "last-value error \\(season 1\\)": _with_scale(lambda s, n, m: np.mean(np.abs(np.diff(s[:n])))),
    "whole series": _with_scale(lambda s, n, m: np.mean(np.abs(s[m:] - s[:-m]))),
    "test part's errors": _with_scale(lambda s, n, m: np.mean(np.abs(s[n + m :] - s[n:-m]))),
    "upside down": _with_scale(lambda s, n, m: np.mean(np.abs(s[n:] - s[n - m : len(s) - m])) ** 2
                               / np.mean(np.abs(s[m:n] - s[: n - m]))),
    "that is the MAE": _with_scale(lambda s, n, m: 1.0),
    "first season too": lambda series, num_train, season: (series[num_train : len(series) - season], 1.0),
}


@pytest.mark.parametrize("cause", SEASONAL_MISTAKES)
def test_seasonal_naive_mistakes_are_named(cause):
    with pytest.raises(AssertionError, match=cause):
        check("07.q2", SEASONAL_MISTAKES[cause])


# --- q3 -----------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def forecaster():
    keras.utils.set_random_seed(0)
    return SOLUTION["train_forecaster"](ex07.training_series())


def _rewired(model, drop):
    """The trained model with the layers of the classes in `drop` left out (weights kept)."""
    kept = [layer for layer in model.layers if not isinstance(layer, drop)]
    return keras.Sequential([keras.Input(shape=model.inputs[0].shape[1:]), *kept])


def test_the_solution_forecaster_passes(forecaster, capsys):
    check("07.q3", lambda series: forecaster)
    assert "passed" in capsys.readouterr().out


def test_standardized_outputs_are_named(forecaster):
    with pytest.raises(AssertionError, match="outputs look standardized"):
        check("07.q3", lambda series: _rewired(forecaster, keras.layers.Rescaling))


def test_standardized_inputs_are_named(forecaster):
    with pytest.raises(AssertionError, match="standardized windows"):
        check("07.q3", lambda series: _rewired(forecaster, keras.layers.Normalization))


def test_forecasts_shifted_by_one_step_are_named(forecaster, monkeypatch):
    monkeypatch.setattr(ex07, "HORIZON", ex07.HORIZON + 1)  # the model now forecasts one step short
    with pytest.raises(AssertionError, match="shifted by one step"):
        check("07.q3", lambda series: forecaster)


def test_a_linear_autoregression_does_not_pass():
    lags = 128
    train = ex07.training_series()
    X = np.lib.stride_tricks.sliding_window_view(train[:-ex07.HORIZON], lags)
    coef, *_ = np.linalg.lstsq(np.c_[X, np.ones(len(X))], train[lags + ex07.HORIZON - 1 :], rcond=None)
    linear = keras.Sequential([keras.Input(shape=(lags, 1)), keras.layers.Flatten(), keras.layers.Dense(1)])
    linear.layers[-1].set_weights([coef[:-1, None], coef[-1:]])
    with pytest.raises(AssertionError, match="to pass it must be below"):
        check("07.q3", lambda series: linear)


def test_a_model_without_a_fixed_window_is_refused():
    model = keras.Sequential([keras.Input(shape=(None, 1)), keras.layers.GRU(4), keras.layers.Dense(1)])
    with pytest.raises(AssertionError, match="input shape"):
        check("07.q3", lambda series: model)
