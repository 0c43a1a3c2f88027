"""The command-line autograder.

    python -m helpers.grade SUBMISSION.ipynb [MORE.ipynb or FOLDER ...] [--json DIR] [--csv FILE] [--timeout SECONDS]
                            [--jobs N] [--memory GB] [--total-memory GB] [--max-file-size MB] [--max-processes N]

For each notebook it finds the exercise (from the notebook's metadata, or else its file
name), runs the submission's code in a separate process (helpers.grading.worker) with
limits on time (CPU time per question, WALL_FACTOR times as much wall time, and a budget
for the notebook) and memory, and checks what each answer returned against values computed
here, in a process the submission never touched. A question is graded where the learner
last called `check()` for it, on the function that call received (helpers.grading.cells),
so the grader and `check()` agree. It prints a table per notebook ending in `Score: X/Y`;
`--json DIR` writes one Gradescope results file per notebook (named by the notebook's path
below the folder that holds all the inputs); `--csv FILE` writes one row per submission.
`--jobs N` grades N notebooks at once, each in a grading process of its own, and hands the
reports on in the order of the inputs; a terminal shows a progress bar. Each submission
runs within limits on memory, file size and processes (helpers.grading.limits).

Trust: the worker's only channel to this process is a pipe it inherits (no file), and what
it sends are the arrays the answers returned (at most channel.MAX_BODY bytes a question),
never a verdict; checking them here may allocate Limits.memory_mb, no more. The submission runs inside
the worker and could write to that pipe; it gains nothing, because a result counts only
for the question that is running, only once, and only if the arrays match this process's
own expected values. A failure while grading one notebook costs that notebook only.

Exit status: 0 when every notebook was graded; 2 when an input could not be used (not a
notebook, unreadable JSON, no known exercise): one line each on stderr, the others graded.

This is not a security sandbox: the submission's code runs as you (as a user of its own,
which can read every file, when you are root). Grade untrusted submissions inside a
container or a throwaway account.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import dataclasses
import json
import multiprocessing
import os
import resource
import select
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

from helpers.grading import EXERCISES, channel
from helpers.grading.cells import Target, code_sources, defines, locate
from helpers.grading.limits import MB, Limits, cpu_seconds, end_all, pids_of, resident_mb, worker_user
from helpers.grading.worker import descendants
from helpers.notebook import GRADER_WORKER_ENV

QUIET_ENV = {"TF_CPP_MIN_LOG_LEVEL": "3", "TF_ENABLE_ONEDNN_OPTS": "0", "MPLBACKEND": "Agg"}
PASSED = "passed"  # the one message that scores; only this process ever writes it
WATCH = 0.2  # seconds between two looks at the CPU time and memory of a submission's processes
# A question may use `timeout` seconds of CPU time (the same on a busy machine as on an idle
# one), and WALL_FACTOR times as many seconds of wall time (a submission that sleeps or waits).
WALL_FACTOR = 3
SCAN = 1.0  # seconds between two looks at every process of the worker's user (under a root grader)


class UnusableInput(Exception):
    """A file the grader cannot grade; the message is one line for the user."""


@dataclass
class Row:
    qid: str
    points: int
    score: int
    message: str
    visible: str = ""  # the verdict on the visible cases only (what check() runs): PASSED or why not


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


@dataclass
class Run:
    """What one worker run delivered: results by question, or where it failed."""

    results: dict[str, tuple[dict, dict]] = field(default_factory=dict)
    failure: tuple[str, int | None, str, str] | None = None  # (qid, cell, phase, why)
    refused: dict[str, str] = field(default_factory=dict)  # qid -> why its result was refused


def _worker_env(scratch: Path) -> dict:
    package_root = str(Path(__file__).resolve().parents[1])
    return {**os.environ, **QUIET_ENV, GRADER_WORKER_ENV: "1", "TMPDIR": str(scratch),
            "PYTHONPATH": os.pathsep.join([package_root, os.environ.get("PYTHONPATH", "")])}


def _as_worker_user(env: dict, scratch: Path, uid: int) -> dict:
    """The worker's environment when it becomes user `uid`: its home is the scratch folder
    (Keras and Matplotlib write their settings there), which that user owns."""
    os.chmod(scratch.parent, 0o711)  # the temporary folder above: passable, not readable
    os.chown(scratch, uid, uid)
    private = ("XDG_CONFIG_HOME", "XDG_CACHE_HOME", "XDG_DATA_HOME", "MPLCONFIGDIR", "KERAS_HOME", "IPYTHONDIR")
    return {**{k: v for k, v in env.items() if k not in private}, "HOME": str(scratch)}


def _run_worker(cells: list[str], todo: list[tuple[str, Target]], skip: set[int], scratch: Path,
                log: Path, timeout: float, limits: Limits = Limits(), env: dict | None = None,
                deadline: float = float("inf")) -> Run:
    """Run the worker over `todo` (in cell order) until it finishes or fails, within
    `limits` (helpers.grading.limits), which it applies to itself, and the memory of all
    its processes together, which this process watches; and before `deadline` (the
    notebook's time, time.monotonic()).

    Messages arrive on a pipe whose read end only this process holds. A result is accepted
    only for the question that is running, and only once; a malformed frame, a hang, too
    much memory or the process ending count as a failure of the question (or cell) that was
    running."""
    read_fd, write_fd = os.pipe()
    job = {"cells": cells, "questions": [[q, t.cell, t.name] for q, t in todo], "skip": sorted(skip),
           "limits": limits.as_job()}
    env = env if env is not None else _worker_env(scratch)
    run, reader = Run(), channel.Reader()
    current, cell, phase = None, None, "cells"
    todo_ids = {q for q, _ in todo}
    with open(log, "ab") as log_file:
        process = subprocess.Popen(
            [sys.executable, "-m", "helpers.grading.worker", str(write_fd)],
            cwd=scratch, env=env, stdin=subprocess.PIPE, stdout=log_file, stderr=log_file,
            pass_fds=(write_fd,), start_new_session=True,
        )
    os.close(write_fd)
    try:
        try:
            process.stdin.write(json.dumps(job).encode())
            process.stdin.close()
        except BrokenPipeError:
            pass  # it died at once; the loop below reports it
        started, cpu_started, cpu = time.monotonic(), 0.0, 0.0
        run_deadline = started + WALL_FACTOR * timeout * len(todo) + 30  # whatever the messages say
        watched = scanned = 0.0
        while True:
            now = time.monotonic()
            if now - watched > WATCH:
                scanned, watched = (now, now) if now - scanned > SCAN else (scanned, now)
                pids = _submission_pids(process, limits, everywhere=scanned == now)
                cpu = cpu_seconds(process.pid, pids)
                if resident_mb(pids) > limits.total_memory_mb:
                    why = (f"its processes used more than {limits.total_memory_mb} MB of memory together "
                           "(the grader's limit for a submission), so the grader ended them.")
                    run.failure = (current or todo[0][0], cell, phase, why)
                    return run
            if current is not None and cpu - cpu_started > timeout:
                run.failure = (current, cell, phase, f"timed out: it used more than {timeout:g} s of CPU time.")
                return run
            if now > deadline:
                run.failure = (current or todo[0][0], cell, phase, "the notebook ran out of the time the grader gives it.")
                return run
            if now > run_deadline or (current is not None and now - started > WALL_FACTOR * timeout):
                run.failure = (current or todo[0][0], cell, phase, f"timed out after {WALL_FACTOR * timeout:g} s.")
                return run
            ready, _, _ = select.select([read_fd], [], [], 0.05)
            if not ready:
                continue
            data = os.read(read_fd, 1 << 20)
            if not data:  # every writer has closed the pipe: the worker ended
                _end(process)
                if not todo_ids <= set(run.results) | set(run.refused):
                    why = "the process exited while this question ran (sys.exit, os._exit or a crash)."
                    if process.returncode < 0:
                        why = f"{why[:-1]}: it was ended by {signal.Signals(-process.returncode).name}."
                    run.failure = (current or todo[0][0], cell, phase, why)
                return run
            try:
                messages = reader.feed(data)
            except channel.FrameTooLarge as error:
                why = (f"the answer returned {error.size / MB:.0f} MB of data; the grader accepts at most "
                       f"{channel.MAX_BODY / MB:.0f} MB per question (is the model far larger than it needs to be?).")
                run.failure = (current or todo[0][0], cell, phase, why)
                return run
            except channel.ChannelError:
                why = "the notebook sent the grader malformed data, so its result could not be trusted."
                run.failure = (current or todo[0][0], cell, phase, why)
                return run
            for meta, arrays in messages:
                event, qid = meta.get("event"), meta.get("qid")
                if event == "start" and qid in todo_ids and qid != current:
                    current, cell, phase, started = qid, None, "cells", time.monotonic()
                    cpu_started = cpu = cpu_seconds(process.pid, _submission_pids(process, limits))
                elif event == "cell" and qid == current and isinstance(meta.get("cell"), int):
                    cell = meta["cell"]
                elif event == "answer" and qid == current:
                    phase = "answer"
                elif event == "result" and qid == current:
                    if qid in run.results or qid in run.refused:
                        run.results.pop(qid, None)
                        run.refused[qid] = "the grader received more than one result for this question."
                    else:
                        run.results[qid] = (meta, arrays)
    finally:
        os.close(read_fd)
        _end(process)
        if limits.user is not None:
            end_all(limits.user)  # whatever it started, wherever it went


def _submission_pids(process: subprocess.Popen, limits: Limits, everywhere: bool = True) -> list[int]:
    """The processes of the submission: the worker and its descendants; and `everywhere`,
    when the worker has a user of its own, every process of that user (one that left the
    worker's tree too; reading every process's status costs more, so not every time)."""
    if everywhere and limits.user is not None:
        return pids_of(limits.user)
    return [process.pid, *descendants(process.pid)]


def _end(process: subprocess.Popen) -> None:
    """Kill the worker's process group (it and the processes it started), then reap it.
    The group is killed before the worker is reaped, so its id cannot have been reused."""
    if process.returncode is None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()


def grade_notebook(path: Path, timeout: float = 60.0, limits: Limits | None = None,
                   exercise: str | None = None) -> Report:
    """Grade one notebook, as `exercise` if given (else the one it names). Raises
    UnusableInput for a file it cannot grade."""
    path = Path(path)
    nb = read_notebook(path)
    exercise = exercise or identify(nb, path)
    try:
        return _grade(path, nb, exercise, timeout, limits or Limits())
    except Exception as error:  # noqa: BLE001 - a grader failure costs this notebook only, never the batch
        why = f"the grader failed on this notebook ({type(error).__name__}: {error}); please report it."
        return Report(path, exercise, [Row(q.id, q.points, 0, why, why) for q in EXERCISES[exercise]])


def _grade(path: Path, nb: dict, exercise: str, timeout: float, limits: Limits) -> Report:
    questions = EXERCISES[exercise]
    cells = code_sources(nb)
    targets = locate(nb, questions)
    messages = {q.id: f"missing: no cell defines `{q.function_name}`." for q in questions if q.id not in targets}
    results: dict[str, tuple[dict, dict]] = {}
    skipped: dict[int, str] = {}  # a learner's cell that hung or ended the process -> why
    todo = sorted(((q.id, targets[q.id]) for q in questions if q.id in targets), key=lambda item: item[1].cell)
    with tempfile.TemporaryDirectory(prefix="rnn-book-grade-") as tmp:
        scratch = Path(tmp) / "scratch"  # the worker's working folder; it holds no result
        scratch.mkdir()
        env = _worker_env(scratch)
        uid = worker_user()  # a user of its own for the worker, when this process is root
        if uid is not None:
            env = _as_worker_user(env, scratch, uid)
            limits = dataclasses.replace(limits, user=uid)
        budget = WALL_FACTOR * timeout * (len(todo) + 1)  # the notebook's time, cells skipped and runs again included
        deadline = time.monotonic() + budget
        while todo:
            run = _run_worker(cells, todo, set(skipped), scratch, Path(tmp) / "worker.log", timeout, limits, env,
                              deadline)
            results.update(run.results)
            messages.update(run.refused)
            if run.failure is None:
                break
            qid, cell, phase, why = run.failure
            if phase == "cells" and cell is not None and cell not in skipped:
                skipped[cell] = why  # skip the cell that hung or died, and run again
            else:
                messages[qid] = why
            todo = [(q, t) for q, t in todo if q not in results and q not in messages]
            if time.monotonic() > deadline:
                for q, _ in todo:
                    messages[q] = (f"not graded: the notebook used up the {budget:g} s the grader gives it "
                                   "(each cell that hung or ended the process cost a new run).")
                break
    report = Report(path, exercise)
    for q in questions:
        visible = messages.get(q.id)
        if q.id not in messages:
            visible, messages[q.id] = _verify(q, results.get(q.id), limits)
        if messages[q.id] != PASSED:
            messages[q.id] = _explain_skipped(messages[q.id], q, targets.get(q.id), cells, skipped)
        if visible != PASSED:
            visible = _explain_skipped(visible, q, targets.get(q.id), cells, skipped)
        score = q.points if messages[q.id] == PASSED else 0
        report.rows.append(Row(q.id, q.points, score, messages[q.id], visible))
    return report


def _explain_skipped(message: str, question, target: Target | None, cells: list[str], skipped: dict[int, str]) -> str:
    """Say so when a cell that defines the answer had to be skipped."""
    if target is None:
        return message
    before = sorted(i for i in skipped if i <= target.cell)
    hits = [i for i in before if defines(cells[i], target.name)]
    if hits:
        return f"{message} Code cell {hits[-1] + 1}, which defines `{target.name}`, was skipped: {skipped[hits[-1]]}"
    if before:  # e.g. the cell of imports, whose names the answer then misses
        return f"{message} (Code cell {before[-1] + 1} was skipped: {skipped[before[-1]]})"
    return message


@contextlib.contextmanager
def _memory_for_checks(limits: Limits) -> Iterator[None]:
    """While checking one answer, let this process allocate at most `limits.memory_mb` MB
    more than it holds (RLIMIT_DATA, lowered and then restored): a model's config names
    the size of its layers, and rebuilding it allocates them here, in the grader."""
    which = resource.RLIMIT_DATA
    soft, hard = resource.getrlimit(which)
    try:
        status = Path("/proc/self/status").read_text()
        used = int(next(line for line in status.splitlines() if line.startswith("VmData:")).split()[1]) * 1024
    except (OSError, StopIteration, ValueError):
        yield  # no /proc: no limit
        return
    cap = used + limits.memory_mb * MB
    for bound in (soft, hard):
        if bound != resource.RLIM_INFINITY:
            cap = min(cap, bound)
    resource.setrlimit(which, (cap, hard))
    try:
        yield
    finally:
        resource.setrlimit(which, (soft, hard))


def _out_of_memory(error: BaseException, limits: Limits) -> str:
    """Why checking an answer failed, when it needed more memory than the grader allows."""
    text = f"{type(error).__name__}: {error}"
    if isinstance(error, MemoryError) or "OOM when allocating" in text or "MemoryError" in text:
        return f" (checking it needed more than the {limits.memory_mb} MB of memory the grader allows)"
    return ""


def _verify(question, result: tuple[dict, dict] | None, limits: Limits = Limits()) -> tuple[str, str]:
    """This process's verdicts on what the worker sent, each PASSED or why not: on the
    visible cases (those check() runs, which come first among the grader's) and on all.
    Checking an answer may allocate `limits.memory_mb` MB here, no more."""
    def both(message: str) -> tuple[str, str]:
        return message, message

    if result is None:
        return both("no result was received for this question.")
    meta, arrays = result
    status, message = meta.get("status"), str(meta.get("message", ""))[:2000]
    if status == "not attempted":
        return both(f"not attempted. {message}".strip())
    if status == "missing":
        return both(f"missing: {message}")
    if status == "error":
        return both(f"error: {message}")
    if status != "ok":
        return both("no usable result was received for this question.")
    payloads: dict[int, dict] = {}
    for key, value in arrays.items():
        index, _, name = key.partition(".")
        if not index.isdigit() or not name:
            return both("no usable result was received for this question.")
        payloads.setdefault(int(index), {})[name] = value
    cases = question.cases(True)
    if sorted(payloads) != list(range(len(cases))):
        return both("the answer returned nothing for some test cases.")
    visible_count = len(question.cases(False))
    for index, case in enumerate(cases):
        try:
            with _memory_for_checks(limits):
                question.verify(case, payloads[index])
        except AssertionError as error:
            message = f"{error}{_out_of_memory(error, limits)}"
        except Exception as error:  # noqa: BLE001 - a malformed return value, reported as such
            message = f"the returned value could not be checked ({type(error).__name__}: {error}){_out_of_memory(error, limits)}"
        else:
            continue
        if index < visible_count:
            return both(message)
        return PASSED, f"a hidden case (one that check() does not run): {message}"
    return both(PASSED)


def printable(text: str) -> str:
    """A message on one line of a terminal: a line break becomes a space, and any other
    character that is not printable (a carriage return, an ANSI escape, which could rewrite
    the table) is shown escaped, as Python writes it in a string."""
    text = text.replace("\n", " ")
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)


def print_report(report: Report) -> None:
    print(f"\n{printable(str(report.path))} (exercise {report.exercise})")
    width = max(len("question"), *(len(r.qid) for r in report.rows))
    print(f"{'question':<{width}}  points  score  message")
    for r in report.rows:
        print(f"{r.qid:<{width}}  {r.points:>6}  {r.score:>5}  {printable(r.message)}")
    print(f"Score: {report.score}/{report.points}")


def report_names(paths: list[Path]) -> dict[Path, Path]:
    """Each notebook's JSON report, as a path relative to the --json folder: its path below
    the deepest folder that holds every input, with .json for .ipynb. So `alice/01.ipynb`
    and `bob/01.ipynb` get `alice/01.json` and `bob/01.json`, never the same file."""
    resolved = {p: p.resolve() for p in paths}
    if not resolved:
        return {}
    base = Path(os.path.commonpath([r.parent for r in resolved.values()]))
    return {p: r.relative_to(base).with_suffix(".json") for p, r in resolved.items()}


def write_json(report: Report, file: Path) -> None:
    file.parent.mkdir(parents=True, exist_ok=True)
    results = {
        "score": report.score,
        "tests": [{"name": r.qid, "score": r.score, "max_score": r.points, "output": r.message} for r in report.rows],
    }
    file.write_text(json.dumps(results, indent=2) + "\n")


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
    """The notebooks named, with every notebook below a named folder (checkpoints left out),
    each once."""
    files = []
    for name in paths:
        p = Path(name)
        if p.is_dir():
            files.extend(sorted(f for f in p.rglob("*.ipynb") if ".ipynb_checkpoints" not in f.parts))
        else:
            files.append(p)
    unique = {}
    for f in files:
        unique.setdefault(f.resolve(), f)
    return list(unique.values())


def _grade_path(path: Path, timeout: float, limits: Limits) -> Report | str:
    """One notebook's report, or the one line that says why it could not be used."""
    try:
        return grade_notebook(path, timeout, limits)
    except UnusableInput as error:
        return str(error)


def _in_parallel(paths: list[Path], jobs: int, task) -> Iterator[tuple[Path, Report | str]]:
    """(path, task(path)) for every path, as they finish, `jobs` at a time, each in a
    grading process of its own (TensorFlow in the grader is neither shared nor forked).

    If a grading process dies (a crash that no exception reports), the pool breaks: the
    notebooks it had not finished are graded again one at a time, so that the one that
    breaks it again is found, reported as a grader failure, and costs only itself."""
    pending, alone = list(paths), False
    context = multiprocessing.get_context("spawn")
    while pending:
        with ProcessPoolExecutor(1 if alone else jobs, mp_context=context) as pool:
            futures = {pool.submit(task, path): path for path in pending}
            finished: set[Path] = set()
            broken = False
            for future in as_completed(futures):
                path = futures[future]
                try:
                    outcome = future.result()
                except BrokenProcessPool:
                    broken = True
                    continue
                except Exception as error:  # noqa: BLE001 - e.g. a result that could not be sent back
                    outcome = _failed(path, f"{type(error).__name__}: {error}")
                finished.add(path)
                yield path, outcome
        pending = [p for p in pending if p not in finished]
        if broken and alone and pending:  # one at a time: the first unfinished one broke it
            culprit, pending = pending[0], pending[1:]
            yield culprit, _failed(culprit, "its grading process ended unexpectedly")
        alone = broken and not alone


def _failed(path: Path, why: str) -> Report | str:
    """A report of zeros for a notebook the grader itself failed on."""
    try:
        exercise = identify(read_notebook(path), path)
    except UnusableInput as error:
        return str(error)
    message = f"the grader failed on this notebook ({why}); please report it."
    return Report(path, exercise, [Row(q.id, q.points, 0, message, message) for q in EXERCISES[exercise]])


def graded(paths: list[Path], timeout: float = 60.0, limits: Limits | None = None, jobs: int = 1,
           progress: Progress | None = None) -> Iterator[tuple[Path, Report | str]]:
    """(path, its Report, or why it could not be used) for every path, in the order given,
    grading `jobs` notebooks at once."""
    task = partial(_grade_path, timeout=timeout, limits=limits or Limits())
    if jobs <= 1 or len(paths) <= 1:
        for path in paths:
            outcome = task(path)
            if progress:
                progress.advance()
            yield path, outcome
        return
    waiting: dict[Path, Report | str] = {}
    order = iter(paths)
    following = next(order)
    for path, outcome in _in_parallel(paths, jobs, task):
        if progress:
            progress.advance()
        waiting[path] = outcome
        while following in waiting:  # hand them on in the order given
            yield following, waiting.pop(following)
            following = next(order, None)


class Progress:
    """A progress bar on a terminal: `[#####.....] 12/20 graded, about 0:35 left`."""

    WIDTH = 30

    def __init__(self, total: int, stream=sys.stderr) -> None:
        self.total, self.done, self.stream = total, 0, stream
        self.started = time.monotonic()
        self.shown = ""
        self.draw()

    def advance(self) -> None:
        self.done += 1
        self.draw()

    def draw(self) -> None:
        filled = self.WIDTH * self.done // self.total
        text = f"[{'#' * filled}{'.' * (self.WIDTH - filled)}] {self.done}/{self.total} graded"
        if 0 < self.done < self.total:
            left = (time.monotonic() - self.started) / self.done * (self.total - self.done)
            text += f", about {int(left // 60)}:{int(left % 60):02d} left"
        self.clear()
        self.stream.write(text)
        self.stream.flush()
        self.shown = text

    def clear(self) -> None:
        if self.shown:
            self.stream.write("\r" + " " * len(self.shown) + "\r")
            self.stream.flush()
            self.shown = ""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m helpers.grade", description="Grade exercise notebooks.")
    parser.add_argument("submissions", nargs="+", help="notebooks, or folders of notebooks")
    parser.add_argument("--json", type=Path, metavar="DIR",
                        help="write one Gradescope results file per notebook into DIR, named by its path "
                             "below the folder that holds all the inputs")
    parser.add_argument("--csv", type=Path, metavar="FILE", help="write one row per submission to FILE")
    parser.add_argument("--timeout", type=float, default=60.0, metavar="SECONDS", help="CPU time per question (default 60), and three times as much wall time")
    cores = os.cpu_count() or 1
    parser.add_argument("--jobs", "-j", type=int, default=cores, metavar="N",
                        help=f"grade N notebooks at once (default: the number of cores, {cores} here)")
    defaults = Limits()
    parser.add_argument("--memory", type=float, default=defaults.memory_mb / 1024, metavar="GB",
                        help=f"memory of each process of a submission (default {defaults.memory_mb / 1024:g})")
    parser.add_argument("--total-memory", type=float, default=defaults.total_memory_mb / 1024, metavar="GB",
                        help=f"memory of all the processes of a submission together (default {defaults.total_memory_mb / 1024:g})")
    parser.add_argument("--max-file-size", type=float, default=defaults.file_size_mb, metavar="MB",
                        help=f"largest file a submission may write (default {defaults.file_size_mb})")
    parser.add_argument("--max-processes", type=int, default=defaults.processes, metavar="N",
                        help=f"processes and threads a submission may add (default {defaults.processes})")
    args = parser.parse_args(argv)
    if args.timeout <= 0:
        parser.error("--timeout must be positive")
    if args.jobs < 1 or min(args.memory, args.total_memory, args.max_file_size) <= 0 or args.max_processes < 1:
        parser.error("--jobs, --memory, --total-memory, --max-file-size and --max-processes must be positive")
    limits = Limits(memory_mb=int(args.memory * 1024), total_memory_mb=int(args.total_memory * 1024),
                    file_size_mb=int(args.max_file_size), processes=args.max_processes)
    os.environ.update({k: v for k, v in QUIET_ENV.items() if k != "MPLBACKEND"})

    reports, unusable = [], 0
    paths = _expand(args.submissions)
    names = report_names(paths)
    progress = Progress(len(paths)) if len(paths) > 1 and sys.stderr.isatty() else None
    for path, outcome in graded(paths, args.timeout, limits, args.jobs, progress):
        if progress:
            progress.clear()
        if isinstance(outcome, str):
            print(f"error: {outcome}", file=sys.stderr)
            unusable += 1
        else:
            print_report(outcome)
            sys.stdout.flush()
            if args.json:
                write_json(outcome, args.json / names[path])
            reports.append(outcome)
        if progress:
            progress.draw()
    if progress:
        progress.clear()
    if args.csv and reports:
        write_csv(reports, args.csv)
    return 2 if unusable else 0


if __name__ == "__main__":
    # Run this module under its own name, so that grading processes find its functions.
    from helpers import grade

    sys.exit(grade.main())
