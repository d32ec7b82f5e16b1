"""In-process fakes of external services (Telegram Bot API, ...) for tests and benchmarks."""
from tests.fakes.bot_api import TEST_TOKEN, Call, FakeBotAPI

__all__ = ["TEST_TOKEN", "Call", "FakeBotAPI"]
