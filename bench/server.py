"""A small threaded HTTP server answering canned pages from memory, for the bench scripts.

It binds loopback addresses only (127.0.0.0/8 or ::1) and lives no longer than its `with`
block (or `max_seconds` when run in a child process), so nothing here can reach another
machine or outlive the run.

    with StaticServer({"/feed.xml": Page(body)}) as server:
        server.url("/feed.xml")

    with serve_in_subprocess({"127.0.0.2": pages, ...}) as ports:   # {host: port}
        ...
"""
from __future__ import annotations

import contextlib
import ipaddress
import multiprocessing
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Iterator, Mapping
from urllib.parse import urlsplit

ALLOW_ALL_ROBOTS = b"User-agent: *\nDisallow:\n"


@dataclass(frozen=True)
class Page:
    body: bytes
    content_type: str = "application/xml"
    headers: tuple[tuple[str, str], ...] = ()   # extra headers, sent as given
    status: int = 200


def check_loopback(host: str) -> None:
    """Refuse any address outside the loopback range: the bench never targets other hosts."""
    if not ipaddress.ip_address(host).is_loopback:
        raise ValueError(f"{host} is not a loopback address: the bench serves on 127.0.0.0/8 only")


def _handler_for(pages: Mapping[str, Page], latency: float = 0.0) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        disable_nagle_algorithm = True  # headers and body go out in two writes: no 40 ms stall

        def do_GET(self) -> None:  # noqa: N802 - http.server's naming
            path = urlsplit(self.path).path
            if latency:
                time.sleep(latency)   # a distant server: every answer starts this late
            page = pages.get(path)
            if page is None:
                page = Page(ALLOW_ALL_ROBOTS, "text/plain") if path == "/robots.txt" \
                    else Page(b"not found", "text/plain", status=404)
            try:
                self.send_response(page.status)
                self.send_header("Content-Type", page.content_type)
                self.send_header("Content-Length", str(len(page.body)))
                for name, value in page.headers:
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(page.body)
            except (BrokenPipeError, ConnectionResetError):
                pass

        def log_message(self, *args) -> None:
            pass

    return Handler


class StaticServer:
    """Serves `pages` (path -> Page) on `host`; /robots.txt allows everything unless given;
    each answer waits `latency` seconds first."""

    def __init__(self, pages: Mapping[str, Page], host: str = "127.0.0.1", port: int = 0, latency: float = 0.0):
        check_loopback(host)
        self.host = host
        self.httpd = ThreadingHTTPServer((host, port), _handler_for(pages, latency))
        self.httpd.daemon_threads = True
        self.port = self.httpd.server_address[1]
        self._thread = threading.Thread(target=self.httpd.serve_forever,
                                        kwargs={"poll_interval": 0.05}, daemon=True)
        self._thread.start()

    def url(self, path: str) -> str:
        return f"http://{self.host}:{self.port}{path}"

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self._thread.join(timeout=5)

    def __enter__(self) -> "StaticServer":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def _serve_until_stopped(sites: Mapping[str, Mapping[str, Page]], ports, stop, max_seconds: float,
                         latency: float) -> None:
    servers = [StaticServer(pages, host, latency=latency) for host, pages in sites.items()]
    try:
        ports.put({s.host: s.port for s in servers})
        stop.wait(max_seconds)
    finally:
        for server in servers:
            server.close()


@contextlib.contextmanager
def serve_in_subprocess(sites: Mapping[str, Mapping[str, Page]],
                        max_seconds: float = 900.0, latency: float = 0.0) -> Iterator[dict[str, int]]:
    """Serve each host's pages from a child process (so serving costs the measured process
    nothing); yields {host: port}. Every answer waits `latency` seconds first. The child
    stops at the end of the block, or by itself after `max_seconds`."""
    for host in sites:
        check_loopback(host)
    context = multiprocessing.get_context("fork")  # the pages are inherited, not pickled
    ports, stop = context.Queue(), context.Event()
    child = context.Process(target=_serve_until_stopped, args=(sites, ports, stop, max_seconds, latency),
                            daemon=True)
    child.start()
    try:
        yield ports.get(timeout=30)
    finally:
        stop.set()
        child.join(timeout=10)
        if child.is_alive():
            child.terminate()
            child.join(timeout=5)
