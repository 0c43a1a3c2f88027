"""Build Gradescope autograders: one zip per exercise, in Gradescope's documented layout.

    python -m tools.autograder [STEM ...] [--out DIR]     # make autograder

Each `_build/autograder/NN_topic.zip` holds, at its root:
- `setup.sh`: run once by Gradescope, as root, when it builds the image (Ubuntu 22.04 or
  later). It installs uv, Python 3.11 with it, the pinned CPU stack of `requirements.txt`
  and the course's `helpers` into /autograder/venv, all readable by every user (the grader
  runs each submission as a user of its own);
- `run_autograder`: run for every submission; it grades the notebook in
  /autograder/submission (helpers.grading.gradescope) and writes
  /autograder/results/results.json, even when the grader cannot start;
- `requirements.txt`: the packages grading needs (TensorFlow's CPU build, IPython, the
  helpers' dependencies and extras) with everything they require, each pinned to the
  version of the book's own requirements.txt (so `pip install --no-deps` is complete);
- `pyproject.toml` and `helpers/`: the course's package, as in this repository.
"""

from __future__ import annotations

import argparse
import importlib.metadata
import io
import sys
import tomllib
import zipfile
from pathlib import Path

from packaging.markers import default_environment
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "_build" / "autograder"
UV_VERSION = "0.13.9"
PYTHON_VERSION = "3.11"  # the Python of the book's pinned requirements
# What grading needs beyond the helpers' own dependencies and extras: TensorFlow (Keras
# comes with it) for the tests and the learners' models, IPython to read %magics and !lines.
GRADING_NEEDS = ["tensorflow-cpu", "ipython"]

SETUP_SH = f"""#!/usr/bin/env bash
# Gradescope runs this once, as root, when it builds the autograder's image (Ubuntu 22.04
# or later). It installs Python {PYTHON_VERSION} (with uv), the pinned packages of requirements.txt
# and the course's helpers into /autograder/venv, readable by every user: the grader runs
# each submission as a user of its own.
set -euo pipefail
cd "$(dirname "$0")"
export UV_INSTALL_DIR=/usr/local/bin UV_NO_MODIFY_PATH=1 UV_PYTHON_INSTALL_DIR=/opt/uv-python
apt-get update
apt-get install -y --no-install-recommends curl ca-certificates
curl -LsSf https://astral.sh/uv/{UV_VERSION}/install.sh | sh
uv venv --python {PYTHON_VERSION} /autograder/venv
uv pip install --python /autograder/venv/bin/python --no-deps -r requirements.txt
uv pip install --python /autograder/venv/bin/python --no-deps .
chmod -R a+rX /opt/uv-python /autograder/venv
"""

RUN_AUTOGRADER = """#!/usr/bin/env bash
# Gradescope runs this for every submission (working folder /autograder): it grades the
# notebook in submission/ and writes results/results.json. RNN_BOOK_AUTOGRADER_ROOT
# replaces /autograder (the tests set it); without /autograder/venv, python3 is used.
root="${{RNN_BOOK_AUTOGRADER_ROOT:-/autograder}}"
python="$root/venv/bin/python"
[ -x "$python" ] || python=python3
"$python" -m helpers.grading.gradescope --root "$root" --exercise {exercise} && exit 0
# The grader could not start (a broken image): still give the learner a valid results.json.
mkdir -p "$root/results"
[ -s "$root/results/results.json" ] || printf '%s\\n' '{{"score": 0, "execution_time": 0, "output": "The autograder could not start, so this submission was not graded. Tell your instructor.", "tests": [{{"name": "Your submission", "status": "failed", "output": "Not graded: the autograder could not start.", "visibility": "visible"}}]}}' > "$root/results/results.json"
"""


def requirements() -> list[str]:
    """`name==version` for every package grading needs, its requirements included, at the
    versions installed here (the book's pinned requirements.txt), for this platform."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    wanted = [*GRADING_NEEDS, *project["dependencies"], *(r for reqs in project["optional-dependencies"].values() for r in reqs)]
    pinned: dict[str, str] = {}
    seen: set[tuple[str, str]] = set()
    stack = [(Requirement(r), "") for r in wanted]
    while stack:
        requirement, extra = stack.pop()
        environment = {**default_environment(), "extra": extra}
        if requirement.marker and not requirement.marker.evaluate(environment):
            continue
        name = canonicalize_name(requirement.name)
        for wanted_extra in ["", *sorted(requirement.extras)]:
            if (name, wanted_extra) in seen:
                continue
            seen.add((name, wanted_extra))
            distribution = importlib.metadata.distribution(name)
            pinned[name] = distribution.version
            stack += [(Requirement(r), wanted_extra) for r in distribution.requires or []]
    return [f"{name}=={version}" for name, version in sorted(pinned.items())]


def _add(archive: zipfile.ZipFile, name: str, data: bytes, executable: bool = False) -> None:
    info = zipfile.ZipInfo(name, date_time=(2020, 1, 1, 0, 0, 0))  # a fixed date: the same zip twice
    info.external_attr = (0o100755 if executable else 0o100644) << 16
    info.compress_type = zipfile.ZIP_DEFLATED
    archive.writestr(info, data)


def build(stem: str, out: Path = OUT, pins: list[str] | None = None) -> Path:
    """Write the autograder of exercise `stem` to OUT/stem.zip and return its path."""
    out.mkdir(parents=True, exist_ok=True)
    path = out / f"{stem}.zip"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        _add(archive, "setup.sh", SETUP_SH.encode(), executable=True)
        _add(archive, "run_autograder", RUN_AUTOGRADER.format(exercise=stem).encode(), executable=True)
        _add(archive, "requirements.txt", "\n".join(pins or requirements()).encode() + b"\n")
        _add(archive, "pyproject.toml", (ROOT / "pyproject.toml").read_bytes())
        for file in sorted((ROOT / "helpers").rglob("*")):
            if file.is_file() and "__pycache__" not in file.parts:
                _add(archive, file.relative_to(ROOT).as_posix(), file.read_bytes())
    path.write_bytes(buffer.getvalue())
    return path


def main(argv: list[str]) -> int:
    from helpers.grading import EXERCISES

    parser = argparse.ArgumentParser(prog="python -m tools.autograder", description=__doc__.splitlines()[0])
    parser.add_argument("stems", nargs="*", metavar="STEM", help=f"exercises (default: all of {', '.join(EXERCISES)})")
    parser.add_argument("--out", type=Path, default=OUT, help="folder of the zips (default _build/autograder)")
    args = parser.parse_args(argv)
    unknown = [s for s in args.stems if s not in EXERCISES]
    if unknown:
        parser.error(f"unknown exercises {unknown}; known: {', '.join(EXERCISES)}")
    pins = requirements()
    for stem in args.stems or EXERCISES:
        path = build(stem, args.out, pins)
        print(f"wrote {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
