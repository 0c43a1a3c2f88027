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

A module that reads a data set shipped in another package (statsmodels, music21, ...)
imports that package inside its functions, never at the top, so `import helpers.data`
stays light and never imports TensorFlow. The package is named in an extra of
`pyproject.toml`, and a notebook that needs it names the extra in its metadata
(`rnn_book.extras`), so that its setup cell installs it in Colab.
"""

from helpers.data.synthetic import NUMBER_WORDS, adding_problem, adding_problem_baselines, counting_text, noisy_sine
from helpers.data.tagging import echo_streams, ring_points, run_boundaries
from helpers.data.text import census_first_names, char_sequences
from helpers.data.timeseries import (
    co2_weekly,
    fill_forward,
    mackey_glass,
    seattle_weather,
    stock_prices,
    sunspots,
    ucr_anomaly_135,
)
from helpers.data.windows import Standardizer, chronological_split, next_value_windows

__all__ = [
    "NUMBER_WORDS",
    "Standardizer",
    "adding_problem",
    "adding_problem_baselines",
    "census_first_names",
    "char_sequences",
    "chronological_split",
    "co2_weekly",
    "counting_text",
    "echo_streams",
    "fill_forward",
    "mackey_glass",
    "next_value_windows",
    "noisy_sine",
    "ring_points",
    "run_boundaries",
    "seattle_weather",
    "stock_prices",
    "sunspots",
    "ucr_anomaly_135",
]
