"""Offline demo of Vigie: fictitious French regional news sources and the local HTTP server that serves them."""
