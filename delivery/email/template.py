"""One digest e-mail serialised once, copied per subscriber in a few microseconds.

Subscribers with the same filters get the same digest: their e-mails differ only in the
`To` address, the `Message-ID` (per week and subscriber) and the unsubscribe token (in
the `List-Unsubscribe` header and in the footer links of both bodies). `EmailTemplate`
takes the complete message built for a stand-in subscriber whose address, id and token
are unique marks, serialised once, and for each real subscriber replaces the marks:

* in the headers, by plain byte replacement (ASCII headers are never folded nor encoded,
  see `delivery.email.mime`);
* in the base64 bodies, by encoding again only from the 57-byte group (one 76-character
  line) where the token first appears: the lines before it are the same for everyone.

The result, with CRLF line ends as SMTP sends it, is byte for byte what
`delivery.email.message.build_email` gives for that subscriber (but for the random MIME
boundary; tests/delivery/test_email_template.py). Values that could change the
serialisation elsewhere (a non-ASCII or long address, a token with characters HTML or
URLs would escape) are refused: `render` returns None and the caller builds the message
the ordinary way.
"""
from __future__ import annotations

import re
import secrets
from dataclasses import dataclass

from delivery.email.message import message_id
from delivery.email.mime import CRLF, LINE_BYTES, ComposedEmail, encode_base64

SAFE_TOKEN = re.compile(r"[A-Za-z0-9_-]{1,64}")
SAFE_ADDRESS = re.compile(r"[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9.-]{1,200}")
MAX_ADDRESS = 60                             # "To: " + address stays within one 78-character line


@dataclass(frozen=True)
class Marks:
    """Stand-in values, unique per template, that cannot occur in a rendered digest."""
    token: str
    address: str
    subscriber_id: str

    @classmethod
    def new(cls) -> "Marks":
        mark = "VgMark" + secrets.token_hex(8)
        return cls(token=mark + "Tk", address=f"{mark}@example.invalid", subscriber_id=mark + "Id")


class _Body:
    """One base64 part: the encoded lines before the token, and the raw rest to encode."""

    def __init__(self, raw: bytes, token: bytes):
        first = raw.find(token)
        cut = len(raw) if first < 0 else first // LINE_BYTES * LINE_BYTES
        self.head = encode_base64(raw[:cut], CRLF)
        self.tail = raw[cut:]
        self.token = token

    def encoded(self, token: bytes) -> bytes:
        return self.head + encode_base64(self.tail.replace(self.token, token), CRLF)


class EmailTemplate:
    """A serialised message for the stand-in `marks`; `render` gives a subscriber's copy."""

    def __init__(self, message: ComposedEmail, marks: Marks, week: str, domain: str):
        self.marks, self.week, self.domain = marks, week, domain
        token = marks.token.encode()
        self._segments = list(message.segments)       # header/boundary text, between the bodies
        self._bodies = [_Body(raw, token) for raw in message.bodies]
        self._id = message_id(week, marks.subscriber_id, domain).encode()
        self._address = marks.address.encode()

    def render(self, subscriber_id: str, address: str, token: str) -> bytes | None:
        """The subscriber's message as bytes, or None when these values need the ordinary build."""
        if not (len(address) <= MAX_ADDRESS and SAFE_ADDRESS.fullmatch(address) and SAFE_TOKEN.fullmatch(token)):
            return None
        real_token, real_id = token.encode(), message_id(self.week, subscriber_id, self.domain).encode()
        mark = self.marks.token.encode()
        out = []
        for index, segment in enumerate(self._segments):
            if index == 0:
                segment = segment.replace(self._address, address.encode()).replace(self._id, real_id)
            out.append(segment.replace(mark, real_token) if mark in segment else segment)
            if index < len(self._bodies):
                out.append(self._bodies[index].encoded(real_token))
        return b"".join(out)
