"""Shared vocabulary of Vigie: regions, themes and the article record passed between stages."""
