"""Data for the chapters and exercises: generated here or shipped inside a package, so
nothing is downloaded when a notebook runs.

One module per domain; everything is re-exported here, so `from helpers import data` and
`data.adding_problem(...)` work whatever module a function lives in.

- `synthetic`: generated series and tasks (noisy sine, adding problem, counting text).
- `windows`: chronological splits, windows and training-only scaling.
- `text`: character windows for language models; census first names (extra `text`).
- `tagging`: per-step labelled sequences: run boundaries, points in a ring, echo streams.
- `timeseries`: real series (sunspots, CO2, Seattle weather, stock prices; extra
  `timeseries`), the generated Mackey-Glass series, and a labelled anomaly series.
- `music`: Bach's four-part chorales on a time grid (package data converted from music21 by
  `tools/convert_chorales.py`, so music21 is never needed to read them).
- `speech`: the Japanese Vowels speaker-recognition data set (package data of helpers).
- `pronunciation`: the CMU Pronouncing Dictionary (extra `pronunciation`).

A module that reads a data set shipped in another package (statsmodels, music21, ...)
imports that package inside its functions, never at the top, so `import helpers.data`
stays light and never imports TensorFlow. The package is named in an extra of
`pyproject.toml`, and a notebook that needs it names the extra in its metadata
(`rnn_book.extras`), so that its setup cell installs it in Colab.
"""

from helpers.data.music import VOICES, bach_chorale_info, bach_chorales
from helpers.data.pronunciation import cmudict_pronunciations
from helpers.data.speech import japanese_vowels
from helpers.data.synthetic import NUMBER_WORDS, adding_problem, adding_problem_baselines, counting_text, noisy_sine
from helpers.data.tagging import echo_streams, ring_points, run_boundaries
from helpers.data.text import census_first_names, char_sequences, python_docs_text
from helpers.data.timeseries import (
    co2_weekly,
    fill_forward,
    mackey_glass,
    seattle_weather,
    stock_prices,
    sunspots,
    ucr_anomaly_135,
)
from helpers.data.windows import chronological_split, next_value_windows, Standardizer

__all__ = [
    "NUMBER_WORDS",
    "Standardizer",
    "VOICES",
    "adding_problem",
    "adding_problem_baselines",
    "bach_chorale_info",
    "bach_chorales",
    "census_first_names",
    "char_sequences",
    "chronological_split",
    "cmudict_pronunciations",
    "co2_weekly",
    "counting_text",
    "echo_streams",
    "fill_forward",
    "japanese_vowels",
    "mackey_glass",
    "next_value_windows",
    "noisy_sine",
    "python_docs_text",
    "ring_points",
    "run_boundaries",
    "seattle_weather",
    "stock_prices",
    "sunspots",
    "ucr_anomaly_135",
]
