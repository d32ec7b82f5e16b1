import textwrap
from pathlib import Path

import pytest

from config import load_config
from tests.httpserver import FixtureServer

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture
def server():
    srv = FixtureServer()
    yield srv
    srv.close()


@pytest.fixture
def make_config(tmp_path):
    """Write a config.toml with fast test settings plus the given [[feeds]] text; load it.
    Retries are quick and the cycle waits for them (`retry_window = 1`; 0 by default)."""
    def make(feeds_toml: str, fetch: dict | None = None, store_extra: str = ""):
        settings = {"user_agent": '"Vigie-test/0.1 (+mailto:test@example.org)"', "connect_timeout": 1,
                    "read_timeout": 1, "total_timeout": 5, "per_host_delay": 0, "retries": 1,
                    "backoff": 0.05, "retry_window": 1, "respect_robots": "true", "max_body_bytes": 200000,
                    "allow_private_addresses": "true"}  # the test server is on 127.0.0.1
        settings.update(fetch or {})
        fetch_toml = "\n".join(f"{k} = {v}" for k, v in settings.items())
        text = f"[vigie]\ndata_dir = \"data\"\n\n[fetch]\n{fetch_toml}\n\n[store]\n{store_extra}\n" \
            + textwrap.dedent(feeds_toml)
        path = tmp_path / "config.toml"
        path.write_text(text, encoding="utf-8")
        return load_config(path)
    return make


def fixture_bytes(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()
