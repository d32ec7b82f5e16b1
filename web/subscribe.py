"""`POST /abonnement`, `GET|POST /confirmer`: sign-up and double opt-in by link.

The answer to a sign-up never depends on the address (new, pending, subscribed, or
over its e-mail limit): no one learns from it who subscribes.
"""
from __future__ import annotations

import asyncio
import logging

from aiohttp import web

from pipeline.confirmation import send_confirmation
from pipeline.optin import check_link, confirm_link, request_subscription
from pipeline.subscriptions import SubscriptionError
from web import csrf
from web.client import client_address
from web.forms import filters, is_bot, text
from web.keys import ADDRESS_LIMIT, CLIENT_LIMIT, CONFIG, PREFIX, STORE
from web.render import page

log = logging.getLogger("vigie.web")

CHECK_INBOX = ["Si l'adresse est valide, un courriel de confirmation vient de lui être envoyé (ou l'a déjà été).",
               "Ouvrez-le et suivez le lien pour confirmer votre abonnement : rien ne vous sera envoyé avant. "
               "Pensez à regarder dans les indésirables."]
BAD_LINK = ["Ce lien n'est pas ou plus valable.",
            "Les liens de confirmation servent une fois et expirent après 48 heures. "
            "Vous pouvez recommencer votre inscription depuis l'accueil."]


def _check_inbox(request: web.Request) -> web.Response:
    return page(request, "message.html.j2", heading="Vérifiez votre boîte de réception", lines=CHECK_INBOX,
                action=None, fields=[], button="")


async def subscribe(request: web.Request) -> web.Response:
    form = await request.post()
    if not csrf.valid(request, form):
        return page(request, "message.html.j2", status=403, heading="Formulaire expiré",
                    lines=["Le formulaire a expiré ou ne vient pas de ce site. Rechargez la page et recommencez."],
                    action=None, fields=[], button="")
    if not request.app[CLIENT_LIMIT].allow(client_address(request)):
        return page(request, "message.html.j2", status=429, heading="Trop de demandes",
                    lines=["Trop d'inscriptions depuis votre connexion. Réessayez dans une heure."],
                    action=None, fields=[], button="")
    if is_bot(form):
        return _check_inbox(request)       # the honeypot was filled: answer as usual, do nothing
    regions, themes, national = filters(form)
    config, store = request.app[CONFIG], request.app[STORE]
    try:
        outcome = await asyncio.to_thread(request_subscription, store, text(form, "email"), regions, themes, national)
    except SubscriptionError as exc:
        return page(request, "message.html.j2", status=400, heading="Adresse non valide", lines=[str(exc)],
                    action=None, fields=[], button="")
    if outcome.token and request.app[ADDRESS_LIMIT].allow(outcome.address):
        await asyncio.to_thread(send_confirmation, config, outcome.address, outcome.token)
    return _check_inbox(request)


async def confirm_page(request: web.Request) -> web.Response:
    token = request.query.get("jeton", "")
    if not await asyncio.to_thread(check_link, request.app[STORE], token):
        return page(request, "message.html.j2", status=404, heading="Lien non valable", lines=BAD_LINK,
                    action=None, fields=[], button="")
    return page(request, "message.html.j2", heading="Confirmer votre abonnement",
                lines=["Cliquez sur le bouton pour confirmer votre adresse et recevoir la lettre chaque semaine."],
                action=f"{request.app[PREFIX]}/confirmer",
                fields=[("jeton", token), (csrf.FIELD, csrf.token_for(request))],
                button="Confirmer mon abonnement")


async def confirm(request: web.Request) -> web.Response:
    form = await request.post()
    if not csrf.valid(request, form):
        return page(request, "message.html.j2", status=403, heading="Formulaire expiré",
                    lines=["Rouvrez le lien reçu par courriel et cliquez à nouveau sur « Confirmer »."],
                    action=None, fields=[], button="")
    subscriber = await asyncio.to_thread(confirm_link, request.app[STORE], text(form, "jeton", 200))
    if subscriber is None:
        return page(request, "message.html.j2", status=404, heading="Lien non valable", lines=BAD_LINK,
                    action=None, fields=[], button="")
    prefix = request.app[PREFIX]
    return page(request, "message.html.j2", heading="Abonnement confirmé",
                lines=["Merci ! Vous recevrez la prochaine lettre de Vigie.",
                       "Vous pouvez choisir vos régions et vos thèmes à tout moment."],
                action=None, fields=[], button="", manage=f"{prefix}/preferences?jeton={subscriber.unsubscribe_token}")
