"""A feed-parsing worker process for `scrapers.parse_pool`: `python -m scrapers.parse_worker`.

It reads requests from stdin and writes answers to stdout, one at a time, each a frame:
a 4-byte big-endian length, then a pickle. A request is (body, content type, base URL,
max entries); an answer is ("ok", ParsedFeed), ("parse_error", message) or ("error",
message). Pickle is safe here: both ends are this program, over a private pipe. The
worker exits when stdin closes.
"""
from __future__ import annotations

import os
import pickle
import struct
import sys
from typing import Callable

HEADER = struct.Struct(">I")


def encode(message: object) -> bytes:
    payload = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
    return HEADER.pack(len(payload)) + payload


def decode(frame: bytes) -> tuple[str, object]:
    kind, value = pickle.loads(frame)
    return kind, value


async def read_frame(stream) -> bytes:
    """One frame's payload from an asyncio StreamReader."""
    (size,) = HEADER.unpack(await stream.readexactly(HEADER.size))
    return await stream.readexactly(size)


def _read_exactly(stream, size: int) -> bytes | None:
    data = stream.read(size)
    return data if data is not None and len(data) == size else None


def answer_requests(handle: Callable[[object], tuple[str, object]], stdin=None, stdout=None) -> None:
    """Read request frames from `stdin` until it closes, and write `handle(request)` for
    each (the loop of every worker: this one and `pipeline.label_worker`)."""
    stdin = stdin or sys.stdin.buffer
    stdout = stdout or sys.stdout.buffer
    while True:
        header = _read_exactly(stdin, HEADER.size)
        if header is None:
            return
        payload = _read_exactly(stdin, HEADER.unpack(header)[0])
        if payload is None:
            return
        stdout.write(encode(handle(pickle.loads(payload))))
        stdout.flush()


def exit_now() -> None:
    """End a worker whose stdin closed without the interpreter's teardown: nothing is
    left to save, and the fetch would wait for it (freeing a label worker's place
    names and models took 0.2 s)."""
    sys.stdout.flush()
    os._exit(0)


def serve(stdin=None, stdout=None) -> None:
    """Answer requests until stdin closes."""
    from scrapers.feed_parser import ParseError, parse_feed

    def parse(request) -> tuple[str, object]:
        body, content_type, base_url, max_entries = request
        try:
            return "ok", parse_feed(body, content_type, base_url, max_entries)
        except ParseError as exc:
            return "parse_error", str(exc)
        except Exception as exc:  # a bug or a library surprise: the parent reports it for this feed
            return "error", f"{type(exc).__name__}: {exc}"

    answer_requests(parse, stdin, stdout)


if __name__ == "__main__":
    import feedparser  # noqa: F401  - loaded before the first request arrives
    import lxml.html  # noqa: F401
    serve()
    exit_now()
