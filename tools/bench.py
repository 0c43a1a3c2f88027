"""Measure the book and write reports/benchmarks.md.

    python -m tools.bench                # everything (about 15 minutes)
    python -m tools.bench --quick        # notebooks and seed checks only: no book build, no `make test`

Each notebook is executed alone, in a fresh kernel, so its time includes starting Python
and importing TensorFlow, as a learner's first run does. Peak memory is the largest
resident set of the kernel process. The book is built from scratch into a temporary
folder, and `make test` runs in a fresh clone, as CI runs it.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FOLDERS = ("chapters", "solutions", "exercises")
REPORT = ROOT / "reports" / "benchmarks.md"
BUDGET_S = 60


def run_one(path: str) -> None:
    """In a child process: execute one notebook and print its time and the kernel's peak memory."""
    import nbclient
    import nbformat

    nb = nbformat.read(path, as_version=4)
    start = time.perf_counter()
    nbclient.NotebookClient(nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(Path(path).parent)}}).execute()
    seconds = time.perf_counter() - start
    peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024  # the kernel, once it has exited
    print(json.dumps({"seconds": seconds, "peak_mb": peak_mb}))


def notebooks() -> list[dict]:
    rows = []
    for folder in FOLDERS:
        for path in sorted((ROOT / folder).glob("*.ipynb")):
            out = subprocess.run([sys.executable, "-m", "tools.bench", "--one", str(path)], cwd=ROOT,
                                 capture_output=True, text=True, check=True)
            row = {"notebook": f"{folder}/{path.name}", **json.loads(out.stdout.strip().splitlines()[-1])}
            print(f"{row['seconds']:6.1f} s {row['peak_mb']:7.0f} MB  {row['notebook']}", flush=True)
            rows.append(row)
    return rows


def timed(command: list[str], cwd: Path) -> float:
    start = time.perf_counter()
    subprocess.run(command, cwd=cwd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def book_build() -> float:
    with tempfile.TemporaryDirectory() as out:
        return timed([str(ROOT / ".venv" / "bin" / "jupyter-book"), "build", "-W", "-n", "--keep-going", "--path-output", out, "."], ROOT)


def make_test() -> float:
    with tempfile.TemporaryDirectory() as tmp:
        clone = Path(tmp) / "clone"
        subprocess.run(["git", "clone", "--quiet", str(ROOT), str(clone)], check=True)
        return timed(["make", "test"], clone)


def seed_checks() -> str:
    """The seed-robustness tables of the chapters that have them (tools/seed_checks/)."""
    out = subprocess.run([sys.executable, "-m", "tools.seed_checks"], cwd=ROOT, capture_output=True, text=True)
    status = "all claims hold" if out.returncode == 0 else "A CLAIM FAILED"
    return f"{out.stdout.strip()}\n\nResult: {status} (exit status {out.returncode})."


def write_report(rows, book_s, test_s, seeds) -> None:
    import tensorflow as tf

    lines = [
        "# Benchmarks",
        "",
        f"Made by `make bench` (`python -m tools.bench`) on {datetime.date.today()}: {os.cpu_count()} cores, "
        f"Python {platform.python_version()}, TensorFlow {tf.__version__}, CPU only. Re-run it to refresh.",
        "",
        f"## Notebooks (budget {BUDGET_S} s each, TensorFlow import included)",
        "",
        "| notebook | wall time (s) | peak memory (MB) |",
        "|---|---:|---:|",
        *(f"| {r['notebook']} | {r['seconds']:.1f} | {r['peak_mb']:.0f} |" for r in rows),
        "",
        f"Slowest: {max(r['seconds'] for r in rows):.1f} s. Total, one after another: {sum(r['seconds'] for r in rows):.0f} s.",
        "",
        "## Whole runs",
        "",
        "| what | wall time |",
        "|---|---:|",
        f"| book build from scratch (`jupyter-book build -W -n --keep-going`, notebooks executed) | {_fmt(book_s)} |",
        f"| `make test` in a fresh clone (virtual environment, tests, nbval, book build) | {_fmt(test_s)} |",
        "",
    ]
    if seeds:
        lines += ["## Seed robustness of the chapters' claims", "", seeds, ""]
    REPORT.parent.mkdir(exist_ok=True)
    REPORT.write_text("\n".join(lines))
    print(f"wrote {REPORT.relative_to(ROOT)}")


def _fmt(seconds: float | None) -> str:
    return "not measured (--quick)" if seconds is None else f"{seconds / 60:.1f} min ({seconds:.0f} s)"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--one", help=argparse.SUPPRESS)
    parser.add_argument("--quick", action="store_true", help="skip the book build and `make test`")
    args = parser.parse_args()
    if args.one:
        run_one(args.one)
        return
    os.environ.update({"TF_CPP_MIN_LOG_LEVEL": "3", "TF_ENABLE_ONEDNN_OPTS": "0"})
    rows = notebooks()
    seeds = seed_checks()
    book_s = None if args.quick else book_build()
    test_s = None if args.quick else make_test()
    write_report(rows, book_s, test_s, seeds)


if __name__ == "__main__":
    main()
