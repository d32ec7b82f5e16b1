"""Local HTTP server for the Vigie demo: serves the fictitious sources in `demo/sources/`.

Besides static files (with ETag / Last-Modified and 304 answers) it offers two special
routes to exercise the fetcher's error handling: `/slow/...` answers only after
`SLOW_DELAY` seconds and `/broken/...` always answers 500.

    python -m demo.server --port 8765          # foreground, Ctrl-C to stop
    server, base_url = demo.server.start()     # background thread, port 0 = any free port
"""
from __future__ import annotations

import argparse
import email.utils
import hashlib
import mimetypes
import re
import threading
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

SOURCES_DIR = (Path(__file__).resolve().parent / "sources").resolve()
SLOW_DELAY = 30.0  # seconds; longer than the demo config's read timeout
ROBOTS_TXT = b"User-agent: *\nAllow: /\n"

_XML_ENCODING = re.compile(rb"""<\?xml[^>]*\bencoding\s*=\s*["']([A-Za-z0-9._-]+)["']""")


class DemoServer(ThreadingHTTPServer):
    """Threaded server with a stop event, so that slow requests end at shutdown."""

    daemon_threads = True

    def __init__(self, address: tuple[str, int], *, root: Path = SOURCES_DIR,
                 slow_delay: float = SLOW_DELAY, verbose: bool = False) -> None:
        super().__init__(address, DemoHandler)
        self.root = root.resolve()
        self.slow_delay = slow_delay
        self.verbose = verbose
        self.stopping = threading.Event()

    def shutdown(self) -> None:
        self.stopping.set()  # wake up requests sleeping in /slow/
        super().shutdown()

    def handle_error(self, request, client_address) -> None:
        # A client that hung up (e.g. after its own timeout) is not an error worth a traceback.
        if self.verbose:
            super().handle_error(request, client_address)


class DemoHandler(BaseHTTPRequestHandler):
    """GET/HEAD on files under the server root, plus /robots.txt, /slow/ and /broken/."""

    server: DemoServer
    server_version = "VigieDemo/0.1"
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True
    timeout = 15  # idle keep-alive connections are closed after this many seconds

    def do_GET(self) -> None:
        self._respond(send_body=True)

    def do_HEAD(self) -> None:
        self._respond(send_body=False)

    def version_string(self) -> str:
        return self.server_version

    def log_message(self, format: str, *args) -> None:  # noqa: A002 (stdlib signature)
        if self.server.verbose:
            super().log_message(format, *args)

    # -- routing -------------------------------------------------------------------------

    def _respond(self, send_body: bool) -> None:
        try:
            path = unquote(urlsplit(self.path).path)
            if path == "/robots.txt":
                self._send(HTTPStatus.OK, ROBOTS_TXT, "text/plain; charset=utf-8", send_body)
            elif path.startswith("/broken/"):
                self._send(HTTPStatus.INTERNAL_SERVER_ERROR, b"Internal Server Error\n",
                           "text/plain; charset=utf-8", send_body)
            elif path.startswith("/slow/"):
                # Interruptible sleep: shutdown() sets the event and we leave without answering.
                if self.server.stopping.wait(self.server.slow_delay):
                    self.close_connection = True
                    return
                self._send_file(path, send_body)
            else:
                self._send_file(path, send_body)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True

    def _send_file(self, url_path: str, send_body: bool) -> None:
        file = resolve_path(self.server.root, url_path)
        if file is None:
            self._send(HTTPStatus.NOT_FOUND, b"Not Found\n", "text/plain; charset=utf-8", send_body)
            return
        body = file.read_bytes()
        etag = '"' + hashlib.sha256(body).hexdigest()[:20] + '"'
        mtime = int(file.stat().st_mtime)
        headers = {
            "ETag": etag,
            "Last-Modified": email.utils.formatdate(mtime, usegmt=True),
            "Cache-Control": "no-cache",
        }
        if not_modified(self.headers.get("If-None-Match"), self.headers.get("If-Modified-Since"),
                        etag, mtime):
            self._send(HTTPStatus.NOT_MODIFIED, b"", None, False, headers)
            return
        self._send(HTTPStatus.OK, body, content_type(file, body), send_body, headers)

    def _send(self, status: HTTPStatus, body: bytes, ctype: str | None, send_body: bool,
              headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        if ctype:
            self.send_header("Content-Type", ctype)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        if status != HTTPStatus.NOT_MODIFIED:
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if send_body and body:
            self.wfile.write(body)


def resolve_path(root: Path, url_path: str) -> Path | None:
    """File under `root` for a decoded URL path, or None (missing, directory, or outside root)."""
    if "\x00" in url_path or "\\" in url_path:
        return None
    relative = url_path.lstrip("/")
    if any(part in ("..", ".") for part in relative.split("/")):
        return None
    candidate = (root / relative).resolve()
    if candidate.is_dir():
        candidate = candidate / "index.html"
    if not candidate.is_relative_to(root) or not candidate.is_file():
        return None
    return candidate


def not_modified(if_none_match: str | None, if_modified_since: str | None,
                 etag: str, mtime: int) -> bool:
    """True when the conditional request headers say the client copy is current (RFC 9110)."""
    if if_none_match is not None:  # takes precedence over If-Modified-Since
        tags = [t.strip().removeprefix("W/") for t in if_none_match.split(",")]
        return "*" in tags or etag in tags
    if if_modified_since:
        try:
            since = email.utils.parsedate_to_datetime(if_modified_since)
        except (TypeError, ValueError, IndexError):
            return False
        return since is not None and mtime <= since.timestamp()
    return False


def content_type(file: Path, body: bytes) -> str:
    """Content-Type for a served file; feeds are told apart by their root element and declared encoding."""
    suffix = file.suffix.lower()
    if suffix == ".xml":
        head = body[:1024]
        match = _XML_ENCODING.search(head)
        charset = match.group(1).decode("ascii").lower() if match else "utf-8"
        if b"<feed" in head:
            kind = "application/atom+xml"
        elif b"<rss" in head or b"<rdf:RDF" in head:
            kind = "application/rss+xml"
        else:
            kind = "application/xml"
        return f"{kind}; charset={charset}"
    if suffix in (".html", ".htm"):
        return "text/html; charset=utf-8"
    if suffix in (".txt", ".md"):
        return "text/plain; charset=utf-8"
    return mimetypes.guess_type(file.name)[0] or "application/octet-stream"


def start(host: str = "127.0.0.1", port: int = 0, *, verbose: bool = False,
          slow_delay: float = SLOW_DELAY, root: Path = SOURCES_DIR) -> tuple[DemoServer, str]:
    """Start the server in a daemon thread; return it (stop with `shutdown()`) and its base URL."""
    server = DemoServer((host, port), root=root, slow_delay=slow_delay, verbose=verbose)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.2},
                              name="vigie-demo-server", daemon=True)
    thread.start()
    bound_host, bound_port = server.server_address[:2]
    return server, f"http://{bound_host}:{bound_port}"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m demo.server",
                                     description="Serve the Vigie demo sources on a local port.")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--verbose", action="store_true", help="log each request to stderr")
    args = parser.parse_args(argv)
    server, base_url = start(args.host, args.port, verbose=args.verbose)
    print(f"Vigie demo sources served at {base_url}/ (Ctrl-C to stop)", flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        server.shutdown()
        server.server_close()


if __name__ == "__main__":
    main()
