"""The supported versions, stated once in the Makefile (COMPAT_STACK) and in the README.

`make test-compat` runs this file and every notebook in .venv-compat, made with the oldest
stack the book supports; there the installed versions must be that stack's, so that a
resolver that quietly installed newer ones cannot pass for it.
"""

import re
import sys
from importlib.metadata import version
from pathlib import Path

import pytest

from tests.helpers_for_tests import ROOT


def _compat_stack() -> dict[str, str]:
    line = re.search(r"^COMPAT_STACK := (.*)$", (ROOT / "Makefile").read_text(), re.M).group(1)
    return dict(pin.split("==") for pin in line.split())


def _pinned(name: str) -> str:
    lines = (ROOT / "requirements.txt").read_text().splitlines()
    normal = re.sub(r"[-_.]+", "-", name).lower()
    return next(l.split("==")[1] for l in lines if re.sub(r"[-_.]+", "-", l.split("==")[0]).lower() == normal)


DISPLAY = {"tensorflow-cpu": "TensorFlow", "keras": "Keras", "numpy": "NumPy", "matplotlib": "Matplotlib"}


def test_readme_states_the_supported_range():
    readme = (ROOT / "README.md").read_text()
    for name, oldest in _compat_stack().items():
        stated = f"{DISPLAY[name]} {oldest} to {_pinned(name)}"
        assert stated in readme, f"README.md should state the supported range: {stated}"


@pytest.mark.skipif(Path(sys.prefix).name != ".venv-compat", reason="only in .venv-compat (make test-compat)")
def test_the_compatibility_environment_has_the_oldest_stack():
    for name, oldest in _compat_stack().items():
        assert version(name) == oldest, f"{name} {version(name)} in .venv-compat, not {oldest}"
