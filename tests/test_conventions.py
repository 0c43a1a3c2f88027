"""The rules an author must follow when adding a chapter (CONTRIBUTING.md), each enforced here.

- Every chapter and exercise notebook is in `_toc.yml`, and every page there exists.
- Every exercise module `helpers/grading/exNN_topic.py` has a solution notebook of the same
  stem, and the other way round; its question ids start with its number.
- Every `check()` in a notebook names a registered question of that notebook's exercise.
- A check cell holds only `check()` calls (the tests and the grader tell them apart).
- The points in an exercise's prose are the registry's.
- `import helpers` and its subpackages stay light: no TensorFlow, no data package.
- Every extra of pyproject.toml installs importable modules.
"""

import json
import re
import subprocess
import sys

import pytest
import yaml

from helpers.grading import EXERCISES, QUESTIONS
from helpers.grading.cells import as_python, check_calls, source
from tests.helpers_for_tests import ROOT

BOOK_FOLDERS = ("chapters", "exercises")  # solutions are for instructors and tests, not the book
NOTEBOOKS = sorted(p for folder in ("chapters", "solutions", "exercises") for p in (ROOT / folder).glob("*.ipynb"))


def _toc_files() -> list[str]:
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    files = [toc["root"]]
    for part in toc.get("parts", []):
        files += [chapter["file"] for chapter in part.get("chapters", [])]
    return files


def test_every_book_notebook_is_in_the_toc_and_every_toc_page_exists():
    listed = set(_toc_files())
    for folder in BOOK_FOLDERS:
        for path in sorted((ROOT / folder).glob("*.ipynb")):
            assert f"{folder}/{path.stem}" in listed, f"{folder}/{path.name} is not in _toc.yml, so the book leaves it out"
    for page in listed:
        assert any((ROOT / f"{page}{suffix}").exists() for suffix in (".ipynb", ".md")), f"_toc.yml lists {page}, which does not exist"


def test_exercise_modules_and_solution_notebooks_match():
    solutions = {p.stem for p in (ROOT / "solutions").glob("*.ipynb")}
    assert set(EXERCISES) == solutions, "each helpers/grading/exNN_topic.py needs solutions/NN_topic.ipynb, and back"
    for stem, questions in EXERCISES.items():
        assert questions, f"helpers/grading/ex{stem}.py has no QUESTIONS"
        for number, q in enumerate(questions, 1):
            assert q.id == f"{stem[:2]}.q{number}", f"question {number} of {stem} should have the id {stem[:2]}.q{number}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_check_calls_name_registered_questions_of_their_exercise(path):
    nb = json.loads(path.read_text())
    for cell in nb["cells"]:
        if cell["cell_type"] != "code":
            continue
        for qid, _ in check_calls(source(cell)):
            assert qid in QUESTIONS, f"{path.name}: check({qid!r}, ...) names no registered question"
            assert path.parent.name != "chapters", f"{path.name}: chapters teach; graded questions belong in exercises"
            assert QUESTIONS[qid] in EXERCISES[path.stem], f"{path.name}: {qid} belongs to another exercise"


@pytest.mark.parametrize("path", sorted((ROOT / "solutions").glob("*.ipynb")), ids=lambda p: p.name)
def test_check_cells_hold_only_check_calls(path):
    import ast

    nb = json.loads(path.read_text())
    for cell in nb["cells"]:
        text = source(cell)
        if cell["cell_type"] != "code" or not check_calls(text):
            continue
        for node in ast.parse(as_python(text)).body:
            call = node.value if isinstance(node, ast.Expr) else None
            assert isinstance(call, ast.Call) and check_calls(ast.unparse(call)), (
                f"{path.name}: a cell that calls check() must hold only check() calls; move this to its own cell:\n{text}"
            )


@pytest.mark.parametrize("stem", list(EXERCISES))
def test_points_in_the_prose_are_the_registry_points(stem):
    nb = json.loads((ROOT / "solutions" / f"{stem}.ipynb").read_text())
    markdown = "\n".join(source(c) for c in nb["cells"] if c["cell_type"] == "markdown")
    headings = re.findall(r"^## Question (\d+): .*\((\d+) points?\)\s*$", markdown, flags=re.M)
    questions = EXERCISES[stem]
    assert [(int(n), int(p)) for n, p in headings] == [(i, q.points) for i, q in enumerate(questions, 1)], (
        f"{stem}: each question needs a heading '## Question N: title (P points)' with the registry's points"
    )
    totals = re.findall(r"(\d+) points\.", source(nb["cells"][0]))
    assert totals == [str(sum(q.points for q in questions))], f"{stem}: the introduction should state the total points"


def test_importing_helpers_stays_light():
    code = (
        "import sys, helpers, helpers.data, helpers.plots, helpers.grading, helpers.notebook\n"
        "heavy = {'tensorflow', 'keras', 'aeon', 'music21', 'statsmodels', 'vega_datasets', 'pandas', 'sklearn'}\n"
        "print(sorted(heavy & {m.split('.')[0] for m in sys.modules}))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    assert out.stdout.strip() == "[]", f"importing helpers imported {out.stdout.strip()}: import heavy packages inside functions"


def test_every_extra_installs_importable_modules():
    import importlib.util

    from tools.notebooks import extras

    for name, modules in extras().items():
        for module in modules:
            assert importlib.util.find_spec(module), f"extra {name!r}: {module} is not importable (is it in requirements.in?)"
