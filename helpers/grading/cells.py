"""Reading a submitted notebook's code cells: which cell each question is graded at.

The grader grades what the learner's own `check()` saw. So a question's *target* is the
last code cell that calls `check("<qid>", ...)`; the worker runs the notebook up to and
including that cell and grades the function the call was given. A learner who deleted
the check cell is graded at the last cell that defines the question's function (or at
the cell whose metadata names the question). Cells count from 0 among code cells.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass


@dataclass(frozen=True)
class Target:
    """Where a question is graded: run code cells up to and including `cell`, then grade
    the object that `check(qid, ...)` received there, or else the function `name`."""

    cell: int
    name: str


def code_sources(nb: dict) -> list[str]:
    """The source of every code cell, in order."""
    return [source(c) for c in nb.get("cells", []) if isinstance(c, dict) and c.get("cell_type") == "code"]


def source(cell: dict) -> str:
    text = cell.get("source", "")
    return "".join(text) if isinstance(text, list) else str(text)


def as_python(text: str) -> str:
    """IPython syntax (%magics, !shell) as plain Python, as a kernel would see it."""
    try:
        from IPython.core.inputtransformer2 import TransformerManager
    except ImportError:
        return text
    return TransformerManager().transform_cell(text)


def _tree(text: str) -> ast.Module | None:
    try:
        return ast.parse(as_python(text))
    except (SyntaxError, ValueError):
        return None


def defines(text: str, name: str) -> bool:
    """Whether a cell defines the function `name` at top level (textually, if it does not parse)."""
    tree = _tree(text)
    if tree is None:
        return any(line.startswith(f"def {name}(") for line in text.splitlines())
    return any(isinstance(node, ast.FunctionDef) and node.name == name for node in tree.body)


def check_calls(text: str) -> list[tuple[str, str | None]]:
    """Every `check("<qid>", answer)` call in a cell: (qid, the answer's name, or None when
    the second argument is not a plain name). `grading.check(...)` counts too."""
    tree = _tree(text)
    if tree is None:
        return []
    calls = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call) or not node.args:
            continue
        func = node.func
        called = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else None
        first = node.args[0]
        if called != "check" or not (isinstance(first, ast.Constant) and isinstance(first.value, str)):
            continue
        second = node.args[1] if len(node.args) > 1 else None
        calls.append((first.value, second.id if isinstance(second, ast.Name) else None))
    return calls


def locate(nb: dict, questions) -> dict[str, Target]:
    """The target of each question that the notebook answers somewhere (see the module doc)."""
    code = [c for c in nb.get("cells", []) if isinstance(c, dict) and c.get("cell_type") == "code"]
    texts = [source(c) for c in code]
    found = {}
    for q in questions:
        checks = [(i, name) for i, text in enumerate(texts) for qid, name in check_calls(text) if qid == q.id]
        defining = [i for i, text in enumerate(texts) if defines(text, q.function_name)]
        tagged = [i for i, c in enumerate(code) if _metadata_question(c) == q.id]
        if checks:
            cell, name = checks[-1]
            found[q.id] = Target(cell, name or q.function_name)
        elif defining or tagged:
            found[q.id] = Target(max(defining + tagged), q.function_name)
    return found


def _metadata_question(cell: dict):
    metadata = cell.get("metadata", {})
    book = metadata.get("rnn_book", {}) if isinstance(metadata, dict) else {}
    return book.get("question") if isinstance(book, dict) else None
