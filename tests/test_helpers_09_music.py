"""Tests of the helpers that chapter 9 (music) added: the chorale package data, the conversion
tool that made it, piano rolls and the synthesiser."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pytest

from helpers import data, plots
from helpers.data import music


def test_converting_a_few_chorales_again_gives_the_stored_arrays():
    pytest.importorskip("music21")
    from tools import convert_chorales

    stored = music._load()
    n = 3
    names = [str(name) for name in stored["names"][:n]]
    again = convert_chorales.convert_all(names)
    np.testing.assert_array_equal(again["pitches"], stored["pitches"][: stored["starts"][n]])
    np.testing.assert_array_equal(again["starts"], stored["starts"][: n + 1])
    for key in ("names", "bar_length", "pickup", "key_sharps"):
        np.testing.assert_array_equal(again[key], stored[key][:n])
    assert float(again["step"]) == float(stored["step"]) == 0.25


def test_the_splits_are_disjoint_and_cover_every_chorale():
    names = {split: [c["name"] for c in data.bach_chorale_info(split)] for split in music.SPLITS}
    every = [name for split in names.values() for name in split]
    assert len(every) == len(set(every)) == len(music._load()["names"])
    assert [len(data.bach_chorales(split)) for split in music.SPLITS] == [len(v) for v in names.values()]
    assert len(names["train"]) > 7 * len(names["test"])


def test_grids_hold_midi_pitches_of_four_voices_and_coarser_grids_sample_the_stored_one():
    fine = data.bach_chorales("test", step=0.25)
    for step, stride in [(0.5, 2), (1.0, 4)]:
        for f, c in zip(fine, data.bach_chorales("test", step=step)):
            np.testing.assert_array_equal(c, f[::stride])
    every = np.concatenate(fine)
    assert every.shape[1] == 4 and every.dtype == np.int64
    assert set(np.unique(every)) <= {0} | set(range(36, 82))
    sounding = np.where(every > 0, every, np.nan)
    assert np.all(np.diff(np.nanmean(sounding, axis=0)) < 0)  # soprano above alto above tenor above bass
    with pytest.raises(ValueError, match="multiple"):
        data.bach_chorales("test", step=0.3)
    with pytest.raises(ValueError, match="split"):
        data.bach_chorales("validation")


def test_runs_turn_a_column_into_notes_and_leave_rests_out():
    assert plots.music.runs(np.array([60, 60, 0, 62, 62, 62, 60])) == [(0, 2, 60), (3, 3, 62), (6, 1, 60)]


def test_piano_roll_marks_every_note_of_every_voice():
    grid = np.array([[72, 67, 64, 48], [72, 65, 62, 50], [0, 65, 60, 52]])
    ax = plots.piano_roll(grid, title="t", marks={"here": 1})
    onsets = {line.get_label(): len(line.get_xdata()) for line in ax.get_lines() if line.get_marker() not in ("None", "")}
    assert onsets == {"soprano": 1, "alto": 2, "tenor": 3, "bass": 3}
    plt.close(ax.figure)


def test_synthesize_gives_a_waveform_of_the_grid_length_with_the_notes_pitch():
    rate, bpm = 8000, 120
    wave = plots.synthesize(np.array([[69, 0, 0, 0]] * 4), step=1.0, bpm=bpm, rate=rate)  # A4 for 2 s
    assert wave.dtype == np.float32 and np.max(np.abs(wave)) == pytest.approx(0.9)
    assert abs(len(wave) - 2 * rate) <= 1
    spectrum = np.abs(np.fft.rfft(wave))
    assert np.fft.rfftfreq(len(wave), 1 / rate)[np.argmax(spectrum)] == pytest.approx(440, abs=1)
    assert np.all(plots.synthesize(np.zeros((3, 4), dtype=int)) == 0)
