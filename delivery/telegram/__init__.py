"""Telegram delivery: send rendered digests through python-telegram-bot."""
from delivery.telegram.sender import (
    TelegramDigest, TelegramResult, TelegramSettings, build_bot, retry_after_seconds, send_digests,
)

__all__ = ["TelegramDigest", "TelegramResult", "TelegramSettings", "build_bot",
           "retry_after_seconds", "send_digests"]
