"""SPEC §8: every bad input gives a clear error (file, line, field) and quarantines only that record."""

from __future__ import annotations

import re

import pytest

from tests.conftest import PENALTY_ORG, SiteDir, run_cli

GOOD = ("post/penalties/good-1.md", PENALTY_ORG)

BAD_CASES = {
    "broken_yaml": ("post/penalties/bad.md", "---\nnumber: [unclosed\ntitle: x\n---\n", r"bad\.md:2: -: YAML 格式错误"),
    "wrong_type": ("post/penalties/bad.md", PENALTY_ORG.replace("fine: 20000", "fine: 两万"),
                   r"bad\.md:13: fine: 罚款金额（元）：“两万”不是金额"),
    "impossible_date": ("post/penalties/bad.md", PENALTY_ORG.replace("decided: 2026-10-10", "decided: 2026-02-30"),
                        r"bad\.md:4: decided: .*“2026-02-30”不是真实存在的日期"),
    "unknown_type_folder": ("post/fines/bad.md", PENALTY_ORG, r"bad\.md:1: -: 这个文件所在的文件夹不对应任何公示类型"),
    "type_key_mismatch": ("post/penalties/bad.md", PENALTY_ORG.replace("---\nnumber", "---\ntype: license\nnumber", 1),
                          r"bad\.md:2: type: 字段 type 写的是“license”"),
    "path_unsafe_id": ("post/penalties/李小明的案子.md", PENALTY_ORG, r"李小明的案子\.md:1: -: 文件名.*不能用作网址"),
    "raw_html": ("post/penalties/bad.md", PENALTY_ORG + "\n<div>表格</div>\n", r"bad\.md:\d+: 正文: 正文含有 HTML 标签"),
    "script": ("post/penalties/bad.md", PENALTY_ORG + "\n<script>alert(1)</script>\n", r"bad\.md:\d+: 正文: 正文含有脚本"),
    "event_handler": ("post/penalties/bad.md", PENALTY_ORG + '\n<img src=x onerror="alert(1)">\n', r"bad\.md:\d+: 正文: 正文含有带事件属性"),
    "javascript_url": ("post/penalties/bad.md", PENALTY_ORG + "\n[点我](javascript:alert(1))\n", r"bad\.md:\d+: 正文: .*javascript"),
    "party_without_name": ("post/penalties/bad.md", PENALTY_ORG.replace("  - name: 测试化工有限公司\n", "  - credit_code: x\n"),
                           r"bad\.md:\d+: parties\[0\]: 当事人：没有写名称或姓名"),
    "missing_required": ("post/penalties/bad.md", PENALTY_ORG.replace("facts: 该公司未按规定对从业人员进行安全生产教育和培训。\n", ""),
                         r"bad\.md:1: facts: 缺少必填字段 facts（违法事实）"),
    "revoked_without_date": ("post/penalties/bad.md", PENALTY_ORG.replace("fine: 20000", "fine: 20000\nstatus: revoked"),
                             r"bad\.md:\d+: revoked_on: status 为 revoked"),
    "not_utf8": ("post/penalties/bad.md", None, r"bad\.md:1: -: 文件不是 UTF-8 编码"),
}


@pytest.mark.parametrize("case", sorted(BAD_CASES))
def test_bad_record_is_quarantined_and_the_rest_builds(site: SiteDir, case: str):
    site.write(*GOOD)
    rel, text, pattern = BAD_CASES[case]
    if text is None:
        (site.content / rel).parent.mkdir(parents=True, exist_ok=True)
        (site.content / rel).write_bytes(PENALTY_ORG.encode("gbk"))
    else:
        site.write(rel, text)
    r = site.build()
    assert r.code == 1, (r.out, r.err)
    assert re.search(pattern, r.err), r.err
    assert "post/penalties/good-1.html" in site.files()
    assert "bad.html" not in " ".join(site.files())
    assert "有错误未发布 1 条" in r.out
    c = site.check()
    assert c.code == 1 and re.search(pattern, c.err)


def test_duplicate_ids_quarantine_both(site: SiteDir):
    site.write(*GOOD)
    site.write("post/penalties/dup.md", PENALTY_ORG)
    site.write("post/penalties/2026/dup.yaml", "number: x\n")
    r = site.build()
    assert r.code == 1
    assert "记录编号（文件名）“dup”重复" in r.err
    assert "post/penalties/dup.html" not in site.files()
    assert "post/penalties/good-1.html" in site.files()


def test_unknown_key_warns_but_publishes(site: SiteDir):
    site.write("post/penalties/w.md", PENALTY_ORG.replace("fine: 20000", "fine: 20000\nfien: 3"))
    r = site.build()
    assert r.code == 0, r.err
    assert re.search(r"w\.md:14: fien: 警告：不认识的字段“fien”", r.err)
    assert "post/penalties/w.html" in site.files()


def test_errors_are_collected_not_one_at_a_time(site: SiteDir):
    text = PENALTY_ORG.replace("decided: 2026-10-10", "decided: 2026-13-01").replace("fine: 20000", "fine: abc")
    site.write("post/penalties/many.md", text)
    r = site.check()
    assert r.code == 1
    assert "decided:" in r.err and "fine:" in r.err


def test_dates_bare_or_quoted(site: SiteDir):
    site.write("post/penalties/q.md", PENALTY_ORG.replace("decided: 2026-10-10", 'decided: "2026-10-10"'))
    r = site.check()
    assert r.code == 0, r.err


def test_markdown_is_sanitised_even_without_raw_html(site: SiteDir):
    body = "\n[普通链接](https://www.gov.cn)\n\n[图](data:text/html;base64,PHNjcmlwdD4=)\n"
    site.write("post/penalties/s.md", PENALTY_ORG + body)
    r = site.build()
    assert r.code == 1  # data: link is refused
    site.write("post/penalties/s.md", PENALTY_ORG + "\n[普通链接](https://www.gov.cn)\n")
    r = site.build()
    assert r.code == 0
    page = site.read("post/penalties/s.html")
    assert "<script" not in page.lower() and "javascript:" not in page.lower()
    assert 'href="https://www.gov.cn"' in page


def test_check_writes_nothing(site: SiteDir):
    site.write(*GOOD)
    r = site.check()
    assert r.code == 0
    assert not site.output.exists()
    assert "共检查 1 条记录" in r.out


def test_new_writes_a_commented_template_that_checks(site: SiteDir):
    for t in ("penalty", "license", "inspection", "notice", "officer", "law", "application"):
        r = run_cli("new", t, "--content", str(site.content), "--id", f"tpl-{t}")
        assert r.code == 0, r.err
        assert "已创建模板" in r.out
    text = (site.content / "post/penalties/tpl-penalty.md").read_text(encoding="utf-8")
    assert "# 行政处罚决定书文号（必填）" in text and text.startswith("---\n")
    r = run_cli("new", "nonsense", "--content", str(site.content))
    assert r.code == 2 and "不认识的类型" in r.err
    # the templates parse: only placeholder-value errors, never YAML errors
    c = site.check()
    assert "YAML 格式错误" not in c.err
