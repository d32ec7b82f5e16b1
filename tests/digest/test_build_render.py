"""Building the week, filtering per subscriber, rendering (escaping, message limits)."""
import html

from digest.build import build_week, personalise
from digest.render import email_bodies, pack, telegram_messages
from digest.view import digest_view
from tests.digest.helpers import WEEK, article, make_store, subscriber


def titles(digest):
    return [s.lead.title for _, groups in digest.sections for _, stories in groups for s in stories]


def test_week_holds_new_unhidden_relevant_stories_once(tmp_path):
    store = make_store(tmp_path)
    week = build_week(store, WEEK)
    names = [s.lead.title for s in week.stories]
    assert "Ancienne histoire de la semaine passée" not in names     # first seen the week before
    assert "Football : victoire à domicile" not in names              # not relevant
    assert "Histoire masquée par un modérateur" not in names          # hidden
    forum = [s for s in week.stories if s.id == "s-forum"]
    assert len(forum) == 1 and len(forum[0].articles) == 2            # one story, two outlets
    assert [s.id for s in week.agenda] == ["s-forum"]                 # event on 3 December


def test_filters_regions_themes_and_nationwide(tmp_path):
    store = make_store(tmp_path)
    week = build_week(store, WEEK)
    normandy = personalise(week, subscriber("telegram", "1", regions=["FR-NOR"]))
    assert titles(normandy) == ["Forum des métiers du soin à Caen",
                                "Le gouvernement revalorise les aides à domicile"]
    no_national = personalise(week, subscriber("telegram", "2", regions=["FR-NOR"], nationwide=False))
    assert titles(no_national) == ["Forum des métiers du soin à Caen"]
    charters = personalise(week, subscriber("telegram", "3", themes=["charter"]))
    assert titles(charters) == ["Charte pour le grand âge signée à Metz"] and charters.agenda == []
    everyone = personalise(week, None)
    assert [theme for theme, _ in everyone.sections] == ["event", "charter", "campaign", "retention"]
    nothing = personalise(week, subscriber("telegram", "4", regions=["FR-COR"], nationwide=False))
    assert nothing.empty


def test_source_text_is_escaped_in_every_rendering(tmp_path):
    nasty = 'Forum <script>alert("x")</script> & <b>gras</b> "citation" l\'été'
    store = make_store(tmp_path, [article(1, nasty, summary='Résumé <img src=x onerror=alert(1)> & "guillemets"',
                                          event_date="2026-12-03")])
    view = digest_view(personalise(build_week(store, WEEK), None))
    telegram = "\n".join(telegram_messages(view))
    text, html_part = email_bodies(view, "https://veille.example.org/desabonnement?jeton=t", None)
    from digest.archive import write_archive
    page = write_archive(tmp_path / "web", build_week(store, WEEK))[0].read_text(encoding="utf-8")
    for rendered in (telegram, html_part, page):
        assert "<script>" not in rendered and "<b>gras</b>" not in rendered and "<img" not in rendered
        assert "&lt;script&gt;" in rendered and "&amp;" in rendered
        assert html.unescape(rendered).count(nasty) >= 1
    assert nasty in text  # the plain-text part shows the title as written


def test_telegram_messages_stay_under_4096_and_cut_between_stories(tmp_path):
    long_summary = "Une phrase assez longue pour remplir le message du résumé. " * 3
    articles = [article(i, f"Initiative numéro {i} pour l'emploi dans le soin", story=f"s-{i}",
                        summary=long_summary) for i in range(60)]
    store = make_store(tmp_path, articles)
    messages = telegram_messages(digest_view(personalise(build_week(store, WEEK), None)))
    assert len(messages) > 1 and all(len(m) <= 4096 for m in messages)
    joined = "\n\n".join(messages)
    for i in range(60):
        assert joined.count(f"Initiative numéro {i} pour") == 1
    for m in messages:  # each message ends after a whole story or heading, tags balanced
        assert m.count("<a ") == m.count("</a>") and m.count("<b>") == m.count("</b>")


def test_pack_never_exceeds_limit():
    blocks = ["a" * 10, "b" * 50, "c" * 95, "d" * 5]
    out = pack(blocks, 100)
    assert all(len(m) <= 100 for m in out) and "".join(out).count("c") == 95


def test_a_long_theme_is_cut_with_a_link_to_the_archive(tmp_path):
    from digest.build import MAX_PER_THEME
    articles = [article(i, f"Forum numéro {i}", story=f"s-{i}", regions=("FR-NOR",) if i % 2 else ("FR-BRE",))
                for i in range(MAX_PER_THEME + 5)]
    store = make_store(tmp_path, articles)
    week = build_week(store, WEEK)
    mine = personalise(week, subscriber("telegram", "1", regions=["FR-BRE", "FR-NOR"]))
    assert mine.story_count == MAX_PER_THEME + 5 and mine.more == {"event": 5}
    view = digest_view(mine, "https://veille.example.org/2026-W47.html")
    telegram = "\n".join(telegram_messages(view))
    assert telegram.count("Forum numéro") == MAX_PER_THEME
    assert '… et 5 autres initiatives « Événements » : <a href="https://veille.example.org/2026-W47.html#event">' in telegram
    text, html_part = email_bodies(view, None, view.archive_url)
    assert "… et 5 autres initiatives « Événements » : https://veille.example.org/2026-W47.html#event" in text
    assert "https://veille.example.org/2026-W47.html#event" in html_part
    assert len(personalise(week, None).sections[0][1][0][1]) + len(personalise(week, None).sections[0][1][1][1]) \
        == MAX_PER_THEME + 5  # the archive keeps every story
