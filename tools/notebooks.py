"""Notebook housekeeping: one normal form for every stored notebook, and exercises made from solutions.

    python -m tools.notebooks format     # normalize chapters/ and solutions/, then regenerate exercises/
    python -m tools.notebooks exercises  # regenerate exercises/ from solutions/
    python -m tools.notebooks check      # list notebooks not in normal form or out of sync; exit 1 if any

The normal form: nbformat 4.5 with cell ids, no outputs, a fixed kernelspec, only the cell
metadata the book uses, an "Open in Colab" badge under the title, and the setup cell as
the first code cell. The badge and the setup cell are written from the repository URL in
_config.yml, the one place it is set; the badge opens the notebook in the Colab edition
(`make colab`, published on the branch `colab_edition.branch` of _config.yml). Code cells
are formatted by ruff at CODE_LINE_LENGTH, the width of the book's code column, after a
trailing comment that would not fit beside its code is moved onto its own line above it.

An exercise is its solution with every region between `### BEGIN SOLUTION` and
`### END SOLUTION` replaced by `# YOUR CODE HERE` and `raise NotImplementedError`, and
without the cells tagged `solution`; its last cell, written here like the setup cell,
grades the notebook (`helpers.grading.grade_this_notebook()`).
"""

from __future__ import annotations

import hashlib
import io
import json
import re
import subprocess
import sys
import tempfile
import textwrap
import tokenize
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
CODE_LINE_LENGTH = 88  # characters: the book's code column at 1280 px (tests/book/test_browser.py)
COLAB = "https://colab.research.google.com"


def repository() -> tuple[str, str]:
    """The repository URL and branch, from _config.yml."""
    config = yaml.safe_load((ROOT / "_config.yml").read_text())
    repo = config["repository"]
    return repo["url"].rstrip("/"), repo.get("branch", "main")


def config() -> dict:
    return yaml.safe_load((ROOT / "_config.yml").read_text())


def edition_branch() -> str:
    """The branch that holds the Colab edition (`make colab`), which every badge opens."""
    return config()["colab_edition"]["branch"]


def colab_url(relpath: str) -> str:
    """Where Colab opens the edition's copy of the notebook stored at `relpath`."""
    url, _ = repository()
    return f"{COLAB}/github/{url.removeprefix('https://github.com/')}/blob/{edition_branch()}/{relpath}"


def badge(relpath: str) -> str:
    return f"{BADGE_PREFIX}({COLAB}/assets/colab-badge.svg)]({colab_url(relpath)})"


def extras() -> dict[str, list[str]]:
    """The extras of pyproject.toml: name -> the import names of its packages."""
    import tomllib

    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    optional = project.get("optional-dependencies", {})
    return {name: [re.split(r"[<>=!~ \[;]", req)[0].replace("-", "_") for req in reqs] for name, reqs in optional.items()}


def setup_source(needs: list[str] | tuple = (), ref: str | None = None) -> str:
    """The setup cell: install helpers (with the extras `needs`) in Colab if missing, then setup().

    It installs from `ref` of the repository: the configured branch in the repository's
    notebooks, the commit it was built from in the Colab edition. Every line fits the
    code column, and ruff leaves the cell as it is (a test checks both).
    """
    url, branch = repository()
    ref = ref or branch
    known = extras()
    unknown = [name for name in needs if name not in known]
    if unknown:
        raise ValueError(f"unknown extras {unknown}: add them to [project.optional-dependencies] in pyproject.toml")
    modules = ["helpers", *(m for name in needs for m in known[name])]
    package = f"rnn-book-helpers[{','.join(needs)}]" if needs else "rnn-book-helpers"
    return f"""{SETUP_FIRST_LINE} (TensorFlow is already there).
import importlib.util, os, subprocess, sys

REPOSITORY = "{url}"
REF = "{ref}"
PACKAGE = "{package}"
{_list_line("MODULES", modules)}
if any(importlib.util.find_spec(m) is None for m in MODULES):
    source = os.environ.get("{HELPERS_SOURCE_ENV}", f"git+{{REPOSITORY}}@{{REF}}")
    pip = [sys.executable, "-m", "pip", "install", "--quiet"]
    subprocess.run([*pip, f"{{PACKAGE}} @ {{source}}"], check=True)
from helpers.notebook import setup

setup()"""


def _list_line(name: str, items: list[str]) -> str:
    """`name = [...]` as ruff writes it: on one line if it fits, else one item a line."""
    line = f"{name} = {json.dumps(items)}"
    if len(line) <= CODE_LINE_LENGTH:
        return line
    return "\n".join([f"{name} = [", *(f"    {json.dumps(item)}," for item in items), "]"])


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


def lift_long_comments(source: str, limit: int = CODE_LINE_LENGTH) -> str:
    """Move each trailing comment whose line is longer than `limit` onto its own line above.

    `x = f(a)  # (batch, num_steps)` becomes `# (batch, num_steps)` then `x = f(a)`, at the
    line's indentation (inside brackets too, where a comment line is allowed). Source that
    does not tokenize (a cell with shell or magic lines) is returned unchanged.
    """
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(source).readline))
    except (tokenize.TokenError, IndentationError, SyntaxError):
        return source
    lines = source.split("\n")
    moves = {}  # line index -> column where its trailing comment starts
    for token in tokens:
        if token.type != tokenize.COMMENT:
            continue
        row, col = token.start
        line = lines[row - 1]
        if line[:col].strip() and len(line) > limit:
            moves[row - 1] = col
    out = []
    for index, line in enumerate(lines):
        if index in moves:
            col = moves[index]
            indent = line[: len(line) - len(line.lstrip())]
            out += [indent + line[col:], line[:col].rstrip()]
        else:
            out.append(line)
    return "\n".join(out)


def wrap_long_lines(source: str, limit: int = CODE_LINE_LENGTH) -> str:
    """Wrap what ruff leaves longer than `limit`: comments, docstrings and long strings.

    - A comment line is wrapped into several comment lines at its indentation.
    - A line of a docstring (a string that is a statement of its own) is wrapped at its
      indentation; a one-line docstring becomes a multi-line one.
    - A string literal alone on its line inside brackets (ruff puts a long argument there)
      is split at spaces (outside an f-string's braces) into adjacent literals, one a line,
      which Python joins back into the same string.
    Source that does not tokenize is returned unchanged.
    """
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(source).readline))
    except (tokenize.TokenError, IndentationError, SyntaxError):
        return source
    lines = source.split("\n")
    replace = {}  # first line index -> (last line index, new lines)
    depth, previous = 0, None
    for token in tokens:
        (row, col), (end_row, end_col) = token.start, token.end
        line = lines[row - 1] if row <= len(lines) else ""
        indent = line[: len(line) - len(line.lstrip())]
        if token.type == tokenize.OP and token.string in "([{":
            depth += 1
        elif token.type == tokenize.OP and token.string in ")]}":
            depth -= 1
        elif token.type == tokenize.COMMENT and not line[:col].strip() and len(line) > limit:
            text = token.string.lstrip("#").strip()
            wrapped = textwrap.wrap(text, limit - len(indent) - 2, break_long_words=False, break_on_hyphens=False)
            replace[row - 1] = (row - 1, [f"{indent}# {part}" for part in wrapped])
        elif token.type == tokenize.STRING:
            alone = not line[:col].strip()
            statement = alone and previous in {tokenize.NEWLINE, tokenize.NL, tokenize.INDENT, tokenize.DEDENT, None}
            span = lines[row - 1 : end_row]
            if statement and depth == 0 and token.string.endswith(('"""', "'''")) and max(map(len, span)) > limit:
                replace[row - 1] = (end_row - 1, _wrap_docstring(span, col, limit))
            elif alone and depth > 0 and row == end_row and len(line) > limit:
                pieces = _split_string(token.string, limit - len(indent))
                if len(pieces) > 1:
                    new = [indent + piece for piece in pieces]
                    new[-1] += line[end_col:]
                    replace[row - 1] = (row - 1, new)
        if token.type not in {tokenize.COMMENT, tokenize.NL}:
            previous = token.type
    out, index = [], 0
    while index < len(lines):
        if index in replace:
            last, new = replace[index]
            out += new
            index = last + 1
        else:
            out.append(lines[index])
            index += 1
    return "\n".join(out)


def _wrap_docstring(span: list[str], col: int, limit: int) -> list[str]:
    """The lines of a docstring that starts at column `col` of span[0], wrapped to `limit`."""
    indent = " " * col
    first, *rest = span
    quote = first[col:col + 3]
    if len(span) == 1:  # a one-line docstring: """text"""
        text = first[col + 3 : first.rindex(quote)]
        tail = first[first.rindex(quote) + 3 :]
        body = textwrap.wrap(text, limit - col - 3, break_long_words=False, break_on_hyphens=False)
        if len(body) == 1:  # fits only without its closing quotes: two lines, or ruff joins them back
            body = textwrap.wrap(text, len(text) // 2 + 12, break_long_words=False, break_on_hyphens=False)
        return [f"{indent}{quote}{body[0]}", *(indent + b for b in body[1:]), f"{indent}{quote}{tail}"]
    out = []
    for number, line in enumerate(span):
        if len(line) <= limit or (number == 0 and len(line) - col <= 3):
            out.append(line)
            continue
        own = line[: len(line) - len(line.lstrip())] if number else indent
        text = line[col + 3 :] if number == 0 else line.strip()
        lead = f"{indent}{quote}" if number == 0 else own
        body = textwrap.wrap(text, limit - len(own) - 3, break_long_words=False, break_on_hyphens=False)
        out += [lead + body[0], *(own + b for b in body[1:])]
    return out


def _split_string(literal: str, width: int) -> list[str]:
    """A one-line string literal as adjacent literals of at most `width` characters each."""
    match = re.fullmatch(r"([rRbBfFuU]{0,2})(['\"])(.*)\2", literal, flags=re.S)
    if not match or len(literal) <= width:
        return [literal]
    prefix, quote, body = match.groups()
    is_f = "f" in prefix.lower()
    cuts, braces, i = [], 0, 0  # positions after a space, outside an f-string's braces
    while i < len(body):
        char = body[i]
        if is_f and body[i : i + 2] in ("{{", "}}"):
            i += 2
            continue
        if char == "\\":
            i += 2
            continue
        if is_f and char == "{":
            braces += 1
        elif is_f and char == "}":
            braces -= 1
        elif char == " " and braces == 0:
            cuts.append(i + 1)
        i += 1
    room = width - len(prefix) - 2
    pieces, start = [], 0
    while len(body) - start > room:
        fitting = [c for c in cuts if start < c <= start + room and c < len(body)]
        if not fitting:
            break
        pieces.append(body[start : fitting[-1]])
        start = fitting[-1]
    pieces.append(body[start:])
    return [f"{prefix}{quote}{piece}{quote}" for piece in pieces]


def format_code(notebooks: dict[str, object], limit: int = CODE_LINE_LENGTH) -> None:
    """Format the code cells of `notebooks` (relpath -> notebook) in place, all in one ruff run.

    Long trailing comments are lifted first (`lift_long_comments`), then ruff formats at
    `limit`; twice, since joining lines can make a trailing comment too long again. The
    setup cell is written by `setup_source` and left alone.
    """
    cells = [  # (relpath, cell)
        (relpath, cell)
        for relpath, nb in notebooks.items()
        for cell in nb.cells
        if cell.cell_type == "code" and not cell.source.startswith(SETUP_FIRST_LINE)
    ]
    if not cells:
        return
    with tempfile.TemporaryDirectory() as tmp:
        paths = [Path(tmp) / f"cell{index}.ipynb" for index in range(len(cells))]
        for _ in range(2):
            for (_, cell), path in zip(cells, paths):  # one notebook per cell, so an error names it
                cell.source = wrap_long_lines(lift_long_comments(cell.source, limit), limit)
                path.write_text(nbformat.writes(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(cell.source)])))
            ruff = [sys.executable, "-m", "ruff", "format", "--isolated", f"--line-length={limit}", tmp]
            result = subprocess.run(ruff, capture_output=True, text=True)
            if result.returncode != 0:
                message = result.stderr
                for (relpath, cell), path in zip(cells, paths):
                    message = message.replace(str(path), f"{relpath} (cell {cell.get('id')})")
                raise ValueError(f"ruff could not format a code cell:\n{message}")
            for (_, cell), path in zip(cells, paths):
                cell.source = nbformat.read(path, as_version=4).cells[0].source.strip("\n")


GRADE_FIRST_LINE = "# Grade the whole notebook"
GRADE_TAG = "remove-output"  # the book shows the cell, not what it prints where nothing is graded


def grade_cell_source() -> str:
    """The last cell of every exercise: the grader, run on the notebook it is in."""
    return f"""{GRADE_FIRST_LINE}, as your instructor's grader does: in a separate
# process, with hidden test cases too. In Jupyter, save the notebook first; in Colab,
# just run it.
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
    sources = {
        f"{folder}/{path.name}": normalize(_read(path), f"{folder}/{path.name}")
        for folder in SOURCES
        for path in sorted((ROOT / folder).glob("*.ipynb"))
    }
    format_code(sources)
    files = {}
    for relpath, nb in sources.items():
        files[ROOT / relpath] = _text(nb)
        if relpath.startswith("solutions/"):
            ex_rel = relpath.replace("solutions/", "exercises/", 1)
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
