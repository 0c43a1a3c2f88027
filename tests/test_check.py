"""In-notebook feedback, for every exercise: check() passes the reference solution on the
visible and the grader's hidden cases, and says "not attempted" for a stub. The known
mistakes of each exercise are tested in tests/test_exNN_topic.py."""

import inspect

import keras
import pytest

from helpers.grading import EXERCISES, check, get
from helpers.grading.question import run_model
from tests.helpers_for_tests import solution_functions

SOLUTIONS = {stem: solution_functions(stem) for stem in EXERCISES}
ALL = [(stem, q) for stem, questions in EXERCISES.items() for q in questions]


@pytest.mark.parametrize("stem, question", ALL, ids=[q.id for _, q in ALL])
def test_reference_solution_passes_visible_and_hidden_cases(stem, question, capsys):
    answer = SOLUTIONS[stem][question.function_name]
    check(question.id, answer)
    assert "passed" in capsys.readouterr().out
    for case in question.cases(True):  # the grader's hidden cases too
        question.verify(case, question.run(answer, case))


@pytest.mark.parametrize("stem, question", ALL, ids=[q.id for _, q in ALL])
def test_a_stub_is_not_attempted(stem, question, capsys):
    def stub(*args, **kwargs):
        raise NotImplementedError

    check(question.id, stub)
    out = capsys.readouterr().out
    assert "not attempted" in out and "passed" not in out


def test_unknown_question_is_named():
    with pytest.raises(KeyError, match="01.q9"):
        get("01.q9")


class _Subclassed(keras.Model):
    """A model a learner may write; it has no config, so it cannot be sent to the grader."""

    def __init__(self):
        super().__init__()
        self.dense = keras.layers.Dense(1)

    def call(self, x):
        return self.dense(x)


# the questions whose answer is a Keras model: their `run` sends it with model_payload
MODEL_QUESTIONS = [(stem, q) for stem, q in ALL if q.run is run_model or "model_payload" in inspect.getsource(q.run)]


@pytest.mark.parametrize("stem, question", MODEL_QUESTIONS, ids=[q.id for _, q in MODEL_QUESTIONS])
def test_a_subclassed_model_is_told_how_to_build_one_the_grader_can_read(stem, question):
    """Not "not attempted": Keras raises NotImplementedError while saving a subclassed model."""
    assert len(MODEL_QUESTIONS) >= 6  # exercises 1, 3, 6, 7, 9 and 10 ask for a model
    with pytest.raises(AssertionError, match="keras.Sequential"):
        check(question.id, lambda **sizes: _Subclassed())
