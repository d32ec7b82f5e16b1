"""`run.py feeds check|add|import|export`: try the configured sources once (storing
nothing) with fixes for common mistakes; add one from its address after showing what Vigie
finds there and asking for confirmation; add the feeds of an OPML file; write them as OPML."""
from __future__ import annotations

import asyncio
import dataclasses
import sys

from cli.output import shorten
from config import ConfigError
from domain.names import region_hint
from domain.regions import VALID_CODES
from pipeline.fetch import select_feeds
from pipeline.sources import append_entries, entries_from_outlines, entry_toml, plan_source, suggest_fixes
from scrapers.collect import collect_all
from scrapers.opml import OpmlError, read_opml, write_opml


def register(sub, common) -> None:
    p = sub.add_parser("feeds", parents=[common], help="check, add, import or export the sources")
    feeds_sub = p.add_subparsers(dest="feeds_command", metavar="ACTION", required=True)
    check = feeds_sub.add_parser("check", parents=[common], help="validate config.toml and try each source once",
                                 description="Validate the configuration, then fetch each source once "
                                             "(nothing is stored) and show what was found.")
    check.add_argument("--feed", action="append", metavar="NAME", help="only this source (repeatable)")
    check.set_defaults(handler=handle_check)
    add = feeds_sub.add_parser("add", parents=[common], help="add a source from its address (feed or news page)",
                               description="Find the feed at or behind URL (or else the page's list of articles "
                                           "and CSS selectors for it), try it once, and append it to config.toml "
                                           "after confirmation, keeping the file's comments and layout.")
    add.add_argument("url", metavar="URL", help="address of the site, its news page or its feed")
    add.add_argument("--name", help="name of the source (default: the site's name)")
    add.add_argument("--region", metavar="CODE", help="default region, e.g. FR-NOR, or FR (default: from the page)")
    add.add_argument("--allow-private", action="store_true",
                     help="the source is on an internal host on purpose: trust its host and port "
                          "(written as allow_private = true)")
    add.add_argument("--yes", "-y", action="store_true", help="write without asking")
    add.set_defaults(handler=handle_add)
    imp = feeds_sub.add_parser("import", parents=[common], help="add the feeds of an OPML file",
                               description="Add each outline of FILE.opml that has an xmlUrl as a kind = \"rss\" "
                                           "source; duplicates and invalid addresses are listed and left out. "
                                           "config.toml is written once, keeping its comments and layout.")
    imp.add_argument("file", metavar="FILE.opml")
    imp.add_argument("--dry-run", action="store_true", help="show what would be added, write nothing")
    imp.set_defaults(handler=handle_import)
    exp = feeds_sub.add_parser("export", parents=[common], help="write the sources as OPML 2.0",
                               description="Write the configured sources as OPML 2.0 (feed readers import it): "
                                           "feeds as rss outlines, news pages without feed as link outlines.")
    exp.add_argument("--out", metavar="FILE", help="write to FILE (default: standard output)")
    exp.set_defaults(handler=handle_export)


def handle_check(args, config) -> int:
    print(f"{config.path}: valid, {len(config.feeds)} source{'s' if len(config.feeds) != 1 else ''}.")
    try:
        feeds = select_feeds(config, args.feed) if args.feed else list(config.feeds)
    except KeyError as exc:
        print(f"error: {exc.args[0]}")
        return 2
    settings = dataclasses.replace(config.fetch, max_pages_per_source=1, retries=0)
    results = asyncio.run(collect_all(feeds, {}, settings, lambda _id: False))
    fixes = suggest_fixes(config, results)
    failures = 0
    for r in results:
        feed = r.feed
        print(f"\n== {feed.name} ({feed.kind}, {feed.region or 'no default region'})")
        print(f"   url: {feed.url}")
        print(f"   HTTP status: {r.http_status if r.http_status is not None else '-'}")
        if r.selector_matches is not None:
            print(f"   items selector {feed.selectors.items!r}: {r.selector_matches} matches")
        if r.failed:
            failures += 1
            print(f"   FAILED: {r.error}")
            _print_fixes(fixes.get(feed.name, ()))
            continue
        print(f"   items found: {r.items_found}")
        for article in r.articles[:3]:
            when = (article.published or "no date")[:10]
            print(f"   - {when}  {shorten(article.title, 90)}")
        if feed.kind == "html" and r.articles:
            first = r.articles[0]
            print(f"   first article page: title {shorten(first.title, 60)!r}, "
                  f"date {first.published or 'not found'}, {len(first.text):,} characters of text")
        for warning in r.warnings:
            print(f"   warning: {shorten(warning, 150)}")
        _print_fixes(fixes.get(feed.name, ()))
    print(f"\n{len(results) - failures} of {len(results)} source{'s' if len(results) != 1 else ''} OK.")
    return 1 if failures else 0


def _print_fixes(fixes) -> None:
    for fix in fixes:
        print(f"   suggestion: {fix}")


def handle_add(args, config) -> int:
    region = args.region
    if region is not None and region not in VALID_CODES:
        hint = region_hint(region)
        print(f"error: unknown region code {region!r}" + (f" (did you mean {hint!r}?)" if hint else "")
              + ': use an ISO 3166-2:FR region code such as "FR-NOR", or "FR" for nationwide')
        return 2
    if not args.yes and not sys.stdin.isatty():
        print("error: feeds add asks for confirmation on a terminal; add --yes to write without asking")
        return 2
    print(f"Looking at {args.url} ...")
    plan = plan_source(config, args.url, name=args.name, region=region, allow_private=args.allow_private)
    found = plan.discovery
    if found is not None and found.moved_to:
        print(f"The address moved permanently to {found.moved_to}.")
    if plan.problem:
        print(f"error: {plan.problem}")
        return 2 if found is None else 1
    entry, check = plan.entry, plan.check
    if entry.kind == "rss":
        print(f"Feed found: {entry.url} ({found.how}), {len(found.feed.entries)} entries.")
    else:
        best = found.proposals[0]
        print(f"No feed found; the page lists {len(best.items)} articles ({best.dated} dated), read with these selectors:")
        for item in best.items[:3]:
            print(f"   - {(item.published or 'no date')[:10]}  {shorten(item.title, 90)}")
        for other in found.proposals[1:]:
            print(f"   (other list on the page: items = {other.selectors.items!r}, {len(other.items)} articles)")
    print("\nProposed entry:\n")
    print("\n".join("    " + line for line in entry_toml(entry).splitlines()))
    print(f"\nTrial fetch: HTTP status {check.http_status if check.http_status is not None else '-'}, "
          f"items found: {check.items_found}")
    if check.failed:
        print(f"   FAILED: {check.error}\nNothing written.")
        return 1
    for article, labels in plan.labels:
        verdict = (f"on topic: {', '.join(labels.themes) or 'no theme'}; {', '.join(labels.regions) or 'no region'}"
                   if labels.relevant else "off topic")
        print(f"   - {(article.published or 'no date')[:10]}  {shorten(article.title, 70)}  -> {verdict}")
    for warning in check.warnings[:3]:
        print(f"   warning: {shorten(warning, 150)}")
    if not args.yes:
        try:
            answer = input(f"\nAdd {entry.name!r} to {config.path}? [y/N] ")
        except EOFError:
            answer = ""
        if answer.strip().lower() not in ("y", "yes", "o", "oui"):
            print("Nothing written.")
            return 1
    try:
        written = append_entries(config.path, [entry])
    except ConfigError as exc:
        print(f"error: the entry would make the configuration invalid, nothing written: {exc}")
        return 1
    line = written.feed(entry.name).line
    print(f"Added {entry.name!r} to {config.path}" + (f" (line {line})" if line else "")
          + f". Check it any time with: run.py feeds check --feed \"{entry.name}\"")
    return 0


def handle_import(args, config) -> int:
    try:
        with open(args.file, "rb") as handle:
            outlines = read_opml(handle.read())
    except OpmlError as exc:
        print(f"error: {args.file}: {exc}")
        return 2
    entries, skipped = entries_from_outlines(config, outlines)
    for reason in skipped:
        print(f"skipped {reason}")
    for entry in entries:
        print(f"{'would add' if args.dry_run else 'add'} {entry.name!r}: {entry.url}"
              + (f" ({entry.region})" if entry.region else ""))
    if entries and not args.dry_run:
        try:
            append_entries(config.path, entries)
        except ConfigError as exc:
            print(f"error: the entries would make the configuration invalid, nothing written: {exc}")
            return 1
    done = "to add" if args.dry_run else "added to " + str(config.path)
    print(f"\n{len(entries)} feed{'s' if len(entries) != 1 else ''} {done}, {len(skipped)} left out.")
    return 0 if entries and not skipped else 1


def handle_export(args, config) -> int:
    text = write_opml(config.feeds)
    if args.out:
        with open(args.out, "w", encoding="utf-8") as out:
            out.write(text)
        rss = sum(1 for f in config.feeds if f.kind == "rss")
        print(f"{args.out}: {rss} feed{'s' if rss != 1 else ''}, {len(config.feeds) - rss} news page"
              f"{'s' if len(config.feeds) - rss != 1 else ''} without feed.")
    else:
        sys.stdout.write(text)
    return 0
