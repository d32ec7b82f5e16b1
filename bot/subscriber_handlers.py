"""Subscriber commands and the region/theme keyboards."""
from __future__ import annotations

import asyncio
import logging

from telegram import Update
from telegram.ext import ContextTypes

from bot import replies
from bot.access import is_moderator
from bot.editing import edit_markup, edit_text
from delivery.email.code_message import send_confirmation
from bot.keyboards import is_signup_flow, regions_keyboard, themes_keyboard, unsubscribe_keyboard
from bot.storework import call, config_of, now
from digest.weeks import current_week
from pipeline.digest import preview_messages
from pipeline.linked import linked_emails, toggle_linked, unsubscribe_channels
from pipeline.subscriptions import (
    SubscriptionError, confirm_email, get_telegram, request_email, subscribe_telegram, telegram_id,
    unsubscribe,
)

logger = logging.getLogger(__name__)


def _user_id(update: Update) -> int | None:
    return update.effective_user.id if update.effective_user else None


async def _active_subscriber(update: Update, context: ContextTypes.DEFAULT_TYPE):
    subscriber = await call(context, get_telegram, update.effective_chat.id)
    if subscriber is None or not subscriber.active:
        await update.effective_message.reply_text(replies.NOT_SUBSCRIBED)
        return None
    return subscriber


# Commands ---------------------------------------------------------------------------
async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    subscriber, created = await call(context, subscribe_telegram, update.effective_chat.id, _user_id(update))
    await update.effective_message.reply_text(
        replies.welcome(created, subscriber, config_of(context).digest.send_weekday))


async def abonner(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    subscriber, created = await call(context, subscribe_telegram, update.effective_chat.id, _user_id(update))
    await update.effective_message.reply_text(replies.subscribed(created))
    await update.effective_message.reply_text(replies.CHOOSE_REGIONS,
                                              reply_markup=regions_keyboard(subscriber, then_themes=True))


def _with_emails(store, chat_id: int, user_id: int | None):
    """The chat's subscription and the active e-mail subscriptions its user linked."""
    return get_telegram(store, chat_id), linked_emails(store, user_id)


async def _choices(update: Update, context: ContextTypes.DEFAULT_TYPE, kind: str) -> None:
    subscriber, emails = await call(context, _with_emails, update.effective_chat.id, _user_id(update))
    if subscriber is None or not subscriber.active:
        await update.effective_message.reply_text(replies.NOT_SUBSCRIBED)
        return
    text = replies.CHOOSE_REGIONS if kind == "region" else replies.CHOOSE_THEMES
    keyboard = regions_keyboard(subscriber) if kind == "region" else themes_keyboard(subscriber)
    await update.effective_message.reply_text(text + replies.applies_to(emails), reply_markup=keyboard)


async def regions(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await _choices(update, context, "region")


async def themes(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await _choices(update, context, "theme")


async def desabonner(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    chat_id = update.effective_chat.id
    subscriber, emails = await call(context, _with_emails, chat_id, _user_id(update))
    telegram_active = subscriber is not None and subscriber.active
    if emails:   # two channels: ask which one to stop
        await update.effective_message.reply_text(replies.unsubscribe_question(telegram_active, emails),
                                                  reply_markup=unsubscribe_keyboard(telegram_active))
        return
    done = await call(context, unsubscribe, telegram_id(chat_id))
    await update.effective_message.reply_text(replies.UNSUBSCRIBED if done else replies.WAS_NOT_SUBSCRIBED)


async def unsubscribe_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    which = query.data.split(":", 1)[1]
    if which == "x":
        await query.answer()
        await edit_text(query, replies.UNSUBSCRIBE_CANCELLED)
        return
    try:
        stopped = await call(context, unsubscribe_channels, query.message.chat.id, _user_id(update), which)
    except SubscriptionError:
        await query.answer(replies.STALE_BUTTON, show_alert=True)
        return
    await query.answer()
    await edit_text(query, replies.unsubscribed_from(stopped))


def _preview(store, config, chat_id: int, week: str) -> tuple[bool, list[str] | None]:
    """(is subscribed, the Telegram messages or None when there is nothing)."""
    subscriber = get_telegram(store, chat_id)
    active = subscriber is not None and subscriber.active
    return active, preview_messages(config, store, week, subscriber if active else None)


async def apercu(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    config = config_of(context)
    week = current_week(now(context), config.timezone)
    active, messages = await call(context, _preview, config, update.effective_chat.id, week)
    if messages is None:
        await update.effective_message.reply_text(replies.preview_empty(week))
        return
    await update.effective_message.reply_text(replies.preview_intro(week, active))
    for text in messages:
        await context.bot.send_message(update.effective_chat.id, text)


async def email(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    settings = config_of(context).email
    if not settings.enabled:
        await update.effective_message.reply_text(replies.EMAIL_UNAVAILABLE)
        return
    if len(context.args) != 1:
        await update.effective_message.reply_text(replies.EMAIL_USAGE)
        return
    try:
        subscriber = await call(context, request_email, update.effective_chat.id, context.args[0], _user_id(update))
    except SubscriptionError as exc:
        await update.effective_message.reply_text(replies.error(exc))
        return
    result = await asyncio.to_thread(send_confirmation, settings, subscriber.address, subscriber.confirm_token)
    if not result.ok:
        logger.warning("confirmation e-mail to %s failed: %s", subscriber.address, result.error)
        await update.effective_message.reply_text(replies.EMAIL_SEND_FAILED)
        return
    await update.effective_message.reply_text(replies.email_code_sent(subscriber.address))


async def confirmer(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    if len(context.args) != 1:
        await update.effective_message.reply_text(replies.CONFIRM_USAGE)
        return
    try:
        subscriber = await call(context, confirm_email, context.args[0], _user_id(update))
    except SubscriptionError as exc:
        await update.effective_message.reply_text(replies.error(exc))
        return
    await update.effective_message.reply_text(replies.email_confirmed(subscriber))


async def reglages(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    subscriber, emails = await call(context, _with_emails, update.effective_chat.id, _user_id(update))
    await update.effective_message.reply_text(replies.settings_report(subscriber, emails))


async def aide(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await update.effective_message.reply_text(replies.help_text(is_moderator(update, context)))


async def unknown(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await update.effective_message.reply_text(replies.UNKNOWN_COMMAND)


async def not_a_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await update.effective_message.reply_text(replies.NOT_A_COMMAND)


# Keyboards --------------------------------------------------------------------------
async def _choose(update: Update, context: ContextTypes.DEFAULT_TYPE, kind: str) -> None:
    """A tap on the region (kind 'region') or theme ('theme') keyboard."""
    query = update.callback_query
    code = query.data.split(":", 1)[1]
    chat_id = query.message.chat.id
    if code in ("ok", "next"):
        subscriber = await call(context, get_telegram, chat_id)
        if subscriber is None:
            await query.answer(replies.NOT_SUBSCRIBED, show_alert=True)
            return
        await query.answer("C'est noté.")
        await edit_text(query, replies.choices_summary(subscriber))
        if code == "next":
            await context.bot.send_message(chat_id, replies.CHOOSE_THEMES, reply_markup=themes_keyboard(subscriber))
        return
    try:
        subscriber, _ = await call(context, toggle_linked, chat_id, _user_id(update), kind, code)
    except SubscriptionError as exc:
        await query.answer(str(exc), show_alert=True)
        return
    await query.answer()
    if kind == "region":
        signup = is_signup_flow(getattr(query.message, "reply_markup", None))
        await edit_markup(query, regions_keyboard(subscriber, then_themes=signup))
    else:
        await edit_markup(query, themes_keyboard(subscriber))


async def region_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await _choose(update, context, "region")


async def theme_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await _choose(update, context, "theme")
