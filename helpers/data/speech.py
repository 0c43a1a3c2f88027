"""Speech features: the Japanese Vowels data set, converted once from aeon's wheel into
`japanese_vowels.npz` beside this module (tools/convert_japanese_vowels.py), so that no
heavy package is needed to read it."""

from __future__ import annotations

from pathlib import Path

import numpy as np

JAPANESE_VOWELS = Path(__file__).with_name("japanese_vowels.npz")


def japanese_vowels():
    """The Japanese Vowels data set (Kudo, Toyama and Shimbo, 1999), on its official split.

    Nine male speakers each said the Japanese vowels /ae/; each utterance became a sequence
    of 7 to 29 frames of 12 linear-prediction cepstral coefficients. The task is to name
    the speaker. Returns `(X_train, lengths_train, y_train), (X_test, lengths_test, y_test)`:
    X of shape (num_utterances, 29, 12), float32, each utterance zero-padded after its last
    frame; lengths (num_utterances,), the number of real frames; y (num_utterances,), the
    speaker 0..8. The training split has 270 utterances (30 per speaker), the test split 370
    (24 to 88 per speaker).
    """
    with np.load(JAPANESE_VOWELS) as f:
        return tuple((f[f"X_{s}"], f[f"lengths_{s}"], f[f"y_{s}"]) for s in ("train", "test"))
