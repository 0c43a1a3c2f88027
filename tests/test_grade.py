"""The command-line autograder, end to end: real notebooks, real worker processes.

Each test grades a notebook made from the reference solution with one change, and checks
that exactly the changed question loses its points."""

import csv
import json
import subprocess
import sys
from pathlib import Path

import pytest

from helpers.grade import grade_notebook
from helpers.grading import EXERCISES
from tests.helpers_for_tests import ROOT, submission

STEM = "01_rnn_basics"
QUESTIONS = EXERCISES[STEM]
FULL = {q.id: q.points for q in QUESTIONS}
TOTAL = sum(FULL.values())

# Each question's answer is self-contained; these tests break one question at a time.
SELF_CONTAINED_Q2 = '''
def bidirectional_forward(X, W_xh_f, W_hh_f, b_h_f, W_xh_b, W_hh_b, b_h_b):
    def run(X, W_xh, W_hh, b_h):
        h, H = np.zeros((X.shape[0], W_hh.shape[0])), []
        for t in range(X.shape[1]):
            h = np.tanh(X[:, t] @ W_xh.T + h @ W_hh.T + b_h)  # (batch, num_hiddens)
            H.append(h)
        return np.stack(H, axis=1)  # (batch, num_steps, num_hiddens)
    backward = run(X[:, ::-1], W_xh_b, W_hh_b, b_h_b)[:, ::-1]
    return np.concatenate([run(X, W_xh_f, W_hh_f, b_h_f), backward], axis=-1)
'''
WRONG_COUNT = '''
def rnn_stack_param_count(num_inputs, hidden_sizes, num_outputs, bidirectional):
    d, total, n_in = (2 if bidirectional else 1), 0, num_inputs
    for units in hidden_sizes:
        total += d * units * (n_in + 1)  # forgets W_hh
        n_in = d * units
    return total + num_outputs * (n_in + 1)
'''


def grade(tmp_path, **changes):
    answers = {"01.q2": SELF_CONTAINED_Q2, **changes.pop("answers", {})}
    timeout = changes.pop("timeout", 20)
    path = submission(tmp_path, STEM, answers=answers, **changes)
    report = grade_notebook(path, timeout=timeout)
    return {r.qid: r.score for r in report.rows}, {r.qid: r.message for r in report.rows}


def run_cli(*args):
    return subprocess.run([sys.executable, "-m", "helpers.grade", *map(str, args)], capture_output=True, text=True, cwd=ROOT)


@pytest.mark.parametrize("stem", [s for s in EXERCISES if s != STEM])
def test_every_other_exercise_solution_scores_full_marks_and_its_exercise_zero(tmp_path, stem):
    total = sum(q.points for q in EXERCISES[stem])
    exercise = tmp_path / f"untouched_{stem}.ipynb"
    exercise.write_text((ROOT / "exercises" / f"{stem}.ipynb").read_text())
    result = run_cli(ROOT / "solutions" / f"{stem}.ipynb", exercise)
    assert result.returncode == 0, result.stderr
    assert result.stdout.count(f"Score: {total}/{total}") == 1 and result.stdout.count(f"Score: 0/{total}") == 1, result.stdout


def test_solution_scores_full_marks_and_exercise_scores_zero_in_json_and_csv(tmp_path):
    """Two learners' notebooks with the same file name, in two folders: two reports."""
    solution, exercise = tmp_path / "alice" / f"{STEM}.ipynb", tmp_path / "bob" / f"{STEM}.ipynb"
    for path, folder in ((solution, "solutions"), (exercise, "exercises")):
        path.parent.mkdir()
        path.write_text((ROOT / folder / f"{STEM}.ipynb").read_text())
    result = run_cli(tmp_path, "--json", tmp_path / "json", "--csv", tmp_path / "grades.csv")
    assert result.returncode == 0, result.stderr
    assert f"Score: {TOTAL}/{TOTAL}" in result.stdout and f"Score: 0/{TOTAL}" in result.stdout

    gradescope = json.loads((tmp_path / "json" / "alice" / f"{STEM}.json").read_text())
    assert gradescope["score"] == TOTAL
    assert [t["name"] for t in gradescope["tests"]] == list(FULL)
    assert all(t["score"] == t["max_score"] == FULL[t["name"]] for t in gradescope["tests"])
    untouched = json.loads((tmp_path / "json" / "bob" / f"{STEM}.json").read_text())
    assert untouched["score"] == 0 and all("not attempted" in t["output"] for t in untouched["tests"])

    rows = list(csv.DictReader((tmp_path / "grades.csv").open()))
    assert [r["file"] for r in rows] == [str(solution), str(exercise)]
    assert [int(rows[0][q]) for q in FULL] == list(FULL.values()) and int(rows[0]["total"]) == TOTAL
    assert int(rows[1]["total"]) == 0


def test_report_names_follow_the_path_below_the_common_folder(tmp_path):
    from helpers.grade import report_names

    a, b, c = tmp_path / "x" / "n.ipynb", tmp_path / "y" / "z" / "n.ipynb", tmp_path / "y" / "m.ipynb"
    names = report_names([a, b, c])
    assert names == {a: Path("x/n.json"), b: Path("y/z/n.json"), c: Path("y/m.json")}
    assert report_names([a]) == {a: Path("n.json")}


def test_a_wrong_answer_costs_only_its_question(tmp_path):
    scores, messages = grade(tmp_path, answers={"01.q3": WRONG_COUNT})
    assert scores == {**FULL, "01.q3": 0}
    assert "recurrent weights" in messages["01.q3"]


def test_hang_timeout_exit_syntax_error_and_missing_cost_only_their_questions(tmp_path):
    hang = "def masked_rnn_forward(X, lengths, h0, W_xh, W_hh, b_h):\n    while True:\n        pass\n"
    syntax_error = "def bidirectional_forward(X, W_xh_f, W_hh_f, b_h_f, W_xh_b, W_hh_b, b_h_b):\n    return X +\n"
    leave = "import sys\ndef rnn_stack_param_count(num_inputs, hidden_sizes, num_outputs, bidirectional):\n    sys.exit(0)\n"
    path = submission(tmp_path, STEM, answers={"01.q1": hang, "01.q2": syntax_error, "01.q3": leave})
    report = grade_notebook(path, timeout=8)
    scores = {r.qid: r.score for r in report.rows}
    messages = {r.qid: r.message for r in report.rows}
    assert scores == {**FULL, "01.q1": 0, "01.q2": 0, "01.q3": 0}
    assert "timed out" in messages["01.q1"]
    assert "SyntaxError" in messages["01.q2"]
    assert "sys.exit" in messages["01.q3"]


def test_os_exit_and_a_missing_cell_cost_only_their_questions(tmp_path):
    crash = "import os\ndef rnn_stack_param_count(num_inputs, hidden_sizes, num_outputs, bidirectional):\n    os._exit(3)\n"
    scores, messages = grade(tmp_path, answers={"01.q3": crash}, drop=("01.q1",))
    assert scores == {**FULL, "01.q1": 0, "01.q3": 0}
    assert "missing" in messages["01.q1"]
    assert "exited" in messages["01.q3"]


def test_a_hanging_scratch_cell_of_the_learner_is_skipped(tmp_path):
    scores, _ = grade(tmp_path, before_first="while True:\n    pass\n", timeout=8)
    assert scores == FULL


# Every answer is wrong (it returns zeros or nothing), and a learner's cell tries to fake
# a better score. Each attempt must leave the score at 0.
WRONG_ANSWERS = {
    "01.q1": "def masked_rnn_forward(X, lengths, h0, W_xh, W_hh, b_h):\n    return np.zeros((X.shape[0], X.shape[1], len(b_h)))\n",
    "01.q2": "def bidirectional_forward(X, W_xh_f, W_hh_f, b_h_f, W_xh_b, W_hh_b, b_h_b):\n    return np.zeros((X.shape[0], X.shape[1], 2 * len(b_h_f)))\n",
    "01.q3": "def rnn_stack_param_count(num_inputs, hidden_sizes, num_outputs, bidirectional):\n    return 0\n",
    "01.q4": "def build_encoder_decoder(encoder_steps, decoder_steps, num_inputs, num_hiddens, num_outputs):\n    return None\n",
}
TAMPERING = {
    "prints a perfect score": f"print('01.q1  2  2  passed')\nprint('Score: {TOTAL}/{TOTAL}')\n",
    "redefines check": "import helpers.grading\nhelpers.grading.check = lambda *a, **k: print('passed')\ncheck = helpers.grading.check\n",
    "monkeypatches numpy": (
        "import numpy\nnumpy.allclose = lambda *a, **k: True\nnumpy.isclose = lambda *a, **k: True\n"
        "numpy.testing.assert_allclose = lambda *a, **k: None\nnumpy.array_equal = lambda *a, **k: True\n"
    ),
    "patches the grading module": (
        "import helpers.grading, helpers.grading.question as gq\n"
        "for q in helpers.grading.QUESTIONS.values():\n"
        "    object.__setattr__(q, 'verify', lambda case, payload: None)\n"
        "gq.expect_close = gq.expect_shape = lambda *a, **k: None\n"
    ),
}


@pytest.mark.parametrize("attempt", TAMPERING)
def test_tampering_gains_nothing(tmp_path, attempt):
    scores, messages = grade(tmp_path, answers=WRONG_ANSWERS, before_first=TAMPERING[attempt])
    assert scores == {q: 0 for q in FULL}, messages


@pytest.mark.parametrize(
    "name, content, reason",
    [
        ("notes.txt", "hello", "not a notebook"),
        (f"{STEM}.ipynb", "{not json", "not valid notebook JSON"),
        ("homework.ipynb", json.dumps({"cells": [], "metadata": {}}), "no known exercise"),
    ],
)
def test_unusable_input_exits_2_with_one_line_and_grades_the_rest(tmp_path, name, content, reason):
    bad = tmp_path / name
    bad.write_text(content)
    good = tmp_path / f"untouched_{STEM}.ipynb"
    good.write_text((ROOT / "exercises" / f"{STEM}.ipynb").read_text())
    result = run_cli(bad, good)
    assert result.returncode == 2
    assert reason in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.stderr + result.stdout
    assert f"Score: 0/{TOTAL}" in result.stdout  # the usable notebook was still graded


def test_missing_file_exits_2(tmp_path):
    result = run_cli(tmp_path / "absent.ipynb")
    assert result.returncode == 2 and "cannot read" in result.stderr and "Traceback" not in result.stderr
