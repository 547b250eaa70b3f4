"""Spreadsheet input: a .csv or .xlsx file in a table folder is one record per row.

Table folders are the types with ``table=True`` in generator.schema (laws,
personnel, licences, inspections). Staff keep those lists as spreadsheets;
each data row becomes a RawRecord:

- ``rid`` is the row's ``id`` column (also 编号 / 记录编号) when given, else
  ``{file stem}-{row:03d}`` where row is the spreadsheet row number (the one
  Excel shows at the left; for .csv the record's ordinal, header = 1);
- ``path`` is the file's display path and every field's line is the row
  number, so problems print as ``path:ROW: field: 第ROW行“列名”列：…``.

Header cells may be the English field keys (``decided``, ``applicant.kind``),
the Chinese labels of generator.schema, or the Chinese column names of the
seed tables (S004 行政许可结果公示 / 随机抽查结果公示 / 行政执法人员名单 /
主要执法依据). Headers are compared after NFKC (full-width → half-width) and
with all whitespace removed, so ``审核\\n情况`` is ``审核情况``. Rows above the
header (a title row) and empty rows are skipped; merged cells take the value of
their top-left cell; the laws table's 类别 column is carried down over blank
continuation rows.

Cells are turned into what the YAML records would hold:

- 申请人 / 被检查单位或个人 become parties ``{name, kind}``. Without a
  ``kind`` (类别) column the kind is ``organization`` only when the name ends
  with an organisation word (公司, 厂, 店, 中心, 站 …); any other name is
  treated as a natural person — its name will be aliased (李某) — and a
  warning says so. Erring on the side of hiding.
- 被检查人员联系电话 ``都炳锋13709904269`` → ``contact {name, phone}``
  (validate.parse_contact_text); the site hides both.
- 检查单位及人员 ``马宏斌 31050224019 朱恒：31050224018`` → inspectors
  (validate.parse_officers_text); text left over that is not a name+number
  pair is reported, never silently dropped.
- Dates: Excel date cells, ``2024.1.20``, ``2024年1月20日``, ``2024/1/20``,
  ``2024-01-20 00:00:00``; an Excel date serial in a plain-number cell is
  converted with a warning; a personnel 发证日期 given as a year only (S004's
  table has ``2022``) becomes 1 January of that year, with a warning.
- A number Excel stored as floating point with 16+ digits (an ID or bank card
  typed into a General cell) has lost digits: that row is an error.

Each row is validated here once so its problems can name the column; rows
with errors carry their (annotated) problems in ``RawRecord.problems``, which
makes generator.validate quarantine them with exactly those messages.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any, Iterable, Mapping

from .loader import display_path, type_for
from .model import Problem, RawRecord
from .schema import (
    COMMON,
    CONTACT_FIELDS,
    PARTY_FIELDS,
    TYPES,
    F,
)
from .validate import parse_contact_text, parse_officers_text, validate

__all__ = [
    "load_table",
    "read_table",
    "TableRow",
    "TableResult",
    "normalize_header",
    "looks_like_organization",
    "header_map",
]

# Words an organisation's name ends with (after any trailing bracketed part).
ORG_SUFFIXES = (
    "有限责任公司", "股份有限公司", "有限公司", "分公司", "公司", "集团", "厂", "店", "分店",
    "经营部", "零售部", "销售部", "门市部", "项目部", "部", "中心", "站点", "站", "场", "社",
    "合作社", "所", "院", "局", "队", "处", "行", "商行", "银行", "会", "协会", "委员会", "矿",
    "矿业", "超市", "门市", "馆", "校", "学校", "医院", "园", "基地", "车间", "工地", "厂区",
    "办", "室", "公寓", "酒店", "宾馆", "市场", "仓库", "库",
)
ORG_CONTAINS = ("公司", "有限", "集团", "合作社", "委员会", "个体工商户")
ORG_LATIN = re.compile(r"\b(co|corp|inc|ltd|llc|gmbh|company|limited)\.?$", re.I)
PERSON_KINDS = {"person", "个人", "自然人", "公民", "个体"}
ORG_KINDS = {"organization", "organisation", "单位", "企业", "法人", "组织", "其他组织",
             "法人或其他组织", "个体工商户", "机关", "事业单位"}
MAX_HEADER_SCAN = 15  # rows searched for the header row
SEQ = "_seq"  # 序号: numbering only, never a field
ID = "id"

# Column names of the seed's tables (S004) and other common wordings, per type.
SEED_HEADERS: dict[str, dict[str, str]] = {
    "license": {
        "申请人": "applicant",
        "申请人名称": "applicant",
        "申请单位": "applicant",
        "许可事项类别": "item",
        "许可事项": "item",
        "受理时间": "accepted",
        "受理日期": "accepted",
        "审核情况": "review",
        "许可结果": "result",
        "许可证书名称及编号": "certificate",
        "许可证书名称及证号": "certificate",
        "证书编号": "certificate",
        "许可时间": "decided",
        "许可日期": "decided",
        "许可决定日期": "decided",
        "送达时间": "delivered",
        "送达日期": "delivered",
        "承办人": "handler",
        "有效期至": "valid_until",
        "许可证有效期至": "valid_until",
        "联系电话": "applicant.phone",
    },
    "inspection": {
        "时间": "date",
        "检查时间": "date",
        "检查日期": "date",
        "地点": "location",
        "检查地点": "location",
        "被检查单位或个人": "target",
        "被检查单位": "target",
        "被检查对象": "target",
        "被检查人员联系电话": "contact",
        "被检查人员联系方式": "contact",
        "联系人及电话": "contact",
        "联系人": "contact.name",
        "联系电话": "contact.phone",
        "检查事由(依职权或依举报)": "reason",
        "检查事由": "reason",
        "检查内容": "content",
        "检查文书": "documents",
        "检查结果": "result",
        "存在问题": "problems",
        "整改情况": "rectification",
        "检查单位及人员(姓名+证件号)": "inspectors",
        "检查单位及人员": "inspectors",
        "检查人员(姓名+证件号)": "inspectors",
        "检查人员": "inspectors",
    },
    "officer": {
        "单位名称": "unit",
        "单位": "unit",
        "姓名": "name",
        "性别": "gender",
        "职务": "title",
        "执法证号": "cert_number",
        "执法证件号码": "cert_number",
        "行政执法证件号码": "cert_number",
        "发证日期": "issued",
        "发证时间": "issued",
        "有效期至": "valid_until",
        "有效期": "valid_until",
        "执法类别": "category",
        "类别": "category",
        "离岗日期": "left_on",
    },
    "law": {
        "类别": "category",
        "名称": "name",
        "法律法规规章名称": "name",
        "制定机关": "enacted_by",
        "发布机关": "enacted_by",
        "生效时间": "effective",
        "生效日期": "effective",
        "施行日期": "effective",
        "废止时间": "repealed_on",
        "废止日期": "repealed_on",
        "相关条款": "articles",
    },
}
COMMON_HEADERS = {
    "序号": SEQ,
    "编号": ID,
    "记录编号": ID,
    "id": ID,
}
# Party sub-columns (for the type's party field: applicant / target).
PARTY_HEADERS = {
    "类别": "kind",
    "当事人类别": "kind",
    "申请人类别": "kind",
    "被检查对象类别": "kind",
    "主体类别": "kind",
    "统一社会信用代码": "credit_code",
    "信用代码": "credit_code",
    "法定代表人": "legal_representative",
    "身份证号码": "id_number",
    "身份证号": "id_number",
    "出生日期": "birth_date",
    "住址": "address",
    "未成年人": "minor",
    "是否未成年人": "minor",
    "银行账号": "bank_account",
}
# Field kinds a cell cannot hold (structured lists): use .yaml records instead.
UNSUPPORTED_KINDS = ("events", "corrections", "attachments")


def normalize_header(value: Any) -> str:
    """Header cell -> comparable key: NFKC, no whitespace at all, lower-case, no * marks."""
    if value is None:
        return ""
    text = unicodedata.normalize("NFKC", str(value))
    text = re.sub(r"\s+", "", text).lower()
    text = text.strip("*")
    text = re.sub(r"\((必填|选填|可选)\)$", "", text)
    return text


def _party_key(rtype: str) -> str | None:
    for key, spec in TYPES[rtype].fields.items():
        if spec.kind == "party":
            return key
    return None


def _field_spec(rtype: str, path: str) -> F | None:
    """Schema spec of a (possibly dotted) target such as 'applicant.kind'."""
    schema = {**COMMON, **TYPES[rtype].fields}
    top, _, sub = path.partition(".")
    spec = schema.get(top)
    if spec is None or not sub:
        return spec
    if spec.kind == "party":
        return PARTY_FIELDS.get(sub)
    if spec.kind == "contact":
        return CONTACT_FIELDS.get(sub)
    return None


def header_map(rtype: str) -> dict[str, str]:
    """Every accepted header (normalised) -> target ('decided', 'applicant.kind', '_seq', 'id')."""
    rt = TYPES[rtype]
    out: dict[str, str] = {}

    def put(header: str, target: str) -> None:
        out.setdefault(normalize_header(header), target)

    for k, v in SEED_HEADERS.get(rtype, {}).items():
        put(k, v)
    for k, v in COMMON_HEADERS.items():
        put(k, v)
    party = _party_key(rtype)
    for key, spec in rt.fields.items():
        put(key, key)
        put(spec.label, key)
        if spec.kind == "party":
            for sub, sspec in PARTY_FIELDS.items():
                put(f"{key}.{sub}", f"{key}.{sub}")
                put(f"{spec.label}{sspec.label}", f"{key}.{sub}")
        if spec.kind == "contact":
            for sub in CONTACT_FIELDS:
                put(f"{key}.{sub}", f"{key}.{sub}")
    if party:
        for k, v in PARTY_HEADERS.items():
            put(k, f"{party}.{v}")
        put("kind", f"{party}.kind")
    for key, spec in COMMON.items():
        if key == "type":
            continue
        put(key, key)
        put(spec.label, key)
    return out


def looks_like_organization(name: str) -> bool:
    """True when a party name reads as an organisation (so it is shown in full).

    Names that do not are treated as natural persons (aliased): erring on the
    side of hiding. A short all-Chinese name (≤3 characters) is a person even
    when it ends with an organisation word (王行, 李会).
    """
    text = unicodedata.normalize("NFKC", name).strip()
    # drop a trailing bracketed part: 某某加油站(T1006站) / 某公司（分店）
    core = re.sub(r"[(\[【][^()\[\]【】]*[)\]】]\s*$", "", text).strip() or text
    if any(w in core for w in ORG_CONTAINS):
        return True
    if ORG_LATIN.search(core):
        return True
    han = sum(1 for ch in core if "\u4e00" <= ch <= "\u9fff")
    if han <= 3 and han == len(core.replace("·", "").replace("•", "")):
        return False
    return core.endswith(ORG_SUFFIXES)


# ---------------------------------------------------------------------------
# reading cells
# ---------------------------------------------------------------------------
class TableError(Exception):
    """The file cannot be read as a table at all."""


def _xlsx_sheets(source: Path) -> list[tuple[str, list[list[Any]]]]:
    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        wb = openpyxl.load_workbook(source, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError) as exc:
        raise TableError(f"无法打开 Excel 文件（请用 Excel 或 WPS 另存为 .xlsx 格式后重试）：{exc}") from None
    out = []
    try:
        for ws in wb.worksheets:
            if getattr(ws, "sheet_state", "visible") != "visible":
                continue
            grid = [list(r) for r in ws.iter_rows(values_only=True)]
            width = max((len(r) for r in grid), default=0)
            for r in grid:
                r.extend([None] * (width - len(r)))
            for rng in ws.merged_cells.ranges:
                top = ws.cell(rng.min_row, rng.min_col).value
                for r in range(rng.min_row, min(rng.max_row, len(grid)) + 1):
                    for c in range(rng.min_col, min(rng.max_col, width) + 1):
                        grid[r - 1][c - 1] = top
            out.append((ws.title, grid))
    finally:
        wb.close()
    return out


def _csv_grid(source: Path) -> list[list[Any]]:
    data = source.read_bytes()
    for enc in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(enc)
            break
        except UnicodeDecodeError:
            continue
    else:  # pragma: no cover - gb18030 decodes almost anything
        raise TableError("无法识别 CSV 文件的编码，请用 UTF-8 或 GBK 保存。")
    sample = text[:4096]
    try:
        dialect: Any = csv.Sniffer().sniff(sample, delimiters=",\t;，")
    except csv.Error:
        dialect = csv.excel
    try:
        return [list(r) for r in csv.reader(io.StringIO(text, newline=""), dialect)]
    except csv.Error as exc:
        raise TableError(f"CSV 文件格式错误：{exc}") from None


_SCI = re.compile(r"^[+-]?\d(\.\d+)?[eE]\+?\d+$")
_DATETIME_TEXT = re.compile(r"^(\d{4}[-/.]\d{1,2}[-/.]\d{1,2})[ T]0{1,2}:00(:00)?(\.0+)?$")
_YEAR_ONLY = re.compile(r"^(\d{4})\s*年?$")


class CellError(Exception):
    pass


def _clean(value: Any) -> Any:
    """A cell as the YAML loader would give it (strings, dates), or None when blank."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, time):
        return value.isoformat()
    if isinstance(value, bool):
        return value
    if isinstance(value, float):
        if value.is_integer():
            if abs(value) >= 1e15:
                raise CellError("这个数字有15位以上，Excel 把它当作数值保存，末几位已经丢失。"
                                "请把该列设为“文本”格式后重新填写（身份证号、银行账号等都应按文本填写）。")
            return int(value)
        return value
    if isinstance(value, int):
        return value
    text = str(value).replace("\u3000", " ").strip()
    if not text:
        return None
    if _SCI.match(text):
        raise CellError(f"“{text}”是科学计数法显示的数字，长号码的末几位已经丢失。"
                        "请在 Excel 中把该列设为“文本”格式后重新填写。")
    return text


# ---------------------------------------------------------------------------
# rows -> records
# ---------------------------------------------------------------------------
@dataclass
class TableRow:
    """One data row: what the importer and the pipeline need."""

    row: int
    rid: str
    fields: dict[str, Any]
    columns: dict[str, str]  # dotted field path -> header as written (whitespace removed)
    problems: list[Problem]  # found while reading the row (annotated)
    raw: RawRecord | None = None  # set by read_table


@dataclass
class TableResult:
    rtype: str | None
    rows: list[TableRow] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)  # about the file, not a row


def _find_header(grid: list[list[Any]], hmap: Mapping[str, str]) -> int | None:
    for i, row in enumerate(grid[:MAX_HEADER_SCAN]):
        keys = [normalize_header(c) for c in row if c not in (None, "")]
        known = [k for k in keys if _match(k, hmap) not in (None, SEQ)]
        if len(known) >= 2 and len(known) * 2 >= len(keys):
            return i
    return None


def _match(key: str, hmap: Mapping[str, str]) -> str | None:
    if not key:
        return None
    if key in hmap:
        return hmap[key]
    # "许可时间(YYYY-MM-DD)", "申请人[单位名称]": drop a trailing bracketed hint
    cut = re.sub(r"[(\[【][^()\[\]【】]*[)\]】]$", "", key)
    if cut != key and cut in hmap:
        return hmap[cut]
    return None


def read_table(source: Path, content_dir: Path, rtype: str | None = None) -> TableResult:
    """Read a spreadsheet into rows; never raises for bad content."""
    source = Path(source)
    shown = display_path(source, Path(content_dir))
    if rtype is None:
        try:
            rel_dir = source.parent.relative_to(content_dir).as_posix()
        except ValueError:
            rel_dir = ""
        rtype = type_for(rel_dir)
    result = TableResult(rtype)

    def file_problem(message: str, severity: str = "error", line: int = 1) -> None:
        result.problems.append(Problem(shown, line, "-", message, severity))

    if rtype is None or not TYPES[rtype].table:
        allowed = "、".join(f"{t.folder}（{t.label}）" for t in TYPES.values() if t.table)
        what = f"“{TYPES[rtype].label}”不能用表格填写" if rtype else "这个文件夹不对应任何公示类型"
        file_problem(f"{what}，本表格未读取。表格只能放在：{allowed}；其他类型请每条记录写一个 .yaml 或 .md 文件。")
        return result
    try:
        file_bytes = source.read_bytes()
    except OSError as exc:
        file_problem(f"无法读取文件：{exc.strerror}")
        return result
    file_digest = hashlib.sha256(file_bytes).hexdigest()
    hmap = header_map(rtype)
    try:
        if source.suffix.lower() == ".xlsx":
            sheets = _xlsx_sheets(source)
        else:
            sheets = [("", _csv_grid(source))]
    except TableError as exc:
        file_problem(str(exc))
        return result
    chosen: tuple[str, list[list[Any]], int] | None = None
    others: list[str] = []
    for title, grid in sheets:
        h = _find_header(grid, hmap)
        if h is None:
            continue
        if chosen is None:
            chosen = (title, grid, h)
        else:
            others.append(title)
    if chosen is None:
        if not any(v not in (None, "") for _, g in sheets for r in g for v in r):
            file_problem("表格是空的，没有读取到任何记录。", "warning")
            return result
        names = "、".join(list(SEED_HEADERS.get(rtype, {}))[:8])
        file_problem(f"前{MAX_HEADER_SCAN}行中找不到表头行（至少两个可识别的列名），本表格未读取。"
                     f"{TYPES[rtype].label}表的列名例如：{names}；也可用英文字段名。")
        return result
    title, grid, header_idx = chosen
    if others:
        file_problem(f"只读取了工作表“{title}”；工作表“{'、'.join(others)}”也像是记录表，未读取，"
                     "请把记录放在同一个工作表，或分成多个文件。", "warning")
    header_row = header_idx + 1
    headers = grid[header_idx]
    columns: list[tuple[int, str, str]] = []  # (index, target, header text)
    seen: dict[str, str] = {}
    for i, cell in enumerate(headers):
        key = normalize_header(cell)
        if not key:
            continue
        shown_header = re.sub(r"\s+", "", str(cell))
        target = _match(key, hmap)
        if target is None:
            file_problem(f"第{header_row}行：不认识的列“{shown_header}”，该列已忽略（不会发布）。", "warning",
                         header_row)
            continue
        spec = _field_spec(rtype, target) if target not in (SEQ, ID) else None
        if spec is not None and spec.kind in UNSUPPORTED_KINDS:
            file_problem(f"第{header_row}行：“{shown_header}”列（{spec.label}）不能在表格中填写，该列已忽略；"
                         "需要时请改用 .yaml 记录文件。", "warning", header_row)
            continue
        if target in seen:
            file_problem(f"第{header_row}行：“{shown_header}”列与“{seen[target]}”列重复，只使用“{seen[target]}”列。",
                         "warning", header_row)
            continue
        seen[target] = shown_header
        columns.append((i, target, shown_header))
    present = {t.split(".")[0] for _, t, _ in columns}
    party = _party_key(rtype)
    missing = [k for k, s in TYPES[rtype].fields.items() if s.required and k not in present]
    if missing:
        file_problem(f"第{header_row}行：表头缺少必填列："
                     + "、".join(f"{TYPES[rtype].fields[k].label}（{k}）" for k in missing)
                     + "。缺少这些内容的行不会发布。", "error", header_row)

    stem = source.stem
    carry: dict[str, Any] = {}
    used_ids: dict[str, int] = {}
    for idx in range(header_idx + 1, len(grid)):
        cells = grid[idx]
        row_no = idx + 1
        row = _read_row(rtype, cells, columns, row_no, party, carry)
        if row is None:
            continue
        rid = row.rid or f"{stem}-{row_no:03d}"
        row.rid = rid
        if rid in used_ids:
            row.problems.append(Problem(
                shown, row_no, "id",
                f"第{row_no}行：记录编号“{rid}”与第{used_ids[rid]}行重复，两行都不发布。请给每行不同的编号。"))
            for other in result.rows:
                if other.rid == rid and not any(p.field == "id" and "重复" in p.message for p in other.problems):
                    other.problems.append(Problem(
                        shown, other.row, "id",
                        f"第{other.row}行：记录编号“{rid}”与第{row_no}行重复，两行都不发布。请给每行不同的编号。"))
        else:
            used_ids[rid] = row_no
        row.problems = [replace(p, path=shown) for p in row.problems]
        result.rows.append(row)
    for row in result.rows:
        row.raw = _to_raw(row, rtype, shown, source, file_digest)
    return result


def _read_row(rtype: str, cells: list[Any], columns: list[tuple[int, str, str]], row_no: int,
              party: str | None, carry: dict[str, Any]) -> TableRow | None:
    values: dict[str, Any] = {}
    colnames: dict[str, str] = {}
    problems: list[Problem] = []
    blank = True

    def err(target: str, header: str, message: str, severity: str = "error") -> None:
        problems.append(Problem("", row_no, target, f"第{row_no}行“{header}”列：{message}", severity))

    for i, target, header in columns:
        raw_cell = cells[i] if i < len(cells) else None
        try:
            value = _clean(raw_cell)
        except CellError as exc:
            err(target if target != ID else "id", header, str(exc))
            blank = blank and target == SEQ
            colnames[target] = header
            continue
        if value is None:
            continue
        if target != SEQ:
            blank = False
        colnames[target] = header
        values[target] = value
    if blank:
        return None
    # laws: 类别 is written once per group (S004) — carry it down.
    if rtype == "law":
        if "category" in values:
            carry["category"] = values["category"]
        elif "category" in carry:
            values["category"] = carry["category"]
            colnames.setdefault("category", next((h for _, t, h in columns if t == "category"), "类别"))

    rid = ""
    if ID in values:
        rid = str(values.pop(ID)).strip()
    values.pop(SEQ, None)

    fields: dict[str, Any] = {}
    nested: dict[str, dict[str, Any]] = {}
    for target, value in values.items():
        top, _, sub = target.partition(".")
        spec = _field_spec(rtype, target)
        header = colnames.get(target, target)
        if spec is not None and spec.kind == "date":
            value = _date_cell(rtype, target, value, header, row_no, problems)
        elif spec is not None and spec.kind in ("str", "text") and isinstance(value, date):
            value = value.isoformat()
        if sub:
            nested.setdefault(top, {})[sub] = value
        else:
            fields[top] = value

    rt = TYPES[rtype]
    for key, spec in rt.fields.items():
        if spec.kind == "party" and (key in fields or key in nested):
            fields[key] = _party_cell(key, fields.get(key), nested.pop(key, {}), colnames, row_no, problems)
        elif spec.kind == "contact" and (key in fields or key in nested):
            fields[key] = _contact_cell(fields.get(key), nested.pop(key, {}))
        elif spec.kind == "officers" and key in fields and isinstance(fields[key], (str, int)):
            fields[key] = _officers_cell(str(fields[key]), colnames.get(key, key), row_no, problems, key)
    for key, sub in nested.items():  # sub-columns of a field that is not a party/contact
        if isinstance(fields.get(key), dict):
            fields[key].update(sub)
        else:
            fields.setdefault(key, sub)
    if "persons" in fields and isinstance(fields["persons"], str):
        names = [n for n in re.split(r"[、，,；;\s]+", fields["persons"]) if n]
        fields["persons"] = [{"name": n} for n in names]
    if "redact" in fields and isinstance(fields["redact"], str):
        fields["redact"] = [v.strip() for v in re.split(r"[\n；;]+", fields["redact"]) if v.strip()]
    return TableRow(row_no, rid, fields, colnames, problems)


def _date_cell(rtype: str, target: str, value: Any, header: str, row_no: int,
               problems: list[Problem]) -> Any:
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        m = _DATETIME_TEXT.match(value)
        if m:
            return m.group(1)
    text = str(value).strip()
    y = _YEAR_ONLY.match(text)
    if y and rtype == "officer" and target == "issued":
        problems.append(Problem("", row_no, target,
                                f"第{row_no}行“{header}”列：只有年份“{text}”，已按 {y.group(1)}-01-01 录入；"
                                "如知道具体日期请补全。", "warning"))
        return date(int(y.group(1)), 1, 1)
    if isinstance(value, int) and 20000 <= value <= 80000:
        d = date(1899, 12, 30) + timedelta(days=value)
        problems.append(Problem("", row_no, target,
                                f"第{row_no}行“{header}”列：单元格是数字 {value}，已按 Excel 日期序号理解为 "
                                f"{d.isoformat()}，请核对并把该列设为日期格式。", "warning"))
        return d
    return value


def _party_cell(key: str, value: Any, sub: dict[str, Any], colnames: Mapping[str, str], row_no: int,
                problems: list[Problem]) -> Any:
    party: dict[str, Any] = {}
    if isinstance(value, (str, int)):
        party["name"] = str(value).strip()
    party.update(sub)
    header = colnames.get(key, key)
    kind = party.get("kind")
    if kind is not None:
        text = normalize_header(kind)
        if text in PERSON_KINDS:
            party["kind"] = "person"
        elif text in {normalize_header(k) for k in ORG_KINDS}:
            party["kind"] = "organization"
        # anything else is left for validate to reject (enum error names the column)
    elif party.get("name"):
        if looks_like_organization(party["name"]):
            party["kind"] = "organization"
        else:
            party["kind"] = "person"
            problems.append(Problem(
                "", row_no, key,
                f"第{row_no}行“{header}”列：名称不像单位名称（不以公司、厂、店、中心、站等结尾），"
                "已按自然人处理：姓名将显示为“姓+某”。如是单位，请增加“类别”列并填写“单位”。", "warning"))
    return party


def _contact_cell(value: Any, sub: dict[str, Any]) -> dict[str, Any]:
    contact: dict[str, Any] = {}
    if value is not None:
        contact.update(parse_contact_text(str(value)))
    for k, v in sub.items():
        contact[k] = str(v)
    return contact


def _officers_cell(text: str, header: str, row_no: int, problems: list[Problem], key: str) -> Any:
    officers = parse_officers_text(text)
    if not officers:
        return text  # validate explains the expected form
    rest = unicodedata.normalize("NFKC", text)
    for o in officers:
        rest = rest.replace(o["cert_number"], " ", 1)
        rest = rest.replace(o["name"], " ", 1)
    leftover = re.sub(r"[\s:：,，、;；()（）+＋]+", "", rest)
    if re.search(r"[\u4e00-\u9fffA-Za-z0-9]", leftover):
        problems.append(Problem(
            "", row_no, key,
            f"第{row_no}行“{header}”列：有内容无法识别为“姓名 执法证号”（“{leftover}”），请核对；"
            "每位检查人员写成“姓名 执法证号”。", "warning"))
    return officers


def _flat_paths(value: Any, prefix: str) -> Iterable[str]:
    yield prefix
    if isinstance(value, dict):
        for k, v in value.items():
            yield from _flat_paths(v, f"{prefix}.{k}")
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from _flat_paths(v, f"{prefix}[{i}]")


def _to_raw(row: TableRow, rtype: str, shown: str, source: Path, file_digest: str) -> RawRecord:
    lines: dict[str, int] = {"-": row.row, "id": row.row}
    for key in list(COMMON) + list(TYPES[rtype].fields):
        lines[key] = row.row
    for key, value in row.fields.items():
        for p in _flat_paths(value, key):
            lines[p] = row.row
    digest = hashlib.sha256(f"{file_digest}:{row.row}:{row.rid}:{sorted(row.fields.items(), key=str)!r}"
                            .encode()).hexdigest()
    base = RawRecord(shown, str(source), row.rid, rtype, row.fields, lines, "", row.row, digest)
    load_errors = [p for p in row.problems if p.severity == "error"]
    load_warnings = [p for p in row.problems if p.severity != "error"]
    _, problems = validate(replace(base, problems=tuple(load_warnings)))
    checked = [p if p in load_warnings else annotate(p, row, rtype) for p in problems]
    if load_errors or any(p.severity == "error" for p in checked):
        ordered = load_errors + checked
        return replace(base, problems=tuple(ordered))
    return replace(base, problems=tuple(load_warnings))


def annotate(p: Problem, row: TableRow, rtype: str) -> Problem:
    """Put the row and column in front of a validation message: 第5行“许可时间”列：…"""
    prefix = f"第{row.row}行"
    if p.message.startswith(prefix):
        return replace(p, line=row.row)
    probe = re.sub(r"\[\d+\]", "", p.field)
    header = None
    while probe:
        if probe in row.columns:
            header = row.columns[probe]
            break
        probe = probe.rpartition(".")[0]
    message = p.message
    spec = _field_spec(rtype, p.field.split("[")[0]) if p.field not in ("-", "") else None
    if spec is not None and message.startswith(spec.label + "："):
        message = message[len(spec.label) + 1:]
    message = message.replace("文件名", "记录编号（id 列或“表格文件名-行号”）", 1) if p.field == "-" else message
    where = f"{prefix}“{header}”列：" if header else f"{prefix}："
    return replace(p, line=row.row, message=where + message)


def load_table(source: Path, content_dir: Path) -> tuple[list[RawRecord], list[Problem]]:
    """The pipeline's entry point: (one RawRecord per data row, problems about the file)."""
    result = read_table(source, content_dir)
    return [r.raw for r in result.rows if r.raw is not None], result.problems
