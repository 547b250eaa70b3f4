"""Possible personal names nobody declared, for the staff report (SPEC 5.4)."""

from __future__ import annotations

import logging
from typing import Iterable

from ._text import fold, is_han
from .context import COMMON_SURNAMES, iter_context_names
from .names import COMPOUND_SURNAMES, is_alias_form, name_key

_jieba_ready = False

# Surnames accepted for review: the common ones plus those left out of the
# context detector because they double as function words (都炳锋, 向, 于 …).
_SURNAMES = COMMON_SURNAMES | frozenset("于向都单全明国强平原车司路时应")
# jieba's dictionary tags many ordinary words "nr" because they start with a
# surname character (许可证, 陈述, 齐全, 申请人 …). Dictionary words this
# frequent are not personal names; 3-character dictionary words ending like
# a law, document, place or role are not either (许可法, 许可证书, 白杨河).
_COMMON_WORD_FREQ = 20
_NOT_NAME_ENDINGS = frozenset("法证书卡单局厂店部站所院")  # any 3-4 character token
_DICT_NOT_NAME_ENDINGS = frozenset("人河湖山路街村镇乡")  # dictionary words only


def _jieba():
    global _jieba_ready
    import jieba  # imported lazily: loading the dictionary takes about a second
    import jieba.posseg

    if not _jieba_ready:
        jieba.setLogLevel(logging.WARNING)  # jieba logs its start-up to stderr
        jieba.initialize()  # loads the dictionary (FREQ is empty before)
        _jieba_ready = True
    return jieba


def _looks_like_name(word: str, freq: dict[str, int]) -> bool:
    if word[:2] in COMPOUND_SURNAMES and len(word) >= 3:
        return True
    if word[0] not in _SURNAMES:
        return False
    f = freq.get(word) or 0  # 0 / None: not a word of the dictionary
    if f >= _COMMON_WORD_FREQ:
        return False
    if len(word) >= 3 and word[-1] in _NOT_NAME_ENDINGS:
        return False
    if f and (len(word) == 4 or word[-1] in _DICT_NOT_NAME_ENDINGS):
        return False
    return True


def find_review_names(text: str, known: Iterable[str] = ()) -> list[str]:
    """Possible personal names in `text` that are not in `known`.

    Sources: jieba part-of-speech tokens tagged "nr" (person name) of 2-4 Han
    characters, a compound surname followed by a name token (欧阳/娜娜), and names after role words (负责人张伟, see context.py).
    Skipped: names in `known` (declared persons, aliases, officers, public
    values) or contained in one of them, and masked forms ending in 某.
    Deduplicated, in order of first appearance.

    Known false positives, left for staff to dismiss rather than hidden behind
    a large stoplist: parts of organisation names (金鑫 in 阜康市金鑫铸造有限公司,
    康义), rare dictionary phrases starting with a surname (严格遵守, 申请回避),
    syllables of transliterated names (胡阿提, 别克) unless the full name is
    known, some place names.
    Known false negatives: names jieba segments differently (田永生 -> 田/永生),
    names after rare surnames, names that are frequent dictionary words.
    """
    if not text:
        return []
    known_keys = {name_key(k) for k in known if k is not None and str(k).strip()}
    known_keys.discard("")

    def wanted(w: str) -> bool:
        if not 2 <= len(w) <= 4 or not all(is_han(c) for c in w):
            return False
        if w.endswith("某") or is_alias_form(w):
            return False
        k = name_key(w)
        return not any(k in kk for kk in known_keys)

    found: list[tuple[int, str]] = []
    pos = 0
    jieba = _jieba()
    freq = jieba.dt.FREQ
    tokens = [(p.word, p.flag) for p in jieba.posseg.cut(text)]
    for i, (w, flag) in enumerate(tokens):
        if flag == "nr" and wanted(w) and _looks_like_name(w, freq):
            found.append((pos, w))
        elif w in COMPOUND_SURNAMES and i + 1 < len(tokens):
            # jieba splits 欧阳娜娜 into 欧阳/ns + 娜娜/nrt: join a compound
            # surname with a following 1-2 character name token.
            nxt, nflag = tokens[i + 1]
            if nflag.startswith("nr") and len(nxt) <= 2 and wanted(w + nxt):
                found.append((pos, w + nxt))
        pos += len(w)
    for s, _e, name in iter_context_names(fold(text)):
        if wanted(name):
            found.append((s, name))
    found.sort(key=lambda t: t[0])
    seen: set[str] = set()
    result: list[str] = []
    for _pos, w in found:
        if w not in seen:
            seen.add(w)
            result.append(w)
    return result
