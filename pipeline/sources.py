"""The rules for adding sources to config.toml: entries, names, duplicates, one safe write.

Why: `feeds add` and `feeds import` change the file staff edit by hand; their comments and
layout must survive, and a mistake must never leave a half-written or invalid file.

How: the file is edited with tomlkit (a style-preserving TOML library): new `[[feeds]]`
tables are appended, the result is written to a temporary file beside the original and
loaded with the ordinary config loader (`config.load_config`, the same checks as at
start-up); only if it loads is it moved over the original (an atomic rename).
"""
from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
import os
import re
import tempfile
import tomllib
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import tomlkit

from config import ConfigError, load_config
from config.schema import Config, FeedConfig, Selectors
from domain.article import Article
from domain.regions import VALID_CODES
from pipeline.label import article_text
from scrapers.collect import SourceResult, collect_source, trusted_origins
from scrapers.discover import Discovery, discover
from scrapers.fetcher import Fetcher, FetchError
from scrapers.selectors import propose_selectors
from scrapers.urls import canonical_url, host_of
from store.feeds import FeedState
from triage.labeler import label_article
from triage.places import locate
from triage.vocabulary import load_vocabulary


@dataclass
class Entry:
    """A `[[feeds]]` table to write."""
    name: str
    url: str
    kind: str = "rss"
    region: str | None = None
    selectors: Selectors | None = None
    allow_private: bool = False

    def as_feed(self) -> FeedConfig:
        return FeedConfig(name=self.name, url=self.url, kind=self.kind, region=self.region,
                          selectors=self.selectors, allow_private=self.allow_private)


def url_problem(url: str) -> str | None:
    """Why `url` cannot be a source address, or None."""
    try:
        parts = urlsplit(url.strip())
        parts.port  # noqa: B018 - raises ValueError on a bad port
    except ValueError as exc:
        return f"invalid URL {url!r}: {exc}"
    if parts.scheme not in ("http", "https"):
        return f"not an http(s) address: {url!r}"
    if not parts.hostname or re.search(r"[\s\x00-\x1f\x7f]", url):
        return f"invalid URL {url!r}"
    return None


def duplicate_of(config: Config, url: str, name: str | None = None, pending: list[Entry] = ()) -> str | None:
    """The name of a configured (or pending) source with this URL or name, or None."""
    key = canonical_url(url)
    sources = [(f.name, f.url) for f in config.feeds] + [(e.name, e.url) for e in pending]
    for other_name, other_url in sources:
        if canonical_url(other_url) == key:
            return other_name
        if name is not None and other_name.casefold() == name.strip().casefold():
            return other_name
    return None


def unique_name(config: Config, wanted: str, pending: list[Entry] = ()) -> str:
    """`wanted`, or `wanted (2)`, `(3)`... when the name is taken."""
    taken = {f.name.casefold() for f in config.feeds} | {e.name.casefold() for e in pending}
    name, n = wanted, 2
    while name.casefold() in taken:
        name, n = f"{wanted} ({n})", n + 1
    return name


def fallback_name(url: str) -> str:
    return host_of(url) or url


def append_entries(config_path: str | Path, entries: list[Entry]) -> Config:
    """Append `entries` to the config file, keeping its comments and layout; the new file
    is validated by the config loader before it replaces the old one. Raises ConfigError
    (nothing written) when the result would not load."""
    path = Path(config_path)
    text = path.read_text(encoding="utf-8")
    new_text = with_entries(text, entries)
    handle, temp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".new", dir=path.parent)
    temp = Path(temp_name)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(new_text)
        try:
            load_config(temp)
        except ConfigError as exc:   # name the real file, not the temporary one
            raise ConfigError(str(exc).replace(str(temp), str(path))) from None
        if path.exists():
            os.chmod(temp, path.stat().st_mode & 0o7777)
        os.replace(temp, path)
    finally:
        temp.unlink(missing_ok=True)
    return load_config(path)


def with_entries(text: str, entries: list[Entry]) -> str:
    """`text` with `entries` as new `[[feeds]]` tables right after the last one (or at the
    end), every other line untouched: a comment heading the next table stays with it.
    The tables are rendered by tomlkit; the result is checked to mean the old data plus
    the new feeds, else tomlkit's own insertion is used."""
    before = tomllib.loads(text)
    wanted = dict(before, feeds=[*before.get("feeds", []), *(_plain(e) for e in entries)])
    block = "\n\n".join(entry_toml(e) for e in entries) + "\n"
    lines = text.splitlines(keepends=True)
    if lines and not lines[-1].endswith("\n"):
        lines[-1] += "\n"
    at = _end_of_last_feed(lines)
    head, tail = "".join(lines[:at]), "".join(lines[at:])
    if head and not head.endswith("\n\n"):
        head += "\n"
    gap = "\n" if tail.strip() and not tail.startswith(("\n", "\r\n")) else ""
    candidate = head + block + gap + (tail if tail.strip() else "")
    if _loads(candidate) == wanted:
        return candidate
    document = tomlkit.parse(text)     # unusual layout: let tomlkit place the tables
    if "feeds" not in document:
        document.append("feeds", tomlkit.aot())
    for entry in entries:
        document["feeds"].append(_table(entry))
    return tomlkit.dumps(document)


def _end_of_last_feed(lines: list[str]) -> int:
    """Index of the line after the last key of the last `[[feeds]]` table (len(lines) if
    there is none): trailing blank and comment lines belong to what follows."""
    header = re.compile(r"^\s*\[\[\s*feeds\s*\]\]")
    starts = [n for n, line in enumerate(lines) if header.match(line)]
    if not starts:
        return len(lines)
    end = len(lines)
    for n in range(starts[-1] + 1, len(lines)):
        if re.match(r"^\s*\[", lines[n]):
            end = n
            break
    while end > starts[-1] + 1 and re.match(r"^\s*(#.*)?$", lines[end - 1]):
        end -= 1
    return end


def _loads(text: str):
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        return None


def _plain(entry: Entry) -> dict:
    return tomllib.loads(entry_toml(entry))["feeds"][0]


def _table(entry: Entry):
    table = tomlkit.table()
    table["name"] = entry.name
    table["url"] = entry.url
    table["kind"] = entry.kind
    if entry.region:
        table["region"] = entry.region
    if entry.selectors is not None:
        selectors = tomlkit.inline_table()
        selectors.update({"items": entry.selectors.items, "link": entry.selectors.link,
                          "title": entry.selectors.title})
        if entry.selectors.date:
            selectors["date"] = entry.selectors.date
        table["selectors"] = selectors
    if entry.allow_private:
        table["allow_private"] = True
    table.add(tomlkit.nl())
    return table


def preview_labels(articles: list[Article], region_hint: str | None = None) -> list:
    """What triage makes of `articles` (read-only): [(article, Labels)]."""
    vocabulary = load_vocabulary()
    return [(a, label_article(vocabulary, a.title, article_text(a), a.published, a.url, a.source,
                              region_hint or a.region_hint))
            for a in articles]


def suggest_region(site_name: str, text: str) -> str | None:
    """The region the page's names point at (site name, description, item titles), or None
    when it names no place."""
    regions, clues = locate(site_name, text)
    return regions[0] if clues and regions else None


def selectors_toml(selectors: Selectors) -> str:
    """`selectors = { items = "...", ... }` as it would be written in config.toml."""
    pairs = [("items", selectors.items), ("link", selectors.link), ("title", selectors.title)]
    if selectors.date:
        pairs.append(("date", selectors.date))
    return "selectors = { " + ", ".join(f"{k} = {tomlkit.string(v).as_string()}" for k, v in pairs) + " }"


def entry_toml(entry: Entry) -> str:
    """The `[[feeds]]` table of `entry`, as written."""
    document = tomlkit.document()
    aot = tomlkit.aot()
    aot.append(_table(entry))
    document.append("feeds", aot)
    return tomlkit.dumps(document).strip()


@dataclass
class Plan:
    """What `feeds add` found at an address and proposes to write."""
    discovery: Discovery | None = None
    entry: Entry | None = None
    check: SourceResult | None = None       # the dry run of the proposed entry
    labels: list = ()                         # [(Article, Labels)] of the first items
    problem: str | None = None                # why nothing can be proposed


def plan_source(config: Config, url: str, name: str | None = None, region: str | None = None,
                allow_private: bool = False) -> Plan:
    """Discover what `url` offers, propose an entry for it and try it once (nothing stored)."""
    return asyncio.run(_plan(config, url.strip(), name, region, allow_private))


def _check_settings(config: Config):
    return dataclasses.replace(config.fetch, max_pages_per_source=1, retries=0)


async def _plan(config: Config, url: str, name, region, allow_private) -> Plan:
    problem = url_problem(url)
    if problem:
        return Plan(problem=problem)
    already = duplicate_of(config, url)
    if already:
        return Plan(problem=f"{url} is already configured as {already!r}")
    settings = _check_settings(config)
    given = FeedConfig(name="new", url=url, kind="rss", allow_private=allow_private)
    async with Fetcher(settings, trusted=trusted_origins([given], settings)) as fetcher:
        try:
            found = await discover(fetcher, url)
        except FetchError as exc:
            hint = " (a source on an internal host on purpose: add --allow-private)" if exc.refused else ""
            return Plan(problem=f"cannot read {url}: {exc}{hint}")
        plan = Plan(discovery=found)
        if found.feed_url:
            entry = Entry(name="", url=found.feed_url, kind="rss")
            titles = [e.title for e in found.feed.entries[:10]]
        elif found.proposals:
            best = found.proposals[0]
            entry = Entry(name="", url=found.url, kind="html", selectors=best.selectors)
            titles = [i.title for i in best.items[:10]]
        else:
            plan.problem = (f"no feed and no list of article links found at {found.url}: "
                            "nothing to add (give the address of the site's news page)")
            return plan
        already = duplicate_of(config, entry.url)
        if already:
            plan.problem = f"{entry.url} is already configured as {already!r}"
            return plan
        entry.name = unique_name(config, (name or found.site_name or fallback_name(entry.url)).strip())
        entry.region = region or suggest_region(found.site_name, "\n".join([found.description, *titles]))
        entry.allow_private = allow_private
        plan.entry = entry
        feed = entry.as_feed()
        trial = Fetcher(settings, trusted=trusted_origins([feed], settings))
    async with trial as fetcher:
        plan.check = await collect_source(fetcher, feed, FeedState(feed.name), settings, lambda _id: False,
                                          dt.datetime.now(dt.timezone.utc))
    plan.labels = preview_labels(plan.check.articles[:3], entry.region)
    return plan


async def _suggestions(config: Config, result) -> list[str]:
    """Fixes for the common mistakes a `feeds check` result shows."""
    feed, hints = result.feed, []
    if result.state.moved_to:
        hints.append(f'the address moved permanently: set url = "{result.state.moved_to}"')
    error = result.error or ""
    if "robots.txt" in error and "blocked" in error:
        hints.append("the site's robots.txt asks robots not to fetch this page, and Vigie complies: "
                     "ask the site to allow it, or look for a feed it allows (run.py feeds add URL)")
        return hints
    page_unusable = result.failed and result.http_status is not None and 200 <= result.http_status < 300
    if not page_unusable:
        return hints
    settings = _check_settings(config)
    async with Fetcher(settings, trusted=trusted_origins([feed], settings)) as fetcher:
        if feed.kind == "rss":
            try:
                found = await discover(fetcher, feed.url)
            except FetchError:
                return hints
            if found.feed_url and found.feed_url != feed.url:
                hints.append(f'this address is a web page, not a feed; its feed ({found.how}): '
                             f'set url = "{found.feed_url}"')
            elif found.proposals:
                hints.append('this address is a web page without feed: use kind = "html" with '
                             + selectors_toml(found.proposals[0].selectors))
            else:
                hints.append("this address is neither a feed nor a page with a list of articles")
        elif result.selector_matches == 0:
            try:
                page = await fetcher.get(feed.url, accept="text/html,application/xhtml+xml")
            except FetchError:
                return hints
            for proposal in propose_selectors(page.body, page.url):
                example = proposal.items[0].title if proposal.items else ""
                hints.append(f"candidate: {selectors_toml(proposal.selectors)} "
                             f"({len(proposal.items)} items, e.g. {example[:60]!r})")
            if not hints:
                hints.append("no list of article links found on the page either: check the url")
    return hints


def suggest_fixes(config: Config, results) -> dict[str, list[str]]:
    """{source name: fixes} for the results of a `feeds check` that show a common mistake."""

    async def run():
        found = await asyncio.gather(*(_suggestions(config, r) for r in results))
        return {r.feed.name: hints for r, hints in zip(results, found) if hints}
    return asyncio.run(run())


def entries_from_outlines(config: Config, outlines) -> tuple[list[Entry], list[str]]:
    """The rss entries to add for OPML `outlines`, and why the others are left out."""
    entries: list[Entry] = []
    skipped: list[str] = []
    for outline in outlines:
        label = outline.text or outline.xml_url or outline.html_url or "(untitled)"
        if not outline.xml_url:
            if not outline.has_children:    # a folder of outlines is not a source
                where = f" ({outline.html_url}): add news pages with run.py feeds add URL" if outline.html_url else ""
                skipped.append(f"{label!r}: no xmlUrl, not a feed{where}")
            continue
        problem = url_problem(outline.xml_url)
        if problem:
            skipped.append(f"{label!r}: {problem}")
            continue
        already = duplicate_of(config, outline.xml_url, pending=entries)
        if already:
            skipped.append(f"{label!r}: {outline.xml_url} is already configured as {already!r}")
            continue
        region = outline.category if outline.category in VALID_CODES else None
        name = unique_name(config, (outline.text or fallback_name(outline.xml_url))[:80], pending=entries)
        entries.append(Entry(name=name, url=outline.xml_url.strip(), kind="rss", region=region))
    return entries, skipped
