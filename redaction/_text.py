"""Character-level helpers shared by the detectors.

Every transformation here maps one code point to exactly one code point, so a
span found in the transformed text is the same span in the original text.
"""

from __future__ import annotations

import re

# Full-width ASCII block U+FF01..U+FF5E -> U+0021..U+007E, ideographic space -> space.
_WIDTH_TABLE: dict[int, str] = {cp: chr(cp - 0xFEE0) for cp in range(0xFF01, 0xFF5F)}
_WIDTH_TABLE[0x3000] = " "


def normalize_width(s: str) -> str:
    """Map full-width ASCII (０-９ Ａ-Ｚ ａ-ｚ － ＋ （ ） … and U+3000) to ASCII.

    The mapping is one character to one character, so the result has the same
    length as the input and spans stay valid.
    """
    return s.translate(_WIDTH_TABLE)


# The detectors' fold additionally maps dash-like characters to "-" and exotic
# spaces (no-break, thin, zero-width, BOM) to " " so that one separator class
# covers them. Still 1:1.
_FOLD_TABLE: dict[int, str] = dict(_WIDTH_TABLE)
for _cp in (0x2010, 0x2011, 0x2012, 0x2013, 0x2014, 0x2015, 0x2212, 0xFE58, 0xFE63):
    _FOLD_TABLE[_cp] = "-"
for _cp in (0x00A0, 0x1680, 0x202F, 0x205F, 0x2060, 0xFEFF, *range(0x2000, 0x200E)):
    _FOLD_TABLE[_cp] = " "
del _cp


_FOLD_MAP: dict[str, str] = {chr(k): v for k, v in _FOLD_TABLE.items()}
_FOLD_RX = re.compile("[" + re.escape("".join(_FOLD_MAP)) + "]")


def _fold_char(m: re.Match[str]) -> str:
    return _FOLD_MAP[m.group()]


def fold(s: str) -> str:
    """normalize_width plus dash/space folding (internal, same length).

    A regex substitution of the (few) affected characters is about twice as
    fast as str.translate with a dict on Chinese text, which makes Python look
    up every character.
    """
    return _FOLD_RX.sub(_fold_char, s)


# Han ideographs: CJK unified (incl. extension A), compatibility, extensions B+ and 〇.
HAN = "\u3007\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"


def is_han(ch: str) -> bool:
    o = ord(ch)
    return (
        0x4E00 <= o <= 0x9FFF
        or 0x3400 <= o <= 0x4DBF
        or 0xF900 <= o <= 0xFAFF
        or 0x20000 <= o <= 0x3134F
        or o == 0x3007
    )


# Dots used inside minority / foreign names written in Chinese (胡阿提别克·努尔哈孜).
NAME_DOTS = "·•・･‧.．"
