"""Gradescope's side of the autograder: grade the notebook a learner submitted.

    python -m helpers.grading.gradescope --exercise 04_lstm [--root /autograder]

`make autograder` builds one zip per exercise (tools/autograder.py); its `run_autograder`
calls this. Gradescope puts the learner's files in ROOT/submission and shows what this
writes to ROOT/results/results.json (its format:
https://gradescope-autograders.readthedocs.io/en/latest/specs/).

Each question gives two entries. One, always visible, says whether the question's visible
cases pass (the cases `check()` runs in the notebook) and carries no points; the other,
shown after the due date, is the question's score with the hidden cases counted, exactly
as `python -m helpers.grade` scores it. Gradescope hides the total while an entry is
hidden, so before the due date a learner sees what `check()` would say, and afterwards
the score and why.

Whatever was submitted, results.json is written and valid: a submission that cannot be
graded (no notebook, several, another exercise's, an unreadable file) scores 0, with a
message that says what to upload instead. A file written first says that grading did not
finish, in case the grader itself is stopped.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
import traceback
from pathlib import Path

from helpers.grade import PASSED, Report, UnusableInput, grade_notebook, identify, read_notebook
from helpers.grading import EXERCISES

DOWNLOAD = ("Download the notebook as an .ipynb file (in Colab: File > Download > Download .ipynb; "
            "in Jupyter: File > Save, then File > Download) and upload that file.")


class Refused(Exception):
    """A submission that cannot be graded; the message tells the learner what to do."""


def choose(folder: Path, exercise: str) -> tuple[Path, str]:
    """The notebook to grade in a submission folder, and a note about what was left out.

    One notebook of this exercise (by its metadata or file name) is graded, whatever else
    was uploaded; a single notebook that names no exercise is graded as this one."""
    files = sorted(p for p in folder.rglob("*") if p.is_file() and not _ignored(p.relative_to(folder)))
    notebooks = [p for p in files if p.suffix == ".ipynb"]
    wanted = f"`{exercise}.ipynb`"
    if not notebooks:
        uploaded = f" (you uploaded {_names(files, folder)})" if files else ""
        raise Refused(f"No notebook was found in your submission{uploaded}. This assignment grades exercise "
                      f"{wanted}. {DOWNLOAD}")
    ours, others, unnamed, unreadable = [], [], [], []
    for path in notebooks:
        try:
            nb = read_notebook(path)
        except UnusableInput as error:
            unreadable.append((path, str(error).split(": ", 1)[-1]))
            continue
        try:
            (ours if identify(nb, path) == exercise else others).append(path)
        except UnusableInput:
            unnamed.append(path)
    left_out = [p for p in notebooks if p not in ours]
    note = f"Not graded: {_names(left_out, folder)} (not exercise {exercise})." if left_out else ""
    if len(ours) == 1:
        return ours[0], note
    if len(ours) > 1:
        raise Refused(f"Your submission holds {len(ours)} notebooks of this exercise ({_names(ours, folder)}). "
                      f"Upload only the one you want graded.")
    if len(unnamed) == 1 and not others:
        return unnamed[0], ""
    if others:
        names = ", ".join(f"{_names([p], folder)} (exercise {identify(read_notebook(p), p)})" for p in others)
        raise Refused(f"This assignment grades exercise {wanted}, but you submitted {names}. "
                      f"Upload your notebook of exercise {exercise}.")
    if unnamed:
        raise Refused(f"Your submission holds {len(unnamed)} notebooks ({_names(unnamed, folder)}) and none says "
                      f"which exercise it answers. Upload only your notebook of exercise {exercise}.")
    path, why = unreadable[0]
    raise Refused(f"{_names([path], folder)} is not a notebook that can be read ({why}). {DOWNLOAD}")


def _ignored(relative: Path) -> bool:
    """Copies that tools leave beside a notebook: Jupyter's checkpoints, macOS's zip folders."""
    return any(part in {".ipynb_checkpoints", "__MACOSX"} or part.startswith("._") for part in relative.parts)


def _names(paths: list[Path], folder: Path) -> str:
    return ", ".join(f"`{p.relative_to(folder)}`" for p in paths)


def results(report: Report, note: str = "") -> dict:
    """Gradescope's results for a graded notebook."""
    titles = {q.id: q.title for q in EXERCISES[report.exercise]}
    tests = []
    for row in report.rows:
        name = f"{row.qid} {titles[row.qid]}"
        tests.append({"name": f"{name}: the visible cases (what check() runs)", "status": "passed" if row.visible == PASSED else "failed",
                      "output": row.visible, "visibility": "visible"})
        tests.append({"name": name, "score": row.score, "max_score": row.points, "output": row.message,
                      "visibility": "after_due_date"})
    output = (f"Exercise {report.exercise}. Before the due date you see, for each question, whether its visible "
              "cases pass: the cases check() runs in your notebook. After the due date you see your score, "
              "which also counts the hidden cases (other shapes and seeds).")
    return {"score": report.score, "output": f"{output} {note}".strip(), "tests": tests}


def refused(message: str, exercise: str) -> dict:
    """Gradescope's results for a submission that could not be graded: 0, and what to do."""
    tests = [{"name": "Your submission", "status": "failed", "output": message, "visibility": "visible"}]
    tests += [{"name": f"{q.id} {q.title}", "score": 0, "max_score": q.points, "output": "Not graded: see above.",
               "visibility": "visible"} for q in EXERCISES[exercise]]
    return {"score": 0, "output": message, "tests": tests}


def run(root: Path, exercise: str, timeout: float = 60.0) -> dict:
    """Grade ROOT/submission and write ROOT/results/results.json; return what was written."""
    started = time.monotonic()
    out = root / "results" / "results.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    _write(out, refused("The autograder did not finish grading this submission. Submit again; if this "
                        "message stays, tell your instructor.", exercise), started)
    try:
        path, note = choose(root / "submission", exercise)
        report = grade_notebook(path, timeout, exercise=exercise)
        data = results(report, note)
    except Refused as why:
        data = refused(str(why), exercise)
    except Exception:  # noqa: BLE001 - whatever happens, the learner gets a valid results.json
        traceback.print_exc()  # to Gradescope's stdout, which only instructors see
        data = refused("The autograder failed on this submission; tell your instructor.", exercise)
    return _write(out, data, started)


def _write(out: Path, data: dict, started: float) -> dict:
    data = {**data, "execution_time": round(time.monotonic() - started)}
    out.write_text(json.dumps(data, indent=2) + "\n")
    return data


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m helpers.grading.gradescope", description=__doc__.splitlines()[0])
    parser.add_argument("--exercise", required=True, choices=sorted(EXERCISES))
    parser.add_argument("--root", type=Path, default=Path("/autograder"), help="Gradescope's folder (default /autograder)")
    parser.add_argument("--timeout", type=float, default=60.0, metavar="SECONDS", help="time limit per question (default 60)")
    args = parser.parse_args(argv)
    data = run(args.root, args.exercise, args.timeout)
    print(json.dumps(data, indent=2))  # Gradescope shows it to instructors
    return 0


if __name__ == "__main__":
    sys.exit(main())
