"""Canonical article URLs and the stable ids derived from them."""
from __future__ import annotations

import hashlib
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from scrapers.sanitize import strip_invisible

_TRACKING_PREFIXES = ("utm_", "at_", "mtm_", "pk_", "ns_", "_hs", "hsa_")
_TRACKING_NAMES = {
    "fbclid", "gclid", "dclid", "msclkid", "yclid", "igshid", "mc_cid", "mc_eid", "xtor",
    "xts", "ref_src", "cmpid", "ito", "_ga", "_gl", "oly_enc_id", "oly_anon_id",
    "vero_id", "wt_mc", "wt.mc_id", "s_cid",
}


def canonical_url(url: str) -> str:
    """Normalise a URL for identity: lower-case scheme and host, no default port,
    no fragment, no tracking parameters, remaining parameters sorted; control and bidi
    characters removed, IPv6 hosts kept in brackets."""
    parts = urlsplit(strip_invisible(url).strip())
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower().rstrip(".")
    if ":" in host:  # an IPv6 literal: urlsplit gives it without its brackets
        host = f"[{host}]"
    try:
        port = parts.port
    except ValueError:
        port = None
    netloc = host
    if port and not ((scheme == "http" and port == 80) or (scheme == "https" and port == 443)):
        netloc = f"{host}:{port}"
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)
             if not _is_tracking(k)]
    path = parts.path or "/"
    return urlunsplit((scheme, netloc, path, urlencode(sorted(query)), ""))


def _is_tracking(name: str) -> bool:
    low = name.lower()
    return low in _TRACKING_NAMES or low.startswith(_TRACKING_PREFIXES)


def article_id(key: str) -> str:
    """Stable 64-bit id (16 hex digits) of a canonical URL or another identity key."""
    return hashlib.sha1(key.encode("utf-8")).hexdigest()[:16]


def host_of(url: str) -> str:
    host = (urlsplit(url).hostname or "").lower()
    return host[4:] if host.startswith("www.") else host


def is_web_url(url: str | None) -> bool:
    if not url:
        return False
    try:
        parts = urlsplit(strip_invisible(url))
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and bool(parts.hostname)
