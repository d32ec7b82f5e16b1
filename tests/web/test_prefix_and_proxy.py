"""`[web] base_url` with a path prefix, and client addresses behind a trusted proxy."""
from __future__ import annotations

from config import load_config
from store import open_store
from tests.digest.helpers import make_store
from tests.web.conftest import WebServer, csrf_of, write_config


def test_routes_live_under_the_base_url_path(tmp_path):
    config = load_config(write_config(tmp_path, None, base_url="https://example.org/vigie"))
    make_store(config.data_dir).close()
    store = open_store(config.data_dir)
    with WebServer(config, store) as site, site.client() as client:
        home = client.get("/vigie/")
        assert home.status_code == 200 and 'action="/vigie/abonnement"' in home.text
        assert client.get("/vigie/sante").status_code == 200
        assert client.get("/vigie").headers["location"] == "/vigie/"
        assert client.get("/sante").status_code == 404
    store.close()


def test_rate_limit_uses_forwarded_address_only_when_trusted(tmp_path, smtp):
    config = load_config(write_config(tmp_path, smtp.port, web_extra="trust_forwarded_for = true\n"
                                                                       "signups_per_client = 2"))
    make_store(config.data_dir).close()
    store = open_store(config.data_dir)
    with WebServer(config, store) as site, site.client() as client:
        token = csrf_of(client.get("/").text)

        def sign_up(n, via):
            return client.post("/abonnement", data={"email": f"x{n}@example.org", "csrf": token},
                               headers={"X-Forwarded-For": f"203.0.113.9, {via}"}).status_code

        # the proxy's own hop (the last one) is the visitor; the part before it is theirs to forge
        assert [sign_up(1, "198.51.100.1"), sign_up(2, "198.51.100.1"), sign_up(3, "198.51.100.1")] == [200, 200, 429]
        assert sign_up(4, "198.51.100.2") == 200
    store.close()
