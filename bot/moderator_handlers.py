"""Moderator commands and buttons; each one is guarded by `moderator_only`.

Handlers only parse, call `pipeline/` (moderation, queue order, figures, sending) in a
worker thread and format the reply with `bot/replies.py`."""
from __future__ import annotations

import asyncio
import logging

from telegram import Update
from telegram.ext import ContextTypes

from bot import replies
from bot.access import moderator_only, who
from bot.editing import edit_text
from bot.keyboards import merge_confirmation, queue_keyboard, rescue_keyboard, send_confirmation, theme_chooser
from bot.storework import call, config_of, now
from digest.weeks import current_week, parse_week, previous_week
from domain.themes import THEMES, theme_label
from pipeline.digest import DeliveryUnavailable, send_info, send_week_apart
from pipeline.moderation import (
    ModerationError, approve, find_story, journal, merge, merge_pair, moderation_queue, resolve_theme, set_hidden,
    set_regions, set_theme, split, undo,
)
from pipeline.offtopic import make_relevant, near_misses
from pipeline.stats import week_figures
from store import Store

logger = logging.getLogger(__name__)

PER_PAGE = 5
JOURNAL_LINES = 15


async def _reply(update: Update, text: str, **kwargs) -> None:
    await update.effective_message.reply_text(text, **kwargs)


async def _moderate(update: Update, context: ContextTypes.DEFAULT_TYPE, fn, *args, what: str) -> None:
    """Run one pipeline.moderation change and answer with the story as it now is."""
    try:
        story = await call(context, fn, *args, who=who(update))
    except ModerationError as exc:
        await _reply(update, replies.error(exc))
        return
    await _reply(update, replies.story_changed(story, what))


# The queue (/file) -----------------------------------------------------------------
@moderator_only
async def file(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    tz = config_of(context).timezone
    week = context.args[0] if context.args else current_week(now(context), tz)
    try:
        parse_week(week)
    except ValueError:
        await _reply(update, replies.error(f"Semaine invalide « {week} » : par exemple 2026-W47."))
        return
    stories = await call(context, moderation_queue, week, tz)
    if not stories:
        await _reply(update, replies.QUEUE_EMPTY.format(label=replies.french_week_label(week)))
        return
    await _reply(update, replies.queue_page(stories, week, 0, PER_PAGE),
                 reply_markup=queue_keyboard(stories, week, 0, PER_PAGE))


def _queue_action(store: Store, action: str, week: str, ref: str | None, theme: str | None,
                  moderator: str, tz: str):
    """Apply a queue button's change; returns (the week's stories, the story, a short note)."""
    story, note = None, None
    if action == "t":
        story = find_story(store, ref)
    elif action == "s":
        story, note = set_theme(store, ref, theme, moderator), f"Thème : {theme_label(theme)}"
    elif action in ("h", "v"):
        story = set_hidden(store, ref, action == "h", moderator)
        note = "Masquée" if action == "h" else "Affichée"
    elif action == "a":
        story, note = approve(store, ref, moderator), "Validée"
    return moderation_queue(store, week, tz), story, note


@moderator_only
async def queue_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    parts = query.data.split(":")
    action = parts[1]
    if action == "x":
        await query.answer()
        await edit_text(query, replies.SEND_CANCELLED)
        return
    if action == "e" and len(parts) == 3:
        await _confirm_send(update, context, parts[2])
        return
    try:
        week, page = parts[2], int(parts[3])
        ref = parts[4] if len(parts) > 4 else None
        theme = parts[5] if len(parts) > 5 else None
        parse_week(week)
        if action not in ("p", "t", "s", "h", "v", "a") or (action != "p" and not ref):
            raise ValueError(action)
    except (IndexError, ValueError):
        await query.answer(replies.STALE_BUTTON, show_alert=True)
        return
    try:
        stories, story, note = await call(context, _queue_action, action, week, ref, theme, who(update),
                                          config_of(context).timezone)
    except ModerationError as exc:
        await query.answer(str(exc), show_alert=True)
        return
    await query.answer(note)
    if action == "t":
        await edit_text(query, replies.theme_question(story), theme_chooser(story, week, page))
        return
    if not stories:
        await edit_text(query, replies.QUEUE_EMPTY.format(label=replies.french_week_label(week)))
        return
    page = max(0, min(page, (len(stories) - 1) // PER_PAGE))
    await edit_text(query, replies.queue_page(stories, week, page, PER_PAGE),
                    queue_keyboard(stories, week, page, PER_PAGE))


# One-shot corrections ------------------------------------------------------------------
@moderator_only
async def tag(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    if len(context.args) < 2:
        await _reply(update, "Usage : <code>/tag ID THÈME</code> — thèmes : " + ", ".join(THEMES.values()))
        return
    try:
        theme = resolve_theme(" ".join(context.args[1:]))
    except ModerationError as exc:
        await _reply(update, replies.error(exc))
        return
    await _moderate(update, context, set_theme, context.args[0], theme, what=f"Thème : {theme_label(theme)}.")


@moderator_only
async def region(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    if len(context.args) < 2:
        await _reply(update, "Usage : <code>/region ID RÉGION…</code> — par exemple "
                             "<code>/region 3fa2c1d0 Normandie Bretagne</code>, <code>/region 3fa2c1d0 29</code> "
                             "ou <code>/region 3fa2c1d0 FR-NOR</code> (France : national)")
        return
    await _moderate(update, context, set_regions, context.args[0], list(context.args[1:]),
                    what="Régions modifiées.")


@moderator_only
async def masquer(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    if len(context.args) != 1:
        await _reply(update, "Usage : <code>/masquer ID</code>")
        return
    await _moderate(update, context, set_hidden, context.args[0], True, what="Histoire masquée : elle ne paraîtra pas.")


@moderator_only
async def afficher(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    if len(context.args) != 1:
        await _reply(update, "Usage : <code>/afficher ID</code>")
        return
    await _moderate(update, context, set_hidden, context.args[0], False, what="Histoire affichée.")


@moderator_only
async def fusionner(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    if len(context.args) != 2:
        await _reply(update, "Usage : <code>/fusionner ID ID</code> — la seconde rejoint la première.")
        return
    try:
        a, b = await call(context, merge_pair, context.args[0], context.args[1])
    except ModerationError as exc:
        await _reply(update, replies.error(exc))
        return
    await _reply(update, replies.merge_question(a, b), reply_markup=merge_confirmation(a, b))


@moderator_only
async def merge_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    parts = query.data.split(":")
    if parts[1:] == ["x"]:
        await query.answer()
        await edit_text(query, replies.MERGE_CANCELLED)
        return
    if len(parts) != 3:
        await query.answer(replies.STALE_BUTTON, show_alert=True)
        return
    try:
        story = await call(context, merge, parts[1], parts[2], who=who(update))
    except ModerationError as exc:
        await query.answer(str(exc), show_alert=True)
        return
    await query.answer("Fusionnées")
    await edit_text(query, replies.story_changed(story, "Histoires fusionnées (/annuler pour défaire)."))


@moderator_only
async def separer(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    if len(context.args) != 1:
        await _reply(update, "Usage : <code>/separer ARTICLE_ID</code> — les identifiants d'articles "
                             "figurent sous chaque histoire dans /file.")
        return
    await _moderate(update, context, split, context.args[0],
                    what=f"Article <code>{replies.escape(context.args[0])}</code> séparé : nouvelle histoire.")


@moderator_only
async def annuler(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    try:
        entry, story = await call(context, undo, who(update))
    except ModerationError as exc:
        await _reply(update, replies.error(exc))
        return
    await _reply(update, replies.undone(entry, story))


@moderator_only
async def horssujet(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    articles = await call(context, near_misses, now(context).date())
    if not articles:
        await _reply(update, replies.NO_NEAR_MISS)
        return
    await _reply(update, replies.near_misses(articles), reply_markup=rescue_keyboard([a.id for a in articles]))


@moderator_only
async def rescue_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    article_id = query.data.split(":", 1)[1]
    try:
        story = await call(context, make_relevant, article_id, who=who(update))
    except ModerationError as exc:
        await query.answer(str(exc), show_alert=True)
        return
    await query.answer("Article rendu pertinent")
    await context.bot.send_message(query.message.chat.id, replies.story_changed(
        story, f"Article <code>{replies.escape(article_id[:8])}</code> rendu pertinent : il paraîtra dans la "
               "lettre (/annuler pour revenir en arrière)."))


# Reports ---------------------------------------------------------------------------
@moderator_only
async def sources(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    config = config_of(context)

    def read(store: Store):
        return [(f.name, f.enabled, store.feeds.get(f.name)) for f in config.feeds]

    for text in replies.sources_report(await call(context, read), config.timezone):
        await _reply(update, text)


@moderator_only
async def stats(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    tz = config_of(context).timezone
    moment = now(context)
    figures = await call(context, week_figures, current_week(moment, tz), previous_week(moment, tz), tz)
    await _reply(update, replies.stats_report(**figures))


@moderator_only
async def journal_cmd(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    entries = await call(context, journal, JOURNAL_LINES)
    await _reply(update, replies.journal_report(entries, config_of(context).timezone))


# Sending the digest ------------------------------------------------------------------
@moderator_only
async def envoyer(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    config = config_of(context)
    if not config.telegram.token() and not config.email.enabled:
        await _reply(update, replies.SEND_NO_CHANNEL)
        return
    week = previous_week(now(context), config.timezone)   # what the weekly schedule sends
    recipients, already = await call(context, lambda store: send_info(config, store, week))
    await _reply(update, replies.send_question(week, recipients, already), reply_markup=send_confirmation(week))


async def _confirm_send(update: Update, context: ContextTypes.DEFAULT_TYPE, week: str) -> None:
    query = update.callback_query
    if week != previous_week(now(context), config_of(context).timezone):   # a button left from another week
        await query.answer(replies.SEND_STALE, show_alert=True)
        await edit_text(query, replies.SEND_STALE)
        return
    if context.bot_data.get("sending"):
        await query.answer(replies.SEND_RUNNING, show_alert=True)
        return
    context.bot_data["sending"] = True
    await query.answer()
    await edit_text(query, replies.send_started(week))
    context.application.create_task(_send_and_report(context, query.message.chat.id, week), update=update)


async def _send_and_report(context: ContextTypes.DEFAULT_TYPE, chat_id: int, week: str) -> None:
    try:
        from delivery.telegram.sender import sender_on_loop   # the bot's own limiter for the digest too
        sender = sender_on_loop(context.bot, asyncio.get_running_loop())
        report = await asyncio.to_thread(send_week_apart, config_of(context), week, now(context), sender)
    except DeliveryUnavailable:
        await context.bot.send_message(chat_id, replies.SEND_RUNNING)
        return
    finally:
        context.bot_data["sending"] = False
    await context.bot.send_message(chat_id, replies.send_report(report))
