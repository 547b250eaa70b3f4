"""Open data (SPEC 4): data/TYPE.csv + data/TYPE.json hold exactly the redacted fields the pages show."""

from __future__ import annotations

import csv
import io
import json

import openpyxl
import pytest
from bs4 import BeautifulSoup

from tests.conftest import SiteDir
from tests.scan import decode_text, squash

POST_TYPES = ("penalty", "license", "coercive", "inspection")

# Planted personal data: none of it may reach data/ (nor any other file of output/).
ID_1 = "650102199003071235"  # declared on a person party
ID_2 = "652301198506120045"  # declared on `persons`
ID_3 = "110105201501010025"  # undeclared, in the text only (detector)
PHONE_1 = "13899990077"
PHONE_2 = "13899990088"
PHONE_3 = "15999990099"  # undeclared, in the text only
BANK_1 = "6222021234567890128"
ADDRESS = "测试市幸福路8号3单元401室"
NAMES = ["李小明", "王大伟", "赵晓燕", "孙建国", "周丽华", "吴志强", "郑美玲"]
SECRETS = [ID_1, ID_2, ID_3, PHONE_1, PHONE_2, PHONE_3, BANK_1, ADDRESS, *NAMES]

PLANTED = {
    "post/penalties/p-person.md": f"""\
---
number: 测应急罚字〔2026〕21号
title: 李小明无证从事焊接作业案
decided: 2026-10-12
parties:
  - name: 李小明
    kind: person
    id_number: "{ID_1}"
    phone: "{PHONE_1}"
    address: {ADDRESS}
    bank_account: "{BANK_1}"
persons:
  - name: 王大伟
    id_number: "{ID_2}"
    phone: "{PHONE_2}"
facts: 李小明（身份证号{ID_1}，住址：{ADDRESS}，电话 138 9999 0077）在王大伟（电话{PHONE_2}）处无证从事焊接作业。
basis: 《中华人民共和国安全生产法》第三十条、第九十七条
decision: 罚款人民币1000元，缴入账号{BANK_1}的行为不予认定。
fine: 1000
---

当事人：李小明，身份证号码 {ID_1[:6]} {ID_1[6:14]} {ID_1[14:]}，联系电话 138-9999-0077。
证人王大伟，身份证号{ID_2}。另有在场人员身份证号{ID_3}，电话{PHONE_3}。
""",
    "post/penalties/p-org.md": f"""\
---
number: 测应急罚字〔2026〕22号
title: 测试化工有限公司未开展安全培训案
decided: 2026-10-15
parties:
  - name: 测试化工有限公司
    kind: organization
    legal_representative: 赵大山
    credit_code: 91652302MA77Q1XJ3B
    bank_account: "{BANK_1}"
facts: 该公司未按规定对从业人员进行安全生产教育和培训。
basis: 《中华人民共和国安全生产法》第二十八条
decision: 罚款人民币20000元
fine: 20000
corrections:
  - date: 2026-10-20
    note: 更正罚款金额的书写错误
---

测试化工有限公司（开户账号{BANK_1}）未开展培训。
""",
    "post/coercive/c-person.md": f"""\
---
number: 测应急强字〔2026〕3号
title: 对赵晓燕非法储存烟花爆竹的查封
decided: 2026-10-20
parties:
  - name: 赵晓燕
    kind: person
    phone: "{PHONE_1}"
    address: {ADDRESS}
measure: 查封
method: 现场查封
result: 已查封烟花爆竹120箱
---

赵晓燕（电话{PHONE_1}）在住所存放烟花爆竹。
""",
    "post/inspections/i-person.yaml": f"""\
date: 2026-10-21
location: 测试市人民路5号
target:
  name: 孙建国
  kind: person
  phone: "{PHONE_2}"
contact:
  name: 周丽华
  phone: "{PHONE_1}"
reason: 依举报
content: 安全生产检查
documents: 现场检查记录
result: 责令整改
problems: 孙建国经营场所内存放液化气钢瓶，周丽华未在场。
inspectors:
  - name: 马宏斌
    cert_number: "31050224019"
""",
    "post/licenses/l-person.yaml": f"""\
applicant:
  name: 吴志强
  kind: person
  id_number: "{ID_1}"
  phone: "{PHONE_2}"
  address: {ADDRESS}
item: 烟花爆竹经营（零售）许可证核发
accepted: 2026-10-01
review: 通过
result: 同意
certificate: (新)LS〔2026〕00001
decided: 2026-10-08
handler: 张宇轩
""",
    # gone for good: their titles must appear nowhere in data/
    "post/penalties/p-withdrawn.md": """\
---
number: 测应急罚字〔2026〕31号
title: 撤回标记甲案
decided: 2026-09-01
parties: [{name: 撤回测试有限公司, kind: organization}]
facts: 事实。
basis: 依据。
decision: 决定。
status: revoked
revoked_on: 2026-10-01
revocation_reason: 复议撤销
---
""",
    "post/penalties/p-expired.md": """\
---
number: 测应急罚字〔2025〕32号
title: 过期标记乙案
decided: 2025-01-10
parties: [{name: 过期测试有限公司, kind: organization}]
facts: 事实。
basis: 依据。
decision: 决定。
---
""",
    "post/penalties/p-withheld.md": """\
---
number: 测应急罚字〔2026〕33号
title: 不予公开标记丙案
decided: 2026-10-01
withhold: commercial_secret
parties: [{name: 保密测试有限公司, kind: organization}]
facts: 事实。
basis: 依据。
decision: 决定。
---
""",
    "post/licenses/l-embargoed.yaml": """\
applicant: {name: 未到期测试有限公司, kind: organization}
item: 危险化学品经营许可证核发
accepted: 2026-10-01
review: 通过
result: 同意
certificate: 未到期标记丁号
decided: 2026-10-08
handler: 张宇轩
publish_on: 2027-01-01
""",
    "post/licenses/l-draft.yaml": """\
applicant: {name: 草稿测试有限公司, kind: organization}
item: 危险化学品经营许可证核发
accepted: 2026-10-01
review: 通过
result: 同意
certificate: 草稿标记戊号
decided: 2026-10-08
handler: 张宇轩
status: draft
""",
    "post/coercive/c-minor.md": """\
---
number: 测应急强字〔2026〕9号
title: 未成年标记己案
decided: 2026-10-20
parties: [{name: 钱小宝, kind: person, birth_date: 2012-05-01}]
measure: 扣押
method: 现场扣押
result: 已扣押
---
""",
}
GONE = ["撤回标记甲案", "过期标记乙案", "不予公开标记丙案", "未到期标记丁号", "草稿标记戊号", "未成年标记己案",
        "p-withdrawn", "p-expired", "p-withheld", "l-embargoed", "l-draft", "c-minor", "钱小宝"]


def _sheets(site: SiteDir) -> None:
    """Spreadsheet rows with personal data: a person applicant without a kind column, contacts."""
    lic = site.content / "post/licenses/lic-sheet.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["序号", "申请人", "联系电话", "许可事项类别", "受理时间", "审核情况", "许可结果",
               "许可证书名称及编号", "许可时间", "承办人"])
    ws.append([1, "郑美玲", PHONE_3, "烟花爆竹经营（零售）许可证核发", "2026.10.1", "通过", "同意",
               "(新)LS〔2026〕00002", "2026.10.9", "张宇轩"])
    wb.save(lic)
    insp = site.content / "post/inspections/insp-sheet.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["序号", "时间", "地点", "被检查单位或个人", "被检查人员联系电话", "检查事由（依职权或依举报）",
               "检查内容", "检查文书", "检查结果", "检查单位及人员（姓名＋证件号）"])
    ws.append([1, "2026年10月22日", "测试产业园", "测试燃气有限公司T1站", f"王大伟{PHONE_2}", "依职权",
               "安全生产检查", "现场检查记录", "未发现问题", "马宏斌 31050224019"])
    wb.save(insp)


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> SiteDir:
    site = SiteDir(tmp_path_factory.mktemp("opendata"))
    for rel, text in PLANTED.items():
        site.write(rel, text)
    _sheets(site)
    r = site.build()
    assert r.code == 0, r.out + r.err
    return site


def _json(site: SiteDir, t: str) -> dict:
    return json.loads(site.read(f"data/{t}.json"))


def _page_fields(site: SiteDir, url: str) -> dict[str, str]:
    soup = BeautifulSoup(site.read(url), "html.parser")
    table = soup.find("table", class_="fields")
    return {tr.th.get_text(strip=True): tr.td.get_text(strip=True) for tr in table.find_all("tr") if tr.th and tr.td}


def test_no_planted_personal_data_in_open_data(built: SiteDir):
    data_text = "\n".join(decode_text((built.output / "data" / f).read_bytes())
                          for f in sorted(p.name for p in (built.output / "data").iterdir()))
    squashed = squash(data_text)
    for secret in SECRETS:
        assert secret not in data_text, secret
        assert squash(secret) not in squashed, secret
    # and nowhere else in output/ either
    everything = built.all_text()
    for secret in SECRETS:
        assert secret not in everything, secret
    assert squash(ID_1) not in squash(everything)
    # the redacted forms are there: aliases and markers
    assert "李某" in data_text and "吴某" in data_text and "郑某" in data_text
    assert "［电话号码已隐去］" in data_text


def test_gone_records_are_absent(built: SiteDir):
    data_text = "\n".join(decode_text((built.output / "data" / f).read_bytes())
                          for f in sorted(p.name for p in (built.output / "data").iterdir()))
    for marker in GONE:
        assert marker not in data_text, marker
    ids = {rec["id"] for t in POST_TYPES for rec in _json(built, t)["records"]}
    assert ids == {"p-person", "p-org", "c-person", "i-person", "l-person", "lic-sheet-002", "insp-sheet-002"}
    # the withdrawal notice itself is on the site, just not in the data
    assert "post/penalties/p-withdrawn.html" in built.files()


def test_open_data_is_exactly_what_the_pages_show(built: SiteDir):
    for t in POST_TYPES:
        data = _json(built, t)
        labels = {f["key"]: f["label"] for f in data["fields"]}
        for rec in data["records"]:
            page = _page_fields(built, rec["url"])
            if labels["title"] in page:  # 案件名称 is a field of penalties and coercive measures
                assert page.pop(labels["title"]) == rec["title"]
            shown = {labels[k]: v for k, v in rec.items()
                     if k not in ("id", "title", "full_text", "status", "corrections", "url") and v != ""}
            assert shown == page, (t, rec["id"])
            html = built.read(rec["url"])
            soup_text = BeautifulSoup(html, "html.parser").get_text("\n")
            assert rec["title"] in soup_text
            for line in rec.get("full_text", "").splitlines():
                assert " ".join(line.split()) in " ".join(soup_text.split()), line
            if rec["status"]:
                assert rec["status"] in soup_text
    org = next(r for r in _json(built, "penalty")["records"] if r["id"] == "p-org")
    assert org["corrections"] == "2026-10-20 更正罚款金额的书写错误" and "已更正" in org["status"]
    assert "法定代表人：赵大山" in org["parties"]  # legal representatives are public
    assert "91652302MA77Q1XJ3B" in org["parties"]
    assert "［银行账号已隐去］" in org["full_text"]


def test_csv_is_excel_friendly_and_matches_json(built: SiteDir):
    for t in POST_TYPES:
        raw = (built.output / "data" / f"{t}.csv").read_bytes()
        assert raw.startswith(b"\xef\xbb\xbf")  # UTF-8 BOM: Excel reads Chinese correctly
        text = raw.decode("utf-8-sig")
        header_line = text.split("\r\n", 1)[0]
        assert "\n" not in header_line and text.endswith("\r\n")
        rows = list(csv.reader(io.StringIO(text, newline="")))
        data = _json(built, t)
        assert rows[0] == [f["label"] for f in data["fields"]]
        keys = [f["key"] for f in data["fields"]]
        assert len(rows) - 1 == len(data["records"])
        for row, rec in zip(rows[1:], data["records"]):
            assert row == [rec[k] for k in keys]
        # every record ends with CRLF (newlines inside quoted cells are allowed)
        assert text.count("\r\n") >= len(rows)


def test_formula_like_cells_are_defused_in_csv_only(site: SiteDir):
    site.write("post/penalties/f.md", """\
        ---
        number: 测应急罚字〔2026〕40号
        title: =HYPERLINK("http://example.com")测试案
        decided: 2026-10-10
        parties: [{name: 测试公式有限公司, kind: organization}]
        facts: "-事实"
        basis: 依据
        decision: "+决定"
        ---
    """)
    assert site.build().code == 0
    rec = json.loads(site.read("data/penalty.json"))["records"][0]
    assert rec["title"].startswith("=HYPERLINK")  # JSON: the page's text, unchanged
    rows = list(csv.reader(io.StringIO((site.output / "data/penalty.csv").read_bytes().decode("utf-8-sig"))))
    assert rows[1][1].startswith("'=HYPERLINK") and rows[1][5] == "'-事实" and rows[1][7] == "'+决定"


def test_columns_are_stable_and_documented(site: SiteDir):
    r = site.build()
    assert r.code == 0, r.err
    dictionary = site.read("data/index.html")
    for t in POST_TYPES:
        data = json.loads(site.read(f"data/{t}.json"))
        assert data["records"] == []
        keys = [f["key"] for f in data["fields"]]
        assert keys[:2] == ["id", "title"] and keys[-3:] == ["status", "corrections", "url"]
        for k in keys:
            assert f"<code>{k}</code>" in dictionary
        csv_text = (site.output / f"data/{t}.csv").read_bytes().decode("utf-8-sig")
        assert csv_text.count("\r\n") == 1  # header only
    inspection = [f["key"] for f in json.loads(site.read("data/inspection.json"))["fields"]]
    assert "contact" in inspection and "inspectors" in inspection
    listing = site.read("post/penalties/index.html")
    assert "data/penalty.csv" in listing and "data/penalty.json" in listing and "data/index.html" in listing
