"""Start a chapter and its exercise: every file in its place, runnable at once.

    python -m tools.scaffold 04_lstm --title "Long short-term memory" [--part "Gated cells"]
    make chapter NAME=04_lstm TITLE="Long short-term memory" [PART="Gated cells"]

Writes, and refuses to overwrite:
- chapters/NN_topic.ipynb     the chapter, with the book's anatomy and a glued number;
- solutions/NN_topic.ipynb    the exercise's single source, with one example question;
- helpers/grading/exNN_topic.py  that question's tests (found by its file name);
- tests/test_exNN_topic.py    a test that a known mistake is named;
and adds the chapter to `_toc.yml` (in PART, a numbered part, by default the part of the
chapter before it) and the exercise to the Exercises part. Then it runs `format`, which
writes the Colab badge, the setup cell and exercises/NN_topic.ipynb. Replace the example
question with your own; CONTRIBUTING.md lists the rules that the tests enforce.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

import nbformat
import yaml

from tools import notebooks as nbtools

ROOT = nbtools.ROOT
STEM = re.compile(r"(\d\d)_[a-z0-9_]+")
EXERCISES_PART = "Exercises"


def chapter_notebook(title: str):
    md, code = nbformat.v4.new_markdown_cell, nbformat.v4.new_code_cell
    return nbformat.v4.new_notebook(cells=[
        md(f"# {title}\n\nYou will learn ... (one sentence: what the reader can do after this chapter)."),
        code("import numpy as np\n\nfrom helpers import data, plots\nfrom helpers.notebook import glue"),
        md("## The first idea\n\nOne idea per section, one short step per cell. Numbers in the prose come\n"
           "from cells through `glue`, never typed by hand."),
        code('X, Y = data.adding_problem(num_samples=256, num_steps=10, seed=0)  # (256, 10, 2), (256,)\n'
             'target_mean = glue("target_mean", float(Y.mean()))\n'
             'assert abs(target_mean - 1.0) < 0.1  # a check that fails if the claim below is false'),
        md("The targets average {glue:text}`target_mean:.2f`, close to the expected value of 1."),
        md("## Summary\n\n- What the chapter showed, one line each."),
    ])


def solution_notebook(stem: str, title: str):
    number = int(stem[:2])
    md, code = nbformat.v4.new_markdown_cell, nbformat.v4.new_code_cell
    nb = nbformat.v4.new_notebook(cells=[
        md(f"# Exercise {number}: {title}\n\nWhat the questions practise, in a sentence. One question, 2 points.\n\n"
           "Write each answer in place of `raise NotImplementedError` and run the check cell under it."),
        code("import numpy as np\n\nfrom helpers.grading import check"),
        md("## Question 1: the mean over time (2 points)\n\n"
           "Write `sequence_mean(X)`, which returns the mean of a batch of sequences over\n"
           "time: `X` has shape `(batch, num_steps, num_inputs)`, the result `(batch, num_inputs)`."),
        code('def sequence_mean(X):\n    """The mean over time: (batch, num_steps, num_inputs) -> (batch, num_inputs)."""\n'
             "    ### BEGIN SOLUTION\n    return X.mean(axis=1)  # (batch, num_inputs)\n    ### END SOLUTION",
             metadata={"rnn_book": {"question": f"{stem[:2]}.q1"}}),
        code(f'check("{stem[:2]}.q1", sequence_mean)'),
        md("## Done?\n\nEvery check above passes? Grade the whole notebook with\n"
           "`python -m helpers.grade THIS_NOTEBOOK.ipynb`."),
    ])
    nb.metadata["rnn_book"] = {"exercise": stem}
    return nb


def grading_module(stem: str, title: str) -> str:
    n = stem[:2]
    return f'''"""Exercise {int(n)}, {title[0].lower() + title[1:]}: the questions and their tests.

Expected values come from an independent computation (here a Keras layer); the NumPy
lines compute only the values of known mistakes, so that a message can name the mistake.
"""

from __future__ import annotations

import numpy as np

from helpers.grading.feedback import expect_close, to_array
from helpers.grading.question import Question, call_answer, expect_shape


# --- q1: the mean over time (an example: replace it) -----------------------------------

def q1_cases(hidden: bool) -> list[dict]:
    shapes = [(2, 5, 3, 1)]  # (batch, num_steps, num_inputs, seed)
    if hidden:
        shapes += [(1, 1, 1, 2), (4, 9, 2, 3)]
    return [{{"X": np.random.default_rng(seed).normal(size=(b, t, n))}} for b, t, n, seed in shapes]


def q1_run(answer, case):
    return {{"mean": to_array(call_answer(answer, case, ["X"]), "the mean")}}


def q1_verify(case, payload):
    import keras

    X = case["X"]  # (batch, num_steps, num_inputs)
    got = payload["mean"]
    expect_shape(got, (X.shape[0], X.shape[2]), "the mean", {{(X.shape[0], X.shape[1]): "Average over time (axis 1), not features."}})
    expected = np.asarray(keras.layers.GlobalAveragePooling1D()(X.astype("float32")), dtype=np.float64)  # (batch, num_inputs)
    suspects = {{"it is the sum over time, not the mean.": X.sum(axis=1)}}
    expect_close(got, expected, "the mean", suspects)


QUESTIONS = [
    Question(id="{n}.q1", title="the mean over time", points=2, function_name="sequence_mean",
             cases=q1_cases, run=q1_run, verify=q1_verify),
]
'''


def test_module(stem: str, title: str) -> str:
    n = stem[:2]
    return f'''"""In-notebook feedback for exercise {int(n)} ({title[0].lower() + title[1:]}): known mistakes are named."""

import pytest

from helpers.grading import check

MISTAKES = {{
    "sum over time": lambda X: X.sum(axis=1),
    "Average over time": lambda X: X.mean(axis=2),
}}


@pytest.mark.parametrize("cause", MISTAKES)
def test_mistakes_are_named(cause):
    with pytest.raises(AssertionError, match=cause):
        check("{n}.q1", MISTAKES[cause])
'''


def add_to_toc(stem: str, part_caption: str | None) -> None:
    path = ROOT / "_toc.yml"
    toc = yaml.safe_load(path.read_text())
    parts = toc.setdefault("parts", [])
    chapter, exercise = f"chapters/{stem}", f"exercises/{stem}"
    numbered = [p for p in parts if p.get("numbered")]
    if part_caption is None:
        earlier = [(c["file"], p) for p in numbered for c in p.get("chapters", []) if c["file"] < chapter]
        part = max(earlier, key=lambda item: item[0])[1] if earlier else (numbered[-1] if numbered else None)
    else:
        part = next((p for p in parts if p.get("caption") == part_caption), None)
    if part is None:
        part = {"caption": part_caption or "Chapters", "numbered": True, "chapters": []}
        index = next((i for i, p in enumerate(parts) if p.get("caption") == EXERCISES_PART), len(parts))
        parts.insert(index, part)
    exercises = next((p for p in parts if p.get("caption") == EXERCISES_PART), None)
    if exercises is None:
        exercises = {"caption": EXERCISES_PART, "chapters": []}
        parts.insert(parts.index(part) + 1, exercises)
    for target, file in ((part, chapter), (exercises, exercise)):
        entries = target.setdefault("chapters", [])
        if all(e["file"] != file for e in entries):
            entries.append({"file": file})
            entries.sort(key=lambda e: e["file"])
    path.write_text("# The book's pages, in order. `make chapter` adds a chapter and its exercise here.\n"
                    + yaml.safe_dump(toc, sort_keys=False))


def scaffold(stem: str, title: str, part: str | None = None) -> list[Path]:
    if not STEM.fullmatch(stem):
        raise ValueError(f"NAME must look like 04_lstm (two digits, an underscore, lowercase words), got {stem!r}")
    title = title.strip() or stem[3:].replace("_", " ").capitalize()
    files = {
        ROOT / "chapters" / f"{stem}.ipynb": nbformat.writes(chapter_notebook(title)),
        ROOT / "solutions" / f"{stem}.ipynb": nbformat.writes(solution_notebook(stem, title)),
        ROOT / "helpers" / "grading" / f"ex{stem}.py": grading_module(stem, title),
        ROOT / "tests" / f"test_ex{stem}.py": test_module(stem, title),
    }
    existing = [str(p.relative_to(ROOT)) for p in files if p.exists()]
    taken = [p.name for p in (ROOT / "chapters").glob(f"{stem[:2]}_*.ipynb")]
    if existing or taken:
        raise FileExistsError(f"not overwriting {', '.join(existing or taken)}: chapter {stem[:2]} exists")
    for path, text in files.items():
        path.write_text(text)
    add_to_toc(stem, part)
    nbtools.main(["format"])
    return [*files, ROOT / "exercises" / f"{stem}.ipynb", ROOT / "_toc.yml"]


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.scaffold", description=__doc__.splitlines()[0])
    parser.add_argument("name", help="the stem shared by the chapter, its solution and its exercise, e.g. 04_lstm")
    parser.add_argument("--title", default="", help="the chapter's title, e.g. 'Long short-term memory'")
    parser.add_argument("--part", help="the caption of the toc part to add the chapter to (created if new)")
    args = parser.parse_args(argv)
    try:
        written = scaffold(args.name, args.title, args.part)
    except (ValueError, FileExistsError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    for path in written:
        print(f"wrote {path.relative_to(ROOT)}")
    print("Next: write the chapter, replace the example question, and run `make format` after each edit.")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
