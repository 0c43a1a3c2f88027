"""Convert Bach's four-part chorales, shipped inside music21, into the compact package data
that chapter 9 and exercise 9 read: helpers/data/bach_chorales.npz.

    .venv/bin/python -m tools.convert_chorales            # all of them (a few minutes)
    .venv/bin/python -m tools.convert_chorales --check 5  # convert 5 again; compare with the .npz

Parsing the MusicXML files takes far longer than a notebook may run, and music21 is too heavy
to install in Colab, so this runs once, here, and its output is committed. A chapter reads it
through `helpers.data.bach_chorales()`, which needs only NumPy.

The grid: each chorale becomes an array of shape (num_steps, 4), one row per sixteenth note
(a quarter note is 4 steps), one column per voice (soprano, alto, tenor, bass), holding the
MIDI pitch that voice sounds during that step, or 0 for a rest. A note is sampled at the
steps whose start it covers, so a note shorter than a sixteenth (a rare ornament) can be
lost; the tool counts them. A held note and the same pitch struck again look the same on
the grid. The chorales are taken in the Riemenschneider order of
`music21.corpus.chorales.Iterator`; a chorale is kept if it has exactly four parts (soprano,
alto, tenor and bass), each a single line, and one time signature, and if no chorale kept
before it has the same grid (that order lists some chorales twice), so that no chorale can
be both in a training split and in a held-out split.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
OUTPUT = ROOT / "helpers" / "data" / "bach_chorales.npz"
STEP = 0.25  # quarter lengths per grid step: a sixteenth note
VOICES = ("Soprano", "Alto", "Tenor", "Bass")


def chorale_names() -> list[str]:
    """The corpus names of the chorales, in the Riemenschneider order, e.g. 'bach/bwv269'."""
    from music21 import corpus

    return list(corpus.chorales.Iterator(returnType="filename"))


def convert(name: str) -> dict | None:
    """One chorale as a grid and its metre, or None if it is not a plain four-part chorale.

    Returns {"pitches": (num_steps, 4) uint8, "bar_length": quarter lengths per bar,
    "pickup": where in its bar step 0 falls, in quarter lengths (0 on a downbeat; 3.0 for a
    one-beat pickup in 4/4),
    "key_sharps": sharps (> 0) or flats (< 0) of the key signature, "lost": notes shorter
    than a step that the grid missed}.
    """
    from music21 import corpus, meter

    score = corpus.parse(name)
    parts = list(score.parts)
    if [p.partName for p in parts] != list(VOICES):
        return None
    signatures = {ts.ratioString for ts in score.recurse().getElementsByClass(meter.TimeSignature)}
    if len(signatures) != 1:
        return None
    num_steps = int(round(score.highestTime / STEP))
    pitches = np.zeros((num_steps, 4), dtype=np.uint8)  # (num_steps, 4), 0 = rest
    sounding = np.zeros((num_steps, 4), dtype=np.int64)  # (num_steps, 4): notes covering each step
    lost = 0
    for voice, part in enumerate(parts):
        for note in part.flatten().notes:
            if note.isChord:
                return None  # a part that sounds two pitches at once is not a single voice
            start = int(np.ceil(float(note.offset) / STEP - 1e-9))
            stop = int(np.ceil(float(note.offset + note.quarterLength) / STEP - 1e-9))
            if stop <= start:
                lost += note.quarterLength > 0
                continue
            pitches[start:stop, voice] = note.pitch.midi
            sounding[start:stop, voice] += 1
    if sounding.max() > 1:
        return None  # two notes at once in one part: not a single voice
    first_measure = parts[0].getElementsByClass("Measure")[0]
    time_signature = parts[0].recurse().getElementsByClass(meter.TimeSignature)[0]
    key = parts[0].recurse().getElementsByClass("KeySignature")
    return {
        "pitches": pitches,
        "bar_length": float(time_signature.barDuration.quarterLength),
        "pickup": float(first_measure.paddingLeft),
        "key_sharps": int(key[0].sharps) if key else 0,
        "lost": int(lost),
    }


def convert_all(names: list[str], verbose: bool = False) -> dict[str, np.ndarray]:
    """The arrays of the .npz for the chorales `names` that are plain four-part chorales."""
    kept, grids, bar_lengths, pickups, sharps, lost = [], [], [], [], [], 0
    seen = set()
    for i, name in enumerate(names):
        chorale = None if name in kept else convert(name)
        duplicate = chorale is not None and chorale["pitches"].tobytes() in seen
        if verbose:
            status = "repeated, skipped" if name in kept or duplicate else "kept" if chorale else "skipped"
            print(f"{i + 1:4d}/{len(names)} {name}: {status}", flush=True)
        if chorale is None or duplicate:
            continue
        seen.add(chorale["pitches"].tobytes())
        kept.append(name)
        grids.append(chorale["pitches"])
        bar_lengths.append(chorale["bar_length"])
        pickups.append(chorale["pickup"])
        sharps.append(chorale["key_sharps"])
        lost += chorale["lost"]
    lengths = np.array([len(g) for g in grids])  # (num_chorales,)
    return {
        "pitches": np.concatenate(grids),  # (total_steps, 4) uint8
        "starts": np.concatenate([[0], np.cumsum(lengths)]).astype(np.int64),  # (num_chorales + 1,)
        "names": np.array(kept),  # (num_chorales,) str
        "bar_length": np.array(bar_lengths),  # (num_chorales,)
        "pickup": np.array(pickups),  # (num_chorales,)
        "key_sharps": np.array(sharps, dtype=np.int8),  # (num_chorales,)
        "step": np.array(STEP),
        "lost_notes": np.array(lost),
    }


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", type=int, metavar="N", help="convert the first N kept chorales again and compare")
    args = parser.parse_args(argv)
    if args.check:
        from helpers.data.music import _load

        stored = _load()
        names = [str(n) for n in stored["names"][: args.check]]
        again = convert_all(names)
        n = len(names)
        same = np.array_equal(again["pitches"], stored["pitches"][: stored["starts"][n]]) and all(
            np.array_equal(again[k], stored[k][:n]) for k in ("names", "bar_length", "pickup", "key_sharps")
        )
        print(f"{n} chorales converted again: {'same arrays' if same else 'DIFFERENT'}")
        return 0 if same else 1
    arrays = convert_all(chorale_names(), verbose=True)
    np.savez_compressed(OUTPUT, **arrays)
    print(f"{len(arrays['names'])} chorales, {len(arrays['pitches'])} steps, "
          f"{int(arrays['lost_notes'])} notes shorter than a step lost -> {OUTPUT.relative_to(ROOT)} "
          f"({OUTPUT.stat().st_size / 1024:.0f} KiB)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
