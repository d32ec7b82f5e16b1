"""Watch a data dir's writer lock (`DATA_DIR/.lock`) as another process would see it.

A background thread tries a non-blocking `flock` on its own file descriptor every
`interval` seconds (and releases it at once when it gets it), and records the longest
stretch during which the lock stayed taken: how long a bot command or a fetch cycle
wanting to write would have waited. It stops at the end of the `with` block, or by
itself after `max_seconds`.

    with LockProbe(config.data_dir) as probe:
        send_week(...)
    probe.longest_wait, probe.busy_share
"""
from __future__ import annotations

import fcntl
import os
import threading
import time
from pathlib import Path

LOCK_NAME = ".lock"


class LockProbe:
    def __init__(self, data_dir: Path, interval: float = 0.05, max_seconds: float = 1_800.0):
        self.path = Path(data_dir) / LOCK_NAME
        self.interval = interval
        self.max_seconds = max_seconds
        self.longest_wait = 0.0        # seconds: longest stretch the lock was held by someone else
        self.samples = 0
        self.busy_samples = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="lock-probe", daemon=True)

    @property
    def busy_share(self) -> float:
        return self.busy_samples / self.samples if self.samples else 0.0

    def _run(self) -> None:
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        deadline = time.monotonic() + self.max_seconds
        busy_since: float | None = None
        try:
            while not self._stop.wait(self.interval) and time.monotonic() < deadline:
                now = time.monotonic()
                self.samples += 1
                if lock_free(fd):
                    if busy_since is not None:
                        self.longest_wait = max(self.longest_wait, now - busy_since)
                    busy_since = None
                else:
                    self.busy_samples += 1
                    busy_since = now if busy_since is None else busy_since
            if busy_since is not None:
                self.longest_wait = max(self.longest_wait, time.monotonic() - busy_since)
        finally:
            os.close(fd)

    def __enter__(self) -> "LockProbe":
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join(timeout=5)


def lock_free(fd: int) -> bool:
    """True when the lock could be taken (and is released again at once)."""
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    fcntl.flock(fd, fcntl.LOCK_UN)
    return True
