"""The Colab edition that `make colab` wrote into _build/colab: plain Markdown that Colab and
Jupyter render, setup cells pinned to one commit, and the metadata the grader reads."""

import json
import re
import subprocess
import sys

import pytest

from tests.helpers_for_tests import ROOT, source
from tools import colab
from tools import notebooks as nbtools

EDITION = ROOT / "_build" / "colab"
BOOK = sorted(f"{folder}/{p.name}" for folder in colab.FOLDERS for p in (ROOT / folder).glob("*.ipynb"))


@pytest.fixture(scope="module")
def edition():
    if not (EDITION / "README.md").exists():
        pytest.skip("no Colab edition: run `make book` and `make colab` first (`make test` does)")
    return {relpath: json.loads((EDITION / relpath).read_text()) for relpath in BOOK}


def test_every_chapter_and_exercise_is_in_the_edition_without_myst(edition):
    for relpath, nb in edition.items():
        for cell in nb["cells"]:
            if cell["cell_type"] == "markdown":
                left = colab.myst_leftovers(source(cell))
                assert not left, f"{relpath} (cell {cell['id']}): {left}"


def test_setup_cells_install_helpers_from_the_editions_commit(edition):
    commits = set()
    for relpath, nb in edition.items():
        setup = next(source(c) for c in nb["cells"] if c["cell_type"] == "code")
        commit = re.search(r'^REF = "([0-9a-f]{40})"$', setup, re.M)
        assert commit, f"{relpath}: the setup cell does not install from a commit"
        extras = nb["metadata"].get("rnn_book", {}).get("extras", [])
        assert setup == nbtools.setup_source(extras, ref=commit.group(1))
        assert nb["metadata"]["rnn_book"]["edition"]["commit"] == commit.group(1)
        commits.add(commit.group(1))
    assert len(commits) == 1, "one edition, one commit"


def test_cells_ids_and_metadata_are_the_sources(edition):
    for relpath, nb in edition.items():
        stored = json.loads((ROOT / relpath).read_text())
        assert [c["id"] for c in nb["cells"]] == [c["id"] for c in stored["cells"]], relpath
        assert [c["metadata"] for c in nb["cells"]] == [c["metadata"] for c in stored["cells"]], relpath
        for key, value in stored["metadata"].get("rnn_book", {}).items():
            assert nb["metadata"]["rnn_book"][key] == value, relpath


def test_badges_open_the_edition_and_links_leave_no_relative_path(edition):
    for relpath, nb in edition.items():
        first = source(nb["cells"][0])
        assert f"]({nbtools.colab_url(relpath)})" in first, relpath
        assert "the book's build" in first, f"{relpath}: the edition says where its numbers come from"


def test_the_grader_grades_an_edition_exercise(tmp_path, edition):
    """A learner's saved copy of an edition exercise, with the solution's answers, gets full marks."""
    stem = "01_rnn_basics"
    nb = edition[f"exercises/{stem}.ipynb"]
    answers = {c["id"]: c["source"] for c in json.loads((ROOT / "solutions" / f"{stem}.ipynb").read_text())["cells"]}
    for cell in nb["cells"]:
        if "question" in cell["metadata"].get("rnn_book", {}):
            cell["source"] = answers[cell["id"]]
    submission = tmp_path / f"Copy of {stem}.ipynb"
    submission.write_text(json.dumps(nb))
    result = subprocess.run([sys.executable, "-m", "helpers.grade", str(submission)], capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 0, result.stderr
    score = re.search(r"Score: (\d+)/(\d+)", result.stdout)
    assert score and score.group(1) == score.group(2), result.stdout
