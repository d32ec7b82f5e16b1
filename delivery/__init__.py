"""Delivery channels: one folder per channel (telegram, email)."""
