"""Patterns for values declared by staff (protected, public) and for names.

All patterns are matched against the width-folded text (_text.fold), so a
declared "13709904269" also finds "１３７０９９０４２６９"; they are compiled once
per Redactor.
"""

from __future__ import annotations

import re
from typing import Iterable

from ._text import NAME_DOTS, fold, is_han

# Characters allowed (any number of them) between two characters of a declared
# protected value: whitespace, hyphens/dashes (folded to "-"), parentheses and
# dots, so "650102 19900307 123X", "0994-3235169", "(0994)3235169",
# "139.0000.1234" all match a value declared without them.
_GAP = r"[\s\-().]*"
_GAP_CHARS = frozenset(" \t\r\n\f\v-().")
_WS = re.compile(r"\s+")
# Placed right after the first character of a pattern: "the character before
# the match is not a letter or digit".
_NOT_AFTER_ALNUM = r"(?<![0-9A-Za-z].)"


def _core(value: str) -> str:
    """Folded value without separator characters."""
    return "".join(c for c in fold(value) if c not in _GAP_CHARS and not c.isspace())


def flexible_pattern(value: str) -> str | None:
    """Regex source matching `value` with any separators between its characters."""
    core = _core(value)
    if not core:
        return None
    return _GAP.join(re.escape(c) for c in core)


def public_pattern(value: str) -> str | None:
    """Like flexible_pattern, but an occurrence may not be part of a longer
    run of letters/digits (a public "0994-3235169" must not unmask the start of
    "0994-32351691234")."""
    core = _core(value)
    if not core:
        return None
    parts = [re.escape(c) for c in core]
    if core[0].isascii() and core[0].isalnum():
        # The boundary is checked *after* the first character: a pattern that
        # starts with a plain character lets the regex engine skip ahead with
        # a fast first-character scan, a leading lookbehind does not (20x).
        parts[0] += _NOT_AFTER_ALNUM
    src = _GAP.join(parts)
    if core[-1].isascii() and core[-1].isalnum():
        src += r"(?![0-9A-Za-z])"
    return src


def name_pattern(name: str) -> str | None:
    """Regex source for a declared person name.

    Han names: exact, with an optional single space between characters and any
    of the usual middle dots (·•・) or a space between the parts of a dotted
    name. Latin names: whitespace-flexible, case-insensitive (the regex is
    compiled with IGNORECASE) and not inside a longer Latin word.
    """
    n = fold(str(name)).strip()
    if not n:
        return None
    if not any(is_han(c) for c in n):
        words = n.split()
        src = r"[ \t]*".join(re.escape(w) for w in words)
        if n[0].isascii() and n[0].isalpha():
            src = re.escape(n[0]) + r"(?<![A-Za-z].)" + src[len(re.escape(n[0])):]
        return src + r"(?![A-Za-z])"
    parts: list[str] = []
    prev_han = False
    for c in n:
        if c.isspace():
            continue
        if c in NAME_DOTS:
            parts.append("[" + re.escape(NAME_DOTS) + r" \t]?")
            prev_han = False
            continue
        if prev_han and is_han(c):
            parts.append(r"[ \t]?")
        parts.append(re.escape(c))
        prev_han = is_han(c)
    return "".join(parts)


def alternation(sources: Iterable[str], flags: int = 0) -> re.Pattern[str] | None:
    """One compiled alternation, longest source first (so 欧阳娜娜 is tried
    before 欧阳娜)."""
    uniq = sorted(set(sources), key=lambda s: (-len(s), s))
    if not uniq:
        return None
    # Sources are concatenations without a top-level "|", so they can be
    # joined bare (keeps the first-character scan optimisation).
    return re.compile("|".join(uniq), flags)
