"""`run.py serve` (no Telegram token) answers on `[web] listen`; the RFC 8058 POST works
against it without a browser, and SIGTERM stops it."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx

from config import load_config
from store import Subscriber, open_store
from tests.web.conftest import write_config

ROOT = Path(__file__).resolve().parents[2]


def test_serve_runs_the_web_server(tmp_path):
    cfg = write_config(tmp_path, None)
    config = load_config(cfg)
    with open_store(config.data_dir) as store, store.writing():
        store.subscribers.put(Subscriber(id="em-x@example.org", channel="email", address="x@example.org",
                                         unsubscribe_token="k" * 24))
    env = {k: v for k, v in os.environ.items() if k != "VIGIE_TELEGRAM_TOKEN"}
    proc = subprocess.Popen([sys.executable, str(ROOT / "run.py"), "--config", str(cfg), "serve",
                             "--no-fetch-at-start"], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    base = f"http://{config.web.listen}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                health = httpx.get(f"{base}/sante", timeout=2)
                break
            except httpx.TransportError:
                assert time.monotonic() < deadline and proc.poll() is None, "serve did not open its port"
                time.sleep(0.2)
        assert health.status_code == 200 and health.json()["last_week_sent"]["email"] is None
        one_click = httpx.post(f"{base}/desabonnement?jeton={'k' * 24}", content=b"List-Unsubscribe=One-Click",
                               headers={"Content-Type": "application/x-www-form-urlencoded"}, timeout=5)
        assert one_click.status_code == 200
    finally:
        proc.send_signal(signal.SIGTERM)
        out = proc.communicate(timeout=60)[0]
    assert proc.returncode == 0, out
    assert "web server on http://127.0.0.1:" in out
    with open_store(config.data_dir) as store:
        assert not store.subscribers.get("em-x@example.org").active
