"""Name aliasing (SPEC 5.1)."""

import pytest

from redaction import Redactor, alias_names, surname_of


@pytest.mark.parametrize(
    "name, surname",
    [
        ("李小明", "李"),
        ("欧阳娜娜", "欧阳"),
        ("司马光", "司马"),
        ("诸葛亮", "诸葛"),
        ("胡阿提别克·努尔哈孜", "胡"),
        ("买买提•艾力", "买"),
        ("John Smith", "J"),
        ("john", "J"),
        ("李", ""),
        ("李某", "李"),
        ("欧阳", "欧"),  # a two-character name is surname + given name
    ],
)
def test_surname_of(name, surname):
    assert surname_of(name) == surname


def test_basic_aliases():
    assert alias_names(["李小明", "欧阳娜娜", "胡阿提别克·努尔哈孜", "John Smith", "王"]) == {
        "李小明": "李某",
        "欧阳娜娜": "欧阳某",
        "胡阿提别克·努尔哈孜": "胡某",
        "John Smith": "J某",
        "王": "某",
    }


def test_collisions_get_jia_yi_in_order_of_appearance():
    assert alias_names(["李小明", "王五", "李大明", "李小明", "李三"]) == {
        "李小明": "李某甲",
        "王五": "王某",
        "李大明": "李某乙",
        "李三": "李某丙",
    }


def test_same_person_same_alias_across_spellings():
    a = alias_names(["李小明", "李 小明", "ＬＩ"])
    assert a["李小明"] == a["李 小明"] == "李某"


def test_already_masked_maps_to_itself_and_is_reserved():
    assert alias_names(["李某", "张某甲"]) == {"李某": "李某", "张某甲": "张某甲"}
    a = alias_names(["李某", "李小明"])
    assert a["李某"] == "李某" and a["李小明"] != "李某"


def test_taken_aliases_are_not_reused():
    assert alias_names(["李小明"], taken=["李某"]) == {"李小明": "李某甲"}


def test_many_collisions_do_not_repeat():
    names = [f"李{chr(0x4E00 + i)}{chr(0x4E00 + i)}" for i in range(15)]
    aliases = list(alias_names(names).values())
    assert len(set(aliases)) == 15
    assert aliases[0] == "李某甲" and aliases[9] == "李某癸" and aliases[10] == "李某11"


def test_redactor_replaces_longest_names_first():
    r = Redactor(names=["欧阳娜", "欧阳娜娜"])
    assert r.redact("欧阳娜娜与欧阳娜").text == "欧阳某乙与欧阳某甲"


def test_names_with_spaces_and_dots_in_text():
    r = Redactor(names=["李小明", "胡阿提别克·努尔哈孜"])
    text = "李 小明、胡阿提别克•努尔哈孜、胡阿提别克 努尔哈孜、胡阿提别克"
    assert r.redact(text).text == "李某、胡某、胡某、胡某"


def test_latin_names_case_insensitive_whole_words():
    r = Redactor(names=["John Smith"])
    assert r.redact("JOHN SMITH 与 john smith，Johnsmithson").text == "J某 与 J某，Johnsmithson"


def test_aliases_property():
    r = Redactor(names=["李小明", "李大明", "欧阳娜娜"])
    assert r.aliases == {"李小明": "李某甲", "李大明": "李某乙", "欧阳娜娜": "欧阳某"}
    r.aliases["x"] = "y"  # a copy
    assert "x" not in r.aliases


def test_name_inside_longer_public_value_stays_visible():
    r = Redactor(names=["王强"], public=["王强五金店"])
    assert r.redact("王强系王强五金店经营者").text == "王某系王强五金店经营者"


def test_declared_name_also_public_is_hidden():
    r = Redactor(names=["王强"], public=["王强"])
    assert r.redact("王强到场").text == "王某到场"
