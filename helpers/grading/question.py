"""What a question is, and what questions of the same kind share: shapes first, models
built from sizes and rebuilt from plain data (the comparisons are in `feedback`)."""

from __future__ import annotations

import json

from dataclasses import dataclass
from typing import Callable

import numpy as np

from helpers.grading.feedback import only_keras_modules, model_payload

Case = dict  # name -> np.ndarray or int: the inputs of one test
Payload = dict  # name -> np.ndarray: what the learner's answer returned, as plain arrays


@dataclass(frozen=True, kw_only=True)
class Question:
    """One graded question: a function named `function_name` that the learner writes.

    - `id` is "<exercise number>.q<n>", e.g. "04.q2"; `points` must match the points the
      exercise's prose gives the question (a test compares them).
    - `cases(hidden)` gives the test inputs; `hidden=True` adds the grader's extra cases.
    - `run(answer, case)` calls the learner's function and turns its result into plain
      arrays (this runs beside the submission's code).
    - `verify(case, payload)` raises AssertionError explaining the first problem. It
      computes expected values independently (Keras layers, never the answer's code).
    """

    id: str
    title: str
    points: int
    function_name: str
    cases: Callable[[bool], list[Case]]
    run: Callable[[Callable, Case], Payload]
    verify: Callable[[Case, Payload], None]


def call_answer(answer, case: dict, names: list[str], copy: bool = True):
    """Call the learner's function with the case's `names` as keyword arguments, on copies of
    the arrays unless `copy=False`; turn its errors into a message."""
    if not callable(answer):
        raise AssertionError(f"expected a function, got {type(answer).__name__}")
    args = {k: np.array(case[k]) if copy and isinstance(case[k], np.ndarray) else case[k] for k in names}
    try:
        return answer(**args)
    except NotImplementedError:
        raise
    except Exception as error:
        shapes = ", ".join(f"{k} {np.shape(v)}" if isinstance(v, np.ndarray) else f"{k}={v}" for k, v in args.items())
        raise AssertionError(f"your function raised {type(error).__name__}: {error}\n(called with {shapes})") from error


def expect_shape(got: np.ndarray, shape: tuple, name: str, hints: dict | None = None) -> None:
    """Shape first: the cheapest mistake to explain. `hints` maps wrong shapes to their usual cause."""
    got_shape = tuple(got.shape)
    if got_shape == tuple(shape):
        return
    hint = (hints or {}).get(got_shape, "")
    raise AssertionError(f"{name} has shape {got_shape}, expected {tuple(shape)}. {hint}".strip())


MODEL_ARGS = ["num_steps", "num_inputs", "num_hiddens", "num_outputs"]


def model_cases(visible: list[tuple], grader_only: list[tuple]):
    """`cases` for a question whose answer builds a model from the sizes MODEL_ARGS."""

    def cases(hidden: bool) -> list[Case]:
        return [dict(zip(MODEL_ARGS, sizes)) for sizes in visible + (grader_only if hidden else [])]

    return cases


def run_model(answer, case: Case) -> Payload:
    """`run` for such a question: build the learner's model and send it as plain data."""
    return model_payload(call_answer(answer, case, MODEL_ARGS))


def rebuild_model(payload: Payload, case: Case | None):
    """The model and its weights, rebuilt from `model_payload` data (grader side), after
    checking that it reads sequences of the case's shape (`num_steps`, `num_inputs`); with
    no case, of any shape (a question where the learner chooses the window).

    Only Keras's own classes are accepted, and Keras's safe mode refuses lambdas, so
    rebuilding runs no code of the submission's."""
    import keras

    config = str(payload["config"])
    if "__lambda__" in config:
        raise AssertionError("the model uses a Python lambda (as an initializer, activation or layer), which the grader "
                             "cannot rebuild: use Keras's own, e.g. keras.initializers.Identity().")
    only_keras_modules(json.loads(config))
    try:
        model = keras.models.model_from_json(config)
    except Exception as error:
        raise AssertionError(f"the model could not be rebuilt from its config ({type(error).__name__}: {error})") from None
    weights = [payload[f"weight{i}"] for i in range(len(payload) - 1)]
    shape = "num_steps, num_inputs" if case is None else f"{case['num_steps']}, {case['num_inputs']}"
    if not weights or not model.built:
        raise AssertionError(f"the model has no weights yet: start it with keras.Input(shape=({shape})).")
    input_shape = tuple(model.inputs[0].shape)
    if case is not None and input_shape not in {(None, case["num_steps"], case["num_inputs"]), (None, None, case["num_inputs"])}:
        raise AssertionError(f"the model's input shape is {input_shape}, expected (None, {shape}): use keras.Input(shape=({shape})).")
    return model, weights


