"""Grading at scale: batches in parallel (`--jobs`), a progress bar on a terminal only,
reports and CSV in a stable order, the same grades whatever the order or the number of
jobs, and a grading process that dies costing only its own notebook."""

import csv
import json
import os
import pty
import select
import subprocess
import sys
import time
from pathlib import Path

from helpers import grade
from helpers.grading import EXERCISES
from tests.helpers_for_tests import ROOT, notebook, submission

STEM = "01_rnn_basics"
WRONG = {  # wrong answers whose messages carry computed numbers
    "01.q1": "def masked_rnn_forward(X, lengths, h0, W_xh, W_hh, b_h):\n    return np.zeros((X.shape[0], X.shape[1], len(b_h))) + 0.5\n",
    "01.q3": "def rnn_stack_param_count(num_inputs, hidden_sizes, num_outputs, bidirectional):\n    return sum(hidden_sizes) * (num_inputs + 1)\n",
}


def _batch(folder: Path) -> list[Path]:
    """Five submissions in two folders, given in an order that is not the sorted one."""
    made = []
    for learner, source in [("zoe", "solutions"), ("adam", "exercises"), ("mia", "wrong"), ("adam2", "solutions"), ("bo", "broken")]:
        (folder / learner).mkdir(parents=True)
        target = folder / learner / f"{STEM}.ipynb"
        if source == "wrong":
            submission(folder / learner, STEM, name=STEM, answers=WRONG)
        elif source == "broken":
            target.write_text("{not json")
        else:
            target.write_text((ROOT / source / f"{STEM}.ipynb").read_text())
        made.append(target)
    return made


def _cli(*args, **kwargs):
    return subprocess.run([sys.executable, "-m", "helpers.grade", *map(str, args)], capture_output=True, text=True,
                          cwd=ROOT, timeout=1200, **kwargs)


def test_parallel_and_one_by_one_give_the_same_grades_in_the_same_order(tmp_path):
    """Determinism: the same submissions graded twice (once in parallel, once one by one,
    in a different order) get the same scores and messages; the reports and the CSV follow
    the order of the arguments, and the exit status is the same."""
    paths = _batch(tmp_path / "subs")
    runs = {}
    for jobs, order in ((2, paths), (1, paths[::-1])):
        out = tmp_path / f"jobs{jobs}"
        result = _cli(*order, "--jobs", jobs, "--json", out, "--csv", out / "grades.csv")
        assert result.returncode == 2 and result.stderr.count("not valid notebook JSON") == 1, result.stderr
        assert "graded" not in result.stderr  # no progress bar when stderr is not a terminal
        headers = [line for line in result.stdout.splitlines() if line.endswith(f"(exercise {STEM})")]
        assert headers == [f"{p} (exercise {STEM})" for p in order if "bo" not in p.parts]
        rows = list(csv.DictReader((out / "grades.csv").open()))
        assert [r["file"] for r in rows] == [str(p) for p in order if "bo" not in p.parts]
        runs[jobs] = {r["file"]: r for r in rows}, {
            p.relative_to(out).as_posix(): json.loads(p.read_text()) for p in sorted(out.rglob("*.json"))
        }
    assert runs[1] == runs[2]
    gradebook, reports = runs[2]
    total = sum(q.points for q in EXERCISES[STEM])
    mia = total - sum(q.points for q in EXERCISES[STEM] if q.id in WRONG)  # her q1 and q3 are wrong
    assert [int(gradebook[str(p)]["total"]) for p in paths if "bo" not in p.parts] == [total, 0, mia, total]
    wrong = reports["mia/01_rnn_basics.json"]["tests"]
    assert "largest difference" in wrong[0]["output"] and "expected 178" in wrong[2]["output"]


def test_the_progress_bar_shows_on_a_terminal_with_the_time_left(tmp_path):
    for name in ("a", "b", "c"):
        (tmp_path / f"{name}_{STEM}.ipynb").write_text((ROOT / "exercises" / f"{STEM}.ipynb").read_text())
    leader, follower = pty.openpty()
    process = subprocess.Popen([sys.executable, "-m", "helpers.grade", tmp_path, "--jobs", "2"], cwd=ROOT,
                               stdin=follower, stdout=follower, stderr=follower)
    os.close(follower)
    seen = b""
    deadline = time.monotonic() + 600
    while time.monotonic() < deadline:
        ready, _, _ = select.select([leader], [], [], 1)
        if ready:
            try:
                chunk = os.read(leader, 1 << 16)
            except OSError:
                break  # the terminal closed: the grader ended
            if not chunk:
                break
            seen += chunk
    process.wait(timeout=60)
    os.close(leader)
    text = seen.decode()
    assert process.returncode == 0 and text.count("Score: 0/8") == 3, text[-2000:]
    assert "0/3 graded" in text and "left" in text and "3/3 graded" in text
    assert "\r" in text  # the bar redraws itself in place


# --- a grading process that dies ------------------------------------------------------

def _dies_on_b(path: Path):
    """A grading task that kills its own process for notebooks named b*."""
    if path.name.startswith("b"):
        os._exit(1)
    return f"graded {path.name}"


def test_a_grading_process_that_dies_costs_only_its_notebook(tmp_path):
    paths = []
    for name in ("a", "b", "c", "d"):
        path = tmp_path / f"{name}_{STEM}.ipynb"
        path.write_text(json.dumps(notebook("exercises", STEM)))
        paths.append(path)
    outcomes = dict(grade._in_parallel(paths, 2, _dies_on_b))
    assert set(outcomes) == set(paths)
    assert [outcomes[p] for p in paths if p.name[0] != "b"] == [f"graded {p.name}" for p in paths if p.name[0] != "b"]
    failed = outcomes[paths[1]]
    assert isinstance(failed, grade.Report) and failed.score == 0
    assert all("grading process ended unexpectedly" in r.message for r in failed.rows)


def test_graded_hands_outcomes_on_in_the_order_given(tmp_path, monkeypatch):
    paths = [tmp_path / f"{n}.ipynb" for n in "dcba"]
    monkeypatch.setattr(grade, "_in_parallel", lambda paths, jobs, task: [(p, p.name) for p in sorted(paths)])
    assert [p for p, _ in grade.graded(paths, jobs=2)] == paths
