"""Text for character-level models: cutting a text into input and target windows of ids."""

from __future__ import annotations

import numpy as np


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
