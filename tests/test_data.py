"""Unit tests of helpers.data: shapes, determinism, and that splits never mix time."""

import numpy as np
import pytest

from helpers import data


def test_noisy_sine_is_deterministic_and_has_the_requested_noise():
    a = data.noisy_sine(4000, period=40, noise=0.2, seed=3)  # (4000,)
    assert a.shape == (4000,) and a.dtype == np.float32
    np.testing.assert_array_equal(a, data.noisy_sine(4000, period=40, noise=0.2, seed=3))
    clean = np.sin(2 * np.pi * np.arange(4000) / 40)  # (4000,)
    assert abs(np.std(a - clean) - 0.2) < 0.01


def test_chronological_split_keeps_order_and_covers_the_series():
    series = np.arange(100)  # (100,)
    train, val, test = data.chronological_split(series, train=0.6, val=0.2)
    np.testing.assert_array_equal(np.concatenate([train, val, test]), series)
    assert train.max() < val.min() and val.max() < test.min()
    assert (len(train), len(val)) == (60, 20)


@pytest.mark.parametrize("train, val", [(0, 0.1), (0.9, 0.1), (0.5, -0.1)])
def test_chronological_split_rejects_bad_fractions(train, val):
    with pytest.raises(ValueError, match="train"):
        data.chronological_split(np.arange(10), train=train, val=val)


def test_next_value_windows_pairs_each_window_with_the_value_after_it():
    series = np.arange(10.0)  # (10,)
    X, y = data.next_value_windows(series, num_steps=3)
    assert X.shape == (7, 3, 1) and y.shape == (7,)
    for i in range(7):
        np.testing.assert_array_equal(X[i, :, 0], series[i : i + 3])
        assert y[i] == series[i + 3]


@pytest.mark.parametrize("series, num_steps", [(np.zeros((3, 3)), 2), (np.arange(5.0), 5), (np.arange(5.0), 0)])
def test_next_value_windows_rejects_bad_input(series, num_steps):
    with pytest.raises(ValueError):
        data.next_value_windows(series, num_steps)


def test_standardizer_uses_the_training_part_only_and_inverts():
    train, test = np.array([1.0, 2.0, 3.0]), np.array([10.0, 20.0])
    scaler = data.Standardizer().fit(train)
    assert scaler.mean == pytest.approx(np.mean(train)) and scaler.std == pytest.approx(np.std(train))
    np.testing.assert_allclose(scaler.inverse(scaler.transform(test)), test)
    with pytest.raises(RuntimeError, match="fit"):
        data.Standardizer().transform(test)
    with pytest.raises(ValueError, match="constant"):
        data.Standardizer().fit(np.ones(4))


@pytest.mark.parametrize("sex, count, first", [("female", 4275, "mary"), ("male", 1219, "james")])
def test_census_first_names_reads_the_shipped_lists(sex, count, first):
    names, percent = data.census_first_names(sex)
    assert len(names) == len(percent) == count and names[0] == first
    assert all(n.isalpha() and n.islower() for n in names)
    assert np.all(np.diff(percent) <= 0) and 85 < percent.sum() < 95  # most frequent first; about 90 %


def test_census_first_names_rejects_an_unknown_list():
    with pytest.raises(ValueError, match="female"):
        data.census_first_names("other")
