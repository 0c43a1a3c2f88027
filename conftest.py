"""Repository-wide pytest hooks for the notebooks that nbval runs.

- **The 60-second budget.** nbval reports one test per cell. The setup, call and teardown
  times of a notebook's cells (kernel start included) are added up, printed at the end,
  and the session fails when one notebook went over its budget.
- **One execution, two uses.** A book page (chapters/, exercises/) whose cells all passed
  is saved with the outputs nbval collected, and put in the book's execution cache
  (`_build/.jupyter_cache`, the one `jupyter-book build` reads with `execute_notebooks:
  cache`). The book build that follows in `make test` then renders those outputs instead of
  executing every notebook a second time. The cache is keyed by the notebook's code and
  metadata, so a notebook edited after the tests is executed again by the build.
"""

import os
import time
from collections import defaultdict
from pathlib import Path

# Quiet TensorFlow in this process and in the kernels it starts (helpers.notebook.setup()
# sets the same for notebooks; these cover tests that import TensorFlow directly).
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")

ROOT = Path(__file__).resolve().parent
NOTEBOOK_BUDGET_S = 60.0
BOOK_FOLDERS = ("chapters", "exercises")  # the notebooks the book renders
BOOK_CACHE = ROOT / "_build" / ".jupyter_cache"  # jupyter-book's default execution cache
EXECUTED = ROOT / "_build" / "nbval_executed"  # executed pages, waiting to be cached

_seconds = defaultdict(float)
_failed: set[str] = set()
_outputs: dict[str, dict[int, list]] = defaultdict(dict)


def pytest_runtest_logreport(report):
    path = report.nodeid.split("::")[0]
    if path.endswith(".ipynb"):
        _seconds[path] += report.duration
        if report.failed:
            _failed.add(path)


def pytest_runtest_teardown(item, nextitem):
    """After a notebook's last cell: save it with its outputs, if it is a book page that passed."""
    if not hasattr(item, "test_outputs") or not hasattr(item, "cell_num"):
        return  # not an nbval cell
    path = item.nodeid.split("::")[0]
    if Path(path).parent.name not in BOOK_FOLDERS:
        return
    _outputs[path][item.cell_num] = list(item.test_outputs or [])
    if nextitem is not None and nextitem.nodeid.split("::")[0] == path:
        return
    if path not in _failed:
        _save_executed(Path(item.config.rootpath) / path, item.parent.nb, _outputs.pop(path, {}), _seconds[path])


def _save_executed(path: Path, nb, outputs: dict[int, list], seconds: float) -> None:
    import json

    import nbformat

    executed = nbformat.reads(nbformat.writes(nb), as_version=4)  # a copy
    code = [cell for cell in executed.cells if cell.cell_type == "code"]
    for number, cell in enumerate(code):  # nbval numbers code cells from 0
        cell.outputs = [nbformat.from_dict(dict(o)) for o in outputs.get(number, [])]
        cell.execution_count = number + 1
    target = EXECUTED / path.parent.name / path.name
    target.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(executed, target)
    (target.with_suffix(".json")).write_text(json.dumps({"source": str(path), "seconds": seconds}))


def _cache_executed() -> int:
    """Put every saved page in the book's execution cache; return how many."""
    import json

    import nbformat
    from jupyter_cache import get_cache
    from jupyter_cache.base import CacheBundleIn

    saved = sorted(EXECUTED.glob("*/*.ipynb")) if EXECUTED.exists() else []
    if not saved:
        return 0
    cache = get_cache(str(BOOK_CACHE))
    for path in saved:
        info = json.loads(path.with_suffix(".json").read_text())
        nb = nbformat.read(path, as_version=4)
        cache.cache_notebook_bundle(
            CacheBundleIn(nb, info["source"], data={"execution_seconds": info["seconds"]}),
            check_validity=False,
            overwrite=True,
        )
        path.unlink()
        path.with_suffix(".json").unlink()
    return len(saved)


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    if not _seconds or hasattr(config, "workerinput"):
        return
    terminalreporter.section(f"notebook run times (budget {NOTEBOOK_BUDGET_S:g} s each)")
    for path, seconds in sorted(_seconds.items()):
        flag = "  OVER BUDGET" if seconds > NOTEBOOK_BUDGET_S else ""
        terminalreporter.write_line(f"{seconds:6.1f} s  {path}{flag}")
    start = time.perf_counter()
    cached = _cache_executed()
    if cached:
        terminalreporter.write_line(
            f"{cached} executed book pages cached for the book build ({time.perf_counter() - start:.1f} s)"
        )


def pytest_sessionfinish(session, exitstatus):
    if hasattr(session.config, "workerinput"):
        return
    if any(seconds > NOTEBOOK_BUDGET_S for seconds in _seconds.values()):
        session.exitstatus = 1
