"""Helpers for the redaction tests: build valid ID and card numbers."""

import sys
from pathlib import Path

import pytest

_ROOT = str(Path(__file__).resolve().parents[2])
if _ROOT not in sys.path:  # the project is not installed in the test venv
    sys.path.insert(0, _ROOT)

_W = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def make_id(area: str = "650102", birth: str = "19900307", seq: str = "123") -> str:
    """An 18-character resident ID with a correct GB 11643 check character."""
    body = area + birth + seq
    return body + "10X98765432"[sum(int(c) * w for c, w in zip(body, _W)) % 11]


def wrong_check(id18: str) -> str:
    """The same ID with a wrong check character."""
    return id18[:17] + ("0" if id18[17] != "0" else "1")


def make_luhn(prefix: str = "622202020000123", length: int = 16) -> str:
    """A card number of `length` digits starting with `prefix` that passes Luhn."""
    body = (prefix + "0" * length)[: length - 1]
    for d in "0123456789":
        cand = body + d
        total = 0
        for i, c in enumerate(reversed(cand)):
            v = int(c) * (2 if i % 2 else 1)
            total += v - 9 if v > 9 else v
        if total % 10 == 0:
            return cand
    raise AssertionError


def spaced(s: str, groups=(6, 8, 4), sep: str = " ") -> str:
    out, i = [], 0
    for g in groups:
        out.append(s[i : i + g])
        i += g
    return sep.join(out)


def to_fullwidth(s: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in s)


@pytest.fixture
def ids():
    """Namespace with the helpers above."""

    class H:
        pass

    h = H()
    h.make_id, h.wrong_check, h.make_luhn = make_id, wrong_check, make_luhn
    h.spaced, h.to_fullwidth = spaced, to_fullwidth
    return h
