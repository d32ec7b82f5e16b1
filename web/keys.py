"""Typed keys of what the application carries (no module-level state)."""
from __future__ import annotations

from aiohttp import web

from config.schema import Config
from pipeline.ratelimit import RateLimiter
from store import Store
from web.batch import Batcher

CONFIG = web.AppKey("config", Config)
STORE = web.AppKey("store", Store)
PREFIX = web.AppKey("prefix", str)                      # path prefix of base_url ("" or "/vigie")
CLIENT_LIMIT = web.AppKey("client_limit", RateLimiter)  # POST /abonnement per client address
ADDRESS_LIMIT = web.AppKey("address_limit", RateLimiter)  # confirmation e-mails per address
CACHE = web.AppKey("cache", dict)                       # derived pages (latest week's map), by key
UNSUBSCRIBER = web.AppKey("unsubscriber", Batcher)      # one-click unsubscribes, group-committed
