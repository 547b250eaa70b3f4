"""A natural person's date of birth: hidden where the text says it is one, or where it is declared.

With the region (the agency's county) and the gender written next to it, a birth date leaves
~500 candidates for a hidden 18-digit ID number (6 + 8 digits known, the parity of the 17th
from the gender, the check character computed), so it is hidden like the ID number. Every other
date stays visible (SPEC 5.2: decision, delivery and publication dates are public).
"""

import pytest

from redaction import Kind, REPLACEMENTS, Redactor
from tests.redaction.conftest import make_id

BD = "［出生日期已隐去］"


def red(text, **kw):
    return Redactor(**kw).redact(text)


def test_replacement_and_kind():
    assert REPLACEMENTS[Kind.BIRTH_DATE] == BD


@pytest.mark.parametrize(
    "text, expected",
    [
        ("周某，男，1985年4月12日出生，汉族。", f"周某，男，{BD}出生，汉族。"),
        ("吴某，女，1990年03月07日生，住所略。", f"吴某，女，{BD}生，住所略。"),
        ("李某，1979年8月出生。", f"李某，{BD}出生。"),
        ("王某（1988年生）", f"王某（{BD}生）"),
        ("出生日期：1985-04-12，民族：汉", f"出生日期：{BD}，民族：汉"),
        ("出生年月：1985.4", f"出生年月：{BD}"),
        ("该人出生于1992年11月3日，", f"该人出生于{BD}，"),
        ("生于1975年", f"生于{BD}"),
        ("| 出生日期 | 1985/4/12 |", f"| 出生日期 | {BD} |"),
        ("１９８５年４月１２日出生", f"{BD}出生"),  # full-width digits
    ],
)
def test_birth_dates_by_context(text, expected):
    res = red(text)
    assert res.text == expected
    assert {f.kind for f in res.findings} == {"birth_date"}


@pytest.mark.parametrize(
    "text",
    [
        "本决定自2026年10月10日起生效。",  # 生效: not a birth
        "2026年10月10日作出处罚决定，2026年10月12日送达。",
        "该公司于2019年3月投产，2020年5月生产事故一起。",
        "依据《安全生产法》第二十八条，2021年9月1日施行。",
        "2026年10月10日生成的检查记录",
    ],
)
def test_other_dates_stay_visible(text):
    res = red(text)
    assert res.text == text and not res.findings


def test_a_declared_birth_date_is_hidden_wherever_it_stands():
    protected = [("birth_date", "1985年4月12日"), ("birth_date", "1985年04月12日")]
    res = red("当事人周某（1985年4月12日），另查1985年04月12日的记录。", protected=protected)
    assert res.text == f"当事人周某（{BD}），另查{BD}的记录。"


def test_a_birth_date_inside_an_id_number_goes_with_the_id_number():
    idn = make_id("652302", "19850412", "003")
    res = red(f"身份证号码{idn}，1985年4月12日出生", protected=[("id_number", idn)])
    assert res.text == f"身份证号码{REPLACEMENTS['id_number']}，{BD}出生"
    assert "19850412" not in res.text


def test_redacting_twice_changes_nothing():
    once = red("周某，1985年4月12日出生").text
    assert red(once).text == once
