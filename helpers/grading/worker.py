"""The grader's worker: runs a submission's code and reports what its answers return.

    python -m helpers.grading.worker FD     (the job arrives as JSON on standard input)

The grader (`helpers.grade`) starts one worker per notebook, in its own process group and
in an empty scratch folder, and kills it when a question runs out of time. The worker
executes the notebook's code cells in order. At each question's target cell (the learner's
last `check()` of it, see `helpers.grading.cells`) it calls the function that `check()`
was given on the grader's test cases, and sends the returned arrays to the grader over the
inherited pipe `FD` (`helpers.grading.channel`). It never decides a score and writes no
file: the grader compares the arrays with values it computes itself.

The job: {"cells": [source, ...], "questions": [[qid, cell, name], ...], "skip": [cell, ...],
"limits": {...}}. Before it runs any of the submission's code, the worker limits its own
memory, file sizes and processes (`helpers.grading.limits`), for itself and every process
the submission starts.
"""

from __future__ import annotations

import json
import os
import signal
import sys
from pathlib import Path

import numpy as np

from helpers.grading import cells as nbcells
from helpers.grading.channel import MAX_BODY, encode
from helpers.grading.limits import Limits

# Longest message text sent to the grader; an answer's error can be arbitrarily long.
MAX_MESSAGE = 2000


def _describe(error: BaseException, limits: Limits = Limits()) -> str:
    if isinstance(error, SystemExit):
        return "called sys.exit(); a graded answer must not end the process."
    if isinstance(error, SyntaxError):
        return f"SyntaxError on line {error.lineno}: {error.msg}"
    return f"{type(error).__name__}: {error}{limits.explain(error)}"


class Worker:
    def __init__(self, fd: int, job: dict) -> None:
        self._out = os.fdopen(fd, "wb", buffering=0)
        self.sources: list[str] = job["cells"]
        self.skip = set(job["skip"])
        self.questions = [(qid, int(cell), str(name)) for qid, cell, name in job["questions"]]
        self.limits = Limits.from_job(job.get("limits"))
        self.namespace: dict = {"__name__": "__main__"}
        self.cell_errors: dict[int, str] = {}  # code cell -> what it raised
        self.checked: dict[str, tuple[int, object]] = {}  # qid -> (cell, what check() received)
        self.running_cell = -1

    def send(self, meta: dict, arrays: dict | None = None) -> None:
        self._out.write(encode(meta, arrays))

    def record_check(self, qid, answer=None, *args, **kwargs) -> None:
        """Stands in for helpers.grading.check: remembers what each check() call received."""
        self.checked[str(qid)] = (self.running_cell, answer)

    def run(self) -> None:
        import helpers.grading as grading

        grading.check = self.record_check  # the notebook's `from helpers.grading import check`
        position = 0
        for qid, target, name in self.questions:
            question = grading.get(qid)
            self.send({"event": "start", "qid": qid})
            for index in range(position, target + 1):
                if index not in self.skip:
                    self.send({"event": "cell", "qid": qid, "cell": index})
                    self.execute(index)
            position = target + 1
            self.send({"event": "answer", "qid": qid})
            status, message, arrays = self.grade(question, target, name)
            self.send({"event": "result", "qid": qid, "status": status, "message": message[:MAX_MESSAGE]}, arrays)
        self.send({"event": "done"})

    def execute(self, index: int) -> None:
        self.running_cell = index
        before = descendants()
        try:
            code = compile(nbcells.as_python(self.sources[index]), f"<code cell {index + 1}>", "exec")
            exec(code, self.namespace)
        except BaseException as error:  # noqa: BLE001 - any failure is the submission's, and is reported
            self.cell_errors[index] = _describe(error, self.limits)
            _end(descendants() - before)

    def grade(self, question, target: int, name: str) -> tuple[str, str, dict]:
        """Call the answer on every case: ("ok", "", arrays) or (status, message, {})."""
        cell, answer = self.checked.get(question.id, (None, None))
        if cell != target:
            answer = self.namespace.get(name)
        if answer is None:
            return "missing", self._with_cell_errors(f"no cell defines `{name}`.", name, target), {}
        payloads = []
        before = descendants()
        for case in question.cases(True):
            try:
                payloads.append(question.run(answer, case))
            except NotImplementedError:
                return "not attempted", self._with_cell_errors("", name, target), {}
            except AssertionError as error:  # call_answer's message; its cause may be a limit
                _end(descendants() - before)
                cause = error.__cause__
                return "error", str(error) + (self.limits.explain(cause) if cause else ""), {}
            except BaseException as error:  # noqa: BLE001
                _end(descendants() - before)
                return "error", f"the answer raised {_describe(error, self.limits)}", {}
        arrays = {f"{i}.{key}": np.asarray(value) for i, p in enumerate(payloads) for key, value in p.items()}
        size = sum(array.nbytes for array in arrays.values())
        if size > MAX_BODY - (1 << 20):  # the grader would refuse the frame; say why here
            return "error", (f"the answer returned {size / (1 << 20):.0f} MB of data; the grader accepts at most "
                             f"{MAX_BODY >> 20} MB per question (is the model far larger than it needs to be?)."), {}
        return "ok", "", arrays

    def _with_cell_errors(self, message: str, name: str, target: int) -> str:
        """Add why a cell that defines `name` did not take effect, when one failed."""
        failed = [i for i, why in self.cell_errors.items() if i <= target and nbcells.defines(self.sources[i], name)]
        if failed:
            i = failed[-1]
            message = f"{message} Code cell {i + 1}, which defines `{name}`, raised {self.cell_errors[i]}".strip()
        return message


def descendants(pid: int | None = None) -> set[int]:
    """The processes this worker started, and theirs (from /proc/PID/task/TID/children)."""
    found, queue = set(), [pid or os.getpid()]
    while queue:
        for file in Path(f"/proc/{queue.pop()}/task").glob("*/children"):
            try:
                children = {int(c) for c in file.read_text().split()} - found
            except (OSError, ValueError):
                continue  # it ended meanwhile
            found |= children
            queue += children
    return found


def _end(pids: set[int]) -> None:
    """End processes that a failed cell or answer left behind (a runaway that hit the process
    limit would otherwise hold it for the questions after it), and reap this worker's."""
    for pid in pids:
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    for pid in pids:
        try:
            os.waitpid(pid, 0)
        except ChildProcessError:
            pass  # not a child of this worker: its own parent, or init, reaps it


def main(argv: list[str]) -> None:
    fd = int(argv[0])
    job = json.loads(sys.stdin.read())
    sys.stdin.close()
    worker = Worker(fd, job)
    worker.limits.apply()  # before any code of the submission runs
    worker.run()


if __name__ == "__main__":
    main(sys.argv[1:])
