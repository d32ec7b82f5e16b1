"""Send the double opt-in e-mail of a subscription request (blocking: run it in a thread)."""
from __future__ import annotations

import logging

from config.schema import Config
from delivery.email.confirmation import build_confirmation
from delivery.email.sender import OutgoingEmail, send_emails
from pipeline.optin import LINK_LIFETIME

log = logging.getLogger(__name__)


def confirm_url(config: Config, token: str) -> str:
    return f"{config.web.base_url.rstrip('/')}/confirmer?jeton={token}"


def send_confirmation(config: Config, address: str, token: str) -> bool:
    """True when the SMTP server took the message. Problems are logged (never shown to
    the person who filled the form: the answer must not depend on the address)."""
    if not config.email.enabled or not config.web.base_url:
        log.warning("confirmation e-mail not sent to %s: [email] or [web] base_url not configured", address)
        return False
    message = build_confirmation(settings=config.email, to=address, confirm_url=confirm_url(config, token),
                                 hours=int(LINK_LIFETIME.total_seconds() // 3600))
    [result] = send_emails(config.email, config.email.password(), [OutgoingEmail(address, address, message)])
    if not result.ok:
        log.warning("confirmation e-mail to %s failed: %s", address, result.error)
    return result.ok
