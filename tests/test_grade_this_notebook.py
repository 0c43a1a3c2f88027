"""`grade_this_notebook()`, the last cell of every exercise.

- In Jupyter, for real: a Jupyter server opens an exercise, its kernel runs the cell, and
  the saved file is graded; a file older than the last run cell is not.
- In Colab, with a stand-in for `google.colab._message` (Colab's frontend is not here).
- In a kernel no notebook server started (nbval, a book build): one line, at once.
- In the grader's own worker: nothing."""

import json
import os
import socket
import subprocess
import sys
import time
import types
import urllib.request
from pathlib import Path

import pytest
from jupyter_client import BlockingKernelClient, KernelManager

from helpers.grading import EXERCISES, grade_this_notebook
from helpers.grading import this_notebook
from helpers.notebook import GRADER_WORKER_ENV
from tests.helpers_for_tests import ROOT, notebook
from tools.notebooks import grade_cell_source

STEM = "01_rnn_basics"  # the quickest to grade: this file tests the cell, not the grader
TOTAL = sum(q.points for q in EXERCISES[STEM])
GRADE_CELL = grade_cell_source()


def _with_grade_cell(folder: str) -> dict:
    nb = notebook(folder, STEM)
    if folder == "solutions":  # exercises have it already (tools/notebooks.py writes it)
        nb["cells"].append({"cell_type": "code", "metadata": {}, "source": GRADE_CELL, "outputs": [], "execution_count": None})
    assert nb["cells"][-1]["source"] in (GRADE_CELL, GRADE_CELL.splitlines(keepends=True))
    return nb


def _run(client, code: str, timeout: float = 900) -> str:
    """Execute `code` in the kernel; return its text and HTML output."""
    out = []

    def hook(message):
        content = message["content"]
        if message["msg_type"] == "stream":
            out.append(content["text"])
        elif message["msg_type"] in ("display_data", "execute_result"):
            out.append(content["data"].get("text/html", "") + content["data"].get("text/plain", ""))
        elif message["msg_type"] == "error":
            out.append("\n".join(content["traceback"]))

    client.execute_interactive(code, timeout=timeout, output_hook=hook)
    return "".join(out)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _api(url: str, method: str = "GET", body: dict | None = None, token: str = "t") -> dict:
    request = urllib.request.Request(url, method=method, data=json.dumps(body).encode() if body else None,
                                     headers={"Authorization": f"token {token}", "Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=60) as response:
        return json.loads(response.read() or b"{}")


def test_in_jupyter_it_grades_the_saved_file_and_asks_to_save_first(tmp_path):
    root, runtime = tmp_path / "work", tmp_path / "runtime"
    root.mkdir()
    nb = _with_grade_cell("solutions")
    (root / f"{STEM}.ipynb").write_text(json.dumps(nb))
    port = _free_port()
    env = {**os.environ, "JUPYTER_RUNTIME_DIR": str(runtime), "JUPYTER_CONFIG_DIR": str(tmp_path / "config")}
    server = subprocess.Popen([sys.executable, "-m", "jupyter_server", f"--ServerApp.port={port}", "--ServerApp.port_retries=0",
                               "--ServerApp.ip=127.0.0.1", "--IdentityProvider.token=t", f"--ServerApp.root_dir={root}",
                               "--ServerApp.open_browser=False", "--allow-root"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    client = None
    try:
        for _ in range(120):
            try:
                _api(f"{base}/api/status")
                break
            except OSError:
                time.sleep(0.5)
        session = _api(f"{base}/api/sessions", "POST", {"path": f"{STEM}.ipynb", "name": f"{STEM}.ipynb", "type": "notebook",
                                                          "kernel": {"name": "python3"}})
        kernel = session["kernel"]["id"]
        connection = runtime / f"kernel-{kernel}.json"
        for _ in range(240):  # the kernel was started: its connection file is written
            if connection.exists():
                break
            time.sleep(0.5)
        client = BlockingKernelClient(connection_file=str(connection))
        client.load_connection_file()
        client.start_channels()
        client.wait_for_ready(timeout=120)

        _run(client, "x = 1")  # In [1]: a cell the learner added and ran, not saved yet
        assert this_notebook.SAVE_FIRST in _run(client, GRADE_CELL)  # In [2]

        # The learner saves: Jupyter writes each code cell with its execution count.
        nb["cells"].insert(-1, {"cell_type": "code", "metadata": {}, "source": "x = 1", "outputs": [], "execution_count": 1})
        nb["cells"][-1]["execution_count"] = 2
        _api(f"{base}/api/contents/{STEM}.ipynb", "PUT", {"type": "notebook", "format": "json", "content": nb})
        shown = _run(client, GRADE_CELL)  # In [3]
        assert f"{STEM}.ipynb" in shown and f"Score: {TOTAL}/{TOTAL}" in shown and "<table>" in shown, shown
    finally:
        if client is not None:
            client.stop_channels()
        server.terminate()
        server.wait(timeout=60)


def test_in_colab_it_grades_what_the_frontend_holds(monkeypatch, capsys):
    """Colab's `_message.blocking_request("get_ipynb")` returns the notebook as the browser
    has it; here a stand-in module returns the solution, then the untouched exercise."""
    requests = []
    shown = {}

    def blocking_request(kind, request="", timeout_sec=None):
        requests.append(kind)
        return {"ipynb": shown["nb"]}

    google, colab, message = (types.ModuleType(n) for n in ("google", "google.colab", "google.colab._message"))
    message.blocking_request = blocking_request
    colab._message, google.colab = message, colab
    monkeypatch.setitem(sys.modules, "google", google)
    monkeypatch.setitem(sys.modules, "google.colab", colab)
    monkeypatch.setitem(sys.modules, "google.colab._message", message)
    monkeypatch.delenv(GRADER_WORKER_ENV, raising=False)

    for folder, expected in (("solutions", f"Score: {TOTAL}/{TOTAL}"), ("exercises", f"Score: 0/{TOTAL}")):
        nb = _with_grade_cell(folder)
        nb["metadata"]["rnn_book"] = {"exercise": STEM}  # the name is Colab's own ("notebook.ipynb" here)
        shown["nb"] = nb
        grade_this_notebook()
        out = capsys.readouterr().out
        assert expected in out, out
    assert requests == ["get_ipynb", "get_ipynb"]
    assert "not attempted" in out


def test_in_a_kernel_no_server_started_it_says_so_at_once(tmp_path):
    """As under nbval or in a book build: one line, no grading, no traceback."""
    manager = KernelManager(kernel_name="python3")
    manager.start_kernel(cwd=str(tmp_path))
    client = manager.client()
    client.start_channels()
    try:
        client.wait_for_ready(timeout=120)
        _run(client, "import helpers.grading")
        start = time.monotonic()
        out = _run(client, GRADE_CELL, timeout=60)
        seconds = time.monotonic() - start
    finally:
        client.stop_channels()
        manager.shutdown_kernel(now=True)
    assert out.strip() == this_notebook.NOT_IN_A_NOTEBOOK and seconds < 10, (out, seconds)


def test_inside_the_graders_worker_it_does_nothing(monkeypatch, capsys):
    monkeypatch.setenv(GRADER_WORKER_ENV, "1")
    grade_this_notebook()
    assert capsys.readouterr().out == ""


def test_an_unusable_file_is_said_in_one_line(tmp_path):
    bad = tmp_path / "notes.ipynb"
    bad.write_text("{not json")
    grades = this_notebook.grade_file(bad)
    assert str(grades).startswith("The notebook could not be graded:") and "not valid notebook JSON" in str(grades)


def test_the_last_cell_of_every_exercise_grades_it():
    for path in sorted((ROOT / "exercises").glob("*.ipynb")):
        last = json.loads(path.read_text())["cells"][-1]
        assert "".join(last["source"]) == GRADE_CELL and last["metadata"]["tags"] == ["remove-output"], path.name
    for path in sorted((ROOT / "solutions").glob("*.ipynb")):
        assert GRADE_CELL not in path.read_text(), f"{path.name}: the exercise generator writes the grading cell"
