"""Re-run the chapters' claims with other seeds than the notebooks' own, and check that they hold.

    .venv/bin/python -m tools.seed_checks          # every chapter; markdown tables on stdout
    .venv/bin/python -m tools.seed_checks 03 07    # only chapters 3 and 7

Exit status 1 if a claim fails. `make bench` copies the tables into reports/benchmarks.md.

A notebook runs with the single seed of `helpers.notebook.setup()`. A sentence such as "the
SimpleRNN solves the adding problem at T = 5 and not at T = 40" must hold for other seeds
too. Each chapter with such claims has a module here, `chNN_topic.py`, found by its name. It
defines `TITLE` and `run(seeds) -> list[dict]`: one row per measurement, each with
- "check": the table the row belongs to,
- "seed" (if the row is about one seed), the measured figures,
- "claim": the sentence checked, and "holds": whether it does.

Do not copy a chapter's training code into its module. Tag the chapter's code cells that
define the experiment (imports, functions, settings) `seed-checks`, and call its functions
from the namespace that `notebook_namespace()` returns: the module then always checks the
code that the book shows.
"""

from __future__ import annotations

import importlib
import pkgutil
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SEED_CHECKS_TAG = "seed-checks"
MODULE = re.compile(r"ch(\d\d)_[a-z0-9_]+")


def notebook_namespace(path: Path, tag: str = SEED_CHECKS_TAG) -> dict:
    """Execute the code cells of a notebook that carry `tag`, in order; return the names they define."""
    import nbformat

    from helpers.notebook import setup

    setup()  # quiet TensorFlow and make it deterministic, before the cells import it
    nb = nbformat.read(path, as_version=4)
    cells = [c for c in nb.cells if c.cell_type == "code" and tag in c.metadata.get("tags", [])]
    if not cells:
        raise RuntimeError(f"{path.name} has no code cell tagged {tag!r}")
    namespace: dict = {"__name__": f"notebook_{path.stem}"}
    for cell in cells:
        exec(compile(cell.source, f"{path.name} (cell {cell.get('id', '?')})", "exec"), namespace)
    return namespace


def modules(chapters: list[str] | None = None) -> list:
    """The seed-check module of each chapter (or of the chapters numbered in `chapters`)."""
    found = []
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda i: i.name):
        match = MODULE.fullmatch(info.name)
        if match and (not chapters or match.group(1) in chapters):
            found.append(importlib.import_module(f"{__name__}.{info.name}"))
    return found


def markdown_table(rows: list[dict]) -> str:
    """A markdown table of rows that share their keys; floats with 4 significant digits."""
    columns = list(rows[0])

    def cell(value):
        if isinstance(value, bool):
            return "yes" if value else "**NO**"
        if isinstance(value, float):
            return f"{value:.4g}"
        return "" if value is None else str(value)

    lines = ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
    lines += ["| " + " | ".join(cell(r.get(c)) for c in columns) + " |" for r in rows]
    return "\n".join(lines)
