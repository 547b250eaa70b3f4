"""Command line: gongshi build | check | new | report | search.

The only wall-clock read of the project lives here (today_in_shanghai), as the
default of --as-of; everything downstream takes the as-of date as an argument.
"""

from __future__ import annotations

import json
import logging
import os
import sys
import time
from datetime import date, datetime
from pathlib import Path
from typing import Any, NoReturn
from zoneinfo import ZoneInfo

import click

EXIT_OK, EXIT_QUARANTINED, EXIT_NOTHING = 0, 1, 2
REPO_ROOT = Path(__file__).resolve().parent.parent


def today_in_shanghai() -> date:
    """Today's date in China (the default as-of date)."""
    return datetime.now(ZoneInfo("Asia/Shanghai")).date()


def _parse_as_of(ctx: Any, param: Any, value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"日期格式应为 YYYY-MM-DD，收到“{value}”。") from None


def find_settings(explicit: str | None) -> Path | None:
    for candidate in (explicit, os.environ.get("GONGSHI_SETTINGS"), "pelicanconf.py",
                      str(REPO_ROOT / "pelicanconf.py")):
        if candidate and Path(candidate).is_file():
            return Path(candidate).resolve()
    return None


def load_settings(settings_file: str | None, content: str | None, output: str | None,
                  as_of: date | None) -> dict[str, Any]:
    from pelican.settings import read_settings

    path = find_settings(settings_file)
    override: dict[str, Any] = {}
    if content:
        override["PATH"] = str(Path(content).resolve())
    if output:
        override["OUTPUT_PATH"] = str(Path(output).resolve())
    override["GONGSHI_AS_OF"] = (as_of or today_in_shanghai()).isoformat()
    if path is None:
        raise click.ClickException("找不到设置文件 pelicanconf.py（可用 --settings 指定）。")
    return read_settings(str(path), override=override)


def _quiet_pelican() -> None:
    from pelican.log import console

    console.quiet = True
    logging.getLogger("pelican").setLevel(logging.ERROR)


def _echo_problem(p: Any) -> None:
    colour = "red" if p.severity == "error" else "yellow"
    click.secho(str(p), fg=colour, err=True)


@click.group(help="gongshi（公示）：行政执法公示专栏网站生成工具。")
@click.version_option(package_name="gongshi")
def main() -> None:
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")


_AS_PROGRAM = False  # set by run(): this process is the gongshi program, not a caller of main()


def run() -> None:
    """The `gongshi` program (console script and `python -m generator`)."""
    global _AS_PROGRAM
    _AS_PROGRAM = True
    main(prog_name="gongshi")


def _exit(code: int) -> NoReturn:
    """End a command. In the program, out of the process at once, without tearing down the
    heap: a build holds every record and view (~0.4 GB at 10,000 records), and freeing them
    object by object, as the stack unwinds and at interpreter exit, took ~0.1 s after a
    nightly rebuild's work was done (~0.15-0.3 s after a full build). Everything that matters
    is done before this is called
    (files written and renamed, the build cache closed, forked helpers joined; a SQLite file
    is consistent at any point anyway); output streams are flushed here. Called in-process
    (tests, other programs), main() exits the ordinary way."""
    if _AS_PROGRAM:
        logging.shutdown()
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()
            except (OSError, ValueError):  # a closed pipe: nothing more can reach it
                pass
        os._exit(code)
    sys.exit(code)


_content_opt = click.option("--content", type=click.Path(file_okay=False), help="记录所在目录（默认 content/）")
_as_of_opt = click.option("--as-of", "as_of", callback=_parse_as_of, metavar="YYYY-MM-DD",
                          help="按哪一天的公示规则生成（默认：北京时间今天）")
_settings_opt = click.option("--settings", "settings_file", type=click.Path(dir_okay=False),
                             help="设置文件（默认 ./pelicanconf.py）")


@main.command(help="校验、隐去个人信息、按日期规则生成网站并原子发布到 output/。")
@_content_opt
@click.option("--output", type=click.Path(file_okay=False), help="输出目录（默认 output/）")
@_as_of_opt
@_settings_opt
def build(content: str | None, output: str | None, as_of: date | None, settings_file: str | None) -> None:
    from . import unchanged

    started = time.perf_counter()
    # --content names the folder before the settings are read (Pelican imported): hash it now.
    early = unchanged.ContentHashes(Path(content)) if content and Path(content).is_dir() else None
    try:
        settings = load_settings(settings_file, content, output, as_of)
        content_dir = Path(settings["PATH"])
        if not content_dir.is_dir():
            raise click.ClickException(f"记录目录不存在：{content_dir}")
        inputs, cache = _unchanged_build(settings, settings_file, started, early)  # exits when unchanged
        if inputs is None and early is not None:  # no cache: nothing to hash for
            early.discard()
        from pelican import Pelican

        _quiet_pelican()
        bar = _BuildProgress() if sys.stderr.isatty() else None
        settings["GONGSHI_PROGRESS"] = bar  # read by the plugin, passed to pipeline.prepare
        pelican = Pelican(settings)
        state = getattr(pelican, "_gongshi", None)
        if state is None:
            raise click.ClickException("pelicanconf.py 没有启用 gongshi 插件（PLUGINS 中应包含 generator.pelican_plugin）。")
        if inputs is not None:
            inputs.finish()  # the inputs are read before the build reads them
            state.content_files = inputs.content_files  # the loader need not read them again
            state.content_files_read = inputs.files_read
            state.inputs_read = inputs.check_unchanged
        try:
            pelican.run()
        except BaseException:
            state.publisher.abort()
            raise
        finally:
            if bar is not None:
                bar.close()
    except click.ClickException as exc:
        if early is not None:
            early.discard()
        click.secho(f"未生成网站：{exc.format_message()}", fg="red", err=True)
        sys.exit(EXIT_NOTHING)
    except Exception as exc:  # nothing built: the previous output/ stays as it was
        if early is not None:
            early.discard()
        logging.getLogger("gongshi").exception("build failed")
        click.secho(f"未生成网站（原有网站保持不变）：{exc}", fg="red", err=True)
        sys.exit(EXIT_NOTHING)
    outcome = _outcome(state)
    _tell(outcome, time.perf_counter() - started)
    if cache is not None and inputs is not None and state.published:
        # Only when nothing was edited while the build read it: the digest is what was built.
        same = inputs.unchanged_since()  # checked while the index was made (else now)
        cache.remember_build(os.fspath(state.publisher.output), inputs.meta, inputs.digest if same else None,
                             unchanged.tree_digest(state.publisher.output), unchanged.dumps(outcome))
        cache.close()
        if same:
            inputs.save_memo()
    _exit(outcome.exit_code)


def _unchanged_build(settings: dict[str, Any], settings_file: str | None, started: float,
                     early: Any = None) -> tuple[Any, Any]:
    """Exit at once, repeating the last build's messages, when nothing it read has changed and
    output/ is still the tree it published (generator.unchanged); else (inputs, cache) for
    recording this build once it is published."""
    from . import unchanged
    from .cache import BuildCache
    from .publish import Publisher

    cache = BuildCache.open(Path(settings["PATH"]), settings)
    if cache is None:
        return None, None
    inputs = unchanged.Inputs(settings, find_settings(settings_file), Path(settings["PATH"]),
                              Path(settings["THEME"]), date.fromisoformat(settings["GONGSHI_AS_OF"]), early,
                              memo_dir=cache.root)
    publisher = Publisher(Path(settings["OUTPUT_PATH"]))
    last = cache.last_build(os.fspath(publisher.output)) if unchanged.enabled(settings) else None
    cache.close()  # reopened after the build (forked processes must not share the connection)
    if inputs.meta is None or last is None or last[0] != inputs.meta:
        # Another date, settings or code: no skipping; the files are hashed meanwhile (for the next build).
        inputs.read_in_background()
        return inputs, cache
    inputs.read()
    if inputs.digest != last[1] or not publisher.lock():
        return inputs, cache
    try:  # under the lock: no other build is swapping output/ meanwhile
        outcome = unchanged.loads(last[3]) if unchanged.tree_digest(publisher.output) == last[2] else None
    finally:
        publisher.unlock()
    if outcome is None:
        return inputs, cache
    inputs.save_memo()
    elapsed = time.perf_counter() - started
    _tell(outcome, elapsed, "内容、模板、设置和日期都与上次生成时相同，网站已是最新，未改动任何文件。网站共 ")
    stats_file = os.environ.get("GONGSHI_STATS_FILE")  # figures for bench/run.py
    if stats_file:
        Path(stats_file).write_text(json.dumps({"seconds": {"unchanged": elapsed}, "stages": {"unchanged": elapsed},
                                                "unchanged": True, "workers": 0,
                                                "content_files_read": inputs.files_read}), encoding="utf-8")
    _exit(outcome.exit_code)


def _outcome(state: Any) -> Any:
    """What to tell the user about a finished build (and again if the next one is unchanged)."""
    from .model import State
    from .unchanged import Outcome

    prepared = state.prepared
    messages = [(str(p), "red" if p.severity == "error" else "yellow") for p in prepared.all_problems()]
    messages += [(w, "yellow") for w in prepared.calendar_warnings()]
    entries = prepared.entries
    public = sum(1 for e in entries if e.life.state == State.PUBLIC)
    withheld = sum(1 for e in entries if e.life.state == State.WITHHELD)
    quarantined = len(prepared.quarantined)
    broken_files = sum(1 for p in prepared.stray_problems + prepared.site_problems if p.severity == "error")
    withdrawn = sum(1 for e in entries if e.life.state == State.WITHDRAWN)
    not_now = len(entries) - public - withheld - quarantined - withdrawn
    pages = sum(1 for f in state.files if f.endswith(".html"))
    before = (
        f"{pages} 个页面：公开 {public} 条"
        + (f"（另有撤回说明 {withdrawn} 条）" if withdrawn else "")
        + f"，不予公开 {withheld} 条，有错误未发布 {quarantined} 条"
        + (f"，未到公开日期、草稿或已撤下 {not_now} 条" if not_now else "")
        + (f"，无法读取的文件 {broken_files} 个" if broken_files else "")
    )
    after = f"（按 {prepared.as_of.isoformat()} 的规则）。 输出目录：{state.publisher.output}"
    return Outcome(messages, (before, after), EXIT_QUARANTINED if (quarantined or broken_files) else EXIT_OK)


def _tell(outcome: Any, elapsed: float, lead: str = "已生成 ") -> None:
    for text, colour in outcome.messages:
        click.secho(text, fg=colour, err=True)
    click.echo(f"{lead}{outcome.summary[0]}，用时 {elapsed:.1f} 秒{outcome.summary[1]}")


class _BuildProgress:
    """Progress bar on stderr for big builds (rich), fed by pipeline.prepare(progress=...).

    Shown only when stderr is a terminal and the site has at least
    PROGRESS_MIN_RECORDS records; after the last record it turns into a
    "rendering" line until the build ends. Transient: nothing is left on screen.
    """

    PROGRESS_MIN_RECORDS = 200

    def __init__(self) -> None:
        self._progress: Any = None
        self._task: Any = None
        self._rendering = False

    def __call__(self, done: int, total: int) -> None:
        if total < 2 * self.PROGRESS_MIN_RECORDS:
            return
        if self._progress is False:
            return
        if self._progress is None:
            try:  # rich comes with pelican; without it the build simply shows no bar
                from rich.console import Console
                from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
            except ImportError:
                self._progress = False
                return

            self._progress = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                                      TimeElapsedColumn(), console=Console(stderr=True), transient=True)
            self._progress.start()
            self._task = self._progress.add_task("校验记录", total=total)
        half = total // 2
        description = "校验记录" if done <= half else "隐去个人信息"
        if done >= total and not self._rendering:
            description, self._rendering = "生成页面和搜索索引…", True
        self._progress.update(self._task, completed=done, description=description)

    def close(self) -> None:
        if self._progress:
            self._progress.stop()
        self._progress = None


@main.command(help="校验全部记录并列出问题（不写任何文件）。有错误时退出码非零。")
@_content_opt
@_as_of_opt
@_settings_opt
def check(content: str | None, as_of: date | None, settings_file: str | None) -> None:
    from .pipeline import prepare
    from .policy import Policy

    try:
        settings = load_settings(settings_file, content, None, as_of)
    except click.ClickException as exc:
        click.secho(exc.format_message(), fg="red", err=True)
        sys.exit(EXIT_NOTHING)
    prepared = prepare(Path(settings["PATH"]), date.fromisoformat(settings["GONGSHI_AS_OF"]),
                       Policy.from_settings(settings), views=True)
    problems = prepared.all_problems()
    for p in problems:
        _echo_problem(p)
    errors = sum(1 for p in problems if p.severity == "error")
    warnings = len(problems) - errors
    bad = len(prepared.quarantined)
    click.echo(f"共检查 {len(prepared.entries)} 条记录：{bad} 条有错误，{errors} 个错误，{warnings} 个警告。")
    _exit(1 if errors else 0)


@main.command(name="new", help="为工作人员写出一个带中文注释的记录模板，例如：gongshi new penalty")
@click.argument("rtype", metavar="TYPE")
@_content_opt
@click.option("--id", "rid", help="记录编号（文件名），只能用字母、数字、点、连字符")
def new(rtype: str, content: str | None, rid: str | None) -> None:
    from .templates_new import write_template

    try:
        path = write_template(rtype, Path(content or "content"), rid)
    except ValueError as exc:
        click.secho(str(exc), fg="red", err=True)
        sys.exit(EXIT_NOTHING)
    click.echo(f"已创建模板：{path}")


@main.command(help="工作人员合规报告：每条记录的状态和原因、隐去情况、待核姓名和待办事项（不写入 output/）。")
@_content_opt
@_as_of_opt
@_settings_opt
@click.option("--html", "html_file", type=click.Path(dir_okay=False), help="另存为 HTML 报告的文件（不得位于网站输出目录内）")
@click.option("--output", type=click.Path(file_okay=False),
              help="网站输出目录，HTML 报告不得写入其中（默认取设置文件的 OUTPUT_PATH）")
@click.option("--colour/--no-colour", "--color/--no-color", "colour", default=None,
              help="彩色输出（默认：仅在终端中显示颜色）")
def report(content: str | None, as_of: date | None, settings_file: str | None, html_file: str | None,
           output: str | None, colour: bool | None) -> None:
    from .pipeline import prepare
    from .policy import Policy
    from .report import build_report, render_html, render_text

    try:
        settings = load_settings(settings_file, content, output, as_of)
    except click.ClickException as exc:
        click.secho(exc.format_message(), fg="red", err=True)
        sys.exit(EXIT_NOTHING)
    content_dir = Path(settings["PATH"])
    if not content_dir.is_dir():
        click.secho(f"记录目录不存在：{content_dir}", fg="red", err=True)
        sys.exit(EXIT_NOTHING)
    html_out: Path | None = None
    if html_file:
        html_out = Path(html_file).resolve()
        refusal = _report_path_refusal(html_out, Path(settings["OUTPUT_PATH"]).resolve(), content_dir.resolve())
        if refusal:
            click.secho(refusal, fg="red", err=True)
            sys.exit(EXIT_NOTHING)
    prepared = prepare(content_dir, date.fromisoformat(settings["GONGSHI_AS_OF"]), Policy.from_settings(settings))
    rep = build_report(prepared)
    use_colour = sys.stdout.isatty() if colour is None else colour
    click.echo(render_text(rep, colour=use_colour), color=use_colour)
    if html_out is not None:
        html_out.parent.mkdir(parents=True, exist_ok=True)
        tmp = html_out.with_name(f".{html_out.name}.tmp-{os.getpid()}")
        tmp.write_text(render_html(rep), encoding="utf-8")
        os.replace(tmp, html_out)
        click.echo(f"HTML 报告：{html_out}")
    _exit(0)


def _report_path_refusal(target: Path, output_dir: Path, content_dir: Path) -> str | None:
    """Why the staff report must not be written at target (None when it may)."""
    def inside(p: Path, d: Path) -> bool:
        return p == d or d in p.parents

    if inside(target, output_dir):
        return f"报告不能写入网站输出目录 {output_dir}（报告只供内部使用，不得发布）。"
    if inside(target, content_dir):
        return f"报告不能写入记录目录 {content_dir}（生成网站时会读取该目录）。"
    for d in target.parents:  # any other built gongshi site (e.g. a --output of the daily build)
        if (d / "sitemap.xml").is_file() and (d / "data" / "index.html").is_file() and (d / "pre").is_dir():
            return f"报告不能写入已生成的公示网站目录 {d}（报告只供内部使用，不得发布）。"
    return None


@main.command(name="import", help="把表格（.csv/.xlsx）逐行转换为记录文件（每行一个 .yaml），不覆盖已有文件。"
                                  "例如：gongshi import 许可公示表.xlsx license")
@click.argument("file", type=click.Path(dir_okay=False))
@click.argument("rtype", metavar="TYPE")
@_content_opt
def import_(file: str, rtype: str, content: str | None) -> None:
    from .importer import ImportRefused, import_table

    try:
        result = import_table(Path(file), rtype, Path(content or "content"))
    except ImportRefused as exc:
        click.secho(str(exc), fg="red", err=True)
        sys.exit(EXIT_NOTHING)
    for p in result.problems:
        _echo_problem(p)
    for path in result.written:
        click.echo(f"已写出：{path}")
    for note in result.notes:
        click.secho(note, fg="yellow", err=True)
    click.echo(f"共转换 {len(result.written)} 行，其中 {result.invalid} 行有错误（已写出，请修改后再生成网站）。")
    sys.exit(1 if result.invalid else 0)



@main.command(name="search", help="工作人员全文搜索：搜索全部记录（含未公开、有错误的），列出编号、类型、状态、标题和文件。"
                                  "显示未经隐去的原始内容，仅供内部使用；索引保存在 .gongshi/staff-index/，不写入 output/。")
@click.argument("query")
@click.option("--state", "states", multiple=True, metavar="STATE",
              help="只显示这些状态：public / embargoed / draft / withheld / expired / ended / withdrawn / quarantined（可重复或用逗号分隔）")
@click.option("--type", "types", multiple=True, metavar="TYPE", help="只显示这些类型，如 penalty 或 行政处罚（可重复）")
@_content_opt
@_as_of_opt
@_settings_opt
@click.option("--rebuild", is_flag=True, help="丢弃并重建工作人员索引")
def staff_search_cmd(query: str, states: tuple[str, ...], types: tuple[str, ...], content: str | None,
                     as_of: date | None, settings_file: str | None, rebuild: bool) -> None:
    from .pipeline import prepare
    from .policy import Policy
    from .staff_search import format_hit, index_dir, parse_states, parse_types, staff_search

    try:
        settings = load_settings(settings_file, content, None, as_of)
        want_states = parse_states(states)
        want_types = parse_types(types)
    except (click.ClickException, ValueError) as exc:
        msg = exc.format_message() if isinstance(exc, click.ClickException) else str(exc)
        click.secho(msg, fg="red", err=True)
        sys.exit(EXIT_NOTHING)
    content_dir = Path(settings["PATH"])
    if not content_dir.is_dir():
        click.secho(f"记录目录不存在：{content_dir}", fg="red", err=True)
        sys.exit(EXIT_NOTHING)
    where = index_dir(content_dir)
    output_dir = Path(settings["OUTPUT_PATH"]).resolve()
    if where == output_dir or output_dir in where.parents:
        click.secho("工作人员索引不能放在网站输出目录 output/ 中（索引含未隐去的内容）。", fg="red", err=True)
        sys.exit(EXIT_NOTHING)
    prepared = prepare(content_dir, date.fromisoformat(settings["GONGSHI_AS_OF"]),
                       Policy.from_settings(settings), views=False)
    hits, stats, where = staff_search(prepared, query, want_states or None, want_types or None, rebuild=rebuild)
    for h in hits:
        click.echo(format_hit(h))
    click.echo(f"共 {len(hits)} 条（按 {prepared.as_of.isoformat()} 的状态）。", err=True)
    click.echo(f"索引 {where}：新增 {stats.added}，更新 {stats.updated}，删除 {stats.removed}，未变 {stats.unchanged}。",
               err=True)

if __name__ == "__main__":  # pragma: no cover
    main()
