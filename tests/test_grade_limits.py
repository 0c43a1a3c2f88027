"""Per-submission limits (helpers/grading/limits.py): each runaway is bounded and costs
only the question that ran away; the other questions of the notebook are still graded.

Every runaway here is bounded even if its limit failed (a fixed number of steps), so that
a broken limit fails the test without harming the machine. The tests run as root here, so
they also exercise the worker's change to a user of its own (root ignores RLIMIT_NPROC)."""

import json
import os
import time
from pathlib import Path

import pytest

from helpers.grade import grade_notebook
from helpers.grading import EXERCISES
from helpers.grading.limits import Limits, end_all, live_pids_of, tasks_of
from tests.helpers_for_tests import submission

STEM = "01_rnn_basics"
FULL = {q.id: q.points for q in EXERCISES[STEM]}

# q3's answer runs away; the reference answers q1, q2 and q4.
ALLOCATE = '''
def rnn_stack_param_count(num_inputs, hidden_sizes, num_outputs, bidirectional):
    blocks = []
    for _ in range(40):  # 40 x 128 MB: 5 GB, if nothing stopped it
        blocks.append(np.ones(2**24))
    return 0
'''
WRITE = '''
def rnn_stack_param_count(num_inputs, hidden_sizes, num_outputs, bidirectional):
    with open("big.bin", "wb") as f:
        for _ in range(256):  # 256 x 1 MB, if nothing stopped it
            f.write(b"x" * 2**20)
    return 0
'''
FORK = '''
import os, time
def rnn_stack_param_count(num_inputs, hidden_sizes, num_outputs, bidirectional):
    for _ in range(400):  # 400 sleeping children, if nothing stopped it
        pid = os.fork()
        if pid == 0:
            with open({record!r}, "a") as f:
                f.write(f"{{os.getpid()}}\\n")
            time.sleep(120)
            os._exit(0)
    return 0
'''

# Five children of 400 MB each, each under the limit per process, 2 GB together.
FORK_AND_ALLOCATE = '''
import os, time
def rnn_stack_param_count(num_inputs, hidden_sizes, num_outputs, bidirectional):
    children = []
    for _ in range(5):
        pid = os.fork()
        if pid == 0:
            block = np.ones(50 * 2**20)  # 400 MB, written
            time.sleep(15)
            with open({record!r}, "a") as f:
                f.write("survived\\n")
            os._exit(0)
        children.append(pid)
    for pid in children:
        os.waitpid(pid, 0)
    return 0
'''


def _grade(tmp_path, answer, limits):
    path = submission(tmp_path, STEM, answers={"01.q3": answer})
    start = time.monotonic()
    report = grade_notebook(path, timeout=120, limits=limits)
    return {r.qid: r.score for r in report.rows}, {r.qid: r.message for r in report.rows}, time.monotonic() - start


def test_memory_past_the_limit_costs_only_its_question(tmp_path):
    scores, messages, seconds = _grade(tmp_path, ALLOCATE, Limits(memory_mb=1536))
    assert scores == {**FULL, "01.q3": 0}, messages
    assert "MemoryError" in messages["01.q3"] and "1536 MB" in messages["01.q3"], messages["01.q3"]


def test_a_file_past_the_limit_costs_only_its_question(tmp_path):
    scores, messages, seconds = _grade(tmp_path, WRITE, Limits(file_size_mb=8))
    assert scores == {**FULL, "01.q3": 0}, messages
    assert "File too large" in messages["01.q3"] and "8 MB" in messages["01.q3"], messages["01.q3"]


def test_processes_past_the_limit_cost_only_their_question_and_none_survives(tmp_path):
    record = tmp_path / "children.txt"
    tmp_path.chmod(0o777)  # the worker runs as a user of its own and records its children here
    scores, messages, seconds = _grade(tmp_path, FORK.format(record=str(record)), Limits(processes=64))
    assert scores == {**FULL, "01.q3": 0}, messages
    assert "Resource temporarily unavailable" in messages["01.q3"] and "64 more processes" in messages["01.q3"]
    children = [int(line) for line in record.read_text().split()] if record.exists() else []
    # The limit is on the worker's tasks (its threads too): 64 more than it had at the start,
    # give or take the threads that ended meanwhile; far below the 400 it tried.
    assert 0 < len(children) < 100, len(children)
    time.sleep(0.5)
    assert not [pid for pid in children if Path(f"/proc/{pid}").exists() and "Z" not in _state(pid)]


def test_memory_of_all_processes_together_is_limited(tmp_path):
    record = tmp_path / "survivors.txt"
    tmp_path.chmod(0o777)
    limits = Limits(memory_mb=1536, total_memory_mb=1536)
    scores, messages, seconds = _grade(tmp_path, FORK_AND_ALLOCATE.format(record=str(record)), limits)
    assert scores == {**FULL, "01.q3": 0}, messages
    assert "1536 MB of memory together" in messages["01.q3"], messages["01.q3"]
    assert not record.exists()


def test_a_notebook_that_hangs_cell_after_cell_runs_out_of_its_time(tmp_path):
    """Each hanging cell is skipped, at the cost of a new run; the notebook's time bounds them all."""
    nb = json.loads(submission(tmp_path, STEM).read_text())
    sleeper = {"cell_type": "code", "metadata": {}, "source": "import time\ntime.sleep(600)\n", "outputs": [],
               "execution_count": None}
    nb["cells"][2:2] = [sleeper] * 20
    path = tmp_path / "sleepy.ipynb"
    path.write_text(json.dumps(nb))
    start = time.monotonic()
    report = grade_notebook(path, timeout=2)
    seconds = time.monotonic() - start
    budget = 3 * 2 * (len(FULL) + 1)  # helpers.grade.WALL_FACTOR x timeout x (questions + 1)
    assert report.score == 0 and all("not graded" in r.message for r in report.rows), [r.message for r in report.rows]
    assert seconds < budget + 120, seconds  # one run more at most, however slow the machine


def _state(pid: int) -> str:
    try:
        return next(line for line in Path(f"/proc/{pid}/status").read_text().splitlines() if line.startswith("State"))
    except (OSError, StopIteration):
        return "Z"


@pytest.mark.skipif(os.geteuid() != 0, reason="a grader that is not root runs workers as its own user")
def test_a_root_grader_runs_the_submission_as_a_user_of_its_own(tmp_path):
    """The worker becomes an unused user id: it cannot write the grader's files, and a
    daemon it leaves behind (a new session, away from the worker's process group) is ended."""
    tmp_path.chmod(0o777)
    probe = f'''
import os, subprocess, sys
record = {str(tmp_path)!r}
with open(record + "/uid", "w") as f:
    f.write(str(os.getuid()))
try:
    open({str(Path(__file__))!r}, "a").close()
    print("WROTE", file=open(record + "/wrote", "w"))
except OSError:
    pass
daemon = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(300)"], start_new_session=True)
with open(record + "/daemon", "w") as f:
    f.write(str(daemon.pid))
'''
    path = submission(tmp_path, STEM, before_first=probe)
    report = grade_notebook(path, timeout=120)
    assert report.score == sum(FULL.values()), [r.message for r in report.rows]
    uid = int((tmp_path / "uid").read_text())
    assert uid >= 1 << 30 and not (tmp_path / "wrote").exists()
    daemon = int((tmp_path / "daemon").read_text())
    assert not Path(f"/proc/{daemon}").exists() or "Z" in _state(daemon)
    # Nothing of the worker's user runs on. A zombie may remain where the container's
    # first process never collects orphans: it is dead, and its user id is never reused.
    assert live_pids_of(uid) == []


def test_end_all_and_tasks_of_count_a_users_processes():
    assert tasks_of(os.getuid()) >= 1
    end_all(2**31 - 7)  # a user with no process: nothing to do, returns at once


def test_limits_travel_in_the_job_and_name_themselves():
    limits = Limits(memory_mb=100, file_size_mb=2, processes=9, user=None)
    assert Limits.from_job(json.loads(json.dumps(limits.as_job()))) == limits
    assert "100 MB" in limits.explain(MemoryError())
    assert "2 MB" in limits.explain(OSError(27, "File too large"))
    assert "9 more processes" in limits.explain(BlockingIOError(11, "Resource temporarily unavailable"))
    assert limits.explain(ValueError()) == ""
