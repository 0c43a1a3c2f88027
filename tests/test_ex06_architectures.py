"""In-notebook feedback for exercise 6 (architectures: deep, bidirectional, masked, stateful): known mistakes are named."""

import pytest

from helpers.grading import check

MISTAKES = {
    "sum over time": lambda X: X.sum(axis=1),
    "Average over time": lambda X: X.mean(axis=2),
}


@pytest.mark.parametrize("cause", MISTAKES)
def test_mistakes_are_named(cause):
    with pytest.raises(AssertionError, match=cause):
        check("06.q1", MISTAKES[cause])
