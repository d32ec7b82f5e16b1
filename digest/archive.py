"""The web archive: one static page per week, an index page and an Atom feed of digests.

Written under `DATA_DIR/web/`; `weeks.json` there remembers each week's title and count
so the index and the feed list every week written so far.
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import orjson

from digest.build import WeekDigest, personalise
from digest.region_map import week_map
from domain.regions import REGIONS
from digest.render import render_template
from digest.view import digest_view
from store.storage import atomic_write_bytes

MANIFEST = "weeks.json"
FEED_ENTRIES = 20


def write_archive(web_dir: Path, week: WeekDigest, base_url: str = "",
                  now: dt.datetime | None = None) -> list[Path]:
    """Write the week's page, then the index and the feed; returns the paths written."""
    web_dir.mkdir(parents=True, exist_ok=True)
    now = now or dt.datetime.now(dt.timezone.utc)
    view = digest_view(personalise(week, None))
    page = web_dir / f"{week.week}.html"
    region_codes = {name: code for code, (_, name) in REGIONS.items()}
    atomic_write_bytes(page, render_template("archive_week.html.j2", v=view, map_svg=week_map(view.sections),
                                             region_codes=region_codes).encode("utf-8"))
    manifest = _read_manifest(web_dir)
    manifest[week.week] = {"week": week.week, "title": view.title, "label": view.week_label.capitalize(),
                           "count": view.count, "file": page.name, "updated": now.isoformat(timespec="seconds"),
                           "headlines": " ; ".join(s.title for sec in view.sections for g in sec.groups
                                                   for s in g.stories)[:600]}
    atomic_write_bytes(web_dir / MANIFEST, orjson.dumps(manifest))
    weeks = [manifest[k] for k in sorted(manifest, reverse=True)]
    index = web_dir / "index.html"
    atomic_write_bytes(index, render_template("archive_index.html.j2", weeks=weeks).encode("utf-8"))
    feed = web_dir / "feed.atom"
    base = base_url.rstrip("/")
    atomic_write_bytes(feed, render_template("feed.atom.j2", weeks=weeks[:FEED_ENTRIES], base_url=base,
                                             feed_id=f"{base or 'urn:vigie'}:digests",
                                             updated=weeks[0]["updated"]).encode("utf-8"))
    return [page, index, feed]


def _read_manifest(web_dir: Path) -> dict:
    try:
        return orjson.loads((web_dir / MANIFEST).read_bytes())
    except (FileNotFoundError, orjson.JSONDecodeError):
        return {}
