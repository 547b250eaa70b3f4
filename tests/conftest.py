"""Shared fixtures: build real sites from hand-made records in temp dirs, through the real CLI."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import textwrap
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SETTINGS = REPO / "pelicanconf.py"

SITE_YAML = """\
name: 测试市应急管理局
legal_representative: 王局长
region: 测试市
categories: [安全生产]
duties: [依法承担安全生产监督检查]
authority: 本辖区安全生产行政执法
address: 测试市人民路1号
postcode: "831500"
phone: 0994-3235169
complaint_phone: 0994-3235169
website_id: "6500000001"
icp: 新ICP备00000000号-1
police_beian: 新公网安备00000000000001号
sponsor: 测试市应急管理局
"""


@dataclass
class Run:
    code: int
    out: str
    err: str


def run_cli(*args: str, cwd: Path | None = None, env: dict | None = None) -> Run:
    """Run `python -m generator ARGS` (the real entry point) and capture everything."""
    full_env = dict(os.environ)
    full_env["GONGSHI_SETTINGS"] = str(SETTINGS)
    full_env["PYTHONPATH"] = str(REPO)
    if env:
        full_env.update(env)
    p = subprocess.run([sys.executable, "-m", "generator", *args], cwd=cwd or REPO,
                       capture_output=True, text=True, env=full_env, timeout=600)
    return Run(p.returncode, p.stdout, p.stderr)


class SiteDir:
    """A temp project: content/ to write records into, output/ to inspect."""

    def __init__(self, root: Path):
        self.root = root
        self.content = root / "content"
        self.output = root / "output"
        self.content.mkdir()
        (self.content / "site.yaml").write_text(SITE_YAML, encoding="utf-8")

    def write(self, rel: str, text: str) -> Path:
        path = self.content / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
        return path

    def build(self, as_of: str = "2026-11-22", *extra: str) -> Run:
        return run_cli("build", "--content", str(self.content), "--output", str(self.output),
                       "--as-of", as_of, *extra)

    def check(self, as_of: str = "2026-11-22") -> Run:
        return run_cli("check", "--content", str(self.content), "--as-of", as_of)

    def files(self) -> list[str]:
        return sorted(p.relative_to(self.output).as_posix() for p in self.output.rglob("*") if p.is_file())

    def read(self, rel: str) -> str:
        return (self.output / rel).read_text(encoding="utf-8")

    def all_text(self) -> str:
        from tests.scan import decoded_output

        return decoded_output(self.output)

    def tree_digest(self) -> str:
        h = hashlib.sha256()
        for rel in self.files():
            h.update(rel.encode())
            h.update((self.output / rel).read_bytes())
        return h.hexdigest()


@pytest.fixture
def site(tmp_path: Path) -> SiteDir:
    return SiteDir(tmp_path)


PENALTY_ORG = """\
---
number: 测应急罚字〔2026〕1号
title: 测试化工有限公司未按规定开展安全培训案
decided: 2026-10-10
parties:
  - name: 测试化工有限公司
    kind: organization
    legal_representative: 赵大山
    credit_code: 91652302MA77Q1XJ3B
facts: 该公司未按规定对从业人员进行安全生产教育和培训。
basis: 《中华人民共和国安全生产法》第二十八条、第九十七条第三项
decision: 罚款人民币20000元
fine: 20000
---

经查，测试化工有限公司未按规定开展安全培训。
"""
