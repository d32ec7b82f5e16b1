"""Triage: relevance, themes, regions, event dates and stories for stored articles."""
