"""Staff search (`gongshi search`): every record, unpublished ones too, with its state; raw data.

Run through the real CLI entry point, on temp content dirs.
"""

from __future__ import annotations

from pathlib import Path

from generator.staff_search import GramTokenizer, index_dir, parse_states, parse_types
from generator.model import State
from tests.conftest import PENALTY_ORG, SiteDir, run_cli
from tests.test_search_index import PERSON_PENALTY, UNPUBLISHED

AS_OF = "2026-11-22"


def search(site: SiteDir, *args: str):
    return run_cli("search", *args, "--content", str(site.content), "--as-of", AS_OF)


def rows(out: str) -> list[list[str]]:
    return [line.split("\t") for line in out.splitlines() if line.strip()]


def plant(site: SiteDir) -> None:
    site.write("post/penalties/2026-001.md", PENALTY_ORG)
    site.write("post/penalties/plant-person.md", PERSON_PENALTY)
    for rel, text in UNPUBLISHED.values():
        site.write(rel, text)


def test_finds_every_state_with_id_type_state_title_path(site: SiteDir):
    plant(site)
    expect = {
        "撤回标记甲": "withdrawn", "过期标记丙": "expired", "不予公开标记丁": "withheld",
        "未到期标记戊": "embargoed", "草稿标记己": "draft", "提前撤下标记庚": "ended", "错误标记辛": "quarantined",
    }
    for marker, state in expect.items():
        r = search(site, marker)
        assert r.code == 0, r.err
        got = rows(r.out)
        assert len(got) == 1, (marker, r.out)
        rid, rtype, st, title, path = got[0]
        assert rtype == "penalty"
        assert st.startswith(state + "（"), (marker, st)
        assert marker in title
        assert path.startswith("content/post/penalties/plant-") and path.endswith(".md")
        assert rid == Path(path).stem
    public = rows(search(site, "测试化工有限公司").out)
    assert [r[0] for r in public] == ["2026-001"] and public[0][2].startswith("public（")


def test_raw_two_character_names_and_exact_numbers(site: SiteDir):
    plant(site)
    # raw, unredacted data: the person's real name and phone number are searchable by staff
    assert [r[0] for r in rows(search(site, "娜娜").out)] == ["plant-person"]
    assert [r[0] for r in rows(search(site, "欧阳娜娜").out)] == ["plant-person"]
    assert [r[0] for r in rows(search(site, "13899123456").out)] == ["plant-person"]
    assert [r[0] for r in rows(search(site, "赵大山").out)] == ["2026-001"]  # legal representative
    for q in ("测应急罚字〔2026〕1号", "测应急罚字[2026]1号", "测应急罚字 2026 1号"):
        assert [r[0] for r in rows(search(site, q).out)] == ["2026-001"], q
    # words are ANDed and each must really occur
    assert rows(search(site, "测试化工 安全培训").out)[0][0] == "2026-001"
    assert rows(search(site, "测试化工 烟花爆竹").out) == []
    assert rows(search(site, "测应急罚字〔2026〕2号").out) == []


def test_state_and_type_filters(site: SiteDir):
    plant(site)
    site.write("post/licenses/lic-1.yaml", """\
        applicant:
          name: 测试物流有限公司
          kind: organization
        item: 危险化学品经营许可证核发
        accepted: 2026-10-01
        review: 通过
        result: 同意
        certificate: 测危经〔2026〕001号
        decided: 2026-10-08
        handler: 张宇轩
        """)
    got = rows(search(site, "", "--state", "draft,withheld").out)
    assert sorted(r[2].split("（")[0] for r in got) == ["draft", "withheld"]
    got = rows(search(site, "有限公司", "--type", "license").out)
    assert [r[0] for r in got] == ["lic-1"]
    got = rows(search(site, "有限公司", "--type", "行政处罚", "--state", "public").out)
    assert [r[0] for r in got] == ["2026-001"]
    bad = search(site, "x", "--state", "nonsense")
    assert bad.code == 2 and "未知的状态" in bad.err


def test_index_is_incremental_by_digest(site: SiteDir):
    plant(site)
    first = search(site, "有限公司")
    assert first.code == 0
    n = len(UNPUBLISHED) + 2
    assert f"新增 {n}，更新 0，删除 0，未变 0" in first.err
    again = search(site, "有限公司")
    assert f"新增 0，更新 0，删除 0，未变 {n}" in again.err
    # change one record, delete one, add one
    site.write("post/penalties/2026-001.md", PENALTY_ORG.replace("测试化工有限公司", "改名化工有限公司"))
    (site.content / "post/penalties/plant-draft.md").unlink()
    site.write("post/penalties/2026-002.md", PENALTY_ORG.replace("1号", "2号").replace("测试化工", "新增化工"))
    third = search(site, "改名化工")
    assert f"新增 1，更新 1，删除 1，未变 {n - 2}" in third.err, third.err
    assert [r[0] for r in rows(third.out)] == ["2026-001"]
    assert rows(search(site, "测试化工有限公司未按规定").out) == []  # old text is gone
    assert rows(search(site, "草稿标记己").out) == []  # deleted record is gone
    assert [r[0] for r in rows(search(site, "新增化工").out)] == ["2026-002"]
    rebuilt = search(site, "改名化工", "--rebuild")
    assert f"新增 {n}，更新 0，删除 0，未变 0" in rebuilt.err


def test_index_lives_next_to_content_never_in_output(site: SiteDir):
    plant(site)
    assert site.build().code in (0, 1)
    assert search(site, "欧阳娜娜").code == 0
    where = index_dir(site.content)
    assert where == site.root.resolve() / ".gongshi" / "staff-index" and where.is_dir()
    assert not any(".gongshi" in p or "staff" in p for p in site.files())
    assert "欧阳娜娜" not in site.all_text()
    # a content dir inside output/ would put the staff index into the site: refused
    inner = site.root / "output-like"
    inner.mkdir()
    r = run_cli("search", "x", "--content", str(site.content), "--as-of", AS_OF,
                env={"GONGSHI_SETTINGS": str(_settings_with_output(site.root, site.root))})
    assert r.code == 2 and "output" in r.err


def _settings_with_output(tmp: Path, output: Path) -> Path:
    from tests.conftest import SETTINGS

    text = SETTINGS.read_text(encoding="utf-8") + f"\nOUTPUT_PATH = {str(output)!r}\n"
    path = tmp / "pelicanconf-test.py"
    path.write_text(text, encoding="utf-8")
    return path


def test_parsers_and_tokenizer():
    assert parse_states(["public,草稿", "quarantined"]) == {State.PUBLIC, State.DRAFT, State.QUARANTINED}
    assert parse_types(["penalty", "行政许可"]) == {"penalty", "license"}
    grams = [t.text for t in GramTokenizer()("李某，罚款")]
    assert {"李", "李某", "某罚", "罚款"} <= set(grams)
    assert [t.text for t in GramTokenizer()("政府采购法", mode="query")] == ["政府", "采购", "购法"]
