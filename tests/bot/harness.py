"""Run the bot's Application against FakeBotAPI from synchronous tests.

`RunningBot` drives the Application in an event loop of its own thread (initialize,
post_init, polling with no interval, start; stop/shutdown on exit). A catch-all handler in
a last group marks each update as processed, so a test can push an update and wait until
every handler (and the error handler) is done with it, then read what the bot sent.
"""
from __future__ import annotations

import asyncio
import threading

from telegram import Update
from telegram.ext import Application, TypeHandler

from tests.fakes.bot_api import Call, FakeBotAPI

DONE_GROUP = 99


class RunningBot:
    def __init__(self, app: Application, fake: FakeBotAPI):
        self.app = app
        self.fake = fake
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, name="bot-under-test", daemon=True)
        self._done: set[int] = set()
        self._cond = threading.Condition()
        app.add_handler(TypeHandler(Update, self._mark_done), group=DONE_GROUP)

    async def _mark_done(self, update: Update, context) -> None:
        with self._cond:
            self._done.add(update.update_id)
            self._cond.notify_all()

    # Lifecycle ----------------------------------------------------------------------
    def _run(self, coro, timeout: float = 20):
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(timeout)

    async def _start(self) -> None:
        await self.app.initialize()
        if self.app.post_init is not None:     # run_polling would call it; we start by hand
            await self.app.post_init(self.app)
        await self.app.updater.start_polling(poll_interval=0, timeout=1)
        await self.app.start()

    async def _stop(self) -> None:
        if self.app.updater.running:
            await self.app.updater.stop()
        if self.app.running:
            await self.app.stop()
        await self.app.shutdown()

    def start(self) -> "RunningBot":
        self.thread.start()
        self._run(self._start())
        return self

    def stop(self) -> None:
        try:
            self._run(self._stop())
        finally:
            self.loop.call_soon_threadsafe(self.loop.stop)
            self.thread.join(10)
            self.loop.close()

    def __enter__(self) -> "RunningBot":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    # Talking to the bot ----------------------------------------------------------------
    def wait_done(self, update_id: int, timeout: float = 10) -> None:
        with self._cond:
            if not self._cond.wait_for(lambda: update_id in self._done, timeout):
                raise AssertionError(f"update {update_id} not processed within {timeout} s")

    def _exchange(self, push) -> list[Call]:
        before = len(self.fake.calls())
        update = push()
        self.wait_done(update["update_id"])
        return [c for c in self.fake.calls()[before:] if c.method != "getUpdates"]

    def send(self, chat_id: int, text: str, user_id: int | None = None, **kwargs) -> list[Call]:
        """Send a message as a user; returns the bot's API calls while handling it."""
        return self._exchange(lambda: self.fake.push_message(chat_id, text, user_id=user_id, **kwargs))

    def tap(self, chat_id: int, message_id: int, data: str, user_id: int | None = None, **kwargs) -> list[Call]:
        """Tap an inline button on a message; returns the bot's API calls while handling it."""
        return self._exchange(lambda: self.fake.push_callback(chat_id, data, message_id, user_id=user_id,
                                                              **kwargs))

    def texts(self, chat_id: int, text: str, user_id: int | None = None, **kwargs) -> list[str]:
        """Send a message; returns the texts the bot sent back to that chat."""
        return [c.params["text"] for c in self.send(chat_id, text, user_id, **kwargs)
                if c.method == "sendMessage" and c.params.get("chat_id") == chat_id]

    def bot_messages(self, chat_id: int, scan: int = 300) -> list[dict]:
        """The bot's messages in this chat as stored by the fake (after edits), oldest first."""
        found = (self.fake.message(chat_id, i) for i in range(1, scan))
        return [m for m in found if m is not None and m.get("from", {}).get("is_bot")]

    def last_message(self, chat_id: int) -> dict:
        messages = self.bot_messages(chat_id)
        assert messages, f"the bot sent nothing to {chat_id}"
        return messages[-1]


def keyboard(message: dict) -> list[list[tuple[str, str]]]:
    """A stored message's inline keyboard as rows of (text, callback_data)."""
    rows = (message.get("reply_markup") or {}).get("inline_keyboard", [])
    return [[(b["text"], b.get("callback_data")) for b in row] for row in rows]


def button(message: dict, data: str) -> str:
    """The text of the button carrying `data`."""
    for row in keyboard(message):
        for text, callback in row:
            if callback == data:
                return text
    raise AssertionError(f"no button {data!r} in {keyboard(message)}")
