"""What the words around a place name say about it: a local institution ("CHU de Caen"),
a street ("rue de Metz"), the rest of another name ("Élisabeth Borne"), or an example
given in passing ("à Lyon, par exemple")."""
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


def compass_in_name(tokens: list[Token], first: int, last: int) -> bool:
    """A department named by a point of the compass is part of another name, written
    right after a name or a local institution or right before a name: "GHT Yvelines
    Nord", "l'hôpital Nord Franche-Comté" (not "le Nord", "Tourcoing, Nord", "Nord : ...")."""
    if last - first != 1 or tokens[first].norm not in names.COMPASS_NAMES:
        return False
    if first and tokens[first].joined:
        prev = tokens[first - 1]
        if prev.norm in names.LINK_WORDS:
            return False
        if prev.norm in names.INSTITUTION_WORDS or (prev.cap and not prev.initial):
            return True
    nxt = tokens[last] if last < len(tokens) else None
    return nxt is not None and nxt.joined and nxt.cap and not nxt.initial and nxt.norm not in names.LINK_WORDS


_EXAMPLE_BEFORE = (("par", "exemple"), ("comme",), ("notamment",), ("tel", "que"), ("telle", "que"),
                   ("ainsi",), ("entre", "autres"))
_EXAMPLE_AFTER = (("par", "exemple"), ("entre", "autres"), ("notamment",))
_EXAMPLE_BEFORE_ENDS = frozenset(cue[-1] for cue in _EXAMPLE_BEFORE)  # checked first: most words end none
_EXAMPLE_AFTER_STARTS = frozenset(cue[0] for cue in _EXAMPLE_AFTER)


def example_around(tokens: list[Token], i: int, last: int) -> bool:
    """The place is an example given in passing: "comme à Lyon", "notamment à Caen",
    "à Lyon, par exemple": a nationwide article does not become local through it."""
    j = i - 1
    while j >= 0 and i - j <= 2 and tokens[j].norm in ("a", "au", "aux", "en", "dans", "de", "du"):
        j -= 1
    if j >= 0 and tokens[j].norm in _EXAMPLE_BEFORE_ENDS:
        for cue in _EXAMPLE_BEFORE:
            start = j - len(cue) + 1
            if start >= 0 and tuple(t.norm for t in tokens[start:j + 1]) == cue:
                return True
    if last < len(tokens) and tokens[last].norm in _EXAMPLE_AFTER_STARTS:
        for cue in _EXAMPLE_AFTER:
            if tuple(t.norm for t in tokens[last:last + len(cue)]) == cue:
                return True
    return False
