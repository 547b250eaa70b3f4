"""Each record's entry in a list of records, made once per PublicView and reused.

Listings, year pages, home and section pages list records one row each: the `item_row`
macro of theme/templates/_macros.html, which `item_list` calls through the template global
`row(root, v)` (Renderer sets it). The same view shows on its listing page (root "../../")
and on its year page ("../../../"), and a nightly rebuild shows mostly the views of the
night before, so:

* a view's row is rendered once per build, with a placeholder for `root` (RootToken) that
  each page replaces by its own root. A row that uses root other than by printing it
  ({% if root %}, root|length, a filter that changes it ...) is rendered per root instead
  (RootToken refuses, a changed placeholder is seen, and the first row of a build is
  compared with the same row rendered with real roots);
* with the build cache (generator.cache.BuildCache, kind "rows") the row is kept under the
  key of its view, the templates and the code: a nightly renders the rows of the views that
  changed only. The macro sees nothing but root, v and the environment (filters, globals:
  nothing dated; tests/test_rows.py), and the view's key already changes with anything of
  the as-of date the view depends on (generator.cache.view_key): a row is never stale.

The open data of the post types (CSV and JSON) is made the same way, a line of each per
view (Renderer._open_lines; kind "opendata", keyed by the view, the columns and the base URL).
"""

from __future__ import annotations

import hashlib
import os
import pickle
import re
from typing import Any, Callable, Iterable, Sequence

from markupsafe import Markup

from .cache import _view_key_of, code_version, dumps
from .model import PublicView, StoredView

_VIEW_TYPES = (PublicView, StoredView)  # exactly these: a subclass of either may do anything

ROW_TEMPLATE, ROW_MACRO = "_macros.html", "item_row"
_ROOT = re.compile(r"(?:\.\./)*\Z")  # the roots pages pass: printed as they are, never escaped
_OPEN, _CLOSE = "\ue002", "\ue003"


class RootUsed(Exception):
    """The row used root other than by printing it: render it per root."""


class RootToken:
    """Stands in for `root` while a row is rendered once for every depth.

    str() and __html__ (printing, escaping, ~) give a placeholder; anything else (truth
    value, comparison, length, indexing, attributes, arithmetic) raises RootUsed. The
    placeholder holds a random nonce and "../", so a filter that changed it leaves a trace
    (checked). It has no character autoescape changes, as roots have none.
    """

    __slots__ = ("text",)

    def __init__(self, nonce: str):
        self.text = f"{_OPEN}{nonce}../{_CLOSE}"

    def __str__(self) -> str:
        return self.text

    def __html__(self) -> str:  # what autoescape asks first: no AttributeError raised per row
        return self.text

    def __format__(self, spec: str) -> str:
        if spec:
            raise RootUsed(spec)
        return self.text

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        raise RootUsed(name)

    def _refuse(self, *_: Any) -> Any:
        raise RootUsed("not printed")

    __eq__ = __ne__ = __lt__ = __le__ = __gt__ = __ge__ = __hash__ = _refuse  # type: ignore[assignment]
    __bool__ = __len__ = __iter__ = __contains__ = __getitem__ = _refuse  # type: ignore[assignment]
    __add__ = __radd__ = __mul__ = __rmul__ = __mod__ = __rmod__ = _refuse  # type: ignore[assignment]
    __reduce__ = _refuse  # type: ignore[assignment]


class Rows:
    """Rows of views for one build: row(root, v) for the templates, open_lines for open data."""

    def __init__(self, env: Any):
        self.env = env
        self.cache: Any = None  # generator.cache.BuildCache, set by use()
        self.rendered = 0  # item_row macro calls this build (tests)
        self._nonce = os.urandom(8).hex()
        self._token = RootToken(self._nonce)
        self._macro: Any = None
        self._memo: dict[int, tuple[Any, list[str] | None]] = {}  # id(v) -> (v, parts | None: per root)
        self._by_root: dict[tuple[int, str], tuple[Any, Markup]] = {}
        self._row_base: Any = None  # sha256 state of the row keys' common part
        # id(v) -> (v, row key, stored value or None), looked up by prefetch
        self._looked_up: dict[int, tuple[Any, str, bytes | None]] = {}
        self._roots: set[str] = set()  # roots seen that are ../ segments
        self._uniform = True  # rows are made once for every root (False: per root)
        self._sampled = False  # the first such row was checked against real roots

    def use(self, cache: Any, theme_digest: str) -> None:
        """Keep rows in the build cache; theme_digest: generator.cache.theme_digest of the theme."""
        self.cache = cache
        self._row_base = hashlib.sha256(f"row|{code_version()}|{theme_digest}|".encode())

    def _row_key(self, v: Any) -> str | None:
        if self._row_base is None or self.cache.disabled:
            return None
        view_key = _view_key_of(v)
        if view_key is None:  # not from the views stage: no key to keep it under
            return None
        h = self._row_base.copy()
        h.update(view_key.encode())
        return h.hexdigest()

    def prefetch(self, views: Iterable[Any]) -> None:
        """Look up the stored rows of these views at once (one query per 500, not one per row)."""
        if self._row_base is None:
            return
        keyed = [(v, k) for v, k in ((v, self._row_key(v)) for v in views) if k is not None]
        found = self.cache.get_many("rows", [k for _, k in keyed], count=False)
        for v, k in keyed:
            self._looked_up[id(v)] = (v, k, found.get(k))

    # -- listing rows ---------------------------------------------------------------------------
    def row(self, root: Any, v: Any) -> Markup:
        """item_row(root, v), made once per view (and per root only when it has to be)."""
        if type(root) is not str or type(v) not in _VIEW_TYPES:  # not what the pages pass: as it is
            return self._render(root, v)
        if root in self._roots or (_ROOT.match(root) and not self._roots.add(root)):
            got = self._memo.get(id(v))
            if got is None or got[0] is not v:
                got = self._memo[id(v)] = (v, self._parts(v))
            if got[1] is not None:
                return Markup(root.join(got[1]))
        key = (id(v), root)
        done = self._by_root.get(key)
        if done is None or done[0] is not v:
            done = self._by_root[key] = (v, self._render(root, v))
        return done[1]

    def _render(self, root: Any, v: Any, count: bool = True) -> Markup:
        if self._macro is None:
            self._macro = getattr(self.env.get_template(ROW_TEMPLATE).module, ROW_MACRO)
        self.rendered += count
        return self._macro(root, v)

    def _parts(self, v: Any) -> list[str] | None:
        """The row split at its placeholders (joined by each page's root), or None: per root."""
        known = self._looked_up.pop(id(v), None)
        if known is not None and known[0] is v:
            key, blob = known[1], known[2]
        else:  # not prefetched
            key = self._row_key(v)
            blob = self.cache.get_many("rows", [key], count=False).get(key) if key is not None else None
        if key is not None:
            if blob is not None:
                self.cache.hits["rows"] += 1
                return pickle.loads(blob)
            self.cache.misses["rows"] += 1
        parts: list[str] | None = None
        if self._uniform:
            try:
                html = str(self._render(self._token, v))
                parts = html.split(self._token.text)
                n = len(parts) - 1
                if html.count(self._nonce) != n or html.count(_OPEN) != n or html.count(_CLOSE) != n:
                    parts = None  # a filter changed the placeholder
            except Exception:  # RootUsed, or a use of root that fails on anything but a str
                parts = None
            if parts is not None and not self._sampled:
                # The first row made this way is also rendered with real roots: a macro that
                # prints something of root other than root itself (its length, padded ...)
                # is caught here, and every row of the build is then rendered per root.
                self._sampled = True
                self._uniform = all(Markup(root.join(parts)) == self._render(root, v, count=False)
                                    for root in ("", "../", "../../../"))
                if not self._uniform:
                    parts = None
        if key is not None:
            self.cache.put("rows", key, dumps(parts))
        return parts

    # -- open data lines -------------------------------------------------------------------------
    def open_lines(self, items: Sequence[Any], salt: bytes,
                   make: Callable[[Any], tuple[str, str]]) -> list[tuple[str, str]]:
        """make(v) for every view: its (CSV line, JSON line), kept in the build cache under the
        view's key and `salt` (everything else the lines depend on: columns, base URL)."""
        keys: list[str | None] = [None] * len(items)
        found: dict[str, bytes] = {}
        if self.cache is not None and not self.cache.disabled:
            base = hashlib.sha256(b"open|" + code_version().encode() + b"|" + salt + b"|")
            for i, v in enumerate(items):
                view_key = _view_key_of(v)
                if view_key is not None:
                    h = base.copy()
                    h.update(view_key.encode())
                    keys[i] = h.hexdigest()
            found = self.cache.get_many("opendata", [k for k in keys if k is not None])
        out = []
        for v, key in zip(items, keys):
            blob = found.get(key) if key is not None else None
            if blob is not None:
                out.append(pickle.loads(blob))
                continue
            lines = make(v)
            if key is not None:
                self.cache.put("opendata", key, dumps(lines))
            out.append(lines)
        return out
