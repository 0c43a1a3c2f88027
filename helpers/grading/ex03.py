"""The old name of exercise 3's module, kept so that notebooks saved before the rename
(`from helpers.grading.ex03 import train_exploding_rnn`) still run. Use
`helpers.grading.ex03_vanishing_exploding`."""

from helpers.grading.ex03_vanishing_exploding import *  # noqa: F401,F403
from helpers.grading.ex03_vanishing_exploding import train_exploding_rnn  # noqa: F401
