"""Redact stage: (Record, Lifecycle) -> PublicView, the only thing rendered.

Every string a citizen can see is built here from a Record through one
Redactor per record (redaction/), then checked once more: if any declared
protected value survived into the view, the record fails closed (LeakError)
and is quarantined instead of published.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Iterable, Mapping

from redaction import PublicValues, Redactor, normalize_width

from .markup import render_markdown
from .model import Field, Lifecycle, PublicView, Record, State
from .policy import Policy
from .schema import TYPES

FORMAT_DATE = "%Y-%m-%d"


class LeakError(Exception):
    """A protected value survived redaction; the record must not be published."""


def fmt_date(d: date | None) -> str:
    return d.strftime(FORMAT_DATE) if d else ""


def fmt_money(v: float | int | None) -> str:
    if v is None:
        return ""
    if float(v).is_integer():
        return f"{int(v)}"
    return f"{v:.2f}"


@dataclass
class SiteContext:
    """Site-wide public values every record's redactor must leave visible."""

    site: Mapping[str, Any]
    policy: Policy
    officers: list[tuple[str, str]] = field(default_factory=list)  # (name, cert_number)
    law_names: list[str] = field(default_factory=list)

    def public_values(self) -> list[str]:
        """A fresh copy of the site-wide public values (computed once per build)."""
        cached = self.__dict__.get("_public_cache")
        if cached is None:
            cached = self.__dict__["_public_cache"] = tuple(self._compute_public_values())
        return list(cached)

    def shared_public(self) -> PublicValues:
        """The site-wide public values prepared once for every record's Redactor."""
        shared = self.__dict__.get("_shared_public")
        if shared is None:
            shared = self.__dict__["_shared_public"] = PublicValues(self.public_values())
        return shared

    def _compute_public_values(self) -> list[str]:
        out: list[str] = []
        s = self.site
        for key in ("name", "address", "phone", "postcode", "email", "complaint_phone",
                    "legal_representative", "region", "sponsor"):
            v = s.get(key)
            if v:
                out.append(str(v))
                out.extend(_phone_parts(str(v)))
        for line in list(s.get("supervision", [])) + list(s.get("remedies", [])):
            out.extend(_phone_parts(str(line)))
        for name, cert in self.officers:
            out.append(name)
            if cert:
                out.append(cert)
        out.extend(self.law_names)
        return out


_PHONE_PART = re.compile(r"0\d{2,3}[-－ ]?\d{7,8}|1[3-9]\d{9}")


def _phone_parts(text: str) -> list[str]:
    return _PHONE_PART.findall(text)


# -- people in a record -------------------------------------------------------

def _party_lists(record: Record) -> list[dict[str, Any]]:
    """Every party-like entry: parties, applicant, target."""
    f = record.fields
    out = list(f.get("parties", []))
    for key in ("applicant", "target"):
        if isinstance(f.get(key), dict):
            out.append(f[key])
    return out


def build_redactor(record: Record, ctx: SiteContext) -> tuple[Redactor, list[str]]:
    """The record's Redactor, and the public values it was given (the leak re-check needs them)."""
    f = record.fields
    protected: list[tuple[str, str]] = []
    names: list[str] = []
    public: list[str] = []  # the record's own; the site-wide ones come with ctx.shared_public()

    def person(p: Mapping[str, Any]) -> None:
        if p.get("name"):
            names.append(p["name"])
        for key, kind in (("id_number", "id_number"), ("phone", "phone"),
                          ("address", "address"), ("bank_account", "bank_account")):
            if p.get(key):
                protected.append((kind, str(p[key])))
        protected.extend(("birth_date", form) for form in _birth_date_forms(p))

    for p in _party_lists(record):
        if p.get("kind") == "person":
            person(p)
        else:
            if p.get("name"):
                public.append(p["name"])
            if p.get("credit_code"):
                public.append(p["credit_code"])
            if p.get("address"):
                public.append(p["address"])  # business premises of organisations are public
            if p.get("bank_account"):
                protected.append(("bank_account", str(p["bank_account"])))
            lr = p.get("legal_representative")
            if lr:
                if ctx.policy.legal_representative_public:
                    public.append(lr)
                else:
                    names.append(lr)
    for p in f.get("persons", []):
        person(p)
    contact = f.get("contact")
    if isinstance(contact, dict):
        person(contact)
    for value in f.get("redact", []):
        protected.append(("other", str(value)))
    for o in f.get("inspectors", []):
        public.append(o.get("name", ""))
        if o.get("cert_number"):
            public.append(o["cert_number"])
    if f.get("handler"):
        public.append(f["handler"])
    for key in ("number", "certificate"):
        if f.get(key):
            public.append(str(f[key]))
    public = [p for p in public if p]
    rd = Redactor(protected=protected, names=names, public=public, shared=ctx.shared_public())
    return rd, ctx.public_values() + public


def _birth_date_forms(person: Mapping[str, Any]) -> list[str]:
    """A person's declared birth_date as it is written in a text: 1985年4月12日, 1985年04月12日.
    (Not 1985-04-12: squashed to 19850412 it would be matched inside unrelated digit runs.
    Written as a birth date, 1985-04-12 is found by its words, redaction.detectors.)"""
    born = person.get("birth_date")
    if not isinstance(born, date):
        return []
    return list(dict.fromkeys((f"{born.year}年{born.month}月{born.day}日",
                               f"{born.year}年{born.month:02d}月{born.day:02d}日")))


def _declared_values(record: Record, ctx: SiteContext) -> tuple[list[str], list[str]]:
    """(protected literal values, person names) declared in a record."""
    values: list[str] = []
    names: list[str] = []
    people = [p for p in _party_lists(record) if p.get("kind") == "person"]
    people += list(record.fields.get("persons", []))
    contact = record.fields.get("contact")
    if isinstance(contact, dict):
        people.append(contact)
    for p in people:
        if p.get("name"):
            names.append(p["name"])
        for key in ("id_number", "phone", "address", "bank_account"):
            if p.get(key):
                values.append(str(p[key]))
        values.extend(_birth_date_forms(p))
    for p in _party_lists(record):
        if p.get("kind") != "person" and p.get("bank_account"):
            values.append(str(p["bank_account"]))
        lr = p.get("legal_representative")
        if lr and not ctx.policy.legal_representative_public:
            names.append(lr)
    values.extend(str(v) for v in record.fields.get("redact", []))
    return values, names


_SQUASH = re.compile(r"[\s\-－—_]+")


def _squash(s: str) -> str:
    return _SQUASH.sub("", normalize_width(s)).lower()


def leak_check(record: Record, ctx: SiteContext, texts: Iterable[str], public: Iterable[str]) -> None:
    """Raise LeakError if a declared protected value is in any of the texts."""
    values, names = _declared_values(record, ctx)
    if not values and not names:
        return
    joined = "\n".join(texts)
    # Strip HTML tags so a value split by markup is still seen.
    plain = re.sub(r"<[^>]+>", "", joined)
    squashed = _squash(plain)
    for v in values:
        sv = _squash(v)
        if len(sv) >= 4 and sv in squashed:
            raise LeakError(f"隐去检查未通过：一项需要隐去的{_kind_word(v)}仍出现在页面中，记录暂不发布，请人工检查。")
    longer_public: list[str] | None = None
    for n in names:
        if len(n) < 2 or n.endswith("某") or n not in plain:
            continue
        if longer_public is None:
            longer_public = sorted(set(public), key=len, reverse=True)
        # A name may stand visibly only inside a longer public value that contains
        # it (person 上官兰 inside legal representative 上官兰勇); never on its own.
        masked = plain
        for pv in longer_public:
            if n in pv and pv != n:
                masked = masked.replace(pv, "\0")
        if n in masked:
            raise LeakError("隐去检查未通过：自然人姓名仍出现在页面中，记录暂不发布，请人工检查。")


def _kind_word(v: str) -> str:
    return "号码" if any(c.isdigit() for c in v) else "内容"


# -- building views ------------------------------------------------------------

class ViewBuilder:
    """Builds PublicViews for one site; holds the site-wide public values."""

    def __init__(self, ctx: SiteContext, as_of: date):
        self.ctx = ctx
        self.as_of = as_of

    def build(self, record: Record, life: Lifecycle) -> tuple[PublicView, dict[str, int]]:
        """Return the view and the redaction counts by kind. Raises LeakError."""
        rd, public = build_redactor(record, self.ctx)
        # Names found after role words (负责人张伟) anywhere in the record are
        # masked in every text of it, including the title redacted first.
        for text in (record.body, *(v for v in record.fields.values() if isinstance(v, str))):
            if text:
                rd.prime(text)
        r = lambda text: rd.redact(str(text)).text if text not in (None, "") else ""  # noqa: E731
        rt = TYPES[record.type]
        f = record.fields
        title = r(self._title(record))
        fields = tuple(Field(label, r(value), key) for key, label, value in self._fields(record) if value not in (None, ""))
        withdrawn = life.state == State.WITHDRAWN
        corrections = tuple((fmt_date(c["date"]), r(c["note"])) for c in f.get("corrections", []))
        status = life.phase
        if corrections and not withdrawn:
            status = (status + " · 已更正") if status else "已更正"
        body_html = "" if withdrawn else render_markdown(rd.redact(record.body).text if record.body.strip() else "")
        attachments = () if withdrawn else tuple(
            {
                "url": f"files/{rt.folder}/{record.rid}-{i + 1}{Path(a['file']).suffix.lower()}",
                "src": str(Path(record.source).parent / a["file"]),
                "title": r(a.get("title") or f"附件{i + 1}"),
                "alt": r(a.get("alt") or a.get("title") or f"附件{i + 1}"),
                "image": Path(a["file"]).suffix.lower() in (".png", ".jpg", ".jpeg", ".gif", ".svg", ".webp"),
            }
            for i, a in enumerate(f.get("attachments", []))
            if a.get("reviewed") is True
        )
        withdrawal: dict[str, str] = {}
        if withdrawn:
            withdrawal = {
                "number": r(f.get("number", "")),
                "title": title,
                "date": fmt_date(f.get("revoked_on")),
                "reason": r(f.get("revocation_reason", "")),
                "until": fmt_date(life.public_until),
            }
            fields = ()
        d = f.get(rt.date_key) if rt.date_key else None
        open_data = {} if withdrawn else {fl.key: fl.value for fl in fields}
        if open_data:
            open_data = {"id": record.rid, "title": title, **open_data}
        summary = "" if withdrawn else r(self._summary(record))
        view = PublicView(
            rid=record.rid,
            type=record.type,
            section=rt.section,
            url=f"{rt.folder}/{record.rid}.html",
            title=title,
            date=d,
            year=d.year if d else None,
            status="已撤回" if withdrawn else status,
            fields=fields,
            body_html=body_html,
            withdrawn=withdrawn,
            withdrawal=withdrawal,
            corrections=() if withdrawn else corrections,
            attachments=attachments,
            open_data=open_data,
            summary=summary,
            searchable=not withdrawn,
            fine=None if withdrawn else f.get("fine"),
            extra=self._extra(record, life, r),
        )
        texts = [view.title, view.summary, view.body_html, *(x.value for x in view.fields),
                 *(n for _, n in view.corrections), *view.withdrawal.values(),
                 *(a["title"] + a["alt"] for a in view.attachments),
                 *flatten_text(view.extra)]
        leak_check(record, self.ctx, texts, public)
        return view, dict(rd.counts)

    # -- per-type content --------------------------------------------------
    def _party_text(self, p: Mapping[str, Any]) -> str:
        text = p.get("name", "")
        if p.get("kind") != "person":
            if p.get("credit_code"):
                text += f"（统一社会信用代码：{p['credit_code']}）"
            if p.get("legal_representative"):
                text += f"，法定代表人：{p['legal_representative']}"
        return text

    def _title(self, record: Record) -> str:
        f = record.fields
        t = record.type
        key = TYPES[t].title_key
        if key and f.get(key):
            return str(f[key])
        if t == "license":
            return f"{f['applicant'].get('name', '')}{f.get('item', '')}"
        if t == "application":
            return f"{f['applicant'].get('name', '')}{f.get('item', '')}"
        if t == "inspection":
            return f"{f['target'].get('name', '')}{f.get('content', '')}（{fmt_date(f.get('date'))}）"
        return record.rid

    def _fields(self, record: Record) -> list[tuple[str, str, Any]]:
        f = record.fields
        rt = TYPES[record.type]
        site = self.ctx.site
        t = record.type
        out: list[tuple[str, str, Any]] = []

        def add(key: str, value: Any = None, label: str | None = None) -> None:
            v = f.get(key) if value is None else value
            if isinstance(v, date):
                v = fmt_date(v)
            elif isinstance(v, bool):
                v = "是" if v else "否"
            elif isinstance(v, list):
                v = "；".join(str(x) for x in v)
            if v in (None, ""):
                return
            out.append((key, label or rt.fields[key].label if key in rt.fields else (label or key), str(v)))

        if t == "penalty":
            add("number")
            add("title")
            add("parties", "、".join(self._party_text(p) for p in f["parties"]))
            add("facts")
            add("basis")
            add("decision")
            add("fine", fmt_money(f.get("fine")) if f.get("fine") is not None else "")
            add("authority", site.get("name", ""), "执法主体")
            add("decided")
            if f.get("serious"):
                add("serious", "是（严重失信行为）", "严重失信")
        elif t == "coercive":
            for k in ("number", "title"):
                add(k)
            add("parties", "、".join(self._party_text(p) for p in f["parties"]))
            for k in ("measure", "method", "result", "seized_items", "decided", "lifted_on"):
                add(k)
            add("authority", site.get("name", ""), "执法主体")
        elif t == "license":
            add("applicant", self._party_text(f["applicant"]))
            for k in ("item", "accepted", "review", "result", "certificate", "decided", "delivered", "handler", "valid_until"):
                add(k)
        elif t == "inspection":
            add("date")
            add("location")
            add("target", self._party_text(f["target"]))
            c = f.get("contact") or {}
            if c:
                add("contact", "".join(x for x in (c.get("name", ""), c.get("phone", ""))))
            for k in ("reason", "content", "documents", "result", "problems", "rectification"):
                add(k)
            add("inspectors", "、".join(
                f"{o['name']}（{o['cert_number']}）" if o.get("cert_number") else o["name"]
                for o in f["inspectors"]))
        elif t == "application":
            add("number")
            add("applicant", self._party_text(f["applicant"]))
            add("item")
            add("received")
        else:
            for key, spec in rt.fields.items():
                if key in ("title",) or spec.kind in ("events", "parties", "party"):
                    continue
                add(key)
        return out

    def _summary(self, record: Record) -> str:
        f = record.fields
        t = record.type
        if t == "penalty":
            parties = "、".join(p.get("name", "") for p in f["parties"])
            return f"{f['number']}　当事人：{parties}　{_clip(f['decision'], 60)}"
        if t == "coercive":
            return f"{f['number']}　{f['measure']}　{_clip(f['result'], 50)}"
        if t == "license":
            return f"{f['certificate']}　{f['result']}"
        if t == "inspection":
            return f"{f['location']}　{f['reason']}　{_clip(f['result'], 50)}"
        if t == "notice":
            return _clip(record.body.strip().split("\n")[0] if record.body.strip() else f.get("objection_channel", ""), 80)
        if t == "hearing":
            return f"{fmt_date(f['hearing_date'])}　{f['place']}　{_clip(f['matter'], 50)}"
        if t == "application":
            return f"{f['number']}　{f['item']}"
        if t == "law":
            return f"{f['category']}　{f['enacted_by']}　{fmt_date(f['effective'])}施行"
        if t == "officer":
            return f"{f['unit']}　{f['title']}　{f['cert_number']}"
        return _clip(record.body.strip().replace("#", "").split("\n")[0], 80) if record.body.strip() else ""

    def _extra(self, record: Record, life: Lifecycle, r: Any) -> dict[str, Any]:
        f = record.fields
        extra: dict[str, Any] = {
            "phase_end": fmt_date(life.phase_end),
            "public_until": fmt_date(life.public_until),
        }
        if record.type == "law":
            extra["category"] = f.get("category")
            extra["repealed"] = bool(f.get("repealed_on") and f["repealed_on"] <= self.as_of)
        if record.type == "power":
            extra["kind"] = f.get("kind")
        if record.type == "notice":
            extra["working_days"] = f.get("working_days") or self.ctx.policy.notice_working_days
        if record.type == "application":
            extra["events"] = [
                {"date": fmt_date(e["date"]), "state": e["state"], "note": r(e.get("note", ""))}
                for e in f.get("events", [])
            ]
            extra.update({k: (fmt_date(v) if isinstance(v, date) else v)
                          for k, v in life.extra.items() if isinstance(v, (str, int, date, bool))})
        if record.type == "penalty":
            extra["serious"] = bool(f.get("serious"))
        return extra


def _clip(text: str, n: int) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= n else text[: n - 1] + "…"


def flatten_text(value: Any) -> Iterable[str]:
    """Every scalar inside nested mappings/lists as text (dates ISO, None and booleans skipped)."""
    if isinstance(value, Mapping):
        for v in value.values():
            yield from flatten_text(v)
    elif isinstance(value, (list, tuple)):
        for v in value:
            yield from flatten_text(v)
    elif isinstance(value, date):
        yield value.isoformat()
    elif value is not None and not isinstance(value, bool):
        yield str(value)
