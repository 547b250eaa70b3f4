"""Synthetic but realistic content for benchmarks: N records of all 13 types.

    python bench/synth.py DIR --n 10000 [--seed 1]

Writes DIR/site.yaml and DIR/<type folder>/<id>.md|.yaml. Deterministic for a
given (n, seed). Proportions follow a county-level emergency-management bureau:
mostly inspections, penalties and licences; the pre-announcement lists (laws,
officers, powers, random-check items, guides, plans) grow slowly and are capped,
because an agency has dozens of officers, not thousands.

Personal data is planted the way it appears in real decisions: person parties
with 18-digit ID numbers (valid GB 11643 check digits), mobile and landline
numbers, home addresses and bank accounts; the person's name, ID (sometimes
written with spaces) and phone repeated in the body; inspection contacts with
phones; names of undeclared witnesses in some bodies. Every value is fictitious.

Also used by bench/run.py to write the same records as plain Pelican articles
(write_pelican_articles), the baseline of the benchmark.
"""

from __future__ import annotations

import argparse
import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import yaml

AS_OF = date(2026, 11, 22)

# (type, folder, weight, cap). Weights are per mille of the records left after
# the capped pre-announcement lists.
TYPES: list[tuple[str, str, float, int | None]] = [
    ("inspection", "post/inspections", 340, None),
    ("penalty", "post/penalties", 250, None),
    ("license", "post/licenses", 250, None),
    ("application", "in-process/applications", 60, None),
    ("coercive", "post/coercive", 45, None),
    ("notice", "in-process/notices", 35, None),
    ("hearing", "in-process/hearings", 20, None),
]
PRE_TYPES: list[tuple[str, str, float, int]] = [
    # (type, folder, share of N, cap)
    ("officer", "pre/personnel", 0.010, 150),
    ("law", "pre/laws", 0.008, 80),
    ("power", "pre/powers", 0.008, 120),
    ("random_item", "pre/random-items", 0.003, 40),
    ("guide", "pre/guides", 0.002, 20),
    ("plan", "pre/plans", 0.001, 10),
]

SURNAMES = list("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤") + ["欧阳", "司马", "上官", "诸葛"]
GIVEN = list("伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华建国建华志强志明晓东海波红梅玉兰春梅小红国庆文博宇轩浩然子涵欣怡梓萱一诺雨桐")
UYGHUR = ["艾力·买买提", "古丽娜尔·吐尔逊", "胡阿提别克·努尔哈孜", "阿不都热合曼·艾买提", "迪丽努尔·阿布都"]
TOWNS = ["城关镇", "九运街镇", "滋泥泉子镇", "上户沟乡", "水磨沟乡", "三工河乡", "博峰街道", "阜新街道", "准东街道", "甘河子镇"]
STREETS = ["博峰街", "天山街", "阜新路", "准噶尔路", "瑶池路", "迎宾路", "冰湖路", "紫金路", "天池路", "友谊路"]
ESTATES = ["阳光花园小区", "天池苑", "博峰家园", "金都佳苑", "和谐小区", "锦绣华庭", "紫金城", "幸福里小区"]
TRADE_NAMES = ["宏鑫", "博达安", "祥和顺", "远通", "鼎盛达", "润泽", "金鑫", "天瑞", "华泰", "众和", "恒信", "安泰",
               "永盛", "顺发", "瑞丰", "鑫源", "泰和", "新宇", "德润", "盛世", "通达", "隆兴", "聚丰", "嘉禾"]
INDUSTRIES = [("化工贸易有限公司", "危险化学品经营"), ("铝业有限公司", "有色"), ("建材有限公司", "建材"),
              ("百货商行", "烟花爆竹零售"), ("铸造有限公司", "冶金"), ("矿业有限公司", "非煤矿山"),
              ("食品有限公司", "轻工"), ("机械制造有限公司", "机械"), ("加油站", "危险化学品经营"),
              ("煤业有限责任公司", "非煤矿山"), ("烟花爆竹销售部", "烟花爆竹零售"), ("物流有限公司", "危险化学品运输")]
REGIONS = ["阜康市", "阜康市", "阜康市", "昌吉市", "乌鲁木齐市"]
OFFICER_NAMES = ["王正达", "李伟", "蔡万卿", "王文刚", "杜超", "刘森", "左玉龙", "洪宇杰", "范伟", "朱恒",
                 "刘宁宁", "何志祥", "韩兵峰", "马宏斌", "张宇轩", "赵立新", "孙建军", "周海涛"]
LAWS = [
    ("中华人民共和国安全生产法", "法律", "全国人民代表大会常务委员会"),
    ("中华人民共和国行政处罚法", "法律", "全国人民代表大会"),
    ("中华人民共和国行政许可法", "法律", "全国人民代表大会常务委员会"),
    ("中华人民共和国行政强制法", "法律", "全国人民代表大会常务委员会"),
    ("中华人民共和国防震减灾法", "法律", "全国人民代表大会常务委员会"),
    ("危险化学品安全管理条例", "行政法规", "中华人民共和国国务院"),
    ("烟花爆竹安全管理条例", "行政法规", "中华人民共和国国务院"),
    ("生产安全事故报告和调查处理条例", "行政法规", "中华人民共和国国务院"),
    ("新疆维吾尔自治区安全生产条例", "地方性法规", "新疆维吾尔自治区人民代表大会常务委员会"),
    ("安全生产违法行为行政处罚办法", "部门规章", "国家安全生产监督管理总局"),
    ("烟花爆竹经营许可实施办法", "部门规章", "国家安全生产监督管理总局"),
    ("危险化学品经营许可证管理办法", "部门规章", "国家安全生产监督管理总局"),
    ("自治区应急管理系统行政处罚自由裁量基准", "裁量基准", "新疆维吾尔自治区应急管理厅"),
]
VIOLATIONS = [
    ("未按照规定对从业人员进行安全生产教育和培训", "《中华人民共和国安全生产法》第二十八条第一款", "《中华人民共和国安全生产法》第九十七条第三项", 20000),
    ("未为从业人员提供符合国家标准或者行业标准的劳动防护用品", "《中华人民共和国安全生产法》第四十五条", "《中华人民共和国安全生产法》第九十九条第五项", 30000),
    ("特种作业人员未按照规定经专门的安全作业培训并取得相应资格上岗作业", "《中华人民共和国安全生产法》第三十条第一款", "《中华人民共和国安全生产法》第九十七条第七项", 25000),
    ("未在有较大危险因素的生产经营场所和有关设施、设备上设置明显的安全警示标志", "《中华人民共和国安全生产法》第三十五条", "《中华人民共和国安全生产法》第九十九条第一项", 15000),
    ("未取得烟花爆竹经营（零售）许可证经营烟花爆竹", "《烟花爆竹安全管理条例》第三条、第十九条", "《烟花爆竹安全管理条例》第三十六条第二款", 20000),
    ("未采取措施消除事故隐患", "《中华人民共和国安全生产法》第四十一条第二款", "《中华人民共和国安全生产法》第一百零二条", 50000),
    ("危险化学品储存场所未设置相应安全设施", "《危险化学品安全管理条例》第二十条", "《危险化学品安全管理条例》第八十条第一款第二项", 80000),
]
LICENSE_ITEMS = ["危险化学品经营许可证核发（不带储存设施）", "危险化学品经营许可证核发（带储存设施）",
                 "烟花爆竹经营（零售）许可证核发", "烟花爆竹经营（零售）许可证延期", "非煤矿山安全生产许可证核发",
                 "危险化学品经营许可证变更"]
PROSE = [
    "上述事实有现场检查记录、询问笔录、现场照片、视频资料等证据证实，当事人对上述事实无异议。",
    "本局于{d1}向当事人送达了《行政处罚告知书》，告知当事人拟作出行政处罚的内容及事实、理由、依据，并告知其依法享有陈述、申辩的权利。",
    "当事人在法定期限内未提出陈述、申辩意见，也未要求举行听证。",
    "经法制审核，本案事实清楚，证据确凿，程序合法，适用依据正确，处罚适当。",
    "当事人应当自收到本决定书之日起十五日内，到指定银行缴纳罚款。逾期不缴纳罚款的，每日按罚款数额的百分之三加处罚款。",
    "如不服本处罚决定，可以在收到本决定书之日起六十日内向阜康市人民政府申请行政复议，或者在六个月内依法向人民法院提起行政诉讼。",
    "执法人员{o1}（执法证号{c1}）、{o2}（执法证号{c2}）出示执法证件，表明身份，告知当事人陈述、申辩的权利。",
    "检查发现：1.危险化学品仓库未设置明显的安全警示标志；2.特种作业人员未持证上岗；3.应急预案未按规定演练。",
    "责令限期整改指令书已于{d1}送达，复查时间为{d2}。",
    "依据《中华人民共和国安全生产法》第九十七条第七项的规定，并参照《自治区应急管理系统行政处罚自由裁量基准》（2021年版）16.5.1。",
]

_W = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def id_number(rng: random.Random, birth: date) -> str:
    """An 18-digit resident ID with a valid GB 11643-1999 check digit."""
    area = rng.choice(["652302", "652301", "650102", "650104", "652323"])
    body = f"{area}{birth:%Y%m%d}{rng.randint(0, 999):03d}"
    return body + "10X98765432"[sum(int(c) * w for c, w in zip(body, _W)) % 11]


def mobile(rng: random.Random) -> str:
    return f"1{rng.choice('35789')}{rng.randint(0, 9)}{rng.randint(0, 99999999):08d}"


def landline(rng: random.Random) -> str:
    return f"0994-{rng.randint(3000000, 3999999)}"


def person_name(rng: random.Random) -> str:
    if rng.random() < 0.04:
        return rng.choice(UYGHUR)
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2, 2))))


def home_address(rng: random.Random) -> str:
    return (f"阜康市{rng.choice(TOWNS)}{rng.choice(ESTATES)}{rng.randint(1, 30)}号楼"
            f"{rng.randint(1, 6)}单元{rng.randint(1, 18)}0{rng.randint(1, 4)}室")


def credit_code(rng: random.Random) -> str:
    chars = "0123456789ABCDEFGHJKLMNPQRTUWXY"
    return "91652302" + "".join(rng.choice(chars) for _ in range(10))


def spaced_id(idn: str) -> str:
    return f"{idn[:6]} {idn[6:14]} {idn[14:]}"


@dataclass
class Synth:
    n: int
    seed: int = 1
    as_of: date = AS_OF
    rng: random.Random = field(init=False)
    officers: list[tuple[str, str]] = field(init=False)
    orgs: list[dict[str, Any]] = field(init=False)

    def __post_init__(self) -> None:
        self.rng = random.Random(self.seed)
        self.officers = [(OFFICER_NAMES[i % len(OFFICER_NAMES)] + ("" if i < len(OFFICER_NAMES) else str(i)),
                          f"310502240{i:02d}") for i in range(len(OFFICER_NAMES))]
        n_orgs = max(20, self.n // 6)
        self.orgs = []
        for i in range(n_orgs):
            suffix, industry = self.rng.choice(INDUSTRIES)
            region = self.rng.choice(REGIONS)
            trade = self.rng.choice(TRADE_NAMES) + (self.rng.choice(TRADE_NAMES) if i >= len(TRADE_NAMES) else "")
            self.orgs.append({"name": f"{region}{trade}{suffix}", "kind": "organization",
                              "credit_code": credit_code(self.rng), "legal_representative": person_name(self.rng),
                              "industry": industry,
                              "premises": f"{region}{self.rng.choice(STREETS)}{self.rng.randint(1, 300)}号"})

    # -- plan: how many of each type --------------------------------------------
    def counts(self) -> list[tuple[str, str, int]]:
        out = []
        pre_total = 0
        for t, folder, share, cap in PRE_TYPES:
            k = max(1, min(cap, round(self.n * share)))
            if t == "officer":  # the inspectors and handlers named in records are all on the list
                k = max(k, len(self.officers))
            out.append((t, folder, k))
            pre_total += k
        rest = max(len(TYPES), self.n - pre_total)
        wsum = sum(w for _, _, w, _ in TYPES)
        counts = [max(1, int(rest * w / wsum)) for _, _, w, _ in TYPES]
        counts[0] += rest - sum(counts)
        out += [(t, folder, k) for (t, folder, _, _), k in zip(TYPES, counts)]
        return out

    # -- helpers -------------------------------------------------------------------
    def day(self, lo_days: int = 1, hi_days: int = 480) -> date:
        """A date lo..hi days before the as-of date (most records still public)."""
        return self.as_of - timedelta(days=self.rng.randint(lo_days, hi_days))

    def officer_pair(self) -> list[dict[str, str]]:
        a, b = self.rng.sample(self.officers, 2)
        return [{"name": a[0], "cert_number": a[1]}, {"name": b[0], "cert_number": b[1]}]

    def person(self, decided: date, full: bool = True) -> dict[str, Any]:
        rng = self.rng
        birth = date(rng.randint(1958, 2000), rng.randint(1, 12), rng.randint(1, 28))
        p: dict[str, Any] = {"name": person_name(rng), "kind": "person", "id_number": id_number(rng, birth)}
        if full:
            p["birth_date"] = birth
            p["phone"] = mobile(rng)
            p["address"] = home_address(rng)
            if rng.random() < 0.2:
                p["bank_account"] = "6222" + "".join(str(rng.randint(0, 9)) for _ in range(15))
        return p

    def org(self) -> dict[str, Any]:
        o = self.rng.choice(self.orgs)
        return {k: o[k] for k in ("name", "kind", "credit_code", "legal_representative")}

    def lifecycle_keys(self, fields: dict[str, Any], decided: date, decision: bool = True) -> None:
        """A few records of every kind take the other lifecycle paths."""
        r = self.rng.random()
        if r < 0.02 and decision:
            fields["status"] = "revoked"
            fields["revoked_on"] = min(self.as_of - timedelta(days=1), decided + timedelta(days=self.rng.randint(5, 60)))
            fields["revocation_reason"] = "经复议，原处理决定认定事实不清，予以撤销。"
        elif r < 0.03:
            fields["status"] = "draft"
        elif r < 0.05:
            fields["publish_on"] = self.as_of + timedelta(days=self.rng.randint(1, 20))
        elif r < 0.06 and decision:
            fields["ended_on"] = decided + timedelta(days=200)
            fields["end_reason"] = "当事人已完成信用修复，提前停止公示。"
        elif r < 0.07:
            fields["withhold"] = self.rng.choice(["commercial_secret", "privacy", "obstruction"])
        if self.rng.random() < 0.03:
            fields["corrections"] = [{"date": min(self.as_of, decided + timedelta(days=10)),
                                      "note": "更正了罚款金额的大写写法。"}]

    def prose(self, k: int, d1: date) -> str:
        rng = self.rng
        parts = []
        for _ in range(k):
            (o1, c1), (o2, c2) = rng.sample(self.officers, 2)
            parts.append(rng.choice(PROSE).format(d1=f"{d1.year}年{d1.month}月{d1.day}日",
                                                  d2=(d1 + timedelta(days=14)).isoformat(),
                                                  o1=o1, c1=c1, o2=o2, c2=c2))
        return "".join(parts)

    # -- one record per type ------------------------------------------------------------
    def make_penalty(self, i: int) -> tuple[dict[str, Any], str]:
        rng = self.rng
        decided = self.day()
        fact, rule, basis_rule, base_fine = rng.choice(VIOLATIONS)
        is_person = rng.random() < 0.35
        party = self.person(decided) if is_person else self.org()
        if is_person and rng.random() < 0.01:
            party["minor"] = True  # withheld: never published
        fine = base_fine * rng.choice((1, 1, 1, 2)) // (2 if is_person else 1)
        when = decided - timedelta(days=rng.randint(10, 40))
        fields: dict[str, Any] = {
            "number": f"阜应急罚字〔{decided.year}〕{i + 1}号",
            "title": f"{party['name']}{fact}案",
            "decided": decided,
            "parties": [party],
            "facts": f"{when.year}年{when.month}月{when.day}日，执法人员在检查中发现，{party['name']}{fact}。",
            "basis": f"{rule}；{basis_rule}",
            "decision": f"责令限期改正，并处人民币{fine}元罚款。",
            "fine": fine,
            "serious": rng.random() < 0.05,
        }
        witness = person_name(rng)
        if is_person:
            intro = (f"当事人：{party['name']}，{'男' if rng.random() < 0.8 else '女'}，"
                     f"{party['birth_date'].year}年{party['birth_date'].month}月{party['birth_date'].day}日出生，"
                     f"身份证号码：{spaced_id(party['id_number']) if rng.random() < 0.3 else party['id_number']}，"
                     f"住址：{party['address']}，联系电话：{party['phone']}。")
            fields["persons"] = [{"name": witness, "phone": mobile(rng)}]
        else:
            intro = (f"当事人：{party['name']}\n\n统一社会信用代码：{party['credit_code']}\n\n"
                     f"法定代表人：{party['legal_representative']}\n\n地址：{self.orgs[0]['premises']}")
            fields["persons"] = [{"name": witness, "phone": mobile(rng)}]
        body = "\n\n".join([
            intro,
            f"{when.year}年{when.month}月{when.day}日，本局执法人员在检查中发现，当事人{fact}。现场负责人{witness}"
            f"（联系电话{fields['persons'][0]['phone']}）在场。" + self.prose(2, when),
            self.prose(3, decided),
            f"当事人的上述行为违反了{rule}的规定。依据{basis_rule}的规定，决定对当事人作出如下行政处罚：",
            f"1. 责令限期改正；\n2. 处人民币{fine}元罚款。",
            self.prose(2, decided),
        ])
        self.lifecycle_keys(fields, decided)
        return fields, body

    def make_license(self, i: int) -> tuple[dict[str, Any], str]:
        rng = self.rng
        decided = self.day()
        accepted = decided - timedelta(days=rng.randint(2, 15))
        applicant = self.person(decided, full=rng.random() < 0.5) if rng.random() < 0.15 else self.org()
        item = rng.choice(LICENSE_ITEMS)
        fields = {
            "applicant": applicant, "item": item, "accepted": accepted, "review": "通过", "result": "同意",
            "certificate": f"阜危经〔{decided.year}〕{i + 1:03d}号", "decided": decided,
            "delivered": decided + timedelta(days=rng.randint(1, 5)),
            "handler": rng.choice(self.officers)[0], "valid_until": decided.replace(year=decided.year + 3),
        }
        self.lifecycle_keys(fields, decided)
        return fields, ""

    def make_inspection(self, i: int) -> tuple[dict[str, Any], str]:
        rng = self.rng
        d = self.day()
        target = self.org() if rng.random() < 0.9 else self.person(d, full=False)
        found = rng.random() < 0.4
        fields: dict[str, Any] = {
            "date": d, "location": self.rng.choice(self.orgs)["premises"], "target": target,
            "contact": {"name": person_name(rng), "phone": mobile(rng) if rng.random() < 0.7 else landline(rng)},
            "reason": "依举报" if rng.random() < 0.1 else "依职权",
            "content": rng.choice(["安全生产检查（“双随机、一公开”抽查）", "烟花爆竹零售经营单位专项检查",
                                   "危险化学品经营企业安全检查", "有限空间作业专项检查", "冬季安全生产检查"]),
            "documents": "现场检查记录" + ("、责令限期整改指令书" if found else ""),
            "result": "发现问题，已责令限期整改" if found else "未发现问题",
            "inspectors": self.officer_pair(),
        }
        if found:
            fields["problems"] = self.prose(1, d) if rng.random() < 0.3 else rng.choice(VIOLATIONS)[0] + "。"
            fields["rectification"] = f"已于{(d + timedelta(days=14)).isoformat()}前完成整改，经复查合格。"
        self.lifecycle_keys(fields, d)
        return fields, ""

    def make_coercive(self, i: int) -> tuple[dict[str, Any], str]:
        rng = self.rng
        decided = self.day()
        party = self.org() if rng.random() < 0.8 else self.person(decided)
        fields = {
            "number": f"阜应急强制〔{decided.year}〕{i + 1}号",
            "title": f"对{party['name']}非法储存危险物品予以扣押",
            "decided": decided, "parties": [party], "measure": rng.choice(["扣押", "查封"]),
            "method": "现场扣押，制作查封扣押现场笔录和扣押物品清单，当场交付《查封扣押决定书》。",
            "result": "扣押物品已依法妥善保管。",
            "seized_items": [f"组合烟花{rng.randint(5, 60)}箱", f"爆竹{rng.randint(5, 60)}箱"],
        }
        body = (f"{decided.year}年{decided.month}月{decided.day}日，本局执法人员在检查中发现，{party['name']}"
                f"在其经营场所后院库房内储存烟花爆竹。" + self.prose(2, decided))
        self.lifecycle_keys(fields, decided)
        return fields, body

    def make_application(self, i: int) -> tuple[dict[str, Any], str]:
        rng = self.rng
        received = self.as_of - timedelta(days=rng.randint(1, 400))
        events = [{"date": received, "state": "受理", "note": "申请材料齐全，符合法定形式，予以受理"}]
        if rng.random() < 0.8:
            events.append({"date": received + timedelta(days=1), "state": "审查", "note": "书面审查及现场核查"})
        if rng.random() < 0.6 and received + timedelta(days=6) < self.as_of:
            events.append({"date": received + timedelta(days=6), "state": "决定", "note": "准予许可"})
        fields = {"number": f"阜应急许〔{received.year}〕受字第{i + 1:03d}号", "applicant": self.org(),
                  "item": rng.choice(LICENSE_ITEMS), "received": received, "events": events}
        return fields, ""

    def make_notice(self, i: int) -> tuple[dict[str, Any], str]:
        start = self.as_of - timedelta(days=self.rng.randint(0, 500))
        names = [self.rng.choice(self.orgs)["name"] for _ in range(4)]
        fields = {"title": f"{start.year}年第{i + 1}批安全生产标准化三级企业拟公告名单公示", "start": start,
                  "working_days": 10,
                  "objection_channel": "对公示内容有异议的，请在公示期内以书面或电话形式向阜康市应急管理局反映。电话：0994-3235169。"}
        body = "经企业自评、申请，评审组织单位现场评审，以下企业拟定为安全生产标准化三级企业，现予公示：\n\n" + \
            "\n".join(f"{k + 1}. {n}" for k, n in enumerate(names))
        return fields, body

    def make_hearing(self, i: int) -> tuple[dict[str, Any], str]:
        d = self.as_of - timedelta(days=self.rng.randint(-20, 400))
        org = self.rng.choice(self.orgs)["name"]
        fields = {"title": f"关于{org}危险化学品经营许可申请举行听证的公告", "hearing_date": d,
                  "place": "阜康市应急管理局三楼会议室（阜康市博峰街74号）",
                  "matter": f"{org}申请危险化学品经营许可证（带储存设施），涉及重大公共利益，依法举行听证。"}
        return fields, "听证由本局法制机构主持，听证所需时间不计算在行政许可期限内。" + self.prose(1, d)

    def make_officer(self, i: int) -> tuple[dict[str, Any], str]:
        name, cert = (self.officers[i] if i < len(self.officers)
                      else (person_name(self.rng), f"3105022{i + 100:04d}"))
        if i >= len(self.officers):
            self.officers.append((name, cert))
        return {"name": name, "unit": "阜康市应急管理局", "gender": self.rng.choice("男女"), "title": "科员",
                "cert_number": cert, "issued": date(2022, 1, 1), "category": "安全生产"}, ""

    def make_law(self, i: int) -> tuple[dict[str, Any], str]:
        name, cat, by = LAWS[i % len(LAWS)]
        if i >= len(LAWS):
            name = f"{name}（{2000 + i}年修订）"
        return {"name": name, "category": cat, "enacted_by": by, "effective": date(2000 + i % 25, 1, 1)}, ""

    def make_power(self, i: int) -> tuple[dict[str, Any], str]:
        fact, rule, basis, _ = VIOLATIONS[i % len(VIOLATIONS)]
        return {"name": f"对{fact}的行政处罚（{i + 1}）", "kind": self.rng.choice(["许可", "处罚", "强制", "检查"]),
                "basis": basis, "unit": "阜康市应急管理局",
                "accountability": "因不履行或不正确履行行政职责的，行政机关及相关工作人员应承担相应责任。"}, ""

    def make_random_item(self, i: int) -> tuple[dict[str, Any], str]:
        return {"name": f"{INDUSTRIES[i % len(INDUSTRIES)][1]}企业安全生产监督检查（{i + 1}）",
                "basis": "《中华人民共和国安全生产法》第六十五条", "subject": "阜康市应急管理局",
                "objects": "辖区内生产经营单位", "content": "安全生产责任制落实；安全培训；隐患排查治理",
                "method": "双随机", "ratio": "不低于5%", "frequency": "每年1次"}, ""

    def make_guide(self, i: int) -> tuple[dict[str, Any], str]:
        return {"title": f"行政许可服务指南（{i + 1}）"}, "## 一、办理依据\n\n" + self.prose(3, date(2026, 1, 1))

    def make_plan(self, i: int) -> tuple[dict[str, Any], str]:
        return {"title": f"阜康市应急管理局{2026 - i}年度安全生产监督检查计划", "year": 2026 - i}, \
            "## 一、检查范围\n\n本局直接监管行业的生产经营单位。\n\n## 二、检查方式\n\n" + self.prose(2, date(2026, 1, 1))

    # -- all ------------------------------------------------------------------------------
    def records(self) -> list[tuple[str, str, str, dict[str, Any], str]]:
        """[(type, folder, id, fields, body)] in a fixed order."""
        out = []
        for t, folder, k in self.counts():
            make = getattr(self, "make_" + t)
            for i in range(k):
                fields, body = make(i)
                out.append((t, folder, f"{t.replace('_', '-')}-{i + 1:06d}", fields, body))
        return out


SITE_YAML = """\
name: 阜康市应急管理局
legal_representative: 杨振
region: 阜康市
categories: [安全生产, 防灾减灾救灾]
duties: [依法承担直接监管行业安全生产监督检查及行政处罚、行政强制工作]
authority: 本局执法工作仅限于本辖区域的安全生产和防震减灾行政执法工作。
address: 阜康市博峰街74号
postcode: "831500"
phone: "0994-3235169"
office_hours: 上午10:00至14:00
complaint_phone: "0994-3235169"
domain: www.fukang.gov.cn
website_id: "6523020001"
icp: 新ICP备XXXXXXXX号-1
police_beian: 新公网安备XXXXXXXXXXXXXX号
sponsor: 阜康市人民政府办公室
"""


class _Dumper(yaml.SafeDumper):
    pass


def _str(dumper: yaml.SafeDumper, s: str) -> yaml.Node:
    # Quote digit strings (phones, IDs, cert numbers) as staff are told to.
    style = '"' if s[:1].isdigit() or s[:1] in "+-" else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", s, style=style)


_Dumper.add_representer(str, _str)


def dump_yaml(fields: dict[str, Any]) -> str:
    return yaml.dump(fields, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=10_000)


def write_content(dest: Path, n: int, seed: int = 1) -> dict[str, int]:
    """Write site.yaml and n records under dest; returns counts per type."""
    dest.mkdir(parents=True, exist_ok=True)
    (dest / "site.yaml").write_text(SITE_YAML, encoding="utf-8")
    counts: dict[str, int] = {}
    for t, folder, rid, fields, body in Synth(n, seed).records():
        d = dest / folder
        d.mkdir(parents=True, exist_ok=True)
        if body:
            (d / f"{rid}.md").write_text(f"---\n{dump_yaml(fields)}---\n\n{body}\n", encoding="utf-8")
        else:
            (d / f"{rid}.yaml").write_text(dump_yaml(fields), encoding="utf-8")
        counts[t] = counts.get(t, 0) + 1
    return counts


# -- the baseline: the same records as plain Pelican articles -------------------------

_LABELS = {"number": "文号", "title": "标题", "decided": "决定日期", "parties": "当事人", "facts": "违法事实",
           "basis": "法律依据", "decision": "执法决定", "fine": "罚款金额（元）", "applicant": "申请人",
           "item": "事项", "date": "检查时间", "location": "检查地点", "target": "被检查单位",
           "result": "结果", "content": "内容"}


def _md_value(v: Any) -> str:
    if isinstance(v, dict):
        return "，".join(f"{k}：{_md_value(x)}" for k, x in v.items())
    if isinstance(v, list):
        return "；".join(_md_value(x) for x in v)
    return str(v)


def _article_date(fields: dict[str, Any]) -> date:
    for key in ("decided", "date", "start", "received", "hearing_date", "issued", "effective"):
        if isinstance(fields.get(key), date):
            return fields[key]
    return date(2026, 1, 1)


def write_pelican_articles(dest: Path, n: int, seed: int = 1) -> int:
    """The same n records as plain Pelican Markdown articles (Title/Date/Category + fields as a list + body).

    No redaction, no windows: exactly what stock Pelican would do with them.
    """
    dest.mkdir(parents=True, exist_ok=True)
    k = 0
    for t, folder, rid, fields, body in Synth(n, seed).records():
        d = dest / folder
        d.mkdir(parents=True, exist_ok=True)
        title = str(fields.get("title") or fields.get("name") or fields.get("item") or rid).replace("\n", " ")
        lines = [f"Title: {title}", f"Date: {_article_date(fields).isoformat()}", f"Category: {t}",
                 f"Slug: {rid}", ""]
        for key, v in fields.items():
            lines.append(f"- **{_LABELS.get(key, key)}**：{_md_value(v)}")
        lines.append("")
        lines.append(body)
        (d / f"{rid}.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
        k += 1
    return k


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("dest", type=Path)
    ap.add_argument("--n", type=int, default=1000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--pelican", action="store_true", help="write Pelican articles instead")
    args = ap.parse_args()
    if args.pelican:
        print(write_pelican_articles(args.dest, args.n, args.seed), "articles")
    else:
        print(write_content(args.dest, args.n, args.seed))


if __name__ == "__main__":
    main()
