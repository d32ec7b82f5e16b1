"""An e-mail policy that never turns the list headers into RFC 2047 encoded words.

Python's default folding rewrites a header holding a token longer than the line limit
(a long `<mailto:…>` or `<https://…>`) as `=?utf-8?q?…?=`, which mail clients do not
recognise as a `List-Unsubscribe` URI. Here those headers are ASCII by construction and
are folded only between URIs (after a comma), as RFC 2369 allows.
"""
from __future__ import annotations

from email.policy import EmailPolicy, default

RAW_HEADERS = frozenset({"list-unsubscribe", "list-unsubscribe-post", "list-id", "list-post", "list-help"})


class ListHeaderPolicy(EmailPolicy):
    """`email.policy.default`, except that list headers are written as given."""

    def _raw(self, name: str, value) -> str:
        text = " ".join(str(value).split())
        parts = [p.strip() for p in text.split(",")] if text.startswith("<") else [text]
        return f"{name}: " + f",{self.linesep} ".join(parts) + self.linesep

    def fold(self, name, value):
        if name.lower() in RAW_HEADERS:
            return self._raw(name, value)
        return super().fold(name, value)

    def fold_binary(self, name, value):
        if name.lower() in RAW_HEADERS:
            return self._raw(name, value).encode("ascii", "strict")
        return super().fold_binary(name, value)


POLICY = ListHeaderPolicy(**{k: getattr(default, k) for k in ("linesep", "max_line_length", "utf8")})


def list_unsubscribe(urls: list[str]) -> str:
    """The `List-Unsubscribe` value for these URIs; refuses anything that is not ASCII
    without spaces or angle brackets (it would not survive as a URI)."""
    for url in urls:
        if not url.isascii() or any(c in url for c in " <>,\r\n\t"):
            raise ValueError(f"not a header-safe URI: {url!r}")
    return ", ".join(f"<{url}>" for url in urls)
