"""`GET /`, `/archives/…`, `/sante`: the home page, the static archive served, health JSON."""
from __future__ import annotations

import asyncio
import datetime as dt
import re
from pathlib import Path

import orjson
from aiohttp import web

from digest.archive import MANIFEST
from digest.build import build_week, personalise
from digest.view import digest_view
from domain.regions import NATIONWIDE, REGION_CODES, region_label
from pipeline.health import health
from web.keys import CACHE, CONFIG, PREFIX, STORE
from digest.region_map import region_map
from web.render import SECURITY_HEADERS, page

WEEK_FILE = re.compile(r"^\d{4}-W\d{2}\.html$")
ARCHIVE_HEADERS = {**SECURITY_HEADERS, "Cache-Control": "public, max-age=300"}


def _web_dir(request: web.Request) -> Path:
    return request.app[CONFIG].data_dir / "web"


def _latest(web_dir: Path) -> dict | None:
    try:
        manifest = orjson.loads((web_dir / MANIFEST).read_bytes())
    except (FileNotFoundError, orjson.JSONDecodeError):
        return None
    return manifest[max(manifest)] if manifest else None


def _week_regions(config, store, week: str) -> tuple[dict[str, int], list[dict]]:
    """Counts per region and the stories grouped by region, for the home page."""
    with store.writing():
        digest = build_week(store, week, config.timezone, config.digest.agenda_days)
    view = digest_view(personalise(digest, None))
    views = {sv.id: sv for sec in view.sections for g in sec.groups for sv in g.stories}
    counts: dict[str, int] = {}
    groups: dict[str, list] = {}
    for story in digest.stories:
        for code in story.regions:
            counts[code] = counts.get(code, 0) + 1
            if story.id in views:
                groups.setdefault(code, []).append(views[story.id])
    order = [*REGION_CODES, NATIONWIDE]
    listing = [{"code": c, "label": region_label(c), "stories": groups[c]} for c in order if c in groups]
    return counts, listing


async def home(request: web.Request) -> web.Response:
    latest = _latest(_web_dir(request))
    counts, listing = {}, []
    if latest:
        cache = request.app[CACHE]
        key = ("home", latest["week"], latest["updated"])
        if key not in cache:
            cache.clear()
            cache[key] = await asyncio.to_thread(_week_regions, request.app[CONFIG], request.app[STORE],
                                                 latest["week"])
        counts, listing = cache[key]
    return page(request, "index.html.j2", latest=latest, regions_list=listing,
                map_svg=region_map(counts) if latest else None)


def _file(path: Path, content_type: str) -> web.StreamResponse:
    if not path.is_file():
        raise web.HTTPNotFound(text="Page introuvable.", headers=SECURITY_HEADERS)
    return web.FileResponse(path, headers={**ARCHIVE_HEADERS, "Content-Type": content_type})


async def archive_index(request: web.Request) -> web.StreamResponse:
    return _file(_web_dir(request) / "index.html", "text/html; charset=utf-8")


async def archive_week(request: web.Request) -> web.StreamResponse:
    name = request.match_info["name"]
    if not WEEK_FILE.match(name):
        raise web.HTTPNotFound(text="Page introuvable.", headers=SECURITY_HEADERS)
    return _file(_web_dir(request) / name, "text/html; charset=utf-8")


async def archive_feed(request: web.Request) -> web.StreamResponse:
    return _file(_web_dir(request) / "feed.atom", "application/atom+xml; charset=utf-8")


async def old_week_link(request: web.Request) -> web.StreamResponse:
    """`/<week>.html` (links of earlier e-mails and of the feed) → `/archives/<week>.html`."""
    name = request.match_info["name"]
    if not WEEK_FILE.match(name):
        raise web.HTTPNotFound(text="Page introuvable.", headers=SECURITY_HEADERS)
    raise web.HTTPMovedPermanently(f"{request.app[PREFIX]}/archives/{name}")


async def archives_slash(request: web.Request) -> web.StreamResponse:
    raise web.HTTPMovedPermanently(f"{request.app[PREFIX]}/archives/")


async def health_json(request: web.Request) -> web.Response:
    report = await asyncio.to_thread(health, request.app[CONFIG], request.app[STORE])
    report["checked_at"] = dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")
    return web.Response(body=orjson.dumps(report), content_type="application/json",
                        headers={"Cache-Control": "no-store", "X-Content-Type-Options": "nosniff"})
