"""A fake Telegram Bot API server for tests and benchmarks.

`FakeBotAPI` is an aiohttp server running in a background thread on 127.0.0.1 (a free
port by default). It speaks enough of the Bot API for python-telegram-bot pointed at it::

    with FakeBotAPI() as fake:
        bot = telegram.Bot(TEST_TOKEN, base_url=fake.base_url, base_file_url=fake.base_file_url)
        ...
        assert fake.sent_messages(42)[0]["text"] == "Bonjour"

Protocol, as python-telegram-bot uses it:

* Requests are ``POST /bot<TOKEN>/<method>`` (GET with a query string also works). The
  body is empty, ``application/x-www-form-urlencoded`` (values that are not strings are
  JSON-encoded, so each field is ``json.loads``-ed when it parses, except well-known text
  fields such as ``text``), ``application/json``, or multipart (uploads: files are
  recorded as ``{"filename", "size"}``).
* Replies are ``{"ok": true, "result": ...}``; errors are ``{"ok": false, "error_code": N,
  "description": ..., "parameters": {...}}`` with HTTP status N. python-telegram-bot maps
  400 -> BadRequest, 403 -> Forbidden, 401/404 -> InvalidToken, 409 -> Conflict, other ->
  NetworkError, and any status with ``parameters.retry_after`` -> RetryAfter.

Supported methods: getMe, getMyCommands/setMyCommands/deleteMyCommands, getWebhookInfo,
setWebhook, deleteWebhook, getUpdates (long poll, capped at ``max_poll_wait`` seconds),
sendMessage, editMessageText, editMessageReplyMarkup, deleteMessage, answerCallbackQuery,
sendChatAction, close, logOut. Anything else answers 404 "Not Found: method not found".
Like the real API, editing a message without changing it answers 400 "message is not
modified", and getUpdates answers 409 while a webhook is set.

Every call is recorded in arrival order as a `Call` (method, decoded params, monotonic
arrival time, HTTP status of the reply). Tests inject updates with `push_message`,
`push_callback` and `push_update`, and faults with `fail_next`, `delay_next`,
`blocked_chats` and `rate_limit`. All public methods are thread-safe: they are called from
the test thread while the server runs in its own thread and event loop.
"""
from __future__ import annotations

import asyncio
import copy
import html
import json
import re
import threading
import time
from collections import deque
from dataclasses import dataclass
from typing import Any, Callable
from urllib.parse import parse_qsl

from aiohttp import web

TEST_TOKEN = "123456:TEST-fake-bot-api-token"

# Form fields that are always strings: never JSON-decode them (a text "42" must stay "42").
_STRING_FIELDS = frozenset({
    "text", "caption", "parse_mode", "callback_query_id", "url", "secret_token", "action",
    "language_code", "inline_message_id", "description", "short_description", "name",
    "title", "emoji", "business_connection_id", "message_effect_id", "query", "ip_address",
})
_MAX_TEXT_LENGTH = 4096
_TAG_RE = re.compile(r"<[^>]*>")
_COMMAND_RE = re.compile(r"/\S+")


@dataclass
class Call:
    """One request received by the fake server."""
    method: str
    params: dict
    time: float                 # time.monotonic() when the request arrived
    token: str = ""
    status: int | None = None   # HTTP status of the reply; None while still being answered


@dataclass
class _Fault:
    method: str
    status: int
    description: str
    retry_after: float | None
    remaining: int
    chat_id: Any = None


@dataclass
class _Delay:
    method: str
    seconds: float
    remaining: int
    chat_id: Any = None


class _ApiError(Exception):
    def __init__(self, status: int, description: str, parameters: dict | None = None):
        super().__init__(description)
        self.status = status
        self.description = description
        self.parameters = parameters


def _chat_key(chat_id: Any) -> int | str:
    """Normalise a chat id so that 42, "42" and 42.0 compare equal; "@name" stays a string."""
    if isinstance(chat_id, bool):
        return str(chat_id)
    if isinstance(chat_id, (int, float)):
        return int(chat_id)
    try:
        return int(str(chat_id))
    except ValueError:
        return str(chat_id)


def _utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def _decode_field(key: str, value: Any) -> Any:
    if not isinstance(value, str) or key in _STRING_FIELDS:
        return value
    try:
        return json.loads(value)
    except ValueError:
        return value


class FakeBotAPI:
    """Fake Bot API server; use as a context manager or call `start()` / `stop()`.

    ``token``: if set, requests with another token answer 401 "Unauthorized".
    ``max_poll_wait``: cap (seconds) on how long getUpdates waits for new updates.
    """

    def __init__(self, *, host: str = "127.0.0.1", port: int = 0, token: str | None = None,
                 bot_id: int | None = None, bot_username: str = "vigie_test_bot",
                 bot_first_name: str = "Vigie", max_poll_wait: float = 1.0):
        self.host = host
        self._requested_port = port
        self.token = token
        self.bot_user = {
            "id": bot_id if bot_id is not None else int((token or TEST_TOKEN).split(":")[0]),
            "is_bot": True, "first_name": bot_first_name, "username": bot_username,
            "can_join_groups": True, "can_read_all_group_messages": False,
            "supports_inline_queries": False,
        }
        self.max_poll_wait = max_poll_wait
        self.blocked_chats: set = set()      # sendMessage/sendChatAction to these answer 403

        self._cond = threading.Condition()   # guards all the state below
        self._port: int | None = None
        self._thread: threading.Thread | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._ready = threading.Event()
        self._startup_error: BaseException | None = None
        self._stop_event: asyncio.Event | None = None
        self._stopping = False
        self._updates_event: asyncio.Event | None = None
        self._init_state()

    def _init_state(self) -> None:
        self._calls: list[Call] = []
        self._faults: list[_Fault] = []
        self._delays: list[_Delay] = []
        self._updates: list[dict] = []
        self._next_update_id = 1
        self._next_callback_id = 1
        self._next_message_id: dict[int | str, int] = {}
        self._messages: dict[tuple[int | str, int], dict] = {}
        self._commands: dict[tuple[str, str], list] = {}
        self._webhook_url = ""
        self._rate_per_second: float | None = None
        self._rate_window: deque[float] = deque()
        self._too_many = 0

    # ------------------------------------------------------------------ lifecycle
    def start(self) -> FakeBotAPI:
        if self._thread is not None:
            raise RuntimeError("FakeBotAPI already started")
        self._thread = threading.Thread(target=self._run, name="fake-bot-api", daemon=True)
        self._thread.start()
        self._ready.wait(10)
        if self._startup_error is not None:
            self._thread.join(5)
            raise RuntimeError("fake Bot API failed to start") from self._startup_error
        if self._port is None:
            raise RuntimeError("fake Bot API did not start within 10 s")
        return self

    def stop(self) -> None:
        thread, loop = self._thread, self._loop
        if thread is None or loop is None or not thread.is_alive():
            return
        try:
            loop.call_soon_threadsafe(self._request_stop)
        except RuntimeError:    # loop already closed
            pass
        thread.join(10)

    def __enter__(self) -> FakeBotAPI:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    @property
    def port(self) -> int:
        if self._port is None:
            raise RuntimeError("FakeBotAPI not started")
        return self._port

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def base_url(self) -> str:
        """Value for python-telegram-bot's ``base_url``."""
        return f"{self.url}/bot"

    @property
    def base_file_url(self) -> str:
        """Value for python-telegram-bot's ``base_file_url``."""
        return f"{self.url}/file/bot"

    def _run(self) -> None:
        loop = asyncio.new_event_loop()
        self._loop = loop
        try:
            loop.run_until_complete(self._serve())
        except BaseException as exc:  # noqa: BLE001 - reported to start()
            self._startup_error = exc
        finally:
            self._ready.set()
            try:
                loop.run_until_complete(loop.shutdown_asyncgens())
            finally:
                loop.close()

    async def _serve(self) -> None:
        self._stop_event = asyncio.Event()
        with self._cond:
            self._updates_event = asyncio.Event()
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", self._handle)
        runner = web.AppRunner(app, access_log=None, shutdown_timeout=1.0)
        await runner.setup()
        try:
            site = web.TCPSite(runner, self.host, self._requested_port)
            await site.start()
            self._port = runner.addresses[0][1]
            self._ready.set()
            await self._stop_event.wait()
        finally:
            await runner.cleanup()

    def _request_stop(self) -> None:
        with self._cond:
            self._stopping = True
        self._wake_pollers()
        if self._stop_event is not None:
            self._stop_event.set()

    def _wake_pollers(self) -> None:
        """Runs on the server loop: wake every getUpdates waiting for news."""
        with self._cond:
            event, self._updates_event = self._updates_event, asyncio.Event()
        if event is not None:
            event.set()

    def _notify_pollers(self) -> None:
        loop = self._loop
        if loop is not None and not loop.is_closed():
            try:
                loop.call_soon_threadsafe(self._wake_pollers)
            except RuntimeError:
                pass

    # ------------------------------------------------------------------ recording helpers
    def calls(self, method: str | None = None) -> list[Call]:
        """Recorded calls in arrival order, optionally only those of one method."""
        with self._cond:
            return [c for c in self._calls if method is None or c.method == method]

    def sent_messages(self, chat_id: int | str | None = None) -> list[dict]:
        """Params of the sendMessage calls that succeeded (HTTP 200), in order.

        Failed attempts (429, 403, injected faults...) are not included: see `calls()`."""
        key = None if chat_id is None else _chat_key(chat_id)
        with self._cond:
            return [dict(c.params) for c in self._calls
                    if c.method == "sendMessage" and c.status == 200
                    and (key is None or _chat_key(c.params.get("chat_id")) == key)]

    def message(self, chat_id: int | str, message_id: int) -> dict | None:
        """The stored Message (as the API would return it, after edits), or None."""
        with self._cond:
            msg = self._messages.get((_chat_key(chat_id), int(message_id)))
            return copy.deepcopy(msg)

    def my_commands(self, scope: dict | None = None, language_code: str = "") -> list:
        """Commands set with setMyCommands for this scope and language."""
        with self._cond:
            return copy.deepcopy(self._commands.get(self._commands_key(scope, language_code), []))

    def pending_updates(self) -> list[dict]:
        """Updates not yet acknowledged by a getUpdates offset."""
        with self._cond:
            return copy.deepcopy(self._updates)

    @property
    def too_many_count(self) -> int:
        """How many calls were answered 429 by `rate_limit` mode."""
        with self._cond:
            return self._too_many

    def wait_for(self, predicate: Callable[[], Any], timeout: float = 5.0) -> bool:
        """Wait until ``predicate()`` is truthy (re-checked after every call and every 50 ms).

        Returns True if it became truthy, False on timeout."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                if predicate():
                    return True
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return False
                self._cond.wait(min(remaining, 0.05))

    def reset(self) -> None:
        """Forget calls, faults, delays, blocked chats, rate limiting, updates and messages."""
        with self._cond:
            self._init_state()
            self.blocked_chats = set()
            self._cond.notify_all()

    # ------------------------------------------------------------------ fault injection
    def fail_next(self, method: str, status: int, description: str,
                  retry_after: float | None = None, count: int = 1,
                  chat_id: int | str | None = None) -> None:
        """The next ``count`` calls of ``method`` (to ``chat_id`` if given) answer an error.

        E.g. ``fail_next("sendMessage", 429, "Too Many Requests: retry after 1", retry_after=1)``
        or ``fail_next("sendMessage", 403, "Forbidden: bot was blocked by the user")``."""
        with self._cond:
            self._faults.append(_Fault(method, status, description, retry_after, count,
                                       None if chat_id is None else _chat_key(chat_id)))

    def delay_next(self, method: str, seconds: float, count: int = 1,
                   chat_id: int | str | None = None) -> None:
        """The next ``count`` calls of ``method`` are answered (normally) after ``seconds``:
        with a short client read timeout this simulates "sent, but the reply was lost"."""
        with self._cond:
            self._delays.append(_Delay(method, seconds, count,
                                       None if chat_id is None else _chat_key(chat_id)))

    def rate_limit(self, per_second: float | None = 30) -> None:
        """sendMessage calls beyond ``per_second`` accepted in the last rolling second answer
        429 with retry_after=1 (counted in `too_many_count`). ``None`` turns it off."""
        with self._cond:
            self._rate_per_second = per_second
            self._rate_window.clear()

    def _take(self, items: list, method: str, params: dict):
        key = _chat_key(params["chat_id"]) if "chat_id" in params else None
        for item in items:
            if item.method == method and (item.chat_id is None or item.chat_id == key):
                item.remaining -= 1
                if item.remaining <= 0:
                    items.remove(item)
                return item
        return None

    # ------------------------------------------------------------------ update injection
    def push_update(self, update: dict) -> dict:
        """Queue a raw update for getUpdates; an ``update_id`` is assigned if missing."""
        update = copy.deepcopy(update)
        with self._cond:
            if "update_id" not in update:
                update["update_id"] = self._next_update_id
            self._next_update_id = max(self._next_update_id, int(update["update_id"]) + 1)
            self._updates.append(update)
            self._cond.notify_all()
        self._notify_pollers()
        return copy.deepcopy(update)

    def push_message(self, chat_id: int, text: str, user_id: int | None = None, *,
                     first_name: str = "Test", username: str | None = None,
                     language_code: str | None = "fr", chat_type: str | None = None) -> dict:
        """Queue a text message from a user; a leading "/command" gets a bot_command entity.

        Returns the update (its ``message.message_id`` included)."""
        user = self._user(user_id if user_id is not None else chat_id, first_name, username,
                          language_code)
        chat = self._chat(chat_id, chat_type, first_name, username)
        with self._cond:
            message_id = self._new_message_id(chat_id)
        message: dict[str, Any] = {"message_id": message_id, "date": int(time.time()),
                                   "chat": chat, "from": user, "text": text}
        command = _COMMAND_RE.match(text)
        if command:
            message["entities"] = [{"type": "bot_command", "offset": 0,
                                    "length": _utf16_len(command.group(0))}]
        return self.push_update({"message": message})

    def push_callback(self, chat_id: int, data: str, message_id: int,
                      user_id: int | None = None, *, first_name: str = "Test",
                      username: str | None = None, language_code: str | None = "fr") -> dict:
        """Queue a callback_query (inline button press) on message ``message_id``.

        The attached message is the stored bot message if known. Returns the update; the
        query id is ``update["callback_query"]["id"]``."""
        user = self._user(user_id if user_id is not None else chat_id, first_name, username,
                          language_code)
        with self._cond:
            query_id = str(self._next_callback_id)
            self._next_callback_id += 1
            stored = copy.deepcopy(self._messages.get((_chat_key(chat_id), int(message_id))))
        message = stored or {"message_id": message_id, "date": int(time.time()),
                             "chat": self._chat(chat_id, None, first_name, username),
                             "from": dict(self.bot_user), "text": ""}
        return self.push_update({"callback_query": {
            "id": query_id, "from": user, "chat_instance": f"ci-{chat_id}", "data": data,
            "message": message}})

    @staticmethod
    def _user(user_id: int, first_name: str, username: str | None,
              language_code: str | None) -> dict:
        user: dict[str, Any] = {"id": user_id, "is_bot": False, "first_name": first_name}
        if username:
            user["username"] = username
        if language_code:
            user["language_code"] = language_code
        return user

    @staticmethod
    def _chat(chat_id: Any, chat_type: str | None, first_name: str = "Test",
              username: str | None = None) -> dict:
        key = _chat_key(chat_id)
        if chat_type is None:
            chat_type = "group" if isinstance(key, int) and key < 0 else "private"
        chat: dict[str, Any] = {"id": key, "type": chat_type}
        if chat_type == "private":
            chat["first_name"] = first_name
            if username:
                chat["username"] = username
        else:
            chat["title"] = f"Chat {chat_id}"
        return chat

    def _new_message_id(self, chat_id: Any) -> int:
        """Caller holds the lock. Message ids increase per chat (shared by both sides)."""
        key = _chat_key(chat_id)
        message_id = self._next_message_id.get(key, 1)
        self._next_message_id[key] = message_id + 1
        return message_id

    @staticmethod
    def _commands_key(scope: Any, language_code: Any) -> tuple[str, str]:
        scope = scope or {"type": "default"}
        return json.dumps(scope, sort_keys=True), str(language_code or "")

    # ------------------------------------------------------------------ HTTP handling
    async def _handle(self, request: web.Request) -> web.Response:
        arrived = time.monotonic()
        path = request.path
        match = re.fullmatch(r"/bot([^/]+)/([A-Za-z]+)/?", path)
        if match is None:
            return self._error_response(404, "Not Found")
        token, method = match.group(1), match.group(2)
        try:
            params = await self._read_params(request)
        except (ValueError, UnicodeDecodeError) as exc:
            return self._error_response(400, f"Bad Request: cannot parse request: {exc}")
        call = Call(method, params, arrived, token)
        with self._cond:
            self._calls.append(call)
            self._cond.notify_all()
        try:
            result = await self._dispatch(call)
            response = web.json_response({"ok": True, "result": result})
            status = 200
        except _ApiError as err:
            response = self._error_response(err.status, err.description, err.parameters)
            status = err.status
        with self._cond:
            call.status = status
            self._cond.notify_all()
        return response

    @staticmethod
    def _error_response(status: int, description: str,
                        parameters: dict | None = None) -> web.Response:
        body: dict[str, Any] = {"ok": False, "error_code": status, "description": description}
        if parameters:
            body["parameters"] = parameters
        return web.json_response(body, status=status)

    @staticmethod
    async def _read_params(request: web.Request) -> dict:
        params: dict[str, Any] = {}
        raw: list[tuple[str, Any]] = list(request.query.items())
        ctype = request.content_type
        if ctype.startswith("multipart/"):
            form = await request.post()
            for key, value in form.items():
                if isinstance(value, web.FileField):
                    size = len(value.file.read())
                    raw.append((key, {"filename": value.filename, "size": size}))
                else:
                    raw.append((key, value))
        else:
            body = await request.read()
            if body and ctype == "application/json":
                data = json.loads(body)
                if not isinstance(data, dict):
                    raise ValueError("JSON body is not an object")
                params.update(data)
            elif body:
                raw.extend(parse_qsl(body.decode("utf-8"), keep_blank_values=True))
        for key, value in raw:
            params[key] = _decode_field(key, value)
        return params

    async def _dispatch(self, call: Call) -> Any:
        if self.token is not None and call.token != self.token:
            raise _ApiError(401, "Unauthorized")
        handler = self._handlers().get(call.method.lower())
        if handler is None:
            raise _ApiError(404, "Not Found: method not found")
        with self._cond:
            delay = self._take(self._delays, call.method, call.params)
            fault = self._take(self._faults, call.method, call.params)
        if delay is not None:
            await asyncio.sleep(delay.seconds)
        if fault is not None:
            parameters = None
            if fault.retry_after is not None:
                parameters = {"retry_after": fault.retry_after}
            raise _ApiError(fault.status, fault.description, parameters)
        result = handler(call.params)
        if asyncio.iscoroutine(result):
            result = await result
        return result

    def _handlers(self) -> dict[str, Callable[[dict], Any]]:
        return {
            "getme": lambda p: dict(self.bot_user),
            "getmycommands": self._get_my_commands,
            "setmycommands": self._set_my_commands,
            "deletemycommands": self._delete_my_commands,
            "getwebhookinfo": self._get_webhook_info,
            "setwebhook": self._set_webhook,
            "deletewebhook": self._delete_webhook,
            "getupdates": self._get_updates,
            "sendmessage": self._send_message,
            "editmessagetext": self._edit_message_text,
            "editmessagereplymarkup": self._edit_message_reply_markup,
            "deletemessage": self._delete_message,
            "answercallbackquery": lambda p: True,
            "sendchataction": self._send_chat_action,
            "close": lambda p: True,
            "logout": lambda p: True,
        }

    # ------------------------------------------------------------------ methods
    def _get_my_commands(self, params: dict) -> list:
        with self._cond:
            key = self._commands_key(params.get("scope"), params.get("language_code"))
            return copy.deepcopy(self._commands.get(key, []))

    def _set_my_commands(self, params: dict) -> bool:
        commands = params.get("commands")
        if not isinstance(commands, list):
            raise _ApiError(400, "Bad Request: commands must be an array")
        with self._cond:
            key = self._commands_key(params.get("scope"), params.get("language_code"))
            self._commands[key] = copy.deepcopy(commands)
        return True

    def _delete_my_commands(self, params: dict) -> bool:
        with self._cond:
            key = self._commands_key(params.get("scope"), params.get("language_code"))
            self._commands.pop(key, None)
        return True

    def _get_webhook_info(self, params: dict) -> dict:
        with self._cond:
            return {"url": self._webhook_url, "has_custom_certificate": False,
                    "pending_update_count": len(self._updates)}

    def _set_webhook(self, params: dict) -> bool:
        with self._cond:
            self._webhook_url = str(params.get("url") or "")
            if params.get("drop_pending_updates"):
                self._updates.clear()
        return True

    def _delete_webhook(self, params: dict) -> bool:
        with self._cond:
            self._webhook_url = ""
            if params.get("drop_pending_updates"):
                self._updates.clear()
        return True

    async def _get_updates(self, params: dict) -> list:
        offset = int(params.get("offset") or 0)
        limit = min(max(int(params.get("limit") or 100), 1), 100)
        timeout = min(max(float(params.get("timeout") or 0), 0.0), self.max_poll_wait)
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            with self._cond:
                if self._webhook_url:
                    raise _ApiError(409, "Conflict: can't use getUpdates method while webhook "
                                         "is active; use deleteWebhook to delete the webhook first")
                if offset > 0:      # acknowledges (forgets) every update before offset
                    self._updates = [u for u in self._updates if u["update_id"] >= offset]
                    batch = self._updates[:limit]
                elif offset < 0:    # the last -offset updates
                    batch = self._updates[offset:][:limit]
                else:
                    batch = self._updates[:limit]
                event, stopping = self._updates_event, self._stopping
            remaining = deadline - loop.time()
            if batch or stopping or remaining <= 0 or event is None:
                return copy.deepcopy(batch)
            try:
                await asyncio.wait_for(event.wait(), remaining)
            except asyncio.TimeoutError:
                pass

    def _check_chat(self, params: dict) -> int | str:
        if params.get("chat_id") in (None, ""):
            raise _ApiError(400, "Bad Request: chat_id is empty")
        key = _chat_key(params["chat_id"])
        blocked = {_chat_key(c) for c in set(self.blocked_chats)}
        if key in blocked:
            raise _ApiError(403, "Forbidden: bot was blocked by the user")
        return key

    def _check_text(self, params: dict) -> str:
        text = params.get("text")
        if text is None or str(text).strip() == "":
            raise _ApiError(400, "Bad Request: message text is empty")
        text = str(text)
        visible = text
        if str(params.get("parse_mode") or "").upper() == "HTML":
            visible = html.unescape(_TAG_RE.sub("", text))
        if _utf16_len(visible) > _MAX_TEXT_LENGTH:
            raise _ApiError(400, "Bad Request: message is too long")
        return text

    def _send_message(self, params: dict) -> dict:
        key = self._check_chat(params)
        with self._cond:
            if self._rate_per_second is not None:
                now = time.monotonic()
                while self._rate_window and self._rate_window[0] <= now - 1.0:
                    self._rate_window.popleft()
                if len(self._rate_window) >= self._rate_per_second:
                    self._too_many += 1
                    raise _ApiError(429, "Too Many Requests: retry after 1", {"retry_after": 1})
        text = self._check_text(params)
        with self._cond:
            if self._rate_per_second is not None:
                self._rate_window.append(time.monotonic())
            message: dict[str, Any] = {
                "message_id": self._new_message_id(key), "date": int(time.time()),
                "chat": self._chat(key, None), "from": dict(self.bot_user), "text": text}
            for field_name in ("reply_markup", "link_preview_options"):
                if isinstance(params.get(field_name), dict):
                    message[field_name] = copy.deepcopy(params[field_name])
            self._messages[(key, message["message_id"])] = message
            return copy.deepcopy(message)

    def _stored_message(self, params: dict, action: str) -> dict:
        """Caller holds the lock."""
        if params.get("chat_id") in (None, "") or params.get("message_id") in (None, ""):
            raise _ApiError(400, "Bad Request: message identifier is not specified")
        message = self._messages.get((_chat_key(params["chat_id"]), int(params["message_id"])))
        if message is None:
            raise _ApiError(400, f"Bad Request: message to {action} not found")
        return message

    def _edit_message_text(self, params: dict) -> dict | bool:
        if params.get("inline_message_id"):
            return True
        text = self._check_text(params)
        with self._cond:
            message = self._stored_message(params, "edit")
            markup = params.get("reply_markup")
            if message.get("text") == text and message.get("reply_markup") == markup:
                raise _ApiError(400, "Bad Request: message is not modified: specified new "
                                     "message content and reply markup are exactly the same "
                                     "as a current content and reply markup of the message")
            message["text"] = text
            self._set_markup(message, markup)
            message["edit_date"] = int(time.time())
            return copy.deepcopy(message)

    def _edit_message_reply_markup(self, params: dict) -> dict | bool:
        if params.get("inline_message_id"):
            return True
        with self._cond:
            message = self._stored_message(params, "edit")
            markup = params.get("reply_markup")
            if message.get("reply_markup") == markup:
                raise _ApiError(400, "Bad Request: message is not modified: specified new "
                                     "message content and reply markup are exactly the same "
                                     "as a current content and reply markup of the message")
            self._set_markup(message, markup)
            message["edit_date"] = int(time.time())
            return copy.deepcopy(message)

    @staticmethod
    def _set_markup(message: dict, markup: Any) -> None:
        if isinstance(markup, dict) and markup.get("inline_keyboard"):
            message["reply_markup"] = copy.deepcopy(markup)
        else:
            message.pop("reply_markup", None)

    def _delete_message(self, params: dict) -> bool:
        with self._cond:
            message = self._stored_message(params, "delete")
            del self._messages[(_chat_key(message["chat"]["id"]), message["message_id"])]
        return True

    def _send_chat_action(self, params: dict) -> bool:
        self._check_chat(params)
        return True
