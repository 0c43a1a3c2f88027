"""Text for character-level models: cutting a text into windows of ids, and real text that
ships in packages (the `text` extra)."""

from __future__ import annotations

import numpy as np


def char_sequences(text: str, num_steps: int):
    """Cut a text into non-overlapping input/target windows of character ids, for next-character prediction.

    The vocabulary is the sorted set of characters in `text`; `ids[i]` is the position of
    character i in it. Returns X and Y of shape (num_windows, num_steps), int64, where
    Y is X shifted by one character (Y[:, t] is the character after X[:, t]), and the
    vocabulary as a list of characters. num_windows = (len(text) - 1) // num_steps; the
    leftover characters at the end are dropped.
    """
    if num_steps < 1:
        raise ValueError(f"num_steps must be at least 1, got {num_steps}")
    if len(text) < num_steps + 1:
        raise ValueError(f"the text has {len(text)} characters; need at least num_steps + 1 = {num_steps + 1}")
    vocab = sorted(set(text))
    index = {c: i for i, c in enumerate(vocab)}
    ids = np.array([index[c] for c in text], dtype=np.int64)  # (len(text),)
    num_windows = (len(ids) - 1) // num_steps
    X = ids[: num_windows * num_steps].reshape(num_windows, num_steps)  # (num_windows, num_steps)
    Y = ids[1 : num_windows * num_steps + 1].reshape(num_windows, num_steps)  # (num_windows, num_steps)
    return X, Y, vocab


def census_first_names(sex: str) -> tuple[list[str], np.ndarray]:
    """The first names of the 1990 US census, as shipped in the `names` package (extra `text`).

    `sex` is "female" (4,275 names) or "male" (1,219 names): the census's two lists, which
    overlap (a name recorded for both sexes appears in both). Returns the names in
    lowercase, most frequent first, and each name's frequency in percent of the people of
    that sex, shape (num_names,). The lists cover about 90 % of people.
    """
    import importlib.util
    from pathlib import Path

    if sex not in ("female", "male"):
        raise ValueError(f'sex must be "female" or "male", got {sex!r}')
    spec = importlib.util.find_spec("names")
    if spec is None or spec.origin is None:
        raise ModuleNotFoundError("the `names` package is missing: pip install 'rnn-book-helpers[text]'")
    rows = (Path(spec.origin).parent / f"dist.{sex}.first").read_text().split("\n")
    fields = [row.split() for row in rows if row.strip()]
    names = [f[0].lower() for f in fields]
    percent = np.array([float(f[1]) for f in fields])  # (num_names,)
    return names, percent


def python_docs_text() -> str:
    """English prose that ships with every Python: the help topics of `pydoc_data.topics`.

    The 79 topics (the "assert" statement, assignment, ... "with", "yield"), in alphabetical
    order of their keys, joined by newlines: about 465,000 characters of the language
    reference, with its code examples. The exact text depends on the Python version (each
    release edits the reference), so the figures computed from it do too.
    """
    from pydoc_data.topics import topics

    return "\n".join(topics[key] for key in sorted(topics))
