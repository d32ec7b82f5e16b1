"""`GET|POST /preferences` and `GET|POST /desabonnement`: a subscriber's own links.

`POST /desabonnement?jeton=T` with `List-Unsubscribe=One-Click` is RFC 8058's one-click
unsubscribe: no cookie, no CSRF token (the secret is the token), 200, idempotent.
"""
from __future__ import annotations

import asyncio

from aiohttp import web

from pipeline.optin import by_manage_token, resubscribe_token, unsubscribe_token, update_preferences
from web import csrf
from web.forms import filters, text
from web.keys import PREFIX, STORE, UNSUBSCRIBER
from web.render import SECURITY_HEADERS, page

UNKNOWN = ["Ce lien n'est pas ou plus valable. Utilisez celui de votre dernière lettre."]


def _unknown(request: web.Request) -> web.Response:
    return page(request, "message.html.j2", status=404, heading="Lien non valable", lines=UNKNOWN,
                action=None, fields=[], button="")


def _preferences(request, subscriber, saved: bool = False) -> web.Response:
    return page(request, "preferences.html.j2", address=subscriber.address, active=subscriber.active,
                jeton=subscriber.unsubscribe_token, regions=subscriber.regions, themes=subscriber.themes,
                national=subscriber.nationwide, saved=saved)


async def preferences_page(request: web.Request) -> web.Response:
    subscriber = await asyncio.to_thread(by_manage_token, request.app[STORE], request.query.get("jeton", ""))
    if subscriber is None or not subscriber.confirmed:
        return _unknown(request)
    return _preferences(request, subscriber)


async def preferences(request: web.Request) -> web.Response:
    form = await request.post()
    if not csrf.valid(request, form):
        return page(request, "message.html.j2", status=403, heading="Formulaire expiré",
                    lines=["Rouvrez le lien « Gérer mes préférences » de votre lettre et recommencez."],
                    action=None, fields=[], button="")
    store, token, action = request.app[STORE], text(form, "jeton", 200), text(form, "action", 20)
    if action == "desabonner":
        subscriber = await asyncio.to_thread(unsubscribe_token, store, token)
    elif action == "reabonner":
        subscriber = await asyncio.to_thread(resubscribe_token, store, token)
    else:
        regions, themes, national = filters(form)
        subscriber = await asyncio.to_thread(update_preferences, store, token, regions, themes, national)
    if subscriber is None or not subscriber.confirmed:
        return _unknown(request)
    return _preferences(request, subscriber, saved=True)


async def unsubscribe_page(request: web.Request) -> web.Response:
    token = request.query.get("jeton", "")
    subscriber = await asyncio.to_thread(by_manage_token, request.app[STORE], token)
    if subscriber is None:
        return _unknown(request)
    prefix = request.app[PREFIX]
    # the button sends exactly the RFC 8058 request: one rule for people and mail clients
    return page(request, "message.html.j2", heading="Se désabonner de Vigie",
                lines=["Cliquez sur le bouton pour ne plus recevoir la lettre hebdomadaire.",
                       "Vous pourrez aussi simplement changer vos régions et vos thèmes."],
                action=f"{prefix}/desabonnement?jeton={token}", fields=[("List-Unsubscribe", "One-Click")],
                button="Me désabonner", manage=f"{prefix}/preferences?jeton={token}")


async def unsubscribe(request: web.Request) -> web.Response:
    """RFC 8058: `List-Unsubscribe=One-Click` in the body, token in the URL."""
    form = await request.post()
    token = request.query.get("jeton", "") or text(form, "jeton", 200)
    if form.get("List-Unsubscribe") != "One-Click":
        return web.Response(status=400, text="Requête de désabonnement incomplète.", headers=SECURITY_HEADERS)
    subscriber = await request.app[UNSUBSCRIBER].submit(token)
    if subscriber is None:
        return web.Response(status=404, text="Lien non valable.", headers=SECURITY_HEADERS)
    if "text/html" not in request.headers.get("Accept", ""):
        return web.Response(text="Vous êtes désabonné(e) de Vigie.", headers=SECURITY_HEADERS)
    prefix = request.app[PREFIX]
    return page(request, "message.html.j2", csrf_cookie=False, heading="Vous êtes désabonné(e)",
                lines=["Vous ne recevrez plus la lettre de Vigie à cette adresse."],
                action=None, fields=[], button="", manage=f"{prefix}/preferences?jeton={token}")
