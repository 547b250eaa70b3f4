"""Publish stage: build into a staging directory, then swap it into output/ atomically.

The swap uses renameat2(RENAME_EXCHANGE) on Linux, so at every instant
output/ is either the complete old tree or the complete new tree. Where that
call is unavailable, two renames are used and an interrupted swap is repaired
by the next build. A failed or killed build leaves only a staging directory,
which the next build deletes; nothing from an earlier build is ever carried
into the new tree, so expired pages vanish with the swap.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import errno
import fcntl
import os
import shutil
from pathlib import Path

STAGING_MARK = ".staging-"
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
    """Owns the staging directory of one build of `output`."""

    def __init__(self, output: Path):
        self.output = Path(output).absolute()
        self.parent = self.output.parent
        self.staging = self.parent / f"{self.output.name}{STAGING_MARK}{os.getpid()}"
        self._lock_fd: int | None = None

    def begin(self) -> Path:
        self.parent.mkdir(parents=True, exist_ok=True)
        self._lock_fd = os.open(self.parent / f".{self.output.name}.lock", os.O_CREAT | os.O_RDWR, 0o644)
        try:
            fcntl.flock(self._lock_fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise PublishError(f"另一个生成任务正在写入 {self.output}，请稍后再试。") from None
        self._cleanup_leftovers()
        self.staging.mkdir()
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

    def commit(self) -> None:
        """Make the staging tree the new output, atomically."""
        os.sync()  # the new tree is on disk before it becomes visible
        if not self.output.exists():
            os.rename(self.staging, self.output)
        elif _exchange(self.staging, self.output):
            shutil.rmtree(self.staging, ignore_errors=True)
        else:
            old = self.parent / f"{self.output.name}{OLD_MARK}{os.getpid()}"
            os.rename(self.output, old)
            os.rename(self.staging, self.output)
            shutil.rmtree(old, ignore_errors=True)
        self._unlock()

    def abort(self) -> None:
        shutil.rmtree(self.staging, ignore_errors=True)
        self._unlock()

    def _unlock(self) -> None:
        if self._lock_fd is not None:
            fcntl.flock(self._lock_fd, fcntl.LOCK_UN)
            os.close(self._lock_fd)
            self._lock_fd = None
