"""Shared test utilities: the reference solutions, and submissions made from them."""

from __future__ import annotations

import json
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def notebook(folder: str, stem: str) -> dict:
    return json.loads((ROOT / folder / f"{stem}.ipynb").read_text())


def source(cell: dict) -> str:
    s = cell["source"]
    return "".join(s) if isinstance(s, list) else s


def graded_cell_index(nb: dict, qid: str) -> int:
    """Index in nb["cells"] of the cell that answers `qid`."""
    for i, cell in enumerate(nb["cells"]):
        if cell.get("metadata", {}).get("rnn_book", {}).get("question") == qid:
            return i
    raise KeyError(qid)


def solution_functions(stem: str) -> dict:
    """Run the solution notebook's code cells but the setup cell and the check cells (a
    check cell holds only check() calls, a rule tests/test_conventions.py enforces);
    return its namespace."""
    from helpers.grading.cells import check_calls

    nb = notebook("solutions", stem)
    namespace: dict = {}
    for cell in nb["cells"]:
        if cell["cell_type"] != "code":
            continue
        text = source(cell)
        if text.startswith("# Setup:") or check_calls(text):
            continue  # the setup cell installs and seeds; check cells are what we test
        exec(compile(text, "<solution cell>", "exec"), namespace)
    return namespace


def submission(tmp_path: Path, stem: str, name: str = "submission", answers: dict | None = None,
               before_first: str | None = None, drop: tuple = (), folder: str = "solutions") -> Path:
    """A notebook made from the solution: `answers` replaces graded cells' code, `before_first`
    adds a learner's cell before the first question, `drop` deletes graded cells."""
    nb = notebook(folder, stem)
    for qid, code in (answers or {}).items():
        nb["cells"][graded_cell_index(nb, qid)]["source"] = code
    for qid in drop:
        del nb["cells"][graded_cell_index(nb, qid)]
    if before_first is not None:
        first = min(graded_cell_index(nb, q) for q in _qids(nb))
        nb["cells"].insert(first, {"cell_type": "code", "metadata": {}, "source": before_first, "outputs": [], "execution_count": None})
    path = tmp_path / f"{name}.ipynb"
    path.write_text(json.dumps(nb))
    return path


def _qids(nb: dict) -> list[str]:
    return [c["metadata"]["rnn_book"]["question"] for c in nb["cells"] if "question" in c.get("metadata", {}).get("rnn_book", {})]
