"""Name aliasing for natural persons (SPEC 5.1): 李小明 -> 李某."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Iterable, Sequence

from ._text import NAME_DOTS, fold, is_han

# Two-character (复姓) surnames. A Han name that starts with one of these and is
# at least three characters long keeps both characters: 欧阳娜娜 -> 欧阳某.
COMPOUND_SURNAMES = frozenset(
    """
    欧阳 司马 上官 诸葛 东方 皇甫 尉迟 公孙 慕容 长孙 宇文 司徒 夏侯 轩辕 令狐
    端木 独孤 南宫 西门 百里 呼延 澹台 公冶 太史 申屠 闻人 万俟 钟离 宗政 濮阳
    淳于 单于 仲孙 赫连 司空 司寇 子车 颛孙 巫马 公西 漆雕 乐正 壤驷 公良 拓跋
    夹谷 宰父 谷梁 段干 左丘 东门 梁丘 羊舌 微生 公羊 第五 鲜于 闾丘 亓官 东郭
    南门 公户 公玉 公仪 梁余 公仲 公上 公门 公山 公坚 左人 乐羊 夏后 即墨 青阳
    钟吾 公叔 公伯 仲长 叔孙 锺离 歐陽 司馬 諸葛 東方 尉遲 長孫 夏侯 軒轅 令狐
    """.split()
)

# Suffixes that distinguish persons whose aliases would collide: 某甲, 某乙 …
# after the ten heavenly stems the numbering continues 某11, 某12 …
_STEMS = "甲乙丙丁戊己庚辛壬癸"

_ALIAS_FORM = re.compile(r"^.{0,3}某(?:[" + _STEMS + r"]|[0-9]+)?$")
_DOTS_RX = re.compile("[" + re.escape(NAME_DOTS) + "]")
_SPACES = re.compile(r"\s+")


def is_alias_form(name: str) -> bool:
    """True for names that are already masked: 李某, 欧阳某, 李某甲, 某, 张某2."""
    return bool(_ALIAS_FORM.match(name.strip()))


@lru_cache(maxsize=65536)
def name_key(name: str) -> str:
    """Canonical form used to decide whether two name strings are the same
    person: width-folded, without spaces or middle dots, lower case."""
    return _SPACES.sub("", _DOTS_RX.sub("", fold(str(name)))).lower()


def surname_of(name: str) -> str:
    """The part of a name that survives masking.

    - Han names: the surname, compound surnames kept whole (欧阳娜娜 -> 欧阳);
      a compound pair is only treated as a surname when the name has at least
      three characters (a two-character name 欧阳 is 欧 + 阳).
    - Names with a middle dot (胡阿提别克·努尔哈孜): the first character.
    - Latin-script names: the first letter, upper-cased (John Smith -> J).
    - A single-character name: "" (its alias is just 某).
    """
    n = fold(str(name)).strip()
    if not n:
        return ""
    if is_alias_form(n) and "某" in n:
        return n[: n.index("某")]
    first = _DOTS_RX.split(n, maxsplit=1)[0].strip() or n
    first = _SPACES.sub("", first)
    if not is_han(first[0]):
        return first[0].upper() if first[0].isalpha() else first[0]
    compact = _SPACES.sub("", _DOTS_RX.sub("", n))
    if len(compact) <= 1:
        return ""
    if len(compact) >= 3 and compact[:2] in COMPOUND_SURNAMES:
        return compact[:2]
    return first[0]


def suffixes() -> Iterable[str]:
    yield from _STEMS
    i = len(_STEMS) + 1
    while True:
        yield str(i)
        i += 1


def next_free_alias(base: str, used: set[str], *, plain_ok: bool = True) -> str:
    """`base` if free (and allowed), else base+甲/乙/… skipping used aliases."""
    if plain_ok and base not in used:
        return base
    for suf in suffixes():
        cand = base + suf
        if cand not in used:
            return cand
    raise AssertionError("unreachable")


def alias_names(names: Sequence[str], taken: Iterable[str] = ()) -> dict[str, str]:
    """Map each distinct person name to its alias (surname + 某).

    Names are considered in order of first appearance. Persons whose plain alias
    would collide (李小明, 李大明) get 李某甲, 李某乙 in that order; a person alone
    with a surname gets the plain 李某. The same name (also with different
    spacing or width) always maps to the same alias. A name that is already an
    alias (李某, 李某甲) maps to itself and reserves that alias. `taken` lists
    aliases already in use elsewhere that must not be handed out again.
    """
    used: set[str] = set(taken)
    order: list[str] = []  # original strings (stripped), deduplicated
    for raw in names:
        if raw is None:
            continue
        n = str(raw).strip()
        if n and n not in order:
            order.append(n)

    result: dict[str, str] = {}
    key_alias: dict[str, str] = {}
    # Already-masked names reserve their own alias first.
    for n in order:
        if is_alias_form(n):
            key_alias[name_key(n)] = n
            used.add(n)

    groups: dict[str, list[str]] = {}  # base alias -> keys, in order of appearance
    grouped: set[str] = set()
    for n in order:
        k = name_key(n)
        if k in key_alias or k in grouped:
            continue
        grouped.add(k)
        groups.setdefault(surname_of(n) + "某", []).append(k)

    for base, keys in groups.items():
        if len(keys) == 1:
            key_alias[keys[0]] = alias = next_free_alias(base, used)
            used.add(alias)
        else:
            for k in keys:
                key_alias[k] = alias = next_free_alias(base, used, plain_ok=False)
                used.add(alias)

    for n in order:
        result[n] = key_alias[name_key(n)]
    return result
