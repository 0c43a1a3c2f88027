"""The grader's worker: runs a submission's code and records what its answers return.

    python -m helpers.grading.worker SPEC.json

The grader (`helpers.grade`) starts one worker per notebook, in its own process group, and
kills it when a question runs out of time or the process dies. The worker executes the
notebook's code cells in order, one question's cells at a time, and for each question calls
the learner's function on the test cases. It writes only plain arrays (`<qid>.npz`) and a
status (`<qid>.json`); it never decides a score. The grader compares those arrays with
values it computes itself, so nothing the submission redefines here can raise its score.
"""

from __future__ import annotations

import ast
import json
import os
import sys
from pathlib import Path

import numpy as np


def locate(nb: dict, questions) -> dict[str, int]:
    """Which code cell answers each question: the cell whose metadata names it, or else the
    last cell that defines the question's function. Cells count from 0 among code cells."""
    code = [c for c in nb.get("cells", []) if c.get("cell_type") == "code"]
    found = {}
    for q in questions:
        tagged = [i for i, c in enumerate(code) if c.get("metadata", {}).get("rnn_book", {}).get("question") == q.id]
        defining = [i for i, c in enumerate(code) if _defines(_source(c), q.answer)]
        if tagged:
            found[q.id] = tagged[0]
        elif defining:
            found[q.id] = defining[-1]
    return found


def code_sources(nb: dict) -> list[str]:
    return [_source(c) for c in nb.get("cells", []) if c.get("cell_type") == "code"]


def _source(cell: dict) -> str:
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else str(source)


def _defines(source: str, name: str) -> bool:
    try:
        tree = ast.parse(_python(source))
    except SyntaxError:
        return any(line.startswith(f"def {name}(") for line in source.splitlines())
    return any(isinstance(node, ast.FunctionDef) and node.name == name for node in tree.body)


def _python(source: str) -> str:
    """IPython syntax (%magics, !shell) as plain Python, as a kernel would see it."""
    try:
        from IPython.core.inputtransformer2 import TransformerManager
    except ImportError:
        return source
    return TransformerManager().transform_cell(source)


def _write_json(path: Path, data: dict) -> None:
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(data))
    os.replace(tmp, path)  # the grader never reads half a file


def _describe(error: BaseException) -> str:
    if isinstance(error, SystemExit):
        return "called sys.exit(); a graded answer must not end the process."
    if isinstance(error, SyntaxError):
        return f"SyntaxError on line {error.lineno}: {error.msg}"
    return f"{type(error).__name__}: {error}"


def main(spec_path: str) -> None:
    spec = json.loads(Path(spec_path).read_text())
    out = Path(spec["out"])
    nb = json.loads(Path(spec["notebook"]).read_text())
    sources = code_sources(nb)
    skip = set(spec["skip_cells"])

    import helpers.grading as grading

    grading.check = lambda *args, **kwargs: None  # the notebook's own checks would only repeat work
    namespace = {"__name__": "__main__"}
    position = 0
    for qid, target in spec["questions"]:
        question = grading.get(qid)
        _write_json(out / f"{qid}.start", {})
        status = {"status": "ok", "message": ""}
        for index in range(position, target + 1):
            if index in skip:
                continue
            _write_json(out / "progress.json", {"question": qid, "cell": index, "phase": "cells"})
            try:
                exec(compile(_python(sources[index]), f"<code cell {index + 1}>", "exec"), namespace)
            except BaseException as error:  # noqa: BLE001 - any failure is the submission's, and is reported
                if index == target:
                    status = {"status": "error", "message": f"its cell raised {_describe(error)}"}
        position = target + 1

        payloads = []
        answer = namespace.get(question.answer)
        if status["status"] == "ok" and answer is None:
            status = {"status": "error", "message": f"no function named `{question.answer}` is defined."}
        if status["status"] == "ok":
            _write_json(out / "progress.json", {"question": qid, "cell": target, "phase": "answer"})
            for case in question.cases(True):
                try:
                    payloads.append(question.run(answer, case))
                except NotImplementedError:
                    status = {"status": "not attempted", "message": "not attempted."}
                    break
                except AssertionError as error:
                    status = {"status": "error", "message": str(error)}
                    break
                except BaseException as error:  # noqa: BLE001
                    status = {"status": "error", "message": f"the answer raised {_describe(error)}"}
                    break
        if status["status"] == "ok":
            arrays = {f"{i}.{name}": np.asarray(value) for i, p in enumerate(payloads) for name, value in p.items()}
            np.savez(out / f"{qid}.npz", **arrays)
        _write_json(out / f"{qid}.json", status)


if __name__ == "__main__":
    main(sys.argv[1])
