"""Reading the forms' fields: repeated checkboxes, the `on`/absent flag, the honeypot."""
from __future__ import annotations

from domain.regions import REGION_CODES
from domain.themes import THEME_CODES

HONEYPOT = "site_web"     # hidden from people (CSS and aria-hidden); bots fill it in


def codes(form, name: str, valid) -> list[str]:
    return [v for v in form.getall(name, []) if isinstance(v, str) and v in valid]


def filters(form) -> tuple[list[str], list[str], bool]:
    """(regions, themes, nationwide) from the form; unknown codes are ignored."""
    return (codes(form, "regions", REGION_CODES), codes(form, "themes", THEME_CODES),
            form.get("national") == "on")


def text(form, name: str, limit: int = 320) -> str:
    value = form.get(name, "")
    return value[:limit] if isinstance(value, str) else ""


def is_bot(form) -> bool:
    return bool(text(form, HONEYPOT).strip())
