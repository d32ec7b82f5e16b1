"""The public web front of `serve`: subscription, confirmation, preferences, one-click
unsubscribe, archive, calendar feed and health check (aiohttp.web).

Handlers parse input and format French pages; the rules live in `pipeline/`.
"""
