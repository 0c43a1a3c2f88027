"""The Gradescope autograder: `make autograder`'s zip, run as Gradescope runs it.

Each test unpacks the zip of exercise 1 into a temporary folder laid out as Gradescope's
/autograder (its root given by RNN_BOOK_AUTOGRADER_ROOT), puts a submission in
submission/, runs `run_autograder`, and validates results/results.json against the JSON
Schema in tests/gradescope_results.schema.json. The zip's own copy of `helpers` is the one
that runs. `setup.sh` installs on Gradescope's Ubuntu and cannot run here; what it calls
is tested: the pinned requirements and the package install."""

import json
import os
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import jsonschema
import numpy as np
import pytest

from helpers.grading import EXERCISES
from tests.helpers_for_tests import ROOT, notebook
from tools import autograder

STEM = "01_rnn_basics"
OTHER = "02_bptt"
POINTS = {q.id: q.points for q in EXERCISES[STEM]}
TOTAL = sum(POINTS.values())
SCHEMA = json.loads((ROOT / "tests" / "gradescope_results.schema.json").read_text())


@pytest.fixture(scope="module")
def bundle(tmp_path_factory) -> Path:
    return autograder.build(STEM, tmp_path_factory.mktemp("zip"))


def run_autograder(bundle: Path, tmp_path: Path, files: dict[str, str | bytes]) -> dict:
    """Lay out Gradescope's folder, submit `files` (name -> contents), run, return results.json."""
    root = tmp_path / "autograder"
    with zipfile.ZipFile(bundle) as archive:
        archive.extractall(root / "source")
    shutil.copy(root / "source" / "run_autograder", root / "run_autograder")
    (root / "run_autograder").chmod(0o755)
    for name, content in files.items():
        path = root / "submission" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content if isinstance(content, bytes) else content.encode())
    (root / "submission").mkdir(exist_ok=True)
    env = {**os.environ, "RNN_BOOK_AUTOGRADER_ROOT": str(root), "PYTHONPATH": str(root / "source"),
           "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    done = subprocess.run([str(root / "run_autograder")], cwd=root, env=env, capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stderr[-3000:]
    results = json.loads((root / "results" / "results.json").read_text())
    jsonschema.validate(results, SCHEMA)
    return results


def text(folder: str, stem: str) -> str:
    return (ROOT / folder / f"{stem}.ipynb").read_text()


def scored(results: dict) -> dict[str, int]:
    return {t["name"].split()[0]: t["score"] for t in results["tests"] if "score" in t}


def test_the_zip_has_gradescope_layout_and_runs_its_own_helpers(bundle):
    with zipfile.ZipFile(bundle) as archive:
        names = archive.namelist()
        modes = {info.filename: info.external_attr >> 16 for info in archive.infolist()}
        run = archive.read("run_autograder").decode()
    assert {"setup.sh", "run_autograder", "requirements.txt", "pyproject.toml", "helpers/grade.py"} <= set(names)
    assert modes["setup.sh"] & 0o111 and modes["run_autograder"] & 0o111
    assert f"--exercise {STEM}" in run
    assert not any("__pycache__" in n for n in names)
    assert autograder.build(STEM, bundle.parent / "again").read_bytes() == bundle.read_bytes()  # reproducible


def test_a_solution_scores_full_marks_with_visible_checks_shown_at_once(bundle, tmp_path):
    results = run_autograder(bundle, tmp_path, {f"{STEM}.ipynb": text("solutions", STEM)})
    assert results["score"] == TOTAL and scored(results) == POINTS
    visible = [t for t in results["tests"] if t["visibility"] == "visible"]
    later = [t for t in results["tests"] if t["visibility"] == "after_due_date"]
    assert len(visible) == len(later) == len(POINTS)
    assert all(t["status"] == "passed" and t["output"] == "passed" for t in visible)
    assert all(t["score"] == t["max_score"] for t in later)


def test_an_untouched_exercise_scores_zero(bundle, tmp_path):
    results = run_autograder(bundle, tmp_path, {f"{STEM}.ipynb": text("exercises", STEM)})
    assert results["score"] == 0 and set(scored(results).values()) == {0}
    assert all("not attempted" in t["output"] for t in results["tests"])


def test_a_renamed_colab_copy_without_metadata_is_graded(bundle, tmp_path):
    nb = notebook("solutions", STEM)
    nb["metadata"] = {}  # Colab and other tools may drop it
    results = run_autograder(bundle, tmp_path, {f"Copy of {STEM} (2).ipynb": json.dumps(nb)})
    assert results["score"] == TOTAL


def test_a_failing_hidden_case_shows_as_passing_until_the_due_date(bundle, tmp_path):
    """An answer right on the visible shapes only: its visible entry passes at once, its
    score (after the due date) is 0 and says a hidden case failed."""
    nb = notebook("solutions", STEM)
    visible_inputs = {case["X"].shape for case in EXERCISES[STEM][0].cases(False)}
    answer = (f"def masked_rnn_forward(X, lengths, h0, W_xh, W_hh, b_h):\n"
              f"    if X.shape not in {sorted(visible_inputs)!r}:\n"
              f"        return np.zeros((X.shape[0], X.shape[1], len(b_h)))\n"
              f"    h, H = h0, []\n"
              f"    for t in range(X.shape[1]):\n"
              f"        h = np.where((t < lengths)[:, None], np.tanh(X[:, t] @ W_xh.T + h @ W_hh.T + b_h), h)\n"
              f"        H.append(h)\n"
              f"    return np.stack(H, axis=1)\n")
    cell = next(c for c in nb["cells"] if c.get("metadata", {}).get("rnn_book", {}).get("question") == "01.q1")
    cell["source"] = answer
    results = run_autograder(bundle, tmp_path, {f"{STEM}.ipynb": json.dumps(nb)})
    q1 = [t for t in results["tests"] if t["name"].startswith("01.q1")]
    assert [t["visibility"] for t in q1] == ["visible", "after_due_date"]
    assert q1[0]["status"] == "passed" and q1[1]["score"] == 0 and "hidden case" in q1[1]["output"]


BAD = {
    "no notebook": ({"answers.py": "print(1)\n"}, "No notebook was found"),
    "nothing at all": ({}, "No notebook was found"),
    "two notebooks of the exercise": ({f"{STEM}.ipynb": "solutions", f"Copy of {STEM}.ipynb": "exercises"}, "Upload only the one"),
    "another exercise": ({f"{OTHER}.ipynb": "other"}, f"you submitted `{OTHER}.ipynb` (exercise {OTHER})"),
    "a corrupt file": ({f"{STEM}.ipynb": b"\x89PNG\r\n\x1a\n not a notebook"}, "is not a notebook that can be read"),
    "a truncated download": ({f"{STEM}.ipynb": "truncated"}, "is not a notebook that can be read"),
}


@pytest.mark.parametrize("case", BAD)
def test_a_bad_submission_gets_a_valid_results_file_with_what_to_do(bundle, tmp_path, case):
    files, message = BAD[case]
    contents = {"solutions": text("solutions", STEM), "exercises": text("exercises", STEM),
                "other": text("solutions", OTHER), "truncated": text("solutions", STEM)[:5000]}
    submitted = {name: contents.get(value, value) if isinstance(value, str) else value for name, value in files.items()}
    results = run_autograder(bundle, tmp_path, submitted)
    assert results["score"] == 0 and set(scored(results).values()) == {0}
    assert message in results["output"], results["output"]
    assert all(t["visibility"] == "visible" for t in results["tests"])  # the learner sees it at once
    assert "Traceback" not in json.dumps(results)


def test_a_notebook_beside_other_files_is_graded_and_the_others_named(bundle, tmp_path):
    results = run_autograder(bundle, tmp_path, {f"{STEM}.ipynb": text("exercises", STEM), f"{OTHER}.ipynb": text("exercises", OTHER),
                                                 ".ipynb_checkpoints/x-checkpoint.ipynb": "{"})
    assert results["score"] == 0 and f"Not graded: `{OTHER}.ipynb`" in results["output"]
    assert ".ipynb_checkpoints" not in results["output"]


def test_results_are_written_even_when_the_grader_cannot_start(bundle, tmp_path):
    root = tmp_path / "autograder"
    with zipfile.ZipFile(bundle) as archive:
        archive.extractall(root / "source")
    shutil.rmtree(root / "source" / "helpers")  # a broken image: no helpers anywhere
    (root / "submission").mkdir()
    env = {"RNN_BOOK_AUTOGRADER_ROOT": str(root), "PATH": os.environ["PATH"], "PYTHONNOUSERSITE": "1"}
    subprocess.run(["bash", str(root / "source" / "run_autograder")], cwd="/", env=env, capture_output=True,
                   timeout=120, check=False)
    jsonschema.validate(json.loads((root / "results" / "results.json").read_text()), SCHEMA)


# --- what setup.sh calls --------------------------------------------------------------

def test_setup_script_is_valid_bash_and_installs_the_zip_pins_and_its_package(bundle):
    with zipfile.ZipFile(bundle) as archive:
        setup = archive.read("setup.sh").decode()
    assert subprocess.run(["bash", "-n"], input=setup, text=True).returncode == 0
    assert "-r requirements.txt" in setup and "--no-deps ." in setup and f"--python {autograder.PYTHON_VERSION}" in setup


def test_requirements_are_the_book_pins_and_closed_under_dependencies(bundle):
    """Every package grading needs is pinned at the book's version, with every package it
    requires, so that installing them with --no-deps is complete."""
    from packaging.requirements import Requirement
    from packaging.utils import canonicalize_name

    with zipfile.ZipFile(bundle) as archive:
        pins = dict(line.split("==") for line in archive.read("requirements.txt").decode().split())
    book = {canonicalize_name(k): v for k, v in (line.split("==") for line in (ROOT / "requirements.txt").read_text().splitlines()
                                                 if "==" in line and not line.startswith("#"))}
    assert {"tensorflow-cpu", "numpy", "keras", "ipython", "statsmodels"} <= set(pins)
    assert all(book[name] == version for name, version in pins.items()), "run `make autograder` after `make lock`"
    import importlib.metadata

    for name in pins:
        for requirement in map(Requirement, importlib.metadata.distribution(name).requires or []):
            if requirement.marker is None or requirement.marker.evaluate({"extra": ""}):
                assert canonicalize_name(requirement.name) in pins, f"{name} requires {requirement.name}, not pinned"


def test_the_zip_package_installs_without_dependencies(bundle, tmp_path):
    """`uv pip install --no-deps .` in setup.sh; here pip, into a throwaway environment."""
    source = tmp_path / "source"
    with zipfile.ZipFile(bundle) as archive:
        archive.extractall(source)
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", venv], check=True)
    site = next((venv / "lib").glob("python*/site-packages"))
    (site / "book_environment.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")  # setuptools, wheel
    done = subprocess.run([venv / "bin" / "python", "-m", "pip", "install", "--quiet", "--no-deps", "--no-build-isolation",
                           "--no-index", str(source)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-2000:]
    probe = subprocess.run([venv / "bin" / "python", "-c", "import helpers.grading.gradescope as g; print(g.__file__)"],
                           cwd=tmp_path, capture_output=True, text=True, check=True)
    assert str(venv) in probe.stdout


# --- the convention the visible/hidden split relies on --------------------------------

@pytest.mark.parametrize("question", [q for qs in EXERCISES.values() for q in qs], ids=lambda q: q.id)
def test_the_grader_cases_begin_with_the_visible_cases(question):
    """`cases(True)` appends the hidden cases to `cases(False)`: the grader's first cases are
    the ones check() runs, which Gradescope shows before the due date."""
    visible, everything = question.cases(False), question.cases(True)
    assert len(everything) >= len(visible)
    for shown, graded in zip(visible, everything):
        assert shown.keys() == graded.keys()
        for key in shown:
            if (question.id, key) in HELD_OUT_BY_DESIGN:
                assert shown[key] != graded[key], HELD_OUT_BY_DESIGN[question.id, key]
                continue
            assert _same(shown[key], graded[key]), f"{question.id}: case {key} differs"


# A question judged by one training run grades on other data than check() shows: the
# learner checks on one half, the grader judges on the other.
HELD_OUT_BY_DESIGN = {("10.q2", "held_out"): "the grader judges 10.q2 on the half check() does not"}


def _same(a, b) -> bool:
    """Equal values, for the values a case holds: arrays, ragged lists, strings, functions."""
    if callable(a) or callable(b):  # a function made per call (08.q4's step): same code
        return getattr(a, "__qualname__", a) == getattr(b, "__qualname__", b)
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b))
    return np.array_equal(np.asarray(a), np.asarray(b))
