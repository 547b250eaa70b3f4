"""The analyzer + anonymizer: Redactor, Finding, RedactionResult."""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from enum import Enum
from typing import Iterable

from ._text import NAME_DOTS, fold
from .declared import GAP_RUNS, Squashed, name_core, squash, value_core
from .detectors import REGISTRY, Recognizer
from .names import alias_names, is_alias_form, name_key, next_free_alias, surname_of


class Kind(str, Enum):
    ID_NUMBER = "id_number"
    PHONE = "phone"
    BANK_ACCOUNT = "bank_account"
    PROPERTY_CERT = "property_cert"
    PLATE = "plate"
    ADDRESS = "address"
    BIRTH_DATE = "birth_date"
    NAME = "name"
    OTHER = "other"

    def __str__(self) -> str:  # "phone", not "Kind.PHONE", in f-strings and logs
        return self.value


#: What a reader sees instead of a hidden value (names are replaced by their alias).
REPLACEMENTS: dict[str, str] = {
    Kind.ID_NUMBER.value: "［身份证号码已隐去］",
    Kind.PHONE.value: "［电话号码已隐去］",
    Kind.BANK_ACCOUNT.value: "［银行账号已隐去］",
    Kind.PROPERTY_CERT.value: "［权属证书编号已隐去］",
    Kind.PLATE.value: "［车牌号码已隐去］",
    Kind.ADDRESS.value: "［住址已隐去］",
    Kind.BIRTH_DATE.value: "［出生日期已隐去］",
    Kind.OTHER.value: "［已隐去］",
}

_KIND_ORDER = {k.value: i for i, k in enumerate(Kind)}
_KINDS = frozenset(_KIND_ORDER)
_HAS_DIGIT = re.compile(r"[0-9]")
# Digit runs (up to three separators between digits) of 10 and 15 digits:
# recognizers declare the run they need (Recognizer.min_run), most short texts
# (dates, amounts, article numbers) have neither and skip the number patterns.
_RUN10 = re.compile(r"[0-9](?:[ \t()+\-]{0,3}[0-9]){9}")
_RUN15 = re.compile(r"[0-9](?:[ \t()+\-]{0,3}[0-9]){14}")


def digit_run_class(folded: str) -> int:
    """0: no digit; 1: digits; 10: a run of 10+ digits; 15: a run of 15+."""
    m = _RUN10.search(folded)
    if m is None:
        return 0 if _HAS_DIGIT.search(folded) is None else 1
    return 15 if _RUN15.search(folded, m.start()) is not None else 10
# A replacement made earlier (in folded form): detectors must not fire inside
# it, so that redacting an already redacted text changes nothing.
_PLACEHOLDER = re.compile(r"\[[^\[\]\n]{1,10}已隐去\]")
_DOTS_SPLIT = re.compile("[" + re.escape(NAME_DOTS) + "]")
_NAME = Kind.NAME.value
_OTHER = Kind.OTHER.value


@dataclass(frozen=True)
class Finding:
    """One replaced span of the *input* text. `kind` is a Kind value ("phone"),
    `rule` names the detector ("declared", "id18", "mobile", "person_name", …)."""

    kind: str
    start: int
    end: int
    rule: str


@dataclass(frozen=True)
class RedactionResult:
    text: str
    findings: tuple[Finding, ...]


# A candidate before merging: (start, end, kind, rule, priority, alias)
_Cand = tuple[int, int, str, str, int, "str | None"]


class PublicValues:
    """Public values prepared once and shared by the Redactors of many records
    (an agency's name, address and phones, its officers, law titles): a
    Redactor given `shared=` skips re-deriving them per record, and the lookup
    of which of them occur in a text is grouped by their first character."""

    __slots__ = ("cores", "keys", "_core_set", "_by_first")

    def __init__(self, values: Iterable[str]) -> None:
        pub = [str(v) for v in values if v is not None]
        self.cores: tuple[str, ...] = tuple(c for c in dict.fromkeys(map(value_core, pub)) if c)
        self._core_set = frozenset(self.cores)
        self.keys = frozenset(map(name_key, pub))
        by_first: dict[str, list[str]] = {}
        for c in self.cores:
            by_first.setdefault(c[0], []).append(c)
        self._by_first = {ch: tuple(cs) for ch, cs in by_first.items()}

    def __contains__(self, core: str) -> bool:
        return core in self._core_set

    def present(self, kept: str) -> list[str]:
        """The cores occurring in squashed text `kept` (in no particular order)."""
        by_first = self._by_first
        return [c for ch in by_first.keys() & set(kept) for c in by_first[ch] if c in kept]


class Redactor:
    """Redacts the texts of one record.

    protected: (kind, value) pairs that are always hidden, in any spacing,
        hyphenation, width or letter case (kind "name" is treated like an entry
        of `names`, unknown kinds like "other").
    names: natural persons' names, replaced by their alias (李小明 -> 李某);
        the order fixes 甲/乙 for colliding aliases.
    public: values that must stay visible; they suppress detector findings
        they cover (at least 80% of the finding), never a declared value or
        name (except a name strictly inside a longer public value).
    detect: run the recognizers for undeclared values (detectors.REGISTRY).
    shared: more public values, prepared once for many Redactors (PublicValues);
        they act exactly like entries of `public`.

    Create one instance per record and use it for every text of the record:
    aliases stay stable, and names discovered after a role word (负责人张伟)
    are hidden in every later text too (see prime()). Construction does no
    regex compilation, so it is cheap enough to do 10,000 times per build.
    """

    def __init__(
        self,
        *,
        protected: Iterable[tuple[str, str]] = (),
        names: Iterable[str] = (),
        public: Iterable[str] = (),
        detect: bool = True,
        shared: PublicValues | None = None,
    ) -> None:
        self._detect = bool(detect)
        declared_names: list[str] = []
        # core -> kind (the first kind declared wins for identical values)
        self._protected: dict[str, str] = {}
        for kind, value in protected:
            if value is None:
                continue
            v = str(value).strip()
            if not v:
                continue
            k = str(getattr(kind, "value", kind))
            if k == Kind.NAME.value:
                declared_names.append(v)
                continue
            if k not in _KINDS:
                k = Kind.OTHER.value
            core = value_core(v)
            if core:
                self._protected.setdefault(core, k)

        pub = [str(v) for v in public if v is not None]
        self._shared = shared
        own = (c for c in dict.fromkeys(map(value_core, pub)) if c)
        self._public_cores = tuple(c for c in own if c not in shared) if shared is not None else tuple(own)
        self._public_keys = frozenset(map(name_key, pub))
        # text -> (folded, squashed, public spans) computed by prime(), reused by redact()
        self._primed: dict[str, tuple[str, Squashed, list[tuple[int, int]]]] = {}

        name_list = [str(n).strip() for n in names if n is not None and str(n).strip()]
        self._aliases: dict[str, str] = alias_names(name_list + declared_names)
        # name core -> (alias, rule)
        self._name_cores: dict[str, tuple[str, str]] = {}
        for n, a in self._aliases.items():
            if not is_alias_form(n):  # already masked: nothing to replace
                self._add_name(n, a, "person_name")
        self._counts: dict[str, int] = {}

    # ------------------------------------------------------------ names
    def _add_name(self, name: str, alias: str, rule: str) -> None:
        spellings = [name]
        # For dotted names also the first part alone (胡阿提别克 of
        # 胡阿提别克·努尔哈孜), if it is at least two characters long.
        parts = _DOTS_SPLIT.split(name)
        if len(parts) > 1 and len(parts[0].strip()) >= 2:
            spellings.append(parts[0].strip())
        for sp in spellings:
            core = name_core(sp)
            if core:
                self._name_cores.setdefault(core, (alias, rule))

    def _discover(self, name: str) -> None:
        """Register a name found after a role word (unless known or public)."""
        core = name_core(name)
        key = name_key(name)
        if core in self._name_cores or key in self._public_keys or (
                self._shared is not None and key in self._shared.keys):
            return
        alias = next_free_alias(surname_of(name) + "某", set(self._aliases.values()))
        self._aliases[name] = alias
        self._add_name(name, alias, "context_name")

    @property
    def aliases(self) -> dict[str, str]:
        """Full name -> alias for declared names and names discovered so far."""
        return dict(self._aliases)

    @property
    def counts(self) -> dict[str, int]:
        """Replacements made so far per kind (only kinds that occurred)."""
        return {k: self._counts[k] for k in sorted(self._counts, key=_KIND_ORDER.__getitem__)}

    def prime(self, text: str) -> None:
        """Discover role-word names in `text` without redacting it, so that a
        later redact() of another text of the record (e.g. the title, redacted
        before the body) hides them too."""
        if not (self._detect and text):
            return
        folded = fold(text)
        sq = Squashed(folded, GAP_RUNS)
        spans = self._public_spans(sq)
        self._primed[text] = (folded, sq, spans)
        public = _Spans(spans)
        for rec in REGISTRY:
            if rec.kind == _NAME:
                self._scan_context(rec, folded, public)

    def _public_spans(self, sq: Squashed) -> list[tuple[int, int]]:
        out: list[tuple[int, int]] = []
        kept = sq.kept
        if self._shared is not None:
            for core in self._shared.present(kept):
                out.extend(sq.find_all(core, alnum_bounds=True))
        for core in self._public_cores:
            if core in kept:  # cheap pre-check: most values are absent
                out.extend(sq.find_all(core, alnum_bounds=True))
        return out

    def _scan_context(self, rec: Recognizer, folded: str, blocked: "_Spans") -> None:
        """Names found by a name recognizer join the alias table; the name
        matching (run afterwards) then hides them here and in later texts."""
        for s, e, _kind, _rule in rec.find(folded):
            if blocked.overlaps(s, e):
                continue
            # A known name starting here (负责人李小明…, declared 李小明) is
            # hidden by the name matching already; the detector's shorter or
            # longer guess must not become a second person.
            here = squash(folded[s : s + 16])
            if any(here.startswith(k) for k in self._name_cores):
                continue
            self._discover(folded[s:e])

    # ----------------------------------------------------------- redact
    def redact(self, text: str) -> RedactionResult:
        if not text:
            return RedactionResult(text if isinstance(text, str) else "", ())
        cands: list[_Cand] = []
        primed = self._primed.get(text)
        if primed is not None:  # squashed and public spans depend on the text alone
            folded, sq, public_list = primed
        else:
            folded = fold(text)
            need_sq = self._protected or self._public_cores or self._name_cores or self._shared
            sq = Squashed(folded, GAP_RUNS) if need_sq else None
            public_list = self._public_spans(sq) if sq is not None else []
        if sq is not None:
            for core, kind in self._protected.items():
                if core not in sq.kept:
                    continue
                for s, e in sq.find_all(core):
                    s, e = _balance(folded, s, e)
                    cands.append((s, e, kind, "declared", 0, None))
        public = _Spans(public_list)

        if self._detect:
            run = digit_run_class(folded)
            blocked = public
            if "已隐去" in folded:
                blocked = _Spans(public_list + [m.span() for m in _PLACEHOLDER.finditer(folded)])
            for prio, rec in enumerate(REGISTRY, start=1):
                if rec.kind == _NAME:
                    self._scan_context(rec, folded, blocked)
                    continue
                if (rec.needs_digit and not run) or run < rec.min_run:
                    continue
                for s, e, kind, rule in rec.find(folded):
                    # A detector finding that is (almost) all public value is
                    # dropped: the agency's phone, an organisation's premises
                    # after 住所. A public value that is only part of a finding
                    # (the region 阜康市 or an officer's name inside a detected
                    # home address) does not unmask the rest of it.
                    if e > s and blocked.covered(s, e) * 5 < (e - s) * 4:
                        cands.append((s, e, kind, rule, prio, None))

        if self._name_cores:
            if sq is None:  # names discovered during this call
                sq = Squashed(folded, GAP_RUNS)
            for core, (alias, rule) in self._name_cores.items():
                if core not in sq.kept:
                    continue
                for s, e in sq.find_all(core, alnum_bounds=True):
                    # A name strictly inside a longer public value stays
                    # visible: person 王强 vs. the public organisation name
                    # 王强五金店. This is the only case where a public value
                    # beats a declared value; a name that *equals* a public
                    # value is still hidden (err on hiding).
                    if not public.strictly_inside(s, e):
                        cands.append((s, e, _NAME, rule, 0, alias))

        if not cands:
            return RedactionResult(text, ())
        return self._apply(text, cands)

    def _apply(self, text: str, cands: list[_Cand]) -> RedactionResult:
        """Merge overlapping candidates (the longest decides the kind, ties go
        to declared values, then to the earlier recognizer) and replace."""
        cands.sort(key=lambda c: (c[0], c[0] - c[1], c[4]))
        out: list[str] = []
        findings: list[Finding] = []
        pos = 0
        i, n = 0, len(cands)
        while i < n:
            best = cands[i]
            cs, ce = best[0], best[1]
            j = i + 1
            while j < n and cands[j][0] < ce:
                c = cands[j]
                if (c[1] - c[0], -c[4]) > (best[1] - best[0], -best[4]):
                    best = c
                if c[1] > ce:
                    ce = c[1]
                j += 1
            kind = best[2]
            out.append(text[pos:cs])
            if kind == _NAME and best[5]:
                out.append(best[5])
            else:
                out.append(REPLACEMENTS.get(kind, REPLACEMENTS[_OTHER]))
            # A declared value may be matched across a line break; keep the
            # line structure (Markdown tables, headings) intact.
            newlines = text.count("\n", cs, ce)
            if newlines:
                out.append("\n" * newlines)
            findings.append(Finding(kind, cs, ce, best[3]))
            self._counts[kind] = self._counts.get(kind, 0) + 1
            pos = ce
            i = j
        out.append(text[pos:])
        return RedactionResult("".join(out), tuple(findings))


def _balance(text: str, s: int, e: int) -> tuple[int, int]:
    """Take in the parenthesis of "(0994)3235169" when the match only has ")"."""
    seg = text[s:e]
    opened, closed = seg.count("("), seg.count(")")
    if closed > opened and s > 0 and text[s - 1] == "(":
        s -= 1
    elif opened > closed and e < len(text) and text[e] == ")":
        e += 1
    return s, e


class _Spans:
    """Spans (possibly overlapping) with fast overlap queries by bisection."""

    __slots__ = ("raw", "starts", "ustarts", "uends")

    def __init__(self, spans: list[tuple[int, int]]) -> None:
        self.raw = sorted(spans)
        self.starts = [s for s, _ in self.raw]
        # Union of the spans: disjoint, sorted.
        ustarts: list[int] = []
        uends: list[int] = []
        for s, e in self.raw:
            if uends and s <= uends[-1]:
                if e > uends[-1]:
                    uends[-1] = e
            else:
                ustarts.append(s)
                uends.append(e)
        self.ustarts, self.uends = ustarts, uends

    def _union_range(self, s: int, e: int) -> range:
        return range(bisect_right(self.uends, s), bisect_left(self.ustarts, e))

    def overlaps(self, s: int, e: int) -> bool:
        return len(self._union_range(s, e)) > 0

    def covered(self, s: int, e: int) -> int:
        """Number of characters of [s, e) inside some span."""
        total = 0
        for i in self._union_range(s, e):
            total += min(e, self.uends[i]) - max(s, self.ustarts[i])
        return total

    def strictly_inside(self, s: int, e: int) -> bool:
        """True if one span contains [s, e) and is longer than it."""
        i = bisect_right(self.starts, s)
        while i > 0:
            i -= 1
            ps, pe = self.raw[i]
            if pe >= e and pe - ps > e - s:
                return True
            if s - ps > 400:  # public values are short; stop looking back
                break
        return False
