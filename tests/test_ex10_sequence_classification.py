"""In-notebook feedback for exercise 10 (classifying sequences): known mistakes are named.

Runs check() in-process on the reference solution changed in one way. The classifier
question trains; its mistakes are built to fail the grader's checks quickly."""

import keras
import numpy as np
import pytest

from helpers.grading import check
from tests.helpers_for_tests import solution_functions

SOLUTION10 = solution_functions("10_sequence_classification")

LAST_STATE_MISTAKES = {
    "H\\[:, -1\\]": lambda H, lengths: H[:, -1],
    "off by one": lambda H, lengths: H[np.arange(len(H)), lengths],
    "one step per sequence": lambda H, lengths: H[:, lengths - 1],
}


@pytest.mark.parametrize("cause", LAST_STATE_MISTAKES)
def test_last_state_mistakes_are_named(cause):
    with pytest.raises(AssertionError, match=cause):
        check("10.q1", LAST_STATE_MISTAKES[cause])


def _classifier(*layers, input_shape=(None, 12), epochs=0):
    def train_speaker_classifier(X, lengths, y):
        keras.utils.set_random_seed(0)
        model = keras.Sequential([keras.Input(shape=input_shape), *layers])
        model.compile(optimizer=keras.optimizers.Adam(0.01), loss="sparse_categorical_crossentropy")
        if epochs:
            model.fit(X, y, epochs=epochs, batch_size=32, verbose=0)
        return model

    return train_speaker_classifier


CLASSIFIER_MISTAKES = {
    "shape=\\(None, 12\\)": lambda: _classifier(keras.layers.GRU(4), keras.layers.Dense(9), input_shape=(29, 12)),
    "recurrent layer": lambda: _classifier(keras.layers.GlobalAveragePooling1D(), keras.layers.Dense(9)),
    "one score per speaker": lambda: _classifier(keras.layers.GRU(4), keras.layers.Dense(1)),
    "mask the padding": lambda: _classifier(keras.layers.GRU(4), keras.layers.Dense(9)),
    "90%": lambda: _classifier(keras.layers.Masking(0.0), keras.layers.GRU(4), keras.layers.Dense(9)),  # untrained
}


@pytest.mark.parametrize("cause", CLASSIFIER_MISTAKES)
def test_classifier_mistakes_are_named(cause):
    with pytest.raises(AssertionError, match=cause):
        check("10.q2", CLASSIFIER_MISTAKES[cause]())


def test_a_model_that_does_not_return_a_model_is_named():
    with pytest.raises(AssertionError, match="keras.Model"):
        check("10.q2", lambda X, lengths, y: np.zeros(9))


CONFUSION_MISTAKES = {
    "transposed": lambda y_true, y_pred, num_classes: SOLUTION10["confusion_matrix"](y_true, y_pred, num_classes).T,
    "normalise": lambda y_true, y_pred, num_classes: (
        lambda C: C / C.sum(axis=1, keepdims=True))(SOLUTION10["confusion_matrix"](y_true, y_pred, num_classes)),
    "never occurs": lambda y_true, y_pred, num_classes: SOLUTION10["confusion_matrix"](y_true, y_pred, num_classes)[:-1, :-1],
}


@pytest.mark.parametrize("cause", CONFUSION_MISTAKES)
def test_confusion_matrix_mistakes_are_named(cause):
    with pytest.raises(AssertionError, match=cause):
        check("10.q3", CONFUSION_MISTAKES[cause])


def test_confusion_matrix_counts_repeated_pairs():
    """A common bug: C[y_true, y_pred] += 1 counts a repeated pair once."""

    def buggy(y_true, y_pred, num_classes):
        C = np.zeros((num_classes, num_classes), dtype=int)
        C[y_true, y_pred] += 1
        return C

    with pytest.raises(AssertionError, match="counted once"):
        check("10.q3", buggy)


BALANCED_MISTAKES = {
    "plain accuracy": lambda confusion: np.trace(confusion) / confusion.sum(),
    "precision": lambda confusion: np.mean(np.diag(confusion) / confusion.sum(axis=0)),
}


@pytest.mark.parametrize("cause", BALANCED_MISTAKES)
def test_balanced_accuracy_mistakes_are_named(cause):
    with pytest.raises(AssertionError, match=cause):
        check("10.q4", BALANCED_MISTAKES[cause])
