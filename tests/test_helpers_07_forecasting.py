"""Tests of the figures that chapter 7 (forecasting and anomaly detection) added:
plots.series_with_splits, plots.error_by_horizon, plots.prediction_interval and
plots.anomalies. Every figure has a title or labelled axes, and its lines differ by more
than colour."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np

from helpers import plots


def test_series_with_splits_draws_one_panel_per_series_and_shades_the_parts():
    dates = np.arange("2000-01", "2010-01", dtype="datetime64[M]").astype("datetime64[D]")  # (120,)
    panels = {"dated": (dates, np.arange(120.0)), "numbered": (np.arange(50), np.ones(50))}
    grid = plots.series_with_splits(panels, {"dated": 84, "numbered": 35}, {"dated": 18, "numbered": 7})
    titles = [ax.get_title() for ax in grid.flat if ax.axison]
    assert titles == ["dated", "numbered"]
    for ax in grid.flat[:2]:
        assert len(ax.patches) == 2  # the validation and the test spans
    plt.close("all")


def test_error_by_horizon_gives_each_forecaster_its_own_marker_and_style():
    errors = {"a": np.array([1.0, 2.0, 3.0]), "b": np.array([1.5, 1.7, 2.0]), "c": np.array([3.0, 3.0, 3.0])}
    ax = plots.error_by_horizon(errors, title="t")
    lines = ax.get_lines()
    assert [line.get_label() for line in lines] == list(errors)
    assert len({line.get_marker() for line in lines}) == 3 and len({str(line.get_linestyle()) for line in lines}) == 3
    np.testing.assert_array_equal(lines[0].get_xdata(), [1, 2, 3])
    assert ax.get_xlabel() and ax.get_ylabel() and ax.get_title() == "t"
    plt.close("all")


def test_prediction_interval_marks_the_values_outside_the_band():
    y = np.array([0.0, 1.0, 5.0, -3.0])
    lower, median, upper = -np.ones(4), np.zeros(4), np.ones(4)
    ax = plots.prediction_interval(y, lower, median, upper, title="t")
    by_label = {line.get_label(): line for line in ax.get_lines()}
    np.testing.assert_array_equal(by_label["observed, outside"].get_ydata(), [5.0, -3.0])
    np.testing.assert_array_equal(by_label["observed, inside"].get_ydata(), [0.0, 1.0])
    assert by_label["observed, outside"].get_marker() != by_label["observed, inside"].get_marker()
    plt.close("all")


def test_anomalies_counts_each_detectors_alarms_in_the_stretch():
    values = np.sin(np.arange(200) / 5)  # (200,)
    truth = np.zeros(200, bool)
    truth[100:105] = True
    flags = {"one": np.isin(np.arange(200), [10, 101, 150]), "two": np.zeros(200, bool)}
    ax = plots.anomalies(values, truth, flags, start=50, stop=160, title="t")
    labels = [line.get_label() for line in ax.get_lines()]
    assert "flagged: one (2)" in labels and "flagged: two (0)" in labels  # 10 is outside the stretch
    assert ax.get_title() == "t" and ax.get_xlabel() and ax.get_ylabel()
    plt.close("all")
