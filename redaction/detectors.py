"""Recognizers for undeclared personal values, Presidio style.

Each recognizer is a small class: precompiled patterns, a validator
(checksum, date, context), a kind and rule names. They all receive the
width-folded text (see _text.fold: same length as the input, full-width digits
and letters already ASCII, dashes "-", odd spaces " ") and yield candidate spans
``(start, end, kind, rule)``. Deciding what is finally replaced (public values,
overlaps) is the engine's job, not theirs.

REGISTRY lists them in priority order: when two candidates cover exactly the
same span, the earlier recognizer's kind wins.
"""

from __future__ import annotations

import re
from typing import ClassVar, Iterator

from ._text import HAN
from .context import iter_context_names
from .idnumber import PROVINCE_CODES, checksum_ok, parse_birth

Candidate = tuple[int, int, str, str]

# A separator between digit groups: space, tab or hyphen (after folding,
# full-width and dash-like characters are already one of these).
_SEP = r"[ \t-]"
# "Not preceded by a digit", written *after* the first digit of a pattern:
# patterns that start with a plain character class let the regex engine jump
# from candidate to candidate; a leading lookbehind makes it try every
# position (measured: 5-20x slower on long texts).
_D0 = r"[0-9](?<![0-9]{2})"
_NOT_AMOUNT = r"(?![ \t]*(?:元|万|亿|千克|吨|%|％))"

# Province abbreviations used on plates and as certificate prefixes.
PROVINCES = "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼"


class Recognizer:
    """Base class. Subclasses set kind and implement find()."""

    kind: ClassVar[str] = ""
    #: Only run when the text contains an ASCII digit (after folding).
    needs_digit: ClassVar[bool] = True
    #: Only run when the text has a run of at least this many digits (with
    #: up to three separators between them); see engine.digit_run_class().
    min_run: ClassVar[int] = 0

    def find(self, text: str) -> Iterator[Candidate]:  # pragma: no cover - interface
        raise NotImplementedError


# ---------------------------------------------------------------- ID numbers
class IdNumberRecognizer(Recognizer):
    """18-digit (GB 11643) and legacy 15-digit resident ID numbers.

    - id18: correct check character and a valid birth date;
    - id18_unchecked: wrong check character, but a valid birth date and a real
      province code (a mistyped ID is still an ID: err on hiding);
    - id15: 15 digits, province code and a valid 19YYMMDD birth date.
    Accepted shapes: contiguous, 6-8-4 and 6-4-4-4 groups; any other grouping
    (up to two separator characters between digits) only when the check
    character is correct.
    """

    kind = "id_number"
    min_run = 15
    # Any grouping with up to two separators between digits; the shape is
    # classified afterwards (strict shapes may carry a wrong check digit).
    _rx18 = re.compile(rf"{_D0}(?:{_SEP}{{0,2}}[0-9]){{16}}{_SEP}{{0,2}}[0-9Xx](?![0-9])")
    _STRICT_SHAPES = ((18,), (6, 8, 4), (6, 4, 4, 4))
    _groups = re.compile(r"[0-9Xx]+")
    _shapes15 = re.compile(
        rf"{_D0}(?:[0-9]{{14}}|[0-9]{{5}}{_SEP}{{1,2}}[0-9]{{6}}{_SEP}{{1,2}}[0-9]{{3}})(?![0-9Xx])"
    )
    _strip = re.compile(r"[ \t-]")

    def find(self, text: str) -> Iterator[Candidate]:
        for m in self._rx18.finditer(text):
            raw = m.group()
            d = self._strip.sub("", raw).upper()
            if parse_birth(d[6:14]) is None:
                continue
            if checksum_ok(d):
                yield m.start(), m.end(), self.kind, "id18"
            elif d[:2] in PROVINCE_CODES:
                shape = tuple(len(g) for g in self._groups.findall(raw))
                if shape in self._STRICT_SHAPES:
                    yield m.start(), m.end(), self.kind, "id18_unchecked"
        for m in self._shapes15.finditer(text):
            d = self._strip.sub("", m.group())
            if d[:2] in PROVINCE_CODES and parse_birth("19" + d[6:12]) is not None:
                yield m.start(), m.end(), self.kind, "id15"


# -------------------------------------------------------------------- phones
class MobileRecognizer(Recognizer):
    """Mainland mobiles 1[3-9]x xxxx xxxx, optional +86/0086/86/(+86) prefix,
    any grouping with spaces or hyphens; not inside a longer digit run and not
    an amount (…元)."""

    kind = "phone"
    min_run = 10
    _number = rf"1[3-9][0-9](?:{_SEP}{{0,2}}[0-9]){{8}}"
    _rx = re.compile(
        r"(?:"
        rf"1(?<![0-9]1)[3-9][0-9](?:{_SEP}{{0,2}}[0-9]){{8}}"
        rf"|\+86{_SEP}{{0,2}}{_number}"
        rf"|0(?<![0-9]0)086{_SEP}{{0,2}}{_number}"
        rf"|8(?<![0-9]8)6{_SEP}{{0,2}}{_number}"
        rf"|\([ \t]*\+?86[ \t]*\){_SEP}{{0,2}}{_number}"
        r")(?![0-9])" + _NOT_AMOUNT
    )

    def find(self, text: str) -> Iterator[Candidate]:
        for m in self._rx.finditer(text):
            yield m.start(), m.end(), self.kind, "mobile"


class LandlineRecognizer(Recognizer):
    """Landlines: area code (010, 02x, 0xxx) + 7-8 digit local number starting
    with 2-9; separators "-" or spaces, (0994)3235169, +86 994 3235169, and an
    optional extension (转/分机/ext/-/#). Local numbers without an area code
    are not detected (too many false positives)."""

    kind = "phone"
    min_run = 10
    _area = r"0(?:10|2[0-9]|[3-9][0-9]{2})"
    _area_tail = r"(?:10|2[0-9]|[3-9][0-9]{2})"  # the area code without its 0
    _local = rf"(?:[2-9][0-9]{{6,7}}|[2-9][0-9]{{2,3}}{_SEP}[0-9]{{4}})"
    _rx = re.compile(
        r"(?:"
        rf"\([ \t]*{_area}[ \t]*\){_SEP}{{0,2}}{_local}"
        rf"|0(?<![0-9]0){_area_tail}(?:{_SEP}{{1,2}}{_local}|[2-9][0-9]{{6,7}})"
        rf"|\+86{_SEP}{{0,2}}(?:\(0\))?{_area_tail}{_SEP}{{0,2}}{_local}"
        rf"|0(?<![0-9]0)086{_SEP}{{0,2}}(?:\(0\))?{_area_tail}{_SEP}{{0,2}}{_local}"
        r")"
        r"(?:[ \t]*(?:转|分机|ext\.?|EXT\.?|[-#xX])[ \t]*[0-9]{1,5})?"
        r"(?![0-9])"
    )

    def find(self, text: str) -> Iterator[Candidate]:
        for m in self._rx.finditer(text):
            yield m.start(), m.end(), self.kind, "landline"


# ------------------------------------------------------------ bank accounts
def luhn_ok(digits: str) -> bool:
    total = 0
    for i, c in enumerate(reversed(digits)):
        d = ord(c) - 48
        if i % 2:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return total % 10 == 0


class BankCardRecognizer(Recognizer):
    """16-19 digit card numbers passing the Luhn check: contiguous, in groups
    of four (last group 1-7 digits) or 6+rest."""

    kind = "bank_account"
    min_run = 15
    _rx = re.compile(
        rf"{_D0}(?:"
        r"[0-9]{15,18}"
        rf"|[0-9]{{3}}(?:{_SEP}[0-9]{{4}}){{3}}(?:{_SEP}[0-9]{{1,3}})?"
        rf"|[0-9]{{3}}(?:{_SEP}[0-9]{{4}}){{2}}{_SEP}[0-9]{{5,7}}"
        rf"|[0-9]{{5}}{_SEP}[0-9]{{10,13}}"
        r")(?![0-9])"
    )
    _strip = re.compile(r"[ \t-]")

    def find(self, text: str) -> Iterator[Candidate]:
        for m in self._rx.finditer(text):
            d = self._strip.sub("", m.group())
            if 16 <= len(d) <= 19 and luhn_ok(d):
                yield m.start(), m.end(), self.kind, "luhn"


class BankContextRecognizer(Recognizer):
    """Any run of 8+ digits (spaces/hyphens allowed) that starts within 12
    characters after 账号/卡号/开户/银行/账户 (and the 帐 variants); not an
    amount."""

    kind = "bank_account"
    _rx = re.compile(
        r"(?:账号|帐号|卡号|开户|银行|账户|帐户)[^0-9\n]{0,12}?"
        rf"([0-9](?:{_SEP}?[0-9]){{7,}})(?![0-9])" + _NOT_AMOUNT
    )

    def find(self, text: str) -> Iterator[Candidate]:
        for m in self._rx.finditer(text):
            yield m.start(1), m.end(1), self.kind, "bank_context"


# ------------------------------------------------ property certificates
class PropertyCertRecognizer(Recognizer):
    """Movable / immovable property certificate numbers.

    - 新(2021)阜康市不动产权第0001234号 (whole expression, prefix included),
      不动产证明第…号;
    - 房权证…字第…号 / 房屋所有权证…;
    - land: 国用(2019)第…号, 集用/集建(…)第…号;
    - a number after 房产证号/产权证号/土地证号/不动产权证书号/机动车登记证书编号/
      登记证书/行驶证 (the value only, the label stays);
    - 17-character VIN after 车辆识别代号/车架号/VIN, 发动机号.
    """

    kind = "property_cert"
    _num = r"[0-9A-Za-z][0-9A-Za-z-]*"
    _year = r"[(\[〔【][ \t]*[0-9]{4}[ \t]*[)\]〕】]"
    _realty = re.compile(rf"不动产(?:权|登记证明|证明)[ \t]*第?[ \t]*{_num}[ \t]*号?")
    # The prefix of a 不动产 certificate number, e.g. "新(2021)阜康市", matched
    # against the few characters before 不动产 (anchored at their end).
    _realty_prefix = re.compile(rf"(?:[{PROVINCES}][ \t]*)?{_year}[ \t]*[{HAN}]{{0,12}}$")
    _rxs = (
        re.compile(rf"房(?:屋所有|屋产)?权证[{HAN}]{{0,6}}?字?[ \t]*第?[ \t]*{_num}[ \t]*号?"),
        re.compile(rf"(?:国用|集用|集建|集有|国有)[ \t]*{_year}[ \t]*第?[ \t]*{_num}[ \t]*号?"),
        re.compile(
            r"(?:房产证书?|房屋所有权证书?|房屋产权证书?|产权证书?|土地使用权证|土地使用证|土地证|"
            r"不动产权证书?|不动产证|不动产登记证明|机动车登记证书|车辆登记证书|登记证书|行驶证|"
            r"发动机号码?|发动机编号)"
            r"(?:号码|编号|号)?[ \t]*[:：为是]?[ \t]*(?:No\.?[ \t]*)?"
            rf"((?:[{HAN}]{{1,6}}字[ \t]*)?第?[ \t]*(?=[0-9A-Za-z-]*[0-9])[0-9A-Za-z][0-9A-Za-z-]{{3,}}(?:[ \t]*号)?)"
        ),
        re.compile(
            r"(?:车辆识别代号|车辆识别代码|车辆识别码|车架号码?|VIN码?)"
            r"(?:[ \t]*\([ \t]*VIN[ \t]*\))?[ \t]*[:：为是]?[ \t]*"
            r"((?=[0-9A-Za-z]*[0-9])[A-HJ-NPR-Za-hj-npr-z0-9]{17})(?![0-9A-Za-z])"
        ),
    )

    # Every pattern below contains one of these words: a cheap first check.
    _gate = re.compile(
        "不动产|权证|房产证|国用|集用|集建|集有|国有|土地证|土地使用|登记证|行驶证|发动机|识别代|识别码|车架"
        "|VIN|vin|Vin"
    )

    def find(self, text: str) -> Iterator[Candidate]:
        if self._gate.search(text) is None:
            return
        for m in self._realty.finditer(text):
            start = m.start()
            window = text[max(0, start - 24) : start]
            p = self._realty_prefix.search(window)
            if p is not None:
                start -= len(window) - p.start()
            yield start, m.end(), self.kind, "property_cert"
        for rx in self._rxs:
            for m in rx.finditer(text):
                g = 1 if rx.groups else 0
                if not any(c.isdigit() for c in m.group(g)):
                    continue
                yield m.start(g), m.end(g), self.kind, "property_cert"


# --------------------------------------------------------------- plates
class PlateRecognizer(Recognizer):
    """Vehicle plates: province + letter + 5 (or 6, new energy) alphanumerics,
    optional ·/space/hyphen after the letter, or 4 + 挂/学/警/港/澳/领/试/超.
    At least one digit is required in the tail."""

    kind = "plate"
    _L = "A-HJ-NP-Za-hj-np-z"
    _rx = re.compile(
        rf"[{PROVINCES}](?<![A-Za-z0-9].)[{_L}][ \t·•・･.-]?"
        rf"(?:[{_L}0-9]{{5,6}}|[{_L}0-9]{{4}}[挂学警港澳领试超])"
        r"(?![A-Za-z0-9])"
    )

    def find(self, text: str) -> Iterator[Candidate]:
        for m in self._rx.finditer(text):
            if any(c.isdigit() for c in m.group()[2:]):
                yield m.start(), m.end(), self.kind, "plate"


# ------------------------------------------------------------- addresses
class AddressRecognizer(Recognizer):
    """The text after 住址/家住/住所/现住/家庭住址/现住址/户籍地/居住地 (optional
    "：", ":", "为", "是", "在", or the next cell of a Markdown table), up to
    the next ，。；;,、| or newline, a closing parenthesis that was not opened
    inside the address, a following label (电话/手机/联系/身份证/邮编), or 60
    characters. Organisation premises after 住所 stay visible when they are
    passed as public values."""

    kind = "address"
    needs_digit = False
    _rx = re.compile(
        r"(?:家庭住址|家庭地址|现住址|现住所|现居住地|现居地|户籍地址|户籍所在地|户籍地|"
        r"居住地址|居住地|住址|住所地|住所|家住|现住|现居)"
        r"[*_]*[ \t]*(?:[:：为是在]|位于)?[*_]*[ \t]*(?:\|[ \t]*)?"
    )
    _stops = frozenset("，,。；;、|\n\r\t")
    _labels = ("电话", "手机", "联系", "身份证", "邮编", "邮政编码")
    _bad_start = frozenset("等和及或与的、［[")
    MAX = 60

    def find(self, text: str) -> Iterator[Candidate]:
        n = len(text)
        for m in self._rx.finditer(text):
            start = m.end()
            i, depth = start, 0
            limit = min(n, start + self.MAX)
            while i < limit:
                c = text[i]
                if c in self._stops:
                    break
                if c in "(（":
                    depth += 1
                elif c in ")）":
                    if depth == 0:
                        break
                    depth -= 1
                elif c in "电手联身邮" and text.startswith(self._labels, i):
                    break
                i += 1
            end = i
            while end > start and text[end - 1] in " *_":
                end -= 1
            if end - start >= 2 and text[start] not in self._bad_start:
                yield start, end, self.kind, "address_after_keyword"


# ------------------------------------------------------------- birth dates
class BirthDateRecognizer(Recognizer):
    """A natural person's date of birth, known by its words: a date followed by 出生 or by 生
    and a punctuation mark (1985年4月12日出生, 1988年生）), or after 出生日期/出生年月/出生于/
    生于 (optional "：", ":", "为", "是", or the next cell of a Markdown table). Dates are
    1985年4月12日, 1985年4月, 1985年, 1985-04-12, 1985.4.12, 1985/4/12 and 1985-04. Only the date
    is hidden; every other date stays visible (decisions, delivery, 生效, 生产)."""

    kind = "birth_date"
    _DATE = (r"[0-9](?<![0-9]{2})[0-9]{3}[ \t]*(?:年(?:[ \t]*[0-9]{1,2}[ \t]*月(?:[ \t]*[0-9]{1,2}[ \t]*日)?)?"
             r"|[-./][0-9]{1,2}(?:[-./][0-9]{1,2})?(?![0-9]))")
    _after = re.compile(rf"({_DATE})[ \t]*(?:出生|生(?=[，,。；;、）)\s]|$))")
    _before = re.compile(r"(?:出生(?:日期|年月日|年月|时间)?|生于)[*_]*[ \t]*[:：为是于]?[*_]*[ \t]*"
                         rf"(?:\|[ \t]*)?({_DATE})")

    def find(self, text: str) -> Iterator[Candidate]:
        if "生" not in text:
            return
        for rx, rule in ((self._after, "date_before_birth"), (self._before, "date_after_birth")):
            for m in rx.finditer(text):
                yield m.start(1), m.end(1), self.kind, rule


# ----------------------------------------------------------- context names
class ContextNameRecognizer(Recognizer):
    """A 2-4 character Han name right after a role word (负责人张伟未…)."""

    kind = "name"
    needs_digit = False

    def find(self, text: str) -> Iterator[Candidate]:
        for s, e, _name in iter_context_names(text):
            yield s, e, self.kind, "context_name"


REGISTRY: tuple[Recognizer, ...] = (
    IdNumberRecognizer(),
    MobileRecognizer(),
    LandlineRecognizer(),
    BankCardRecognizer(),
    BankContextRecognizer(),
    PropertyCertRecognizer(),
    PlateRecognizer(),
    AddressRecognizer(),
    BirthDateRecognizer(),
    ContextNameRecognizer(),
)
