"""Generated data sets: every function takes a `seed`, and the same seed gives the same data.

Series and tasks made here need no download and no other package: a noisy sine wave, the
adding problem, and a counting text for character models.
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


def adding_problem(num_samples: int, num_steps: int, seed: int = 0):
    """The adding problem (Hochreiter & Schmidhuber 1997), in the variant of Le et al. (2015).

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


def adding_problem_baselines(num_steps: int) -> dict:
    """The test MSE of the two models that ignore part of the adding problem's input.

    - "mean": always predict the mean target, 1. Its MSE is the target's variance, 2/12.
    - "marker_blind": a model that sees the values but not the markers can do better: it
      predicts the mean value of the first half plus the mean value of the second half.
      With halves of h1 = num_steps // 2 and h2 = num_steps - h1 steps, a value drawn from a
      half differs from that half's mean with variance (1/12)(1 - 1/h), so its MSE is
      (1/12)(1 - 1/h1) + (1/12)(1 - 1/h2). A model has learned to use the markers only
      when it is clearly below this bound.

    Returns {"mean": float, "marker_blind": float, "sensitivities": (1/h1, 1/h2)}: the
    last is how much the marker-blind prediction moves per unit change of each marked value.
    """
    if num_steps < 2:
        raise ValueError(f"num_steps must be at least 2 (one marker in each half), got {num_steps}")
    h1 = num_steps // 2
    h2 = num_steps - h1
    return {
        "mean": 2 / 12,
        "marker_blind": (1 - 1 / h1) / 12 + (1 - 1 / h2) / 12,
        "sensitivities": (1 / h1, 1 / h2),
    }
