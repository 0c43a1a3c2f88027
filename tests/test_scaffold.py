"""`make chapter` (tools/scaffold.py) in a copy of the repository: the new chapter, solution
and exercise run under nbval, the example question is registered, graded by check() and
by the grader, its test passes, and every convention test still holds."""

import os
import shutil
import subprocess
import sys

import pytest
import yaml

from tests.helpers_for_tests import ROOT

STEM = "99_scaffold_check"


def _copy_of_the_repository(tmp_path):
    files = subprocess.run(["git", "ls-files", "-co", "--exclude-standard"], cwd=ROOT, capture_output=True, text=True,
                           check=True).stdout.split()
    copy = tmp_path / "repo"
    for name in files:
        if (ROOT / name).is_file():
            (copy / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, copy / name)
    return copy


def test_a_scaffolded_chapter_runs_is_registered_and_passes_the_convention_tests(tmp_path):
    copy = _copy_of_the_repository(tmp_path)
    env = {**os.environ, "PYTHONPATH": str(copy)}  # the copy's helpers, in the kernels too

    def run(*args, timeout=600):
        return subprocess.run([sys.executable, *args], cwd=copy, env=env, capture_output=True, text=True, timeout=timeout)

    made = run("-m", "tools.scaffold", STEM, "--title", "A scaffolded chapter", "--part", "New part")
    assert made.returncode == 0, made.stderr
    for path in (f"chapters/{STEM}.ipynb", f"solutions/{STEM}.ipynb", f"exercises/{STEM}.ipynb",
                 f"helpers/grading/ex{STEM}.py", f"tests/test_ex{STEM}.py"):
        assert (copy / path).exists(), path
    toc = yaml.safe_load((copy / "_toc.yml").read_text())
    captions = [p["caption"] for p in toc["parts"]]
    assert captions.index("New part") < captions.index("Exercises")
    new_part = toc["parts"][captions.index("New part")]
    assert new_part["numbered"] and new_part["chapters"] == [{"file": f"chapters/{STEM}"}]
    assert {"file": f"exercises/{STEM}"} in toc["parts"][captions.index("Exercises")]["chapters"]

    again = run("-m", "tools.scaffold", STEM, "--title", "Twice")
    assert again.returncode == 2 and "not overwriting" in again.stderr
    bad = run("-m", "tools.scaffold", "lstm")
    assert bad.returncode == 2 and "NAME must look like" in bad.stderr

    question = f"{STEM[:2]}.q1"  # test_check.py for the new question only: the others are tested already
    checks = [f"tests/test_check.py::{test}[{question}]"
              for test in ("test_reference_solution_passes_visible_and_hidden_cases", "test_a_stub_is_not_attempted")]
    tests = run("-m", "pytest", "-q", "-p", "no:randomly", f"tests/test_ex{STEM}.py", "tests/test_conventions.py",
                *checks, "tests/test_notebooks.py", f"chapters/{STEM}.ipynb", f"solutions/{STEM}.ipynb",
                f"exercises/{STEM}.ipynb")
    assert tests.returncode == 0, tests.stdout[-3000:] + tests.stderr[-2000:]

    graded = run("-m", "helpers.grade", f"solutions/{STEM}.ipynb", f"exercises/{STEM}.ipynb")
    assert graded.returncode == 0, graded.stderr
    assert "Score: 2/2" in graded.stdout and "Score: 0/2" in graded.stdout, graded.stdout


@pytest.mark.parametrize("name", ["4_lstm", "04-lstm", "04_LSTM", "lstm"])
def test_bad_names_are_refused(name):
    from tools.scaffold import STEM as pattern

    assert not pattern.fullmatch(name)
