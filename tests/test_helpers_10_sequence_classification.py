"""Tests of the helpers that chapter 10 (classifying sequences) added: the Japanese Vowels
data (converted once from aeon's wheel), and the confusion-matrix figure."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np

from helpers import data, plots


def test_japanese_vowels_has_the_official_split_and_zero_padding_after_each_utterance():
    (X, lengths, y), (X_test, lengths_test, y_test) = data.japanese_vowels()
    assert X.shape == (270, 29, 12) and X_test.shape == (370, 29, 12) and X.dtype == np.float32
    assert np.array_equal(np.bincount(y), [30] * 9)  # 30 training utterances per speaker
    assert np.array_equal(np.bincount(y_test), [31, 35, 88, 44, 29, 24, 40, 50, 29])
    for frames, n in ((X, lengths), (X_test, lengths_test)):
        assert n.min() == 7 and n.max() <= 29
        real = np.arange(29)[None, :] < n[:, None]  # (num_utterances, 29)
        assert np.all(frames[~real] == 0)  # padding is exactly zero ...
        assert np.all(np.abs(frames[real]).sum(axis=-1) > 0)  # ... and no real frame is all zeros


def test_converting_japanese_vowels_again_gives_the_stored_arrays():
    from tools.convert_japanese_vowels import TARGET, convert

    arrays = convert()  # reads the .ts files of aeon's wheel
    with np.load(TARGET) as stored:
        assert sorted(stored.files) == sorted(arrays)
        for key, value in arrays.items():
            np.testing.assert_array_equal(stored[key], value, err_msg=key)
            assert stored[key].dtype == value.dtype


def test_confusion_matrix_prints_each_nonzero_count_in_its_cell():
    counts = np.array([[5, 1, 0], [0, 3, 2], [0, 0, 4]])  # (3, 3): rows true, columns predicted
    ax = plots.confusion_matrix(counts, labels=["a", "b", "c"])
    texts = {(round(t.get_position()[1]), round(t.get_position()[0])): t.get_text() for t in ax.texts}
    assert texts == {(i, j): str(counts[i, j]) for i in range(3) for j in range(3) if counts[i, j]}
    assert ax.get_xlabel() == "predicted" and ax.get_ylabel() == "true"
    plt.close(ax.figure)


def test_sequence_features_draws_one_line_per_feature_up_to_the_length():
    X = np.random.default_rng(0).normal(size=(29, 12))  # (num_steps, num_features)
    ax = plots.sequence_features(X, length=9)
    assert len(ax.get_lines()) == 12 and all(len(line.get_xdata()) == 9 for line in ax.get_lines())
    assert len({line.get_marker() for line in ax.get_lines()}) == 12
    plt.close(ax.figure)
