"""What monitoring needs to know (`GET /sante`): last fetch, last week sent, failing sources."""
from __future__ import annotations

from config.schema import Config
from store import Store


def health(config: Config, store: Store) -> dict:
    with store.writing():            # fresh view of what other processes wrote; writes nothing
        states = {s.name: s for s in store.feeds.all()}
        last_week = {channel: store.deliveries.last_week_sent(channel) for channel in ("telegram", "email")}
        last_week_any = store.deliveries.last_week_sent()
    enabled = [f.name for f in config.feeds if f.enabled]
    successes = [s.last_success for s in states.values() if s.last_success]
    checks = [s.last_checked for s in states.values() if s.last_checked]
    failing = [{"name": name, "consecutive_failures": states[name].consecutive_failures,
                "last_error": states[name].last_error, "last_success": states[name].last_success}
               for name in enabled if name in states and states[name].consecutive_failures > 0]
    return {
        "status": "ok" if not enabled or len(failing) < len(enabled) else "degraded",
        "last_fetch": max(checks) if checks else None,
        "last_fetch_success": max(successes) if successes else None,
        "last_week_sent": {**last_week, "overall": last_week_any},
        "sources": len(enabled),
        "failing_sources": failing,
    }
