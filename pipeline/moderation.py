"""Moderators' actions on stories, shared by the bot and the CLI, each one logged.

A decision is stored on the story (store/moderation.py) and applied whenever stories
are grouped again, so it wins over automatic triage at every rebuild.
"""
from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import asdict

from domain.names import UnknownName, region_codes, theme_code
from domain.themes import THEMES
from store import ActionLog, Store, StoryOverride
from domain.article import Article
from pipeline.stories import moderated_stories, week_stories
from triage.story_groups import Story

LOOKBACK_DAYS = 60
SEARCH_RECENT_DAYS = 21
SEARCH_ALL_DAYS = 365


class ModerationError(Exception):
    """A request that cannot be done, with a message for the moderator (French)."""


def now_iso() -> str:
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")


def stories_since(store: Store, since: dt.date) -> list[Story]:
    """Stories (hidden ones included) with an article first seen on or after `since`."""
    return moderated_stories(store, since=since - dt.timedelta(days=LOOKBACK_DAYS))


def find_story(store: Store, key: str) -> Story:
    """A story by id, unique id prefix, or the id of one of its articles."""
    key = key.strip()
    for days in (SEARCH_RECENT_DAYS, SEARCH_ALL_DAYS):  # recent stories first: the usual case, and cheap
        stories = stories_since(store, dt.date.today() - dt.timedelta(days=days))
        exact = [s for s in stories if s.id == key or any(a.id == key for a in s.articles)]
        if exact:
            return exact[0]
        if len(key) < 4:
            continue
        matches = [s for s in stories if s.id.startswith(key) or s.id.startswith("s-" + key)]
        if len(matches) == 1:
            return matches[0]
        if matches:
            raise ModerationError(f"« {key} » désigne {len(matches)} histoires : précisez l'identifiant.")
    if len(key) < 4:
        raise ModerationError(f"Aucune histoire « {key} » (un début d'identifiant doit avoir au moins 4 caractères).")
    merged = [o for o in store.moderation.overrides().values()
              if o.merged_into and (o.story == key or o.story.startswith(key) or o.story.startswith("s-" + key))]
    if len(merged) == 1:
        raise ModerationError(f"L'histoire « {key} » a été fusionnée dans « {merged[0].merged_into} » : "
                              "/annuler défait la fusion, /separer ARTICLE en retire un article.")
    raise ModerationError(f"Aucune histoire « {key} ».")


def moderation_queue(store: Store, week: str, tz: str) -> list[Story]:
    """The week's stories for /file, hidden ones included, newest first (by first sight;
    a re-filed story keeps its place)."""
    stories = week_stories(store, week, tz)
    stories.sort(key=lambda s: s.id)
    stories.sort(key=lambda s: s.first_seen, reverse=True)
    return stories


def find_article(store: Store, key: str) -> tuple[Article, Story]:
    """A relevant article by id or unique id prefix (4 characters at least), with its story."""
    key = key.strip().lower()
    for days in (SEARCH_RECENT_DAYS, SEARCH_ALL_DAYS):
        stories = stories_since(store, dt.date.today() - dt.timedelta(days=days))
        found = {a.id: (a, s) for s in stories for a in s.articles
                 if a.id == key or (len(key) >= 4 and a.id.startswith(key))}
        if key in found:
            return found[key]
        if len(found) == 1:
            return next(iter(found.values()))
        if found:
            raise ModerationError(f"« {key} » désigne {len(found)} articles : précisez l'identifiant.")
    if len(key) < 4:
        raise ModerationError(f"Aucun article « {key} » (un début d'identifiant doit avoir au moins 4 caractères).")
    raise ModerationError(f"Aucun article « {key} » dans une histoire.")


def _change(store: Store, story_id: str, who: str, action: str, **fields) -> StoryOverride:
    override = store.moderation.get(story_id)
    before = {k: getattr(override, k) for k in fields}
    for key, value in fields.items():
        setattr(override, key, value)
    override.updated, override.by = now_iso(), who
    store.moderation.put(override)
    store.moderation.log(ActionLog(when=override.updated, who=who, action=action, target=story_id,
                                   detail={"before": before, "after": fields}))
    return override


def _did_you_mean(exc: UnknownName) -> str:
    return f" Vouliez-vous dire {exc.suggestion} ?" if exc.suggestion else ""


def resolve_theme(text: str) -> str:
    """A theme code from what a moderator typed (code or French name), else ModerationError."""
    try:
        return theme_code(text)
    except UnknownName as exc:
        raise ModerationError(f"Thème inconnu « {text} ».{_did_you_mean(exc)} "
                              f"Thèmes : {', '.join(THEMES.values())}.") from None


def resolve_regions(texts: list[str]) -> list[str]:
    """Region codes from codes, French names or department numbers, else ModerationError."""
    if not texts:
        raise ModerationError("Aucune région donnée. Exemples : Normandie, FR-NOR, 29, FR (national).")
    try:
        return region_codes(texts)
    except UnknownName as exc:
        raise ModerationError(f"Région inconnue « {exc.text} ».{_did_you_mean(exc)} "
                              "Exemples : Normandie, FR-NOR, 29, 974, FR (national).") from None


def set_theme(store: Store, key: str, theme: str, who: str) -> Story:
    """File a story under another theme (a code or a French name)."""
    theme = resolve_theme(theme)
    with store.writing():
        story = find_story(store, key)
        _change(store, story.id, who, "theme", theme=theme)
    return find_story(store, story.id)


def set_regions(store: Store, key: str, regions: list[str], who: str) -> Story:
    """Set a story's regions (codes, French names or department numbers)."""
    regions = resolve_regions(regions)
    with store.writing():
        story = find_story(store, key)
        _change(store, story.id, who, "regions", regions=regions)
    return find_story(store, story.id)


def set_hidden(store: Store, key: str, hidden: bool, who: str) -> Story:
    with store.writing():
        story = find_story(store, key)
        _change(store, story.id, who, "hide" if hidden else "show", hidden=hidden)
    return find_story(store, story.id)


def approve(store: Store, key: str, who: str) -> Story:
    with store.writing():
        story = find_story(store, key)
        _change(store, story.id, who, "approve", approved=True, hidden=False)
    return find_story(store, story.id)


def merge_pair(store: Store, key_a: str, key_b: str) -> tuple[Story, Story]:
    """The two stories a merge would join (to show them before asking for confirmation)."""
    a, b = find_story(store, key_a), find_story(store, key_b)
    if a.id == b.id:
        raise ModerationError("Ces deux identifiants désignent déjà la même histoire.")
    return a, b


def merge(store: Store, key_a: str, key_b: str, who: str) -> Story:
    """Merge story B into story A (A keeps its id and its title)."""
    with store.writing():
        a, b = merge_pair(store, key_a, key_b)
        _change(store, b.id, who, "merge", merged_into=a.id)
    return find_story(store, a.id)


def split(store: Store, article_key: str, who: str) -> Story:
    """Take one article (id or id prefix) out of its story: it becomes a story of its own,
    also when its story was merged into another."""
    with store.writing():
        article, story = find_article(store, article_key)
        if len(story.articles) == 1:
            raise ModerationError("Cet article forme déjà une histoire à lui seul.")
        new = f"s-{article.id}"
        if any(a.id != article.id and a.story == new for a in story.articles):  # it heads other articles
            new = "s-" + hashlib.sha1(f"split:{article.id}".encode()).hexdigest()[:16]
        override = store.moderation.get(new)
        was_merged_into = override.merged_into
        store.articles.update({article.id: {"story": new}})
        if was_merged_into:  # a former merge must not pull it back
            override.merged_into = None
            store.moderation.put(override)
        store.moderation.log(ActionLog(when=now_iso(), who=who, action="split", target=new,
                                       detail={"article": article.id, "from": article.story, "story": story.id,
                                               "before": {"merged_into": was_merged_into}}))
    return find_story(store, new)


def undo(store: Store, who: str) -> tuple[ActionLog, Story | None]:
    """Undo this moderator's last action not undone yet; returns it and the story as it is now."""
    who_id = who[who.rfind("(") + 1:-1] if who.endswith(")") else who
    with store.writing():
        last = store.moderation.last_action(who_id)
        if last is None:
            raise ModerationError("Rien à annuler : aucune action de votre part dans le journal.")
        doc_id, entry = last
        detail = entry.detail or {}
        if entry.action == "split":
            store.articles.update({detail["article"]: {"story": detail["from"]}})
            override = store.moderation.get(entry.target)
            override.merged_into = detail.get("before", {}).get("merged_into")
            store.moderation.put(override)
            key = detail["article"]
        elif entry.action == "relevant":
            store.articles.update({detail["article"]: dict(detail["before"])})
            key = None
        else:
            override = store.moderation.get(entry.target)
            for name, value in detail.get("before", {}).items():
                setattr(override, name, value)
            override.updated, override.by = now_iso(), who
            store.moderation.put(override)
            key = entry.target
        when = now_iso()
        store.moderation.mark_undone(doc_id, when)
        store.moderation.log(ActionLog(when=when, who=who, action="undo", target=entry.target,
                                       detail={"undid": entry.action, "of": entry.when}))
    try:
        return entry, (find_story(store, key) if key else None)
    except ModerationError:
        return entry, None


def journal(store: Store, limit: int = 20) -> list[ActionLog]:
    return store.moderation.journal(limit)


def corrections(store: Store) -> list[dict]:
    """Moderators' corrections with the articles they concern, to tune the vocabulary: the
    articles of the story now, and the article an action names (split, rescue) in any case."""
    stories = {s.id: s for s in stories_since(store, dt.date.today() - dt.timedelta(days=3650))}
    out = []
    for entry in store.moderation.journal(limit=1_000_000):
        story = stories.get(entry.target)
        articles = list(story.articles) if story else []
        named = entry.detail.get("article") if isinstance(entry.detail, dict) else None
        if named and all(a.id != named for a in articles):
            article = store.articles.get(named)
            articles += [article] if article else []
        out.append({**asdict(entry), "articles": [
            {"id": a.id, "title": a.title, "url": a.url, "themes": a.themes, "regions": a.regions,
             "relevant": a.relevant, "relevance_p": a.relevance_p} for a in articles]})
    return out
