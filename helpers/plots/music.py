"""Chapter 9 (generating music): piano rolls of four-voice grids, and a waveform to listen to.

A grid is an integer array (num_steps, 4) of MIDI pitches, soprano to bass, 0 for a rest
(see `helpers.data.bach_chorales`). Runs of one pitch in a voice are played as one note, so
a held note and the same pitch struck again sound alike, as they look alike on the grid.
"""

from __future__ import annotations

import numpy as np

from helpers.plots.style import PALETTE, axes

VOICE_NAMES = ("soprano", "alto", "tenor", "bass")
MARKERS = ("o", "s", "^", "D")


def runs(column) -> list[tuple[int, int, int]]:
    """(start step, number of steps, pitch) for each run of one pitch in a voice, rests left out."""
    column = np.asarray(column)
    edges = np.flatnonzero(np.diff(column)) + 1  # where the pitch changes
    starts = np.concatenate([[0], edges])
    stops = np.concatenate([edges, [len(column)]])
    return [(int(a), int(b - a), int(column[a])) for a, b in zip(starts, stops) if column[a] != 0]


def piano_roll(grid, ax=None, title: str | None = None, marks: dict | None = None, step: float = 1.0):
    """Each voice's notes as bars at their pitch, with a marker at every note's start.

    `marks` maps a label to a step where a dashed vertical line is drawn (e.g. where a
    generated continuation begins); `step` is the grid's step in quarter notes, for the x axis.
    """
    grid = np.asarray(grid)
    ax = axes(ax, figsize=(8.0, 3.2))
    for voice in range(grid.shape[1]):
        notes = runs(grid[:, voice])
        colour = PALETTE[voice]
        for s, n, pitch in notes:
            ax.plot([s * step, (s + n) * step], [pitch, pitch], color=colour, linewidth=4, solid_capstyle="butt",
                    alpha=0.8)
        ax.plot([s * step for s, _, _ in notes], [p for _, _, p in notes], linestyle="none", marker=MARKERS[voice],
                markersize=3.5, color=colour, markeredgecolor="black", markeredgewidth=0.4, label=VOICE_NAMES[voice])
    low, high = ax.get_ylim()
    ax.set_ylim(low, high + 6)  # room for the legend above the soprano
    for label, at in (marks or {}).items():
        ax.axvline(at * step, color="0.2", linestyle="--", linewidth=1)
        ax.text(at * step, high + 5.5, f" {label}", va="top", fontsize=8)
    ax.set_xlabel("time (quarter notes)")
    ax.set_ylabel("MIDI pitch (60 = middle C)")
    ax.legend(loc="upper right", ncol=4, fontsize=8)
    if title:
        ax.set_title(title)
    ax.figure.tight_layout()
    return ax


def synthesize(grid, step: float = 1.0, bpm: float = 90.0, rate: int = 8000) -> np.ndarray:
    """A waveform (float32, in [-1, 1]) of the grid: each note a tone with three harmonics and a
    short attack and release, the four voices mixed. Play it with
    `IPython.display.Audio(wave, rate=rate)`.

    `step` is the grid's step in quarter notes and `bpm` the quarter notes per minute.
    """
    grid = np.asarray(grid)
    seconds_per_step = step * 60.0 / bpm
    wave = np.zeros(int(np.ceil(len(grid) * seconds_per_step * rate)) + 1)  # (num_samples,)
    for voice in range(grid.shape[1]):
        for start, length, pitch in runs(grid[:, voice]):
            n = int(length * seconds_per_step * rate)
            t = np.arange(n) / rate  # (n,) seconds
            frequency = 440.0 * 2.0 ** ((pitch - 69) / 12)
            tone = sum(a * np.sin(2 * np.pi * k * frequency * t) for k, a in [(1, 1.0), (2, 0.4), (3, 0.15)])
            envelope = np.minimum(1.0, np.minimum(t / 0.01, (n / rate - t) / 0.04))  # (n,) attack, release
            begin = int(start * seconds_per_step * rate)
            wave[begin : begin + n] += tone * envelope * np.exp(-1.5 * t)
    peak = np.max(np.abs(wave))
    return (0.9 * wave / peak if peak > 0 else wave).astype(np.float32)
