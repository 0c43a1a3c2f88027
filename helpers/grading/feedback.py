"""Feedback a learner can act on: the helpers that every exercise's questions share.

- `call(answer, case, names)` calls the learner's function on copies of the case's
  arrays, and reports which inputs the function changed in place.
- `to_array`, `to_int`, `to_float` turn a returned value into the array the grader
  compares, and say what was returned when it is not usable (a list of arrays is
  described by its shapes, never printed; None asks whether `return` is missing).
- `expect_close` compares values and names the mistake: the known ones of the question
  (`suspects`), and four that any answer can make: a flipped sign, NaN, float32
  precision and a constant factor.
- `naming_case(describe)` wraps a question's `verify` so that every message says which
  case failed (its shapes or seed): hidden cases fail with a message too.
- `model_payload` sends a Keras model as plain data, and explains a subclassed model;
  `rebuild` turns it back into a model in the grader's process (Keras classes only).
"""

from __future__ import annotations

import functools
import json

import numpy as np

CHANGED = "changed_inputs"  # payload key: the names of the inputs the answer changed in place


def describe(value) -> str:
    """A short description of a value: its shape, never its numbers."""
    if value is None:
        return "None (did you forget `return`?)"
    if hasattr(value, "numpy") and hasattr(value, "shape"):  # a TensorFlow tensor
        return f"a tensor of shape {tuple(value.shape)}"
    if isinstance(value, np.ndarray):
        return f"an array of shape {value.shape}"
    if isinstance(value, (list, tuple)):
        kind = type(value).__name__
        if not value:
            return f"an empty {kind}"
        shapes = [np.shape(v) for v in value]
        if all(s == shapes[0] for s in shapes):
            return f"a {kind} of {len(value)} items of shape {shapes[0]}"
        return f"a {kind} of {len(value)} items of shapes {', '.join(map(str, shapes))}"
    if isinstance(value, dict):
        return f"a dict with the keys {sorted(map(str, value))}"
    if isinstance(value, (bool, int, float, complex, np.number)):
        return f"the {type(value).__name__} {value!r}"
    return f"a {type(value).__name__}"


def call(answer, case: dict, names: list[str]):
    """Call `answer` with the case's `names` as keyword arguments, on copies of its arrays.

    Returns (result, changed): `changed` is a comma-separated string of the inputs the
    answer changed in place (compared with a tolerance, so a value restored by arithmetic
    does not count). A NotImplementedError passes through ("not attempted"); any other
    error becomes an AssertionError that names the call's shapes.
    """
    if not callable(answer):
        raise AssertionError(f"expected a function, got {describe(answer)}.")
    args = {k: _copy(case[k]) for k in names}
    try:
        result = answer(**args)
    except NotImplementedError:
        raise
    except Exception as error:
        shapes = ", ".join(f"{k}: {describe(v)}" for k, v in args.items())
        raise AssertionError(f"your function raised {type(error).__name__}: {error}\n(called with {shapes})") from error
    changed = [k for k in names if not _same(args[k], case[k])]
    return result, ",".join(changed)


def _copy(value):
    if isinstance(value, np.ndarray):
        return value.copy()
    if isinstance(value, list):
        return [_copy(v) for v in value]
    return value


def _same(after, before) -> bool:
    if isinstance(before, np.ndarray):
        after = np.asarray(after)
        return after.shape == before.shape and np.allclose(after, before, rtol=1e-12, atol=1e-12)
    if isinstance(before, list):
        return isinstance(after, list) and len(after) == len(before) and all(map(_same, after, before))
    return True


def expect_unchanged(payload: dict) -> None:
    """Raise when the answer changed an input in place."""
    changed = str(payload.get(CHANGED, ""))
    if changed:
        raise AssertionError(
            f"your function changed its input {changed} in place. Leave the inputs as you "
            "found them: work on a copy (e.g. X = X.copy()) or build new arrays."
        )


def to_array(value, name: str, list_hint: str = "") -> np.ndarray:
    """The returned value as a float64 array; a list or tuple of arrays is refused with a
    description of what it holds and `list_hint` (how to make one array of it)."""
    if value is None:
        raise AssertionError(f"{name} should be an array, but your function returned None: did you forget `return`?")
    if isinstance(value, (list, tuple)) and list_hint and value and all(np.ndim(v) >= 1 for v in value):
        raise AssertionError(f"{name} should be one array, but your function returned {describe(value)}. {list_hint}")
    if hasattr(value, "numpy"):
        value = value.numpy()
    if np.iscomplexobj(value):
        raise AssertionError(f"{name} should be real, but your function returned complex numbers: take np.abs or .real.")
    try:
        return np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError):
        raise AssertionError(f"{name} should be an array of numbers, but your function returned {describe(value)}.") from None


def to_int(value, name: str) -> dict:
    """The payload of an answer that must be an integer: the value and whether it is one."""
    is_int = isinstance(value, (int, np.integer)) and not isinstance(value, (bool, np.bool_))
    if not is_int and not isinstance(value, (float, np.floating)):
        raise AssertionError(f"{name} should be an integer, but your function returned {describe(value)}.")
    return {"value": np.float64(value), "is_int": np.array(is_int)}


def expect_int(payload: dict, name: str) -> None:
    if not bool(payload["is_int"]):
        raise AssertionError(
            f"{name} should be an integer (a Python int), but your function returned the float "
            f"{float(payload['value']):g}: a count has no fractional part; use int(...) or integer arithmetic (//)."
        )


def to_float(value, name: str) -> np.ndarray:
    """The value of an answer that must be one real number (a Python or NumPy float)."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, float, np.integer, np.floating)):
        if isinstance(value, (complex, np.complexfloating)):
            raise AssertionError(f"{name} should be a real number, but your function returned the complex {value}: take its modulus, abs(...).")
        raise AssertionError(f"{name} should be one number (a float), but your function returned {describe(value)}.")
    return np.float64(value)


def expect_close(got, expected, name: str, suspects: dict | None = None, atol: float = 1e-5, rtol: float = 1e-5,
                 otherwise: str = "") -> None:
    """Values second. A known mistake (`suspects`: hint -> the value it would give) is named;
    so are a flipped sign, NaN, float32 precision and a constant factor. Otherwise the
    message gives the largest difference and where it is, then `otherwise` (where to look)."""
    got, expected = np.asarray(got, dtype=np.float64), np.asarray(expected, dtype=np.float64)
    finite = bool(np.all(np.isfinite(got)))
    if finite and np.allclose(got, expected, atol=atol, rtol=rtol):
        return
    known = dict(suspects or {})
    known.setdefault("the sign is flipped (check the order of a subtraction).", -expected)
    for hint, wrong in known.items():
        wrong = None if wrong is None else np.asarray(wrong, dtype=np.float64)
        if wrong is not None and wrong.shape == got.shape and np.allclose(got, wrong, atol=atol, rtol=rtol):
            if np.allclose(wrong, expected, atol=atol, rtol=rtol):
                continue  # on this case the mistake happens to give the right value
            raise AssertionError(f"{name} is wrong: {hint}")
    if not finite:
        raise AssertionError(f"{name} is wrong: it contains NaN or inf.")
    scale = float(np.max(np.abs(expected))) if expected.size else 0.0
    if np.allclose(got, expected, atol=max(atol, 1e-6 * scale), rtol=1e-4):
        raise AssertionError(
            f"{name} agrees with the expected values only to about 1e-7 of their size: that is float32 "
            "precision. Compute in float64 (do not convert the inputs with .astype('float32') or use "
            "TensorFlow tensors for the arithmetic)."
        )
    if got.shape == expected.shape and np.count_nonzero(expected) > 1:  # one number is always a multiple
        factor = float(np.sum(got * expected) / np.sum(expected**2))
        scaled = abs(factor) > 1e-6 and abs(factor - 1) > 1e-3  # not all zeros, not right
        if scaled and np.allclose(got, factor * expected, atol=atol, rtol=rtol):
            raise AssertionError(
                f"{name} is wrong: every value is {factor:.4g} times the expected one, so a constant factor is "
                "off (a mean where a sum is asked, a missing or extra 1/2, a division by a count)."
            )
    difference = np.abs(got - expected)
    where = np.unravel_index(int(np.argmax(difference)), difference.shape) if difference.ndim else ()
    at = f" at index {tuple(int(i) for i in where)}" if where else ""
    raise AssertionError(
        f"{name} is wrong: the largest difference from the expected values is {float(difference.max()):.3g}{at} "
        f"(expected {float(expected[where]):.6g}, got {float(got[where]):.6g}). {otherwise}".rstrip()
    )


def naming_case(describe_case):
    """Decorate a `verify(case, payload)` so that its messages start with the case they are
    about, e.g. "On the case with X of shape (2, 6, 3): ...". `describe_case(case)` gives
    the words after "the case with"."""

    def decorate(verify):
        @functools.wraps(verify)
        def named(case, payload):
            try:
                verify(case, payload)
            except AssertionError as error:
                raise AssertionError(f"On the case with {describe_case(case)}: {error}") from None

        return named

    return decorate


def shapes_of(case: dict, names: list[str]) -> str:
    """`describe_case` for cases of arrays: "X of shape (2, 6, 3), h0 of shape (2, 4)"."""
    return ", ".join(f"{k} of shape {np.shape(case[k])}" for k in names)


def model_payload(model) -> dict:
    """A Keras model as plain data: its JSON config and its weights (worker side)."""
    if not (hasattr(model, "to_json") and hasattr(model, "get_weights")):
        raise AssertionError(f"expected a keras.Model, but your function returned {describe(model)}.")
    try:
        config = model.to_json()
    except NotImplementedError:
        raise AssertionError(
            "your model could not be saved: a subclassed keras.Model (class MyModel(keras.Model)) has no "
            "config. Build it with keras.Sequential([...]) or the functional API, keras.Model(inputs, outputs)."
        ) from None
    except Exception as error:  # noqa: BLE001 - any other reason it cannot be sent
        raise AssertionError(f"your model could not be saved ({type(error).__name__}: {error}).") from None
    weights = model.get_weights()
    return {"config": np.array(config), **{f"weight{i}": np.asarray(w) for i, w in enumerate(weights)}}


def rebuild(payload: dict):
    """The model and its weights, rebuilt from `model_payload` data (grader side). Only
    Keras's own classes are accepted, so rebuilding runs no code of the submission's."""
    import keras

    config = str(payload["config"])
    only_keras_modules(json.loads(config))
    try:
        model = keras.models.model_from_json(config)
    except Exception as error:  # noqa: BLE001
        raise AssertionError(f"the model could not be rebuilt from its config ({type(error).__name__}: {error})") from None
    weights = [payload[f"weight{i}"] for i in range(sum(k.startswith("weight") for k in payload))]
    if not weights or not model.built:
        raise AssertionError("the model has no weights yet: start it with keras.Input(shape=...).")
    try:
        model.set_weights(weights)
    except ValueError as error:
        raise AssertionError(f"the model's weights do not fit its layers ({error})") from None
    return model


def only_keras_modules(config) -> None:
    """Refuse configs that name code outside Keras."""
    if isinstance(config, dict):
        module = config.get("module")
        if module is not None and not str(module).startswith("keras"):
            raise AssertionError(
                f"the model uses {module}.{config.get('class_name')}, which the grader cannot rebuild: it rebuilds "
                "Keras's own classes only. Build the model from Keras layers with keras.Sequential([...]) or the "
                "functional API, keras.Model(inputs, outputs), without a class of your own."
            )
        for value in config.values():
            only_keras_modules(value)
    elif isinstance(config, list):
        for value in config:
            only_keras_modules(value)
