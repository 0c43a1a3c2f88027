"""Repository-wide pytest hooks: the 60-second budget of every notebook that nbval runs.

nbval reports one test per cell. Here the setup, call and teardown times of a notebook's
cells (kernel start included) are added up, printed at the end, and the session fails when
one notebook went over its budget.
"""

import os
from collections import defaultdict

# Quiet TensorFlow in this process and in the kernels it starts (helpers.notebook.setup()
# sets the same for notebooks; these cover tests that import TensorFlow directly).
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")

NOTEBOOK_BUDGET_S = 60.0
# `make test-compat` checks that the notebooks run on other versions, and only reports
# their times (RNN_BOOK_ENFORCE_BUDGET=0): the budget is enforced by `make test`.
ENFORCE_BUDGET = os.environ.get("RNN_BOOK_ENFORCE_BUDGET", "1") != "0"
_seconds = defaultdict(float)


def pytest_runtest_logreport(report):
    path = report.nodeid.split("::")[0]
    if path.endswith(".ipynb"):
        _seconds[path] += report.duration


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    if not _seconds or hasattr(config, "workerinput"):
        return
    terminalreporter.section(f"notebook run times (budget {NOTEBOOK_BUDGET_S:g} s each)")
    for path, seconds in sorted(_seconds.items()):
        flag = "  OVER BUDGET" if seconds > NOTEBOOK_BUDGET_S else ""
        terminalreporter.write_line(f"{seconds:6.1f} s  {path}{flag}")


def pytest_sessionfinish(session, exitstatus):
    if hasattr(session.config, "workerinput"):
        return
    if ENFORCE_BUDGET and any(seconds > NOTEBOOK_BUDGET_S for seconds in _seconds.values()):
        session.exitstatus = 1
