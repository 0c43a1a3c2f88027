"""The command-line autograder.

    python -m helpers.grade SUBMISSION.ipynb [MORE.ipynb or FOLDER ...] [--json DIR] [--csv FILE] [--timeout SECONDS]

For each notebook it finds the exercise (from the notebook's metadata, or else its file
name), runs the submission's code in a separate process (helpers.grading.worker) with a
time limit per question, and checks what each answer returned against values computed
here, in a process the submission never touched. It prints a table per notebook ending in
`Score: X/Y`; `--json DIR` writes DIR/<stem>.json in Gradescope's format; `--csv FILE`
writes one row per submission.

Exit status: 0 when every notebook was graded; 2 when an input could not be used (not a
notebook, unreadable JSON, no known exercise): one line each on stderr, the others graded.

This is not a security sandbox: the submission's code runs as you. Grade untrusted
submissions inside a container or a throwaway account.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from helpers.grading import EXERCISES
from helpers.grading.worker import locate

QUIET_ENV = {"TF_CPP_MIN_LOG_LEVEL": "3", "TF_ENABLE_ONEDNN_OPTS": "0", "MPLBACKEND": "Agg"}


class UnusableInput(Exception):
    """A file the grader cannot grade; the message is one line for the user."""


@dataclass
class Row:
    qid: str
    points: int
    score: int
    message: str


@dataclass
class Report:
    path: Path
    exercise: str
    rows: list[Row] = field(default_factory=list)

    @property
    def score(self) -> int:
        return sum(r.score for r in self.rows)

    @property
    def points(self) -> int:
        return sum(r.points for r in self.rows)


def read_notebook(path: Path) -> dict:
    if path.suffix != ".ipynb":
        raise UnusableInput(f"{path}: not a notebook (expected a .ipynb file)")
    try:
        nb = json.loads(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise UnusableInput(f"{path}: cannot read it ({error.strerror})") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise UnusableInput(f"{path}: not valid notebook JSON ({error})") from None
    if not isinstance(nb, dict) or not isinstance(nb.get("cells"), list):
        raise UnusableInput(f"{path}: not a notebook (no list of cells)")
    return nb


def identify(nb: dict, path: Path) -> str:
    """The exercise a notebook answers: its metadata first, then its file name
    (Colab and other tools may drop metadata; "Copy of 01_rnn_basics (2).ipynb" still works)."""
    metadata = nb.get("metadata", {}).get("rnn_book", {})
    exercise = metadata.get("exercise") if isinstance(metadata, dict) else None
    if exercise in EXERCISES:
        return exercise
    matches = [stem for stem in EXERCISES if stem in path.name]
    if len(matches) == 1:
        return matches[0]
    raise UnusableInput(f"{path}: no known exercise (metadata rnn_book.exercise or a file name containing one of {', '.join(EXERCISES)})")


def _run_worker(path: Path, todo: list[tuple[str, int]], skip: set[int], out: Path, timeout: float):
    """Run the worker until it finishes or one question fails it.

    Returns None when it finished, or (qid, cell, phase, why) for the question that was
    running when it hung or died."""
    spec = out / "spec.json"
    spec.write_text(json.dumps({"notebook": str(path.resolve()), "questions": todo, "skip_cells": sorted(skip), "out": str(out)}))
    (out / "progress.json").unlink(missing_ok=True)  # left by a worker that was killed
    package_root = str(Path(__file__).resolve().parents[1])
    env = {**os.environ, **QUIET_ENV, "PYTHONPATH": os.pathsep.join([package_root, os.environ.get("PYTHONPATH", "")])}
    with open(out / "worker.log", "ab") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "helpers.grading.worker", str(spec)],
            cwd=out, env=env, stdin=subprocess.DEVNULL, stdout=log, stderr=log, start_new_session=True,
        )
        current, started = None, time.monotonic()
        # The submission can write files too, so the result files alone never end the wait:
        # the whole run also has a deadline of one time limit per question.
        deadline = started + timeout * len(todo) + 30
        try:
            while True:
                running = next((q for q, _ in todo if not (out / f"{q}.json").exists()), None)
                if running is None:
                    try:
                        process.wait(timeout=max(deadline - time.monotonic(), 0))
                    except subprocess.TimeoutExpired:
                        pass
                    return None
                if running != current and (out / f"{running}.start").exists():
                    current, started = running, time.monotonic()
                if process.poll() is not None:
                    # One more look: it may have written the result just before exiting.
                    if (out / f"{running}.json").exists():
                        continue
                    return (running, *_progress(out, running), "the process exited while this question ran (sys.exit, os._exit or a crash).")
                if current == running and time.monotonic() - started > timeout:
                    return (running, *_progress(out, running), f"timed out after {timeout:g} s.")
                time.sleep(0.05)
        finally:
            if process.poll() is None:
                os.killpg(process.pid, 9)
                process.wait()


def _progress(out: Path, qid: str) -> tuple[int | None, str]:
    try:
        progress = json.loads((out / "progress.json").read_text())
    except (OSError, json.JSONDecodeError):
        return None, "cells"
    if progress.get("question") != qid:
        return None, "cells"
    return progress.get("cell"), progress.get("phase", "cells")


def grade_notebook(path: Path, timeout: float = 60.0) -> Report:
    """Grade one notebook. Raises UnusableInput for a file it cannot grade."""
    path = Path(path)
    nb = read_notebook(path)
    exercise = identify(nb, path)
    questions = EXERCISES[exercise]
    cells = locate(nb, questions)
    messages = {q.id: f"missing: no cell defines `{q.answer}`." for q in questions if q.id not in cells}
    todo = sorted(((q.id, cells[q.id]) for q in questions if q.id in cells), key=lambda item: item[1])
    graded_cells = set(cells.values())
    skip: set[int] = set()
    with tempfile.TemporaryDirectory(prefix="rnn-book-grade-") as tmp:
        out = Path(tmp)
        while todo:
            failure = _run_worker(path, todo, skip, out, timeout)
            if failure is None:
                break
            qid, cell, phase, why = failure
            if cell is not None and phase == "cells" and cell not in graded_cells and cell not in skip:
                skip.add(cell)  # an ungraded cell of the learner's hung or died: skip it, retry
            else:
                messages[qid] = why
                skip.add(cells[qid])
            todo = [(q, c) for q, c in todo if not (out / f"{q}.json").exists() and q not in messages]
        report = Report(path, exercise)
        for q in questions:
            if q.id not in messages:
                messages[q.id] = _verify(q, out)
            passed = messages[q.id] == "passed"
            report.rows.append(Row(q.id, q.points, q.points if passed else 0, messages[q.id]))
    return report


def _verify(question, out: Path) -> str:
    """Compare the worker's arrays with this process's own expected values."""
    status = json.loads((out / f"{question.id}.json").read_text())
    if status["status"] != "ok":
        return status["message"]
    payloads: dict[int, dict] = {}
    try:
        with np.load(out / f"{question.id}.npz", allow_pickle=False) as arrays:
            for key in arrays.files:
                index, name = key.split(".", 1)
                payloads.setdefault(int(index), {})[name] = arrays[key]
    except (OSError, ValueError):
        return "the grader found no usable result for this question."
    cases = question.cases(True)
    if sorted(payloads) != list(range(len(cases))):
        return "the answer returned nothing for some test cases."
    for case, payload in zip(cases, (payloads[i] for i in range(len(cases)))):
        try:
            question.verify(case, payload)
        except AssertionError as error:
            return str(error)
        except Exception as error:  # noqa: BLE001 - a malformed return value, reported as such
            return f"the returned value could not be checked ({type(error).__name__}: {error})"
    return "passed"


def print_report(report: Report) -> None:
    print(f"\n{report.path} (exercise {report.exercise})")
    width = max(len("question"), *(len(r.qid) for r in report.rows))
    print(f"{'question':<{width}}  points  score  message")
    for r in report.rows:
        message = r.message.replace("\n", " ")
        print(f"{r.qid:<{width}}  {r.points:>6}  {r.score:>5}  {message}")
    print(f"Score: {report.score}/{report.points}")


def write_json(report: Report, folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    results = {
        "score": report.score,
        "tests": [{"name": r.qid, "score": r.score, "max_score": r.points, "output": r.message} for r in report.rows],
    }
    (folder / f"{report.path.stem}.json").write_text(json.dumps(results, indent=2) + "\n")


def write_csv(reports: list[Report], path: Path) -> None:
    qids = list(dict.fromkeys(r.qid for report in reports for r in report.rows))
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["file", *qids, "total"])
        for report in reports:
            scores = {r.qid: r.score for r in report.rows}
            writer.writerow([str(report.path), *(scores.get(q, "") for q in qids), report.score])


def _expand(paths: list[str]) -> list[Path]:
    files = []
    for name in paths:
        p = Path(name)
        files.extend(sorted(p.glob("*.ipynb")) if p.is_dir() else [p])
    return files


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m helpers.grade", description="Grade exercise notebooks.")
    parser.add_argument("submissions", nargs="+", help="notebooks, or folders of notebooks")
    parser.add_argument("--json", type=Path, metavar="DIR", help="write DIR/<notebook stem>.json (Gradescope format)")
    parser.add_argument("--csv", type=Path, metavar="FILE", help="write one row per submission to FILE")
    parser.add_argument("--timeout", type=float, default=60.0, metavar="SECONDS", help="time limit per question (default 60)")
    args = parser.parse_args(argv)
    if args.timeout <= 0:
        parser.error("--timeout must be positive")
    os.environ.update({k: v for k, v in QUIET_ENV.items() if k != "MPLBACKEND"})

    reports, unusable = [], 0
    for path in _expand(args.submissions):
        try:
            report = grade_notebook(path, args.timeout)
        except UnusableInput as error:
            print(f"error: {error}", file=sys.stderr)
            unusable += 1
            continue
        print_report(report)
        if args.json:
            write_json(report, args.json)
        reports.append(report)
    if args.csv and reports:
        write_csv(reports, args.csv)
    return 2 if unusable else 0


if __name__ == "__main__":
    sys.exit(main())
