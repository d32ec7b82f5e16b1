"""Staff: `subscribers add --email` sends the confirmation unless --confirmed;
`subscribers remove ADDRESS|CHAT_ID|ID`."""
from __future__ import annotations

from cli.main import main as vigie
from store import Subscriber, open_store
from tests.web.conftest import write_config


def _get(config_path, sid):
    from config import load_config
    with open_store(load_config(config_path).data_dir) as store:
        return store.subscribers.get(sid)


def test_add_email_sends_confirmation_unless_confirmed(tmp_path, smtp, capsys):
    cfg = write_config(tmp_path, smtp.port)
    args = ["--config", str(cfg), "subscribers", "add"]
    assert vigie(args + ["--email", "Rh@Example.org", "--regions", "FR-NOR"]) == 0
    [message] = smtp.messages_to("rh@example.org")
    assert "/confirmer?jeton=" in message.get_body(("plain",)).get_content()
    sub = _get(cfg, "em-rh@example.org")
    assert not sub.confirmed and sub.regions == ["FR-NOR"]
    assert vigie(args + ["--email", "dg@example.org", "--confirmed"]) == 0
    assert smtp.messages_to("dg@example.org") == [] and _get(cfg, "em-dg@example.org").confirmed


def test_remove_by_address_chat_id_or_id(tmp_path, capsys):
    cfg = write_config(tmp_path, None)
    base = ["--config", str(cfg), "subscribers"]
    assert vigie(base + ["add", "--email", "a@example.org"]) == 0
    assert vigie(base + ["add", "--telegram", "4242"]) == 0
    assert vigie(base + ["add", "--email", "b@example.org"]) == 0
    assert vigie(base + ["remove", "A@example.org"]) == 0
    assert vigie(base + ["remove", "4242"]) == 0
    assert vigie(base + ["remove", "em-b@example.org"]) == 0
    assert vigie(base + ["remove", "nobody@example.org"]) == 1
    for sid in ("em-a@example.org", "tg-4242", "em-b@example.org"):
        assert _get(cfg, sid) is None
    assert Subscriber.make_id("email", "x") == "em-x"
