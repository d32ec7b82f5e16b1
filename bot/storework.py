"""Store work off the event loop: each call runs in a worker thread under the store lock.

The pipeline functions do file I/O (and take the store's writer lock themselves); reads
here take the same lock and first pick up what other processes (fetch, CLI) wrote.
"""
from __future__ import annotations

import asyncio
import datetime as dt
from typing import Any, Callable

from telegram.ext import ContextTypes

from config.schema import Config
from store import Store


def config_of(context: ContextTypes.DEFAULT_TYPE) -> Config:
    return context.bot_data["config"]


def store_of(context: ContextTypes.DEFAULT_TYPE) -> Store:
    return context.bot_data["store"]


def now(context: ContextTypes.DEFAULT_TYPE) -> dt.datetime:
    """The bot's clock (replaceable in tests through bot_data["clock"])."""
    return context.bot_data["clock"]()


def _locked(store: Store, fn: Callable[..., Any], args, kwargs) -> Any:
    with store.lock:
        store.refresh()
        return fn(store, *args, **kwargs)


async def call(context: ContextTypes.DEFAULT_TYPE, fn: Callable[..., Any], *args, **kwargs) -> Any:
    """`fn(store, *args, **kwargs)` in a worker thread, under the store lock."""
    store = store_of(context)
    return await asyncio.to_thread(_locked, store, fn, args, kwargs)
