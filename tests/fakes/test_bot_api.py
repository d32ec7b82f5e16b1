"""Self-tests of the fake Telegram Bot API: raw protocol, long polling, faults, and a PTB Application."""
import asyncio
import json
import threading
import time
import urllib.error
import urllib.parse
import urllib.request

import pytest
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, ContextTypes

from tests.fakes import TEST_TOKEN, FakeBotAPI


@pytest.fixture
def fake():
    with FakeBotAPI(max_poll_wait=0.3) as server:
        yield server


def api(fake, method, params=None, *, as_json=False, token=TEST_TOKEN):
    """POST like PTB does (form fields, non-strings JSON-encoded) or as a JSON body."""
    url = f"{fake.base_url}{token}/{method}"
    if params is None:
        data, ctype = b"", "application/octet-stream"
    elif as_json:
        data, ctype = json.dumps(params).encode(), "application/json"
    else:
        fields = {k: v if isinstance(v, str) else json.dumps(v) for k, v in params.items()}
        data, ctype = urllib.parse.urlencode(fields).encode(), "application/x-www-form-urlencoded"
    request = urllib.request.Request(url, data=data, headers={"Content-Type": ctype})
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as err:
        return err.code, json.loads(err.read())


def test_protocol_shapes_and_recording(fake):
    status, body = api(fake, "getMe")
    assert status == 200 and body["ok"] and body["result"]["is_bot"] and body["result"]["id"] == 123456

    status, body = api(fake, "sendMessage", {"chat_id": 42, "text": "42", "parse_mode": "HTML",
                                             "reply_markup": {"inline_keyboard": []}})
    assert status == 200
    message = body["result"]
    assert message["message_id"] == 1 and message["text"] == "42"      # text not JSON-decoded
    assert message["chat"] == {"id": 42, "type": "private", "first_name": "Test"}
    assert message["from"]["is_bot"]
    assert api(fake, "sendMessage", {"chat_id": 42, "text": "b"}, as_json=True)[1]["result"]["message_id"] == 2

    assert api(fake, "fooBar") == (404, {"ok": False, "error_code": 404,
                                         "description": "Not Found: method not found"})
    assert api(fake, "sendMessage", {"chat_id": 42, "text": ""})[0] == 400
    call = fake.calls("sendMessage")[0]
    assert call.params == {"chat_id": 42, "text": "42", "parse_mode": "HTML",
                           "reply_markup": {"inline_keyboard": []}}
    assert call.status == 200 and call.token == TEST_TOKEN and call.time <= time.monotonic()
    assert [m["text"] for m in fake.sent_messages(42)] == ["42", "b"]   # failed call left out
    assert [c.method for c in fake.calls()] == ["getMe", "sendMessage", "sendMessage", "fooBar",
                                                "sendMessage"]
    fake.reset()
    assert fake.calls() == []


def test_edit_and_delete_follow_the_real_api(fake):
    api(fake, "sendMessage", {"chat_id": 5, "text": "v1"})
    assert api(fake, "editMessageText", {"chat_id": 5, "message_id": 1, "text": "v2"})[1]["result"]["text"] == "v2"
    status, body = api(fake, "editMessageText", {"chat_id": 5, "message_id": 1, "text": "v2"})
    assert status == 400 and "message is not modified" in body["description"]
    keyboard = {"inline_keyboard": [[{"text": "ok", "callback_data": "x"}]]}
    assert api(fake, "editMessageReplyMarkup", {"chat_id": 5, "message_id": 1,
                                                "reply_markup": keyboard})[0] == 200
    assert fake.message(5, 1)["reply_markup"] == keyboard
    assert api(fake, "deleteMessage", {"chat_id": 5, "message_id": 1}) == (200, {"ok": True, "result": True})
    assert api(fake, "deleteMessage", {"chat_id": 5, "message_id": 1})[0] == 400
    assert fake.message(5, 1) is None


def test_get_updates_long_polls_and_honours_offsets(fake):
    first = fake.push_message(42, "/start hello", user_id=7)
    message = first["message"]
    assert message["entities"] == [{"type": "bot_command", "offset": 0, "length": 6}]
    assert message["from"]["id"] == 7 and message["chat"]["id"] == 42

    updates = api(fake, "getUpdates", {"offset": 0, "timeout": 10})[1]["result"]
    assert [u["update_id"] for u in updates] == [first["update_id"]]
    start = time.monotonic()                        # acknowledged: nothing left, waits the cap
    assert api(fake, "getUpdates", {"offset": first["update_id"] + 1, "timeout": 10})[1]["result"] == []
    assert 0.25 <= time.monotonic() - start < 2
    assert fake.pending_updates() == []

    fake.max_poll_wait = 10
    threading.Timer(0.1, fake.push_callback, (42, "yes", 3)).start()
    start = time.monotonic()                        # woken by a push from another thread
    updates = api(fake, "getUpdates", {"offset": first["update_id"] + 1, "timeout": 10})[1]["result"]
    assert time.monotonic() - start < 5
    query = updates[0]["callback_query"]
    assert query["data"] == "yes" and query["message"]["message_id"] == 3 and query["chat_instance"]


def test_faults_blocked_chats_and_rate_limit(fake):
    fake.fail_next("sendMessage", 429, "Too Many Requests: retry after 1", retry_after=1, chat_id=2)
    fake.fail_next("getMe", 500, "Internal Server Error", count=2)
    assert api(fake, "sendMessage", {"chat_id": 1, "text": "a"})[0] == 200     # other chat
    assert api(fake, "sendMessage", {"chat_id": 2, "text": "a"}) == (
        429, {"ok": False, "error_code": 429, "description": "Too Many Requests: retry after 1",
              "parameters": {"retry_after": 1}})
    assert api(fake, "sendMessage", {"chat_id": 2, "text": "a"})[0] == 200
    assert [api(fake, "getMe")[0] for _ in range(3)] == [500, 500, 200]

    fake.blocked_chats.add(9)
    status, body = api(fake, "sendMessage", {"chat_id": "9", "text": "a"})
    assert status == 403 and body["description"] == "Forbidden: bot was blocked by the user"

    fake.rate_limit(5)
    statuses = [api(fake, "sendMessage", {"chat_id": 3, "text": f"m{i}"})[0] for i in range(8)]
    assert statuses == [200] * 5 + [429] * 3 and fake.too_many_count == 3


def test_stop_during_a_long_poll_is_quick_and_leaks_no_thread():
    before = set(threading.enumerate())
    fake = FakeBotAPI(max_poll_wait=30).start()
    results = []
    poller = threading.Thread(target=lambda: results.append(api(fake, "getUpdates", {"timeout": 30})))
    poller.start()
    assert fake.wait_for(lambda: fake.calls("getUpdates"), timeout=2)
    start = time.monotonic()
    fake.stop()
    poller.join(5)
    assert time.monotonic() - start < 2
    assert results and results[0][0] == 200 and results[0][1]["result"] == []
    assert set(threading.enumerate()) <= before


def test_a_ptb_application_polls_and_answers(fake):
    async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("Oui", callback_data="yes")]])
        await update.message.reply_text(f"Bonjour {context.args}", reply_markup=keyboard)

    async def button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        await update.callback_query.answer("ok")
        await update.callback_query.edit_message_text(f"Choix : {update.callback_query.data}")

    async def main():
        app = (Application.builder().token(TEST_TOKEN).base_url(fake.base_url)
               .base_file_url(fake.base_file_url).build())
        app.add_handler(CommandHandler("start", start))
        app.add_handler(CallbackQueryHandler(button))
        async with app:
            await app.start()
            await app.updater.start_polling(timeout=1, poll_interval=0)
            fake.push_message(42, "/start abc")
            while not fake.sent_messages(42):
                await asyncio.sleep(0.02)
            fake.push_callback(42, "yes", 2)       # the bot reply (the /start was message 1)
            while not fake.calls("editMessageText"):
                await asyncio.sleep(0.02)
            await app.updater.stop()
            await app.stop()

    asyncio.run(asyncio.wait_for(main(), 10))
    assert fake.sent_messages(42)[0]["text"] == "Bonjour ['abc']"
    assert fake.calls("answerCallbackQuery")[0].params["text"] == "ok"
    assert fake.message(42, 2)["text"] == "Choix : yes"     # user's /start was message 1
    assert fake.pending_updates() == []
