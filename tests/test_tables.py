"""Spreadsheet input (SPEC 3.3 tables): .csv/.xlsx rows become records; `gongshi import`."""

from __future__ import annotations

import re
import sys
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest

from generator.model import State
from generator.pipeline import prepare
from generator.policy import Policy
from generator.tables import looks_like_organization, normalize_header, read_table
from generator.validate import validate
from tests.conftest import REPO, SiteDir, run_cli

sys.path.insert(0, str(REPO / "tests" / "fixtures"))
import make_s004_sheets as s004  # noqa: E402

CONTENT = REPO / "content"
LICENSE_SHEET = CONTENT / "post/licenses/s004-licenses.xlsx"
INSPECTION_SHEET = CONTENT / "post/inspections/s004-random-inspections.xlsx"
AS_OF = date(2026, 11, 22)

LICENSE_HEADER = ["序号", "申请人", "许可事项类别", "受理时间", "审核\n情况", "许可\n结果",
                  "许可证书名称及编号", "许可时间", "送达时间", "承办人"]


def xlsx(path: Path, rows: list[list], merge: list[str] = ()) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    wb = openpyxl.Workbook()
    ws = wb.active
    for row in rows:
        ws.append(row)
    for rng in merge:
        ws.merge_cells(rng)
    wb.save(path)
    return path


def lic_row(n: int, name: str, decided, accepted="2026.10.1", **extra) -> list:
    return [n, name, "危险化学品经营许可证核发", accepted, "通过", "同意", f"测危经〔2026〕{n:03d}号",
            decided, decided, "张宇轩"]


def rows_of(path: Path, content: Path = CONTENT):
    result = read_table(path, content)
    return result, {r.rid: r for r in result.rows}


# ---------------------------------------------------------------------------
# the S004 sample sheets shipped in content/
# ---------------------------------------------------------------------------
def test_sample_licence_sheet_is_s004_table():
    result, rows = rows_of(LICENSE_SHEET)
    assert result.rtype == "license" and result.problems == []
    assert [r.row for r in result.rows] == [3, 4, 5, 6, 7]  # title row 1, header row 2
    assert list(rows) == [r[10] for r in s004.LICENSE_ROWS]
    for src, row in zip(s004.LICENSE_ROWS, result.rows):
        record, problems = validate(row.raw)
        assert record is not None and problems == [], problems
        f = record.fields
        assert f["applicant"] == {"name": src[1], "kind": "organization"}
        assert f["item"] == src[2] and f["certificate"] == src[6] and f["handler"] == "张宇轩"
        assert f["review"] == "通过" and f["result"] == "同意"  # 审核\n情况 / 许可\n结果 headers
        assert f["expires_on"] == date(2027, 6, 30)
    first = validate(result.rows[0].raw)[0].fields
    assert first["accepted"] == date(2024, 1, 20) and first["decided"] == date(2024, 1, 26)
    assert first["delivered"] == date(2024, 1, 26)
    last = validate(result.rows[4].raw)[0].fields
    assert last["accepted"] == date(2023, 12, 29) and last["decided"] == date(2024, 1, 4)


def test_sample_inspection_sheet_is_s004_table():
    result, rows = rows_of(INSPECTION_SHEET)
    assert result.rtype == "inspection" and result.problems == []
    assert list(rows) == ["insp-2024-001", "insp-2024-002", "insp-2024-003", "insp-2024-004"]
    f = validate(rows["insp-2024-001"].raw)[0].fields
    assert f["date"] == date(2024, 2, 27)
    assert f["contact"] == {"name": "都炳锋", "phone": "13709904269"}
    assert f["inspectors"] == [{"name": "马宏斌", "cert_number": "31050224019"},
                               {"name": "朱恒", "cert_number": "31050224018"},
                               {"name": "张学新", "cert_number": "31050224004"}]
    assert f["reason"] == "依职权" and f["target"]["kind"] == "organization"
    f2 = validate(rows["insp-2024-002"].raw)[0].fields
    assert [o["name"] for o in f2["inspectors"]] == ["张宇轩", "胡阿提别克·努尔哈孜"]
    f4 = validate(rows["insp-2024-004"].raw)[0].fields
    assert f4["documents"] == "现场处理措施决定书" and f4["date"] == date(2024, 2, 29)
    for r in result.rows:
        assert r.raw.problems == ()


def test_sample_sheets_replace_the_yaml_copies():
    for rid in ("ls-2024-00132", "ls-2024-00133", "ls-2024-00135", "wj-2024-001", "wj-2024-002"):
        assert not (CONTENT / f"post/licenses/{rid}.yaml").exists()
    for n in range(1, 5):
        assert not (CONTENT / f"post/inspections/insp-2024-00{n}.yaml").exists()
    prepared = prepare(CONTENT, AS_OF, Policy())
    sheet_entries = [e for e in prepared.entries if e.path.endswith(".xlsx")]
    assert len(sheet_entries) == 9
    assert all(e.life.state == State.PUBLIC for e in sheet_entries), [e.life for e in sheet_entries]
    assert all(e.life.public_until == date(2027, 6, 29) for e in sheet_entries)


def test_sample_sheets_build_and_hide_the_contact(site: SiteDir):
    for sheet in (LICENSE_SHEET, INSPECTION_SHEET):
        dest = site.content / sheet.relative_to(CONTENT)
        dest.parent.mkdir(parents=True, exist_ok=True)
        dest.write_bytes(sheet.read_bytes())
    r = site.build()
    assert r.code == 0, r.err
    files = site.files()
    for rid in ("ls-2024-00133", "wj-2024-001"):
        assert f"post/licenses/{rid}.html" in files
    page = site.read("post/inspections/insp-2024-001.html")
    assert "都某" in page and "克拉玛依市富城天然气有限责任公司T1006站" in page
    assert "马宏斌（31050224019）" in page
    text = site.all_text()
    for secret in ("13709904269", "15276683557", "15292581825", "13609925095",
                   "都炳锋", "张凯", "孔令超", "田永生"):
        assert secret not in text, secret
    assert "(新) LS〔2024〕 00133" in site.read("post/licenses/ls-2024-00133.html")


def test_sheet_script_writes_the_committed_rows(tmp_path: Path):
    s004.main(tmp_path)
    for rel in ("post/licenses/s004-licenses.xlsx", "post/inspections/s004-random-inspections.xlsx"):
        fresh = read_table(tmp_path / rel, tmp_path)
        shipped = read_table(CONTENT / rel, CONTENT)
        assert [(r.rid, r.row, r.fields) for r in fresh.rows] == [(r.rid, r.row, r.fields) for r in shipped.rows]


# ---------------------------------------------------------------------------
# dates, bad rows, messages
# ---------------------------------------------------------------------------
def test_every_date_form_and_a_bad_row(site: SiteDir):
    sheet = xlsx(site.content / "post/licenses/lic2026.xlsx", [
        LICENSE_HEADER,
        lic_row(1, "测试一号化工有限公司", datetime(2026, 10, 8)),           # Excel date cell
        lic_row(2, "测试二号化工有限公司", "2026.10.8"),                     # S004 licence table
        lic_row(3, "测试三号化工有限公司", "2026年10月8日"),                 # S004 inspection table
        lic_row(4, "测试四号化工有限公司", "２０２６年１０月８日"),          # full-width digits
        lic_row(5, "测试五号化工有限公司", "2026/10/8"),
        lic_row(6, "测试六号化工有限公司", "2026-10-08"),
        lic_row(7, "测试七号化工有限公司", "2026-10-08 00:00:00"),          # text export of a datetime
        lic_row(8, "测试八号化工有限公司", 46303),                           # Excel serial in a General cell
        lic_row(9, "测试九号化工有限公司", "2026.13.1"),                     # impossible: quarantined
        [None] * 10,                                                        # empty row: skipped
        [11] + [None] * 9,                                                  # only 序号 filled: skipped
    ])
    result, rows = rows_of(sheet, site.content)
    assert [r.row for r in result.rows] == [2, 3, 4, 5, 6, 7, 8, 9, 10]
    for r in result.rows[:8]:
        record, problems = validate(r.raw)
        assert record is not None, problems
        assert record.fields["decided"] == date(2026, 10, 8), r.row
        assert record.fields["accepted"] == date(2026, 10, 1)
    serial = [p for p in rows["lic2026-009"].raw.problems if p.severity == "warning"]
    assert serial and "Excel 日期序号" in serial[0].message
    bad = rows["lic2026-010"].raw
    assert bad.problems and bad.problems[0].severity == "error"
    shown = str(bad.problems[0])
    assert re.match(r"content/post/licenses/lic2026\.xlsx:10: decided: 第10行“许可时间”列：“2026\.13\.1”不是真实存在的日期", shown), shown
    r = site.build()
    assert r.code == 1, r.out + r.err
    assert "lic2026.xlsx:10: decided: 第10行“许可时间”列：" in r.err
    assert "有错误未发布 1 条" in r.out
    files = site.files()
    assert "post/licenses/lic2026-002.html" in files and "post/licenses/lic2026-009.html" in files
    assert "post/licenses/lic2026-010.html" not in files
    c = site.check()
    assert c.code == 1 and "第10行“许可时间”列" in c.err


def test_missing_required_value_and_column_name_the_row(site: SiteDir):
    sheet = xlsx(site.content / "post/licenses/l.xlsx", [
        ["申请人", "许可事项类别", "受理时间", "审核情况", "许可结果", "许可证书名称及编号", "许可时间", "承办人"],
        ["测试化工有限公司", "危险化学品经营许可证核发", "2026.10.1", "通过", "同意", "测危经〔2026〕1号", None, "张宇轩"],
    ])
    result, rows = rows_of(sheet, site.content)
    assert result.problems == []
    msgs = [str(p) for p in rows["l-002"].raw.problems]
    assert any(m.startswith("content/post/licenses/l.xlsx:2: decided: 第2行：缺少必填字段 decided（许可时间）") for m in msgs), msgs

    sheet2 = xlsx(site.content / "post/licenses/m.xlsx", [
        ["申请人", "许可事项类别", "受理时间", "许可结果", "许可证书名称及编号", "许可时间", "承办人"],
        ["测试化工有限公司", "危险化学品经营许可证核发", "2026.10.1", "同意", "测危经〔2026〕2号", "2026.10.8", "张宇轩"],
    ])
    result2, _ = rows_of(sheet2, site.content)
    assert any("表头缺少必填列：审核情况（review）" in p.message and p.severity == "error" for p in result2.problems)


def test_precision_lost_numbers_are_refused(site: SiteDir):
    sheet = xlsx(site.content / "post/licenses/p.xlsx", [
        LICENSE_HEADER + ["类别", "身份证号码"],
        lic_row(1, "李小明", "2026.10.8") + ["个人", 6.50102199003071e17],
    ])
    _, rows = rows_of(sheet, site.content)
    errs = [p for p in rows["p-002"].raw.problems if p.severity == "error"]
    assert errs and "15位以上" in errs[0].message and "“身份证号码”列" in errs[0].message


# ---------------------------------------------------------------------------
# parties, contacts, inspectors
# ---------------------------------------------------------------------------
@pytest.mark.parametrize("name,org", [
    ("阜康市雅轩店烟花爆竹零售部", True), ("新疆森田物流有限公司", True), ("阜康市柏杨河砂石料厂", True),
    ("克拉玛依市富城天然气有限责任公司T1006站", True), ("阜康市亚宏鞭炮边销茶经销部贸易中心店", True),
    ("某某加油站（北站）", True), ("Acme Trading Co., Ltd.", True),
    ("李小明", False), ("欧阳娜娜", False), ("胡阿提别克·努尔哈孜", False), ("王行", False), ("张会", False),
    ("测试", False),
])
def test_organisation_or_person(name: str, org: bool):
    assert looks_like_organization(name) is org


def test_person_parties_are_hidden_and_warned(site: SiteDir):
    sheet = xlsx(site.content / "post/licenses/pp.xlsx", [
        LICENSE_HEADER,
        lic_row(1, "李小明", "2026.10.8"),              # no kind column: person, with a warning
        lic_row(2, "测试物流有限公司", "2026.10.8"),
    ])
    _, rows = rows_of(sheet, site.content)
    person = rows["pp-002"]
    assert person.fields["applicant"] == {"name": "李小明", "kind": "person"}
    warn = [p for p in person.raw.problems if p.severity == "warning"]
    assert warn and "已按自然人处理" in warn[0].message and "第2行“申请人”列" in warn[0].message
    assert rows["pp-003"].fields["applicant"]["kind"] == "organization"
    r = site.build()
    assert r.code == 0, r.err
    assert "已按自然人处理" in r.err
    assert "李小明" not in site.all_text()
    assert "李某" in site.read("post/licenses/pp-002.html")


def test_kind_column_overrides_the_guess(site: SiteDir):
    sheet = xlsx(site.content / "post/inspections/k.xlsx", [
        ["时间", "地点", "被检查单位或个人", "类别", "被检查人员联系电话", "检查事由", "检查内容", "检查文书", "检查结果",
         "检查人员"],
        ["2026年10月9日", "测试市人民路2号", "大华", "单位", "", "依职权", "安全生产检查", "现场检查记录", "未发现问题",
         "马宏斌 31050224019"],
        ["2026年10月9日", "测试市人民路3号", "测试五金有限公司", "个人", "王五 0994-1234567", "依举报", "安全生产检查",
         "现场检查记录", "未发现问题", "马宏斌 31050224019"],
        ["2026年10月9日", "测试市人民路4号", "测试五金有限公司", "不知道", "", "依职权", "安全生产检查",
         "现场检查记录", "未发现问题", "马宏斌 31050224019"],
    ])
    _, rows = rows_of(sheet, site.content)
    assert rows["k-002"].fields["target"] == {"name": "大华", "kind": "organization"}
    assert rows["k-003"].fields["target"]["kind"] == "person"
    assert rows["k-003"].fields["contact"] == {"name": "王五", "phone": "0994-1234567"}
    bad = [str(p) for p in rows["k-004"].raw.problems if p.severity == "error"]
    assert bad and "第4行“类别”列" in bad[0] and "target.kind" in bad[0]


def test_inspectors_text_left_over_is_reported(site: SiteDir):
    sheet = xlsx(site.content / "post/inspections/i.xlsx", [
        ["时间", "地点", "被检查单位或个人", "检查事由（依职权或依举报）", "检查内容", "检查文书", "检查结果",
         "检查单位及人员（姓名＋证件号）"],
        ["2026.10.9", "测试市", "测试化工有限公司", "依职权", "安全生产检查", "现场检查记录", "未发现问题",
         "马宏斌 31050224019 朱恒"],
        ["2026.10.9", "测试市", "测试化工有限公司", "依职权", "安全生产检查", "现场检查记录", "未发现问题",
         "马宏斌、朱恒"],
    ])
    _, rows = rows_of(sheet, site.content)
    warn = [p.message for p in rows["i-002"].raw.problems if p.severity == "warning"]
    assert any("无法识别" in m and "朱恒" in m for m in warn), warn
    err = [str(p) for p in rows["i-003"].raw.problems if p.severity == "error"]
    assert err and "i.xlsx:3: inspectors: 第3行“检查单位及人员（姓名＋证件号）”列：无法识别检查人员" in err[0], err


# ---------------------------------------------------------------------------
# laws and personnel tables, CSV files, headers
# ---------------------------------------------------------------------------
def test_laws_table_carries_the_category_down(site: SiteDir):
    sheet = xlsx(site.content / "pre/laws/laws.xlsx", [
        ["主要执法依据"],
        ["类别", "序号", "名称", "制定机关", "生效时间"],
        ["法律", 1, "中华人民共和国安全生产法", "全国人大常委会", "2002年11月1日"],
        [None, 2, "中华人民共和国行政许可法", "全国人大常委会", "2004年７月１日"],
        ["行政法规", 1, "安全生产许可证条例", "\n中华人民共和国国务院", "2004年1月13日"],
        [None, 2, "危险化学品安全管理条例", "中华人民共和国国务院", "2011年12月1日"],
    ], merge=["A1:E1"])
    result, rows = rows_of(sheet, site.content)
    assert result.problems == []
    cats = [validate(r.raw)[0].fields["category"] for r in result.rows]
    assert cats == ["法律", "法律", "行政法规", "行政法规"]
    f = validate(rows["laws-004"].raw)[0].fields
    assert f["effective"] == date(2004, 7, 1) and f["name"] == "中华人民共和国行政许可法"
    assert validate(rows["laws-005"].raw)[0].fields["enacted_by"] == "中华人民共和国国务院"
    r = site.build()
    assert r.code == 0, r.err
    page = site.read("pre/laws/index.html")
    assert "危险化学品安全管理条例" in page and "行政法规" in page


def test_personnel_csv_with_year_only_dates_gbk_and_tabs(site: SiteDir):
    text = ("序 号\t单 位 名 称\t姓  名\t性  别\t职  务\t执法证号\t发证日期\r\n"
            "1\t测试市应急管理局\t王正达\t男\t副局长\t31050224028\t2022\r\n"
            "2\t测试市应急管理局\t胡阿提别克·努尔哈孜\t男\t科员\t31050224030\t2023年\r\n"
            "\t\t\t\t\t\t\r\n")
    path = site.content / "pre/personnel/officers.csv"
    path.parent.mkdir(parents=True)
    path.write_bytes(text.encode("gbk"))
    result, rows = rows_of(path, site.content)
    assert result.problems == []
    assert list(rows) == ["officers-002", "officers-003"]
    rec, problems = validate(rows["officers-002"].raw)
    assert rec.fields["issued"] == date(2022, 1, 1) and rec.fields["cert_number"] == "31050224028"
    assert any("只有年份" in p.message for p in problems)
    assert validate(rows["officers-003"].raw)[0].fields["issued"] == date(2023, 1, 1)
    r = site.build()
    assert r.code == 0, r.err
    page = site.read("pre/personnel/index.html")
    assert "胡阿提别克·努尔哈孜" in page and "31050224030" in page  # officers are public


def test_csv_utf8_bom_english_keys_id_column_and_quoted_newlines(site: SiteDir):
    text = ('\ufeffid,applicant.name,applicant.kind,applicant.credit_code,item,accepted,"审核\n情况",result,'
            "certificate,decided,handler,备注\r\n"
            "lic-a,测试化工有限公司,organization,91652302MA77Q1XJ3B,危险化学品经营许可证核发,2026-10-01,通过,同意,"
            "测危经〔2026〕9号,2026-10-08,张宇轩,内部备注不公开\r\n")
    path = site.content / "post/licenses/eng.csv"
    path.parent.mkdir(parents=True)
    path.write_text(text, encoding="utf-8", newline="")
    result, rows = rows_of(path, site.content)
    assert [p.severity for p in result.problems] == ["warning"]
    assert "不认识的列“备注”" in result.problems[0].message
    rec, problems = validate(rows["lic-a"].raw)
    assert problems == [] and rec.fields["applicant"]["credit_code"] == "91652302MA77Q1XJ3B"
    assert rec.fields["review"] == "通过"
    r = site.build()
    assert r.code == 0, r.err
    assert "post/licenses/lic-a.html" in site.files()
    assert "内部备注不公开" not in site.all_text()


def test_duplicate_ids_in_a_sheet_quarantine_both(site: SiteDir):
    sheet = xlsx(site.content / "post/licenses/d.xlsx", [
        LICENSE_HEADER + ["id"],
        lic_row(1, "测试一号化工有限公司", "2026.10.8") + ["same"],
        lic_row(2, "测试二号化工有限公司", "2026.10.8") + ["same"],
        lic_row(3, "测试三号化工有限公司", "2026.10.8") + ["other"],
    ])
    r = site.build()
    assert r.code == 1
    assert "d.xlsx:2: id: 第2行：记录编号“same”与第3行重复" in r.err
    assert "d.xlsx:3: id: 第3行：记录编号“same”与第2行重复" in r.err
    files = site.files()
    assert "post/licenses/other.html" in files and "post/licenses/same.html" not in files
    assert sheet.exists()


def test_tables_only_in_table_folders_and_unreadable_files(site: SiteDir):
    xlsx(site.content / "post/penalties/p.xlsx", [["文号", "案件名称"], ["x", "y"]])
    (site.content / "post/licenses").mkdir(parents=True)
    (site.content / "post/licenses/broken.xlsx").write_bytes(b"not a zip file")
    xlsx(site.content / "post/licenses/noheader.xlsx", [["随便", "什么"], ["a", "b"]])
    r = site.build()
    assert r.code == 1, r.out + r.err
    assert "p.xlsx:1: -: “行政处罚”不能用表格填写" in r.err
    assert "broken.xlsx:1: -: 无法打开 Excel 文件" in r.err
    assert "noheader.xlsx:1: -: 前15行中找不到表头行" in r.err
    assert "无法读取的文件 3 个" in r.out


def test_header_normalisation():
    assert normalize_header("审核\n情况") == "审核情况"
    assert normalize_header(" 检查事由\n（依职权或依举报）") == "检查事由(依职权或依举报)"
    assert normalize_header("检查单位及人员（姓名＋证件号）") == "检查单位及人员(姓名+证件号)"
    assert normalize_header("序 号") == "序号"
    assert normalize_header("Decided*") == "decided"


def test_rows_reach_the_report_with_their_row_id(site: SiteDir):
    xlsx(site.content / "post/licenses/rep.xlsx", [LICENSE_HEADER, lic_row(1, "测试化工有限公司", "2026.10.8")])
    r = run_cli("report", "--content", str(site.content), "--as-of", "2026-11-22")
    assert r.code == 0, r.err
    assert "content/post/licenses/rep.xlsx [rep-002]" in r.out


# ---------------------------------------------------------------------------
# gongshi import
# ---------------------------------------------------------------------------
def test_import_writes_one_yaml_per_row_and_never_overwrites(site: SiteDir, tmp_path: Path):
    src = tmp_path / "incoming" / "s004-random-inspections.xlsx"
    src.parent.mkdir()
    src.write_bytes(INSPECTION_SHEET.read_bytes())
    r = run_cli("import", str(src), "inspection", "--content", str(site.content))
    assert r.code == 0, r.out + r.err
    folder = site.content / "post/inspections"
    assert sorted(p.name for p in folder.iterdir()) == [f"insp-2024-00{n}.yaml" for n in range(1, 5)]
    text = (folder / "insp-2024-001.yaml").read_text(encoding="utf-8")
    assert "第3行导入" in text and "date: 2024-02-27" in text and "phone: '13709904269'" in text
    assert "cert_number: '31050224019'" in text
    # the converted files are valid records and build like the sheet did
    b = site.build()
    assert b.code == 0, b.err
    assert "post/inspections/insp-2024-001.html" in site.files()
    assert "13709904269" not in site.all_text()
    # a second import would overwrite: refused, nothing changed
    before = (folder / "insp-2024-001.yaml").read_bytes()
    again = run_cli("import", str(src), "inspection", "--content", str(site.content))
    assert again.code == 2 and "已存在" in again.err
    assert (folder / "insp-2024-001.yaml").read_bytes() == before


def test_import_refusals_and_invalid_rows(site: SiteDir, tmp_path: Path):
    bad_name = xlsx(tmp_path / "行政许可结果公示.xlsx", [LICENSE_HEADER, lic_row(1, "测试化工有限公司", "2026.10.8")])
    r = run_cli("import", str(bad_name), "行政许可", "--content", str(site.content))
    assert r.code == 2 and "不能用作文件名和网址" in r.err
    r = run_cli("import", str(bad_name), "penalty", "--content", str(site.content))
    assert r.code == 2 and "不能用表格填写" in r.err
    r = run_cli("import", str(tmp_path / "missing.xlsx"), "license", "--content", str(site.content))
    assert r.code == 2
    mixed = xlsx(tmp_path / "mixed.xlsx", [LICENSE_HEADER, lic_row(1, "测试化工有限公司", "2026.10.8"),
                                           lic_row(2, "测试物流有限公司", "2026.13.8")])
    r = run_cli("import", str(mixed), "license", "--content", str(site.content))
    assert r.code == 1, r.out + r.err
    assert "共转换 2 行，其中 1 行有错误" in r.out
    bad = (site.content / "post/licenses/mixed-003.yaml").read_text(encoding="utf-8")
    assert "# 错误：第3行“许可时间”列" in bad and "decided: 2026.13.8\n" in bad
    good = (site.content / "post/licenses/mixed-002.yaml").read_text(encoding="utf-8")
    assert "decided: 2026-10-08" in good and "kind: organization" in good


def test_import_from_inside_content_warns_about_duplicates(site: SiteDir):
    sheet = xlsx(site.content / "post/licenses/inside.xlsx", [LICENSE_HEADER, lic_row(1, "测试化工有限公司", "2026.10.8")])
    r = run_cli("import", str(sheet), "license", "--content", str(site.content))
    assert r.code == 0
    assert "请把原表格移出 content/ 目录" in r.err


# ---------------------------------------------------------------------------
# progress hook
# ---------------------------------------------------------------------------
def test_prepare_reports_progress(site: SiteDir):
    xlsx(site.content / "post/licenses/pg.xlsx", [LICENSE_HEADER] + [
        lic_row(i, f"测试{i}号化工有限公司", "2026.10.8") for i in range(1, 6)])
    calls: list[tuple[int, int]] = []
    prepare(site.content, AS_OF, Policy(), progress=lambda d, t: calls.append((d, t)))
    assert calls[-1] == (10, 10) and [d for d, _ in calls] == list(range(1, 11))


def test_progress_bar_only_for_big_builds():
    from generator.cli import _BuildProgress

    bar = _BuildProgress()
    bar(1, 20)
    assert bar._progress is None  # small site: no bar
    bar.close()
