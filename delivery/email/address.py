"""Is a stored string usable as one recipient: on the SMTP envelope and in a `To:` header?

Subscribers' addresses are checked when they subscribe, but a row edited by hand or
written by an older Vigie may hold anything; a bad one must cost its own delivery only.
"""
from __future__ import annotations

import re
import unicodedata

MAX_LENGTH = 254                                   # RFC 5321 path limit, minus the brackets
_SHAPE = re.compile(r"^[^@\s<>()\[\],;:\"\\]+@[^@\s<>()\[\],;:\"\\]+\.[^@\s<>()\[\],;:\"\\]+$")
_INVISIBLE = ("Cc", "Cf", "Zl", "Zp")               # controls (CR, LF, NUL), bidi overrides, separators


def address_problem(address: str) -> str | None:
    """Why `address` cannot be used as a recipient (English, for logs), or None."""
    if not address:
        return "empty address"
    if any(unicodedata.category(c) in _INVISIBLE for c in address):
        return "control or invisible characters (CR, LF, NUL, bidi) in the address"
    if len(address) > MAX_LENGTH:
        return f"address longer than {MAX_LENGTH} characters"
    if not _SHAPE.match(address):
        return "not an e-mail address"
    return None
