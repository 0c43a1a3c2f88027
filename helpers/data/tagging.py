"""Per-step labelled sequences (many-to-many, aligned) for chapter 6: every function takes a
`seed`, and the same seed gives the same data.

- `run_boundaries`: random bits, each step tagged "starts a run" (needs the past) and
  "ends a run" (needs the future).
- `ring_points`: random points in a square, each step tagged "in the ring" (a nonlinear
  function of the current input) and "above the line" (a linear one).
- `echo_streams`: long streams of noise whose target is the input `delay` steps earlier.
"""

from __future__ import annotations

import numpy as np


def run_boundaries(num_samples: int, num_steps: int, seed: int = 0):
    """Random bit sequences, each step tagged as the start and as the end of a run.

    A run is a maximal stretch of equal bits: 0 0 1 0 0 0 has the runs 00, 1 and 000.
    Step t *starts* a run when it is the first step or differs from step t - 1 (decided by
    the past), and *ends* a run when it is the last step or differs from step t + 1
    (decided by the future). The bits are independent fair coins, so before seeing step
    t + 1 nobody can do better than a coin toss on "ends a run" at any step but the last.

    Returns X of shape (num_samples, num_steps, 1) (the bits, float32), and `starts` and
    `ends`, each of shape (num_samples, num_steps) (float32, 1 for yes).
    """
    if num_samples < 1 or num_steps < 2:
        raise ValueError(f"need num_samples >= 1 and num_steps >= 2, got {num_samples}, {num_steps}")
    bits = np.random.default_rng(seed).integers(0, 2, (num_samples, num_steps))  # (n, num_steps)
    changes = bits[:, 1:] != bits[:, :-1]  # (n, num_steps - 1): step t + 1 differs from step t
    edge = np.ones((num_samples, 1), dtype=bool)  # (n, 1)
    starts = np.concatenate([edge, changes], axis=1)  # (n, num_steps)
    ends = np.concatenate([changes, edge], axis=1)  # (n, num_steps)
    X = bits[:, :, None].astype("float32")  # (n, num_steps, 1)
    return X, starts.astype("float32"), ends.astype("float32")


RING_RADII = (0.45, 0.85)  # the inner and outer radius of the ring


def ring_points(num_samples: int, num_steps: int, seed: int = 0):
    """Sequences of points drawn uniformly from the square [-1, 1]^2, with two per-step tags.

    - `ring`: 1 when the point lies in the ring 0.45 < |x| < 0.85 (about 41% of the
      square): a nonlinear function of the current point.
    - `line`: 1 when the point lies above the line x_0 + x_1 = 0.3 (about 36%): a linear
      function of the current point.

    Both tags depend on the current step only, so any difference between two taggers
    comes from how well each computes a function of one point, not from memory.

    Returns X of shape (num_samples, num_steps, 2) (float32), and `ring` and `line`, each
    of shape (num_samples, num_steps) (float32, 1 for yes).
    """
    if num_samples < 1 or num_steps < 1:
        raise ValueError(f"need num_samples >= 1 and num_steps >= 1, got {num_samples}, {num_steps}")
    X = np.random.default_rng(seed).uniform(-1.0, 1.0, (num_samples, num_steps, 2))  # (n, num_steps, 2)
    radius = np.sqrt((X**2).sum(axis=-1))  # (n, num_steps)
    inner, outer = RING_RADII
    ring = (radius > inner) & (radius < outer)  # (n, num_steps)
    line = X[..., 0] + X[..., 1] > 0.3  # (n, num_steps)
    return X.astype("float32"), ring.astype("float32"), line.astype("float32")


def echo_streams(num_streams: int, length: int, delay: int, seed: int = 0):
    """Streams of standard normal noise x and the target y_t = x_{t - delay} (0 for t < delay).

    Returns x and y, each of shape (num_streams, length), float32. A model that reads the
    stream from its start can predict every y_t from t = delay on exactly; a model that
    sees only a window of the stream cannot predict y_t for the first `delay` steps of the
    window, where its best guess is 0 and its mean squared error is 1.
    """
    if num_streams < 1 or length < 1 or not 0 <= delay < length:
        raise ValueError(f"need num_streams >= 1, length >= 1 and 0 <= delay < length; got {num_streams}, {length}, {delay}")
    x = np.random.default_rng(seed).standard_normal((num_streams, length)).astype("float32")  # (num_streams, length)
    y = np.zeros_like(x)  # (num_streams, length)
    y[:, delay:] = x[:, : length - delay]
    return x, y
