"""Data for the chapters and exercises: generated here or shipped inside a package, so
nothing is downloaded when a notebook runs.

One module per domain; everything is re-exported here, so `from helpers import data` and
`data.adding_problem(...)` work whatever module a function lives in.

- `synthetic`: generated series and tasks (noisy sine, adding problem, counting text).
- `windows`: chronological splits, windows and training-only scaling.
- `text`: character windows for language models; census first names (extra `text`).
- `speech`: the Japanese Vowels speaker-recognition data set (package data of helpers).
- `pronunciation`: the CMU Pronouncing Dictionary (extra `pronunciation`).

A module that reads a data set shipped in another package (statsmodels, music21, ...)
imports that package inside its functions, never at the top, so `import helpers.data`
stays light and never imports TensorFlow. The package is named in an extra of
`pyproject.toml`, and a notebook that needs it names the extra in its metadata
(`rnn_book.extras`), so that its setup cell installs it in Colab.
"""

from helpers.data.pronunciation import cmudict_pronunciations
from helpers.data.speech import japanese_vowels
from helpers.data.synthetic import NUMBER_WORDS, adding_problem, adding_problem_baselines, counting_text, noisy_sine
from helpers.data.text import census_first_names, char_sequences
from helpers.data.windows import Standardizer, chronological_split, next_value_windows

__all__ = [
    "NUMBER_WORDS",
    "Standardizer",
    "adding_problem",
    "adding_problem_baselines",
    "census_first_names",
    "char_sequences",
    "chronological_split",
    "cmudict_pronunciations",
    "counting_text",
    "japanese_vowels",
    "next_value_windows",
    "noisy_sine",
]
