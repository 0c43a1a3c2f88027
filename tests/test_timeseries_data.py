"""Unit tests of helpers.data.timeseries: the real series load with the documented shapes,
the gaps are filled without looking ahead, Mackey-Glass solves its equation, and the
converted anomaly series is exactly what aeon ships."""

import numpy as np
import pytest

from helpers import data
from tools import convert_anomaly_series


def test_sunspots_are_the_yearly_series_1700_to_2008():
    years, counts = data.sunspots()
    assert years.shape == counts.shape == (309,)
    np.testing.assert_array_equal(years, np.arange(1700, 2009))
    np.testing.assert_array_equal(counts[:3], [5.0, 11.0, 16.0])
    assert counts.min() >= 0


def test_co2_is_weekly_with_its_gaps_as_nan():
    dates, ppm = data.co2_weekly()
    assert dates.shape == ppm.shape == (2284,)
    assert np.all(np.diff(dates) == np.timedelta64(7, "D"))
    assert np.isnan(ppm).sum() == 59
    observed = ppm[~np.isnan(ppm)]
    assert 310 < observed.min() and observed.max() < 380


def test_fill_forward_uses_only_the_past():
    series = np.array([1.0, np.nan, np.nan, 4.0, np.nan, 6.0])
    np.testing.assert_array_equal(data.fill_forward(series), [1, 1, 1, 4, 4, 6])
    with pytest.raises(ValueError, match="starts with a missing value"):
        data.fill_forward(np.array([np.nan, 1.0]))
    _, ppm = data.co2_weekly()
    filled = data.fill_forward(ppm)
    assert not np.isnan(filled).any()
    np.testing.assert_array_equal(filled[~np.isnan(ppm)], ppm[~np.isnan(ppm)])


def test_seattle_weather_has_four_daily_variables():
    dates, values, columns = data.seattle_weather()
    assert dates.shape == (1461,) and values.shape == (1461, 4)
    assert columns == ("temp_max", "temp_min", "precipitation", "wind")
    assert dates[0] == np.datetime64("2012-01-01") and dates[-1] == np.datetime64("2015-12-31")
    assert np.all(values[:, 0] >= values[:, 1])  # the maximum is at least the minimum
    assert not np.isnan(values).any()


def test_stock_prices_are_monthly_and_sorted():
    dates, prices = data.stock_prices("IBM")
    assert dates.shape == prices.shape == (123,)
    assert dates[0] == np.datetime64("2000-01-01") and dates[-1] == np.datetime64("2010-03-01")
    assert np.all(np.diff(dates) > np.timedelta64(0, "D")) and np.all(prices > 0)
    with pytest.raises(ValueError, match="unknown symbol"):
        data.stock_prices("XYZ")


def test_mackey_glass_is_deterministic_and_solves_its_equation():
    x = data.mackey_glass(300, sample_every=3.0)
    assert x.shape == (300,)
    np.testing.assert_array_equal(x, data.mackey_glass(300, sample_every=3.0))
    assert 0.2 < x.min() and x.max() < 1.5
    # Sampled at the integration step, the series satisfies dx/dt = f(x(t), x(t - 17)):
    dt, tau = 0.1, 17.0
    fine = data.mackey_glass(2000, sample_every=dt, discard=3000)  # (2000,)
    lag = int(tau / dt)
    derivative = (fine[lag + 2 :] - fine[lag:-2]) / (2 * dt)  # central differences at t = lag + 1, ...
    x_t, x_lag = fine[lag + 1 : -1], fine[1:-lag - 1]
    rhs = 0.2 * x_lag / (1 + x_lag**10) - 0.1 * x_t
    np.testing.assert_allclose(derivative, rhs, atol=1e-4)


@pytest.mark.parametrize("kwargs", [{"tau": 17.05}, {"sample_every": 0.25}, {"num_points": 0}])
def test_mackey_glass_rejects_bad_arguments(kwargs):
    with pytest.raises(ValueError):
        data.mackey_glass(**{"num_points": 10, **kwargs})


def test_ucr_anomaly_135_has_one_labelled_anomaly_after_the_normal_part():
    series = data.ucr_anomaly_135()
    values, labels, num_train = series["values"], series["is_anomaly"], series["num_train"]
    assert values.shape == labels.shape == (7501,) and labels.dtype == bool
    assert num_train == 1200 and not labels[:num_train].any()
    np.testing.assert_array_equal(np.flatnonzero(labels), np.arange(4187, 4199))


def test_converting_the_anomaly_series_again_gives_the_committed_arrays():
    arrays = convert_anomaly_series.convert()  # from the CSV files in aeon's wheel
    with np.load(convert_anomaly_series.OUTPUT, allow_pickle=False) as committed:
        assert sorted(committed.files) == sorted(arrays)
        for name, array in arrays.items():
            np.testing.assert_array_equal(committed[name], array)
            assert committed[name].dtype == array.dtype
