"""A counting SMTP sink (aiosmtpd) on 127.0.0.1, served from a child process.

The handler parses nothing: it counts messages, bytes, connections and messages per
recipient, so the measured process pays only for its own SMTP client. The child stops at
the end of the `with` block, or by itself after `max_seconds`.

    with counting_smtp_sink() as sink:
        ... send to 127.0.0.1:sink.port ...
        stats = sink.stats()          # SinkStats
"""
from __future__ import annotations

import contextlib
import multiprocessing
import socket
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Iterator

HOST = "127.0.0.1"


@dataclass
class SinkStats:
    messages: int = 0
    bytes: int = 0
    connections: int = 0
    by_recipient: Counter = field(default_factory=Counter)
    cpu_seconds: float = 0.0        # CPU time of the sink process so far


class CountingHandler:
    """aiosmtpd handler: accepts everything and counts it."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._stats = SinkStats()

    async def handle_EHLO(self, server, session, envelope, hostname, responses):  # noqa: N802
        with self._lock:
            self._stats.connections += 1
        session.host_name = hostname
        return responses

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        with self._lock:
            self._stats.messages += 1
            self._stats.bytes += len(envelope.content)
            self._stats.by_recipient.update(envelope.rcpt_tos)
        return "250 OK"

    def snapshot(self) -> SinkStats:
        with self._lock:
            s = self._stats
            return SinkStats(s.messages, s.bytes, s.connections, Counter(s.by_recipient), time.process_time())


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def _serve(conn, max_seconds: float) -> None:
    """Child process: run the sink, answer "stats" requests, stop on "stop" or timeout."""
    from aiosmtpd.controller import Controller

    handler = CountingHandler()
    controller = Controller(handler, hostname=HOST, port=_free_port())
    controller.start()
    try:
        conn.send(controller.port)
        while conn.poll(max_seconds):
            command = conn.recv()
            if command == "stop":
                break
            conn.send(handler.snapshot())
    finally:
        controller.stop()
        conn.close()


@dataclass
class SinkHandle:
    port: int
    _conn: object

    def stats(self) -> SinkStats:
        self._conn.send("stats")
        if not self._conn.poll(30):
            raise TimeoutError("the SMTP sink did not answer within 30 s")
        return self._conn.recv()


@contextlib.contextmanager
def counting_smtp_sink(max_seconds: float = 1_800.0) -> Iterator[SinkHandle]:
    context = multiprocessing.get_context("fork")
    parent, child_end = context.Pipe()
    child = context.Process(target=_serve, args=(child_end, max_seconds), daemon=True)
    child.start()
    try:
        if not parent.poll(30):
            raise TimeoutError("the SMTP sink did not start within 30 s")
        yield SinkHandle(parent.recv(), parent)
    finally:
        with contextlib.suppress(OSError):
            parent.send("stop")
        child.join(timeout=10)
        if child.is_alive():
            child.terminate()
            child.join(timeout=5)
        parent.close()
