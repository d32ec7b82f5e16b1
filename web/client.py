"""Who is asking: the client address used for rate limits."""
from __future__ import annotations

from aiohttp import web

from web.keys import CONFIG


def client_address(request: web.Request) -> str:
    """The peer address, or with `[web] trust_forwarded_for` (behind a reverse proxy that
    sets it) the last address of X-Forwarded-For: the one the proxy saw."""
    if request.app[CONFIG].web.trust_forwarded_for:
        forwarded = request.headers.get("X-Forwarded-For", "")
        hops = [h.strip() for h in forwarded.split(",") if h.strip()]
        if hops:
            return hops[-1]
    return request.remote or "?"
