"""Decode every file of output/ into searchable text: the leak scanner of the tests.

Decompresses gzip/zlib (Pagefind index files), unescapes HTML entities, JSON
\\u escapes and URL encoding, and includes file paths, so a planted value is
found however it was written.
"""

from __future__ import annotations

import gzip
import html
import json
import re
import zlib
from pathlib import Path
from urllib.parse import unquote


def _maybe_decompress(data: bytes) -> bytes:
    if data[:2] == b"\x1f\x8b":
        try:
            return gzip.decompress(data)
        except OSError:
            return data
    if len(data) > 2 and data[0] == 0x78:
        try:
            return zlib.decompress(data)
        except zlib.error:
            return data
    # Pagefind prefixes its gzip streams with a signature; look for a gzip header inside.
    pos = data.find(b"\x1f\x8b\x08")
    if 0 < pos < 64:
        try:
            return gzip.decompress(data[pos:])
        except OSError:
            pass
    return data


_JSON_ESCAPE = re.compile(r"\\u([0-9a-fA-F]{4})")


def decode_text(data: bytes) -> str:
    data = _maybe_decompress(data)
    text = data.decode("utf-8", errors="replace")
    text = _JSON_ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), text)
    text = html.unescape(text)
    text = unquote(text)
    return text


def decoded_output(root: Path) -> str:
    parts = []
    for p in sorted(root.rglob("*")):
        parts.append(p.relative_to(root).as_posix())
        if p.is_file():
            parts.append(decode_text(p.read_bytes()))
    return "\n".join(parts)


def squash(text: str) -> str:
    """Remove separators and turn full-width digits to ASCII, for spaced-number scans."""
    text = text.translate(str.maketrans("０１２３４５６７８９Ｘ", "0123456789X"))
    return re.sub(r"[\s\-－—]+", "", text)


def json_loads_safe(text: str):
    try:
        return json.loads(text)
    except ValueError:
        return None
