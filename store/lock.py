"""One writer at a time: a thread lock plus an exclusive `flock` on `DATA_DIR/.lock`.

The bot, the scheduler and a CLI command may share one data dir; the file lock keeps
their writes serial across processes, the thread lock within one process.
"""
from __future__ import annotations

import fcntl
import os
import threading
from pathlib import Path


class StoreLock:
    def __init__(self, data_dir: Path):
        self.path = data_dir / ".lock"
        self._thread_lock = threading.RLock()
        self._depth = 0
        self._fd: int | None = None

    def __enter__(self) -> "StoreLock":
        self._thread_lock.acquire()
        if self._depth == 0:
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
            fcntl.flock(fd, fcntl.LOCK_EX)
            self._fd = fd
        self._depth += 1
        return self

    def __exit__(self, *exc) -> None:
        self._depth -= 1
        if self._depth == 0 and self._fd is not None:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None
        self._thread_lock.release()
