"""E-mail delivery: MIME messages (message.py) sent over one SMTP connection (sender.py)."""
