"""Data types that flow between the pipeline stages.

load -> RawRecord; validate -> Record | Problem; lifecycle -> Lifecycle;
redact -> PublicView. Downstream of redaction only PublicView exists: the
renderer, feeds, sitemap, open data and the citizen search index accept
nothing else (see generator.render.ensure_views).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Mapping


@dataclass(frozen=True)
class Problem:
    """One problem found in a content file, printed as path:line: field: message."""

    path: str  # display path, relative to the content dir's parent when possible
    line: int
    field: str  # dotted path such as "parties[0].name"; "-" when not about a field
    message: str  # Chinese first, plain words
    severity: str = "error"  # "error" quarantines the record, "warning" does not

    def __str__(self) -> str:
        level = "" if self.severity == "error" else "警告："
        return f"{self.path}:{self.line}: {self.field}: {level}{self.message}"


@dataclass(frozen=True)
class RawRecord:
    """A content file (or one spreadsheet row) as read from disk, not yet checked."""

    path: str  # display path used in messages
    source: str  # absolute path of the file on disk
    rid: str  # record id = file stem (or sheet stem + row number)
    type: str | None  # type named by the folder, None when the folder is unknown
    fields: Mapping[str, Any]  # parsed YAML; dates are left as strings
    lines: Mapping[str, int]  # dotted field path -> 1-based line number
    body: str  # Markdown body ("" when none)
    body_line: int  # line on which the body starts
    digest: str  # sha256 of the file bytes (+ row) for caching
    problems: tuple[Problem, ...] = ()  # problems found while loading

    def line_of(self, field_path: str) -> int:
        """Best line for a field: exact, then its nearest parent, then line 1."""
        probe = field_path
        while probe:
            if probe in self.lines:
                return self.lines[probe]
            cut = max(probe.rfind("."), probe.rfind("["))
            probe = probe[:cut] if cut > 0 else ""
        return 1


@dataclass(frozen=True)
class Record:
    """A validated record: fields normalised per its type's schema.

    Dates are datetime.date, money is float/int, booleans are bool, parties
    and persons are lists of dicts with normalised keys.
    """

    type: str
    rid: str
    path: str
    source: str
    fields: Mapping[str, Any]
    body: str
    digest: str
    warnings: tuple[Problem, ...] = ()

    def get(self, key: str, default: Any = None) -> Any:
        return self.fields.get(key, default)


class State(str, enum.Enum):
    PUBLIC = "public"
    EMBARGOED = "embargoed"
    DRAFT = "draft"
    WITHHELD = "withheld"
    EXPIRED = "expired"
    ENDED = "ended"  # publication ended early (ended_on, e.g. 信用修复)
    WITHDRAWN = "withdrawn"  # revoked: only a withdrawal notice is public
    QUARANTINED = "quarantined"

    @property
    def label(self) -> str:
        return STATE_LABELS[self]


STATE_LABELS = {
    State.PUBLIC: "公开",
    State.EMBARGOED: "未到公开日期",
    State.DRAFT: "草稿",
    State.WITHHELD: "不予公开",
    State.EXPIRED: "已撤下（公示期满）",
    State.ENDED: "已提前撤下",
    State.WITHDRAWN: "已撤回",
    State.QUARANTINED: "有错误，未发布",
}


@dataclass(frozen=True)
class Lifecycle:
    """What the rules say about one record on the as-of date, and why."""

    state: State
    reason: str = ""  # Chinese sentence for staff ("公开至 2025-01-01")
    public_from: date | None = None
    public_until: date | None = None  # last day the record (or its notice) is up
    deadline: date | None = None  # publication due date (report)
    phase: str = ""  # citizen label: 公示中 / 公示期满 / 已举行 / 即将举行 / 已废止 ...
    phase_end: date | None = None  # e.g. computed end of a notice period
    extra: Mapping[str, Any] = field(default_factory=dict)

    @property
    def on_site(self) -> bool:
        """True when anything of the record is published (full page or withdrawal notice)."""
        return self.state in (State.PUBLIC, State.WITHDRAWN)


@dataclass(frozen=True)
class Field:
    """One labelled, already-redacted value shown on a page."""

    label: str
    value: str  # plain text (escaped by the template)
    key: str = ""


@dataclass(frozen=True)
class PublicView:
    """The redacted, public face of one record: the only thing templates see.

    Every string here has passed through redaction; nothing holds a Record.
    """

    rid: str
    type: str
    section: str  # pre / in-process / post
    url: str  # site-relative path, e.g. "post/penalties/x.html"
    title: str
    date: date | None  # date that orders listings (decision, start, ...)
    year: int | None
    status: str  # citizen label (公示中, 已撤回, 已更正 ...), may be ""
    fields: tuple[Field, ...]  # summary table
    body_html: str  # sanitised, redacted HTML of the body ("" when none)
    withdrawn: bool = False
    withdrawal: Mapping[str, str] = field(default_factory=dict)
    corrections: tuple[tuple[str, str], ...] = ()  # (date, note) redacted
    attachments: tuple[Mapping[str, str], ...] = ()  # {url, name, alt, kind}
    open_data: Mapping[str, Any] = field(default_factory=dict)  # what the CSV/JSON shows
    summary: str = ""  # one-line redacted summary for listings and the feed
    searchable: bool = True  # False: kept out of the citizen search index
    fine: float | None = None
    extra: Mapping[str, Any] = field(default_factory=dict)  # type-specific, redacted


# The fields of a PublicView that only a page of its own (or its open data) shows: a view read
# back from the build cache unpickles them on first use (StoredView). Every other field is used
# by the listings, feed, sitemap, statistics and page keys of every view on every build.
VIEW_BULK_FIELDS = ("fields", "body_html", "withdrawal", "open_data", "extra")


class StoredView(PublicView):
    """A PublicView as the build cache keeps it: the small fields set, the bulky ones
    (VIEW_BULK_FIELDS, none of which has a class-level default) unpickled from `_bulk` the first
    time one is read. A nightly rebuild at 10,000 records reads ~7,000 views and renders the pages
    of a few hundred: the rest are never unpickled whole. It is the same view: equal to the
    PublicView it was stored from, and pickled as that PublicView (the same bytes whether its bulk
    was read or not; generator.cache keys pages by the view's key, not its pickle)."""

    @classmethod
    def from_parts(cls, small: Mapping[str, Any], bulk: bytes) -> "StoredView":
        view = object.__new__(cls)
        for name, value in small.items():
            object.__setattr__(view, name, value)
        object.__setattr__(view, "_bulk", bulk)
        return view

    def __getattr__(self, name: str) -> Any:  # only for attributes not set yet
        state = self.__dict__
        if name in VIEW_BULK_FIELDS and "_bulk" in state:
            import pickle

            for key, value in pickle.loads(state.pop("_bulk")).items():
                object.__setattr__(self, key, value)
            return state[name]
        raise AttributeError(name)

    def __reduce_ex__(self, protocol: Any) -> Any:
        """Pickled as the plain PublicView it stands for, the same bytes whether its bulky
        fields were read yet or not."""
        from dataclasses import fields

        return (PublicView, tuple(getattr(self, f.name) for f in fields(PublicView)))

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, PublicView):
            return NotImplemented
        from dataclasses import fields

        return all(getattr(self, f.name) == getattr(other, f.name) for f in fields(PublicView))

    __hash__ = PublicView.__hash__
