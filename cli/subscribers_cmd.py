"""`run.py subscribers add|list|remove`: manage subscriptions by hand (staff)."""
from __future__ import annotations

import datetime as dt
import re

from cli.output import table
from domain.regions import VALID_CODES
from domain.themes import THEME_CODES
from store import Subscriber, open_store
from store.subscribers import new_token

EMAIL = re.compile(r"^[^@\s<>]+@[^@\s<>]+\.[^@\s<>]+$")


def register(sub, common) -> None:
    p = sub.add_parser("subscribers", parents=[common], help="add, list or remove subscribers")
    actions = p.add_subparsers(dest="action", metavar="ACTION", required=True)
    add = actions.add_parser("add", parents=[common], help="add or update a subscriber")
    target = add.add_mutually_exclusive_group(required=True)
    target.add_argument("--telegram", metavar="CHAT_ID", help="Telegram chat id")
    target.add_argument("--email", metavar="ADDRESS", help="e-mail address (added as confirmed)")
    add.add_argument("--regions", default="", help="comma-separated region codes, e.g. FR-NOR,FR-BRE (default: all)")
    add.add_argument("--themes", default="", help=f"comma-separated themes among {','.join(THEME_CODES)} (default: all)")
    add.add_argument("--no-nationwide", action="store_true", help="leave out nationwide (FR) stories")
    add.set_defaults(handler=handle_add)
    lst = actions.add_parser("list", parents=[common], help="list subscribers")
    lst.set_defaults(handler=handle_list)
    rm = actions.add_parser("remove", parents=[common], help="remove a subscriber")
    rm.add_argument("id", help="subscriber id (see list)")
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
        if not EMAIL.match(args.email.strip()):
            print(f"error: not an e-mail address: {args.email!r}")
            return 2
        channel, address = "email", args.email.strip().lower()
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
    with open_store(config.data_dir) as store, store.writing():
        removed = store.subscribers.remove(args.id)
    print(f"Removed {args.id}." if removed else f"error: no subscriber {args.id!r}")
    return 0 if removed else 1
