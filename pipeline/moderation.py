"""Moderators' actions on stories, shared by the bot and the CLI, each one logged.

A decision is stored on the story (store/moderation.py) and applied whenever stories
are grouped again, so it wins over automatic triage at every rebuild.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import asdict

from digest.weeks import local_day, week_bounds
from domain.names import UnknownName, region_codes, theme_code
from domain.themes import THEMES
from store import ActionLog, Store, StoryOverride
from pipeline.stories import moderated_stories, week_stories
from triage.story_groups import Story

LOOKBACK_DAYS = 60
SEARCH_RECENT_DAYS = 21
SEARCH_ALL_DAYS = 365


class ModerationError(Exception):
    """A request that cannot be done, with a message for the moderator (French)."""


def _now() -> str:
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
    raise ModerationError(f"Aucune histoire « {key} ».")


def _change(store: Store, story_id: str, who: str, action: str, **fields) -> StoryOverride:
    override = store.moderation.get(story_id)
    before = {k: getattr(override, k) for k in fields}
    for key, value in fields.items():
        setattr(override, key, value)
    override.updated, override.by = _now(), who
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


def merge(store: Store, key_a: str, key_b: str, who: str) -> Story:
    """Merge story B into story A (A keeps its id)."""
    with store.writing():
        a, b = find_story(store, key_a), find_story(store, key_b)
        if a.id == b.id:
            raise ModerationError("Ces deux identifiants désignent déjà la même histoire.")
        _change(store, b.id, who, "merge", merged_into=a.id)
    return find_story(store, a.id)


def split(store: Store, article_id: str, who: str) -> Story:
    """Take one article out of its story: it becomes a story of its own."""
    with store.writing():
        article = store.articles.get(article_id.strip())
        if article is None:
            raise ModerationError(f"Aucun article « {article_id} ».")
        old = article.story
        new = f"s-{article.id}"
        if old == new:
            raise ModerationError("Cet article forme déjà une histoire à lui seul.")
        store.articles.update({article.id: {"story": new}})
        store.moderation.log(ActionLog(when=_now(), who=who, action="split", target=new,
                                       detail={"article": article.id, "from": old}))
        override = store.moderation.get(new)
        if override.merged_into:  # a former merge must not pull it back
            _change(store, new, who, "split", merged_into=None)
    return find_story(store, new)


def journal(store: Store, limit: int = 20) -> list[ActionLog]:
    return store.moderation.journal(limit)


def corrections(store: Store) -> list[dict]:
    """Moderators' corrections with the articles they concern, to tune the vocabulary."""
    stories = {s.id: s for s in stories_since(store, dt.date.today() - dt.timedelta(days=3650))}
    out = []
    for entry in store.moderation.journal(limit=1_000_000):
        story = stories.get(entry.target)
        out.append({**asdict(entry), "articles": [
            {"id": a.id, "title": a.title, "url": a.url, "themes": a.themes, "regions": a.regions,
             "relevant": a.relevant} for a in (story.articles if story else [])]})
    return out
