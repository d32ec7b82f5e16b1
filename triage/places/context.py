"""What the words around a place name say about it: a local institution ("CHU de Caen"),
a street ("rue de Metz"), or the rest of another name ("Élisabeth Borne")."""
from __future__ import annotations

from . import names
from .gazetteer import Token


def institution_before(tokens: list[Token], i: int) -> bool:
    """A local institution names the place: "CHU de Caen", "ARS Normandie", "Région Grand Est"."""
    if i and tokens[i - 1].upper and tokens[i - 1].norm in names.INSTITUTION_WORDS:
        return True
    j = i - 1
    while j >= 0 and i - j <= 3 and tokens[j].norm in names.LINK_WORDS:
        j -= 1
    return j >= 0 and tokens[j].norm in names.INSTITUTION_WORDS and (
        j < i - 1 or tokens[j].norm in ("region", "departement"))


_OF = frozenset({"de", "du", "des", "d", "la", "le", "les", "l"})


def street_before(tokens: list[Token], i: int) -> bool:
    """The place names a street or a venue: "rue de Metz", "gare de Lyon" (not "sur place à Caen")."""
    j = i - 1
    while j >= 0 and i - j <= 2 and tokens[j].norm in _OF:
        j -= 1
    return j >= 0 and tokens[j].norm in names.STREET_WORDS


def inside_name(tokens: list[Token], i: int) -> bool:
    """Token i continues another name: a person ("Élisabeth Borne") or a dedication
    ("hôpital Saint-Jacques", "Clinique Saint-Joseph")."""
    if i == 0 or tokens[i].initial or not tokens[i].joined:
        return False
    prev = tokens[i - 1]
    if prev.norm in names.LINK_WORDS or prev.norm in ("saint", "sainte") or prev.norm.isdigit():
        return False
    if tokens[i].norm in ("saint", "sainte"):
        return True
    return prev.cap and not prev.upper and not prev.loud
