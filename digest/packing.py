"""Pack Telegram HTML blocks into messages that Telegram accepts, without breaking markup.

A block is one story (with the headings that must stay with it), a header, a footer...
Blocks are joined with blank lines into as few messages as fit in the limit; a block is
never split. A single block too long for one message is shortened in its *visible text*
(the longest text runs first: title, summary), at a word boundary where possible and
marked "…", never inside a tag, an `<a>` element's markup or an entity, so the story is
still there, as valid HTML. Only if that is not enough (markup alone over the limit, e.g.
an enormous URL) are its links unwrapped, keeping their text.

Sizes are counted in UTF-16 code units of the HTML source, tags and entities included.
Telegram limits the UTF-16 length of the text *after* entity parsing, which is never
longer: a message within the limit here is within Telegram's limit, emoji included.
"""
from __future__ import annotations

import re

TAG = re.compile(r"(<[^>]*>)")
ATOM = re.compile(r"&(?:#[0-9]+|#[xX][0-9a-fA-F]+|[A-Za-z]+);|.", re.S)   # an entity or one character
OPEN_A = re.compile(r"<a\s[^>]*>")
ELLIPSIS = "…"
TRAILING = frozenset(",;:.-–—")   # dropped before the "…"
MIN_TEXT = 12          # a text run is never shortened below this many characters


def size(html: str) -> int:
    """Length in UTF-16 code units, as Telegram counts."""
    return len(html.encode("utf-16-le")) // 2


def pack(blocks: list[str], limit: int) -> list[str]:
    """Join blocks with blank lines into as few messages as fit in `limit` (UTF-16 units)."""
    messages: list[str] = []
    current = ""
    for block in blocks:
        block = block.strip()
        if not block:
            continue
        if size(block) > limit:
            block = shorten(block, limit)
        candidate = f"{current}\n\n{block}" if current else block
        if size(candidate) <= limit:
            current = candidate
        else:
            messages.append(current)
            current = block
    if current:
        messages.append(current)
    return messages


def shorten(block: str, limit: int) -> str:
    """The block within `limit`, its longest text runs cut first; markup kept whole."""
    parts = TAG.split(block)          # even indexes: text runs; odd: tags
    done: set[int] = set()            # runs already at their shortest
    while sum(map(size, parts)) > limit:
        excess = sum(map(size, parts)) - limit
        runs = [i for i in range(0, len(parts), 2) if i not in done and len(ATOM.findall(parts[i].strip())) > MIN_TEXT]
        if not runs:
            if not _unwrap_longest_link(parts):
                return _plain(parts, limit)
            continue
        longest = max(runs, key=lambda i: size(parts[i]))
        shorter = truncate_text(parts[longest], max(size(parts[longest]) - excess, 0))
        if size(shorter) >= size(parts[longest]):
            done.add(longest)
        else:
            parts[longest] = shorter
    return "".join(parts)


def truncate_text(text: str, budget: int) -> str:
    """An HTML text run (entities allowed) cut to at most `budget` UTF-16 units, ending in
    "…", at a word boundary when one is near; its leading and trailing white space kept,
    and never fewer than `MIN_TEXT` characters."""
    core = text.strip()
    lead = text[: len(text) - len(text.lstrip())]
    trail = text[len(text.rstrip()):]
    room = budget - size(lead) - size(trail) - size(ELLIPSIS)
    atoms = ATOM.findall(core)
    kept: list[str] = []
    used = 0
    for atom in atoms:
        if used + size(atom) > room and len(kept) >= MIN_TEXT:
            break
        kept.append(atom)
        used += size(atom)
    if len(kept) == len(atoms):
        return text
    spaces = [i for i, atom in enumerate(kept) if atom.isspace()]
    if spaces and spaces[-1] >= max(MIN_TEXT, len(kept) * 2 // 3):
        kept = kept[: spaces[-1]]
    while kept and (kept[-1].isspace() or kept[-1] in TRAILING):   # atoms: an entity's ";" stays
        kept.pop()
    return f"{lead}{''.join(kept)}{ELLIPSIS}{trail}"


def _unwrap_longest_link(parts: list[str]) -> bool:
    """Replace the `<a ...>` tag with the longest markup and its `</a>` by nothing."""
    opens = [i for i in range(1, len(parts), 2) if OPEN_A.fullmatch(parts[i])]
    if not opens:
        return False
    start = max(opens, key=lambda i: size(parts[i]))
    close = next((i for i in range(start + 2, len(parts), 2) if parts[i] == "</a>"), None)
    parts[start] = ""
    if close is not None:
        parts[close] = ""
    return True


def _plain(parts: list[str], limit: int) -> str:
    """Last resort: the text alone (no markup left to keep), cut to the limit."""
    text = "".join(parts[0::2])
    return truncate_text(text, limit) if size(text) > limit else text
