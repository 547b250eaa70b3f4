"""Staff compliance report (`gongshi report`): never written into output/.

build_report(prepared) gathers, as of the prepared date:

- every record's state and why (Lifecycle.reason), what was hidden as counts
  by kind (Entry.counts — never a value), warnings, and possible personal
  names nobody declared (redaction.find_review_names, SPEC 5.4);
- the action lists a bureau works from (SPEC 7, section keys in brackets):
  publications overdue or due soon [publish], published late [late], withdrawals [withdraw], items
  taken down within 30 days [expiring], notices ending within 5 working days
  [notices], applications within 5 working days of their statutory deadline
  [applications], officers' certificates expiring within 60 days [certs],
  事前 content not reviewed since a listed law changed [prereview], and records
  with names to review [names].

render_text() prints it for a terminal (colour optional); render_html() gives
a self-contained page for the office intranet. The report shows names only
where staff must look at them: candidate names that are NOT hidden on the
site (review list). Hidden values are only ever counted.
"""

from __future__ import annotations

import html
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Mapping

from .model import State
from .pipeline import Entry, Prepared
from .schema import TYPES

STATE_ORDER = [State.QUARANTINED, State.WITHHELD, State.EMBARGOED, State.DRAFT, State.WITHDRAWN,
               State.ENDED, State.EXPIRED, State.PUBLIC]
STATE_COLOURS = {State.QUARANTINED: "red", State.WITHHELD: "magenta", State.EMBARGOED: "cyan",
                 State.DRAFT: "bright_black", State.WITHDRAWN: "yellow", State.ENDED: "yellow",
                 State.EXPIRED: "bright_black", State.PUBLIC: "green"}
LEVEL_COLOURS = {"bad": "red", "warn": "yellow", "info": "cyan"}
LEVEL_MARKS = {"bad": "✗", "warn": "!", "info": "·"}
KIND_LABELS = {
    "name": "姓名",
    "id_number": "身份证号码",
    "phone": "电话号码",
    "address": "住址",
    "birth_date": "出生日期",
    "bank_account": "银行账号",
    "property_cert": "权属证书编号",
    "plate": "车牌号码",
    "other": "其他",
}
EXPIRING_DAYS = 30  # SPEC 7: records expiring in the next 30 days
NOTICE_WORKING_DAYS = 5  # notices ending within 5 working days
APPLICATION_WORKING_DAYS = 5  # applications with <= 5 working days left
CERT_DAYS = 60  # officers' certificates expiring within 60 days
PRE_REVIEW_TYPES = ("guide", "power", "random_item", "plan")
TABLE_SUFFIXES = (".csv", ".xlsx")


@dataclass
class Item:
    """One line of an action list."""

    path: str
    rid: str
    type_label: str
    text: str
    level: str = "warn"  # bad (overdue) / warn (due soon) / info
    when: date | None = None  # sort key

    @property
    def where(self) -> str:
        return _where(self.path, self.rid)


@dataclass
class Section:
    key: str
    title: str
    hint: str
    items: list[Item] = field(default_factory=list)


@dataclass
class RecordRow:
    path: str
    rid: str
    type_label: str
    state: State
    reason: str
    counts: dict[str, int]
    review_names: list[str]
    warnings: list[str]
    errors: int

    @property
    def where(self) -> str:
        return _where(self.path, self.rid)


@dataclass
class Report:
    as_of: date
    records: list[RecordRow]
    sections: list[Section]
    notes: list[str]

    def section(self, key: str) -> Section:
        return next(s for s in self.sections if s.key == key)

    @property
    def state_counts(self) -> Counter:
        return Counter(r.state for r in self.records)

    def summary(self) -> str:
        counts = self.state_counts
        states = "，".join(f"{st.label} {counts[st]}" for st in STATE_ORDER if counts[st])
        todo = "，".join(f"{s.title} {len(s.items)}" for s in self.sections if s.items)
        line = f"合计 {len(self.records)} 条记录：{states or '无'}。"
        line += f" 待办：{todo}。" if todo else " 没有待办事项。"
        return line


def _where(path: str, rid: str) -> str:
    """A record's place: the file, plus the row id for spreadsheet rows."""
    if path.lower().endswith(TABLE_SUFFIXES) or Path(path).stem != rid:
        return f"{path} [{rid}]"
    return path


def _type_label(e: Entry) -> str:
    return TYPES[e.type].label if e.type in TYPES else "未知类型"


def _fmt(d: date | None) -> str:
    return d.isoformat() if d else "（无）"


def _counts_text(counts: Mapping[str, int]) -> str:
    return "，".join(f"{KIND_LABELS.get(k, k)} {v}" for k, v in sorted(counts.items()) if v)


# ---------------------------------------------------------------------------
# names needing review (SPEC 5.4)
# ---------------------------------------------------------------------------
def _texts(e: Entry) -> list[str]:
    """Free texts of a record that reach a page: title, every text field, body, notes."""
    rec = e.record
    assert rec is not None
    rt = TYPES[rec.type]
    if e.life.state == State.WITHDRAWN:  # only the withdrawal notice is public
        return [str(rec.get("title") or ""), str(rec.get("revocation_reason") or "")]
    out = [str(rec.get("title") or "")]
    for key, spec in rt.fields.items():
        if spec.kind == "text" and rec.get(key):
            out.append(str(rec.get(key)))
    for c in rec.get("corrections") or []:
        out.append(str(c.get("note") or ""))
    for ev in rec.get("events") or []:
        out.append(str(ev.get("note") or ""))
    out.append(rec.body or "")
    return [t for t in out if t.strip()]


def _known_names(e: Entry, site_known: list[str]) -> list[str]:
    """Declared persons, their aliases, officers, organisations, legal representatives."""
    from redaction import alias_names

    rec = e.record
    assert rec is not None
    persons: list[str] = []
    public: list[str] = []
    parties = list(rec.get("parties") or [])
    for key in ("applicant", "target"):
        if isinstance(rec.get(key), dict):
            parties.append(rec.get(key))
    for p in parties:
        if not isinstance(p, Mapping):
            continue
        (persons if p.get("kind") == "person" else public).append(str(p.get("name") or ""))
        if p.get("legal_representative"):
            public.append(str(p["legal_representative"]))
    for p in rec.get("persons") or []:
        persons.append(str(p.get("name") or ""))
    contact = rec.get("contact")
    if isinstance(contact, Mapping) and contact.get("name"):
        persons.append(str(contact["name"]))
    for o in rec.get("inspectors") or []:
        public.append(str(o.get("name") or ""))
    if rec.get("handler"):
        public.append(str(rec.get("handler")))
    persons = [p for p in persons if p]
    aliases = list(alias_names(persons).values()) if persons else []
    return [n for n in persons + aliases + public + site_known if n]


def review_names(e: Entry, site_known: list[str]) -> list[str]:
    from redaction import find_review_names

    known = _known_names(e, site_known)
    found: list[str] = []
    for text in _texts(e):
        for name in find_review_names(text, known):
            if name not in found:
                found.append(name)
    return found


def _site_known(prepared: Prepared) -> list[str]:
    out: list[str] = []
    for key in ("name", "legal_representative", "region", "sponsor", "address"):
        if prepared.site.get(key):
            out.append(str(prepared.site[key]))
    for e in prepared.entries:
        if e.record is None:
            continue
        if e.type == "officer":
            out.append(str(e.record.get("name") or ""))
        elif e.type == "law":
            out.append(str(e.record.get("name") or ""))
            out.append(str(e.record.get("enacted_by") or ""))
    return [x for x in out if x]


# ---------------------------------------------------------------------------
# action lists
# ---------------------------------------------------------------------------
def _item(e: Entry, text: str, level: str = "warn", when: date | None = None) -> Item:
    return Item(e.path, e.rid, _type_label(e), text, level, when)


def _publish(prepared: Prepared, e: Entry, out: list[Item], late_out: list[Item]) -> None:
    """Decision info not public by its deadline (7/20 working days after the decision);
    late_out gets the records that are public but went public after their deadline."""
    rt = TYPES.get(e.type or "")
    life, rec = e.life, e.record
    if rt is None or not rt.decision or rec is None or not rt.date_key:
        return
    decided = rec.get(rt.date_key)
    if not isinstance(decided, date):
        return
    as_of, cal = prepared.as_of, prepared.calendar
    days = prepared.policy.publication_deadline(rec.type)
    # drafts get no deadline from the lifecycle (rule 1 returns early): compute it here
    deadline = life.deadline or cal.add_workdays(decided, days)
    head = f"决定日期 {decided.isoformat()}，应于 {deadline.isoformat()} 前公开（{days}个工作日）"
    if life.state in (State.EMBARGOED, State.DRAFT):
        why = f"当前{life.state.label}：{life.reason}"
        if as_of > deadline:
            late = cal.workdays_between(deadline, as_of)
            out.append(_item(e, f"{head}，已逾期 {late} 个工作日；{why}", "bad", deadline))
        else:
            left = cal.workdays_between(as_of, deadline)
            if left <= NOTICE_WORKING_DAYS:
                out.append(_item(e, f"{head}，还剩 {left} 个工作日；{why}", "warn", deadline))
    elif life.on_site and life.public_from is not None and life.public_from > deadline:
        late = cal.workdays_between(deadline, life.public_from)
        late_out.append(_item(e, f"{head}；实际于 {life.public_from.isoformat()} 起公开，晚 {late} 个工作日",
                              "info", deadline))


def _withdraw(prepared: Prepared, e: Entry, out: list[Item]) -> None:
    """Revoked decisions: replaced by a withdrawal notice, due 3 working days after revoked_on."""
    rec, life = e.record, e.life
    if rec is None or rec.get("status") != "revoked":
        return
    if life.state not in (State.WITHDRAWN, State.PUBLIC, State.EMBARGOED):
        return
    as_of = prepared.as_of
    revoked = life.extra.get("revoked_on") or rec.get("revoked_on")
    due = life.extra.get("withdrawal_due")
    wd = prepared.policy.withdrawal_deadline_working_days
    if not isinstance(revoked, date) or not isinstance(due, date):
        return
    if life.state == State.WITHDRAWN:
        text = (f"{revoked.isoformat()} 撤销，撤回期限 {due.isoformat()}（{wd}个工作日）；"
                f"按 {revoked.isoformat()} 起的日期生成的网站只显示撤回说明")
        if as_of > due:
            out.append(_item(e, text + "。期限已过：如撤销是在期限之后才录入并重新生成的，实际撤回已逾期，请核对",
                             "warn", due))
        else:
            left = prepared.calendar.workdays_between(as_of, due)
            out.append(_item(e, text + f"。期限内（还剩 {left} 个工作日）", "info", due))
    else:
        out.append(_item(e, f"将于 {revoked.isoformat()} 撤销，届时自动改为撤回说明（撤回期限 {due.isoformat()}）",
                         "info", revoked))


def _expiring(prepared: Prepared, e: Entry, out: list[Item]) -> None:
    life = e.life
    if not life.on_site or life.public_until is None:
        return
    as_of = prepared.as_of
    if as_of <= life.public_until <= as_of + timedelta(days=EXPIRING_DAYS):
        gone = life.public_until + timedelta(days=1)
        left = (life.public_until - as_of).days
        what = "撤回说明" if life.state == State.WITHDRAWN else ""
        out.append(_item(e, f"{gone.isoformat()} 起撤下{what}（还有 {left + 1} 天）；{life.reason}", "info",
                         life.public_until))


def _notices(prepared: Prepared, e: Entry, out: list[Item]) -> None:
    life = e.life
    if e.type != "notice" or life.state != State.PUBLIC or life.phase != "公示中" or life.phase_end is None:
        return
    left = life.extra.get("working_days_left")
    if not isinstance(left, int):
        left = prepared.calendar.workdays_between(prepared.as_of, life.phase_end)
    if left <= NOTICE_WORKING_DAYS:
        out.append(_item(e, f"公示期至 {life.phase_end.isoformat()}，还剩 {left} 个工作日；"
                            "期满后请及时作出许可决定并公示结果", "warn", life.phase_end))


def _applications(prepared: Prepared, e: Entry, out: list[Item]) -> None:
    life = e.life
    if e.type != "application" or not life.on_site:
        return
    progress = life.extra.get("progress") or {}
    if progress.get("decided_on") or progress.get("deadline") is None:
        return
    left = int(progress.get("working_days_remaining", 0))
    deadline = progress["deadline"]
    stopped = f"（{progress.get('stop_reason')}）" if progress.get("clock_stopped") else ""
    if progress.get("overdue") or prepared.as_of > deadline:
        out.append(_item(e, f"已超过法定办理期限 {deadline.isoformat()}，当前状态：{progress.get('state')}{stopped}",
                         "bad", deadline))
    elif left <= APPLICATION_WORKING_DAYS:
        out.append(_item(e, f"法定办理期限 {deadline.isoformat()}，还剩 {left} 个工作日，"
                            f"当前状态：{progress.get('state')}{stopped}", "warn", deadline))


def _certs(prepared: Prepared, e: Entry, out: list[Item]) -> None:
    rec = e.record
    if e.type != "officer" or rec is None or e.life.state not in (State.PUBLIC, State.EMBARGOED):
        return
    valid = rec.get("valid_until")
    if not isinstance(valid, date):
        return
    as_of = prepared.as_of
    if as_of <= valid <= as_of + timedelta(days=CERT_DAYS):
        out.append(_item(e, f"执法证有效期至 {valid.isoformat()}（还有 {(valid - as_of).days} 天），"
                            "到期后自动移出执法人员名单；请及时换证并更新 valid_until",
                         "warn", valid))


def _law_changes(prepared: Prepared) -> list[tuple[date, str, str]]:
    """(date, law name, 施行/废止) of every listed law's change on or before the as-of date."""
    out = []
    for e in prepared.entries:
        rec = e.record
        if e.type != "law" or rec is None or e.life.state in (State.DRAFT, State.WITHHELD):
            continue
        name = str(rec.get("name") or e.rid)
        for key, what in (("effective", "施行"), ("repealed_on", "废止")):
            d = rec.get(key)
            if isinstance(d, date) and d <= prepared.as_of:
                out.append((d, name, what))
    out.sort()
    return out


def _prereview(prepared: Prepared, changes: list[tuple[date, str, str]], e: Entry, out: list[Item]) -> None:
    rec = e.record
    if e.type not in PRE_REVIEW_TYPES or rec is None or not changes:
        return
    if e.life.state not in (State.PUBLIC, State.EMBARGOED):
        return
    newest = changes[-1]
    reviewed = rec.get("reviewed_on")
    grace = prepared.policy.law_repeal_grace_working_days
    if not isinstance(reviewed, date):
        out.append(_item(e, f"未填写 reviewed_on（最近审核日期），无法确认已按最近的法律变化更新："
                            f"《{newest[1]}》{newest[0].isoformat()} {newest[2]}", "warn", None))
        return
    after = [c for c in changes if c[0] > reviewed]
    if not after:
        return
    first = after[0]
    due = prepared.calendar.add_workdays(first[0], grace)
    level = "bad" if prepared.as_of > due else "warn"
    more = f"等 {len(after)} 项变化" if len(after) > 1 else ""
    out.append(_item(e, f"最近审核 {reviewed.isoformat()}，此后《{first[1]}》{first[0].isoformat()} {first[2]}{more}；"
                        f"应于 {due.isoformat()} 前更新（{grace}个工作日）"
                        + ("，已逾期" if level == "bad" else ""), level, first[0]))


# ---------------------------------------------------------------------------
# the report
# ---------------------------------------------------------------------------
def build_report(prepared: Prepared, review: bool = True) -> Report:
    sections = [
        Section("publish", "逾期或即将到期未公开",
                "决定信息应在决定后规定的工作日内公开（处罚、许可7个，其他20个；安全生产法第七十八条、S000 第三十二条、S003 第十三条）。"),
        Section("late", "迟延公开", "已公开、但首次公开日期晚于公开期限的决定信息（用于年度考核和整改）。"),
        Section("withdraw", "撤回",
                "已公示的决定被撤销、确认违法或要求重新作出的，应在3个工作日内撤下并作出说明（S004 事后公示(七)）。"),
        Section("expiring", f"{EXPIRING_DAYS}天内撤下", "公示期满或指定撤下日期将到的记录。"),
        Section("notices", "公示期即将结束", f"许可决定前公示剩余不超过{NOTICE_WORKING_DAYS}个工作日。"),
        Section("applications", "办理期限临近", f"距法定办理期限不超过{APPLICATION_WORKING_DAYS}个工作日或已超期（S000 第二十八条）。"),
        Section("certs", "执法证即将到期", f"{CERT_DAYS}天内到期的执法证件。"),
        Section("prereview", "事前公示待复核",
                "法律法规施行或废止后，服务指南、权责清单、随机抽查事项、检查计划应在规定期限内更新（S004 公示管理二）；"
                "复核后请在记录中填写 reviewed_on。"),
        Section("names", "待核姓名", "文字中可能是自然人姓名、但未在 persons/当事人中声明的词语。它们在网站上没有隐去，请逐一核对。"),
    ]
    by_key = {s.key: s.items for s in sections}
    changes = _law_changes(prepared)
    site_known = _site_known(prepared) if review else []
    rows: list[RecordRow] = []
    for e in prepared.entries:
        names: list[str] = []
        if review and e.record is not None and e.life.state in (
                State.PUBLIC, State.EMBARGOED, State.DRAFT, State.WITHDRAWN):
            names = review_names(e, site_known)
            if names:
                by_key["names"].append(_item(e, "、".join(names), "warn"))
        rows.append(RecordRow(
            path=e.path, rid=e.rid, type_label=_type_label(e), state=e.life.state,
            reason=e.life.reason, counts=dict(e.counts), review_names=names,
            warnings=[p.message for p in e.problems if p.severity != "error"],
            errors=len(e.errors),
        ))
        _publish(prepared, e, by_key["publish"], by_key["late"])
        _withdraw(prepared, e, by_key["withdraw"])
        _expiring(prepared, e, by_key["expiring"])
        _notices(prepared, e, by_key["notices"])
        _applications(prepared, e, by_key["applications"])
        _certs(prepared, e, by_key["certs"])
        _prereview(prepared, changes, e, by_key["prereview"])
    level_order = {"bad": 0, "warn": 1, "info": 2}
    for s in sections:
        s.items.sort(key=lambda i: (level_order[i.level], i.when or date.max, i.path, i.rid))
    notes = [w.removeprefix("警告：") for w in prepared.calendar_warnings()]
    no_valid = sum(1 for e in prepared.entries if e.type == "officer" and e.record is not None
                   and e.life.state == State.PUBLIC and not isinstance(e.record.get("valid_until"), date))
    if no_valid:
        notes.append(f"{no_valid} 名执法人员未填写执法证有效期（valid_until），无法提醒到期。")
    file_errors = [p for p in prepared.site_problems + prepared.stray_problems if p.severity == "error"]
    if file_errors:
        notes.append(f"{len(file_errors)} 个文件无法读取或不属于任何类型，运行 gongshi check 查看。")
    return Report(prepared.as_of, rows, sections, notes)


# ---------------------------------------------------------------------------
# terminal
# ---------------------------------------------------------------------------
def _style(text: str, colour: bool, fg: str | None = None, bold: bool = False) -> str:
    if not colour:
        return text
    import click

    return click.style(text, fg=fg, bold=bold)


def render_text(report: Report, colour: bool = False) -> str:
    lines = [_style(f"公示合规报告（按 {report.as_of.isoformat()} 的规则）", colour, bold=True), ""]
    lines.append(_style("一、待办事项", colour, bold=True))
    for s in report.sections:
        head = f"== {s.title}（{len(s.items)}）=="
        lines.append(_style(head, colour, "red" if any(i.level == "bad" for i in s.items) else None, bold=True))
        if not s.items:
            lines.append("  无")
            continue
        for i in s.items:
            mark = _style(LEVEL_MARKS[i.level], colour, LEVEL_COLOURS[i.level], bold=True)
            lines.append(f"  {mark} {i.where}  [{i.type_label}]  {i.text}")
    lines.append("")
    lines.append(_style("二、每条记录的状态", colour, bold=True))
    for st in STATE_ORDER:
        group = [r for r in report.records if r.state == st]
        if not group:
            continue
        lines.append(_style(f"== {st.label}（{len(group)} 条）==", colour, STATE_COLOURS[st], bold=True))
        for r in group:
            parts = [f"  {r.where}  [{r.type_label}]  {r.reason}"]
            if r.errors > 1:
                parts.append(f"（共 {r.errors} 个错误，运行 gongshi check 查看）")
            if r.counts:
                parts.append(f"；隐去：{_counts_text(r.counts)}")
            if r.review_names:
                parts.append(_style(f"；待核姓名：{'、'.join(r.review_names)}", colour, "yellow"))
            lines.append("".join(parts))
            for w in r.warnings:
                lines.append(_style(f"      警告：{w}", colour, "yellow"))
        lines.append("")
    for n in report.notes:
        lines.append(_style(f"注：{n}", colour, "yellow"))
    lines.append(_style(report.summary(), colour, bold=True))
    return "\n".join(lines)


# ---------------------------------------------------------------------------
# HTML (office intranet)
# ---------------------------------------------------------------------------
_CSS = """
body{font-family:"Noto Sans CJK SC","Microsoft YaHei",sans-serif;margin:2em;line-height:1.5;color:#1a1a1a}
h1{font-size:1.5em}h2{font-size:1.2em;margin-top:2em;border-bottom:2px solid #1a4e8a}
table{border-collapse:collapse;width:100%;margin:.5em 0}th,td{border:1px solid #bbb;padding:.3em .5em;
text-align:left;vertical-align:top}th{background:#eef2f7}.bad{color:#a40000;font-weight:bold}
.warn{color:#8a5a00}.info{color:#205080}.hint{color:#555;font-size:.9em}.summary{font-weight:bold;
background:#fff7d6;padding:.5em}.state-quarantined{color:#a40000}.state-withheld{color:#6a1b9a}
.none{color:#777}td.lv{white-space:nowrap}code{font-size:.9em}@media print{body{margin:0}}
"""
_LEVEL_TEXT = {"bad": "逾期", "warn": "注意", "info": "提示"}


def render_html(report: Report) -> str:
    e = html.escape
    out = ['<!DOCTYPE html>\n<html lang="zh-CN"><head><meta charset="utf-8">',
           '<meta name="robots" content="noindex,nofollow">',
           '<meta name="viewport" content="width=device-width,initial-scale=1">',
           f"<title>公示合规报告 {report.as_of.isoformat()}</title><style>{_CSS}</style></head><body>",
           f"<h1>公示合规报告（按 {report.as_of.isoformat()} 的规则）</h1>",
           '<p class="hint">内部工作资料，不得发布到公示网站。隐去的内容只列出数量，不列出具体值。</p>',
           f'<p class="summary">{e(report.summary())}</p>',
           "<h2>一、待办事项</h2>"]
    for s in report.sections:
        out.append(f'<h3 id="{s.key}">{e(s.title)}（{len(s.items)}）</h3><p class="hint">{e(s.hint)}</p>')
        if not s.items:
            out.append('<p class="none">无</p>')
            continue
        out.append('<table><thead><tr><th scope="col">级别</th><th scope="col">记录</th>'
                   '<th scope="col">类型</th><th scope="col">说明</th></tr></thead><tbody>')
        for i in s.items:
            out.append(f'<tr><td class="lv {i.level}">{_LEVEL_TEXT[i.level]}</td><td><code>{e(i.where)}</code></td>'
                       f"<td>{e(i.type_label)}</td><td>{e(i.text)}</td></tr>")
        out.append("</tbody></table>")
    out.append("<h2>二、每条记录的状态</h2>")
    for st in STATE_ORDER:
        group = [r for r in report.records if r.state == st]
        if not group:
            continue
        out.append(f'<h3 class="state-{st.value}">{e(st.label)}（{len(group)} 条）</h3>')
        out.append('<table><thead><tr><th scope="col">记录</th><th scope="col">类型</th><th scope="col">状态说明</th>'
                   '<th scope="col">隐去（按类别计数）</th><th scope="col">待核姓名</th><th scope="col">警告</th>'
                   "</tr></thead><tbody>")
        for r in group:
            reason = r.reason + (f"（共 {r.errors} 个错误）" if r.errors > 1 else "")
            out.append(f"<tr><td><code>{e(r.where)}</code></td><td>{e(r.type_label)}</td><td>{e(reason)}</td>"
                       f"<td>{e(_counts_text(r.counts))}</td><td class=\"warn\">{e('、'.join(r.review_names))}</td>"
                       f"<td>{'<br>'.join(e(w) for w in r.warnings)}</td></tr>")
        out.append("</tbody></table>")
    if report.notes:
        out.append("<h2>注</h2><ul>" + "".join(f"<li>{e(n)}</li>" for n in report.notes) + "</ul>")
    out.append("</body></html>\n")
    return "\n".join(out)


def sections_by_key(report: Report) -> dict[str, list[Item]]:
    """{section key: items} — handy for tests and other tools."""
    return {s.key: s.items for s in report.sections}


__all__ = ["build_report", "render_text", "render_html", "Report", "Section", "Item", "RecordRow",
           "review_names", "sections_by_key"]
