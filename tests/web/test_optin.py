"""Sign-up, double opt-in by link, preferences and one-click unsubscribe over real HTTP."""
from __future__ import annotations

import datetime as dt
import re

from pipeline.optin import LINK_LIFETIME
from store import Subscriber
from tests.web.conftest import csrf_of, link_in

ADDRESS = "claire@example.org"


def _sign_up(client, address=ADDRESS, extra=None):
    token = csrf_of(client.get("/").text)
    data = {"email": address, "regions": ["FR-NOR", "FR-BRE"], "themes": ["event"], "national": "on",
            "csrf": token, **(extra or {})}
    return client.post("/abonnement", data=data)


def _stored(site, address=ADDRESS) -> Subscriber | None:
    with site.store.writing():
        return site.store.subscribers.get(Subscriber.make_id("email", address))


def test_sign_up_confirm_by_post_only(site, smtp):
    with site.client() as client:
        answer = _sign_up(client)
        assert answer.status_code == 200 and "Vérifiez votre boîte" in answer.text
        [message] = smtp.messages_to(ADDRESS)
        link = link_in(message, "/confirmer")
        assert link.startswith("https://veille.example.org/confirmer?jeton=")
        token = link.split("jeton=")[1]
        assert len(token) >= 32                      # 24 random bytes, url-safe base64
        pending = _stored(site)
        assert not pending.confirmed and pending.regions == ["FR-BRE", "FR-NOR"] and pending.themes == ["event"]
        # a link scanner only GETs: it sees a button and confirms nothing
        for _ in range(2):
            page = client.get(site.local(link))
            assert page.status_code == 200 and "Confirmer mon abonnement" in page.text
        assert not _stored(site).confirmed
        done = client.post("/confirmer", data={"jeton": token, "csrf": csrf_of(page.text)})
        assert done.status_code == 200 and "Abonnement confirmé" in done.text
        assert _stored(site).confirmed and _stored(site).active
        # single use
        again = client.post("/confirmer", data={"jeton": token, "csrf": csrf_of(page.text)})
        assert again.status_code == 404 and "pas ou plus valable" in again.text
        assert client.get(site.local(link)).status_code == 404


def test_expired_and_unknown_tokens_say_nothing_more(site, smtp):
    with site.client() as client:
        _sign_up(client)
        token = link_in(smtp.messages_to(ADDRESS)[0], "/confirmer").split("jeton=")[1]
        with site.store.writing():
            sub = site.store.subscribers.get(Subscriber.make_id("email", ADDRESS))
            sub.link_expires = (dt.datetime.now(dt.timezone.utc) - dt.timedelta(seconds=1)).isoformat()
            site.store.subscribers.put(sub)
        page = client.get(f"/confirmer?jeton={token}")
        unknown = client.get("/confirmer?jeton=" + "A" * 32)
        assert page.status_code == unknown.status_code == 404
        assert re.sub(r"csrf\" value=\"[^\"]+", "", page.text) == re.sub(r"csrf\" value=\"[^\"]+", "", unknown.text)
        form = csrf_of(client.get("/").text)
        assert client.post("/confirmer", data={"jeton": token, "csrf": form}).status_code == 404
        assert not _stored(site).confirmed
    assert LINK_LIFETIME == dt.timedelta(hours=48)


def test_no_enumeration(site, smtp):
    with site.store.writing():
        site.store.subscribers.put(Subscriber(id=Subscriber.make_id("email", "deja@example.org"), channel="email",
                                              address="deja@example.org", unsubscribe_token="t" * 24))
    with site.client() as client:
        known = _sign_up(client, "deja@example.org")
        new = _sign_up(client, "nouvelle@example.org")
        pending = _sign_up(client, "nouvelle@example.org")      # asked again at once
    strip = lambda html: re.sub(r'name="csrf" value="[^"]+"', "", html)   # noqa: E731
    assert known.status_code == new.status_code == pending.status_code == 200
    assert strip(known.text) == strip(new.text) == strip(pending.text)
    assert smtp.messages_to("deja@example.org") == []           # already subscribed: nothing sent
    assert len(smtp.messages_to("nouvelle@example.org")) == 1   # one e-mail, not two
    assert _stored(site, "deja@example.org").confirmed


def test_csrf_is_required_on_forms(site, smtp):
    with site.client() as client:
        client.get("/")
        forged = client.post("/abonnement", data={"email": ADDRESS, "csrf": "x" * 43})
        assert forged.status_code == 403
    with site.client() as stranger:      # no cookie at all (another site's form)
        assert stranger.post("/abonnement", data={"email": ADDRESS, "csrf": "x" * 43}).status_code == 403
        assert stranger.post("/confirmer", data={"jeton": "x"}).status_code == 403
        assert stranger.post("/preferences", data={"jeton": "x"}).status_code == 403
    assert smtp.messages_to(ADDRESS) == [] and _stored(site) is None


def test_rate_limits_per_client_and_per_address(site, smtp):
    with site.client() as client:
        answers = [_sign_up(client, f"p{n}@example.org") for n in range(6)]
    assert [a.status_code for a in answers] == [200] * 5 + [429]
    assert "Trop de demandes" in answers[-1].text


def test_flood_on_one_victim_sends_few_emails(site, smtp):
    victim = "victime@example.org"
    for n in range(5):
        with site.client(headers={}) as client:
            # the store's cooldown and the per-address limit: different clients, one address
            with site.store.writing():
                sub = site.store.subscribers.get(Subscriber.make_id("email", victim))
                if sub is not None:
                    sub.confirm_sent_at = "2000-01-01T00:00:00+00:00"
                    site.store.subscribers.put(sub)
            site.app[__import__("web.keys", fromlist=["CLIENT_LIMIT"]).CLIENT_LIMIT].events.clear()
            assert _sign_up(client, victim).status_code == 200
    assert len(smtp.messages_to(victim)) == site.config.web.signups_per_address == 3


def test_honeypot_and_body_cap(site, smtp):
    with site.client() as client:
        answer = _sign_up(client, extra={"site_web": "http://spam.example"})
        assert answer.status_code == 200 and "Vérifiez votre boîte" in answer.text
        assert smtp.messages_to(ADDRESS) == [] and _stored(site) is None
        huge = client.post("/abonnement", content=b"email=" + b"a" * 100_000,
                           headers={"Content-Type": "application/x-www-form-urlencoded"})
        assert huge.status_code == 413


def test_values_are_escaped(site, smtp):
    with site.client() as client:
        evil = '"><script>alert(1)</script>@example.org'
        answer = _sign_up(client, evil)
        assert "<script>alert(1)</script>" not in answer.text
        page = client.get('/confirmer?jeton="><script>alert(1)</script>')
        assert "<script>" not in page.text


def test_preferences_and_one_click_unsubscribe(site, smtp):
    token = "m" * 24
    with site.store.writing():
        site.store.subscribers.put(Subscriber(id=Subscriber.make_id("email", ADDRESS), channel="email",
                                              address=ADDRESS, unsubscribe_token=token))
    with site.client() as client:
        page = client.get(f"/preferences?jeton={token}")
        assert page.status_code == 200 and ADDRESS in page.text
        saved = client.post("/preferences", data={"jeton": token, "csrf": csrf_of(page.text), "regions": ["FR-OCC"],
                                                  "themes": ["study", "charter"], "action": "enregistrer"})
        assert saved.status_code == 200 and "enregistrées" in saved.text
        sub = _stored(site)
        assert (sub.regions, sub.themes, sub.nationwide) == (["FR-OCC"], ["charter", "study"], False)
        assert "Me désabonner" in client.get(f"/desabonnement?jeton={token}").text
    assert _stored(site).active                      # GET never unsubscribes
    # RFC 8058: a bare POST, no cookie, no CSRF token; 200 each time
    for _ in range(2):
        answer = httpx.post(f"{site.url}/desabonnement?jeton={token}", content=b"List-Unsubscribe=One-Click",
                            headers={"Content-Type": "application/x-www-form-urlencoded"})
        assert answer.status_code == 200 and "set-cookie" not in answer.headers
        assert not _stored(site).active
    multipart = httpx.post(f"{site.url}/desabonnement?jeton={token}", files={"List-Unsubscribe": (None, "One-Click")})
    assert multipart.status_code == 200        # RFC 8058 allows multipart/form-data too
    as_browser = httpx.post(f"{site.url}/desabonnement?jeton={token}", data={"List-Unsubscribe": "One-Click"},
                            headers={"Accept": "text/html"})
    assert as_browser.status_code == 200 and "Vous êtes désabonné" in as_browser.text
    assert "set-cookie" not in as_browser.headers
    assert httpx.post(f"{site.url}/desabonnement?jeton=inconnu", data={"List-Unsubscribe": "One-Click"}).status_code == 404
    assert httpx.post(f"{site.url}/desabonnement?jeton={token}", data={}).status_code == 400


import httpx  # noqa: E402  (used above in the RFC 8058 test)


def test_concurrent_one_click_requests_are_group_committed(site):
    import concurrent.futures
    tokens = [f"{n:04d}" + "c" * 24 for n in range(30)]
    with site.store.writing():
        site.store.subscribers.put_many([Subscriber(id=f"em-c{n}@example.org", channel="email",
                                                    address=f"c{n}@example.org", unsubscribe_token=t)
                                         for n, t in enumerate(tokens)])

    def one_click(token):
        return httpx.post(f"{site.url}/desabonnement?jeton={token}", content=b"List-Unsubscribe=One-Click",
                          headers={"Content-Type": "application/x-www-form-urlencoded"}, timeout=30).status_code

    with concurrent.futures.ThreadPoolExecutor(12) as pool:
        codes = list(pool.map(one_click, tokens + tokens[:10] + ["inconnu" * 4]))
    assert codes == [200] * 40 + [404]
    with site.store.writing():
        assert not any(s.active for s in site.store.subscribers.all() if s.id.startswith("em-c"))
