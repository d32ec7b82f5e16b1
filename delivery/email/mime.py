"""Write the digest e-mail as bytes: multipart/alternative, a base64 text part and a base64 HTML part.

What: `compose()` writes the MIME message directly, with CRLF line ends as SMTP sends it,
and returns a `ComposedEmail` that keeps its pieces (the header and boundary text between
the bodies, and each body before encoding) so that `EmailTemplate` can copy it per subscriber.
Why: the standard library's `EmailMessage` spent about 5 ms building and serialising one
digest (every header parsed into objects and folded again), most of a send's CPU; the
digest has a dozen known headers and two bodies, written here in a fraction of that.
How: ASCII values are written as they are (the list headers must never be folded nor
encoded, RFC 2369); the subject and the sender's name, when not ASCII or too long, go
through `email.header.Header` (RFC 2047 encoded words, folded at 78 characters). A CR or
LF in any value, or an address that is not ASCII (it would need SMTPUTF8), is refused
with `ValueError`: the caller fails that one message.
"""
from __future__ import annotations

import binascii
import secrets
from dataclasses import dataclass
from email.header import Header
from email.utils import formataddr

CRLF = b"\r\n"
LINE_BYTES = 57              # base64: 57 bytes -> one 76-character line
MAX_LINE = 998               # RFC 5322: a line never longer
FOLD_AT = 78                 # RFC 5322: a line should not be longer


def encode_base64(data: bytes, linesep: bytes = b"\n") -> bytes:
    """Base64 as the e-mail package writes a body: 76-character lines, each ending in `linesep`."""
    if linesep == b"\n":
        return b"".join(binascii.b2a_base64(data[i:i + LINE_BYTES]) for i in range(0, len(data), LINE_BYTES))
    return b"".join(binascii.b2a_base64(data[i:i + LINE_BYTES], newline=False) + linesep
                    for i in range(0, len(data), LINE_BYTES))


def _checked(name: str, value: str) -> str:
    if "\r" in value or "\n" in value:
        raise ValueError(f"line break in the {name} header")
    return value


def ascii_header(name: str, value: str) -> bytes:
    """`Name: value` as given: ASCII, one line, no line break."""
    line = f"{name}: {_checked(name, value)}"
    if not line.isascii():
        raise ValueError(f"{name} header is not ASCII: {value!r}")
    if len(line) > MAX_LINE:
        raise ValueError(f"{name} header longer than {MAX_LINE} characters")
    return line.encode("ascii") + CRLF


def text_header(name: str, value: str) -> bytes:
    """`Name: value` for free text (a subject): as it is when short ASCII, else encoded
    words (UTF-8) or folded ASCII, lines within 78 characters."""
    _checked(name, value)
    if value.isascii() and len(name) + 2 + len(value) <= FOLD_AT:
        return f"{name}: {value}".encode("ascii") + CRLF
    charset = "us-ascii" if value.isascii() else "utf-8"
    folded = Header(value, charset, maxlinelen=FOLD_AT, header_name=name).encode(linesep="\r\n")
    return f"{name}: {folded}".encode("ascii") + CRLF


def address_header(name: str, address: str, display_name: str = "") -> bytes:
    """`Name: Display <address>`: the display name quoted, or encoded when not ASCII, and
    the address on a line of its own when the whole would pass 78 characters."""
    _checked(name, display_name)
    if not _checked(name, address).isascii():
        raise ValueError(f"{address!r}: a non-ASCII address needs SMTPUTF8, which Vigie does not use")
    if display_name and not display_name.isascii():
        shown = Header(display_name, "utf-8", maxlinelen=FOLD_AT, header_name=name).encode(linesep="\r\n")
        line = f"{name}: {shown} <{address}>"
    else:
        line = f"{name}: {formataddr((display_name, address))}"
    if len(line.rsplit("\r\n", 1)[-1]) > FOLD_AT and " <" in line:
        head, _, tail = line.rpartition(" <")
        line = f"{head}\r\n <{tail}"
    if not line.isascii() or any(len(part) > MAX_LINE for part in line.split("\r\n")):
        raise ValueError(f"{name} header: {address!r} cannot be written")
    return line.encode("ascii") + CRLF


@dataclass(frozen=True)
class ComposedEmail:
    """A multipart/alternative message: `segments[i]` is the text before body i (headers,
    boundary, part headers), `segments[-1]` the closing boundary; `bodies[i]` is body i
    before base64."""
    segments: tuple[bytes, ...]
    bodies: tuple[bytes, ...]

    def __bytes__(self) -> bytes:
        out = []
        for segment, body in zip(self.segments, self.bodies):
            out += (segment, encode_base64(body, CRLF))
        out.append(self.segments[-1])
        return b"".join(out)


def compose(headers: list[bytes], text: str, html: str) -> ComposedEmail:
    """The message with these header lines (from `ascii_header`, `text_header`,
    `address_header`) and the two bodies.  The boundary holds "=_", which no base64 line
    can start with, and random characters."""
    boundary = "=_vigie_" + secrets.token_hex(16)
    mark = b"--" + boundary.encode("ascii")
    head = b"".join(headers) + (b"MIME-Version: 1.0\r\n"
                                b'Content-Type: multipart/alternative;\r\n boundary="' + boundary.encode("ascii") + b'"\r\n\r\n')

    def part(subtype: bytes) -> bytes:
        return (mark + CRLF + b'Content-Type: text/' + subtype + b'; charset="utf-8"\r\n'
                b"Content-Transfer-Encoding: base64\r\n\r\n")

    return ComposedEmail(segments=(head + part(b"plain"), part(b"html"), mark + b"--" + CRLF),
                         bodies=(body_bytes(text), body_bytes(html)))


def body_bytes(text: str) -> bytes:
    """A body before base64 as the e-mail package writes it: UTF-8, lines ending in LF
    (mail clients read LF and CRLF alike inside base64)."""
    return b"\n".join(text.encode("utf-8").splitlines()) + b"\n"
