"""Bach's four-part chorales on a time grid, from package data (no music21 needed).

`tools/convert_chorales.py` parsed the chorales that ship inside music21, once, into
`bach_chorales.npz` next to this module: each chorale is an array of shape (num_steps, 4), one
row per sixteenth note, one column per voice (soprano, alto, tenor, bass), holding the MIDI
pitch the voice sounds during that step (60 is middle C), or 0 for a rest.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import numpy as np

VOICES = ("soprano", "alto", "tenor", "bass")
REST = 0
SPLITS = {"train": 0.8, "test": 0.1, "grader": 0.1}  # by chorale; "grader" is for exercise 9's grader
_FILE = Path(__file__).with_name("bach_chorales.npz")
_SPLIT_SEED = 0  # the fixed shuffle of the chorales before they are cut into splits


@lru_cache(maxsize=1)
def _load() -> dict:
    with np.load(_FILE) as archive:
        return {name: archive[name] for name in archive.files}


def _split_indices(split: str) -> np.ndarray:
    if split not in SPLITS:
        raise ValueError(f"split must be one of {list(SPLITS)}, got {split!r}")
    n = len(_load()["names"])
    order = np.random.default_rng(_SPLIT_SEED).permutation(n)  # (num_chorales,)
    bounds = np.round(np.cumsum([0, *SPLITS.values()]) * n).astype(int)
    k = list(SPLITS).index(split)
    return np.sort(order[bounds[k] : bounds[k + 1]])


def bach_chorales(split: str = "train", step: float = 0.5) -> list[np.ndarray]:
    """The chorales of one split, each an int64 array (num_steps, 4) of MIDI pitches (0 = rest).

    `split` is "train" (80 % of the chorales), "test" (10 %) or "grader" (10 %, held out for
    exercise 9's grader: chapters and exercises never use it); the chorales are shuffled
    once with a fixed seed, so the splits never change and never share a chorale.
    `step` is the grid in quarter notes: 0.25 (a sixteenth, as stored), 0.5 (an eighth:
    every other row; a note that starts on an odd sixteenth then starts one sixteenth
    late, and one shorter than an eighth can vanish) or 1.0 (a quarter).
    """
    stored = _load()
    stride = step / float(stored["step"])
    if stride < 1 or abs(stride - round(stride)) > 1e-9:
        raise ValueError(f"step must be a multiple of {float(stored['step'])} quarter notes, got {step}")
    starts, pitches = stored["starts"], stored["pitches"]
    return [pitches[starts[i] : starts[i + 1] : int(round(stride))].astype(np.int64) for i in _split_indices(split)]


def bach_chorale_info(split: str = "train") -> list[dict]:
    """For each chorale of `split`, in the order of `bach_chorales(split)`: its music21 corpus
    name; its bar length and where in its bar the first step falls ("pickup": 0 on a downbeat,
    3.0 for a one-beat pickup in 4/4), in quarter notes; its key signature (sharps > 0,
    flats < 0)."""
    stored = _load()
    return [
        {"name": str(stored["names"][i]), "bar_length": float(stored["bar_length"][i]),
         "pickup": float(stored["pickup"][i]), "key_sharps": int(stored["key_sharps"][i])}
        for i in _split_indices(split)
    ]
