"""Publish stage: build into a spare tree beside output/, then swap it in atomically.

The swap uses renameat2(RENAME_EXCHANGE) on Linux, so at every instant
output/ is either the complete old tree or the complete new tree. Where that
call is unavailable, two renames are used and an interrupted swap is repaired
by the next build.

The spare (``output.spare``) is the tree the next build writes into. After a
swap it holds the old tree, which is at once brought level with the new one:
every file of output/ is hard-linked into it and everything else is deleted,
except that files under a private folder (the search index, rewritten by most
builds) stay the spare's own copies, one build older, for the next build to
overwrite in place.
So the next build starts from a copy of the published site instead of an
empty directory: a page whose inputs did not change is already in place
(generator.cache.OutputReuse checks it is the very file output/ has), every
other file is replaced, never written in place (the files are shared with
output/), and before the swap every file the build did not produce is
deleted (commit(produced)). That makes the cost of a build that changes little
proportional to what changed, not to the size of the site, and no file of an
earlier build survives unless this build produced it. A failed or killed build
leaves output/ untouched and only the spare dirty; the next build repairs it
the same way.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import errno
import fcntl
import os
import shutil
from pathlib import Path
from typing import Iterable

STAGING_MARK = ".staging-"  # builds before the spare tree; deleted when found
SPARE_MARK = ".spare"
OLD_MARK = ".old-"
_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


class PublishError(Exception):
    pass


def _libc():
    name = ctypes.util.find_library("c")
    return ctypes.CDLL(name, use_errno=True) if name else None


def _exchange(a: Path, b: Path) -> bool:
    """Atomically exchange two paths; False when the platform cannot."""
    libc = _libc()
    fn = getattr(libc, "renameat2", None) if libc else None
    if fn is None:
        return False
    fn.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    rc = fn(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE)
    if rc == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP):
        return False
    raise PublishError(f"无法替换输出目录：{os.strerror(err)}")


class Publisher:
    """Owns the staging directory of one build of `output`.

    private: folders (relative, ending in "/") whose files each tree keeps as its own copies
    instead of links to the other tree's: files rewritten on every build (the search index),
    which the next build can then overwrite in place (its writer checks st_nlink) instead of
    creating them anew. The spare's copies are one build older than output/'s until then."""

    def __init__(self, output: Path, private: tuple[str, ...] = ()):
        self.output = Path(output).absolute()
        self.private = tuple(private)
        self.parent = self.output.parent
        self.staging = self.parent / f"{self.output.name}{SPARE_MARK}"
        self._lock_fd: int | None = None

    def begin(self) -> Path:
        if not self.lock():
            raise PublishError(f"另一个生成任务正在写入 {self.output}，请稍后再试。")
        self._cleanup_leftovers()
        if self.staging.is_symlink() or (self.staging.exists() and not self.staging.is_dir()):
            self.staging.unlink()
        self.staging.mkdir(exist_ok=True)
        return self.staging

    def _cleanup_leftovers(self) -> None:
        # Repair an interrupted two-rename swap: the old tree is kept as output.
        olds = sorted(self.parent.glob(f"{self.output.name}{OLD_MARK}*"))
        if not self.output.exists() and olds:
            os.rename(olds[-1], self.output)
        for p in list(self.parent.glob(f"{self.output.name}{STAGING_MARK}*")) + list(
            self.parent.glob(f"{self.output.name}{OLD_MARK}*")
        ):
            shutil.rmtree(p, ignore_errors=True)

    def commit(self, produced: Iterable[str] | None = None) -> None:
        """Make the staging tree the new output, atomically.

        produced: every file (relative path) this build wrote or kept; any other file of the
        staging tree is left from an earlier build and is deleted first. None: the staging tree
        holds nothing else (callers that wrote into an empty directory)."""
        new = _prune(self.staging, None if produced is None else set(produced))
        os.sync()  # the new tree is on disk before it becomes visible
        if not self.output.exists():
            os.rename(self.staging, self.output)
        elif _exchange(self.staging, self.output):
            try:
                _level(self.staging, self.output, new, self.private)
            except OSError:  # a spare left behind is repaired by the next build
                pass
        else:
            old = self.parent / f"{self.output.name}{OLD_MARK}{os.getpid()}"
            os.rename(self.output, old)
            os.rename(self.staging, self.output)
            shutil.rmtree(old, ignore_errors=True)
        self.unlock()

    def abort(self) -> None:
        """Give up: output/ is untouched; the half-written spare is repaired by the next build."""
        self.unlock()

    def lock(self) -> bool:
        """Take the lock on output/ (one build at a time); False when another build holds it.
        begin() takes it; commit(), abort() and unlock() let it go."""
        self.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.parent / f".{self.output.name}.lock", os.O_CREAT | os.O_RDWR, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            return False
        self._lock_fd = fd
        return True

    def unlock(self) -> None:
        if self._lock_fd is not None:
            fcntl.flock(self._lock_fd, fcntl.LOCK_UN)
            os.close(self._lock_fd)
            self._lock_fd = None


def scan_tree(root: Path) -> tuple[dict[str, int], list[str]]:
    """Every file (and symlink) under root as relative path -> inode, read from the directories
    alone (no stat per file), and every folder, parents before children ("" is root)."""
    files: dict[str, int] = {}
    folders: list[str] = []
    todo = [("", os.fspath(root))]
    while todo:
        rel, path = todo.pop()
        folders.append(rel)
        prefix = rel + "/" if rel else ""
        with os.scandir(path) as entries:
            for e in entries:
                if e.is_dir(follow_symlinks=False):
                    todo.append((prefix + e.name, e.path))
                else:
                    files[prefix + e.name] = e.inode()
    return files, folders


def _parents(rels: Iterable[str]) -> set[str]:
    out = {""}
    for rel in rels:
        while "/" in rel:
            rel = rel.rpartition("/")[0]
            if rel in out:
                break
            out.add(rel)
    return out


def _remove_folders(root: Path, folders: list[str], keep: set[str]) -> None:
    for rel in sorted((f for f in folders if f not in keep), key=lambda f: f.count("/"), reverse=True):
        try:
            os.rmdir(os.path.join(root, rel))
        except OSError:
            shutil.rmtree(os.path.join(root, rel), ignore_errors=True)


def _prune(root: Path, produced: set[str] | None) -> dict[str, int]:
    """Delete from root every file and folder not in produced; the files left (rel -> inode)."""
    files, folders = scan_tree(root)
    if produced is None:
        return files
    for rel in [r for r in files if r not in produced]:
        os.unlink(os.path.join(root, rel))
        del files[rel]
    _remove_folders(root, folders, _parents(files))
    return files


def _level(spare: Path, output: Path, new: dict[str, int], private: tuple[str, ...] = ()) -> None:
    """Make spare (the tree just swapped out) the same as output (whose files are `new`):
    hard-link every file it lacks or has in another version, delete every file output has not.
    A file under a `private` folder that both trees have stays the spare's own (older) copy."""
    old, folders = scan_tree(spare)
    for rel, ino in old.items():
        if new.get(rel) != ino and not (rel in new and rel.startswith(private)):
            os.unlink(os.path.join(spare, rel))
    made: set[str] = set()
    for rel, ino in new.items():
        if old.get(rel) == ino or (rel in old and rel.startswith(private)):
            continue
        folder = rel.rpartition("/")[0]
        if folder and folder not in made:
            os.makedirs(os.path.join(spare, folder), exist_ok=True)
            made.add(folder)
        os.link(os.path.join(output, rel), os.path.join(spare, rel), follow_symlinks=False)
    _remove_folders(spare, folders, _parents(new))
