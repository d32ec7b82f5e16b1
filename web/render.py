"""French pages from `web/templates/` (Jinja2, autoescaped), with the security headers."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from aiohttp import web
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from domain.regions import REGIONS
from domain.themes import THEMES
from web import csrf
from web.forms import HONEYPOT
from web.keys import CONFIG, PREFIX

TEMPLATES = Path(__file__).with_name("templates")
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; "
                               "form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",       # tokens in the URL never leak to linked sites
    "X-Frame-Options": "DENY",
}


@lru_cache(maxsize=1)
def environment() -> Environment:
    return Environment(loader=FileSystemLoader(TEMPLATES), undefined=StrictUndefined,
                       autoescape=select_autoescape(["j2", "html"], default_for_string=True),
                       trim_blocks=True, lstrip_blocks=True)


def page(request: web.Request, template: str, status: int = 200, csrf_cookie: bool = True,
         **context) -> web.Response:
    """Render a page; it carries a CSRF token (and its cookie, unless `csrf_cookie` is
    False) for the forms it may hold."""
    token = csrf.token_for(request)
    prefix = request.app[PREFIX]
    html = environment().get_template(template).render(
        root=prefix, csrf_field=csrf.FIELD, csrf_token=token, honeypot=HONEYPOT,
        region_names={code: name for code, (_, name) in REGIONS.items()}, theme_names=THEMES, **context)
    response = web.Response(text=html, status=status, content_type="text/html", charset="utf-8",
                            headers={**SECURITY_HEADERS, "Cache-Control": "no-store"})
    if csrf_cookie:
        csrf.set_cookie(response, token, secure=_over_tls(request), path=prefix or "/")
    return response


def _over_tls(request: web.Request) -> bool:
    """HTTPS to this server, or to the trusted reverse proxy in front of it."""
    if request.secure:
        return True
    return request.app[CONFIG].web.trust_forwarded_for and \
        request.headers.get("X-Forwarded-Proto", "").lower() == "https"
