"""Digest: the week's stories per subscriber, rendered for Telegram, e-mail and the web archive."""
