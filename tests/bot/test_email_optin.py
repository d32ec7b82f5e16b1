"""The e-mail double opt-in through the bot, with a real SMTP server (aiosmtpd)."""
import re

from bot import replies
from store import Subscriber
from tests.bot.conftest import USER
from tests.bot.data import week_store
from tests.digest.helpers import SMTPSink

ALICE = Subscriber.make_id("email", "alice@example.org")


def test_code_by_email_then_confirmed(bot_config, start_bot, fake):
    with SMTPSink() as sink:
        config = bot_config(smtp_port=sink.port)
        store = week_store(config.data_dir)
        bot = start_bot(config, store)
        bot.send(USER, "/start")
        bot.send(USER, "/regions")
        bot.tap(USER, bot.last_message(USER)["message_id"], "r:FR-NOR")

        assert bot.texts(USER, "/email") == [replies.EMAIL_USAGE]
        [text] = bot.texts(USER, "/email pas-une-adresse")
        assert "n'est pas une adresse électronique valide" in text and not sink.messages
        [text] = bot.texts(USER, "/email Alice@Example.org")
        assert "Un code de confirmation a été envoyé à <b>alice@example.org</b>" in text
        [(recipients, message)] = sink.messages
        assert recipients == ["alice@example.org"]
        assert message["Subject"] == "Vigie — votre code de confirmation"
        assert message["From"] == "Vigie <veille@vigie.example.org>"
        body = message.get_content()
        code = re.search(r"code de confirmation : (\d{6})", body).group(1)
        assert f"/confirmer {code}" in body

        pending = store.subscribers.get(ALICE)
        assert not pending.confirmed and pending.regions == ["FR-NOR"]
        assert ALICE not in [s.id for s in store.subscribers.all(active_only=True)]

        wrong = "000000" if code != "000000" else "111111"
        [text] = bot.texts(USER, f"/confirmer {wrong}")
        assert text == "⚠️ Code de confirmation inconnu ou expiré."
        assert bot.texts(USER, "/confirmer") == [replies.CONFIRM_USAGE]
        [text] = bot.texts(99, f"/confirmer {code}")                    # another Telegram user
        assert text == "⚠️ Code de confirmation inconnu ou expiré."
        assert not store.subscribers.get(ALICE).confirmed

        [text] = bot.texts(USER, f"/confirmer {code}")
        assert "Adresse <b>alice@example.org</b> confirmée" in text
        confirmed = store.subscribers.get(ALICE)
        assert confirmed.confirmed and confirmed.active and confirmed.confirm_token is None
        assert ALICE in [s.id for s in store.subscribers.all(active_only=True)]
        [text] = bot.texts(USER, f"/confirmer {code}")                   # a code works once
        assert text.startswith("⚠️")
        [text] = bot.texts(USER, "/email alice@example.org")
        assert text == "⚠️ Cette adresse est déjà abonnée."


def test_email_not_configured(bot_config, start_bot, fake):
    config = bot_config()
    store = week_store(config.data_dir)
    bot = start_bot(config, store)
    assert bot.texts(USER, "/email alice@example.org") == [replies.EMAIL_UNAVAILABLE]
    assert store.subscribers.get(ALICE) is None


def test_smtp_down_says_so(bot_config, start_bot, fake):
    config = bot_config(smtp_port=1)                                     # nothing listens there
    store = week_store(config.data_dir)
    bot = start_bot(config, store)
    assert bot.texts(USER, "/email alice@example.org") == [replies.EMAIL_SEND_FAILED]


def test_guessing_the_code_is_hopeless(tmp_path):
    """200 wrong codes, then the right one: the address is not confirmed (5 tries a code)."""
    from pipeline.subscriptions import SubscriptionError, confirm_email, request_email
    from store import open_store

    store = open_store(tmp_path)
    code = request_email(store, USER, "victim@example.org", user_id=USER).confirm_token
    wrong = (f"{n:06d}" for n in range(1000000) if f"{n:06d}" != code)
    refusals = []
    for _ in range(200):
        try:
            confirm_email(store, next(wrong), user_id=USER)
        except SubscriptionError as exc:
            refusals.append(str(exc))
    assert len(refusals) == 200 and "Trop d'essais" in refusals[4]
    try:
        confirm_email(store, code, user_id=USER)
        raise AssertionError("confirmed by brute force")
    except SubscriptionError:
        pass
    victim = open_store(tmp_path).subscribers.get(Subscriber.make_id("email", "victim@example.org"))
    assert not victim.confirmed and victim.confirm_token is None      # void: a new code is needed


def test_five_tries_per_code_then_a_new_one_is_needed(bot_config, start_bot, fake):
    with SMTPSink() as sink:
        config = bot_config(smtp_port=sink.port)
        store = week_store(config.data_dir)
        bot = start_bot(config, store)
        bot.send(USER, "/start")
        bot.texts(USER, "/email alice@example.org")
        code = re.search(r"code de confirmation : (\d{6})", sink.messages[-1][1].get_content()).group(1)
        wrong = "000000" if code != "000000" else "111111"
        for _ in range(4):
            assert bot.texts(USER, f"/confirmer {wrong}") == ["⚠️ Code de confirmation inconnu ou expiré."]
        [text] = bot.texts(USER, f"/confirmer {wrong}")                 # the fifth wrong try
        assert "Trop d'essais" in text and "/email" in text
        [text] = bot.texts(USER, f"/confirmer {code}")
        assert text.startswith("⚠️") and not store.subscribers.get(ALICE).confirmed


def test_the_right_code_on_the_fifth_try_confirms(tmp_path):
    from pipeline.subscriptions import SubscriptionError, confirm_email, request_email
    from store import open_store

    store = open_store(tmp_path)
    code = request_email(store, USER, "alice@example.org", user_id=USER).confirm_token
    for wrong in ("1", "22", "333", "4444"):
        try:
            confirm_email(store, wrong, user_id=USER)
        except SubscriptionError:
            pass
    assert confirm_email(store, code, user_id=USER).confirmed
