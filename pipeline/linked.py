"""A Telegram chat and the e-mail subscription its user linked with /email, kept together.

The bot's /regions and /themes change both records (the e-mail one follows the Telegram
one), and /desabonner asks which channel to stop when the chat has a linked e-mail
subscription. Subscription records themselves are handled by `pipeline.subscriptions`.
"""
from __future__ import annotations

from pipeline.subscriptions import SubscriptionError, telegram_id, toggle
from store import Store, Subscriber

CHANNELS = ("telegram", "email", "all")


def linked_emails(store: Store, user_id: int | None, active: bool = True) -> list[Subscriber]:
    """The e-mail subscriptions this Telegram user asked for (active ones by default)."""
    if user_id is None:
        return []
    return [s for s in store.subscribers.all() if s.channel == "email" and s.telegram_user == user_id
            and (s.active or not active)]


def toggle_linked(store: Store, chat_id: int | str, user_id: int | None, kind: str,
                  code: str) -> tuple[Subscriber, list[Subscriber]]:
    """Toggle a region or theme of the chat's subscription, then give its linked e-mail
    subscriptions the same choices; returns the Telegram record and the e-mail ones."""
    subscriber = toggle(store, telegram_id(chat_id), kind, code)
    with store.writing():
        emails = linked_emails(store, user_id)
        for email in emails:
            email.regions, email.themes = list(subscriber.regions), list(subscriber.themes)
            email.nationwide = subscriber.nationwide
            store.subscribers.put(email)
    return subscriber, emails


def unsubscribe_channels(store: Store, chat_id: int | str, user_id: int | None, which: str) -> list[str]:
    """Stop the chat's Telegram digest ('telegram'), its linked e-mail ones ('email') or
    both ('all'); returns what was stopped ('telegram', then the e-mail addresses)."""
    if which not in CHANNELS:
        raise SubscriptionError(f"Choix inconnu : {which}")
    stopped = []
    with store.writing():
        targets = []
        if which in ("telegram", "all"):
            targets.append(store.subscribers.get(telegram_id(chat_id)))
        if which in ("email", "all"):
            targets.extend(linked_emails(store, user_id))
        for subscriber in targets:
            if subscriber is not None and subscriber.active:
                subscriber.active = False
                store.subscribers.put(subscriber)
                stopped.append("telegram" if subscriber.channel == "telegram" else subscriber.address)
    return stopped
