"""`gongshi new TYPE`: a commented Chinese template record, generated from the schema.

Generating from generator.schema keeps templates and validation in step: a
field added to a type appears in its template with its label.
"""

from __future__ import annotations

from pathlib import Path

from .loader import ID_RE
from .schema import COMMON, TYPES, WITHHOLD_CODES, F

KIND_HINT = {
    "str": "文字",
    "text": "文字（可多行，用 | 开头换行书写）",
    "date": "日期，格式 YYYY-MM-DD",
    "int": "整数",
    "money": "金额，单位元，只写数字",
    "bool": "true（是）或 false（否）",
    "strlist": "列表，每项一行，以“- ”开头",
}
EXAMPLES = {
    "str": '""',
    "text": '""',
    "date": "2026-01-01",
    "int": "0",
    "money": "0",
    "bool": "false",
    "strlist": "[]",
}
PARTY_EXAMPLE = """
  # 单位：kind: organization；自然人：kind: person（姓名将显示为“姓+某”，证件号、电话、住址一律隐去）
  - name: 示例有限公司
    kind: organization
    legal_representative: ""   # 法定代表人（默认公开）
    credit_code: ""            # 统一社会信用代码
  # - name: 张某某              # 自然人当事人示例
  #   kind: person
  #   id_number: ""            # 身份证号码（不会公开；用于判断是否未成年）
  #   phone: ""                # 电话（不会公开）
  #   address: ""              # 住址（不会公开）"""

BODY_TYPES = {"penalty", "guide", "plan", "notice", "hearing", "coercive"}


def _field_lines(key: str, spec: F) -> list[str]:
    need = "必填" if spec.required else "选填"
    if spec.kind == "enum":
        hint = "可选：" + " / ".join(spec.choices)
        example = spec.choices[0]
    elif spec.kind in ("parties",):
        return [f"# {spec.label}（{need}）：当事人列表", f"{key}:{PARTY_EXAMPLE}"]
    elif spec.kind == "party":
        return [f"# {spec.label}（{need}）", f"{key}:", "  name: 示例有限公司",
                "  kind: organization   # 自然人写 person（姓名将隐去为“姓+某”）"]
    elif spec.kind == "contact":
        return [f"# {spec.label}（{need}）：姓名和电话不会公开", f"# {key}:", "#   name: \"\"", "#   phone: \"\""]
    elif spec.kind == "officers":
        return [f"# {spec.label}（{need}）：执法人员姓名和执法证号（公开）", f"{key}:",
                "  - name: 示例", "    cert_number: \"\""]
    elif spec.kind == "events":
        return [f"# {spec.label}（{need}）：状态可选 受理/补正/审查/特别程序开始/特别程序结束/决定",
                f"{key}:", "  - date: 2026-01-01", "    state: 受理", "    note: \"\""]
    else:
        hint = KIND_HINT.get(spec.kind, spec.kind)
        example = EXAMPLES.get(spec.kind, '""')
    line = f"{key}: {example}"
    if not spec.required:
        line = "# " + line
    return [f"# {spec.label}（{need}）：{hint}", line]


def template_text(rtype: str) -> str:
    rt = TYPES[rtype]
    body = rtype in BODY_TYPES
    lines = [f"# {rt.label}（type: {rtype}）——由 gongshi new 生成的模板。",
             "# 以 # 开头的行是说明，不会发布。文件名就是记录编号，会出现在网址中，不得包含姓名。",
             f"type: {rtype}"]
    for key, spec in rt.fields.items():
        lines.extend(_field_lines(key, spec))
    lines += [
        "# ---- 以下为通用选填字段 ----",
        "# publish_on: 2026-01-01      # 在此日期之前不公开",
        "# published_on: 2026-01-01    # 首次公开日期（与决定日期不同时填写）",
        "# expires_on: 2027-01-01      # 指定撤下日期（优先于自动计算）",
        "# status: active              # active 正常 / draft 草稿（不公开）/ revoked 已撤回",
        "# revoked_on: 2026-01-01      # 撤回日期（status 为 revoked 时必填）",
        "# revocation_reason: \"\"       # 撤回原因（status 为 revoked 时必填）",
        "# ended_on: 2026-01-01        # 提前撤下日期（如信用修复）",
        "# end_reason: 信用修复",
        f"# withhold: privacy           # 不予公开的原因，可选：{' / '.join(WITHHOLD_CODES)}",
        "# persons:                    # 正文中提到的其他自然人（姓名显示为“姓+某”，其他信息隐去）",
        "#   - name: \"\"",
        "#     id_number: \"\"",
        "#     phone: \"\"",
        "# redact:                     # 其他需要隐去的文字（如财产状况）",
        "#   - \"\"",
        "# corrections:                # 更正记录",
        "#   - date: 2026-01-01",
        "#     note: \"\"",
        "# attachments:                # 附件（与本文件放在同一文件夹，审核后 reviewed: true 才会发布）",
        "#   - file: flow.svg",
        "#     title: 流程图",
        "#     alt: 图片的文字说明",
        "#     reviewed: false",
    ]
    assert set(COMMON) >= {"publish_on", "status", "withhold"}
    text = "\n".join(lines) + "\n"
    if body:
        return "---\n" + text + "---\n\n在这里用 Markdown 书写正文（不要使用 HTML 标签）。\n"
    return text


def write_template(rtype: str, content_dir: Path, rid: str | None = None) -> Path:
    if rtype not in TYPES:
        raise ValueError(f"不认识的类型“{rtype}”。可用类型：{', '.join(TYPES)}")
    rt = TYPES[rtype]
    folder = content_dir / rt.folder
    folder.mkdir(parents=True, exist_ok=True)
    suffix = ".md" if rtype in BODY_TYPES else ".yaml"
    if rid is None:
        n = 1
        while (folder / f"new-{n}{suffix}").exists():
            n += 1
        rid = f"new-{n}"
    if not ID_RE.match(rid):
        raise ValueError(f"记录编号“{rid}”不合规：只能用英文字母、数字、点、连字符和下划线。")
    path = folder / f"{rid}{suffix}"
    if path.exists():
        raise ValueError(f"文件已存在：{path}")
    path.write_text(template_text(rtype), encoding="utf-8")
    return path
