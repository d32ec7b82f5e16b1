"""CSRF protection for the forms: a double-submit cookie.

A form page sets a random `vigie_csrf` cookie (SameSite=Strict, HttpOnly) and the same
value in a hidden field; a POST is accepted only when both are present and equal
(compared in constant time). Another site can neither read the cookie nor make the
browser send it. The RFC 8058 one-click POST is exempt: it carries its own secret token
and must work without any cookie.
"""
from __future__ import annotations

import hmac
import secrets

from aiohttp import web

COOKIE = "vigie_csrf"
FIELD = "csrf"


def token_for(request: web.Request) -> str:
    """The request's CSRF token: the cookie's when it looks right, else a new one."""
    current = request.cookies.get(COOKIE, "")
    return current if len(current) == 43 else secrets.token_urlsafe(32)


def set_cookie(response: web.StreamResponse, token: str, secure: bool, path: str) -> None:
    response.set_cookie(COOKIE, token, httponly=True, samesite="Strict", secure=secure, path=path or "/")


def valid(request: web.Request, form) -> bool:
    cookie = request.cookies.get(COOKIE, "")
    field = form.get(FIELD, "")
    return bool(cookie) and isinstance(field, str) and hmac.compare_digest(cookie.encode(), field.encode())
