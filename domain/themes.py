"""The eight themes Vigie files stories under, in digest order, with their French labels."""
from __future__ import annotations

THEMES: dict[str, str] = {
    "event": "Événements",
    "charter": "Chartes et engagements",
    "campaign": "Campagnes",
    "apprenticeship": "Alternance",
    "recruitment": "Recrutement",
    "training": "Formation et reconversion",
    "retention": "Conditions de travail et fidélisation",
    "study": "Études et chiffres",
}

THEME_CODES: tuple[str, ...] = tuple(THEMES)


def theme_label(code: str) -> str:
    return THEMES[code]
