"""Forked processes of a build: a process forked by the build dies with it.

A small module of its own: the forked hashing of content/ (generator.unchanged) calls it
before gongshi has imported anything else."""

from __future__ import annotations

import os


def die_with_parent() -> None:
    """Call first thing in a forked process: it is killed when the build process dies (Linux).

    A process forked by a build holds the build's lock (generator.publish) and pipes: one that
    outlived a killed build would keep the next build from starting."""
    parent = os.getppid()
    try:
        import ctypes
        import signal

        # The process's own symbols, libc's among them (find_library ran `ldconfig -p`, a
        # program started by every forked process of every build).
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, int(signal.SIGKILL), 0, 0, 0)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):  # not Linux: it lives until its work is done
        return
    if os.getppid() != parent:  # the build died before the call
        os._exit(1)
