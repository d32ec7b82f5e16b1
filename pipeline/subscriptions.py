"""Subscription changes, shared by the bot and the CLI: subscribe, filters, e-mail opt-in.

Every function takes the store and does its own locked write.
"""
from __future__ import annotations

import datetime as dt
import re
import secrets

from delivery.email.address import address_problem
from domain.regions import NATIONWIDE, REGION_CODES
from domain.themes import THEME_CODES
from store import Store, Subscriber
from store.subscribers import new_token

EMAIL = re.compile(r"^[^@\s<>]+@[^@\s<>]+\.[^@\s<>]+$")
CODE_DIGITS = 6
CODE_COOLDOWN = dt.timedelta(minutes=10)   # one code per address per 10 minutes
CODE_LIFETIME = dt.timedelta(hours=24)
CODE_MAX_ATTEMPTS = 5                      # tries per code, the right one included; then it is void


class SubscriptionError(Exception):
    """A request that cannot be done, with a message for the subscriber (French)."""


def _now() -> str:
    return dt.datetime.now(dt.timezone.utc).isoformat()


def telegram_id(chat_id: int | str) -> str:
    return Subscriber.make_id("telegram", str(chat_id))


def get_telegram(store: Store, chat_id: int | str) -> Subscriber | None:
    return store.subscribers.get(telegram_id(chat_id))


def subscribe_telegram(store: Store, chat_id: int | str, user_id: int | None = None) -> tuple[Subscriber, bool]:
    """Create (or reactivate) the chat's subscription; returns it and whether it is new."""
    with store.writing():
        subscriber = store.subscribers.get(telegram_id(chat_id))
        created = subscriber is None
        if created:
            subscriber = Subscriber(id=telegram_id(chat_id), channel="telegram", address=str(chat_id),
                                    created=_now(), telegram_user=user_id, unsubscribe_token=new_token())
        subscriber.active = True
        store.subscribers.put(subscriber)
    return subscriber, created


def unsubscribe(store: Store, subscriber_id: str) -> bool:
    with store.writing():
        subscriber = store.subscribers.get(subscriber_id)
        if subscriber is None or not subscriber.active:
            return False
        subscriber.active = False
        store.subscribers.put(subscriber)
    return True


def unsubscribe_by_token(store: Store, token: str) -> Subscriber | None:
    with store.writing():
        subscriber = store.subscribers.find_secret("unsubscribe_token", token) if token else None
        if subscriber is not None:
            subscriber.active = False
            store.subscribers.put(subscriber)
    return subscriber


def toggle(store: Store, subscriber_id: str, kind: str, code: str) -> Subscriber:
    """Add or remove one region (kind 'region') or theme (kind 'theme') from the filter.

    An empty list means "all"; choosing "all" empties it."""
    valid = REGION_CODES if kind == "region" else THEME_CODES
    with store.writing():
        subscriber = store.subscribers.get(subscriber_id)
        if subscriber is None:
            raise SubscriptionError("Vous n'êtes pas abonné : envoyez /abonner.")
        field = "regions" if kind == "region" else "themes"
        chosen = list(getattr(subscriber, field))
        if code == "all":
            chosen = []
        elif code == NATIONWIDE and kind == "region":
            subscriber.nationwide = not subscriber.nationwide
        elif code in valid:
            chosen = [c for c in chosen if c != code] if code in chosen else [*chosen, code]
            chosen.sort(key=list(valid).index)
        else:
            raise SubscriptionError(f"Code inconnu : {code}")
        setattr(subscriber, field, chosen)
        store.subscribers.put(subscriber)
    return subscriber


def set_filters(store: Store, subscriber_id: str, regions: list[str] | None = None,
                themes: list[str] | None = None) -> Subscriber:
    with store.writing():
        subscriber = store.subscribers.get(subscriber_id)
        if subscriber is None:
            raise SubscriptionError("Vous n'êtes pas abonné : envoyez /abonner.")
        if regions is not None:
            bad = [r for r in regions if r not in REGION_CODES]
            if bad:
                raise SubscriptionError(f"Région inconnue : {', '.join(bad)}")
            subscriber.regions = regions
        if themes is not None:
            bad = [t for t in themes if t not in THEME_CODES]
            if bad:
                raise SubscriptionError(f"Thème inconnu : {', '.join(bad)}")
            subscriber.themes = themes
        store.subscribers.put(subscriber)
    return subscriber


def request_email(store: Store, chat_id: int | str, address: str, user_id: int | None = None) -> Subscriber:
    """Start the double opt-in: an unconfirmed e-mail subscription with the chat's filters
    and a confirmation code (to be sent to the address)."""
    address = address.strip().lower()
    if not EMAIL.match(address) or address_problem(address):
        raise SubscriptionError(f"« {address} » n'est pas une adresse électronique valide.")
    with store.writing():
        base = store.subscribers.get(telegram_id(chat_id))
        subscriber = store.subscribers.get(Subscriber.make_id("email", address))
        if subscriber is not None and subscriber.confirmed and subscriber.active:
            raise SubscriptionError("Cette adresse est déjà abonnée.")
        now = dt.datetime.now(dt.timezone.utc)
        if subscriber is not None and subscriber.confirm_sent_at and \
                now - dt.datetime.fromisoformat(subscriber.confirm_sent_at) < CODE_COOLDOWN:
            raise SubscriptionError("Un code vient déjà d'être envoyé à cette adresse : "
                                    "attendez quelques minutes avant d'en demander un autre.")
        subscriber = subscriber or Subscriber(id=Subscriber.make_id("email", address), channel="email",
                                              address=address, created=_now(), unsubscribe_token=new_token())
        subscriber.confirm_sent_at = now.isoformat()
        subscriber.regions = list(base.regions) if base else []
        subscriber.themes = list(base.themes) if base else []
        subscriber.nationwide = base.nationwide if base else True
        subscriber.confirmed = False
        subscriber.active = True
        subscriber.telegram_user = user_id
        subscriber.confirm_token = "".join(secrets.choice("0123456789") for _ in range(CODE_DIGITS))
        subscriber.confirm_attempts = 0
        store.subscribers.put(subscriber)
    return subscriber


def confirm_email(store: Store, code: str, user_id: int | None = None) -> Subscriber:
    """Confirm the e-mail address whose code this is, if `user_id` asked for it.

    Every try counts against the codes this Telegram user is waiting for: after
    `CODE_MAX_ATTEMPTS` tries without the right code, they are void and a new one must be
    asked for (so guessing 6 digits is hopeless)."""
    code = code.strip()
    now = dt.datetime.now(dt.timezone.utc)
    with store.writing():
        subscriber = store.subscribers.find_token("confirm_token", code) if code else None
        if subscriber is not None and _code_valid(subscriber, user_id, now):
            subscriber.confirmed = True
            subscriber.confirm_token = None
            subscriber.confirm_attempts = 0
            store.subscribers.put(subscriber)
            return subscriber
        voided = _count_wrong_try(store, user_id)
    # raised after the block: the tries just counted are written, not rolled back
    if voided:
        raise SubscriptionError("Trop d'essais : ce code n'est plus valable. "
                                "Demandez-en un nouveau avec /email ADRESSE.")
    raise SubscriptionError("Code de confirmation inconnu ou expiré.")


def _code_valid(subscriber: Subscriber, user_id: int | None, now: dt.datetime) -> bool:
    if subscriber.confirm_attempts >= CODE_MAX_ATTEMPTS or subscriber.telegram_user not in (None, user_id):
        return False
    sent = subscriber.confirm_sent_at
    return not sent or now - dt.datetime.fromisoformat(sent) <= CODE_LIFETIME


def _count_wrong_try(store: Store, user_id: int | None) -> bool:
    """One more try on each code waiting for this user's confirmation; True when that
    voided one."""
    voided = False
    waiting = [s for s in store.subscribers.all()
               if s.confirm_token and not s.confirmed and s.telegram_user == user_id]
    for subscriber in waiting:
        subscriber.confirm_attempts += 1
        if subscriber.confirm_attempts >= CODE_MAX_ATTEMPTS:
            subscriber.confirm_token = None
            voided = True
    if waiting:
        store.subscribers.put_many(waiting)
    return voided
