"""Record types: folder, section, labels and the fields each type accepts.

One declarative table per type; generator.validate reads it. Field kinds:
str, text, date, int, money, bool, enum, strlist, party, parties, persons,
contact, officers, events, corrections, attachments.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class F:
    """A field: its kind, Chinese label, whether it is required, and choices."""

    kind: str
    label: str
    required: bool = False
    choices: tuple[str, ...] = ()


@dataclass(frozen=True)
class RecordType:
    name: str  # internal type name
    folder: str  # content-relative folder
    section: str  # pre / in-process / post
    label: str  # Chinese name of the type
    fields: dict[str, F]
    date_key: str | None  # field that orders listings and starts windows
    title_key: str = "title"
    table: bool = False  # .csv/.xlsx rows accepted (spreadsheet folders)
    decision: bool = False  # decision info (1-year window, publication deadline)
    empty_text: str = ""  # "本月无行政处罚案件" style wording: "无{label}"

    @property
    def url_dir(self) -> str:
        return self.folder


PARTY_KINDS = ("person", "organization")
STATUSES = ("active", "draft", "revoked")
WITHHOLD_CODES = (
    "minor",
    "state_secret",
    "commercial_secret",
    "privacy",
    "security",
    "obstruction",
    "other",
)
WITHHOLD_LABELS = {
    "minor": "当事人是未成年人",
    "state_secret": "涉及国家秘密",
    "commercial_secret": "涉及商业秘密",
    "privacy": "涉及个人隐私",
    "security": "公开后可能危及国家安全、公共安全、经济安全和社会稳定",
    "obstruction": "可能妨害正常执法活动",
    "other": "不适宜公示的其他情形",
}
LAW_CATEGORIES = ("法律", "行政法规", "地方性法规", "部门规章", "规范性文件", "裁量基准")
POWER_KINDS = ("许可", "处罚", "强制", "检查", "其他")
APPLICATION_STATES = ("受理", "补正", "审查", "特别程序开始", "特别程序结束", "决定")
INSPECTION_REASONS = ("依职权", "依举报")

COMMON: dict[str, F] = {
    "type": F("str", "类型"),
    "title": F("str", "标题"),
    "publish_on": F("date", "公开日期"),
    "published_on": F("date", "首次公开日期"),
    "expires_on": F("date", "撤下日期"),
    "status": F("enum", "状态", choices=STATUSES),
    "revoked_on": F("date", "撤回日期"),
    "revocation_reason": F("text", "撤回原因"),
    "ended_on": F("date", "提前撤下日期"),
    "end_reason": F("text", "提前撤下原因"),
    "withhold": F("enum", "不予公开原因", choices=WITHHOLD_CODES),
    "persons": F("persons", "涉及的自然人"),
    "redact": F("strlist", "需隐去的内容"),
    "corrections": F("corrections", "更正记录"),
    "attachments": F("attachments", "附件"),
    "reviewed_on": F("date", "最近审核日期"),
}


def _t(**kw: F) -> dict[str, F]:
    return kw


TYPES: dict[str, RecordType] = {}


def _add(rt: RecordType) -> None:
    TYPES[rt.name] = rt


_add(RecordType("law", "pre/laws", "pre", "执法依据", _t(
    name=F("str", "名称", True),
    category=F("enum", "类别", True, LAW_CATEGORIES),
    enacted_by=F("str", "制定机关", True),
    effective=F("date", "生效时间", True),
    repealed_on=F("date", "废止日期"),
    articles=F("text", "相关条款"),
), date_key="effective", title_key="name", table=True))

_add(RecordType("officer", "pre/personnel", "pre", "执法人员", _t(
    name=F("str", "姓名", True),
    unit=F("str", "单位", True),
    gender=F("enum", "性别", True, ("男", "女")),
    title=F("str", "职务", True),
    cert_number=F("str", "执法证号", True),
    issued=F("date", "发证日期", True),
    valid_until=F("date", "有效期至"),
    category=F("str", "执法类别"),
    left_on=F("date", "离岗日期"),
), date_key="issued", title_key="name", table=True))

_add(RecordType("power", "pre/powers", "pre", "权责清单", _t(
    name=F("str", "事项名称", True),
    kind=F("enum", "职权类别", True, POWER_KINDS),
    basis=F("text", "实施依据", True),
    unit=F("str", "实施主体", True),
    accountability=F("text", "追责情形"),
), date_key=None, title_key="name"))

_add(RecordType("random_item", "pre/random-items", "pre", "随机抽查事项", _t(
    name=F("str", "抽查事项", True),
    basis=F("text", "抽查依据", True),
    subject=F("str", "抽查主体", True),
    objects=F("text", "抽查对象", True),
    content=F("text", "抽查内容", True),
    method=F("str", "抽查方式", True),
    ratio=F("str", "抽查比例", True),
    frequency=F("str", "抽查频次", True),
    link=F("str", "参考链接"),
), date_key=None, title_key="name"))

_add(RecordType("guide", "pre/guides", "pre", "服务指南与流程图", _t(
    title=F("str", "标题", True),
), date_key=None))

_add(RecordType("plan", "pre/plans", "pre", "年度执法检查计划", _t(
    title=F("str", "标题", True),
    year=F("int", "年度", True),
), date_key=None))

_add(RecordType("notice", "in-process/notices", "in-process", "许可决定前公示", _t(
    title=F("str", "标题", True),
    start=F("date", "公示开始日期", True),
    working_days=F("int", "公示期（工作日）"),
    objection_channel=F("text", "异议渠道", True),
), date_key="start"))

_add(RecordType("hearing", "in-process/hearings", "in-process", "听证公告", _t(
    title=F("str", "标题", True),
    hearing_date=F("date", "听证日期", True),
    place=F("str", "听证地点", True),
    matter=F("text", "听证事项", True),
), date_key="hearing_date"))

_add(RecordType("application", "in-process/applications", "in-process", "办理状态", _t(
    number=F("str", "受理编号", True),
    applicant=F("party", "申请人", True),
    item=F("str", "申请事项", True),
    received=F("date", "受理日期", True),
    events=F("events", "办理过程"),
), date_key="received", title_key="item"))

_add(RecordType("penalty", "post/penalties", "post", "行政处罚", _t(
    number=F("str", "行政处罚决定书文号", True),
    title=F("str", "案件名称", True),
    decided=F("date", "作出处罚决定日期", True),
    parties=F("parties", "当事人", True),
    facts=F("text", "违法事实", True),
    basis=F("text", "法律依据", True),
    decision=F("text", "执法决定", True),
    fine=F("money", "罚款金额（元）"),
    serious=F("bool", "严重失信"),
), date_key="decided", decision=True))

_add(RecordType("license", "post/licenses", "post", "行政许可", _t(
    applicant=F("party", "申请人", True),
    item=F("str", "许可事项类别", True),
    accepted=F("date", "受理时间", True),
    review=F("str", "审核情况", True),
    result=F("str", "许可结果", True),
    certificate=F("str", "许可证书名称及编号", True),
    decided=F("date", "许可时间", True),
    delivered=F("date", "送达时间"),
    handler=F("str", "承办人", True),
    valid_until=F("date", "有效期至"),
), date_key="decided", title_key="item", table=True, decision=True))

_add(RecordType("coercive", "post/coercive", "post", "行政强制", _t(
    number=F("str", "文书编号", True),
    title=F("str", "案件名称", True),
    decided=F("date", "决定日期", True),
    parties=F("parties", "当事人", True),
    measure=F("str", "强制措施", True),
    method=F("str", "执行方式", True),
    result=F("text", "执行结果", True),
    seized_items=F("strlist", "查封扣押清单"),
    lifted_on=F("date", "解除日期"),
), date_key="decided", decision=True))

_add(RecordType("inspection", "post/inspections", "post", "行政检查", _t(
    date=F("date", "检查时间", True),
    location=F("str", "检查地点", True),
    target=F("party", "被检查单位或个人", True),
    contact=F("contact", "被检查人员联系方式"),
    reason=F("enum", "检查事由", True, INSPECTION_REASONS),
    content=F("text", "检查内容", True),
    documents=F("str", "检查文书", True),
    result=F("text", "检查结果", True),
    problems=F("text", "存在问题"),
    rectification=F("text", "整改情况"),
    inspectors=F("officers", "检查人员", True),
), date_key="date", title_key="", table=True, decision=True))

SITE_FIELDS: dict[str, F] = {
    "name": F("str", "执法主体名称", True),
    "legal_representative": F("str", "法定代表人", True),
    "region": F("str", "执法区域", True),
    "categories": F("strlist", "执法类别", True),
    "duties": F("strlist", "执法职责", True),
    "authority": F("text", "执法权限", True),
    "address": F("str", "办公地址", True),
    "postcode": F("str", "邮政编码", True),
    "phone": F("str", "监督电话", True),
    "email": F("str", "电子邮箱"),
    "office_hours": F("text", "办公时间"),
    "complaint_phone": F("str", "投诉举报电话", True),
    "domain": F("str", "网站域名"),
    "website_id": F("str", "网站标识码"),
    "icp": F("str", "ICP备案号"),
    "police_beian": F("str", "公安机关备案号"),
    "sponsor": F("str", "主办单位"),
    "remedies": F("strlist", "救济渠道"),
    "supervision": F("strlist", "监督和投诉渠道"),
    "correction_url": F("str", "我为政府网站找错入口"),
    "base_url": F("str", "网站地址"),
}

PARTY_FIELDS = {
    "name": F("str", "名称或姓名", True),
    "kind": F("enum", "类别", True, PARTY_KINDS),
    "legal_representative": F("str", "法定代表人"),
    "credit_code": F("str", "统一社会信用代码"),
    "id_number": F("str", "身份证号码"),
    "birth_date": F("date", "出生日期"),
    "minor": F("bool", "未成年人"),
    "address": F("str", "住址"),
    "phone": F("str", "电话"),
    "bank_account": F("str", "银行账号"),
}
PERSON_FIELDS = {
    "name": F("str", "姓名", True),
    "id_number": F("str", "身份证号码"),
    "phone": F("str", "电话"),
    "address": F("str", "住址"),
    "birth_date": F("date", "出生日期"),
    "minor": F("bool", "未成年人"),
    "bank_account": F("str", "银行账号"),
}
CONTACT_FIELDS = {"name": F("str", "姓名"), "phone": F("str", "电话")}
OFFICER_REF_FIELDS = {"name": F("str", "姓名", True), "cert_number": F("str", "执法证号")}
EVENT_FIELDS = {
    "date": F("date", "日期", True),
    "state": F("enum", "状态", True, APPLICATION_STATES),
    "note": F("text", "说明"),
}
CORRECTION_FIELDS = {"date": F("date", "更正日期", True), "note": F("text", "更正说明", True)}
ATTACHMENT_FIELDS = {
    "file": F("str", "文件", True),
    "title": F("str", "标题"),
    "alt": F("text", "图片文字说明"),
    "reviewed": F("bool", "已审核"),
}

FOLDER_TO_TYPE = {rt.folder: rt.name for rt in TYPES.values()}
SECTIONS = {
    "pre": "事前公示",
    "in-process": "事中公示",
    "post": "事后公示",
}
