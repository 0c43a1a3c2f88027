"""One call at the top of every notebook: `setup()`. And `glue()` for numbers in prose."""

from __future__ import annotations

import os
import sys
import warnings

SEED = 42

# Set by the grader in the environment of the process that runs a submission
# (helpers.grading.worker): there setup() skips the plot style (matplotlib costs half a
# second per submission, and nothing is plotted), and grade_this_notebook() does nothing.
GRADER_WORKER_ENV = "RNN_BOOK_GRADER_WORKER"

# TensorFlow reads these when it is first imported, so they must be set before that.
_QUIET_ENV = {
    "TF_CPP_MIN_LOG_LEVEL": "3",  # C++ INFO, WARNING and ERROR lines
    "TF_ENABLE_ONEDNN_OPTS": "0",  # the oneDNN banner, and its run-to-run rounding noise
}


def setup(seed: int = SEED) -> None:
    """Seed everything, make TensorFlow deterministic and quiet, and set the plot style.

    Call it once, before anything imports TensorFlow. Calling it again (re-running the
    cell) only re-seeds.
    """
    if "tensorflow" in sys.modules and any(os.environ.get(k) != v for k, v in _QUIET_ENV.items()):
        warnings.warn(
            "TensorFlow was imported before helpers.notebook.setup(): its log settings "
            "cannot take effect. Restart the kernel and run the setup cell first.",
            stacklevel=2,
        )
    os.environ.update(_QUIET_ENV)

    import keras
    import tensorflow as tf

    tf.get_logger().setLevel("ERROR")
    keras.utils.set_random_seed(seed)  # Python, NumPy and TensorFlow generators
    tf.config.experimental.enable_op_determinism()
    if not os.environ.get(GRADER_WORKER_ENV):
        from helpers.plots import style

        style.apply()


def glue(name: str, value):
    """Make `value` citable in the book's prose as {glue:text}`name` (or `name:.3f`).

    In the book build this is myst-nb's `glue`, which shows nothing in the cell; where
    myst-nb is missing (Colab) it prints the value. Returns `value`.
    """
    if hasattr(value, "item"):  # a NumPy scalar: myst-nb formats only Python numbers
        value = value.item()
    try:
        from myst_nb import glue as myst_glue
    except ImportError:
        print(f"{name} = {value}")
    else:
        myst_glue(name, value, display=False)
    return value
