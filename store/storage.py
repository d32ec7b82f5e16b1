"""A crash-safe TinyDB storage: whole file in memory, written atomically on `flush()`.

TinyDB's own JSONStorage rewrites its file in place on every write, which is slow
(every insert re-serialises everything) and unsafe (a kill between write and truncate
leaves an unreadable file). This storage keeps the data in memory and writes it only
when asked: to a temporary file in the same folder, fsync, `os.replace`, then fsync of
the folder. A crash at any moment leaves either the old or the new file, never a mix.
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import orjson
from tinydb.storages import Storage

TMP_SUFFIX = ".tmp"


class StorageCorrupt(Exception):
    """A data file that cannot be parsed (never produced by this storage itself)."""


def file_signature(path: Path) -> tuple[int, int, int] | None:
    try:
        st = path.stat()
    except FileNotFoundError:
        return None
    return (st.st_ino, st.st_size, st.st_mtime_ns)


def remove_stale_temp_files(folder: Path) -> int:
    """Delete temporary files left by a writer that died before `os.replace`."""
    removed = 0
    for tmp in folder.glob(f".*{TMP_SUFFIX}"):
        try:
            tmp.unlink()
            removed += 1
        except FileNotFoundError:
            pass
    return removed


def fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def atomic_write_bytes(path: Path, payload: bytes) -> None:
    """Replace `path` with `payload` so that readers see the old or the new content only."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}{TMP_SUFFIX}")
    with open(tmp, "wb") as fh:
        fh.write(payload)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)
    fsync_dir(path.parent)


class AtomicJSONStorage(Storage):
    """TinyDB storage: UTF-8 JSON (orjson), cached in memory, atomically flushed."""

    def __init__(self, path: str | os.PathLike[str]):
        self.path = Path(path)
        self._data: dict[str, Any] | None = None
        self._loaded_signature: tuple[int, int, int] | None = None
        self._dirty = False

    # TinyDB interface -------------------------------------------------------
    def read(self) -> dict[str, Any] | None:
        if self._data is None:
            self._load()
        return self._data

    def write(self, data: dict[str, Any]) -> None:
        self._data = data
        self._dirty = True

    def close(self) -> None:
        self.flush()

    # Our interface ----------------------------------------------------------
    @property
    def dirty(self) -> bool:
        return self._dirty

    def flush(self) -> bool:
        """Write pending changes atomically; returns whether anything was written."""
        if not self._dirty or self._data is None:
            return False
        atomic_write_bytes(self.path, orjson.dumps(self._data))
        self._loaded_signature = file_signature(self.path)
        self._dirty = False
        return True

    def changed_on_disk(self) -> bool:
        """True when another process replaced the file since we loaded it."""
        return self._data is not None and file_signature(self.path) != self._loaded_signature

    def reload(self) -> None:
        """Drop the in-memory copy (pending changes included); next read loads the file."""
        self._data = None
        self._dirty = False

    def _load(self) -> None:
        signature = file_signature(self.path)
        if signature is None or signature[1] == 0:
            self._data = None
            self._loaded_signature = signature
            return
        try:
            self._data = orjson.loads(self.path.read_bytes())
        except orjson.JSONDecodeError as exc:
            raise StorageCorrupt(f"{self.path}: not valid JSON ({exc}); restore it from a backup") from None
        if not isinstance(self._data, dict):
            raise StorageCorrupt(f"{self.path}: unexpected content (not a TinyDB document)")
        self._loaded_signature = signature
