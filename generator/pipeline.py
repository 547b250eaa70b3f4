"""The pipeline: load -> validate -> lifecycle -> redact, shared by build, check and report.

prepare() never raises for bad content: every problem lands on the entry of
the file it concerns, and that record alone is quarantined.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Callable

from . import loader
from .model import Lifecycle, Problem, PublicView, Record, State
from .policy import Policy
from .tables import load_table
from .validate import duplicate_problems, validate, validate_site
from .views import LeakError, SiteContext, ViewBuilder
from .workdays import WorkCalendar


@dataclass
class Entry:
    """One record's journey: where it came from and what happened to it."""

    path: str
    rid: str
    type: str | None
    record: Record | None
    life: Lifecycle
    problems: list[Problem] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)  # redaction log: counts by kind
    view: PublicView | None = None

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]


@dataclass
class Prepared:
    content_dir: Path
    as_of: date
    policy: Policy
    site: dict[str, Any]
    site_problems: list[Problem]
    entries: list[Entry]
    stray_problems: list[Problem]
    calendar: WorkCalendar

    @property
    def views(self) -> list[PublicView]:
        return [e.view for e in self.entries if e.view is not None]

    @property
    def quarantined(self) -> list[Entry]:
        return [e for e in self.entries if e.life.state == State.QUARANTINED]

    def all_problems(self) -> list[Problem]:
        out = list(self.site_problems) + list(self.stray_problems)
        for e in self.entries:
            out.extend(e.problems)
        return out

    def calendar_warnings(self) -> list[str]:
        return self.calendar.warnings()


class StageClock:
    """Wall seconds per stage into a dict (or nothing): lap(name) ends the stage `name`."""

    def __init__(self, into: dict[str, float] | None):
        self.into = into
        self.last = time.perf_counter()

    def lap(self, name: str) -> None:
        now = time.perf_counter()
        if self.into is not None:
            self.into[name] = self.into.get(name, 0.0) + now - self.last
        self.last = now


def _quarantine(problems: list[Problem]) -> Lifecycle:
    first = next((p for p in problems if p.severity == "error"), None)
    reason = f"有错误，未发布：{first.field}: {first.message}" if first else "有错误，未发布"
    return Lifecycle(State.QUARANTINED, reason=reason)


def load_site(content_dir: Path) -> tuple[dict[str, Any], list[Problem]]:
    path = content_dir / loader.SITE_FILE
    shown = loader.display_path(path, content_dir)
    if not path.is_file():
        return validate_site({}, shown, {})[0], [Problem(shown, 1, "-", "找不到 site.yaml（执法主体信息），页面页脚和执法主体卡片将缺少内容。")]
    try:
        data, lines = loader.parse_yaml(path.read_text(encoding="utf-8-sig"))
    except UnicodeDecodeError:
        return validate_site({}, shown, {})[0], [Problem(shown, 1, "-", "site.yaml 不是 UTF-8 编码。")]
    except Exception as exc:  # yaml.YAMLError
        return validate_site({}, shown, {})[0], [loader.yaml_error_problem(shown, exc)]
    return validate_site(data or {}, shown, lines)


def prepare(content_dir: Path, as_of: date, policy: Policy, views: bool = True,
            progress: Callable[[int, int], None] | None = None,
            cache: Any = None, workers: int = 1, min_items: int = 200,
            timings: dict[str, float] | None = None,
            known_files: dict[str, str] | None = None) -> Prepared:
    """progress(done, total), when given, is called after each record is validated and
    after each is redacted (total = 2 x records): the CLI draws a progress bar with it.

    cache (generator.cache.BuildCache) and workers > 1 make the per-record stages reuse
    earlier results and use a process pool (generator.parallel); the result is the same.
    timings, when given, receives the wall seconds of each stage (GONGSHI_STATS_FILE).
    known_files: content file (relative name) -> sha256 of its bytes, hashed just before (by
    generator.unchanged): files whose records are cached under those hashes are not read again."""
    from .parallel import RecordStage

    clock = StageClock(timings)
    content_dir = Path(content_dir)
    cal = WorkCalendar(policy.extra_holidays, policy.extra_workdays)
    site, site_problems = load_site(content_dir)
    stage = RecordStage(content_dir, cache, workers, min_items, known_files)
    raws, stray, tables = stage.load_all()
    for table in tables:
        rows, table_problems = load_table(table, content_dir)
        raws.extend(rows)
        stray.extend(table_problems)
    clock.lap("load")
    entries: list[Entry] = []
    records: list[Record] = []
    dups = duplicate_problems(raws)
    total = 2 * len(raws)
    for i, raw in enumerate(raws):
        if progress is not None:
            progress(i + 1, total)
        record, problems = stage.validate(raw)
        if i in dups:
            problems.append(dups[i])
            record = None
        if record is None:
            entries.append(Entry(raw.path, raw.rid, raw.type, None, _quarantine(problems), problems))
        else:
            records.append(record)
            entries.append(Entry(raw.path, raw.rid, raw.type, record, Lifecycle(State.DRAFT), problems))
    clock.lap("validate")
    unique = records
    ctx = SiteContext(
        site=site,
        policy=policy,
        officers=sorted({(r.get("name", ""), r.get("cert_number", "")) for r in unique if r.type == "officer"}),
        law_names=sorted({r.get("name", "") for r in unique if r.type == "law"}),
    )
    builder = ViewBuilder(ctx, as_of)
    stage.load_lifecycles(policy)
    for e in entries:
        if e.record is None:
            continue
        try:
            e.life = stage.lifecycle(e.record, as_of, policy, cal)
        except Exception as exc:  # a lifecycle bug must not stop the rest of the site
            e.problems.append(Problem(e.path, 1, "-", f"无法计算公示状态（程序错误：{exc!r}），记录暂不发布。"))
            e.life = _quarantine(e.problems)
    stage.store_lifecycles()
    clock.lap("lifecycle")
    todo = [e for e in entries if views and e.record is not None and e.life.on_site]
    built = stage.build_views(builder, [(e.record, e.life) for e in todo])  # in order, lazily
    todo_ids = {id(e) for e in todo}
    for done, e in enumerate(entries, len(raws) + 1):
        if progress is not None:
            progress(done, total)
        if id(e) in todo_ids:
            result = next(built)
            if result[0] == "leak":
                e.problems.append(Problem(e.path, 1, "-", result[1]))
                e.life = _quarantine(e.problems)
            else:
                e.view, e.counts = result[1], result[2]
    entries.sort(key=lambda e: (e.path, e.rid))
    clock.lap("views")
    return Prepared(content_dir, as_of, policy, site, site_problems, entries, stray, cal)
