"""`gongshi import FILE TYPE`: turn a spreadsheet into one .yaml record file per row.

For staff who prefer files to a sheet. Rows are read exactly as the build
reads them (generator.tables), so a converted record means what the row
meant; a row that validates is written normalised (dates as YYYY-MM-DD,
parties, contact and inspectors as structured fields), a row with errors is
written as read, with its problems printed, for staff to fix.

Never overwrites: if any target file (or another record file with the same
id) already exists, nothing is written.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping

import yaml

from .loader import ID_RE, RECORD_SUFFIXES, display_path
from .model import Problem
from .schema import COMMON, TYPES
from .tables import TableRow, read_table
from .validate import validate

SUFFIXES = (".csv", ".xlsx")


class ImportRefused(Exception):
    """Nothing was written; the message says why (Chinese)."""


@dataclass
class ImportResult:
    written: list[Path] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    invalid: int = 0
    notes: list[str] = field(default_factory=list)


def resolve_type(name: str) -> str:
    """A type given as its key (license), Chinese label (行政许可) or folder (post/licenses)."""
    text = name.strip().strip("/")
    for key, rt in TYPES.items():
        if text in (key, rt.label, rt.folder, rt.folder.rsplit("/", 1)[-1]):
            return key
    raise ImportRefused(f"不认识的类型“{name}”。可用表格导入的类型："
                        + "、".join(f"{k}（{rt.label}）" for k, rt in TYPES.items() if rt.table) + "。")


class _Dumper(yaml.SafeDumper):
    pass


def _str_presenter(dumper: yaml.SafeDumper, value: str) -> yaml.Node:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _str_presenter)


def _ordered(rtype: str, fields: Mapping[str, Any]) -> dict[str, Any]:
    order = list(TYPES[rtype].fields) + [k for k in COMMON if k not in TYPES[rtype].fields]
    out = {k: fields[k] for k in order if k in fields}
    out.update({k: v for k, v in fields.items() if k not in out})
    for k, v in out.items():
        if isinstance(v, dict) and "name" in v:
            out[k] = {"name": v["name"], **{kk: vv for kk, vv in v.items() if kk != "name"}}
    return out


def record_yaml(rtype: str, row: TableRow, source_name: str) -> tuple[str, bool]:
    """(YAML text for one row, whether the row is valid)."""
    assert row.raw is not None
    record, problems = validate(row.raw)
    valid = record is not None
    if valid:
        fields = {k: v for k, v in record.fields.items() if k in row.fields}
    else:
        fields = dict(row.fields)
    lines = [f"# {TYPES[rtype].label}：由表格“{source_name}”第{row.row}行导入（gongshi import）。"]
    for p in problems:
        level = "错误" if p.severity == "error" else "注意"
        lines.append(f"# {level}：{p.message}")
    body = yaml.dump(_ordered(rtype, fields), Dumper=_Dumper, allow_unicode=True, sort_keys=False,
                     default_flow_style=False, width=4096)
    return "\n".join(lines) + "\n" + body, valid


def import_table(source: Path, rtype_name: str, content_dir: Path) -> ImportResult:
    source = Path(source)
    content_dir = Path(content_dir)
    if not source.is_file():
        raise ImportRefused(f"找不到表格文件：{source}")
    if source.suffix.lower() not in SUFFIXES:
        raise ImportRefused(f"只能导入 .csv 或 .xlsx 表格，收到“{source.name}”（.xls 请先另存为 .xlsx）。")
    rtype = resolve_type(rtype_name)
    rt = TYPES[rtype]
    if not rt.table:
        raise ImportRefused(f"“{rt.label}”不能用表格填写。可用表格导入的类型："
                            + "、".join(f"{k}（{t.label}）" for k, t in TYPES.items() if t.table) + "。")
    table = read_table(source, content_dir, rtype)
    file_errors = [p for p in table.problems if p.severity == "error"]
    if not table.rows:
        why = "；".join(p.message for p in file_errors) or "表格中没有数据行。"
        raise ImportRefused(f"没有可导入的行：{why}")
    bad_ids = [r for r in table.rows if not ID_RE.match(r.rid)]
    if bad_ids:
        raise ImportRefused(
            f"第{bad_ids[0].row}行的记录编号“{bad_ids[0].rid}”不能用作文件名和网址（只能用英文字母、数字、点、连字符）。"
            "请在表格中增加 id 列填写编号，或把表格文件改为英文/数字文件名后再导入。未写出任何文件。")
    seen: dict[str, int] = {}
    for r in table.rows:
        if r.rid in seen:
            raise ImportRefused(f"第{seen[r.rid]}行和第{r.row}行的记录编号都是“{r.rid}”，请改为不同的编号。未写出任何文件。")
        seen[r.rid] = r.row
    folder = content_dir / rt.folder
    clashes = []
    for r in table.rows:
        for suffix in RECORD_SUFFIXES:
            candidate = folder / f"{r.rid}{suffix}"
            if candidate.exists():
                clashes.append(candidate)
    if clashes:
        shown = "、".join(str(c) for c in clashes[:10]) + ("等" if len(clashes) > 10 else "")
        raise ImportRefused(f"以下记录文件已存在，为避免覆盖，未写出任何文件：{shown}")
    result = ImportResult(problems=list(table.problems))
    texts = []
    for r in table.rows:
        text, valid = record_yaml(rtype, r, source.name)
        texts.append((r, text, valid))
        if not valid:
            result.invalid += 1
            assert r.raw is not None
            _, problems = validate(r.raw)
            result.problems.extend(problems)
    folder.mkdir(parents=True, exist_ok=True)
    for r, text, _valid in texts:
        path = folder / f"{r.rid}.yaml"
        with open(path, "x", encoding="utf-8") as fh:  # "x": never overwrite, even in a race
            fh.write(text)
        result.written.append(path)
    try:
        inside = source.resolve().parent.relative_to(content_dir.resolve())
    except ValueError:
        inside = None
    if inside is not None:
        result.notes.append(
            f"原表格 {display_path(source.resolve(), content_dir.resolve())} 仍在记录目录中：同一记录会出现两次"
            "（编号重复，两条都不会发布）。请把原表格移出 content/ 目录。")
    return result


__all__ = ["import_table", "ImportRefused", "ImportResult", "resolve_type", "record_yaml"]
