"""The Telegram packer, property-based: random digests with random, very long titles.

Every message must be valid Telegram HTML (only balanced allowed tags, valid entities, no
bare `<`, `>` or `&`), within 4,096 UTF-16 code units of its HTML source (a stricter bound
than Telegram's, which counts the text after entity parsing), every story present exactly
once, and every region heading in the same message as its region's first story.
"""
import html
import re

from markupsafe import escape
from hypothesis import HealthCheck, given, settings, strategies as st

from digest.packing import pack, size
from digest.render import TELEGRAM_LIMIT, telegram_messages
from digest.view import DigestView, Link, RegionGroup, Section, StoryView

ALLOWED = {"b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "a", "code", "pre", "blockquote"}
TOKEN = re.compile(r"<(/?)([a-zA-Z-]+)((?:\s+[a-z-]+=\"[^\"<>]*\")*)\s*>|&(?:#[0-9]+|#x[0-9a-fA-F]+|lt|gt|amp|quot);")


def telegram_html_errors(message: str) -> list[str]:
    """Why Telegram would refuse `message` in HTML parse mode (empty: it parses)."""
    errors, stack, pos = [], [], 0
    for match in TOKEN.finditer(message):
        text = message[pos:match.start()]
        if any(c in text for c in "<>&"):
            errors.append(f"bare markup character in {text[:60]!r}")
        pos = match.end()
        if match.group(0).startswith("&"):
            continue
        closing, name = match.group(1), match.group(2).lower()
        if name not in ALLOWED:
            errors.append(f"tag <{name}> not allowed")
        elif closing:
            if not stack or stack.pop() != name:
                errors.append(f"unbalanced </{name}>")
        else:
            if name == "a" and not re.fullmatch(r'\s+href="[^"]+"', match.group(3)):
                errors.append("<a> without a single href")
            stack.append(name)
    tail = message[pos:]
    if any(c in tail for c in "<>&"):
        errors.append(f"bare markup character in {tail[:60]!r}")
    if stack:
        errors.append(f"unclosed {stack}")
    return errors


def visible(message: str) -> str:
    return html.unescape(re.sub(r"<[^>]*>", "", message))


# Strategies -------------------------------------------------------------------------
NASTY = st.sampled_from(["<", ">", "&", "&amp;", "\"", "'", "🔭", "👩‍⚕️", "🇫🇷", "é", " ", "\n",
                         "Anticonstitutionnellement" * 8, "<a href='x'>", "&#x1F600;", "<b>"])
SHORT = st.text(st.characters(blacklist_categories=("Cs",)), max_size=80)
LONG = st.builds(lambda piece, n: piece * n, st.one_of(SHORT.filter(bool), NASTY), st.integers(1, 1500))
MIXED = st.lists(st.one_of(SHORT, NASTY, LONG), max_size=5).map("".join)
TEXT = st.one_of(SHORT, MIXED, LONG)


@st.composite
def stories(draw, prefix: str, count: int) -> list[StoryView]:
    out = []
    for n in range(count):
        # the URL identifies the story in the output; sometimes long, with characters to escape
        url = f"https://ex.org/{prefix}{n}/" + draw(st.sampled_from(["", "?a=1&b=2", "x" * 900, "\"q\"<>"]))
        also = [Link(draw(SHORT), f"https://also.example/{prefix}{n}/{k}") for k in range(draw(st.integers(0, 3)))]
        when = draw(st.one_of(st.none(), SHORT))
        out.append(StoryView(id=f"{prefix}{n}", title=draw(TEXT), url=url, source=draw(SHORT), summary=draw(TEXT),
                             also=also, when=when, town=draw(st.one_of(st.none(), SHORT)), event_date=None,
                             regions=""))
    return out


@st.composite
def digests(draw) -> DigestView:
    sections = []
    for s in range(draw(st.integers(0, 4))):
        groups = [RegionGroup(f"Région {s}.{g}", draw(stories(f"s{s}g{g}-", draw(st.integers(1, 6)))))
                  for g in range(draw(st.integers(1, 3)))]
        sections.append(Section(theme=f"t{s}", label=f"Thème {s}", groups=groups, more=draw(st.integers(0, 3))))
    agenda = draw(stories("agenda-", draw(st.integers(0, 4))))
    count = sum(len(g.stories) for sec in sections for g in sec.groups)
    return DigestView(week="2026-W47", week_label="semaine du 16 au 22 novembre 2026", title="Vigie — semaine",
                      count=count, sections=sections, agenda=agenda, empty=not count,
                      archive_url=draw(st.sampled_from([None, "https://veille.example.org/2026-W47.html"])))


def href(url: str) -> str:
    return f'href="{escape(url)}"'     # as the templates escape it


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(digests())
def test_every_message_is_valid_within_the_limit_and_every_story_is_there_once(view):
    messages = telegram_messages(view)
    assert messages
    for message in messages:
        assert telegram_html_errors(message) == [], message[:300]
        assert size(message) <= TELEGRAM_LIMIT
        assert len(visible(message).encode("utf-16-le")) // 2 <= TELEGRAM_LIMIT
        assert message.strip()
    joined = "\n".join(messages)
    for section in view.sections:
        for group in section.groups:
            for story in group.stories:
                found = joined.count(href(story.url))
                # an enormous URL may lose its link, never its story: the title's text is there
                assert found == 1 or (found == 0 and _title_start(story) in joined), story.url[:80]
            heading = f"<i>{escape(group.label)}</i>"
            first = href(group.stories[0].url)
            [where] = [i for i, m in enumerate(messages) if heading in m]
            assert first in messages[where] and messages[where].index(heading) < messages[where].index(first)
    for story in view.agenda:
        assert joined.count(href(story.url)) == 1


def _title_start(story: StoryView) -> str:
    return str(escape(story.title.strip()))[:8]


@settings(max_examples=100, deadline=None)
@given(st.lists(TEXT, min_size=1, max_size=12))
def test_plain_blocks_are_never_lost_nor_cut_inside_an_entity(texts):
    blocks = [f"<b>{n}</b> <a href=\"https://ex.org/{n}\">{html.escape(t)}</a>" for n, t in enumerate(texts)]
    messages = pack(blocks, TELEGRAM_LIMIT)
    for message in messages:
        assert telegram_html_errors(message) == [] and size(message) <= TELEGRAM_LIMIT
    joined = "\n".join(messages)
    assert all(joined.count(f'href="https://ex.org/{n}"') == 1 for n in range(len(texts)))


def test_a_huge_title_is_shortened_in_its_text_only():
    title = ("Recrutement & formation <urgent> 🔭 " * 400).strip()
    block = f'<i>Normandie</i>\n• <a href="https://ex.org/1">{html.escape(title)}</a>\nRésumé.\n<i>Source</i>'
    [message] = pack([block], TELEGRAM_LIMIT)
    assert telegram_html_errors(message) == [] and size(message) <= TELEGRAM_LIMIT
    assert message.startswith('<i>Normandie</i>\n• <a href="https://ex.org/1">Recrutement &amp; formation')
    assert "…</a>\nRésumé.\n<i>Source</i>" in message
