"""The grader's trust boundary, and its agreement with check().

- Forgeries: an untouched exercise whose scratch cell forges what a worker might report
  (files in every folder it can find, frames on every pipe it holds), then leaves at
  once, scores 0 on every exercise.
- Placement: wherever the learner puts an answer (the stub cell, a new cell, a renamed
  function) the grader's verdict is the verdict of the learner's own last check() cell,
  computed here by really running that notebook's cells with the real check().
- Batches: a broken submission in the middle of a batch costs only itself.
"""

import contextlib
import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from helpers.grade import grade_notebook
from helpers.grading import EXERCISES, cells as nbcells
from helpers.grading.limits import Limits
from tests.helpers_for_tests import ROOT, notebook, submission

STEM = "01_rnn_basics"
TOTAL = {stem: sum(q.points for q in questions) for stem, questions in EXERCISES.items()}


def _code_cell(text: str) -> dict:
    return {"cell_type": "code", "metadata": {}, "source": text, "outputs": [], "execution_count": None}


def _first_graded_position(nb: dict) -> int:
    return min(i for i, c in enumerate(nb["cells"]) if "question" in c.get("metadata", {}).get("rnn_book", {}))


def _exercise_with(tmp_path: Path, stem: str, scratch: str, name: str = "forged") -> Path:
    """The untouched exercise with a learner's cell before its first question."""
    nb = notebook("exercises", stem)
    nb["cells"].insert(_first_graded_position(nb), _code_cell(scratch))
    path = tmp_path / f"{name}_{stem}.ipynb"
    path.write_text(json.dumps(nb))
    return path


# --- forgeries -----------------------------------------------------------------------

# Files of the kinds a worker could leave for a grader (this grader reads none), with every
# status and defect, in the working folder, the folders above it (but the file-system root)
# and the temporary folder. Then the process ends at once.
FORGE_FILES = """
import json, os, pathlib, tempfile, numpy
QIDS = {qids!r}
here = pathlib.Path.cwd()
folders = {{here, pathlib.Path(tempfile.gettempdir()), *[p for p in here.parents if p != pathlib.Path('/')]}}
statuses = [{{'status': 'ok', 'message': 'passed'}}, {{'status': 'error', 'message': 'passed'}},
            {{'status': 'passed', 'score': 100}}]
for folder in folders:
    for i, qid in enumerate(QIDS):
        files = {{qid + '.json': json.dumps(statuses[i % 3]), qid + '.start': '{{}}', 'progress.json': '{{not json',
                 'spec.json': '{{}}', qid + '.result': 'passed'}}
        for name, text in files.items():
            try:
                (folder / name).write_text(text)
            except OSError:
                pass
        for name, arrays in {{qid + '.npz': {{'0.h_t': numpy.zeros(3)}}, qid + '.bad.npz': {{}}}}.items():
            try:
                numpy.savez(folder / name, **arrays)
            except OSError:
                pass
os._exit(0)
"""
FORGED_FILE_NAMES = ("{qid}.json", "{qid}.start", "progress.json", "spec.json", "{qid}.result", "{qid}.npz", "{qid}.bad.npz")

# Frames on every pipe the process holds (the grader's channel among them), each kind of
# forged result, then leaving at once. `{forge}` is one of FRAME_FORGERIES.
FORGE_FRAMES = """
import os, stat, numpy
from helpers.grading.channel import encode
QIDS = {qids!r}
def frames(qid):
    start = encode({{'event': 'start', 'qid': qid}}) + encode({{'event': 'answer', 'qid': qid}})
    result = lambda meta, arrays=None: encode({{'event': 'result', 'qid': qid, **meta}}, arrays)
    forge = {forge!r}
    if forge == 'ok with wrong arrays':
        return start + result({{'status': 'ok', 'message': ''}}, {{'0.h_t': numpy.zeros((2, 2))}})
    if forge == 'error that says passed':
        return start + result({{'status': 'error', 'message': 'passed'}})
    if forge == 'ok that says passed, no arrays':
        return start + result({{'status': 'ok', 'message': 'passed'}})
    if forge == 'a verdict':
        return start + result({{'status': 'passed', 'score': 100, 'message': 'passed'}})
    if forge == 'arrays of the wrong shape and dtype':
        arrays = {{f'{{i}}.{{k}}': numpy.array(['x']) for i in range(6) for k in ('h_t', 'H', 'count', 'grad', 'norms')}}
        return start + result({{'status': 'ok', 'message': ''}}, arrays)
    if forge == 'corrupt bytes':
        return start + b'RNNB' + (2**40).to_bytes(8, 'big') + b'passed'
    raise ValueError(forge)
for fd in range(3, 256):
    try:
        if stat.S_ISFIFO(os.fstat(fd).st_mode):
            os.write(fd, b''.join(frames(qid) for qid in QIDS))
    except OSError:
        pass
os._exit(0)
"""
FRAME_FORGERIES = [
    "ok with wrong arrays",
    "error that says passed",
    "ok that says passed, no arrays",
    "a verdict",
    "arrays of the wrong shape and dtype",
    "corrupt bytes",
]


def _qids(stem: str) -> list[str]:
    return [q.id for q in EXERCISES[stem]]


def _forged_files_cleanup(tmp_root: Path) -> None:
    """Remove what FORGE_FILES may have left in the shared folders above the worker's."""
    for folder in [Path("/tmp"), *Path("/tmp").iterdir()]:
        if not folder.is_dir() or folder == tmp_root:
            continue
        for stem in EXERCISES:
            for qid in _qids(stem):
                for pattern in FORGED_FILE_NAMES:
                    with contextlib.suppress(OSError):
                        (folder / pattern.format(qid=qid)).unlink()


# The result files are the grader's, the same for every exercise: two exercises suffice,
# one of arrays and one of models. (Forged frames, below, are judged by each question's
# own verify, so every exercise is tried.)
@pytest.mark.parametrize("stem", [STEM, "09_music"])
def test_forged_result_files_in_every_folder_score_zero(tmp_path, stem):
    path = _exercise_with(tmp_path, stem, FORGE_FILES.format(qids=_qids(stem)))
    try:
        report = grade_notebook(path, timeout=30)
    finally:
        _forged_files_cleanup(tmp_path)
    assert report.score == 0, [r.message for r in report.rows]
    assert all("not attempted" in r.message for r in report.rows), [r.message for r in report.rows]


@pytest.mark.parametrize("stem", list(EXERCISES))
def test_forged_frames_on_the_grader_channel_score_zero_on_every_exercise(tmp_path, stem):
    forgery = FORGE_FRAMES.format(qids=_qids(stem), forge="ok with wrong arrays")
    report = grade_notebook(_exercise_with(tmp_path, stem, forgery), timeout=30)
    assert report.score == 0, [r.message for r in report.rows]


@pytest.mark.parametrize("forge", FRAME_FORGERIES)
def test_every_kind_of_forged_frame_scores_zero(tmp_path, forge):
    report = grade_notebook(_exercise_with(tmp_path, STEM, FORGE_FRAMES.format(qids=_qids(STEM), forge=forge)), timeout=30)
    assert report.score == 0, [r.message for r in report.rows]
    assert not any(r.message == "passed" for r in report.rows)


def test_a_forged_frame_cannot_replace_a_real_answer(tmp_path):
    """A solved notebook that forges wrong results for itself: a forged result is judged
    like any other (and fails), and a second result for a question is refused."""
    nb = notebook("solutions", STEM)
    forgery = FORGE_FRAMES.format(qids=_qids(STEM), forge="ok with wrong arrays").replace("os._exit(0)\n", "")
    nb["cells"].insert(_first_graded_position(nb), _code_cell(forgery))
    path = tmp_path / f"{STEM}.ipynb"
    path.write_text(json.dumps(nb))
    report = grade_notebook(path, timeout=30)
    # Each question either kept the forged (wrong) result or refused both: never a pass.
    assert all(r.score == 0 and r.message != "passed" for r in report.rows), [r.message for r in report.rows]
    assert any("more than one result" in r.message for r in report.rows)


# --- the grader and check() agree -----------------------------------------------------

RIGHT_CELL = '''
def masked_rnn_forward(X, lengths, h0, W_xh, W_hh, b_h):
    h, H = h0, []
    for t in range(X.shape[1]):
        new = np.tanh(X[:, t] @ W_xh.T + h @ W_hh.T + b_h)  # (batch, num_hiddens)
        h = np.where((t < lengths)[:, None], new, h)
        H.append(h)
    return np.stack(H, axis=1)  # (batch, num_steps, num_hiddens)
'''
WRONG_CELL = RIGHT_CELL.replace(" + b_h)", ")")  # no bias


def _cell_index(nb: dict, predicate) -> int:
    return next(i for i, c in enumerate(nb["cells"]) if c["cell_type"] == "code" and predicate(nbcells.source(c)))


def _check_cell(nb: dict, qid: str) -> int:
    return _cell_index(nb, lambda text: any(q == qid for q, _ in nbcells.check_calls(text)))


def _placed(placement: str) -> dict:
    """Exercise 1 with question 1 answered as a learner might."""
    nb = notebook("exercises", STEM)
    stub = _cell_index(nb, lambda text: nbcells.defines(text, "masked_rnn_forward"))
    check = _check_cell(nb, "01.q1")
    if placement == "in the stub cell":
        nb["cells"][stub]["source"] = RIGHT_CELL
    elif placement == "in a new cell below the stub":
        nb["cells"].insert(stub + 1, _code_cell(RIGHT_CELL))
    elif placement == "in a new cell, then broken after its check":
        nb["cells"].insert(stub + 1, _code_cell(RIGHT_CELL))
        nb["cells"].insert(check + 2, _code_cell(WRONG_CELL))
    elif placement == "wrong, then fixed after its check":
        nb["cells"].insert(stub + 1, _code_cell(WRONG_CELL))
        nb["cells"].insert(check + 2, _code_cell(RIGHT_CELL))
    elif placement == "never checked, fixed after the check":
        nb["cells"].insert(check + 1, _code_cell(RIGHT_CELL))
    elif placement == "under another name":
        nb["cells"].insert(stub + 1, _code_cell(RIGHT_CELL.replace("masked_rnn_forward", "my_cell")))
        nb["cells"][check + 1]["source"] = 'check("01.q1", my_cell)'
    elif placement == "check cell deleted, answer in a new cell":
        nb["cells"].insert(stub + 1, _code_cell(RIGHT_CELL))
        del nb["cells"][check + 1]
    elif placement == "a second check cell after a fix":
        nb["cells"].insert(check + 1, _code_cell(RIGHT_CELL))
        nb["cells"].insert(check + 2, _code_cell('check("01.q1", masked_rnn_forward)'))
    else:
        raise ValueError(placement)
    return nb


PLACEMENTS = {  # what the learner's last check() of 01.q1 said
    "in the stub cell": "passed",
    "in a new cell below the stub": "passed",
    "in a new cell, then broken after its check": "passed",
    "wrong, then fixed after its check": "failed",
    "never checked, fixed after the check": "not attempted",
    "under another name": "passed",
    "check cell deleted, answer in a new cell": None,  # no check: graded at the last definition
    "a second check cell after a fix": "passed",
}


def _check_verdict(nb: dict, qid: str) -> str | None:
    """Run the notebook's code cells here, with the real check(), and return what the last
    check() of `qid` said: "passed", "not attempted" or "failed" (None if there is none)."""
    namespace: dict = {"__name__": "__main__"}
    verdict = None
    for cell in nb["cells"]:
        if cell["cell_type"] != "code" or nbcells.source(cell).startswith("# Setup:"):
            continue
        text = nbcells.source(cell)
        out = io.StringIO()
        try:
            with contextlib.redirect_stdout(out):
                exec(compile(text, "<cell>", "exec"), namespace)
        except AssertionError:
            if any(q == qid for q, _ in nbcells.check_calls(text)):
                verdict = "failed"
            continue
        if any(q == qid for q, _ in nbcells.check_calls(text)):
            verdict = "not attempted" if "not attempted" in out.getvalue() else "passed"
    return verdict


@pytest.mark.parametrize("placement", PLACEMENTS)
def test_the_grader_grades_what_check_saw(tmp_path, placement):
    nb = _placed(placement)
    verdict = _check_verdict(nb, "01.q1")
    assert verdict == PLACEMENTS[placement]
    path = tmp_path / f"{STEM}.ipynb"
    path.write_text(json.dumps(nb))
    row = next(r for r in grade_notebook(path, timeout=30).rows if r.qid == "01.q1")
    if verdict is None:  # no check cell: the last definition is graded
        assert row.score == row.points, row.message
    else:
        assert (row.score == row.points) == (verdict == "passed"), row.message
        assert row.message.startswith("not attempted") == (verdict == "not attempted"), row.message


# --- batches --------------------------------------------------------------------------

def test_broken_submissions_in_a_batch_cost_only_themselves(tmp_path):
    folder = tmp_path / "submissions"
    folder.mkdir()
    (folder / f"a_{STEM}.ipynb").write_text((ROOT / "solutions" / f"{STEM}.ipynb").read_text())
    (folder / f"b_{STEM}.ipynb").write_text("{not json")
    corrupt = FORGE_FRAMES.format(qids=_qids(STEM), forge="corrupt bytes")
    _exercise_with(folder, STEM, corrupt, name="c").rename(folder / f"c_{STEM}.ipynb")
    weird = notebook("exercises", STEM)
    weird["cells"].insert(2, {"cell_type": "code", "metadata": {}, "source": ["x = 1\n", 3]})  # a grader error
    (folder / f"d_{STEM}.ipynb").write_text(json.dumps(weird))
    (folder / f"e_{STEM}.ipynb").write_text((ROOT / "solutions" / f"{STEM}.ipynb").read_text())
    result = subprocess.run(
        [sys.executable, "-m", "helpers.grade", folder, "--csv", tmp_path / "grades.csv", "--json", tmp_path / "json"],
        capture_output=True, text=True, cwd=ROOT, timeout=600,
    )
    assert result.returncode == 2 and "not valid notebook JSON" in result.stderr, result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    totals = {Path(r["file"]).name: int(r["total"]) for r in csv.DictReader((tmp_path / "grades.csv").open())}
    full = TOTAL[STEM]
    assert totals == {f"a_{STEM}.ipynb": full, f"c_{STEM}.ipynb": 0, f"d_{STEM}.ipynb": 0, f"e_{STEM}.ipynb": full}
    assert sorted(p.name for p in (tmp_path / "json").iterdir()) == [f"{x}_{STEM}.json" for x in "acde"]
    weird_report = json.loads((tmp_path / "json" / f"d_{STEM}.json").read_text())
    assert all("grader failed" in t["output"] for t in weird_report["tests"])


# --- a hostile learner ------------------------------------------------------------------
# What a learner might try beyond forging: each attempt runs inside the worker, and each
# must leave the score where the answers' real values put it.

# Every answer returns an object that claims to equal anything and turns into zeros, after
# the cell has patched NumPy, Keras and the grading modules as the worker sees them (the
# checks run in the grader's process, which the submission never touches).
LIAR = '''
import numpy as np, numpy.testing, keras
import helpers.grading as grading
from helpers.grading import feedback, question

class Liar:
    def __eq__(self, other): return True
    def __ne__(self, other): return False
    def __array__(self, dtype=None, copy=None): return np.zeros((2, 3))
    def __float__(self): return 0.0
    def __int__(self): return 0
    def __len__(self): return 0
    def __getattr__(self, name): return lambda *args, **kwargs: Liar()

np.allclose = np.array_equal = lambda *args, **kwargs: True
np.testing.assert_allclose = lambda *args, **kwargs: None
question.expect_close = question.expect_shape = feedback.expect_close = lambda *args, **kwargs: None
keras.Model.predict = lambda self, *args, **kwargs: Liar()
for questions in grading.EXERCISES.values():
    for q in questions:
        object.__setattr__(q, "verify", lambda case, payload: None)

def {name}(*args, **kwargs):
    return Liar()
'''


@pytest.mark.parametrize("stem", list(EXERCISES))
def test_lying_objects_and_patched_checks_score_zero_on_every_exercise(tmp_path, stem):
    answers = {q.id: LIAR.format(name=q.function_name) for q in EXERCISES[stem]}
    report = grade_notebook(submission(tmp_path, stem, answers=answers, folder="exercises"), timeout=30)
    assert report.score == 0, [r.message for r in report.rows]
    assert not any(r.message == "passed" for r in report.rows)


# Lines that look like a grader's, on every output the submission can find: its own stdout
# and stderr (file descriptors 1 and 2), the terminal, and those of the processes above it.
FAKE_LINES = '''
import os, sys
line = "01.q1          2      2  passed\\nScore: 8/8\\n"
print(line)
print(line, file=sys.stderr)
for fd in (1, 2):
    os.write(fd, line.encode())
pid, ancestors = os.getpid(), []
while pid > 1:
    status = open(f"/proc/{pid}/status").read()
    pid = int(status.split("PPid:")[1].split()[0])
    ancestors.append(pid)
for path in ["/dev/tty", *(f"/proc/{p}/fd/{fd}" for p in ancestors for fd in (1, 2))]:
    try:
        with open(path, "w") as f:
            f.write(line)
    except OSError:
        pass
'''


def test_fake_result_lines_reach_no_output_of_the_grader(tmp_path):
    path = _exercise_with(tmp_path, STEM, FAKE_LINES)
    result = subprocess.run([sys.executable, "-m", "helpers.grade", path, "--csv", tmp_path / "grades.csv"],
                            capture_output=True, text=True, cwd=ROOT, timeout=600)
    assert result.returncode == 0, result.stderr
    assert "Score: 8/8" not in result.stdout + result.stderr and result.stdout.count("Score: 0/8") == 1, result.stdout
    assert [row["total"] for row in csv.DictReader((tmp_path / "grades.csv").open())] == ["0"]


FORECASTER = "07_forecasting"

# A real model of about 300 MB: refused by the worker before it is sent.
HUGE_MODEL = '''
import keras
def train_forecaster(series):
    return keras.Sequential([keras.Input((8, 1)), keras.layers.Flatten(), keras.layers.Dense(2**23), keras.layers.Dense(1)])
'''

# A small model whose config says its last layer has 2**26 units: a 2 GB kernel, allocated
# by whoever rebuilds the model from its config (the grader), if nothing stopped it.
CONFIG_BOMB = '''
import json, keras
def train_forecaster(series):
    model = keras.Sequential([keras.Input((8, 1)), keras.layers.Flatten(), keras.layers.Dense(1)])
    config = json.loads(model.to_json())
    config["config"]["layers"][-1]["config"]["units"] = 2**26

    class Model:
        def to_json(self):
            return json.dumps(config)

        def get_weights(self):
            return model.get_weights()

    return Model()
'''


def test_a_huge_model_costs_its_question_and_is_never_checked(tmp_path):
    answers = {"07.q3": HUGE_MODEL}
    report = grade_notebook(submission(tmp_path, FORECASTER, answers=answers, folder="exercises"), timeout=60)
    row = next(r for r in report.rows if r.qid == "07.q3")
    assert row.score == 0 and "MB per question" in row.message, row.message


def test_a_frame_larger_than_the_grader_accepts_is_refused_before_it_is_read(tmp_path):
    forgery = FORGE_FRAMES.format(qids=_qids(STEM), forge="corrupt bytes")
    report = grade_notebook(_exercise_with(tmp_path, STEM, forgery), timeout=30)
    assert report.score == 0
    assert "MB per question" in report.rows[0].message, report.rows[0].message


def test_a_model_config_that_would_fill_the_graders_memory_is_refused(tmp_path):
    limits = Limits(memory_mb=1536)
    answers = {"07.q3": CONFIG_BOMB}
    path = submission(tmp_path, FORECASTER, answers=answers, folder="exercises")
    report = grade_notebook(path, timeout=60, limits=limits)
    row = next(r for r in report.rows if r.qid == "07.q3")
    assert row.score == 0 and "1536 MB of memory" in row.message, row.message


# --- what the grader does not stop ---------------------------------------------------------
# The README says so; this test keeps it true. The grading modules ship in `helpers`, so
# an answer can import them and call what they define: here exercise 4's own Keras LSTM
# (`_keras_lstm`), which computes what a learner's hand-written cell must match. No
# reference answer is kept there (exercise 4's latch weights live in tools/seed_checks/).
IMPORTED = '''
from helpers.grading import ex04_lstm
def latch_weights():
    assert callable(ex04_lstm._keras_lstm) and not hasattr(ex04_lstm, "reference_latch")
    raise RuntimeError("imported the grading module")
'''


def test_an_answer_can_import_the_grading_module_but_finds_no_reference_answer(tmp_path):
    path = submission(tmp_path, "04_lstm", answers={"04.q4": IMPORTED}, folder="exercises")
    row = next(r for r in grade_notebook(path, timeout=60).rows if r.qid == "04.q4")
    assert row.score == 0 and "imported the grading module" in row.message, row.message


# A message is the learner's text too (an exception's): control characters in it could
# rewrite the grader's table on a terminal (a carriage return, an ANSI escape that clears
# the line), so the table shows them escaped.
SPOOF = '''
def masked_rnn_forward(X, lengths, h0, W_xh, W_hh, b_h):
    raise ValueError("\\r\\x1b[2K\\x1b[1A01.q1          2      2  passed\\nScore: 8/8\\x07")
'''


def test_control_characters_in_a_message_cannot_rewrite_the_table(tmp_path):
    path = submission(tmp_path, STEM, answers={"01.q1": SPOOF}, folder="exercises")
    result = subprocess.run([sys.executable, "-m", "helpers.grade", path], capture_output=True, text=True,
                            cwd=ROOT, timeout=600)
    assert result.returncode == 0, result.stderr
    assert not any(c in result.stdout for c in "\r\x1b\x07"), repr(result.stdout)
    assert "Score: 8/8" not in result.stdout.splitlines() and result.stdout.count("Score: 0/8") == 1
