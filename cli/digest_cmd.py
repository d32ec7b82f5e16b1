"""`run.py digest`: preview the week's digest as files, or send it."""
from __future__ import annotations

import argparse
import datetime as dt
import os
from pathlib import Path

from cli.output import shorten
from digest.weeks import parse_week, previous_week
from pipeline.digest import DeliveryUnavailable, preview_week, send_week
from store import open_store


def _week(value: str) -> str:
    try:
        year, _ = parse_week(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None
    if not 1900 <= year <= 2999:
        raise argparse.ArgumentTypeError(f"week out of range (years 1900 to 2999): {value!r}")
    return value


def _writable_folder(out: Path) -> str | None:
    """Why `out` cannot take the preview files, or None when it can (it is created)."""
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        return f"cannot create the output folder {out}: {exc.strerror or exc}"
    if not out.is_dir() or not os.access(out, os.W_OK | os.X_OK):
        return f"cannot write to the output folder {out}"
    return None


def register(sub, common) -> None:
    p = sub.add_parser("digest", parents=[common], help="preview or send the weekly digest",
                       description="Build the digest of an ISO week (default: the week just ended, "
                                   "Europe/Paris) and write it to files (--preview) or deliver it (--send).")
    p.add_argument("--week", type=_week, metavar="YYYY-Www", help="e.g. 2026-W47")
    mode = p.add_mutually_exclusive_group(required=True)
    mode.add_argument("--preview", action="store_true", help="write the renderings to files and print their paths")
    mode.add_argument("--send", action="store_true", help="deliver to subscribers (each gets a week once)")
    p.add_argument("--subscriber", metavar="ID", help="with --preview: only this subscriber")
    p.add_argument("--out", metavar="DIR", type=Path, help="with --preview: output folder (default DATA_DIR/previews)")
    p.set_defaults(handler=handle)


def handle(args, config) -> int:
    week = args.week or previous_week(dt.datetime.now(dt.timezone.utc), config.timezone)
    with open_store(config.data_dir) as store:
        if args.preview:
            out = args.out or config.data_dir / "previews"
            problem = _writable_folder(out)
            if problem:
                print(f"error: {problem}")
                return 2
            try:
                paths = preview_week(config, store, week, out, args.subscriber)
            except KeyError as exc:
                print(f"error: {exc.args[0]}")
                return 2
            except OSError as exc:
                print(f"error: cannot write the preview under {out}: {exc.strerror or exc} ({exc.filename})")
                return 2
            print(f"Digest {week}:")
            for path in paths:
                print(f"  {path}")
            return 0
        try:
            report = send_week(config, store, week)
        except DeliveryUnavailable as exc:
            print(f"error: {exc}")
            return 2
    print(f"Digest {week}:")
    unconfigured = {"telegram": f"the Telegram token is not set (environment variable {config.telegram.token_env})",
                    "email": f"e-mail is not configured ([email] host and from_address in {config.path})"}
    for name, channel in (("telegram", report.telegram), ("email", report.email)):
        if not channel.enabled:
            if channel.pending:
                print(f"  {name}: NOT SENT to {channel.pending} active subscriber{'s' if channel.pending > 1 else ''}: {unconfigured[name]}; "
                      f"the week stays pending for {name} and will be sent once it is configured")
            else:
                print(f"  {name}: off (not configured, no active subscriber)")
            continue
        print(f"  {name}: {channel.sent} sent, {channel.skipped} skipped, {len(channel.failed)} failed, "
              f"{len(channel.retry)} to retry")
        for subscriber, reason in channel.failed + channel.retry:
            print(f"    {subscriber}: {shorten(reason, 120)}")
        for subscriber in channel.deactivated:
            print(f"    {subscriber}: blocked the bot, subscription deactivated")
    print(f"  archive: {report.archive[0] if report.archive else '-'}")
    failed = sum(len(c.failed) + len(c.retry) + c.pending for c in (report.telegram, report.email))
    return 1 if failed else 0
