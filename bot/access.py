"""Who may moderate: the Telegram user ids of `config.telegram.moderators`.

Every moderator command and every moderation button goes through `moderator_only`: for
anyone else the bot answers a polite refusal and calls nothing.
"""
from __future__ import annotations

import functools
import logging
from typing import Awaitable, Callable

from telegram import Update
from telegram.ext import ContextTypes

from bot import replies
from bot.storework import config_of

logger = logging.getLogger(__name__)

Handler = Callable[[Update, ContextTypes.DEFAULT_TYPE], Awaitable[None]]


def is_moderator(update: Update, context: ContextTypes.DEFAULT_TYPE) -> bool:
    user = update.effective_user
    return user is not None and user.id in config_of(context).telegram.moderators


def who(update: Update) -> str:
    """How the journal names the moderator: '@name (id)' or 'First name (id)'."""
    user = update.effective_user
    if user is None:
        return "inconnu"
    name = f"@{user.username}" if user.username else user.full_name
    return f"{name} ({user.id})"


def moderator_only(handler: Handler) -> Handler:
    @functools.wraps(handler)
    async def guarded(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        if is_moderator(update, context):
            await handler(update, context)
            return
        user = update.effective_user
        logger.info("refused %s to user %s", handler.__name__, user.id if user else None)
        if update.callback_query is not None:
            await update.callback_query.answer(replies.MODERATORS_ONLY, show_alert=True)
        elif update.effective_message is not None:
            await update.effective_message.reply_text(replies.MODERATORS_ONLY)
    return guarded
