"""Convert the labelled anomaly series of chapter 7 from aeon's wheel into package data of helpers.

    .venv/bin/python -m tools.convert_anomaly_series            # writes helpers/data/ucr_anomaly_135.npz

aeon ships series 135 of the UCR time-series anomaly archive (Wu & Keogh, "Current Time
Series Anomaly Detection Benchmarks are Flawed and are Creating the Illusion of Progress",
IEEE TKDE 2023; the SIGKDD 2021 anomaly-detection contest) in its data folder, as
`KDD-TSAD_135/135_UCR_Anomaly_InternalBleeding16_TEST.csv` (columns timestamp, value,
is_anomaly). aeon must never be installed in Colab (it pins its own NumPy), so the notebooks
read this compact copy instead, through `helpers.data.ucr_anomaly_135()`.

The archive's file name encodes the split: the `_TRAIN.csv` file holds the first 1,200
samples of the same series, which the archive guarantees to be free of anomalies. The
conversion checks that, and stores `num_train` = 1200. `tests/test_timeseries_data.py`
converts again and checks that the arrays are identical to the committed file.
"""

from __future__ import annotations

import argparse
import importlib.util
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
OUTPUT = ROOT / "helpers" / "data" / "ucr_anomaly_135.npz"
FOLDER = Path("datasets") / "data" / "KDD-TSAD_135"
STEM = "135_UCR_Anomaly_InternalBleeding16"


def aeon_folder() -> Path:
    """aeon's data folder for the series, found without importing aeon."""
    spec = importlib.util.find_spec("aeon")
    if spec is None or spec.origin is None:
        raise ModuleNotFoundError("aeon is not installed: it is in requirements.in (make venv)")
    return Path(spec.origin).parent / FOLDER


def read_csv(path: Path) -> tuple[np.ndarray, np.ndarray]:
    """The values, float64 (n,), and the labels, bool (n,), of a TimeEval CSV file."""
    table = np.loadtxt(path, delimiter=",", skiprows=1)  # (n, 3): timestamp, value, is_anomaly
    if not np.array_equal(table[:, 0], np.arange(len(table))):
        raise ValueError(f"{path.name}: the timestamps are not 0, 1, 2, ...")
    if not np.isin(table[:, 2], (0, 1)).all():
        raise ValueError(f"{path.name}: is_anomaly is not 0 or 1")
    return table[:, 1].copy(), table[:, 2] == 1


def convert() -> dict[str, np.ndarray]:
    """The arrays of the package data file, read from aeon's CSV files and checked."""
    folder = aeon_folder()
    values, is_anomaly = read_csv(folder / f"{STEM}_TEST.csv")
    train_values, train_labels = read_csv(folder / f"{STEM}_TRAIN.csv")
    num_train = len(train_values)
    if not np.array_equal(values[:num_train], train_values) or train_labels.any() or is_anomaly[:num_train].any():
        raise ValueError("the training file is not an anomaly-free prefix of the test file")
    return {"values": values, "is_anomaly": is_anomaly, "num_train": np.array(num_train)}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m tools.convert_anomaly_series", description=__doc__.splitlines()[0])
    parser.add_argument("--output", type=Path, default=OUTPUT)
    args = parser.parse_args(argv)
    arrays = convert()
    np.savez_compressed(args.output, **arrays)
    print(f"wrote {args.output}: {len(arrays['values'])} samples, {int(arrays['is_anomaly'].sum())} labelled anomalous, "
          f"num_train={int(arrays['num_train'])}")


if __name__ == "__main__":
    main()
