"""Measure the book and write reports/benchmarks.md.

    python -m tools.bench                # everything (about 20 minutes)
    python -m tools.bench --quick        # notebooks and seed checks only: no book build, no `make test`
    python -m tools.bench --notebooks    # only the notebook times, written into their section
    python -m tools.bench --grading      # only the batch grading figures, written into the
                                         # report's "Grading a batch" section
    python -m tools.bench --whole        # only the book build and `make test` in a fresh clone,
                                         # written into the report's "Whole runs" section

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


GRADING_BATCH = 20  # submissions in the measured batch
GRADING_CLASS = 200  # the class size whose grading time is extrapolated


def grading(repeats: int = 1) -> dict:
    """Grade a batch of GRADING_BATCH submissions (learners who answered every question of
    exercise 1: its solution, each in a learner's folder) with `--jobs 1` and with `--jobs N`
    (N = the number of cores), and a batch twice as large with `--jobs N`, `repeats` times
    each; the wall times, the speed-up, and the time for GRADING_CLASS submissions
    extrapolated along the line through the two parallel batches (a batch's fixed cost,
    such as starting the grading processes, is not multiplied by the class size)."""
    cores = os.cpu_count() or 1
    runs = [(1, GRADING_BATCH), (cores, GRADING_BATCH), (cores, 2 * GRADING_BATCH)]
    times: dict[tuple, list[float]] = {run: [] for run in runs}
    with tempfile.TemporaryDirectory(prefix="rnn-book-bench-") as tmp:
        solution = (ROOT / "solutions" / "01_rnn_basics.ipynb").read_text()
        for _ in range(repeats):
            for jobs, size in runs:
                batch = Path(tmp) / f"submissions{size}"
                for i in range(size):
                    learner = batch / f"learner{i:03d}"
                    learner.mkdir(parents=True, exist_ok=True)
                    (learner / "01_rnn_basics.ipynb").write_text(solution)
                times[jobs, size].append(timed([sys.executable, "-m", "helpers.grade", str(batch), "--jobs", str(jobs),
                                                "--csv", str(Path(tmp) / f"grades{jobs}.csv")], ROOT))
                print(f"{times[jobs, size][-1]:6.1f} s  {size} submissions, --jobs {jobs}", flush=True)
    one, many, double = (times[run] for run in runs)
    per_submission = [(b - a) / GRADING_BATCH for a, b in zip(many, double)]
    return {"cores": cores, "one": sorted(one), "many": sorted(many), "double": sorted(double),
            "speedup": sorted(a / b for a, b in zip(one, many)),
            "class_s": sorted(a + (GRADING_CLASS - GRADING_BATCH) * p for a, p in zip(many, per_submission))}


def _grading_lines(g: dict) -> list[str]:
    def spread(values: list[float], unit: str = " s", digits: int = 1) -> str:
        low, high = min(values), max(values)
        text = f"{low:.{digits}f}{unit}" if len(values) == 1 else f"{low:.{digits}f}-{high:.{digits}f}{unit}"
        return text + ("" if len(values) == 1 else f" ({len(values)} runs)")

    return [
        "## Grading a batch",
        "",
        f"`python -m helpers.grade` on {GRADING_BATCH} submissions (the solution of exercise 1, each in a "
        f"learner's folder), one after another and {g['cores']} at a time:",
        "",
        "| what | wall time |",
        "|---|---:|",
        f"| {GRADING_BATCH} submissions, `--jobs 1` | {spread(g['one'])} |",
        f"| {GRADING_BATCH} submissions, `--jobs {g['cores']}` | {spread(g['many'])} |",
        f"| {2 * GRADING_BATCH} submissions, `--jobs {g['cores']}` | {spread(g['double'])} |",
        f"| speed-up ({GRADING_BATCH} submissions) | {spread(g['speedup'], '×', 2)} |",
        f"| {GRADING_CLASS} submissions, `--jobs {g['cores']}` (extrapolated along the line through the two "
        f"parallel batches) | {spread([t / 60 for t in g['class_s']], ' min')} |",
        "",
    ]


def seed_checks() -> str:
    """The seed-robustness tables of the chapters that have them (tools/seed_checks/)."""
    out = subprocess.run([sys.executable, "-m", "tools.seed_checks"], cwd=ROOT, capture_output=True, text=True)
    status = "all claims hold" if out.returncode == 0 else "A CLAIM FAILED"
    return f"{out.stdout.strip()}\n\nResult: {status} (exit status {out.returncode})."


def _notebook_lines(rows: list[dict]) -> list[str]:
    return [
        f"## Notebooks (budget {BUDGET_S} s each, TensorFlow import included)",
        "",
        f"Measured on {datetime.date.today()}, each notebook alone in a fresh kernel.",
        "",
        "| notebook | wall time (s) | peak memory (MB) |",
        "|---|---:|---:|",
        *(f"| {r['notebook']} | {r['seconds']:.1f} | {r['peak_mb']:.0f} |" for r in rows),
        "",
        f"Slowest: {max(r['seconds'] for r in rows):.1f} s. Total, one after another: {sum(r['seconds'] for r in rows):.0f} s.",
        "",
    ]


def write_report(rows, book_s, test_s, seeds, graded: dict | None = None) -> None:
    import tensorflow as tf

    lines = [
        "# Benchmarks",
        "",
        f"Made by `make bench` (`python -m tools.bench`) on {datetime.date.today()}: {os.cpu_count()} cores, "
        f"Python {platform.python_version()}, TensorFlow {tf.__version__}, CPU only. Re-run it to refresh.",
        "",
        *_notebook_lines(rows),
        *_whole_lines(book_s, test_s),
    ]
    if graded:
        lines += _grading_lines(graded)
    if seeds:
        lines += ["## Seed robustness of the chapters' claims", "", seeds, ""]
    REPORT.parent.mkdir(exist_ok=True)
    REPORT.write_text("\n".join(lines))
    print(f"wrote {REPORT.relative_to(ROOT)}")


def _whole_lines(book_s: float | None, test_s: float | None) -> list[str]:
    return [
        "## Whole runs",
        "",
        f"Measured on {datetime.date.today()}.",
        "",
        "| what | wall time |",
        "|---|---:|",
        f"| book build from scratch (`jupyter-book build -W -n --keep-going`, notebooks executed) | {_fmt(book_s)} |",
        f"| `make test` in a fresh clone (virtual environment, tests, nbval, book build) | {_fmt(test_s)} |",
        "",
    ]


def replace_section(lines: list[str]) -> None:
    """Put `lines` (a "## ..." section) into the report in place of the section of the same
    title, or before the seed-robustness tables if it has none."""
    text = REPORT.read_text() if REPORT.exists() else "# Benchmarks\n"
    title = lines[0]
    if title in text:
        start = text.index(title)
        end = text.find("\n## ", start + len(title))
        text = text[:start] + "\n".join(lines) + ("\n" + text[end + 1 :] if end != -1 else "\n")
    else:
        anchor = text.find("## Seed robustness")
        anchor = len(text) if anchor == -1 else anchor
        text = text[:anchor] + "\n".join(lines) + "\n" + text[anchor:]
    REPORT.write_text(text)
    print(f"updated {REPORT.relative_to(ROOT)}")


def _fmt(seconds: float | None) -> str:
    return "not measured (--quick)" if seconds is None else f"{seconds / 60:.1f} min ({seconds:.0f} s)"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--one", help=argparse.SUPPRESS)
    parser.add_argument("--quick", action="store_true", help="skip the book build and `make test`")
    parser.add_argument("--notebooks", action="store_true", help="only time the notebooks, and write that section")
    parser.add_argument("--grading", action="store_true", help="only measure batch grading, and write that section of the report")
    parser.add_argument("--whole", action="store_true", help="only the book build and `make test`, and write that section")
    parser.add_argument("--repeats", type=int, default=1, help="runs of each grading measurement (default 1)")
    args = parser.parse_args()
    if args.one:
        run_one(args.one)
        return
    os.environ.update({"TF_CPP_MIN_LOG_LEVEL": "3", "TF_ENABLE_ONEDNN_OPTS": "0"})
    if args.notebooks:
        replace_section(_notebook_lines(notebooks()))
        return
    if args.whole:
        replace_section(_whole_lines(book_build(), make_test()))
        return
    if args.grading:
        lines = _grading_lines(grading(args.repeats))
        print("\n".join(lines))
        replace_section(lines)
        return
    rows = notebooks()
    seeds = seed_checks()
    graded = grading(args.repeats)
    book_s = None if args.quick else book_build()
    test_s = None if args.quick else make_test()
    write_report(rows, book_s, test_s, seeds, graded)


if __name__ == "__main__":
    main()
