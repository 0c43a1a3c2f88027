"""What a question is, and the comparisons that explain a wrong answer."""

from __future__ import annotations

import json

from dataclasses import dataclass
from typing import Callable

import numpy as np

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


def as_array(value, name: str) -> np.ndarray:
    """The learner's returned value as a float64 array, or an AssertionError saying why not."""
    if hasattr(value, "numpy"):  # a TensorFlow tensor
        value = value.numpy()
    try:
        array = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError):
        raise AssertionError(f"{name} should be an array of numbers, got {type(value).__name__}") from None
    return array


def expect_shape(got: np.ndarray, shape: tuple, name: str, hints: dict | None = None) -> None:
    """Shape first: the cheapest mistake to explain. `hints` maps wrong shapes to their usual cause."""
    got_shape = tuple(got.shape)
    if got_shape == tuple(shape):
        return
    hint = (hints or {}).get(got_shape, "")
    raise AssertionError(f"{name} has shape {got_shape}, expected {tuple(shape)}. {hint}".strip())


def expect_close(got: np.ndarray, expected: np.ndarray, name: str, suspects: dict | None = None, atol: float = 1e-5) -> None:
    """Values second. `suspects` maps a hint to the value a known mistake would give, so the
    message can name the mistake instead of only the size of the error."""
    if np.all(np.isfinite(got)) and np.allclose(got, expected, atol=atol, rtol=1e-5):
        return
    for hint, wrong in (suspects or {}).items():
        if wrong is not None and np.shape(wrong) == got.shape and np.allclose(got, wrong, atol=atol, rtol=1e-5):
            raise AssertionError(f"{name} is wrong: {hint}")
    error = float(np.max(np.abs(got - expected))) if np.all(np.isfinite(got)) else float("nan")
    raise AssertionError(f"{name} is wrong: largest difference from the expected values is {error:.3g}.")


MODEL_ARGS = ["num_steps", "num_inputs", "num_hiddens", "num_outputs"]


def model_cases(visible: list[tuple], grader_only: list[tuple]):
    """`cases` for a question whose answer builds a model from the sizes MODEL_ARGS."""

    def cases(hidden: bool) -> list[Case]:
        return [dict(zip(MODEL_ARGS, sizes)) for sizes in visible + (grader_only if hidden else [])]

    return cases


def run_model(answer, case: Case) -> Payload:
    """`run` for such a question: build the learner's model and send it as plain data."""
    return model_payload(call_answer(answer, case, MODEL_ARGS))


def model_payload(model) -> Payload:
    """A Keras model as plain data: its JSON config and its weights (worker side)."""
    if not (hasattr(model, "to_json") and hasattr(model, "get_weights")):
        raise AssertionError(f"expected a keras.Model, got {type(model).__name__}")
    weights = model.get_weights()
    return {"config": np.array(model.to_json()), **{f"weight{i}": np.asarray(w) for i, w in enumerate(weights)}}


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
    _only_keras_modules(json.loads(config))
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


def _only_keras_modules(config) -> None:
    """Refuse configs that name code outside Keras."""
    if isinstance(config, dict):
        module = config.get("module")
        if module is not None and not str(module).startswith("keras"):
            raise AssertionError(f"the model uses {module}.{config.get('class_name')}; use Keras layers only.")
        for value in config.values():
            _only_keras_modules(value)
    elif isinstance(config, list):
        for value in config:
            _only_keras_modules(value)
