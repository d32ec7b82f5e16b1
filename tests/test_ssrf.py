"""No internal address is ever fetched: article links, redirects, every address spelling.

Two real servers on 127.0.0.1: the configured source (allowed on purpose with
`allow_private = true`, which trusts that feed URL's own host and port only) and an
"internal" server on another port whose pages must never be requested.
"""
import asyncio
import datetime as dt
import ipaddress

import pytest

from config import load_config
from pipeline.fetch import run_fetch
from scrapers.addresses import AddressPolicy, AddressRefused, refusal_reason
from store import open_store
from tests.httpserver import FixtureServer, Reply

NOW = dt.datetime(2026, 11, 20, 12, 0, tzinfo=dt.timezone.utc)
HTML = {"Content-Type": "text/html; charset=utf-8"}
SECRET = b"<html><head><title>Recrutement infirmiers : forum secret interne</title></head><body><article>" \
         b"<h1>Recrutement infirmiers : forum secret interne</h1><p>" + b"Mot de passe interne du serveur. " * 30 \
         + b"</p></article></body></html>"


@pytest.fixture
def internal():
    srv = FixtureServer()
    for n in range(12):
        srv.route(f"/secret{n}", Reply(body=SECRET, headers=HTML))
    yield srv
    srv.close()


def write_config(tmp_path, feeds: str, fetch_extra: str = ""):
    (tmp_path / "config.toml").write_text(
        '[vigie]\ndata_dir = "data"\n\n[fetch]\nuser_agent = "Vigie-test/0.1 (+mailto:test@example.org)"\n'
        "connect_timeout = 1\nread_timeout = 1\ntotal_timeout = 5\nper_host_delay = 0\nretries = 0\n"
        + fetch_extra + "\n" + feeds, encoding="utf-8")
    return load_config(tmp_path / "config.toml")


def listing(links: list[str]) -> bytes:
    items = "".join(f'<div class="item"><h2><a href="{href}">Recrutement soignants {n}</a></h2></div>'
                    for n, href in enumerate(links))
    return f"<html><body>{items}</body></html>".encode()


def html_feed(url: str, allow_private: bool) -> str:
    return (f'[[feeds]]\nname = "Agence"\nurl = "{url}"\nkind = "html"\n'
            + ("allow_private = true\n" if allow_private else "")
            + 'selectors = { items = ".item", link = "a", title = "h2" }\n')


def fetch(config):
    with open_store(config.data_dir) as store:
        reports = run_fetch(config, store, list(config.feeds), now=NOW)
        articles = list(store.articles.iter())
    return {r.name: r for r in reports}, articles


def every_address_form(port: int) -> list[str]:
    return [
        f"http://127.0.0.1:{port}/secret0",
        f"//127.0.0.1:{port}/secret1",                  # scheme-relative
        f"http://localhost:{port}/secret2",
        f"http://[::1]:{port}/secret3",
        f"http://[::ffff:127.0.0.1]:{port}/secret4",    # IPv4-mapped IPv6
        f"http://2130706433:{port}/secret5",            # decimal
        f"http://0x7f.0.0.1:{port}/secret6",            # hexadecimal
        f"http://0177.0.0.1:{port}/secret7",            # octal
        f"http://127.1:{port}/secret8",                 # short form
        "http://169.254.169.254/latest/meta-data/",     # cloud metadata
        "http://[fd00:ec2::254]/latest/meta-data/",     # cloud metadata over IPv6
        f"http://0.0.0.0:{port}/secret9",
        "/go-inside",                                   # same (trusted) origin, redirects inside
    ]


@pytest.mark.parametrize("switch", ["per-feed", "global"])
def test_links_to_internal_addresses_are_refused_and_left_out(tmp_path, server, internal, switch):
    links = ["/public-page"] + every_address_form(internal.port)
    server.route("/news", Reply(body=listing(links), headers=HTML))
    server.route("/public-page", Reply(body=b"<html><body><article><h1>Forum emploi soignant</h1><p>"
                                       + b"Un forum pour recruter des aides-soignants. " * 20
                                       + b"</p></article></body></html>", headers=HTML))
    server.route("/go-inside", Reply(302, headers={"Location": internal.url("/secret10")}))
    if switch == "per-feed":
        config = write_config(tmp_path, html_feed(server.url("/news"), allow_private=True))
    else:
        config = write_config(tmp_path, html_feed(server.url("/news"), allow_private=False),
                              "allow_private_addresses = true\n")
    reports, articles = fetch(config)

    assert internal.hits == []                       # not one request reached the internal server
    assert [a.url for a in articles] == [server.url("/public-page")]
    assert "Forum emploi soignant" == articles[0].title
    assert not any(b"secret" in (a.text + a.title).encode() for a in articles)
    report = reports["Agence"]
    assert report.outcome == "new" and report.new == 1
    refused = [w for w in report.warnings if "refused" in w]
    assert len(refused) == len(every_address_form(internal.port)), report.warnings
    assert any("loopback" in w and "localhost" in w for w in refused)
    assert any("cloud metadata" in w and "169.254.169.254" in w for w in refused)
    assert any("secret10" not in w and "go-inside" in w for w in refused)   # refused at the redirect hop


def test_a_feed_on_an_internal_address_needs_the_switch(tmp_path, server):
    server.route("/news", Reply(body=listing(["/a"]), headers=HTML))
    config = write_config(tmp_path, html_feed(server.url("/news"), allow_private=False))
    reports, articles = fetch(config)
    assert reports["Agence"].outcome == "failed" and articles == []
    assert "refused: 127.0.0.1 is a loopback address" in reports["Agence"].reason
    assert "allow_private = true" in reports["Agence"].reason
    assert server.hits == []


def test_a_trusted_feed_redirecting_to_another_internal_origin_is_refused(tmp_path, server, internal):
    server.route("/rss.xml", Reply(301, headers={"Location": internal.url("/secret11")}))
    config = write_config(tmp_path, f'[[feeds]]\nname = "Echo"\nurl = "{server.url("/rss.xml")}"\n'
                                    "allow_private = true\n")
    reports, articles = fetch(config)
    assert reports["Echo"].outcome == "failed" and "loopback" in reports["Echo"].reason
    assert internal.hits == [] and articles == []


def test_internal_robots_txt_is_not_fetched_for_a_refused_link(tmp_path, server, internal):
    server.route("/news", Reply(body=listing([internal.url("/secret0")]), headers=HTML))
    config = write_config(tmp_path, html_feed(server.url("/news"), allow_private=True))
    fetch(config)
    assert internal.hits == []


@pytest.mark.parametrize("address, reason", [
    ("127.0.0.1", "loopback"), ("::1", "loopback"), ("10.1.2.3", "private"), ("192.168.0.1", "private"),
    ("172.16.5.4", "private"), ("169.254.169.254", "cloud metadata"), ("fd00:ec2::254", "cloud metadata"),
    ("169.254.10.1", "link-local"), ("fe80::1", "link-local"), ("224.0.0.251", "multicast"),
    ("ff02::1", "multicast"), ("0.0.0.0", "unspecified"), ("::", "unspecified"), ("100.64.0.1", "shared"),
    ("240.0.0.1", "reserved"), ("::ffff:127.0.0.1", "loopback"), ("::ffff:10.0.0.1", "private"),
    ("2002:7f00:1::", "loopback"), ("64:ff9b::a9fe:a9fe", "cloud metadata"), ("fc00::1", "private"),
])
def test_address_policy_refuses_every_internal_range(address, reason):
    assert reason in refusal_reason(ipaddress.ip_address(address))


@pytest.mark.parametrize("address", ["93.184.215.14", "2606:2800:21f:cb07:6820:80da:af6b:8b2c", "8.8.8.8"])
def test_address_policy_accepts_public_addresses(address):
    assert refusal_reason(ipaddress.ip_address(address)) is None


def test_names_are_checked_after_resolution():
    policy = AddressPolicy()
    with pytest.raises(AddressRefused, match="localhost .*loopback"):
        asyncio.run(policy.addresses("localhost", 80))
    with pytest.raises(AddressRefused, match="loopback"):
        asyncio.run(policy.addresses("0x7f.0.0.1", 80))
