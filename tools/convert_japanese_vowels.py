"""Convert the Japanese Vowels data set shipped in aeon's wheel into package data of helpers.

    .venv/bin/python -m tools.convert_japanese_vowels          # writes helpers/data/japanese_vowels.npz
    .venv/bin/python -m tools.convert_japanese_vowels --check  # exit 1 if converting again differs

aeon is a heavy package that must never be installed in Colab (it would replace Colab's
NumPy), so the data travels inside `helpers` instead: the official split of 270 training
and 370 test utterances, each a sequence of 7 to 29 frames of 12 cepstral coefficients,
zero-padded after its end to 29 frames, with the true lengths stored beside it. Speakers
1..9 become labels 0..8. Source: Kudo, Toyama and Shimbo (1999), distributed by the UCI
Machine Learning Repository (https://archive.ics.uci.edu/dataset/128/japanese+vowels) and
the UEA & UCR time-series archive, from which aeon ships it.
"""

from __future__ import annotations

import argparse
import io
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
TARGET = ROOT / "helpers" / "data" / "japanese_vowels.npz"
MAX_FRAMES = 29  # the longest utterance of both splits
NUM_COEFFICIENTS = 12


def _split(name: str) -> dict[str, np.ndarray]:
    """One split (TRAIN or TEST), as zero-padded frames, lengths and labels."""
    import aeon
    from aeon.datasets import load_from_ts_file

    path = Path(aeon.__file__).parent / "datasets" / "data" / "JapaneseVowels" / f"JapaneseVowels_{name}.ts"
    series, labels = load_from_ts_file(str(path))  # a list of (12, length) arrays; labels "1".."9"
    lengths = np.array([s.shape[1] for s in series], dtype=np.int32)  # (num_utterances,)
    X = np.zeros((len(series), MAX_FRAMES, NUM_COEFFICIENTS), dtype=np.float32)  # (num_utterances, 29, 12)
    for i, s in enumerate(series):
        X[i, : s.shape[1]] = s.T  # frames along time, coefficients along features
    y = np.array([int(label) - 1 for label in labels], dtype=np.int32)  # (num_utterances,): speakers 0..8
    return {"X": X, "lengths": lengths, "y": y}


def convert() -> dict[str, np.ndarray]:
    """The arrays of the .npz: X_train, lengths_train, y_train, X_test, lengths_test, y_test."""
    arrays = {}
    for split, name in (("train", "TRAIN"), ("test", "TEST")):
        for key, value in _split(name).items():
            arrays[f"{key}_{split}"] = value
    return arrays


def _bytes(arrays: dict[str, np.ndarray]) -> bytes:
    buffer = io.BytesIO()
    np.savez_compressed(buffer, **arrays)
    return buffer.getvalue()


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--check", action="store_true", help="compare with the stored file instead of writing it")
    args = parser.parse_args(argv)
    arrays = convert()
    if args.check:
        with np.load(TARGET) as stored:
            same = set(stored.files) == set(arrays) and all(np.array_equal(stored[k], v) for k, v in arrays.items())
        print("the stored file is up to date" if same else f"{TARGET.relative_to(ROOT)} differs: run without --check")
        return 0 if same else 1
    TARGET.write_bytes(_bytes(arrays))
    print(f"wrote {TARGET.relative_to(ROOT)} ({TARGET.stat().st_size / 1024:.0f} KB)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
