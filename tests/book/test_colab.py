"""A chapter of the Colab edition runs as in Colab: from an empty folder, in a Python where
`helpers` is not installed, so only the notebook's setup cell can install it, and must not
touch TensorFlow. Run after `make book` and `make colab` (`make test` does).

The test makes a throwaway virtual environment that sees this environment's packages
(TensorFlow, Jupyter) through a .pth file, but not `helpers`: a .pth line adds a folder to
sys.path without running the editable-install hooks inside it. The setup cell's pip install
is pointed at a copy of the package with RNN_BOOK_HELPERS_SOURCE.
"""

import os
import shutil
import subprocess
import sys
import sysconfig
import textwrap
from pathlib import Path

import pytest

from tests.helpers_for_tests import ROOT
from tools.notebooks import HELPERS_SOURCE_ENV

CHAPTER = ROOT / "_build" / "colab" / "chapters" / "01_rnn_basics.ipynb"

RUN = textwrap.dedent(
    """
    import sys, nbformat, nbclient
    nb = nbformat.read(sys.argv[1], as_version=4)
    nbclient.NotebookClient(nb, timeout=120, kernel_name="python3").execute()
    """
)


def _site_packages(venv: Path) -> Path:
    return next((venv / "lib").glob("python*/site-packages"))


def test_chapter_runs_from_an_empty_folder_installing_only_helpers(tmp_path):
    if not CHAPTER.exists():
        pytest.skip("no Colab edition: run `make book` and `make colab` first (`make test` does)")
    venv, work, source = tmp_path / "venv", tmp_path / "empty", tmp_path / "source"
    work.mkdir()
    shutil.copytree(ROOT / "helpers", source / "helpers", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", source)
    subprocess.run([sys.executable, "-m", "venv", venv], check=True)
    site = _site_packages(venv)
    (site / "course_environment.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    python = venv / "bin" / "python"
    before = set(p.name for p in site.iterdir())

    probe = subprocess.run([python, "-c", "import importlib.util; print(importlib.util.find_spec('helpers'))"],
                           cwd=work, capture_output=True, text=True, check=True)
    assert probe.stdout.strip() == "None", "helpers must not be importable before the setup cell runs"

    notebook = work / CHAPTER.name
    shutil.copy(CHAPTER, notebook)
    env = {k: v for k, v in os.environ.items() if k not in {"PYTHONPATH", "VIRTUAL_ENV"}}
    env.update({"PATH": f"{venv / 'bin'}:{env.get('PATH', '')}", HELPERS_SOURCE_ENV: source.as_uri()})
    result = subprocess.run([python, "-c", RUN, notebook], cwd=work, env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr[-3000:]

    installed = {p.name for p in site.iterdir()} - before
    assert any(name.startswith("rnn_book_helpers") for name in installed) and "helpers" in installed
    assert not {n for n in installed if n.split("-")[0].lower() in {"tensorflow", "tensorflow_cpu", "keras", "numpy", "matplotlib"}}
    assert set(work.iterdir()) == {notebook}, "the notebook wrote files into its folder"
