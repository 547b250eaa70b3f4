"""Matching declared values (protected, public) and names in a text.

Declared values are matched "flexibly": in any width, letter case, and with
separators anywhere between their characters, so a declared "650102199003071234"
also finds "650102 19900307 1234", "６５０１０２－１９９００３０７－１２３４" and
"(0994)3235169" finds "0994-3235169".

Instead of compiling a regex per record (compiling one alternation of ~50
flexible patterns costs ~10 ms, far more than redacting the record), the text
is "squashed" once: separators removed, ASCII letters lower-cased. Each declared
value's core is then found with str.find, and squashed positions are mapped
back to the original text with a bisect over the removed runs.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from functools import lru_cache
from itertools import accumulate

from ._text import NAME_DOTS, fold

# Separators allowed between two characters of a declared value or name:
# whitespace, hyphens/dashes (already folded to "-"), parentheses, dots and the
# middle dots of names (胡阿提别克·努尔哈孜). One set for values and names, so
# one squashed copy of the text serves both.
GAP_RUNS = re.compile(r"[\s\-()." + re.escape(NAME_DOTS) + "]+")

_ALNUM = frozenset("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")


def lower_same_length(s: str) -> str:
    """str.lower(), except for the few characters whose lower case is longer
    (İ -> i̇), which are kept as they are, so that positions do not move."""
    low = s.lower()
    if len(low) == len(s):
        return low
    return "".join(c if len(c.lower()) != 1 else c.lower() for c in s)


def squash(value: str) -> str:
    """`value` as it appears in squashed text ("" if nothing is left)."""
    return lower_same_length(GAP_RUNS.sub("", fold(value)))


# Declared values repeat across records (officers, agency data): cache them.
value_core = lru_cache(maxsize=65536)(squash)


def name_core(name: str) -> str:
    """A declared name as it appears in squashed text."""
    return value_core(name)


class Squashed:
    """`text` without the characters matched by `gaps`, lower-cased, with a
    map back to positions in `text`."""

    __slots__ = ("text", "kept", "_pos", "_cum")

    def __init__(self, text: str, gaps: re.Pattern[str]) -> None:
        self.text = text
        runs = [m.span() for m in gaps.finditer(text)]
        if runs:
            lengths = [e - s for s, e in runs]
            cum = list(accumulate(lengths))  # removed up to and including run k
            # squashed index at which run k sat
            self._pos = [s - c + n for (s, _e), c, n in zip(runs, cum, lengths)]
            self._cum = cum
            kept = gaps.sub("", text)
        else:
            self._pos, self._cum = [], []
            kept = text
        self.kept = lower_same_length(kept)

    def _orig(self, j: int) -> int:
        k = bisect_right(self._pos, j)
        return j + (self._cum[k - 1] if k else 0)

    def find_all(self, core: str, *, alnum_bounds: bool = False) -> list[tuple[int, int]]:
        """Spans in the original text of every occurrence of `core` (overlapping
        occurrences included). With alnum_bounds, an occurrence whose first
        (last) character is an ASCII letter/digit must not directly follow
        (precede) another ASCII letter/digit in the original text."""
        kept, text = self.kept, self.text
        i = kept.find(core) if core else -1
        if i == -1:
            return []
        out: list[tuple[int, int]] = []
        n = len(core)
        check_start = alnum_bounds and core[0] in _ALNUM
        check_end = alnum_bounds and core[-1] in _ALNUM
        pos, cum = self._pos, self._cum
        tlen = len(text)
        while i != -1:
            if pos:
                k = bisect_right(pos, i)
                s = i + (cum[k - 1] if k else 0)
                j = i + n - 1
                k = bisect_right(pos, j, k)
                e = j + (cum[k - 1] if k else 0) + 1
            else:
                s, e = i, i + n
            if not (
                (check_start and s > 0 and text[s - 1] in _ALNUM)
                or (check_end and e < tlen and text[e] in _ALNUM)
            ):
                out.append((s, e))
            i = kept.find(core, i + 1)
        return out
