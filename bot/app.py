"""Build the python-telegram-bot Application: settings, handlers, command menus, errors.

    app = build_application(config, store, token=config.telegram.token())
    app.run_polling()
"""
from __future__ import annotations

import datetime as dt
import logging
from typing import Callable
from zoneinfo import ZoneInfo

from telegram import BotCommand, BotCommandScopeChat, BotCommandScopeDefault, LinkPreviewOptions, Update
from telegram.constants import ParseMode
from telegram.error import TelegramError
from telegram.ext import (
    AIORateLimiter, Application, ApplicationBuilder, CallbackQueryHandler, CommandHandler, ContextTypes,
    Defaults, MessageHandler, filters,
)

from bot import moderator_handlers as mod
from bot import replies
from bot import subscriber_handlers as sub
from config.schema import Config
from store import Store

logger = logging.getLogger(__name__)

SUBSCRIBER_HANDLERS = {
    "start": sub.start, "abonner": sub.abonner, "regions": sub.regions, "themes": sub.themes,
    "apercu": sub.apercu, "email": sub.email, "confirmer": sub.confirmer, "desabonner": sub.desabonner,
    "reglages": sub.reglages, "aide": sub.aide, "help": sub.aide,   # /help: what Telegram users try first
}
MODERATOR_HANDLERS = {
    "file": mod.file, "tag": mod.tag, "region": mod.region, "masquer": mod.masquer, "afficher": mod.afficher,
    "fusionner": mod.fusionner, "separer": mod.separer, "annuler": mod.annuler, "horssujet": mod.horssujet, "sources": mod.sources, "stats": mod.stats,
    "journal": mod.journal_cmd, "envoyer": mod.envoyer,
}


def _utc_now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def build_application(config: Config, store: Store, *, token: str, rate_limiter: bool = True,
                      clock: Callable[[], dt.datetime] | None = None) -> Application:
    """The bot, ready for `run_polling()` (or initialize/start in tests).

    ``clock`` returns the current time (tests pin it; default: the system clock)."""
    defaults = Defaults(tzinfo=ZoneInfo(config.timezone), parse_mode=ParseMode.HTML,
                        link_preview_options=LinkPreviewOptions(is_disabled=True))
    builder = (ApplicationBuilder().token(token)
               .base_url(config.telegram.base_url).base_file_url(config.telegram.base_file_url)
               .defaults(defaults).post_init(register_commands))
    if rate_limiter:
        builder = builder.rate_limiter(AIORateLimiter(max_retries=config.telegram.max_retries))
    app = builder.build()
    app.bot_data.update(config=config, store=store, clock=clock or _utc_now, sending=False)
    add_handlers(app)
    return app


def add_handlers(app: Application) -> None:
    for name, handler in {**SUBSCRIBER_HANDLERS, **MODERATOR_HANDLERS}.items():
        app.add_handler(CommandHandler(name, handler))
    app.add_handler(CallbackQueryHandler(sub.region_button, pattern=r"^r:"))
    app.add_handler(CallbackQueryHandler(sub.theme_button, pattern=r"^t:"))
    app.add_handler(CallbackQueryHandler(sub.unsubscribe_button, pattern=r"^u:"))
    app.add_handler(CallbackQueryHandler(mod.queue_button, pattern=r"^m:"))
    app.add_handler(CallbackQueryHandler(mod.merge_button, pattern=r"^mf:"))
    app.add_handler(CallbackQueryHandler(mod.rescue_button, pattern=r"^mr:"))
    app.add_handler(MessageHandler(filters.COMMAND & filters.ChatType.PRIVATE, sub.unknown))
    app.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND & filters.ChatType.PRIVATE, sub.not_a_command))
    app.add_error_handler(on_error)


def _commands(pairs) -> list[BotCommand]:
    return [BotCommand(name, description) for name, description in pairs]


async def register_commands(app: Application) -> None:
    """post_init: the command menu for everyone, and a longer one in each moderator's chat."""
    await app.bot.set_my_commands(_commands(replies.SUBSCRIBER_COMMANDS), scope=BotCommandScopeDefault())
    everything = _commands(replies.SUBSCRIBER_COMMANDS + replies.MODERATOR_COMMANDS)
    for moderator in app.bot_data["config"].telegram.moderators:
        try:   # the private chat with a user has the user's id; it fails if they never started the bot
            await app.bot.set_my_commands(everything, scope=BotCommandScopeChat(moderator))
        except TelegramError as exc:
            logger.warning("moderator menu for %s not set: %s", moderator, exc)


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Log the error, tell the user politely, never raise."""
    logger.error("error while handling an update", exc_info=context.error)
    if not isinstance(update, Update):
        return
    if update.callback_query is not None:
        try:
            await update.callback_query.answer()
        except TelegramError:
            pass
    if update.effective_chat is not None:
        try:
            await context.bot.send_message(update.effective_chat.id, replies.ERROR)
        except TelegramError as exc:
            logger.warning("could not tell chat %s about the error: %s", update.effective_chat.id, exc)
