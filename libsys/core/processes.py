"""Child processes that end with the process that started them.

A long import reads its file in worker processes and indexes beside itself in a follower
process. Should the importing process be killed (SIGKILL, a power cut of the terminal, the
jobs worker stopped hard), its children must not stay behind blocked on a queue nobody
writes to. Each child calls `die_with_parent` as it starts: on Linux the kernel sends it
SIGKILL when its parent dies (prctl PR_SET_PDEATHSIG), and on every system a daemon thread
watches the parent's process id and leaves when the child has been handed to another
parent (the parent ended).
"""

from __future__ import annotations

import ctypes
import os
import signal
import sys
import threading
import time

PR_SET_PDEATHSIG = 1  # linux/prctl.h
WATCH_INTERVAL = 0.5  # seconds between looks at the parent


def die_with_parent(parent_pid: int, *, kernel: bool = True, grace: float = 0.0) -> None:
    """End this process when `parent_pid` (its parent) ends.

    `kernel`: also ask Linux to kill it at once (only for children started by a thread
    that lives as long as they do: the kernel watches the starting thread). `grace`:
    seconds the watching thread leaves the child, after the parent is gone, to end by
    itself before it is ended (the index follower lets go of the index lock cleanly)."""
    if kernel and sys.platform.startswith("linux"):
        try:
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        except (OSError, AttributeError):
            pass  # the watching thread below still ends it
    if os.getppid() != parent_pid:
        os._exit(1)  # the parent died before we could watch it
    threading.Thread(
        target=_watch, args=(parent_pid, grace), name="libsys-parent-watch", daemon=True
    ).start()


def _watch(parent_pid: int, grace: float) -> None:
    while os.getppid() == parent_pid:
        time.sleep(WATCH_INTERVAL)
    if grace:
        time.sleep(grace)
    os._exit(1)
