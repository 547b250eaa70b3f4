"""gongshi redaction engine: a pure text library (no Pelican, no records, no files).

    from redaction import Redactor

    r = Redactor(
        protected=[("phone", "13709904269"), ("id_number", "650102199003071234")],
        names=["都炳锋"],                   # natural persons, in order of appearance
        public=["0994-3235169", "马宏斌"],  # must stay visible (agency, officers, …)
    )
    r.redact("联系人都炳锋13709904269").text  # -> "联系人都某［电话号码已隐去］"
    r.aliases   # {"都炳锋": "都某"}
    r.counts    # {"phone": 1, "name": 1}  (per kind, accumulated; never values)

Precedence: declared protected values and names are always hidden, in any
spacing, hyphenation or width (a name strictly inside a longer public value,
e.g. 王强 in 王强五金店, stays visible); public values suppress the detectors
for undeclared values (detectors.REGISTRY: ID numbers, mobiles, landlines, bank
cards, property certificates, plates, addresses, birth dates written as such,
names after role words) when
they cover the finding; overlapping findings become one replacement, the
longest finding decides its kind. Replacement texts are in REPLACEMENTS; a name
becomes its alias (李小明 -> 李某, 欧阳娜娜 -> 欧阳某, collisions 李某甲/李某乙).
Names found after role words (负责人张伟) join the record's alias table;
Redactor.prime(text) finds them before the texts are redacted.

PublicValues(values) prepares public values shared by many records once
(Redactor(..., shared=...)): they act exactly like entries of `public`.

Helpers: alias_names, surname_of, is_valid_id_number, birth_date_from_id,
age_on, normalize_width, and find_review_names (jieba-based list of possible
undeclared names for staff review; jieba is imported only when it is called).
"""

from ._text import normalize_width
from .engine import REPLACEMENTS, Finding, Kind, PublicValues, RedactionResult, Redactor
from .idnumber import age_on, birth_date_from_id, is_valid_id_number
from .names import alias_names, surname_of
from .review import find_review_names

__all__ = [
    "Redactor",
    "PublicValues",
    "Finding",
    "RedactionResult",
    "Kind",
    "REPLACEMENTS",
    "alias_names",
    "surname_of",
    "is_valid_id_number",
    "birth_date_from_id",
    "age_on",
    "find_review_names",
    "normalize_width",
]
