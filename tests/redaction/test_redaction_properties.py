"""Property-based tests: redact() never crashes and never lets a declared value through."""

import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from redaction import REPLACEMENTS, Redactor, normalize_width

TEXT_ALPHABET = (
    "李张王欧阳明伟娜小阜康市路号的，。；：、（）()[]【】-—－ \u3000\n\t"
    "0123456789０１２３４５６７８９XxAaBb住址家住负责人电话账号银行卡号新京不动产权第"
)
VALUE_ALPHABET = "0123456789XxAb李张阜康路号"
NAME_ALPHABET = "李张王欧阳明伟娜"
SEPARATORS = ["", "", "", " ", "-", "－", "—", "\u3000", "(", ")", "  "]

_GAPS = re.compile(r"[\s\-().]")


def squash(s: str) -> str:
    """The output as the declared-value matcher sees it: width-folded, dashes
    folded, separators removed, lower case."""
    s = normalize_width(s)
    s = re.sub("[\u2010-\u2015\u2212]", "-", s)
    return _GAPS.sub("", s).lower()


@st.composite
def rendered(draw, value: str) -> str:
    """`value` as staff might have typed it in the text."""
    out = []
    for c in value:
        if draw(st.booleans()) and "!" <= c <= "~":
            c = chr(ord(c) + 0xFEE0)  # full width
        out.append(c)
        out.append(draw(st.sampled_from(SEPARATORS)))
    return "".join(out[:-1])


@st.composite
def documents(draw):
    values = draw(st.lists(st.text(VALUE_ALPHABET, min_size=1, max_size=12), max_size=4))
    names = draw(st.lists(st.text(NAME_ALPHABET, min_size=2, max_size=4), max_size=3))
    pieces = draw(st.lists(st.text(TEXT_ALPHABET, max_size=30), min_size=1, max_size=6))
    inserts = [draw(rendered(v)) for v in values]
    for n in names:
        spaced = draw(st.booleans())
        inserts.append(" ".join(n) if spaced else n)
    text = ""
    for i, p in enumerate(pieces):
        text += p
        if i < len(inserts):
            text += inserts[i]
    text += "".join(inserts[len(pieces):])
    kinds = draw(st.lists(st.sampled_from(["phone", "id_number", "address", "other", "bank_account"]),
                          min_size=len(values), max_size=len(values)))
    return text, list(zip(kinds, values)), names


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(documents())
def test_no_declared_value_survives(doc):
    text, protected, names = doc
    r = Redactor(protected=protected, names=names)
    out = r.redact(text).text
    # A value "号" vs. "［电话号码已隐去］", a value "张" vs. the alias 张某:
    # what the redactor wrote itself is not a leak.
    for written in sorted({*REPLACEMENTS.values(), *r.aliases.values()}, key=len, reverse=True):
        out = out.replace(written, "\0")
    sq = squash(out)
    for _kind, v in protected:
        assert squash(v) not in sq, (text, v, out)
    folded = normalize_width(out)
    for n in names:
        assert not re.search("[ \t]?".join(map(re.escape, n)), folded), (text, n, out)


@settings(max_examples=300, deadline=None)
@given(
    st.text(max_size=200),
    st.lists(st.tuples(st.sampled_from(["phone", "other", "x"]), st.text(max_size=8)), max_size=3),
    st.lists(st.text(max_size=5), max_size=3),
    st.lists(st.text(max_size=8), max_size=3),
)
def test_random_text_never_crashes_and_findings_are_consistent(text, protected, names, public):
    res = Redactor(protected=protected, names=names, public=public).redact(text)
    pos = 0
    rebuilt = []
    for f in res.findings:
        assert pos <= f.start < f.end <= len(text)
        rebuilt.append(text[pos : f.start])
        pos = f.end
    rebuilt.append(text[pos:])
    # everything outside the findings is unchanged, in order
    it = iter(rebuilt)
    remaining = res.text
    for chunk in it:
        idx = remaining.find(chunk)
        assert idx != -1
        remaining = remaining[idx + len(chunk):]


@settings(max_examples=200, deadline=None)
@given(st.text(TEXT_ALPHABET, max_size=80))
def test_detectors_are_deterministic_and_idempotent(text):
    a = Redactor().redact(text)
    b = Redactor().redact(text)
    assert a == b
