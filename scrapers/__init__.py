"""Scrapers: fetch configured sources politely and turn them into `Article` records.

fetcher (HTTP) -> feed_parser (RSS/Atom) or html_listing + article_page (HTML sources)
-> collect (one source at a time, failures contained). Nothing here writes to the store.
"""
