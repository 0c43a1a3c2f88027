"""Turning a series into a model's inputs without leaking the future: a chronological split,
windows cut from each part separately, and a scaler fitted on the training part only."""

from __future__ import annotations

import numpy as np


def chronological_split(series: np.ndarray, train: float = 0.7, val: float = 0.15):
    """Split a series into train, validation and test parts, in time order, no shuffling.

    The rest after `train + val` is the test part. Shuffling before a split would let the
    model see the future of the points it is tested on.
    """
    if not (0 < train and 0 <= val and train + val < 1):
        raise ValueError(f"need 0 < train, 0 <= val and train + val < 1; got train={train}, val={val}")
    n_train = int(len(series) * train)
    n_val = int(len(series) * val)
    return series[:n_train], series[n_train : n_train + n_val], series[n_train + n_val :]


def next_value_windows(series: np.ndarray, num_steps: int):
    """Every window of `num_steps` consecutive values, and the value that follows it.

    For a series of shape (n,) returns X of shape (n - num_steps, num_steps, 1), the
    batch-major (batch, time, features) layout Keras expects, and y of shape
    (n - num_steps,). Windows never cross the end of `series`, so windowing each split
    on its own keeps the splits apart.
    """
    series = np.asarray(series)
    if series.ndim != 1:
        raise ValueError(f"series must be 1-D, got shape {series.shape}")
    if not 0 < num_steps < len(series):
        raise ValueError(f"num_steps must be in [1, {len(series) - 1}], got {num_steps}")
    windows = np.lib.stride_tricks.sliding_window_view(series, num_steps + 1)  # (n - num_steps, num_steps + 1)
    X = windows[:, :-1, None].copy()  # (n - num_steps, num_steps, 1)
    y = windows[:, -1].copy()  # (n - num_steps,)
    return X, y


class Standardizer:
    """Subtract a mean and divide by a standard deviation learned from the training part only."""

    mean: float | None = None
    std: float | None = None

    def fit(self, train: np.ndarray) -> "Standardizer":
        self.mean = float(np.mean(train))
        self.std = float(np.std(train))
        if self.std == 0:
            raise ValueError("the training part is constant: its standard deviation is 0")
        return self

    def transform(self, x: np.ndarray) -> np.ndarray:
        self._check_fitted()
        return (x - self.mean) / self.std

    def inverse(self, z: np.ndarray) -> np.ndarray:
        self._check_fitted()
        return z * self.std + self.mean

    def _check_fitted(self) -> None:
        if self.mean is None:
            raise RuntimeError("call fit(train) before transform() or inverse()")
