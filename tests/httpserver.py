"""A real HTTP server on 127.0.0.1 for tests: routes map a path to canned responses."""
from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Callable


@dataclass
class Reply:
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0          # seconds before answering


@dataclass
class Hit:
    path: str
    headers: dict[str, str]


class FixtureServer:
    """`server.route("/feed.xml", Reply(...))`; a route may be a list (one reply per hit,
    the last one repeating) or a callable taking the Hit."""

    def __init__(self, host: str = "127.0.0.1"):
        self.routes: dict[str, Reply | list[Reply] | Callable[[Hit], Reply]] = {}
        self.hits: list[Hit] = []
        self._stop = threading.Event()
        owner = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True

            def do_GET(self):  # noqa: N802
                hit = Hit(self.path, {k.lower(): v for k, v in self.headers.items()})
                owner.hits.append(hit)
                reply = owner._reply(hit)
                if reply.delay:
                    owner._stop.wait(reply.delay)
                try:
                    self.send_response(reply.status)
                    headers = {"Content-Length": str(len(reply.body)), **reply.headers}
                    for k, v in headers.items():
                        self.send_header(k, v)
                    self.end_headers()
                    self.wfile.write(reply.body)
                except (BrokenPipeError, ConnectionResetError):
                    pass

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer((host, 0), Handler)
        self.httpd.daemon_threads = True
        self.host = host
        self.port = self.httpd.server_address[1]
        self._thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self._thread.start()

    def url(self, path: str) -> str:
        return f"http://{self.host}:{self.port}{path}"

    def route(self, path: str, reply) -> None:
        self.routes[path] = reply

    def hits_for(self, path: str) -> list[Hit]:
        return [h for h in self.hits if h.path == path]

    def _reply(self, hit: Hit) -> Reply:
        route = self.routes.get(hit.path)
        if route is None:
            return Reply(404, b"not found")
        if callable(route):
            return route(hit)
        if isinstance(route, list):
            count = len(self.hits_for(hit.path))
            return route[min(count, len(route)) - 1]
        return route

    def close(self) -> None:
        self._stop.set()
        self.httpd.shutdown()
        self.httpd.server_close()


def wait_until(predicate, timeout: float = 5.0) -> bool:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if predicate():
            return True
        time.sleep(0.01)
    return False
