"""Standalone benchmark of the redaction engine (no Pelican needed).

    python bench/bench_redaction.py [--mb 1.0]

Prints redact() throughput in characters/second on ~1 MB of synthetic mixed
Chinese enforcement prose with planted personal values, and the per-record
cost of the build's pattern: one Redactor per record, a dozen short texts.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from redaction import Redactor  # noqa: E402

PROSE = [
    "乌鲁木齐市庆余年建设工程有限公司作为施工单位，2023年7月22日在辖区企业阜康市金鑫铸造有限公司厂区作业，",
    "存在未为施工现场作业人员李某、徐某、谭某提供符合规范的劳动防护用品（安全帽）；",
    "依据《中华人民共和国安全生产法》第九十七条第七项的规定，并参照《自治区应急管理系统行政处罚自由裁量基准》（2021年版）16.5.1。",
    "案件调查人建议对该公司处人民币20000元（贰万元）罚款的行政处罚。",
    "行政处罚决定书文号：阜应急罚字〔2023〕40号，作出行政处罚的日期：2023年12月8日。",
    "执法人员马宏斌（执法证号31050224019）、朱恒（执法证号31050224018）出示执法证件，告知当事人陈述、申辩的权利。",
    "统一社会信用代码91652302MA77Q1XJ3B，投诉电话：0994-3235169，办公地址：阜康市博峰街74号。",
    "当事人对本决定不服的，可以自收到本决定书之日起六十日内依法申请行政复议，或者在六个月内依法向人民法院提起行政诉讼。",
    "检查发现：1.危险化学品仓库未设置明显的安全警示标志；2.特种作业人员未持证上岗；3.应急预案未按规定演练。",
    "责令限期整改指令书已于2024年2月27日送达，复查时间为2024-03-12。",
]
PLANTED = [
    "当事人李小明（身份证号码{id}）",
    "联系人都炳锋{mobile}",
    "家住阜康市某某路{n}号3单元，",
    "现场负责人张伟未佩戴安全帽，",
    "开户行账号：{acct}，",
    "驾驶员王大力驾驶新A·D{n5}号车辆，",
    "电话：0994-32{n5}。",
]

_W = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def make_id(rng: random.Random) -> str:
    body = f"650102{rng.randint(1950, 2000)}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}{rng.randint(0, 999):03d}"
    return body + "10X98765432"[sum(int(c) * w for c, w in zip(body, _W)) % 11]


def planted(rng: random.Random) -> str:
    return rng.choice(PLANTED).format(
        id=make_id(rng),
        mobile=f"1{rng.choice('3456789')}{rng.randint(0, 999999999):09d}",
        n=rng.randint(1, 300),
        n5=f"{rng.randint(0, 99999):05d}",
        acct=f"{rng.randint(10**12, 10**13 - 1)}",
    )


def document(rng: random.Random, chars: int) -> str:
    parts: list[str] = []
    size = 0
    while size < chars:
        s = planted(rng) if rng.random() < 0.08 else rng.choice(PROSE)
        if rng.random() < 0.1:
            s += "\n\n"
        parts.append(s)
        size += len(s)
    return "".join(parts)


def public_values() -> list[str]:
    officers = ["王正达", "李伟", "蔡万卿", "王文刚", "杜超", "刘森", "左玉龙", "胡阿提别克·努尔哈孜",
                "洪宇杰", "范伟", "朱恒", "刘宁宁", "何志祥", "韩兵峰", "马宏斌"]
    certs = [f"310502240{i:02d}" for i in range(1, 31)]
    return ["阜康市应急管理局", "阜康市博峰街74号", "0994-3235169", "831500", "杨振", "阜康市",
            *officers, *certs, "乌鲁木齐市庆余年建设工程有限公司", "91652302MA77Q1XJ3B",
            "阜应急罚字〔2023〕40号"]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--mb", type=float, default=1.0, help="size of the big text in MB of UTF-8")
    ap.add_argument("--records", type=int, default=10_000)
    args = ap.parse_args()
    rng = random.Random(20240101)

    # the mixed text averages ~2.55 bytes per character in UTF-8
    text = document(rng, int(args.mb * 1_000_000 / 2.55))
    public = public_values()
    r = Redactor(
        protected=[("id_number", "650102199003071234"), ("phone", "13709904269"),
                   ("address", "阜康市某某路12号3单元"), ("other", "家庭经济困难")],
        names=["李小明", "都炳锋"],
        public=public,
    )
    r.redact(text[:1000])  # warm up
    best = float("inf")
    for _ in range(5):
        t0 = time.perf_counter()
        res = r.redact(text)
        best = min(best, time.perf_counter() - t0)
    print(f"big text: {len(text):,} chars ({len(text.encode()):,} bytes), "
          f"{len(res.findings):,} findings, best of 5: {best * 1000:.1f} ms, "
          f"{len(text) / best:,.0f} chars/s")

    # The build's pattern: one Redactor per record, a title, ~10 fields, a body.
    records = []
    for i in range(args.records):
        fields = [document(rng, rng.randint(5, 40)) for _ in range(10)]
        body = document(rng, rng.randint(200, 1500)) if i % 3 == 0 else ""
        records.append((f"当事人李小明{i}", fields, body))
    total = sum(len(t) + sum(map(len, f)) + len(b) for t, f, b in records)
    t0 = time.perf_counter()
    for title, fields, body in records:
        rd = Redactor(
            protected=[("id_number", make_id(rng)), ("phone", "13900001234"), ("address", "阜康市某路1号")],
            names=["李小明", "张三"],
            public=public,
        )
        rd.redact(title)
        for f in fields:
            rd.redact(f)
        if body:
            rd.redact(body)
    dt = time.perf_counter() - t0
    print(f"{args.records:,} records ({total:,} chars, {args.records * 11 + args.records // 3:,} redact calls): "
          f"{dt:.2f} s, {args.records / dt:,.0f} records/s, {total / dt:,.0f} chars/s")


if __name__ == "__main__":
    main()
