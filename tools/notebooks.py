"""Notebook housekeeping: one normal form for every stored notebook, and exercises made from solutions.

    python -m tools.notebooks format     # normalize chapters/ and solutions/, then regenerate exercises/
    python -m tools.notebooks exercises  # regenerate exercises/ from solutions/
    python -m tools.notebooks check      # list notebooks not in normal form or out of sync; exit 1 if any

The normal form: nbformat 4.5 with cell ids, no outputs, a fixed kernelspec, only the cell
metadata the book uses, an "Open in Colab" badge under the title, and the setup cell as
the first code cell. The badge and the setup cell are written from the repository URL in
_config.yml, the one place it is set.

An exercise is its solution with every region between `### BEGIN SOLUTION` and
`### END SOLUTION` replaced by `# YOUR CODE HERE` and `raise NotImplementedError`, and
without the cells tagged `solution`; its last cell, written here like the setup cell,
grades the notebook (`helpers.grading.grade_this_notebook()`).
"""

from __future__ import annotations

import hashlib
import re
import sys
from pathlib import Path

import nbformat
import yaml

ROOT = Path(__file__).resolve().parents[1]
SOURCES = ("chapters", "solutions")  # hand-edited; exercises/ is generated from solutions/
KERNELSPEC = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}
KEPT_CELL_METADATA = ("tags", "rnn_book", "mystnb")  # rnn_book.question: a graded cell; mystnb.image.alt: a figure's alt text
SOLUTION_TAG = "solution"  # cells only the solution notebook has
SETUP_TAG = "hide-input"  # the book folds the setup cell away; Colab shows it
BADGE_PREFIX = "[![Open In Colab]"
SETUP_FIRST_LINE = "# Setup: in Colab, install the course's helpers"
BEGIN, END = "### BEGIN SOLUTION", "### END SOLUTION"
HELPERS_SOURCE_ENV = "RNN_BOOK_HELPERS_SOURCE"  # tests point it at a checkout


def repository() -> tuple[str, str]:
    """The repository URL and branch, from _config.yml."""
    config = yaml.safe_load((ROOT / "_config.yml").read_text())
    repo = config["repository"]
    return repo["url"].rstrip("/"), repo.get("branch", "main")


def badge(relpath: str) -> str:
    url, branch = repository()
    github_path = url.removeprefix("https://github.com/")
    colab = f"https://colab.research.google.com/github/{github_path}/blob/{branch}/{relpath}"
    return f"{BADGE_PREFIX}(https://colab.research.google.com/assets/colab-badge.svg)]({colab})"


def extras() -> dict[str, list[str]]:
    """The extras of pyproject.toml: name -> the import names of its packages."""
    import tomllib

    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    optional = project.get("optional-dependencies", {})
    return {name: [re.split(r"[<>=!~ \[;]", req)[0].replace("-", "_") for req in reqs] for name, reqs in optional.items()}


def setup_source(needs: list[str] | tuple = ()) -> str:
    """The setup cell: install helpers (with the extras `needs`) in Colab if missing, then setup()."""
    url, branch = repository()
    known = extras()
    unknown = [name for name in needs if name not in known]
    if unknown:
        raise ValueError(f"unknown extras {unknown}: add them to [project.optional-dependencies] in pyproject.toml")
    modules = ["helpers", *(m for name in needs for m in known[name])]
    package = f"rnn-book-helpers[{','.join(needs)}]" if needs else "rnn-book-helpers"
    return f"""{SETUP_FIRST_LINE} (TensorFlow is already there).
import importlib.util, os, subprocess, sys
if any(importlib.util.find_spec(m) is None for m in {modules!r}):
    source = os.environ.get("{HELPERS_SOURCE_ENV}", "git+{url}@{branch}")
    spec = f"{package} @ {{source}}"
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", spec], check=True)
from helpers.notebook import setup
setup()"""


def _cell_id(relpath: str, index: int) -> str:
    return hashlib.sha1(f"{relpath}:{index}".encode()).hexdigest()[:8]


def normalize(nb, relpath: str):
    """Return `nb` in the normal form, for the notebook stored at `relpath` (e.g. 'chapters/01_x.ipynb')."""
    cells = nb.cells
    if not cells or cells[0].cell_type != "markdown" or not cells[0].source.startswith("# "):
        raise ValueError(f"{relpath}: the first cell must be markdown starting with a '# Title' line")

    title, *rest = cells[0].source.split("\n")
    rest = [line for line in rest if not line.startswith(BADGE_PREFIX)]
    while rest and not rest[0].strip():
        rest.pop(0)
    cells[0].source = "\n".join([title, "", badge(relpath), *([""] + rest if rest else [])])

    code = [c for c in cells if c.cell_type == "code"]
    source = setup_source(nb.metadata.get("rnn_book", {}).get("extras", []))
    setup_cell = nbformat.v4.new_code_cell(source)
    if code and code[0].source.startswith(SETUP_FIRST_LINE):
        setup_cell = code[0]
        setup_cell.source = source
    else:
        cells.insert(1, setup_cell)
    tags = setup_cell.metadata.get("tags", [])
    setup_cell.metadata["tags"] = [SETUP_TAG, *(t for t in tags if t != SETUP_TAG)]  # keep an author's tags

    out = nbformat.v4.new_notebook()
    out.metadata = {"kernelspec": KERNELSPEC, "language_info": {"name": "python"}}
    if "rnn_book" in nb.metadata:
        out.metadata["rnn_book"] = nb.metadata["rnn_book"]
    seen = set()
    for index, cell in enumerate(cells):
        source = cell.source.strip("\n")
        if cell.cell_type == "code":
            new = nbformat.v4.new_code_cell(source)
        elif cell.cell_type == "markdown":
            new = nbformat.v4.new_markdown_cell(source)
        else:
            new = nbformat.v4.new_raw_cell(source)
        cell_id = cell.get("id")
        if not cell_id or cell_id in seen or not re.fullmatch(r"[a-zA-Z0-9-_]{1,64}", cell_id):
            cell_id = _cell_id(relpath, index)
        seen.add(cell_id)
        new.id = cell_id
        new.metadata = {k: cell.metadata[k] for k in KEPT_CELL_METADATA if k in cell.metadata}
        out.cells.append(new)
    return out


def strip_solutions(source: str) -> str:
    """Replace each BEGIN/END SOLUTION region of a code cell by a stub at the same indentation."""
    lines, out, inside = source.split("\n"), [], False
    for number, line in enumerate(lines, 1):
        stripped = line.strip()
        if stripped == BEGIN:
            if inside:
                raise ValueError(f"line {number}: {BEGIN} inside another solution region")
            indent = line[: len(line) - len(line.lstrip())]
            out += [f"{indent}# YOUR CODE HERE", f"{indent}raise NotImplementedError"]
            inside = True
        elif stripped == END:
            if not inside:
                raise ValueError(f"line {number}: {END} without {BEGIN}")
            inside = False
        elif not inside:
            out.append(line)
    if inside:
        raise ValueError(f"{BEGIN} without {END}")
    return "\n".join(out)


def make_exercise(solution, relpath: str):
    """The exercise notebook stored at `relpath`, generated from a normalized solution notebook."""
    exercise = nbformat.from_dict(solution)
    exercise.cells = [c for c in exercise.cells if SOLUTION_TAG not in c.metadata.get("tags", [])]
    for cell in exercise.cells:
        if cell.cell_type == "code":
            cell.source = strip_solutions(cell.source)
    add_grade_cell(exercise, relpath)
    return normalize(exercise, relpath)


GRADE_FIRST_LINE = "# Grade the whole notebook"
GRADE_TAG = "remove-output"  # the book shows the cell, not what it prints where nothing is graded


def grade_cell_source() -> str:
    """The last cell of every exercise: the grader, run on the notebook it is in."""
    return f"""{GRADE_FIRST_LINE}, as your instructor's grader does: in a separate process, with
# hidden test cases too. In Jupyter, save the notebook first; in Colab, just run it.
from helpers.grading import grade_this_notebook

grade_this_notebook()"""


def add_grade_cell(nb, relpath: str) -> None:
    """Make the grading cell the last cell of exercise `nb` (replacing an older one)."""
    nb.cells = [c for c in nb.cells if not (c.cell_type == "code" and c.source.startswith(GRADE_FIRST_LINE))]
    cell = nbformat.v4.new_code_cell(grade_cell_source(), metadata={"tags": [GRADE_TAG]})
    cell.id = _cell_id(relpath, "grade")  # the same id every time the exercise is generated
    nb.cells.append(cell)


def _read(path: Path):
    return nbformat.read(path, as_version=4)


def _text(nb) -> str:
    return nbformat.writes(nb) + "\n"


def expected_files() -> dict[Path, str]:
    """Every stored notebook, as its normal form should read."""
    files = {}
    for folder in SOURCES:
        for path in sorted((ROOT / folder).glob("*.ipynb")):
            relpath = f"{folder}/{path.name}"
            nb = normalize(_read(path), relpath)
            files[path] = _text(nb)
            if folder == "solutions":
                ex_rel = f"exercises/{path.name}"
                files[ROOT / ex_rel] = _text(make_exercise(nb, ex_rel))
    return files


def differences() -> list[str]:
    """Notebooks whose stored text differs from the normal form, and exercises without a solution."""
    files = expected_files()
    problems = [str(p.relative_to(ROOT)) for p, text in files.items() if not p.exists() or p.read_text() != text]
    problems += [
        f"{p.relative_to(ROOT)} (no solution notebook generates it)"
        for p in sorted((ROOT / "exercises").glob("*.ipynb"))
        if p not in files
    ]
    return problems


def main(argv: list[str]) -> int:
    command = argv[0] if argv else ""
    if command not in {"format", "exercises", "check"}:
        print(__doc__)
        return 2
    if command == "check":
        problems = differences()
        for p in problems:
            print(f"not in normal form: {p}")
        if problems:
            print("run `make format` and commit the result")
        return 1 if problems else 0
    for path, text in expected_files().items():
        if command == "exercises" and path.parent.name != "exercises":
            continue
        if not path.exists() or path.read_text() != text:
            path.write_text(text)
            print(f"wrote {path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
