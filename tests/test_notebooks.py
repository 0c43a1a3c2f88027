"""Notebook hygiene: every stored notebook is in normal form, exercises are in sync with
their solutions, and the generator does what it promises."""

import json

import nbformat
import pytest

from tests.helpers_for_tests import ROOT
from tools import notebooks as nbtools

STORED = sorted(p for folder in ("chapters", "solutions", "exercises") for p in (ROOT / folder).glob("*.ipynb"))


def test_every_notebook_is_normalized_and_exercises_are_in_sync():
    assert nbtools.differences() == [], "run `make format` (it also regenerates exercises/)"


@pytest.mark.parametrize("path", STORED, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_stored_stripped_with_badge_and_setup_cell(path):
    nb = json.loads(path.read_text())
    relpath = f"{path.parent.name}/{path.name}"
    assert (nb["nbformat"], nb["nbformat_minor"]) == (4, 5)
    assert nb["metadata"]["kernelspec"] == nbtools.KERNELSPEC
    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    assert all(c["outputs"] == [] and c["execution_count"] is None for c in code)
    assert all(c.get("id") for c in nb["cells"])
    first = "".join(nb["cells"][0]["source"])
    url, branch = nbtools.repository()
    assert f"/blob/{branch}/{relpath})" in first and url.removeprefix("https://github.com/") in first
    extras = nb["metadata"].get("rnn_book", {}).get("extras", [])
    assert "".join(code[0]["source"]) == nbtools.setup_source(extras)


def test_setup_cell_installs_helpers_from_the_configured_repository_without_tensorflow():
    url, branch = nbtools.repository()
    source = nbtools.setup_source()
    assert f"git+{url}@{branch}" in source
    pyproject = (ROOT / "pyproject.toml").read_text()
    dependencies = pyproject.split("dependencies = ", 1)[1].split("\n", 1)[0].lower()
    assert "tensorflow" not in dependencies and "keras" not in dependencies


def test_every_solution_names_its_exercise_and_every_graded_cell_a_known_question():
    from helpers.grading import EXERCISES, QUESTIONS

    for path in sorted((ROOT / "solutions").glob("*.ipynb")):
        nb = json.loads(path.read_text())
        assert nb["metadata"]["rnn_book"]["exercise"] == path.stem
        graded = [c["metadata"]["rnn_book"]["question"] for c in nb["cells"] if "rnn_book" in c["metadata"]]
        assert graded == [q.id for q in EXERCISES[path.stem]]
        assert all(q in QUESTIONS for q in graded)


def test_strip_solutions_keeps_indentation_and_everything_outside_the_markers():
    source = "def f(x):\n    y = 1\n    ### BEGIN SOLUTION\n    return x + y\n    ### END SOLUTION\n\nprint(f)"
    assert nbtools.strip_solutions(source) == (
        "def f(x):\n    y = 1\n    # YOUR CODE HERE\n    raise NotImplementedError\n\nprint(f)"
    )


@pytest.mark.parametrize(
    "source, problem",
    [
        ("### BEGIN SOLUTION\nx = 1", "without"),
        ("x = 1\n### END SOLUTION", "without"),
        ("### BEGIN SOLUTION\n### BEGIN SOLUTION\n### END SOLUTION", "inside another"),
    ],
)
def test_strip_solutions_rejects_unbalanced_markers(source, problem):
    with pytest.raises(ValueError, match=problem):
        nbtools.strip_solutions(source)


def test_exercise_drops_solution_cells_and_answers_but_keeps_cell_ids():
    solution = nbformat.read(ROOT / "solutions" / "01_rnn_basics.ipynb", as_version=4)
    exercise = nbtools.make_exercise(solution, "exercises/01_rnn_basics.ipynb")
    kept = [c for c in solution.cells if nbtools.SOLUTION_TAG not in c.metadata.get("tags", [])]
    assert [c.id for c in exercise.cells] == [c.id for c in kept]
    code = "\n".join(c.source for c in exercise.cells if c.cell_type == "code")
    assert nbtools.BEGIN not in code and nbtools.END not in code
    answers = sum(c.source.count(nbtools.BEGIN) for c in solution.cells if c.cell_type == "code")
    assert code.count("raise NotImplementedError") == answers > 0


def test_normalize_is_idempotent_and_rejects_a_notebook_without_a_title():
    nb = nbformat.read(ROOT / "chapters" / "01_rnn_basics.ipynb", as_version=4)
    once = nbtools.normalize(nb, "chapters/01_rnn_basics.ipynb")
    assert nbformat.writes(nbtools.normalize(once, "chapters/01_rnn_basics.ipynb")) == nbformat.writes(once)
    untitled = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("x = 1")])
    with pytest.raises(ValueError, match="Title"):
        nbtools.normalize(untitled, "chapters/x.ipynb")
