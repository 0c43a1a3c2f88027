"""Data for the chapters and exercises: generated here, so nothing is downloaded.

Every function takes a `seed` and returns NumPy arrays; the same seed gives the same data.
"""

from __future__ import annotations

import numpy as np


def noisy_sine(num_points: int = 1200, period: float = 40.0, noise: float = 0.2, seed: int = 0) -> np.ndarray:
    """A sine wave of the given period (in steps) plus Gaussian noise of std `noise`.

    Returns shape (num_points,), float32.
    """
    rng = np.random.default_rng(seed)
    t = np.arange(num_points)  # (num_points,)
    clean = np.sin(2 * np.pi * t / period)  # (num_points,)
    return (clean + noise * rng.standard_normal(num_points)).astype("float32")  # (num_points,)


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


NUMBER_WORDS = ("one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten")


def counting_text(num_runs: int = 1000, max_run: int = 5, seed: int = 0) -> str:
    """A text for character-level models: short runs of English number words counting up by one.

    Each run starts at a random word, counts up for 2 to `max_run` words (never past
    "ten") and ends with ". ", e.g. "three four five. one two. six seven eight nine. ".
    Within a word and from one word to the next the text is predictable; only the start
    and the length of each run are random. Returns a str of lowercase letters, spaces and
    full stops (about 20 characters per run).
    """
    if num_runs < 1:
        raise ValueError(f"num_runs must be at least 1, got {num_runs}")
    if not 2 <= max_run <= len(NUMBER_WORDS):
        raise ValueError(f"max_run must be in [2, {len(NUMBER_WORDS)}], got {max_run}")
    rng = np.random.default_rng(seed)
    runs = []
    for _ in range(num_runs):
        length = int(rng.integers(2, max_run + 1))
        start = int(rng.integers(0, len(NUMBER_WORDS) - length + 1))
        runs.append(" ".join(NUMBER_WORDS[start : start + length]) + ". ")
    return "".join(runs)


def char_sequences(text: str, num_steps: int):
    """Cut a text into non-overlapping input/target windows of character ids, for next-character prediction.

    The vocabulary is the sorted set of characters in `text`; `ids[i]` is the position of
    character i in it. Returns X and Y of shape (num_windows, num_steps), int64, where
    Y is X shifted by one character (Y[:, t] is the character after X[:, t]), and the
    vocabulary as a list of characters. num_windows = (len(text) - 1) // num_steps; the
    leftover characters at the end are dropped.
    """
    if num_steps < 1:
        raise ValueError(f"num_steps must be at least 1, got {num_steps}")
    if len(text) < num_steps + 1:
        raise ValueError(f"the text has {len(text)} characters; need at least num_steps + 1 = {num_steps + 1}")
    vocab = sorted(set(text))
    index = {c: i for i, c in enumerate(vocab)}
    ids = np.array([index[c] for c in text], dtype=np.int64)  # (len(text),)
    num_windows = (len(ids) - 1) // num_steps
    X = ids[: num_windows * num_steps].reshape(num_windows, num_steps)  # (num_windows, num_steps)
    Y = ids[1 : num_windows * num_steps + 1].reshape(num_windows, num_steps)  # (num_windows, num_steps)
    return X, Y, vocab


def adding_problem(num_samples: int, num_steps: int, seed: int = 0):
    """The adding problem of Hochreiter & Schmidhuber (1997), in a simple variant.

    Each sequence has two input channels: channel 0 holds values drawn uniformly from
    [0, 1); channel 1 is a marker that is 1 at exactly two steps and 0 elsewhere, one step
    drawn uniformly from the first half (steps 0 .. num_steps // 2 - 1) and one from the
    second half (steps num_steps // 2 .. num_steps - 1). The target is the sum of the two
    marked values, so it has mean 1 and variance 2 / 12. To predict it a model must carry
    the first marked value until the end of the sequence: more than num_steps / 2 steps.

    Returns X of shape (num_samples, num_steps, 2) and Y of shape (num_samples,), float32.
    """
    if num_samples < 1:
        raise ValueError(f"num_samples must be at least 1, got {num_samples}")
    if num_steps < 2:
        raise ValueError(f"num_steps must be at least 2 (one marker in each half), got {num_steps}")
    rng = np.random.default_rng(seed)
    values = rng.uniform(0.0, 1.0, (num_samples, num_steps))  # (num_samples, num_steps)
    half = num_steps // 2
    first = rng.integers(0, half, num_samples)  # (num_samples,)
    second = rng.integers(half, num_steps, num_samples)  # (num_samples,)
    rows = np.arange(num_samples)  # (num_samples,)
    markers = np.zeros((num_samples, num_steps))  # (num_samples, num_steps)
    markers[rows, first] = 1.0
    markers[rows, second] = 1.0
    X = np.stack([values, markers], axis=-1).astype("float32")  # (num_samples, num_steps, 2)
    Y = (values[rows, first] + values[rows, second]).astype("float32")  # (num_samples,)
    return X, Y
