"""In-notebook feedback for exercise 8 (language models and text generation): known mistakes are named."""

import pytest

from helpers.grading import check

MISTAKES = {
    "sum over time": lambda X: X.sum(axis=1),
    "Average over time": lambda X: X.mean(axis=2),
}


@pytest.mark.parametrize("cause", MISTAKES)
def test_mistakes_are_named(cause):
    with pytest.raises(AssertionError, match=cause):
        check("08.q1", MISTAKES[cause])
