"""E-mail delivery: the digest message (message.py, written as bytes by mime.py, copied
per subscriber by template.py) sent over one or several SMTP connections (sender.py)."""
