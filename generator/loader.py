"""Load stage: content files -> RawRecord (fields, line map, body), never raising.

Markdown files carry YAML front matter between '---' lines; .yaml/.yml files
are pure YAML; .csv/.xlsx files in table folders give one record per row
(generator.tables). YAML timestamps are NOT resolved: every date stays a
string so that an impossible date is a field error, not a broken file.
"""

from __future__ import annotations

import hashlib
import os
import re
from pathlib import Path
from typing import Any, Iterator

import yaml

from .model import Problem, RawRecord
from .schema import FOLDER_TO_TYPE

RECORD_SUFFIXES = (".md", ".markdown", ".yaml", ".yml")
TABLE_SUFFIXES = (".csv", ".xlsx")
ID_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
SITE_FILE = "site.yaml"
# Files next to records that are not records (attachments, notes).
ATTACHMENT_SUFFIXES = (".png", ".jpg", ".jpeg", ".gif", ".svg", ".pdf", ".webp")


class _Loader(yaml.SafeLoader):
    """SafeLoader that resolves only booleans and nulls implicitly.

    Dates, integers and floats stay strings: validation parses them per field,
    so 2024-02-30 is a field error, a phone 0994123 is not read as octal and
    1:20 is not read as sexagesimal 80.
    """


_KEEP_TAGS = ("tag:yaml.org,2002:bool", "tag:yaml.org,2002:null")
_Loader.yaml_implicit_resolvers = {
    k: [(tag, rx) for tag, rx in v if tag in _KEEP_TAGS]
    for k, v in yaml.SafeLoader.yaml_implicit_resolvers.copy().items()
}


def _line_map(node: yaml.Node, prefix: str, out: dict[str, int]) -> None:
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            key = str(key_node.value)
            path = f"{prefix}.{key}" if prefix else key
            out[path] = key_node.start_mark.line + 1
            _line_map(value_node, path, out)
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            path = f"{prefix}[{i}]"
            out[path] = item.start_mark.line + 1
            _line_map(item, path, out)


# libyaml (when PyYAML was built with it) parses about 7x faster than the pure-Python
# parser: it is the fast path. Its result (data and line map) is the same; where it
# refuses a file, the pure-Python parser runs again so that the error message is
# unchanged, and text with tabs (which libyaml accepts and PyYAML refuses) always
# goes the pure-Python way. See bench/ and README "Scale".
_CLoader: Any = None
if getattr(yaml, "__with_libyaml__", False):
    class _CLoader(yaml.CSafeLoader):  # type: ignore[no-redef]
        pass

    _CLoader.yaml_implicit_resolvers = _Loader.yaml_implicit_resolvers


def parse_yaml(text: str, line_offset: int = 0) -> tuple[Any, dict[str, int]]:
    """Parse one YAML document; returns (data, dotted-path -> line). Raises yaml.YAMLError."""
    if _CLoader is not None and "\t" not in text:
        try:
            return _parse_with(_CLoader, text, line_offset)
        except yaml.YAMLError:
            pass  # same text again below, for PyYAML's own error message
    return _parse_with(_Loader, text, line_offset)


def _parse_with(cls: Any, text: str, line_offset: int) -> tuple[Any, dict[str, int]]:
    loader = cls(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None, {}
        data = loader.construct_document(node)
    finally:
        loader.dispose()
    lines: dict[str, int] = {}
    _line_map(node, "", lines)
    if line_offset:
        lines = {k: v + line_offset for k, v in lines.items()}
    return data, lines


def yaml_error_problem(path: str, exc: yaml.YAMLError, line_offset: int = 0) -> Problem:
    # The context mark is where the broken construct starts (an unclosed bracket
    # or quote); the problem mark is where the parser gave up.
    mark = getattr(exc, "context_mark", None) or getattr(exc, "problem_mark", None)
    line = (mark.line + 1 + line_offset) if mark is not None else 1 + line_offset
    detail = getattr(exc, "problem", None) or str(exc).splitlines()[0]
    return Problem(
        path,
        line,
        "-",
        f"YAML 格式错误，无法读取这个文件（请检查冒号、缩进和引号）。详情：{detail}",
    )


def split_front_matter(text: str) -> tuple[str | None, str, int, int]:
    """Return (yaml_text or None, body, yaml_first_line_offset, body_start_line)."""
    lines = text.split("\n")
    if not lines or lines[0].strip() != "---":
        return None, text, 0, 1
    for i in range(1, len(lines)):
        if lines[i].strip() in ("---", "..."):
            yaml_text = "\n".join(lines[1:i])
            body = "\n".join(lines[i + 1 :])
            return yaml_text, body, 1, i + 2
    return "\n".join(lines[1:]), "", 1, len(lines) + 1


def display_path(source: Path, content_dir: Path) -> str:
    """Path as staff see it: relative to the content dir's parent (content/post/...)."""
    try:
        return str(source.relative_to(content_dir.parent))
    except ValueError:
        return str(source)


def type_for(rel_dir: str) -> str | None:
    """Type named by a folder, allowing year sub-folders (post/penalties/2024/...)."""
    parts = rel_dir.split("/")
    for n in range(len(parts), 0, -1):
        t = FOLDER_TO_TYPE.get("/".join(parts[:n]))
        if t:
            return t
    return None


def read_record_file(source: Path, content_dir: Path, data: bytes | None = None) -> RawRecord:
    """data: the file's bytes when the caller has read them already (generator.parallel)."""
    path = display_path(source, content_dir)
    rel_dir = source.parent.relative_to(content_dir).as_posix()
    rtype = type_for(rel_dir)
    rid = source.stem
    problems: list[Problem] = []
    try:
        data_bytes = source.read_bytes() if data is None else data
    except OSError as exc:
        return RawRecord(path, str(source), rid, rtype, {}, {}, "", 1, "",
                         (Problem(path, 1, "-", f"无法读取文件：{exc.strerror}"),))
    digest = hashlib.sha256(data_bytes).hexdigest()
    try:
        text = data_bytes.decode("utf-8-sig")
    except UnicodeDecodeError:
        return RawRecord(path, str(source), rid, rtype, {}, {}, "", 1, digest,
                         (Problem(path, 1, "-", "文件不是 UTF-8 编码，请用 UTF-8 保存后重试。"),))
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if source.suffix.lower() in (".md", ".markdown"):
        yaml_text, body, offset, body_line = split_front_matter(text)
        if yaml_text is None:
            problems.append(Problem(path, 1, "-", "缺少文件头（YAML front matter）：文件第一行应为 ---，随后是各字段，再以 --- 结束。"))
            return RawRecord(path, str(source), rid, rtype, {}, {}, body, 1, digest, tuple(problems))
    else:
        yaml_text, body, offset, body_line = text, "", 0, 1
    try:
        data, lines = parse_yaml(yaml_text, offset)
    except yaml.YAMLError as exc:
        problems.append(yaml_error_problem(path, exc, offset))
        return RawRecord(path, str(source), rid, rtype, {}, {}, body, body_line, digest, tuple(problems))
    if data is None:
        data = {}
    if not isinstance(data, dict):
        problems.append(Problem(path, 1 + offset, "-", "文件内容应为“字段: 值”的列表（YAML 映射），现在不是。"))
        data = {}
    return RawRecord(path, str(source), rid, rtype, data, lines, body, body_line, digest, tuple(problems))


def iter_content_names(content_dir: Path) -> Iterator[str]:
    """Every candidate record/table file under content_dir, in a stable order, as str(path) of each
    (not Path objects: 10,000 of them cost ~0.14 s)."""
    for root, dirs, files in os.walk(content_dir):
        dirs[:] = sorted(d for d in dirs if not d.startswith((".", "_")))
        for name in sorted(files):
            if name.startswith((".", "~$", "_")):
                continue
            yield os.path.join(root, name)


def _suffix(name: str) -> str:
    """PurePath(name).suffix of a file name."""
    i = name.rfind(".")
    return name[i:] if 0 < i < len(name) - 1 else ""


def stem(name: str) -> str:
    """PurePath(name).stem of a file name."""
    i = name.rfind(".")
    return name[:i] if 0 < i < len(name) - 1 else name


def load_all(content_dir: Path) -> tuple[list[RawRecord], list[Problem], list[Path]]:
    """Read every record under content_dir.

    Returns (raw records, problems about files that are not records, table files).
    Table files (.csv/.xlsx) are returned for generator.tables to expand.
    """
    sources, stray, tables = scan(content_dir)
    return [read_record_file(source, content_dir) for source in sources], stray, tables


def scan(content_dir: Path) -> tuple[list[Path], list[Problem], list[Path]]:
    """Sort the files under content_dir without reading them: (record files, problems, table files)."""
    sources, stray, tables = scan_names(content_dir)
    return [Path(s) for s in sources], stray, tables


def scan_names(content_dir: Path) -> tuple[list[str], list[Problem], list[Path]]:
    """scan() with the record files as strings (str(path) of each), for 10,000s of files."""
    content_dir = Path(content_dir)
    site_file = str(content_dir / SITE_FILE)
    sources: list[str] = []
    stray: list[Problem] = []
    tables: list[Path] = []
    for src in iter_content_names(content_dir):
        if src == site_file:
            continue
        suffix = _suffix(src.rpartition(os.sep)[2]).lower()
        if suffix in TABLE_SUFFIXES:
            tables.append(Path(src))
            continue
        if suffix in ATTACHMENT_SUFFIXES:
            continue
        if suffix not in RECORD_SUFFIXES:
            source = Path(src)
            stray.append(Problem(display_path(source, content_dir), 1, "-",
                                 f"不认识的文件类型“{source.suffix}”，已忽略。", "warning"))
            continue
        sources.append(src)
    return sources, stray, tables
