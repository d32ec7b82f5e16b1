"""A source's last error (recorded in English by the scrapers) said in French for staff.

The common kinds are translated and keep their technical detail; anything else is shown
as recorded. Used by the bot's /sources and any other French display.
"""
from __future__ import annotations

import re

# (pattern on the recorded text, French template using the pattern's groups)
_KINDS: tuple[tuple[re.Pattern[str], str], ...] = tuple((re.compile(p, re.S), t) for p, t in (
    (r"^HTTP (\d{3}): server asks to retry after (\S+) s.*$", "HTTP {0} : le serveur demande de réessayer dans {1} s"),
    (r"^HTTP (\d{3}) ?(.*)$", "erreur HTTP {0} {1}"),
    (r"^HTTP error: (.*)$", "erreur HTTP : {0}"),
    (r"^timeout: no complete answer within (\S+) s$", "délai dépassé : pas de réponse complète en {0} s"),
    (r"^timeout: could not connect within (\S+) s$", "délai dépassé : connexion impossible en {0} s"),
    (r"^timeout: server sent nothing for (\S+) s$", "délai dépassé : le serveur n'a rien envoyé pendant {0} s"),
    (r"^timeout ?(.*)$", "délai dépassé {0}"),
    (r"^stopped at the deadline \(([^)]*)\).*$", "arrêtée à l'échéance ({0}) : la source n'a pas répondu à temps"),
    (r"^cannot connect: (.*)$", "connexion impossible : {0}"),
    (r"^connection broken: (.*)$", "connexion interrompue : {0}"),
    (r"^too many redirects \(more than (\d+)\)$", "trop de redirections (plus de {0})"),
    (r"^invalid URL: (.*)$", "adresse invalide : {0}"),
    (r"^blocked by robots\.txt.*$", "refusée par robots.txt (le site demande aux robots de ne pas lire cette page)"),
    (r"^refused: (.*?)( \(a source on an internal host.*)?$",
     "refusée : {0} (une source sur un hôte interne demande allow_private = true dans son entrée [[feeds]])"),
    (r"^body larger than (.*)$", "page trop volumineuse : plus de {0}"),
    (r"^not an RSS or Atom feed.*$", "ce n'est pas un flux RSS ou Atom (aucun élément de flux trouvé)"),
    (r"^malformed feed, no entries could be read \((.*)\)$", "flux mal formé, aucune entrée lisible ({0})"),
    (r"^feed parser failed: (.*)$", "échec de la lecture du flux : {0}"),
    (r"^no item matched the selector (.*)$", "aucun élément ne correspond au sélecteur {0}"),
    (r"^unexpected error: (.*)$", "erreur inattendue : {0}"),
))


def french_error(text: str) -> str:
    """The French wording of a recorded fetch error ('HTTP 503 Service Unavailable' ->
    'erreur HTTP 503 Service Unavailable'); unknown kinds come back unchanged."""
    for pattern, template in _KINDS:
        match = pattern.match(text.strip())
        if match:
            return template.format(*(g or "" for g in match.groups())).strip()
    return text
