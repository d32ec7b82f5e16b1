"""E-mail subscriptions without Telegram: double opt-in by link, preferences, unsubscribe.

The rules the web front (and staff's CLI) apply; callers only parse input and format
output. Every function takes the store and does its own locked write. Link tokens are
≥ 128 random bits, looked up in constant time, single use (confirmation) and expire.
"""
from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass

from delivery.email.address import address_problem
from domain.regions import NATIONWIDE, REGION_CODES
from domain.themes import THEME_CODES
from pipeline.subscriptions import EMAIL, SubscriptionError, telegram_id
from store import Store, Subscriber
from store.subscribers import new_token

LINK_LIFETIME = dt.timedelta(hours=48)
LINK_COOLDOWN = dt.timedelta(minutes=10)     # one confirmation e-mail per address per 10 minutes
TOKEN_BYTES = 24                             # 192 random bits


def new_link_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


def _utc(now: dt.datetime | None) -> dt.datetime:
    return now or dt.datetime.now(dt.timezone.utc)


def normalise_address(address: str) -> str:
    """The address as stored, or SubscriptionError when it is not a deliverable address."""
    address = (address or "").strip().lower()
    if len(address) > 254 or not EMAIL.match(address) or address_problem(address):
        raise SubscriptionError("Cette adresse électronique n'est pas valide.")
    return address


def clean_filters(regions: list[str], themes: list[str]) -> tuple[list[str], list[str]]:
    """Known region and theme codes in their canonical order; unknown ones are dropped."""
    wanted_regions = set(regions)
    wanted_themes = set(themes)
    return ([c for c in REGION_CODES if c in wanted_regions], [c for c in THEME_CODES if c in wanted_themes])


@dataclass
class OptInRequest:
    """What to send after a subscription request: nothing, or a confirmation link."""
    address: str
    token: str | None = None       # None: send nothing (already subscribed, or asked too recently)


def request_subscription(store: Store, address: str, regions: list[str], themes: list[str],
                         nationwide: bool, now: dt.datetime | None = None) -> OptInRequest:
    """Record a pending e-mail subscription and issue a confirmation link token.

    An address already confirmed and active is left untouched (its filters change only
    through its own preferences link) and gets no e-mail; an address asked for less than
    `LINK_COOLDOWN` ago gets no second e-mail. The caller answers the same either way."""
    address = normalise_address(address)
    regions, themes = clean_filters(regions, themes)
    now = _utc(now)
    with store.writing():
        subscriber = store.subscribers.get(Subscriber.make_id("email", address))
        if subscriber is not None and subscriber.confirmed and subscriber.active:
            return OptInRequest(address)
        if subscriber is not None and subscriber.confirm_sent_at and \
                now - dt.datetime.fromisoformat(subscriber.confirm_sent_at) < LINK_COOLDOWN:
            return OptInRequest(address)
        subscriber = subscriber or Subscriber(id=Subscriber.make_id("email", address), channel="email",
                                              address=address, created=now.isoformat(),
                                              unsubscribe_token=new_token())
        subscriber.regions, subscriber.themes, subscriber.nationwide = regions, themes, nationwide
        subscriber.confirmed = False
        subscriber.active = True
        subscriber.confirm_sent_at = now.isoformat()
        subscriber.link_token = new_link_token()
        subscriber.link_expires = (now + LINK_LIFETIME).isoformat()
        store.subscribers.put(subscriber)
    return OptInRequest(address, subscriber.link_token)


def _link_valid(subscriber: Subscriber | None, now: dt.datetime) -> bool:
    return subscriber is not None and bool(subscriber.link_expires) and \
        now <= dt.datetime.fromisoformat(subscriber.link_expires)


def check_link(store: Store, token: str, now: dt.datetime | None = None) -> bool:
    """Whether `token` is a confirmation link still unused and unexpired (changes nothing)."""
    if not token:
        return False
    with store.writing():     # (picks up writes of other processes; writes nothing)
        subscriber = store.subscribers.find_secret("link_token", token)
    return _link_valid(subscriber, _utc(now))


def confirm_link(store: Store, token: str, now: dt.datetime | None = None) -> Subscriber | None:
    """Confirm the address this link token was sent to; the token is then void.

    None for an unknown, used or expired token (the caller says no more than that)."""
    if not token:
        return None
    now = _utc(now)
    with store.writing():
        subscriber = store.subscribers.find_secret("link_token", token)
        if not _link_valid(subscriber, now):
            return None
        subscriber.confirmed = True
        subscriber.active = True
        subscriber.link_token = None
        subscriber.link_expires = None
        store.subscribers.put(subscriber)
    return subscriber


def by_manage_token(store: Store, token: str) -> Subscriber | None:
    """The subscriber a preferences / unsubscribe link belongs to (constant-time lookup)."""
    if not token:
        return None
    with store.writing():
        return store.subscribers.find_secret("unsubscribe_token", token)


def update_preferences(store: Store, token: str, regions: list[str], themes: list[str],
                       nationwide: bool) -> Subscriber | None:
    """Set the filters of the subscriber whose manage token this is; None when unknown."""
    regions, themes = clean_filters(regions, themes)
    if not token:
        return None
    with store.writing():
        subscriber = store.subscribers.find_secret("unsubscribe_token", token)
        if subscriber is None:
            return None
        subscriber.regions, subscriber.themes, subscriber.nationwide = regions, themes, nationwide
        store.subscribers.put(subscriber)
    return subscriber


def unsubscribe_token(store: Store, token: str) -> Subscriber | None:
    """Stop the digest for the subscriber whose token this is. Idempotent: an address
    already unsubscribed stays so and is returned; None only for an unknown token."""
    if not token:
        return None
    with store.writing():
        subscriber = store.subscribers.find_secret("unsubscribe_token", token)
        if subscriber is not None and subscriber.active:
            subscriber.active = False
            store.subscribers.put(subscriber)
    return subscriber


def unsubscribe_tokens(store: Store, tokens: list[str]) -> list[Subscriber | None]:
    """`unsubscribe_token` for many one-click requests in one locked write (the web front
    groups the requests that arrive while a write is under way)."""
    with store.writing():
        found = store.subscribers.find_secrets("unsubscribe_token", [t or "" for t in tokens])
        changed = {}
        for subscriber in found:
            if subscriber is not None and subscriber.active:
                subscriber.active = False
                changed[subscriber.id] = subscriber
        if changed:
            store.subscribers.put_many(list(changed.values()))
    return [s if t else None for s, t in zip(found, tokens)]


def resubscribe_token(store: Store, token: str) -> Subscriber | None:
    """Undo an unsubscription from the preferences page (the address was confirmed)."""
    if not token:
        return None
    with store.writing():
        subscriber = store.subscribers.find_secret("unsubscribe_token", token)
        if subscriber is not None and subscriber.confirmed and not subscriber.active:
            subscriber.active = True
            store.subscribers.put(subscriber)
    return subscriber


# Staff (the bot's two-channel rules are in pipeline/linked.py) ------------------------
def find_subscriber(store: Store, ref: str) -> Subscriber | None:
    """A subscriber by id (`em-…`, `tg-…`), e-mail address or Telegram chat id."""
    ref = (ref or "").strip()
    for candidate in (ref, Subscriber.make_id("email", ref) if "@" in ref else None,
                      telegram_id(ref) if ref.lstrip("-").isdigit() else None):
        if candidate:
            subscriber = store.subscribers.get(candidate.lower() if "@" in candidate else candidate)
            if subscriber is not None:
                return subscriber
    return None


def remove_subscriber(store: Store, ref: str) -> Subscriber | None:
    """Delete a subscriber given by id, address or chat id; None when there is none."""
    with store.writing():
        subscriber = find_subscriber(store, ref)
        if subscriber is not None:
            store.subscribers.remove(subscriber.id)
    return subscriber


def staff_add_email(store: Store, address: str, regions: list[str], themes: list[str], nationwide: bool,
                    confirmed: bool, now: dt.datetime | None = None) -> tuple[Subscriber, str | None]:
    """Staff's `subscribers add --email`: add or update; unless `confirmed`, the address
    stays pending and a link token is returned for the confirmation e-mail."""
    address = normalise_address(address)
    regions, themes = clean_filters([r for r in regions if r != NATIONWIDE], themes)
    now = _utc(now)
    with store.writing():
        subscriber = store.subscribers.get(Subscriber.make_id("email", address)) or Subscriber(
            id=Subscriber.make_id("email", address), channel="email", address=address,
            created=now.isoformat(), unsubscribe_token=new_token(), confirmed=False)
        subscriber.regions, subscriber.themes, subscriber.nationwide = regions, themes, nationwide
        subscriber.active = True
        token = None
        if confirmed:
            subscriber.confirmed = True
        elif not subscriber.confirmed:
            token = subscriber.link_token = new_link_token()
            subscriber.link_expires = (now + LINK_LIFETIME).isoformat()
            subscriber.confirm_sent_at = now.isoformat()
        store.subscribers.put(subscriber)
    return subscriber, token
