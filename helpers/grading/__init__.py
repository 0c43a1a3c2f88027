"""Grading: the questions of every exercise, and `check()` for feedback in the notebook.

A question is a function the learner writes. Its tests live here, never in the notebook:
`check(qid, answer)` runs the visible cases in the learner's kernel, and the autograder
(`python -m helpers.grade`) runs the same tests plus hidden cases, comparing the answer's
outputs in a process the submission never touched; `grade_this_notebook()`, the last cell
of every exercise, runs that autograder on the notebook it is in.

Exercises are found by convention: the module `exNN_topic.py` in this package holds the
questions of the exercise notebook `NN_topic.ipynb` in its `QUESTIONS` list. Adding a
module is all it takes to register an exercise (`make chapter` writes one).
"""

from __future__ import annotations

import importlib
import pkgutil
import re

from helpers.grading.question import Question

EXERCISE_MODULE = re.compile(r"ex(\d\d_[a-z0-9_]+)")


def _discover() -> dict[str, list[Question]]:
    """Exercise stem -> its questions, from every `exNN_topic` module of this package."""
    found = {}
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda i: i.name):
        match = EXERCISE_MODULE.fullmatch(info.name)
        if match:
            found[match.group(1)] = importlib.import_module(f"{__name__}.{info.name}").QUESTIONS
    return found


# Exercise stem (the notebook's file name and metadata `rnn_book.exercise`) -> its questions.
EXERCISES: dict[str, list[Question]] = _discover()
QUESTIONS: dict[str, Question] = {q.id: q for questions in EXERCISES.values() for q in questions}


def get(qid: str) -> Question:
    try:
        return QUESTIONS[qid]
    except KeyError:
        raise KeyError(f"no question {qid!r}; known: {', '.join(QUESTIONS)}") from None


def check(qid: str, answer) -> None:
    """Test `answer` (the function you wrote) for question `qid`.

    Prints a line when it passes. Raises AssertionError saying what is wrong when it
    does not. Says "not attempted" while the answer still raises NotImplementedError.
    """
    question = get(qid)
    try:
        for case in question.cases(hidden=False):
            question.verify(case, question.run(answer, case))
    except NotImplementedError:
        print(f"{qid} ({question.title}): not attempted yet. Replace `raise NotImplementedError` with your code.")
        return
    print(f"{qid} ({question.title}): passed, {question.points}/{question.points} points.")


def grade_this_notebook(timeout: float = 60.0) -> None:
    """Grade the notebook you are working in, with the instructor's grader and its hidden
    cases, in a separate process, and show the table. In Colab it grades what you see; in
    Jupyter, the saved file (it asks you to save first if you changed it since). The last
    cell of every exercise calls it."""
    from helpers.grading.this_notebook import grade_this_notebook as grade

    grade(timeout)


__all__ = ["EXERCISES", "QUESTIONS", "Question", "check", "get", "grade_this_notebook"]
