"""Inline keyboards and their compact callback data (at most 64 bytes each).

Subscribers: ``r:<code>`` toggles a region (``r:FR`` the nationwide news, ``r:all`` all
regions), ``r:ok`` validates; ``r:next`` validates and goes on to the themes (the
/abonner flow). Themes: ``t:<code>``, ``t:all``, ``t:ok``.

Moderators: ``m:<action>:<week>:<page>[:<story>[:<theme>]]`` with action ``p`` (show the
page), ``t`` (theme chooser), ``s`` (set theme), ``h`` (hide), ``v`` (show), ``a``
(approve); ``m:e:<week>`` confirms a send and ``m:x`` cancels it. ``mf:<story>:<story>``
confirms a merge (the second story joins the first), ``mf:x`` cancels it; ``mr:<article>``
makes an off-topic article relevant (/horssujet).
"""
from __future__ import annotations

from telegram import InlineKeyboardButton as Button
from telegram import InlineKeyboardMarkup

from domain.regions import NATIONWIDE, REGION_CODES, region_label
from domain.themes import THEME_CODES, theme_label
from store import Subscriber
from triage.story_groups import Story

MAX_DATA = 64
CHECK = "✅ "


def _mark(selected: bool, label: str) -> str:
    return CHECK + label if selected else label


def _rows(buttons: list[Button], width: int) -> list[list[Button]]:
    return [buttons[i:i + width] for i in range(0, len(buttons), width)]


# Subscribers ------------------------------------------------------------------------
def regions_keyboard(subscriber: Subscriber, then_themes: bool = False) -> InlineKeyboardMarkup:
    buttons = [Button(_mark(code in subscriber.regions, region_label(code)), callback_data=f"r:{code}")
               for code in REGION_CODES]
    rows = _rows(buttons, 2)
    rows.append([Button(_mark(subscriber.nationwide, "Actualités nationales"), callback_data=f"r:{NATIONWIDE}")])
    rows.append([Button(_mark(not subscriber.regions, "Toutes"), callback_data="r:all"),
                 Button("Valider ➡️" if then_themes else "Valider", callback_data="r:next" if then_themes else "r:ok")])
    return InlineKeyboardMarkup(rows)


def themes_keyboard(subscriber: Subscriber) -> InlineKeyboardMarkup:
    buttons = [Button(_mark(code in subscriber.themes, theme_label(code)), callback_data=f"t:{code}")
               for code in THEME_CODES]
    rows = _rows(buttons, 2)
    rows.append([Button(_mark(not subscriber.themes, "Tous"), callback_data="t:all"),
                 Button("Valider", callback_data="t:ok")])
    return InlineKeyboardMarkup(rows)


def is_signup_flow(markup: InlineKeyboardMarkup | None) -> bool:
    """Does this region keyboard belong to /abonner (its Valider goes on to the themes)?"""
    if markup is None:
        return False
    return any(b.callback_data == "r:next" for row in markup.inline_keyboard for b in row)


def unsubscribe_keyboard(telegram_active: bool) -> InlineKeyboardMarkup:
    """/desabonner with a linked e-mail: ``u:telegram``, ``u:email``, ``u:all``, ``u:x`` (cancel)."""
    if telegram_active:
        rows = [[Button("Telegram seulement", callback_data="u:telegram"),
                 Button("E-mail seulement", callback_data="u:email")],
                [Button("Les deux", callback_data="u:all"), Button("Annuler", callback_data="u:x")]]
    else:
        rows = [[Button("Arrêter l'e-mail", callback_data="u:email"), Button("Annuler", callback_data="u:x")]]
    return InlineKeyboardMarkup(rows)


# Moderators -------------------------------------------------------------------------
def story_ref(story_id: str) -> str:
    """The story id as put in callback data (a long id is cut: find_story takes prefixes)."""
    return story_id[:24]


def _data(*parts: object) -> str:
    data = ":".join(str(p) for p in parts)
    if len(data.encode()) > MAX_DATA:
        raise ValueError(f"callback data too long: {data!r}")
    return data


def queue_keyboard(stories: list[Story], week: str, page: int, per_page: int) -> InlineKeyboardMarkup:
    first = page * per_page
    rows = []
    for number, story in enumerate(stories[first:first + per_page], start=first + 1):
        ref = story_ref(story.id)
        rows.append([
            Button(f"{number}. Thème", callback_data=_data("m", "t", week, page, ref)),
            Button(f"{number}. Afficher" if story.hidden else f"{number}. Masquer",
                   callback_data=_data("m", "v" if story.hidden else "h", week, page, ref)),
            Button(f"{number}. ✔️ Validée" if story.approved else f"{number}. Valider",
                   callback_data=_data("m", "a", week, page, ref)),
        ])
    paging = []
    if page > 0:
        paging.append(Button("⬅️ Précédent", callback_data=_data("m", "p", week, page - 1)))
    if first + per_page < len(stories):
        paging.append(Button("Suivant ➡️", callback_data=_data("m", "p", week, page + 1)))
    if paging:
        rows.append(paging)
    return InlineKeyboardMarkup(rows)


def theme_chooser(story: Story, week: str, page: int) -> InlineKeyboardMarkup:
    ref = story_ref(story.id)
    buttons = [Button(_mark(code == story.theme, theme_label(code)), callback_data=_data("m", "s", week, page, ref, code))
               for code in THEME_CODES]
    rows = _rows(buttons, 2)
    rows.append([Button("↩️ Retour", callback_data=_data("m", "p", week, page))])
    return InlineKeyboardMarkup(rows)


def send_confirmation(week: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[Button("📨 Envoyer", callback_data=_data("m", "e", week)),
                                  Button("Annuler", callback_data="m:x")]])


def merge_confirmation(a: Story, b: Story) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[Button("🔗 Fusionner", callback_data=_data("mf", story_ref(a.id), story_ref(b.id))),
                                  Button("Annuler", callback_data="mf:x")]])


def rescue_keyboard(article_ids: list[str]) -> InlineKeyboardMarkup:
    """One 'make it relevant' button per listed off-topic article, numbered as in the list."""
    buttons = [Button(f"{n}. ✅ Pertinent", callback_data=_data("mr", article_id))
               for n, article_id in enumerate(article_ids, start=1)]
    return InlineKeyboardMarkup(_rows(buttons, 2))
