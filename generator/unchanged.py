"""Unchanged builds: a build whose inputs and output are those of the last one does nothing.

Same content + same as-of date = byte-identical output/ (tests/test_cache.py). So when
everything a build reads hashes to what the last published build of the same output/ read
(`Inputs`: every file under content/ and theme/, the settings file and the resolved
settings, GONGSHI_* environment variables, the as-of date, gongshi's own code and the
version of every installed library), and output/ is still exactly the tree that build
published (`tree_digest`: every file's and folder's name, inode, size and mtime; a file
edited, added or removed by hand changes it), the build would write that very tree again.
`gongshi build` then repeats the last build's messages and exit code and touches nothing.

Anything in doubt means an ordinary build: no cache, another build holding the lock, an
unreadable file, a symlink under content/ or theme/ (what it points to could change unseen),
a different output path.

content/'s files are hashed by their bytes; a file whose inode, size, mtime and ctime are
those it had when the last build read it, and that had not changed for RACY_NS before that
read, keeps the hash it had then (`Memo`) instead of being read again.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import signal
import sys
import time
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Iterator, Mapping

# Settings that do not change what is written (the stats file only says how long it took).
_NOT_INPUTS = frozenset({"GONGSHI_STATS_FILE", "GONGSHI_STATE", "GONGSHI_PROGRESS", "GONGSHI_SKIP_UNCHANGED"})


def enabled(settings: Mapping[str, Any]) -> bool:
    """GONGSHI_SKIP_UNCHANGED (environment first, then settings; default on): 0 makes every
    build go through every stage (the build cache still reuses what it can)."""
    flag = os.environ.get("GONGSHI_SKIP_UNCHANGED")
    if flag is None:
        flag = settings.get("GONGSHI_SKIP_UNCHANGED", True)
    return str(flag).strip().lower() not in ("0", "false", "no", "off", "")


@dataclass
class Outcome:
    """What `gongshi build` told the user, to tell again when the next build is unchanged."""

    messages: list[tuple[str, str]] = field(default_factory=list)  # (text, colour) on stderr
    summary: tuple[str, str] = ("", "")  # the summary line before and after "用时 N 秒"
    exit_code: int = 0


def _stamp(name: str, st: os.stat_result) -> bytes:
    return b"%s\0%d %d %d %d %d\0" % (name.encode("utf-8", "surrogateescape"), st.st_ino, st.st_size,
                                       st.st_mtime_ns, st.st_ctime_ns, st.st_mode)


def _files(root: Path, into: Any) -> Iterator[tuple[str, os.DirEntry]]:
    """Every file and symlink under root as (relative name, entry), sorted, depth first; every
    folder's name goes into the hash `into` on the way (an added or removed folder shows)."""
    todo = [("", os.fspath(root))]
    while todo:
        rel, path = todo.pop()
        with os.scandir(path) as it:
            entries = sorted(it, key=lambda e: e.name)
        into.update(b"D" + rel.encode("utf-8", "surrogateescape") + b"\0")
        subdirs = []
        for e in entries:
            name = (rel + "/" + e.name) if rel else e.name
            if e.is_dir(follow_symlinks=False):
                subdirs.append((name, e.path))
            else:
                yield name, e
        todo.extend(reversed(subdirs))


# A file's hash is taken from the last build's (Memo) only when its inode, size, mtime and ctime
# are those it had when it was read, and it had not changed for this long before that read: an
# edit within the file system's timestamp granularity of the read could leave them all the same
# (git's "racily clean" files). Any write sets ctime to the current time, and no tool sets it back.
RACY_NS = 2_000_000_000
MEMO_FILE = "content-hashes.pickle"


class Memo:
    """content/'s file hashes as the last build read them: name -> (inode, size, mtime_ns,
    ctime_ns, sha256 hex, when the walk that read it began, ns), for one content folder, kept
    in the build cache's folder. Saves reading 10,000 files (~0.3 s) to learn that they are
    the same; a file whose stamps differ at all, or that was changed within RACY_NS before it
    was read, is read again."""

    def __init__(self, root: str):
        self.root = root
        self.files: dict[str, tuple] = {}  # as loaded (load())
        self.fresh: dict[str, tuple] = {}  # read by this walk: the entries to keep
        self.read = 0  # files read by this walk (not taken from the memo)

    @classmethod
    def load(cls, folder: Path | None, root: Path) -> "Memo":
        """The memo kept in `folder` for content folder `root` (an empty one if none, or damaged)."""
        memo = cls(os.fspath(root))
        if folder is None:
            return memo
        try:
            with open(Path(folder) / MEMO_FILE, "rb") as f:
                got = pickle.load(f)
            if isinstance(got, tuple) and len(got) == 2 and got[0] == memo.root and isinstance(got[1], dict):
                memo.files = got[1]
        except Exception:  # noqa: BLE001 - missing or damaged: every file is read
            pass
        return memo

    def sha(self, name: str, st: os.stat_result) -> str | None:
        """The kept sha256 of file `name`, if its stamps `st` say it cannot have changed."""
        got = self.files.get(name)
        try:
            if (got is not None and got[:4] == (st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns)
                    and st.st_ctime_ns < got[5] - RACY_NS and isinstance(got[4], str) and len(got[4]) == 64):
                self.fresh[name] = got
                return got[4]
        except (TypeError, IndexError):  # a damaged entry: read the file
            pass
        return None

    def changed(self) -> bool:
        """Does the memo to keep differ from the one loaded?"""
        return self.fresh != self.files

    def save(self, folder: Path) -> None:
        """Keep this walk's hashes in `folder` (replaced atomically; failure only costs time)."""
        path = Path(folder) / MEMO_FILE
        tmp = path.with_name(f".{MEMO_FILE}.{os.getpid()}")
        try:
            with open(tmp, "wb") as f:
                pickle.dump((self.root, self.fresh), f, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, path)
        except OSError:
            try:
                tmp.unlink()
            except OSError:
                pass


def _walk(root: Path, contents: Any, stamps: Any, each: dict[str, str] | None = None,
          memo: Memo | None = None) -> None:
    """Every file under root: its name and sha256 into contents (None: not read), its name,
    inode, size, mtime and ctime into stamps, its name -> sha256 hex into `each` when given.
    With a memo, a file the memo vouches for is not read. ValueError on a symlink."""
    began = time.time_ns()
    for name, e in _files(root, stamps):
        if e.is_symlink():  # its target may be anywhere, edited without a trace here
            raise ValueError(f"symlink: {name}")
        if not e.is_file(follow_symlinks=False):  # a pipe or device: not something to read
            raise ValueError(f"not a file: {name}")
        if contents is None:
            stamps.update(b"F" + _stamp(name, e.stat(follow_symlinks=False)))
            continue
        sha = None
        if memo is not None:
            st = e.stat(follow_symlinks=False)
            sha = memo.sha(name, st)
        if sha is None:
            with open(e.path, "rb") as f:
                data = f.read()
                st = os.fstat(f.fileno())  # after reading: a later edit changes mtime and ctime
            sha = hashlib.sha256(data).hexdigest()
            if memo is not None:
                memo.read += 1
                memo.fresh[name] = (st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns, sha, began)
        contents.update(b"F" + name.encode("utf-8", "surrogateescape") + b"\0" + sha.encode() + b"\0")
        if each is not None:
            each[name] = sha
        stamps.update(b"F" + _stamp(name, st))


def _hash_root(root: Path, each: dict[str, str] | None = None, memo: Memo | None = None) -> tuple[str, str]:
    """One folder's (contents digest, stamps digest): every file's name and sha256, and every
    file's and folder's name, inode, size, mtime and ctime (_walk)."""
    contents, stamps = hashlib.sha256(), hashlib.sha256()
    _walk(root, contents, stamps, each, memo)
    return contents.hexdigest(), stamps.hexdigest()


class ContentHashes:
    """content/ hashed by a forked process from the moment `gongshi build` knows the folder
    (its --content option), before Python has imported Pelican or read the settings: at 10,000
    records the build otherwise waited ~0.2 s for these hashes after starting up. Inputs takes
    the result for the same folder; discard() when it is not wanted. The child holds nothing of
    the build: it was forked before the build had anything."""

    def __init__(self, content_dir: Path):
        self.root = Path(content_dir).resolve()
        self._child: tuple[int, int] | None = None
        if not hasattr(os, "fork"):
            return
        try:
            r, w = os.pipe()
        except OSError:
            return
        try:
            pid = os.fork()
        except OSError:
            os.close(r)
            os.close(w)
            return
        if pid == 0:  # hash, hand over (result() reads the pipe to its end), exit
            try:
                os.close(r)
                from .procs import die_with_parent

                die_with_parent()
                each: dict[str, str] = {}
                try:
                    # The settings are not read yet: the memo is where the environment puts the
                    # cache (a cache folder set in pelicanconf.py only: every file is read).
                    from .cache import cache_dir

                    memo = Memo.load(cache_dir(self.root), self.root)
                    got: Any = (*_hash_root(self.root, each, memo), each, memo.fresh if memo.changed() else None,
                                memo.read)
                except (OSError, ValueError):  # unreadable, or a symlink: nothing to hash with confidence
                    got = None
                with os.fdopen(w, "wb") as f:
                    f.write(pickle.dumps(got))
            finally:
                os._exit(0)
        os.close(w)
        self._child = (pid, r)

    @property
    def running(self) -> bool:
        """Forked, and its result not taken yet."""
        return self._child is not None

    def result(self) -> tuple[str, str, dict[str, str], dict[str, tuple] | None, int] | None:
        """(contents digest, stamps digest, name -> sha256, the Memo's entries to keep if they
        changed, how many files were read) of content/; None if it failed."""
        if self._child is None:
            return None
        pid, r = self._child
        self._child = None
        with os.fdopen(r, "rb") as f:
            raw = f.read()
        os.waitpid(pid, 0)
        try:
            got = pickle.loads(raw)
        except Exception:  # the child died
            return None
        return got if isinstance(got, tuple) else None

    def discard(self) -> None:
        if self._child is not None:
            pid, r = self._child
            self._child = None
            os.close(r)  # a child still writing gets EPIPE and leaves
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass
            os.waitpid(pid, 0)


def _plain(value: Any) -> Any:
    """value if it is plain data (its repr says everything about it); ValueError otherwise."""
    if value is None or isinstance(value, (str, int, float, bool, date)):
        return value
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, (set, frozenset)):
        return sorted((_plain(v) for v in value), key=repr)
    if isinstance(value, Mapping):
        return sorted(((repr(k), _plain(v)) for k, v in value.items()), key=lambda kv: kv[0])
    raise ValueError(type(value).__name__)


def installed() -> list[str]:
    """Every installed library, as the names of the metadata folders on sys.path
    (name-version.dist-info, .egg-info): what importlib.metadata.distributions() finds, without
    reading and parsing their ~50 METADATA files (~0.07 s of every build's start-up)."""
    found = []
    for entry in sys.path:
        try:
            with os.scandir(entry or ".") as it:
                found += [e.name for e in it if e.name.endswith((".dist-info", ".egg-info"))]
        except OSError:  # a zip file, or gone
            pass
    return sorted(found)


class Inputs:
    """What a build reads: `meta` (gongshi's code, the libraries, the settings and GONGSHI_*
    environment, the as-of date: cheap), then once the files are read `digest` (meta and every
    file of content/ and theme/) and `stamps` (each file's inode, size, mtime and ctime as it
    was read). None where something cannot be hashed with confidence (a setting that is not
    plain data, an unreadable file): such a build is never skipped nor recorded."""

    def __init__(self, settings: Mapping[str, Any], settings_file: Path | None, content_dir: Path,
                 theme_dir: Path, as_of: date, early: ContentHashes | None = None, memo_dir: Path | None = None):
        self.settings_file = Path(settings_file) if settings_file else None
        self.roots = [Path(content_dir).resolve(), Path(theme_dir).resolve()]
        # content/ already being hashed (ContentHashes) when it is this very folder
        self._early = early if early is not None and early.running and early.root == self.roots[0] else None
        if early is not None and self._early is None:
            early.discard()
        self.meta: str | None = None
        self.digest: str | None = None
        self.stamps: str | None = None
        # content/'s files as read for `digest`: relative name -> sha256 hex of the bytes. The
        # build's loader keys its parsed-record cache by these instead of reading every file again.
        self.content_files: dict[str, str] | None = None
        # The build cache's folder (Memo: content/'s hashes kept there), and the entries to keep
        # there once the build is done when they changed (save_memo()).
        self.memo_dir = Path(memo_dir) if memo_dir is not None else None
        self.memo_fresh: dict[str, tuple] | None = None
        self.files_read: int | None = None  # content/'s files read to hash them (the rest: Memo)
        self._checked: bool | None = None  # check_unchanged()'s answer
        self._child: tuple[int, int] | None = None
        try:
            self.meta = self._meta(settings, as_of)
        except (OSError, ValueError):
            pass

    def _meta(self, settings: Mapping[str, Any], as_of: date) -> str:
        from .cache import code_version

        h = hashlib.sha256(b"gongshi-unchanged-2\0")
        h.update(code_version().encode() + b"\0" + as_of.isoformat().encode() + b"\0")
        h.update("|".join(installed()).encode("utf-8", "surrogateescape") + b"\0")
        plain = sorted((k, repr(_plain(v))) for k, v in settings.items() if k.isupper() and k not in _NOT_INPUTS)
        h.update(repr(plain).encode("utf-8", "surrogateescape") + b"\0")
        env = sorted((k, v) for k, v in os.environ.items() if k.startswith("GONGSHI_") and k not in _NOT_INPUTS)
        h.update(repr(env).encode("utf-8", "surrogateescape") + b"\0")
        for root in self.roots:
            h.update(b"R" + os.fspath(root).encode("utf-8", "surrogateescape") + b"\0")
        return h.hexdigest()

    def read(self) -> None:
        """Read and hash every file (the settings file, content/, theme/) now (content/: or take
        the hashes ContentHashes took of it)."""
        early, self._early = self._early, None
        if self.meta is None:
            if early is not None:
                early.discard()
            return
        h = hashlib.sha256(self.meta.encode() + b"\0")
        stamps = hashlib.sha256()
        try:
            if self.settings_file is not None:
                with open(self.settings_file, "rb") as f:
                    h.update(f.read())
                    stamps.update(_stamp("settings", os.fstat(f.fileno())))
            each: dict[str, str] = {}
            fresh, files_read = None, None
            for i, root in enumerate(self.roots):
                if i == 0 and early is not None:
                    got = early.result()
                    if got is None:
                        return
                    contents, root_stamps, each, fresh, files_read = got
                elif i == 0:
                    memo = Memo.load(self.memo_dir, root)
                    contents, root_stamps = _hash_root(root, each, memo)
                    fresh, files_read = (memo.fresh if memo.changed() else None), memo.read
                else:
                    contents, root_stamps = _hash_root(root)
                h.update(b"\0R\0" + contents.encode())
                stamps.update(b"R\0" + root_stamps.encode())
        except (OSError, ValueError):
            return
        self.digest, self.stamps, self.content_files = h.hexdigest(), stamps.hexdigest(), each
        self.memo_fresh, self.files_read = fresh, files_read

    def read_in_background(self) -> None:
        """read() in a forked process while the build starts up; finish() collects it, and must
        be called before the build reads any input (the digest must be of files read before
        the build reads them: unchanged_since() then shows any edit in between)."""
        if self.meta is None or self._early is not None:
            return  # content/, most of the work, is being hashed already: the rest in finish()
        from .procs import die_with_parent

        r, w = os.pipe()
        pid = os.fork()
        if pid == 0:  # the child: hash, hand over (finish() reads the pipe to its end), exit
            try:
                die_with_parent()
                os.close(r)
                self.read()
                with os.fdopen(w, "wb") as f:
                    f.write(pickle.dumps((self.digest, self.stamps, self.content_files, self.memo_fresh,
                                          self.files_read)))
            finally:
                os._exit(0)
        os.close(w)
        self._child = (pid, r)

    def finish(self) -> None:
        """Wait for read_in_background() (or for ContentHashes, and hash the rest now)."""
        if self._early is not None:
            self.read()
            return
        if self._child is None:
            return
        pid, r = self._child
        self._child = None
        chunks = []
        with os.fdopen(r, "rb") as f:
            chunks.append(f.read())
        os.waitpid(pid, 0)
        try:
            (self.digest, self.stamps, self.content_files, self.memo_fresh,
             self.files_read) = pickle.loads(b"".join(chunks))
        except Exception:  # the child died: nothing to record
            self.digest = self.stamps = self.content_files = self.memo_fresh = self.files_read = None

    def save_memo(self) -> None:
        """Keep content/'s hashes for the next build (Memo) if they changed; call once the build
        is done: entries are only ever kept for bytes the build read."""
        if self.memo_fresh is not None and self.memo_dir is not None:
            memo = Memo(os.fspath(self.roots[0]))
            memo.fresh = self.memo_fresh
            memo.save(self.memo_dir)
            self.memo_fresh = None

    def check_unchanged(self) -> None:
        """unchanged_since(), now: call once the build has read its inputs (what unchanged_since()
        then says). Time spent waiting for the search index, instead of after publishing."""
        self._checked = self._unchanged_since()

    def unchanged_since(self) -> bool:
        """True when no file was added, removed or changed since the digest was taken (the build
        in between read what the digest says), by inode, size, mtime and ctime; as of
        check_unchanged() if that was called."""
        checked, self._checked = self._checked, None
        return self._unchanged_since() if checked is None else checked

    def _unchanged_since(self) -> bool:
        if self.stamps is None:
            return False
        stamps = hashlib.sha256()
        try:
            if self.settings_file is not None:
                stamps.update(_stamp("settings", os.stat(self.settings_file)))
            for root in self.roots:
                root_stamps = hashlib.sha256()
                _walk(root, None, root_stamps)
                stamps.update(b"R\0" + root_stamps.hexdigest().encode())
        except (OSError, ValueError):
            return False
        return stamps.hexdigest() == self.stamps


def tree_digest(output: Path) -> str | None:
    """Every file and folder of the published tree with its inode, size and mtime (not ctime:
    publishing links output/'s files into the spare); None when there is no such tree."""
    h = hashlib.sha256(b"tree\0")
    try:
        for name, e in _files(output, h):
            st = e.stat(follow_symlinks=False)
            h.update(b"F%s\0%d %d %d %d\0" % (name.encode("utf-8", "surrogateescape"), st.st_ino,
                                               st.st_size, st.st_mtime_ns, st.st_mode))
    except OSError:
        return None
    return h.hexdigest()


def dumps(outcome: Outcome) -> bytes:
    return pickle.dumps(outcome, protocol=pickle.HIGHEST_PROTOCOL)


def loads(blob: bytes) -> Outcome | None:
    try:
        got = pickle.loads(blob)
    except Exception:  # an older or broken entry: build as usual
        return None
    return got if isinstance(got, Outcome) else None
