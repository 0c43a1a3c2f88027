"""`grade_this_notebook()`: the last cell of every exercise grades the notebook it is in.

It runs the instructor's grader (`python -m helpers.grade`, hidden cases included) in a
separate process, on:
- in Colab, the notebook as the browser has it now, read from Colab's frontend
  (`google.colab._message.blocking_request("get_ipynb")`), so nothing needs saving;
- in Jupyter (Lab, Notebook, VS Code), the saved file of this kernel's session, found by
  asking the running Jupyter servers which session this kernel belongs to. When the code
  this kernel ran last is not in that file (the notebook was changed and run after it was
  saved), it asks the learner to save first and grades nothing.

Anywhere else (nbval, nbclient, a book build: a kernel that no notebook server started)
there is no notebook file to grade: it says so in one line and returns at once, and inside
the grader's own worker it does nothing.
"""

from __future__ import annotations

import html
import json
import os
import re
import subprocess
import sys
import tempfile
import urllib.request
from dataclasses import dataclass
from pathlib import Path

NOT_IN_A_NOTEBOOK = ("Nothing graded: this kernel was not started by Jupyter or Colab, so there is no notebook "
                     "to grade. Open the notebook in Jupyter or Colab and run this cell, or grade a saved file "
                     "with `python -m helpers.grade NOTEBOOK.ipynb`.")
SAVE_FIRST = ("Nothing graded: the saved notebook is older than your last change. Save it (Ctrl+S, or "
              "File > Save), then run this cell again.")


@dataclass(repr=False)
class Grades:
    """The grader's table for one notebook; Jupyter and Colab show it as HTML, a terminal
    as text."""

    file: str
    rows: list[dict]  # name (the question id), score, max_score, output
    error: str = ""

    @property
    def score(self) -> int:
        return sum(r["score"] for r in self.rows)

    @property
    def points(self) -> int:
        return sum(r["max_score"] for r in self.rows)

    def __str__(self) -> str:
        if self.error:
            return self.error
        from helpers.grade import printable

        lines = [printable(self.file), f"{'question':<8}  {'score':>5}  message"]
        lines += [f"{r['name']:<8}  {r['score']:>2}/{r['max_score']:<2}  {printable(r['output'])}" for r in self.rows]
        return "\n".join([*lines, f"Score: {self.score}/{self.points}"])

    __repr__ = __str__

    def _repr_html_(self) -> str:
        if self.error:
            return f"<p>{html.escape(self.error)}</p>"
        rows = "".join(f"<tr><td>{html.escape(r['name'])}</td><td>{r['score']}/{r['max_score']}</td>"
                       f"<td style='text-align:left'>{html.escape(r['output'])}</td></tr>" for r in self.rows)
        return (f"<p>{html.escape(self.file)}</p><table><tr><th>question</th><th>score</th>"
                f"<th style='text-align:left'>message</th></tr>{rows}</table>"
                f"<p><b>Score: {self.score}/{self.points}</b></p>")


def grade_this_notebook(timeout: float = 60.0) -> None:
    """Grade the notebook this kernel runs, with the instructor's grader and its hidden
    cases, and show the table (see the module's documentation)."""
    from helpers.notebook import GRADER_WORKER_ENV

    if os.environ.get(GRADER_WORKER_ENV):
        return  # the grader is running this notebook: nothing to do
    contents = colab_notebook()
    if contents is not None:
        name, nb = contents
        with tempfile.TemporaryDirectory(prefix="rnn-book-colab-") as folder:
            path = Path(folder) / name
            path.write_text(json.dumps(nb))
            _show(grade_file(path, timeout))
        return
    path = jupyter_notebook_path()
    if path is None:
        print(NOT_IN_A_NOTEBOOK)
        return
    if not saved_since_last_run(json.loads(path.read_text(encoding="utf-8"))):
        print(SAVE_FIRST)
        return
    _show(grade_file(path, timeout))


def grade_file(path: Path, timeout: float = 60.0) -> Grades:
    """Grade one notebook file with `python -m helpers.grade`, in a separate process."""
    with tempfile.TemporaryDirectory(prefix="rnn-book-grades-") as out:
        done = subprocess.run([sys.executable, "-m", "helpers.grade", str(path), "--json", out, "--jobs", "1",
                               "--timeout", str(timeout)], capture_output=True, text=True)
        reports = list(Path(out).glob("*.json"))
        if done.returncode != 0 or not reports:
            why = done.stderr.strip().splitlines()[-1:] or [f"the grader exited with status {done.returncode}"]
            return Grades(path.name, [], f"The notebook could not be graded: {why[0].removeprefix('error: ')}")
        return Grades(path.name, json.loads(reports[0].read_text())["tests"])


def _show(grades: Grades) -> None:
    try:
        from IPython.display import display
    except ImportError:
        print(grades)
    else:
        display(grades)


# --- Colab ---------------------------------------------------------------------------------

def colab_notebook() -> tuple[str, dict] | None:
    """(file name, contents) of the notebook open in Colab, as the browser has it; None
    outside Colab."""
    try:
        from google.colab import _message
    except ImportError:
        return None
    nb = _message.blocking_request("get_ipynb", request="", timeout_sec=60)["ipynb"]
    return _colab_name(), nb


def _colab_name() -> str:
    """The notebook's file name in Colab (its session's name), or a neutral one: the grader
    then finds the exercise from the notebook's metadata."""
    try:
        url = f"http://{os.environ['COLAB_JUPYTER_IP']}:{os.environ['KMP_TARGET_PORT']}/api/sessions"
        with urllib.request.urlopen(url, timeout=5) as response:
            name = json.loads(response.read())[0]["name"]
    except Exception:  # noqa: BLE001 - the name only helps; the metadata suffices
        return "notebook.ipynb"
    name = Path(str(name)).name
    return name if name.endswith(".ipynb") else "notebook.ipynb"


# --- Jupyter -------------------------------------------------------------------------------

def _kernel_id() -> str | None:
    """This kernel's id, from its connection file (`kernel-<id>.json`), if it is a kernel."""
    try:
        from ipykernel.connect import get_connection_file

        match = re.fullmatch(r"kernel-(.+)\.json", Path(get_connection_file()).name)
    except Exception:  # noqa: BLE001 - not running in an IPython kernel
        return None
    return match.group(1) if match else None


def _servers() -> list[dict]:
    """The running Jupyter servers of this user (each writes a file in the runtime folder)."""
    try:
        from jupyter_core.paths import jupyter_runtime_dir
    except ImportError:
        return []
    servers = []
    for file in sorted(Path(jupyter_runtime_dir()).glob("*server-*.json")):  # jpserver-*, nbserver-*
        try:
            servers.append(json.loads(file.read_text()))
        except (OSError, ValueError):
            continue
    return servers


def jupyter_notebook_path() -> Path | None:
    """The file of the notebook this kernel runs, as the Jupyter server that started it
    knows it (VS Code and Jupyter Server also name it in the kernel), or None."""
    kernel = _kernel_id()
    if kernel:
        for server in _servers():
            request = urllib.request.Request(f"{server.get('url', '').rstrip('/')}/api/sessions",
                                             headers={"Authorization": f"token {server.get('token', '')}"})
            try:
                with urllib.request.urlopen(request, timeout=2) as response:
                    sessions = json.loads(response.read())
            except Exception:  # noqa: BLE001 - a server that has gone, or wants a password
                continue
            for session in sessions:
                if session.get("kernel", {}).get("id") == kernel:
                    root = server.get("root_dir") or server.get("notebook_dir") or ""
                    relative = session.get("path") or session.get("notebook", {}).get("path", "")
                    return Path(root) / relative
    try:
        from IPython import get_ipython

        vscode = (get_ipython().user_ns or {}).get("__vsc_ipynb_file__")
    except Exception:  # noqa: BLE001
        vscode = None
    if vscode:
        return Path(vscode)
    # Jupyter Server also names the notebook in its kernels' environment, as it was when the
    # kernel started (a server that asks for a password does not answer the query above).
    named = os.environ.get("JPY_SESSION_NAME", "")
    return Path(named) if named.endswith(".ipynb") and Path(named).is_file() else None


def saved_since_last_run(nb: dict) -> bool:
    """Whether the saved notebook `nb` holds the cell this kernel ran last, with the code it
    ran: Jupyter saves each code cell's execution count, so the cell run just before this
    one must be in the file with its count and its source. A notebook changed and run after
    it was saved fails this."""
    from IPython import get_ipython

    history = get_ipython().history_manager.input_hist_raw  # ["", In[1], In[2], ...]: this cell last
    previous = len(history) - 2  # the number of the cell run before this one
    if previous < 1:
        return True  # nothing ran before this cell in this kernel
    ran = history[previous].strip()
    for cell in nb.get("cells", []):
        if cell.get("cell_type") == "code" and cell.get("execution_count") == previous:
            text = cell.get("source", "")
            return ("".join(text) if isinstance(text, list) else str(text)).strip() == ran
    return False
