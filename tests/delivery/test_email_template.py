"""EmailTemplate: a subscriber's copy is byte for byte the message built for them alone."""
import dataclasses

import pytest

from config import load_config
from delivery.email.mime import encode_base64
from digest.build import build_week, personalise
from pipeline.digest import digest_key, email_template, render_email
from store import Subscriber
from tests.digest.helpers import NOW, WEEK, email_toml, make_store, subscriber


@pytest.fixture
def setup(tmp_path):
    path = tmp_path / "config.toml"
    path.write_text('[vigie]\ndata_dir = "data"\n' + email_toml(2525) +
                    '\n[web]\nbase_url = "https://veille.example.org"\n', encoding="utf-8")
    config = load_config(path)
    store = make_store(config.data_dir)
    week = build_week(store, WEEK, config.timezone)
    yield config, week
    store.close()


def same_boundary(data: bytes) -> bytes:
    """The message with its random MIME boundary replaced by a fixed one."""
    import email
    boundary = email.message_from_bytes(data).get_boundary().encode()
    return data.replace(boundary, b"BOUNDARY")


def safe(address: str, token: str, **filters) -> Subscriber:
    return dataclasses.replace(subscriber("email", address, **filters), unsubscribe_token=token)


@pytest.mark.parametrize("token", ["Zq3-_xY9aBcDeFgHiJkLmNoP", "a", "t" * 64])
def test_copy_equals_the_message_built_for_the_subscriber(setup, token):
    config, week = setup
    sub = safe("alice.martin+veille@example.org", token, regions=["FR-NOR"])
    digest = personalise(week, sub)
    template = email_template(config, digest, NOW)
    assert template is not None
    copy = template.render(sub.id, sub.address, sub.unsubscribe_token)
    assert same_boundary(copy) == same_boundary(bytes(render_email(config, digest, sub, NOW)))


def test_subscribers_with_the_same_stories_share_a_template(setup):
    config, week = setup
    subs = [safe(f"user{i}@example.org", f"tok{i}AbC") for i in range(3)]
    digests = [personalise(week, s) for s in subs]
    assert len({digest_key(d) for d in digests}) == 1
    template = email_template(config, digests[0], NOW)
    copies = [template.render(s.id, s.address, s.unsubscribe_token) for s in subs]
    assert [same_boundary(c) for c in copies] == [same_boundary(bytes(render_email(config, d, s, NOW)))
                                                  for s, d in zip(subs, digests)]
    assert len(set(copies)) == 3 and all(b"tok%dAbC" % i in copies[i] for i in range(3))


def test_different_stories_have_different_keys(setup):
    _, week = setup
    keys = {digest_key(personalise(week, safe("a@example.org", "t", regions=[r]))) for r in ("FR-NOR", "FR-BRE")}
    assert len(keys) == 2


@pytest.mark.parametrize("address,token", [
    ("élodie@example.org", "tok"),                     # non-ASCII address
    ("a" * 60 + "@example.org", "tok"),                # long enough to be folded
    ("bob@example.org", "tok-bob@example.org"),        # a token URLs and HTML would escape
    ("bob@example.org", ""),
])
def test_values_that_could_serialise_differently_are_refused(setup, address, token):
    config, week = setup
    template = email_template(config, personalise(week, None), NOW)
    assert template.render("em-x", address, token) is None


def test_base64_matches_the_email_package():
    from email.message import EmailMessage
    raw = ("é" * 1000 + "\n").encode()
    msg = EmailMessage()
    msg.set_content(raw.decode(), cte="base64")
    assert encode_base64(raw).decode() == msg.get_payload()
    assert encode_base64(raw, b"\r\n") == encode_base64(raw).replace(b"\n", b"\r\n")
