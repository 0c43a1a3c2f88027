"""In-notebook feedback, for every exercise: check() passes the reference solution on the
visible and the grader's hidden cases, and says "not attempted" for a stub. The known
mistakes of each exercise are tested in tests/test_exNN_topic.py."""

import pytest

from helpers.grading import EXERCISES, check, get
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
