"""`run.py subscribers add|list|remove`: manage subscriptions by hand (staff)."""
from __future__ import annotations

import datetime as dt
import re

from cli.output import table
from delivery.email.address import address_problem
from domain.regions import VALID_CODES
from domain.themes import THEME_CODES
from pipeline.confirmation import send_confirmation
from pipeline.optin import remove_subscriber, staff_add_email
from pipeline.subscriptions import SubscriptionError
from store import Subscriber, open_store
from store.subscribers import new_token



def register(sub, common) -> None:
    p = sub.add_parser("subscribers", parents=[common], help="add, list or remove subscribers")
    actions = p.add_subparsers(dest="action", metavar="ACTION", required=True)
    add = actions.add_parser("add", parents=[common], help="add or update a subscriber")
    target = add.add_mutually_exclusive_group(required=True)
    target.add_argument("--telegram", metavar="CHAT_ID", help="Telegram chat id")
    target.add_argument("--email", metavar="ADDRESS",
                        help="e-mail address: a confirmation e-mail is sent (double opt-in) unless --confirmed")
    add.add_argument("--confirmed", action="store_true",
                     help="e-mail: the person already agreed (e.g. in writing); send no confirmation")
    add.add_argument("--regions", default="", help="comma-separated region codes, e.g. FR-NOR,FR-BRE (default: all)")
    add.add_argument("--themes", default="", help=f"comma-separated themes among {','.join(THEME_CODES)} (default: all)")
    add.add_argument("--no-nationwide", action="store_true", help="leave out nationwide (FR) stories")
    add.set_defaults(handler=handle_add)
    lst = actions.add_parser("list", parents=[common], help="list subscribers")
    lst.set_defaults(handler=handle_list)
    rm = actions.add_parser("remove", parents=[common], help="remove a subscriber")
    rm.add_argument("id", metavar="ADDRESS|CHAT_ID|ID", help="e-mail address, Telegram chat id or subscriber id")
    rm.set_defaults(handler=handle_remove)


def _codes(value: str, valid, what: str) -> list[str]:
    codes = [c.strip() for c in value.split(",") if c.strip()]
    unknown = [c for c in codes if c not in valid]
    if unknown:
        raise ValueError(f"unknown {what}: {', '.join(unknown)} (valid: {', '.join(sorted(valid))})")
    return codes


def handle_add(args, config) -> int:
    try:
        regions = _codes(args.regions.upper(), VALID_CODES, "region code")
        themes = _codes(args.themes.lower(), THEME_CODES, "theme")
    except ValueError as exc:
        print(f"error: {exc}")
        return 2
    if args.telegram is not None:
        if not re.fullmatch(r"-?\d+", args.telegram.strip()):
            print(f"error: a Telegram chat id is a number, got {args.telegram!r}")
            return 2
        channel, address = "telegram", args.telegram.strip()
    else:
        problem = address_problem(args.email.strip())
        if problem:
            print(f"error: {problem}: {args.email!r}")
            return 2
        return _add_email(args, config, regions, themes)
    subscriber = Subscriber(id=Subscriber.make_id(channel, address), channel=channel, address=address,
                            regions=[r for r in regions if r != "FR"], themes=themes,
                            nationwide=not args.no_nationwide, created=dt.datetime.now(dt.timezone.utc).isoformat(),
                            unsubscribe_token=new_token())
    with open_store(config.data_dir) as store, store.writing():
        existing = store.subscribers.get(subscriber.id)
        if existing:
            subscriber.created, subscriber.unsubscribe_token = existing.created, existing.unsubscribe_token
        store.subscribers.put(subscriber)
    print(f"{'Updated' if existing else 'Added'} {subscriber.id}.")
    return 0


def _add_email(args, config, regions: list[str], themes: list[str]) -> int:
    """Double opt-in unless --confirmed. Without e-mail delivery configured nothing can be
    sent (nor delivered): the address is then recorded as confirmed, with a warning."""
    can_send = config.email.enabled and bool(config.web.base_url)
    confirmed = args.confirmed or not can_send
    with open_store(config.data_dir) as store:
        try:
            subscriber, token = staff_add_email(store, args.email, regions, themes, not args.no_nationwide, confirmed)
        except SubscriptionError as exc:
            print(f"error: {exc}")
            return 2
    if token:
        sent = send_confirmation(config, subscriber.address, token)
        print(f"{subscriber.id}: confirmation e-mail {'sent' if sent else 'NOT sent (see the log)'}; "
              "the address receives nothing until it is confirmed.")
        return 0 if sent else 1
    if not args.confirmed and not subscriber.confirmed:
        print(f"{subscriber.id}: updated, still waiting for confirmation.")
    elif not args.confirmed and not can_send:
        print(f"warning: no confirmation sent ([email] or [web] base_url not configured): {subscriber.id} "
              "recorded as confirmed.")
    else:
        print(f"Added or updated {subscriber.id} (confirmed).")
    return 0


def handle_list(args, config) -> int:
    with open_store(config.data_dir) as store:
        subscribers = store.subscribers.all()
    rows = [(s.id, s.channel, ",".join(s.regions) or "toutes", ",".join(s.themes) or "tous",
             "oui" if s.nationwide else "non", "actif" if s.active and s.confirmed else
             ("à confirmer" if not s.confirmed else "inactif")) for s in subscribers]
    print(table(rows, ("id", "channel", "regions", "themes", "nationwide", "state")))
    print(f"\n{len(subscribers)} subscribers.")
    return 0


def handle_remove(args, config) -> int:
    with open_store(config.data_dir) as store:
        removed = remove_subscriber(store, args.id)
    print(f"Removed {removed.id}." if removed else f"error: no subscriber {args.id!r}")
    return 0 if removed else 1
