"""The bot's French texts and the formatting of its replies (Telegram HTML).

Everything that comes from sources or users (titles, feed names, errors, addresses) is
escaped with `html.escape` before it reaches a reply.
"""
from __future__ import annotations

import datetime as dt
from collections import Counter
import html
from zoneinfo import ZoneInfo

from digest.render import pack
from digest.weeks import french_week_label, send_day_sentence
from domain.fetch_errors import french_error
from domain.regions import region_label
from domain.themes import THEMES, theme_label
from domain.feed_state import FeedState
from store import ActionLog, Delivery, Subscriber
from triage.story_groups import Story


def plural(count: int, singular: str, plural_form: str | None = None) -> str:
    """'1 masquée', '2 masquées' (French: 0 and 1 take the singular)."""
    return f"{count} {singular if count <= 1 else (plural_form or singular + 's')}"


def escape(value: object) -> str:
    """Text from outside (sources, users, errors) made safe for Telegram HTML."""
    return html.escape(str(value), quote=False)


# Command menus (name, description) ------------------------------------------------
SUBSCRIBER_COMMANDS = [
    ("start", "Démarrer et s'abonner"),
    ("abonner", "S'abonner et choisir régions et thèmes"),
    ("regions", "Choisir vos régions"),
    ("themes", "Choisir vos thèmes"),
    ("apercu", "Aperçu de la lettre de cette semaine"),
    ("email", "Recevoir aussi la lettre par e-mail"),
    ("confirmer", "Confirmer votre adresse e-mail"),
    ("reglages", "Voir vos réglages"),
    ("desabonner", "Se désabonner"),
    ("aide", "Aide (aussi /help)"),
]
MODERATOR_COMMANDS = [
    ("file", "File de modération de la semaine"),
    ("tag", "Changer le thème d'une histoire"),
    ("region", "Changer les régions d'une histoire"),
    ("masquer", "Masquer une histoire"),
    ("afficher", "Afficher une histoire masquée"),
    ("fusionner", "Fusionner deux histoires"),
    ("separer", "Séparer un article de son histoire"),
    ("annuler", "Annuler votre dernière action de modération"),
    ("horssujet", "Articles jugés hors sujet de peu, à repêcher"),
    ("sources", "État des sources"),
    ("stats", "Statistiques"),
    ("journal", "Dernières actions des modérateurs"),
    ("envoyer", "Envoyer la lettre de la semaine écoulée"),
]

# Fixed texts -----------------------------------------------------------------------
ERROR = "Une erreur est survenue, réessayez plus tard."
MODERATORS_ONLY = "Désolé, cette commande est réservée aux modérateurs de Vigie."
UNKNOWN_COMMAND = "Je ne connais pas cette commande. Envoyez /aide pour la liste des commandes."
NOT_A_COMMAND = "Je ne comprends que les commandes. Envoyez /aide pour la liste."
NOT_SUBSCRIBED = "Vous n'êtes pas abonné : envoyez /abonner."
UNSUBSCRIBED = "Vous êtes désabonné : vous ne recevrez plus la lettre. Pour revenir : /abonner."
WAS_NOT_SUBSCRIBED = "Vous n'étiez pas abonné. Pour vous abonner : /abonner."
CHOOSE_REGIONS = ("<b>Vos régions</b>\nTouchez une région pour l'ajouter ou la retirer, "
                  "puis « Valider ». « Toutes » : toutes les régions.")
CHOOSE_THEMES = ("<b>Vos thèmes</b>\nTouchez un thème pour l'ajouter ou le retirer, "
                 "puis « Valider ». « Tous » : tous les thèmes.")
EMAIL_USAGE = "Envoyez votre adresse avec la commande, par exemple : <code>/email prenom.nom@exemple.fr</code>"
EMAIL_UNAVAILABLE = "L'envoi de la lettre par e-mail n'est pas disponible pour le moment."
EMAIL_SEND_FAILED = "Le code n'a pas pu être envoyé par e-mail. Vérifiez l'adresse ou réessayez plus tard."
CONFIRM_USAGE = "Envoyez le code reçu par e-mail, par exemple : <code>/confirmer 123456</code>"
SEND_CANCELLED = "Envoi annulé."
SEND_RUNNING = "Un envoi de la lettre est déjà en cours."
STALE_BUTTON = "Ce bouton n'est plus valable : relancez la commande."
SEND_STALE = "Cette demande d'envoi est périmée : relancez /envoyer."
SEND_NO_CHANNEL = "Envoi impossible : ni Telegram (jeton) ni l'e-mail ne sont configurés."
QUEUE_EMPTY = "Aucune nouvelle histoire pour la {label}."


def welcome(created: bool, subscriber: Subscriber, send_weekday: str = "mon") -> str:
    intro = ("<b>Bienvenue sur Vigie !</b>\n"
             f"{send_day_sentence(send_weekday)}, je vous envoie la lettre de veille de la semaine écoulée : les initiatives "
             "pour l'emploi dans le sanitaire et le social (forums, chartes, campagnes, alternance, "
             "recrutement, formation, fidélisation, études), région par région.\n\n")
    if created:
        state = "Vous êtes abonné, pour toutes les régions et tous les thèmes."
    else:
        state = "Vous êtes abonné.\n" + choices_summary(subscriber)
    return (intro + state + "\n\nPour affiner : /regions et /themes. Aperçu de la semaine en cours : "
            "/apercu. Par e-mail aussi : /email. Toutes les commandes : /aide.")


def subscribed(created: bool) -> str:
    return ("Vous êtes abonné. " if created else "Votre abonnement est actif. ") + \
        "Choisissez d'abord vos régions, puis vos thèmes."


def help_text(moderator: bool) -> str:
    lines = ["<b>Vigie — commandes</b>"]
    lines += [f"/{name} — {text}" for name, text in SUBSCRIBER_COMMANDS]
    if moderator:
        lines += ["", "<b>Modération</b>",
                  "/file [SEMAINE] — file de modération (ex. /file 2026-W47)",
                  "/tag ID THÈME — changer le thème (" + ", ".join(THEMES.values()) + ")",
                  "/region ID RÉGION… — changer les régions (ex. Normandie Bretagne, 29, FR-NOR ; "
                  "France = national)",
                  "/masquer ID, /afficher ID — retirer de la lettre ou y remettre",
                  "/fusionner ID ID — la seconde histoire rejoint la première",
                  "/separer ARTICLE — un article forme sa propre histoire (identifiants dans /file)",
                  "/annuler — annuler votre dernière action (fusion, séparation, thème…)",
                  "/horssujet — articles jugés hors sujet de peu, à rendre pertinents",
                  "/sources — état des sources",
                  "/stats — chiffres de la semaine",
                  "/journal — dernières actions",
                  "/envoyer — envoyer la lettre de la semaine écoulée"]
    return "\n".join(lines)


def choices_summary(subscriber: Subscriber) -> str:
    if subscriber.regions:
        regions = ", ".join(region_label(r) for r in subscriber.regions)
        regions += " ; actualités nationales : " + ("oui" if subscriber.nationwide else "non")
    else:
        regions = "toutes"
    themes = ", ".join(theme_label(t) for t in subscriber.themes) if subscriber.themes else "tous"
    return f"<b>Vos choix</b>\nRégions : {regions}\nThèmes : {themes}"


def settings_report(subscriber: Subscriber | None, emails: list[Subscriber]) -> str:
    """/reglages: what a Telegram subscriber receives, and the e-mail address linked to it."""
    if subscriber is None or not subscriber.active:
        return NOT_SUBSCRIBED
    if subscriber.regions:
        regions = ", ".join(region_label(r) for r in subscriber.regions)
    else:
        regions = "toutes"
    themes = ", ".join(theme_label(t) for t in subscriber.themes) if subscriber.themes else "tous"
    lines = ["<b>Vos réglages</b>", "Abonnement : actif", f"Régions : {regions}",
             "Actualités nationales : " + ("oui" if subscriber.nationwide else "non"),
             f"Thèmes : {themes}"]
    confirmed = [e for e in emails if e.active and e.confirmed]
    pending = [e for e in emails if e.active and not e.confirmed]
    if confirmed:
        lines.append("E-mail : " + ", ".join(f"<b>{escape(e.address)}</b>" for e in confirmed)
                     + " (confirmé)")
    elif pending:
        lines.append(f"E-mail : <b>{escape(pending[0].address)}</b> en attente de confirmation "
                     "(<code>/confirmer CODE</code>)")
    else:
        lines.append("E-mail : aucune adresse liée (/email ADRESSE pour en ajouter une)")
    lines.append("\nPour changer : /regions, /themes, /email ; pour arrêter : /desabonner.")
    return "\n".join(lines)


UNSUBSCRIBE_CANCELLED = "Désabonnement annulé : rien ne change."


def applies_to(emails: list[Subscriber]) -> str:
    """Under the region/theme keyboard text: which subscriptions the choices change."""
    if not emails:
        return ""
    addresses = ", ".join(f"<b>{escape(e.address)}</b>" for e in emails)
    return f"\nVos choix valent pour Telegram et pour la lettre par e-mail ({addresses})."


def unsubscribe_question(telegram_active: bool, emails: list[Subscriber]) -> str:
    addresses = ", ".join(f"<b>{escape(e.address)}</b>" for e in emails)
    if telegram_active:
        return f"Vous recevez la lettre sur Telegram et par e-mail ({addresses}). Que voulez-vous arrêter ?"
    return f"Vous recevez la lettre par e-mail ({addresses}). Arrêter la lettre par e-mail ?"


def unsubscribed_from(stopped: list[str]) -> str:
    if not stopped:
        return WAS_NOT_SUBSCRIBED
    parts = ["Telegram" if s == "telegram" else f"l'e-mail <b>{escape(s)}</b>" for s in stopped]
    return f"C'est fait : vous ne recevrez plus la lettre sur {' ni sur '.join(parts)}. Pour revenir : /abonner."


def error(message: str) -> str:
    """A SubscriptionError / ModerationError message, escaped."""
    return "⚠️ " + escape(str(message))


# Preview ---------------------------------------------------------------------------
def preview_intro(week: str, subscribed_: bool) -> str:
    who = "telle que vous la recevriez" if subscribed_ else "complète (vous n'êtes pas abonné)"
    return f"Aperçu de la lettre de la {french_week_label(week)}, jusqu'ici, {who} :"


def preview_empty(week: str) -> str:
    return (f"Rien pour l'instant dans la lettre de la {french_week_label(week)} pour vos régions et vos "
            "thèmes. Revenez plus tard ou élargissez vos choix : /regions, /themes.")


# E-mail opt-in ---------------------------------------------------------------------
def email_code_sent(address: str) -> str:
    return (f"Un code de confirmation a été envoyé à <b>{escape(address)}</b>.\n"
            "Envoyez-le ici : <code>/confirmer CODE</code>")


def email_confirmed(subscriber: Subscriber) -> str:
    return (f"Adresse <b>{escape(subscriber.address)}</b> confirmée : vous recevrez aussi la lettre par "
            "e-mail, avec les mêmes régions et thèmes. Un lien de désabonnement figure dans chaque envoi.")


# Moderation ------------------------------------------------------------------------
def short_id(story_id: str) -> str:
    """What moderators type: 8 characters after 's-' (find_story accepts unique prefixes)."""
    rest = story_id[2:] if story_id.startswith("s-") else story_id
    return rest[:8] if len(rest[:8]) >= 4 else story_id


def article_ids(story: Story) -> str:
    """'Articles : <code>1a2b3c4d</code> Le Courrier · ...' (what /separer takes)."""
    return "Articles : " + " · ".join(f"<code>{escape(a.id[:8])}</code> {escape(a.feed)}" for a in story.articles)


def story_block(number: int | None, story: Story) -> str:
    lead = story.lead
    flags = []
    if story.hidden:
        flags.append("🙈 masquée")
    if story.approved:
        flags.append("✔️ validée")
    regions = ", ".join(region_label(r) for r in story.regions) or "sans région"
    head = f"<b>{number}.</b> " if number is not None else ""
    head += f"<code>{escape(short_id(story.id))}</code> · {escape(theme_label(story.theme))} · {escape(regions)}"
    if flags:
        head += " · " + " · ".join(flags)
    sources = ", ".join(story.sources)
    count = len(story.articles)
    text = (f"{head}\n<a href=\"{html.escape(lead.url, quote=True)}\">{escape(lead.title)}</a>\n"
            f"<i>{escape(sources)}</i>" + (f" ({count} articles)" if count > 1 else ""))
    return text + "\n" + article_ids(story) if count > 1 else text


def queue_page(stories: list[Story], week: str, page: int, per_page: int) -> str:
    first = page * per_page
    shown = stories[first:first + per_page]
    head = (f"<b>File de modération — {french_week_label(week)}</b>\n"
            f"Histoires {first + 1}–{first + len(shown)} sur {len(stories)}")
    hidden = sum(s.hidden for s in stories)
    if hidden:
        head += f" (dont {hidden} masquée{'s' if hidden > 1 else ''})"
    blocks = [story_block(first + i + 1, s) for i, s in enumerate(shown)]
    return "\n\n".join([head, *blocks])


def theme_question(story: Story) -> str:
    """Above the theme keyboard: which story it edits."""
    return (f"<b>Thème de l'histoire</b> <code>{escape(short_id(story.id))}</code>\n{escape(story.lead.title)}\n"
            f"Actuel : {escape(theme_label(story.theme))}. Touchez le nouveau thème :")


def merge_question(a: Story, b: Story) -> str:
    return ("<b>Fusionner ces deux histoires ?</b>\n"
            f"La seconde rejoint la première, qui garde son titre.\n\n{story_block(1, a)}\n\n{story_block(2, b)}")


MERGE_CANCELLED = "Fusion annulée."
NO_NEAR_MISS = "Aucun article récent jugé hors sujet de peu."


def near_misses(articles) -> str:
    """/horssujet: the off-topic articles that came close, numbered like their buttons."""
    lines = ["<b>Hors sujet de peu</b> (probabilité d'être pertinent selon le tri) — "
             "touchez « Pertinent » pour repêcher un article : il rejoindra son histoire et la lettre."]
    for number, a in enumerate(articles, start=1):
        lines.append(f"\n<b>{number}.</b> {round(a.relevance_p * 100)} % · <code>{escape(a.id[:8])}</code> · "
                     f"<i>{escape(a.feed)}</i>\n<a href=\"{html.escape(a.url, quote=True)}\">{escape(a.title)}</a>")
    return "\n".join(lines)


def undone(entry: ActionLog, story: Story | None) -> str:
    text = (f"↩️ Annulé : {escape(ACTION_NAMES.get(entry.action, entry.action))} "
            f"<code>{escape(short_id(entry.target))}</code> du {escape(entry.when[:10])}.")
    return text + (f"\n\n{story_block(None, story)}" if story else "")


def story_changed(story: Story, what: str) -> str:
    return f"✅ {what}\n\n{story_block(None, story)}"


def _when(timestamp: str | None, tz: str) -> str:
    if not timestamp:
        return "jamais"
    try:
        when = dt.datetime.fromisoformat(timestamp)
    except ValueError:
        return escape(timestamp)
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.timezone.utc)
    return when.astimezone(ZoneInfo(tz)).strftime("%d/%m/%Y %H:%M")


def sources_report(feeds: list[tuple[str, bool, FeedState]], tz: str) -> list[str]:
    """One block per configured feed, packed into messages of at most 4,096 characters."""
    if not feeds:
        return ["Aucune source configurée."]
    blocks = [f"<b>Sources ({len(feeds)})</b>"]
    for name, enabled, state in feeds:
        if not state.last_checked:
            icon = "⏳"
        elif state.consecutive_failures == 0:
            icon = "✅"
        elif state.consecutive_failures < 3:
            icon = "⚠️"
        else:
            icon = "❌"
        lines = [f"{icon} <b>{escape(name)}</b>" + ("" if enabled else " (désactivée)"),
                 f"Dernier succès : {_when(state.last_success, tz)} · échecs consécutifs : "
                 f"{state.consecutive_failures}"]
        if state.last_error:
            lines.append(f"Dernière erreur : {escape(french_error(state.last_error)[:300])}")
        blocks.append("\n".join(lines))
    return pack(blocks, 4096)


def stats_report(*, week: str, articles_total: int, articles_week: int, relevant_week: int,
                 stories: list[Story], subscribers: list[Subscriber], last_week: str,
                 deliveries: list[Delivery], last_sent: str | None) -> str:
    active_tg = sum(1 for s in subscribers if s.channel == "telegram" and s.active)
    active_em = sum(1 for s in subscribers if s.channel == "email" and s.active and s.confirmed)
    pending_em = sum(1 for s in subscribers if s.channel == "email" and s.active and not s.confirmed)
    inactive = sum(1 for s in subscribers if not s.active)
    states = Counter(d.state for d in deliveries)
    state_names = {"sent": ("envoyée", "envoyées"), "empty": ("vide", "vides"),
                   "pending": ("en attente", "en attente"), "retry": ("à réessayer", "à réessayer"),
                   "failed": ("en échec", "en échec")}
    delivered = ", ".join(plural(n, *state_names.get(k, (k, k))) for k, n in sorted(states.items())) or "aucune"
    hidden = sum(s.hidden for s in stories)
    approved = sum(s.approved for s in stories)
    return "\n".join([
        f"<b>Statistiques — {french_week_label(week)}</b>",
        f"Articles : {articles_week} cette semaine, dont {plural(relevant_week, 'pertinent')} "
        f"({articles_total} en tout)",
        f"Histoires : {plural(len(stories), 'nouvelle')} ({plural(hidden, 'masquée')}, "
        f"{plural(approved, 'validée')})",
        f"Abonnés : {active_tg} Telegram, {active_em} e-mail"
        + (f" (+ {pending_em} en attente de confirmation)" if pending_em else "")
        + (f", {plural(inactive, 'désabonné')}" if inactive else ""),
        f"Lettre de la {french_week_label(last_week)} : {delivered}",
        f"Dernière semaine envoyée : {last_sent or 'aucune'}",
    ])


ACTION_NAMES = {"theme": "thème", "regions": "régions", "hide": "masquée", "show": "affichée",
                "approve": "validée", "merge": "fusionnée", "split": "séparée",
                "relevant": "rendu pertinent", "undo": "annulation"}


def journal_report(entries: list[ActionLog], tz: str) -> str:
    if not entries:
        return "Aucune action de modération pour l'instant."
    lines = ["<b>Dernières actions</b>"]
    for entry in reversed(entries):
        after = entry.detail.get("after") if isinstance(entry.detail, dict) else None
        if entry.action == "split":
            detail = f"article {entry.detail.get('article', '')}"
        elif entry.action == "merge" and after:
            detail = f"dans {short_id(str(after.get('merged_into', '')))}"
        elif after and entry.action in ("theme", "regions"):
            value = after.get(entry.action)
            detail = ", ".join(value) if isinstance(value, list) else str(value)
        else:
            detail = ""
        lines.append(f"{_when(entry.when, tz)} — {escape(entry.who)} — "
                     f"{escape(ACTION_NAMES.get(entry.action, entry.action))} "
                     f"<code>{escape(short_id(entry.target))}</code>"
                     + (f" : {escape(detail)}" if detail else ""))
    return "\n".join(lines)


def send_question(week: str, recipients: int, already: bool) -> str:
    text = (f"Envoyer la lettre de la <b>{french_week_label(week)}</b> ({week}) "
            f"à {recipients} abonné{'s' if recipients > 1 else ''} actif{'s' if recipients > 1 else ''} ?")
    if already:
        text += "\nElle a déjà été envoyée : seuls les abonnés pas encore servis la recevront."
    return text


def send_started(week: str) -> str:
    return f"Envoi de la lettre de la {french_week_label(week)} en cours…"


def send_report(report) -> str:
    def channel(name: str, ch) -> str:
        if not ch.enabled:
            return f"{name} : non configuré"
        parts = [plural(ch.sent, "envoyée"), plural(ch.skipped, "déjà faite ou vide", "déjà faites ou vides")]
        if ch.retry:
            parts.append(f"{len(ch.retry)} à réessayer")
        if ch.failed:
            parts.append(f"{len(ch.failed)} en échec")
        if ch.deactivated:
            parts.append(f"{plural(len(ch.deactivated), 'abonné a', 'abonnés ont')} bloqué le bot")
        return f"{name} : " + ", ".join(parts)
    return "\n".join([f"📨 Lettre de la {french_week_label(report.week)} : envoi terminé.",
                      channel("Telegram", report.telegram), channel("E-mail", report.email)])
