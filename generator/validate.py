"""Validate stage: RawRecord -> Record, or the list of every problem found.

Problems are collected, not raised one at a time, so staff fix ten problems
in one pass. Errors quarantine the record; warnings (unknown keys) do not.
"""

from __future__ import annotations

import re
from collections import defaultdict
from datetime import date
from pathlib import Path
from typing import Any, Iterable, Mapping

from .loader import ID_RE
from .markup import body_problems
from .model import Problem, RawRecord, Record
from .schema import (
    ATTACHMENT_FIELDS,
    COMMON,
    CONTACT_FIELDS,
    CORRECTION_FIELDS,
    EVENT_FIELDS,
    OFFICER_REF_FIELDS,
    PARTY_FIELDS,
    PERSON_FIELDS,
    SITE_FIELDS,
    TYPES,
    F,
)

_DATE_RES = (
    re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$"),
    re.compile(r"^(\d{4})\.(\d{1,2})\.(\d{1,2})$"),
    re.compile(r"^(\d{4})/(\d{1,2})/(\d{1,2})$"),
    re.compile(r"^(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日?$"),
)
_FULLWIDTH = str.maketrans("０１２３４５６７８９．／－", "0123456789./-")


class FieldError(Exception):
    """A value that does not fit its field; the message is Chinese, plain words."""


def parse_date(value: Any) -> date:
    """YYYY-MM-DD (also 2024.1.20, 2024/1/20, 2024年1月20日) -> date, or FieldError."""
    if isinstance(value, date):
        return value
    if value is None or isinstance(value, bool):
        raise FieldError("应填写日期，格式为 YYYY-MM-DD，例如 2024-01-20。")
    text = str(value).strip().translate(_FULLWIDTH)
    for rx in _DATE_RES:
        m = rx.match(text)
        if m:
            y, mo, d = (int(g) for g in m.groups())
            try:
                return date(y, mo, d)
            except ValueError:
                raise FieldError(f"“{text}”不是真实存在的日期（请核对年月日）。") from None
    raise FieldError(f"“{text}”不是有效日期，格式应为 YYYY-MM-DD，例如 2024-01-20。")


def _scalar_text(value: Any) -> str:
    if isinstance(value, bool):
        raise FieldError("应填写文字，现在是“是/否”值。")
    if isinstance(value, (dict, list)):
        raise FieldError("应填写一段文字，现在是列表或多个字段。")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def parse_money(value: Any) -> float | int:
    if isinstance(value, bool) or value is None:
        raise FieldError("应填写金额（元），例如 26000。")
    if isinstance(value, (int, float)):
        number = value
    else:
        text = str(value).strip().translate(_FULLWIDTH).replace(",", "").replace("，", "")
        text = text.removesuffix("元").strip()
        try:
            number = float(text)
        except ValueError:
            raise FieldError(f"“{value}”不是金额，请只写数字（单位：元），例如 26000。") from None
    if number < 0:
        raise FieldError("金额不能是负数。")
    return int(number) if float(number).is_integer() else float(number)


def parse_int(value: Any) -> int:
    if isinstance(value, bool) or value is None:
        raise FieldError("应填写整数。")
    try:
        number = int(str(value).strip().translate(_FULLWIDTH))
    except ValueError:
        raise FieldError(f"“{value}”不是整数。") from None
    if number < 0:
        raise FieldError("不能是负数。")
    return number


def parse_bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in ("是", "true", "yes", "1"):
        return True
    if text in ("否", "false", "no", "0", ""):
        return False
    raise FieldError(f"“{value}”应为 true（是）或 false（否）。")


_OFFICER_RE = re.compile(r"([\u4e00-\u9fff·•・]{2,20})\s*[：:]?\s*([0-9]{6,20})")


def parse_officers_text(text: str) -> list[dict[str, str]]:
    """'马宏斌 31050224019 朱恒：31050224018' -> [{name, cert_number}, ...]."""
    out = []
    for m in _OFFICER_RE.finditer(text.translate(_FULLWIDTH)):
        out.append({"name": m.group(1).strip("·•・"), "cert_number": m.group(2)})
    return out


_CONTACT_RE = re.compile(r"^\s*([^\d+（(]*?)\s*[：:]?\s*([+\d（(][\d\s\-－()（）+]*)?\s*$")


def parse_contact_text(text: str) -> dict[str, str]:
    """'都炳锋13709904269' -> {name: 都炳锋, phone: 13709904269}."""
    m = _CONTACT_RE.match(text.translate(_FULLWIDTH))
    if not m:
        return {"name": text.strip()}
    out = {}
    if m.group(1).strip():
        out["name"] = m.group(1).strip()
    if m.group(2) and m.group(2).strip():
        out["phone"] = m.group(2).strip()
    return out


class Checker:
    """Collects problems for one record while normalising its fields."""

    def __init__(self, raw: RawRecord):
        self.raw = raw
        self.problems: list[Problem] = []

    def error(self, field: str, message: str) -> None:
        self.problems.append(Problem(self.raw.path, self.raw.line_of(field), field, message))

    def warn(self, field: str, message: str) -> None:
        self.problems.append(
            Problem(self.raw.path, self.raw.line_of(field), field, message, "warning")
        )

    # -- one value per kind -------------------------------------------------
    def value(self, path: str, spec: F, value: Any) -> Any:
        try:
            return self._value(path, spec, value)
        except FieldError as exc:
            self.error(path, f"{spec.label}：{exc}")
            return None

    def _value(self, path: str, spec: F, value: Any) -> Any:
        kind = spec.kind
        if kind in ("str", "text"):
            text = _scalar_text(value)
            if kind == "str" and "\n" in text:
                text = " ".join(text.split())
            return text
        if kind == "date":
            return parse_date(value)
        if kind == "int":
            return parse_int(value)
        if kind == "money":
            return parse_money(value)
        if kind == "bool":
            return parse_bool(value)
        if kind == "enum":
            text = _scalar_text(value)
            if text not in spec.choices:
                raise FieldError(f"“{text}”不是可选值，应为以下之一：{'、'.join(spec.choices)}。")
            return text
        if kind == "strlist":
            if isinstance(value, str):
                return [value.strip()] if value.strip() else []
            if not isinstance(value, list):
                raise FieldError("应为一个列表（每行以“- ”开头）。")
            return [self.value(f"{path}[{i}]", F("str", spec.label), v) for i, v in enumerate(value)]
        if kind == "party":
            return self.mapping(path, spec.label, value, PARTY_FIELDS, party=True)
        if kind in ("parties", "persons"):
            if isinstance(value, dict):
                value = [value]
            if not isinstance(value, list):
                raise FieldError("应为一个列表，每一项写明 name 等字段。")
            sub = PARTY_FIELDS if kind == "parties" else PERSON_FIELDS
            items = [self.mapping(f"{path}[{i}]", spec.label, v, sub, party=kind == "parties")
                     for i, v in enumerate(value)]
            return [x for x in items if x is not None]
        if kind == "contact":
            if isinstance(value, str):
                value = parse_contact_text(value)
            return self.mapping(path, spec.label, value, CONTACT_FIELDS)
        if kind == "officers":
            if isinstance(value, str):
                parsed = parse_officers_text(value)
                if not parsed:
                    raise FieldError("无法识别检查人员，请写成“姓名 执法证号”，多人用空格分开。")
                return parsed
            if not isinstance(value, list):
                raise FieldError("应为检查人员列表，每项写明 name 和 cert_number。")
            items = [self.mapping(f"{path}[{i}]", spec.label, v, OFFICER_REF_FIELDS)
                     for i, v in enumerate(value)]
            return [x for x in items if x is not None]
        if kind in ("events", "corrections", "attachments"):
            sub = {"events": EVENT_FIELDS, "corrections": CORRECTION_FIELDS,
                   "attachments": ATTACHMENT_FIELDS}[kind]
            if not isinstance(value, list):
                raise FieldError("应为一个列表（每项以“- ”开头）。")
            items = [self.mapping(f"{path}[{i}]", spec.label, v, sub) for i, v in enumerate(value)]
            return [x for x in items if x is not None]
        raise AssertionError(f"unknown field kind {kind}")

    def mapping(self, path: str, label: str, value: Any, sub: Mapping[str, F],
                party: bool = False) -> dict[str, Any] | None:
        if not isinstance(value, dict):
            hint = "，例如：{name: 某某有限公司, kind: organization}" if party else ""
            self.error(path, f"{label}：应为包含多个字段的条目{hint}。")
            return None
        out: dict[str, Any] = {}
        for key, raw_value in value.items():
            key = str(key)
            spec = sub.get(key)
            if spec is None:
                self.warn(f"{path}.{key}", f"不认识的字段“{key}”，已忽略（请检查拼写）。可用字段：{', '.join(sub)}。")
                continue
            if raw_value is None or (isinstance(raw_value, str) and not raw_value.strip()):
                continue
            v = self.value(f"{path}.{key}", spec, raw_value)
            if v is not None:
                out[key] = v
        for key, spec in sub.items():
            if spec.required and key not in out and not any(
                p.field == f"{path}.{key}" for p in self.problems
            ):
                what = "没有写名称或姓名" if key == "name" else f"缺少必填字段 {key}（{spec.label}）"
                self.error(f"{path}.{key}" if key in value else path, f"{label}：{what}。")
        return out


def _check_fields(ck: Checker, data: Mapping[str, Any], schema: Mapping[str, F]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, raw_value in data.items():
        key = str(key)
        spec = schema.get(key)
        if spec is None:
            ck.warn(key, f"不认识的字段“{key}”，已忽略（请检查拼写）。")
            continue
        if raw_value is None or (isinstance(raw_value, str) and not raw_value.strip()):
            continue
        v = ck.value(key, spec, raw_value)
        if v is not None:
            out[key] = v
    for key, spec in schema.items():
        if spec.required and key not in out and not any(p.field == key for p in ck.problems):
            ck.error(key, f"缺少必填字段 {key}（{spec.label}）。")
    return out


def validate(raw: RawRecord) -> tuple[Record | None, list[Problem]]:
    """Check one raw record; returns (Record or None when any error, problems)."""
    ck = Checker(raw)
    ck.problems.extend(raw.problems)
    if any(p.severity == "error" for p in raw.problems):
        return None, ck.problems
    if not ID_RE.match(raw.rid):
        ck.error("-", f"文件名“{raw.rid}”不能用作网址：只能使用英文字母、数字、点、连字符和下划线，"
                      "并以字母或数字开头（文件名不得包含姓名）。")
    rtype = raw.type
    declared = raw.fields.get("type")
    if rtype is None:
        ck.error("-", "这个文件所在的文件夹不对应任何公示类型，无法发布。可用的文件夹："
                      + "、".join(t.folder for t in TYPES.values()) + "。")
        return None, ck.problems
    if declared is not None and str(declared).strip() not in (rtype, TYPES[rtype].label):
        ck.error("type", f"字段 type 写的是“{declared}”，但文件放在“{TYPES[rtype].folder}”文件夹"
                         f"（{TYPES[rtype].label}，type 应为 {rtype}）。")
    rt = TYPES[rtype]
    schema = {**COMMON, **rt.fields}
    fields = _check_fields(ck, raw.fields, schema)
    fields.setdefault("status", "active")
    if fields.get("status") == "revoked":
        for key in ("revoked_on", "revocation_reason"):
            if key not in fields and not any(p.field == key for p in ck.problems):
                ck.error(key, f"status 为 revoked（已撤回）时必须填写 {key}（{COMMON[key].label}）。")
    if "ended_on" in fields and "end_reason" not in fields:
        ck.error("end_reason", "填写了 ended_on（提前撤下日期）时必须填写 end_reason（提前撤下原因）。")
    for p in body_problems(raw.body):
        line = raw.body_line + p.line_offset
        ck.problems.append(Problem(raw.path, line, "正文", p.message))
    _check_attachments(ck, fields)
    errors = [p for p in ck.problems if p.severity == "error"]
    if errors:
        return None, ck.problems
    warnings = tuple(p for p in ck.problems if p.severity != "error")
    return Record(rtype, raw.rid, raw.path, raw.source, fields, raw.body, raw.digest, warnings), ck.problems


def _check_attachments(ck: Checker, fields: dict[str, Any]) -> None:
    base = Path(ck.raw.source).parent
    for i, att in enumerate(fields.get("attachments", [])):
        name = att.get("file", "")
        if not name:
            continue
        if "/" in name or "\\" in name or name.startswith("."):
            ck.error(f"attachments[{i}].file", "附件必须与记录放在同一文件夹，只写文件名。")
            continue
        if not (base / name).is_file():
            ck.error(f"attachments[{i}].file", f"找不到附件文件“{name}”（应与记录放在同一文件夹）。")


def duplicate_problems(raws: Iterable[RawRecord]) -> dict[int, Problem]:
    """Problems for every raw record whose (type, id) is not unique: the URL would clash.

    Keyed by position in `raws`. All files sharing an id are quarantined:
    nobody can tell which one staff meant to publish.
    """
    raws = list(raws)
    groups: dict[tuple[str | None, str], list[int]] = defaultdict(list)
    for i, r in enumerate(raws):
        if r.type is not None:
            groups[(r.type, r.rid)].append(i)
    out: dict[int, Problem] = {}
    for (_rtype, rid), idx in groups.items():
        if len(idx) < 2:
            continue
        paths = "、".join(sorted({raws[i].path for i in idx}))
        for i in idx:
            out[i] = Problem(raws[i].path, 1, "-", f"记录编号（文件名）“{rid}”重复：{paths}。"
                             "同一类型的记录编号不能相同，请改名后重新生成；这些记录暂不发布。")
    return out


def validate_site(data: Any, path: str, lines: Mapping[str, int]) -> tuple[dict[str, Any], list[Problem]]:
    """Check site.yaml; returns the usable fields (defaults filled in) and problems."""
    raw = RawRecord(path, path, "site", None, data if isinstance(data, dict) else {}, lines, "", 1, "")
    ck = Checker(raw)
    if not isinstance(data, dict):
        ck.error("-", "site.yaml 的内容应为“字段: 值”的列表。")
        data = {}
    fields = _check_fields(ck, data, SITE_FIELDS)
    fields.setdefault("name", "（未设置执法主体名称）")
    return fields, ck.problems
