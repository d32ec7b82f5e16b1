"""The aiohttp application: routes, body cap, and starting it on an event loop.

Routes (relative to the path of `[web] base_url`):

    GET  /                       home: what Vigie is, the form, the latest week and its map
    POST /abonnement             sign-up (email, regions*, themes*, national=on)
    GET  /confirmer?jeton=T      confirmation page with a button;  POST /confirmer (jeton)
    GET  /preferences?jeton=T    preferences;  POST /preferences
    GET  /desabonnement?jeton=T  button;  POST /desabonnement?jeton=T  RFC 8058 one-click
    GET  /archives/  /archives/<YYYY-Www>.html  /archives/feed.atom
    GET  /agenda.ics[?jeton=T]   coming events (iCalendar)
    GET  /sante                  health JSON
"""
from __future__ import annotations

import logging
from urllib.parse import urlsplit

from aiohttp import web

from config.schema import Config
from pipeline.ratelimit import RateLimiter
from store import Store
from pipeline.optin import unsubscribe_tokens
from web import agenda, archives, manage, subscribe
from web.batch import Batcher
from web.keys import ADDRESS_LIMIT, CACHE, CLIENT_LIMIT, CONFIG, PREFIX, STORE, UNSUBSCRIBER
from web.render import SECURITY_HEADERS

log = logging.getLogger("vigie.web")


def path_prefix(base_url: str) -> str:
    return urlsplit(base_url).path.rstrip("/") if base_url else ""


def build_app(config: Config, store: Store) -> web.Application:
    settings = config.web
    app = web.Application(client_max_size=settings.max_body_bytes, middlewares=[_errors])
    app[CONFIG] = config
    app[STORE] = store
    app[PREFIX] = path_prefix(settings.base_url)
    app[CLIENT_LIMIT] = RateLimiter(settings.signups_per_client, 3600)
    app[ADDRESS_LIMIT] = RateLimiter(settings.signups_per_address, 86400)
    app[CACHE] = {}
    app[UNSUBSCRIBER] = Batcher(lambda tokens: unsubscribe_tokens(store, tokens))
    p = app[PREFIX]
    app.router.add_get(f"{p}/", archives.home)
    app.router.add_post(f"{p}/abonnement", subscribe.subscribe)
    app.router.add_get(f"{p}/confirmer", subscribe.confirm_page)
    app.router.add_post(f"{p}/confirmer", subscribe.confirm)
    app.router.add_get(f"{p}/preferences", manage.preferences_page)
    app.router.add_post(f"{p}/preferences", manage.preferences)
    app.router.add_get(f"{p}/desabonnement", manage.unsubscribe_page)
    app.router.add_post(f"{p}/desabonnement", manage.unsubscribe)
    app.router.add_get(f"{p}/archives", archives.archives_slash)
    app.router.add_get(f"{p}/archives/", archives.archive_index)
    app.router.add_get(f"{p}/archives/feed.atom", archives.archive_feed)
    app.router.add_get(f"{p}/archives/{{name}}", archives.archive_week)
    app.router.add_get(f"{p}/agenda.ics", agenda.agenda)
    app.router.add_get(f"{p}/sante", archives.health_json)
    app.router.add_get(f"{p}/{{name}}", archives.old_week_link)
    if p:
        app.router.add_get(p, _to_prefix_root)
    return app


async def _to_prefix_root(request: web.Request) -> web.StreamResponse:
    raise web.HTTPMovedPermanently(f"{request.app[PREFIX]}/")


@web.middleware
async def _errors(request: web.Request, handler):
    """Errors answered briefly in French, without detail (no stack, no token echoed)."""
    try:
        return await handler(request)
    except web.HTTPRequestEntityTooLarge:
        return web.Response(status=413, text="Requête trop volumineuse.", headers=SECURITY_HEADERS)
    except web.HTTPException as exc:
        if exc.status >= 400 and not exc.text.startswith(("Page", "Lien")):
            return web.Response(status=exc.status, text=f"Erreur {exc.status}.", headers=SECURITY_HEADERS)
        raise


async def start(app: web.Application, listen: str) -> web.AppRunner:
    """Bind the app to `HOST:PORT` on the running event loop; returns the runner (cleanup
    with `await runner.cleanup()`)."""
    host, _, port = listen.rpartition(":")
    runner = web.AppRunner(app, access_log=None, handle_signals=False)
    await runner.setup()
    site = web.TCPSite(runner, host.strip("[]"), int(port), reuse_address=True)
    await site.start()
    log.info("web server on http://%s (public address: %s)", listen, app[CONFIG].web.base_url or "not set")
    return runner
