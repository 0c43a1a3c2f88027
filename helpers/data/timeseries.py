"""Real and generated time series for forecasting and anomaly detection (chapter 7).

- `sunspots`, `co2_weekly`: from statsmodels (extra `timeseries`).
- `seattle_weather`, `stock_prices`: from vega_datasets (extra `timeseries`).
- `mackey_glass`: the chaotic Mackey-Glass series, generated here.
- `ucr_anomaly_135`: a labelled anomaly series, converted once from aeon's wheel into the
  package data file `ucr_anomaly_135.npz` by `tools/convert_anomaly_series.py`, so that
  neither the notebooks nor Colab ever need aeon.

statsmodels, vega_datasets and pandas are imported inside the functions, so that
`import helpers.data` stays light.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

ANOMALY_FILE = Path(__file__).with_name("ucr_anomaly_135.npz")


def _require(module: str):
    import importlib

    try:
        return importlib.import_module(module)
    except ModuleNotFoundError:
        raise ModuleNotFoundError(f"the `{module}` package is missing: pip install 'rnn-book-helpers[timeseries]'") from None


def sunspots() -> tuple[np.ndarray, np.ndarray]:
    """Yearly mean sunspot numbers, 1700-2008, as shipped in statsmodels (public domain,
    from NOAA's National Geophysical Data Center).

    Returns the years, int shape (309,), and the sunspot numbers, float64 shape (309,).
    """
    sm_datasets = _require("statsmodels.datasets")
    frame = sm_datasets.sunspots.load_pandas().data
    return frame["YEAR"].to_numpy().astype(np.int64), frame["SUNACTIVITY"].to_numpy(dtype=np.float64)


def co2_weekly() -> tuple[np.ndarray, np.ndarray]:
    """Weekly atmospheric CO2 at Mauna Loa in ppm, March 1958 to December 2001, as shipped
    in statsmodels (public domain; Keeling and Whorf, CDIAC).

    Returns the dates, datetime64[D] shape (2284,), and the concentrations, float64 shape
    (2284,), with NaN for the weeks that have no measurement (59 of them, in 22 gaps).
    Fill them yourself, and say how: see `fill_forward`.
    """
    sm_datasets = _require("statsmodels.datasets")
    frame = sm_datasets.co2.load_pandas().data
    return frame.index.to_numpy().astype("datetime64[D]"), frame["co2"].to_numpy(dtype=np.float64)


def fill_forward(series: np.ndarray) -> np.ndarray:
    """Replace each NaN by the last value observed before it (no look at the future).

    Linear interpolation would use the value after a gap, which a forecast made inside
    the gap could not know. A NaN at the very start is an error: nothing precedes it.
    """
    series = np.asarray(series, dtype=np.float64)
    missing = np.isnan(series)  # (n,)
    if missing[0]:
        raise ValueError("the series starts with a missing value: nothing to fill it from")
    last_seen = np.maximum.accumulate(np.where(missing, 0, np.arange(len(series))))  # (n,)
    return series[last_seen]


SEATTLE_COLUMNS = ("temp_max", "temp_min", "precipitation", "wind")


def seattle_weather() -> tuple[np.ndarray, np.ndarray, tuple[str, ...]]:
    """Daily weather in Seattle, 2012-2015, as shipped in vega_datasets (public-domain
    NOAA observations).

    Returns the dates, datetime64[D] shape (1461,); the values, float64 shape (1461, 4);
    and the column names: daily maximum and minimum temperature (degrees C),
    precipitation (mm) and mean wind speed (m/s).
    """
    local_data = _require("vega_datasets").local_data
    frame = local_data.seattle_weather()
    return frame["date"].to_numpy().astype("datetime64[D]"), frame[list(SEATTLE_COLUMNS)].to_numpy(dtype=np.float64), SEATTLE_COLUMNS


def stock_prices(symbol: str = "IBM") -> tuple[np.ndarray, np.ndarray]:
    """Monthly closing prices of one stock, January 2000 to March 2010, as shipped in
    vega_datasets ("stocks"): AAPL, AMZN, GOOG (from August 2004), IBM or MSFT.

    Returns the dates, datetime64[D] shape (n,), and the prices in US dollars, float64 (n,).
    """
    local_data = _require("vega_datasets").local_data
    frame = local_data.stocks()
    symbols = sorted(set(frame["symbol"]))
    if symbol not in symbols:
        raise ValueError(f"unknown symbol {symbol!r}; the data set has {', '.join(symbols)}")
    rows = frame[frame["symbol"] == symbol].sort_values("date")
    return rows["date"].to_numpy().astype("datetime64[D]"), rows["price"].to_numpy(dtype=np.float64)


def mackey_glass(num_points: int, tau: float = 17.0, sample_every: float = 1.0, dt: float = 0.1,
                 discard: int = 500, x0: float = 1.2) -> np.ndarray:
    """The Mackey-Glass series, a standard chaotic benchmark (Mackey & Glass, 1977).

    It solves the delay differential equation

        dx/dt = 0.2 x(t - tau) / (1 + x(t - tau)**10) - 0.1 x(t),

    chaotic for tau = 17, from the constant history x = x0, by the fourth-order
    Runge-Kutta method with step `dt` (the delayed value at a half step is the mean of its
    two neighbours on the grid). It drops the first `discard` samples (the transient) and
    returns `num_points` samples taken every `sample_every` time units, float64 shape
    (num_points,). Deterministic: the same arguments give the same series.
    """
    delay = int(round(tau / dt))
    every = int(round(sample_every / dt))
    if delay < 1 or every < 1 or not np.isclose(delay * dt, tau) or not np.isclose(every * dt, sample_every):
        raise ValueError("tau and sample_every must be positive multiples of dt")
    if num_points < 1 or discard < 0:
        raise ValueError("need num_points >= 1 and discard >= 0")
    num_steps = (num_points + discard) * every
    x = np.empty(delay + num_steps + 1)  # (delay + num_steps + 1,): history, then the solution
    x[: delay + 1] = x0

    def f(x_now, x_delayed):
        return 0.2 * x_delayed / (1.0 + x_delayed**10) - 0.1 * x_now

    for i in range(delay, delay + num_steps):
        lag, lag_next = x[i - delay], x[i - delay + 1]
        lag_half = 0.5 * (lag + lag_next)
        k1 = f(x[i], lag)
        k2 = f(x[i] + 0.5 * dt * k1, lag_half)
        k3 = f(x[i] + 0.5 * dt * k2, lag_half)
        k4 = f(x[i] + dt * k3, lag_next)
        x[i + 1] = x[i] + dt / 6.0 * (k1 + 2 * k2 + 2 * k3 + k4)
    samples = x[delay + every :: every]  # (num_points + discard,): one per sample_every, after t = 0
    return samples[discard : discard + num_points].copy()


def ucr_anomaly_135() -> dict:
    """Series 135 of the UCR time-series anomaly archive (Wu & Keogh, 2021), used in the
    SIGKDD 2021 anomaly-detection contest: "InternalBleeding16", a physiological waveform,
    7,501 samples with one labelled anomaly.

    Converted from the copy in aeon's wheel by `tools/convert_anomaly_series.py`. Returns
    {"values": float64 (7501,), "is_anomaly": bool (7501,), "num_train": 1200}: the
    archive's convention is that the first `num_train` samples are normal (free of
    anomalies) and may be used for training.
    """
    with np.load(ANOMALY_FILE, allow_pickle=False) as archive:
        return {"values": archive["values"].astype(np.float64), "is_anomaly": archive["is_anomaly"].astype(bool),
                "num_train": int(archive["num_train"])}
