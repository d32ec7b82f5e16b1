"""`make demo`: serve the demo sources on 127.0.0.1:8765 and run Vigie's main job on them.

Starts from a fresh data dir each time, fetches every demo source, then prints the
per-source summary, the stored articles and the stories found; then previews the week's
digest for two demo subscribers (Telegram HTML, e-mail .eml) and writes the web archive.
"""
from __future__ import annotations

import shutil
import sys
from pathlib import Path

import datetime as dt

from cli.main import main as vigie
from config import load_config
from demo import server as demo_server
from digest.weeks import current_week

CONFIG = Path(__file__).resolve().parent / "config.toml"
PORT = 8765


def main() -> int:
    config = load_config(CONFIG)
    shutil.rmtree(config.data_dir, ignore_errors=True)
    try:
        httpd, base_url = demo_server.start(port=PORT)
    except OSError as exc:
        print(f"cannot start the demo server on 127.0.0.1:{PORT}: {exc} (is another demo running?)",
              file=sys.stderr)
        return 1
    try:
        print(f"Demo sources served at {base_url} (see demo/README.md)\n")
        print("== python run.py --config demo/config.toml fetch")
        status = vigie(["--config", str(CONFIG), "fetch"])
        print("\n== python run.py --config demo/config.toml articles")
        vigie(["--config", str(CONFIG), "articles"])
        print("\n== python run.py --config demo/config.toml stories")
        vigie(["--config", str(CONFIG), "stories"])
        print("\n== demo subscribers")
        for args in (["--telegram", "1001", "--regions", "FR-NOR"],
                     ["--email", "rh@ehpad-bocage.example", "--themes", "event,recruitment,apprenticeship"]):
            vigie(["--config", str(CONFIG), "subscribers", "add", *args])
        week = current_week(dt.datetime.now(dt.timezone.utc), config.timezone)
        print(f"\n== python run.py --config demo/config.toml digest --week {week} --preview")
        vigie(["--config", str(CONFIG), "digest", "--week", week, "--preview"])
    finally:
        httpd.shutdown()
    print(f"\nData written to {config.data_dir}")
    return status


if __name__ == "__main__":
    sys.exit(main())
