"""Markdown bodies: checks for raw HTML/script, and Markdown -> sanitised HTML.

Raw HTML in a body is an error (the record is quarantined); the rendered HTML
is still sanitised by nh3 (ammonia) as a second line of defence, so no script,
event handler, iframe or javascript: URL can reach a page.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import markdown as _markdown
import nh3

_TAG_RE = re.compile(r"<\s*/?\s*[A-Za-z][A-Za-z0-9-]*(?=[\s/>])[^>]*>|<!--|<\?|<!\[CDATA\[|<![A-Za-z]")
_SCHEME_RE = re.compile(
    r"(?i)(?<![a-z])(?:j\W*a\W*v\W*a\W*s\W*c\W*r\W*i\W*p\W*t|v\W*b\W*s\W*c\W*r\W*i\W*p\W*t)\s*(?::|&#0*58;?|&colon;)"
    r"|(?i:\]\s*\(\s*<?\s*data\s*:|^\s*\[[^\]]+\]:\s*<?\s*data\s*:)"
)
_ENTITY_SCHEME_RE = re.compile(r"(?i)&#x?0*[0-9a-f]+;?\s*[a-z]*\s*(?::|&colon;)")
_FENCE_RE = re.compile(r"^(```|~~~)")
_CODE_SPAN_RE = re.compile(r"`[^`\n]*`")

ALLOWED_TAGS = {
    "p", "br", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "strong", "em", "b", "i",
    "blockquote", "table", "thead", "tbody", "tr", "th", "td", "a", "code", "pre", "hr",
    "sup", "sub", "dl", "dt", "dd",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "th": {"align", "scope"}, "td": {"align"}}


@dataclass(frozen=True)
class BodyProblem:
    line_offset: int
    message: str


def body_problems(body: str) -> list[BodyProblem]:
    """Raw HTML, script and dangerous URLs in a Markdown body, with their line."""
    out: list[BodyProblem] = []
    in_fence = False
    for i, line in enumerate(body.split("\n")):
        if _FENCE_RE.match(line.strip()):
            in_fence = not in_fence
            continue
        text = line if in_fence else _CODE_SPAN_RE.sub("", line)
        if _SCHEME_RE.search(line) or _ENTITY_SCHEME_RE.search(line):
            out.append(BodyProblem(i, "正文含有 javascript:/data: 等不安全的链接，不能发布，请删除该链接。"))
            continue
        if in_fence:
            continue
        m = _TAG_RE.search(text)
        if m:
            tag = m.group(0)[:40]
            if re.match(r"(?i)<\s*/?\s*(script|iframe|object|embed|style)", tag):
                msg = f"正文含有脚本或嵌入内容“{tag}”，不能发布，请删除。"
            elif re.search(r"(?i)\son\w+\s*=", tag):
                msg = f"正文含有带事件属性的 HTML“{tag}”，不能发布，请删除。"
            else:
                msg = f"正文含有 HTML 标签“{tag}”。请改用 Markdown 写法（如 **加粗**、- 列表），不要直接写 HTML。"
            out.append(BodyProblem(i, msg))
    return out


def _demote_headings(html: str) -> str:
    # The page owns <h1>; body headings start at <h2>.
    return re.sub(r"<(/?)h1(\s|>)", r"<\1h2\2", html)


_MD: _markdown.Markdown | None = None


def _converter() -> _markdown.Markdown:
    """One Markdown instance per process (building one loads its extensions: most of the cost
    of a short body); reset() before each document, as Python-Markdown's docs advise."""
    global _MD
    if _MD is None:
        _MD = _markdown.Markdown(extensions=["tables", "sane_lists"], output_format="html")
    return _MD


def render_markdown(text: str) -> str:
    """Markdown -> sanitised HTML fragment (deterministic)."""
    if not text.strip():
        return ""
    html = _converter().reset().convert(text)
    html = _demote_headings(html)
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer",
        strip_comments=True,
    )
