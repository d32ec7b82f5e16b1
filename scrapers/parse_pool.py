"""Feed parsing off the event loop, in worker processes, so that it runs on another core
while the fetch process keeps fetching, labelling and storing.

feedparser is pure Python and slow (about a millisecond an entry): parsed in the event
loop it stalls every download, and parsed in a thread it competes for the interpreter
with triage. `ParsePool(workers)` parses in `workers` child processes running
`python -m scrapers.parse_worker` (a fresh interpreter: nothing of the parent's threads,
locks or main script is inherited), started when the pool opens, so that their imports
overlap the first requests. Each is sent one body at a time over its stdin and answers on
its stdout (scrapers/parse_worker.py). `ParsePool(0)` parses in a thread of this process.

A worker that fails (killed, out of memory, a garbled answer) costs speed only: that feed
and every later one are parsed in a thread instead. Workers exit when the pool closes, and
by themselves when this process dies (their stdin closes).
"""
from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

from scrapers.feed_parser import ParsedFeed, ParseError, parse_feed
from scrapers.parse_worker import decode, encode, read_frame

ROOT = Path(__file__).resolve().parent.parent   # the folder holding the scrapers package


class _Worker:
    def __init__(self, process: asyncio.subprocess.Process):
        self.process = process

    async def parse(self, request: tuple) -> tuple[str, object]:
        assert self.process.stdin is not None and self.process.stdout is not None
        self.process.stdin.write(encode(request))
        await self.process.stdin.drain()
        return decode(await read_frame(self.process.stdout))


class ParsePool:
    """`async with ParsePool(1) as pool: parsed = await pool.parse(body, type, url, 200)`."""

    def __init__(self, workers: int):
        self.workers = workers
        self._idle: asyncio.Queue[_Worker] | None = None
        self._all: list[_Worker] = []
        self._broken = False

    async def __aenter__(self) -> "ParsePool":
        if self.workers > 0:
            self._idle = asyncio.Queue()
            env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT),
                                                                              os.environ.get("PYTHONPATH")]))}
            try:
                for _ in range(self.workers):
                    process = await asyncio.create_subprocess_exec(
                        sys.executable, "-m", "scrapers.parse_worker", cwd=ROOT, env=env,
                        stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE)
                    worker = _Worker(process)
                    self._all.append(worker)
                    self._idle.put_nowait(worker)
            except OSError:
                self._broken = True
        return self

    async def __aexit__(self, *exc) -> None:
        for worker in self._all:
            if worker.process.stdin is not None:
                worker.process.stdin.close()   # EOF: the worker exits
        for worker in self._all:
            try:
                await asyncio.wait_for(worker.process.wait(), 5)
            except (TimeoutError, ProcessLookupError):
                worker.process.kill()
                await worker.process.wait()

    async def parse(self, body: bytes, content_type: str, base_url: str, max_entries: int) -> ParsedFeed:
        """`scrapers.feed_parser.parse_feed` in a worker; raises its ParseError."""
        if self._idle is not None and not self._broken:
            worker = await self._idle.get()
            try:
                kind, value = await worker.parse((body, content_type, base_url, max_entries))
            except (OSError, EOFError, ValueError, asyncio.IncompleteReadError):
                self._broken = True   # this worker is gone; the others may follow: parse here from now on
            except BaseException:      # cancelled mid-answer: the worker's pipe is out of step
                self._broken = True
                raise
            else:
                self._idle.put_nowait(worker)
                if kind == "ok":
                    assert isinstance(value, ParsedFeed)
                    return value
                if kind == "parse_error":
                    raise ParseError(str(value))
                raise ParseError(f"feed parser failed: {value}")
        return await asyncio.to_thread(parse_feed, body, content_type, base_url, max_entries)
