"""A real Vigie web server on 127.0.0.1 (its own event loop in a thread) and a real SMTP
server (aiosmtpd) on loopback keeping the raw bytes of each message."""
from __future__ import annotations

import asyncio
import email
import email.policy
import re
import threading
from pathlib import Path

import httpx
import pytest
from aiosmtpd.controller import Controller

from config import load_config
from store import open_store
from tests.digest.helpers import free_port, make_store
from web.app import build_app, start


class RawSink:
    """aiosmtpd handler: keeps (recipients, raw bytes) of every message."""

    def __init__(self):
        self.raw: list[tuple[list[str], bytes]] = []
        self.lock = threading.Lock()
        self.port = free_port()
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        with self.lock:
            self.raw.append((list(envelope.rcpt_tos), envelope.original_content or envelope.content))
        return "250 OK"

    def messages_to(self, address: str) -> list[email.message.EmailMessage]:
        with self.lock:
            return [email.message_from_bytes(raw, policy=email.policy.default)
                    for rcpts, raw in self.raw if address in rcpts]


@pytest.fixture
def smtp():
    sink = RawSink()
    sink.controller.start()
    yield sink
    sink.controller.stop()


class WebServer:
    def __init__(self, config, store):
        self.config, self.store = config, store
        self.port = int(config.web.listen.rsplit(":", 1)[1])
        self.url = f"http://127.0.0.1:{self.port}"
        self.loop = asyncio.new_event_loop()
        self.ready = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.app = build_app(config, store)

    def _run(self):
        asyncio.set_event_loop(self.loop)
        self.runner = self.loop.run_until_complete(start(self.app, self.config.web.listen))
        self.ready.set()
        self.loop.run_forever()
        self.loop.run_until_complete(self.runner.cleanup())
        self.loop.close()

    def __enter__(self):
        self.thread.start()
        assert self.ready.wait(10), "web server did not start"
        return self

    def __exit__(self, *exc):
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(10)

    def client(self, **kw) -> httpx.Client:
        return httpx.Client(base_url=self.url, timeout=10, follow_redirects=False, **kw)

    def local(self, public_url: str) -> str:
        """A link of an e-mail (public base_url) pointed at this server."""
        return re.sub(r"^https?://[^/]+", self.url, public_url)


def write_config(tmp_path: Path, smtp_port: int | None, base_url: str = "https://veille.example.org",
                 web_extra: str = "") -> Path:
    port = free_port()
    base_url = base_url.format(port=port)      # "http://127.0.0.1:{port}": links to this very server
    text = (f'[vigie]\ndata_dir = "data"\n\n[web]\nlisten = "127.0.0.1:{port}"\nbase_url = "{base_url}"\n{web_extra}\n')
    if smtp_port:
        text += (f'\n[email]\nhost = "127.0.0.1"\nport = {smtp_port}\nsecurity = "none"\n'
                 f'from_address = "veille@vigie.example.org"\ntimeout = 5\n')
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def site(tmp_path, smtp):
    """A web server over a store holding the sample articles, e-mail on the local sink."""
    config = load_config(write_config(tmp_path, smtp.port))
    make_store(config.data_dir).close()
    store = open_store(config.data_dir)
    with WebServer(config, store) as server:
        yield server
    store.close()


def csrf_of(html: str) -> str:
    return re.search(r'name="csrf" value="([^"]+)"', html).group(1)


def link_in(message, path: str) -> str:
    text = message.get_body(("plain",)).get_content()
    return re.search(r"https?://\S+" + re.escape(path) + r"\?jeton=[\w-]+", text).group(0)
