"""The Telegram channel at the protocol level.

A fake Bot API server on loopback (``TELEGRAM_API_URL`` points at it) records every method
the bot calls; the real Rasa and action servers run with the Telegram channel; the tests post
Update JSON to ``/webhooks/telegram/webhook`` as Telegram would, and check the HTTP statuses
and what the bot sent back through the Bot API.
"""

import itertools
import json
import os
import re
import subprocess
import sys
import threading
import time
import urllib.parse
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Dict, Iterator, List, Optional

import pytest
import requests

from channels.telegram import (
    MAX_CALLBACK_DATA_BYTES,
    MAX_TELEGRAM_CHARS,
    REJECT,
    command_as_intent,
    inline_keyboard,
    screen_update,
    secret_refusal,
    split_text,
    utf16_length,
)
from tests.servers import PROJECT, Assistant, free_port, running_assistant
from texts import say

TOKEN = "123456789:TEST-token_for-the-fake-api"
BOT_NAME = "pore_care_test_bot"
SECRET = "test-secret_0123456789"
SECRET_HEADERS = {"X-Telegram-Bot-Api-Secret-Token": SECRET}
JSON_FIELDS = ("reply_markup", "allowed_updates", "entities")


@dataclass(frozen=True)
class Call:
    method: str
    token: str
    params: Dict[str, Any]


class FakeBotApi:
    """Answers Bot API methods like Telegram does and records every call, in order."""

    def __init__(self) -> None:
        self.calls: List[Call] = []
        self._lock = threading.Lock()
        self._message_ids = itertools.count(1000)
        self.webhook_url = ""
        self.server = ThreadingHTTPServer(("127.0.0.1", free_port()), self._handler_class())
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> "FakeBotApi":
        self._thread.start()
        return self

    def __exit__(self, *_: Any) -> None:
        self.server.shutdown()
        self.server.server_close()

    def record(self, call: Call) -> None:
        with self._lock:
            self.calls.append(call)

    def mark(self) -> int:
        with self._lock:
            return len(self.calls)

    def since(self, mark: int, method: Optional[str] = None) -> List[Call]:
        with self._lock:
            return [call for call in self.calls[mark:] if method is None or call.method == method]

    def result(self, method: str, params: Dict[str, Any]) -> Any:
        if method == "getMe":
            return {"id": int(TOKEN.split(":")[0]), "is_bot": True, "first_name": "Pore care", "username": BOT_NAME}
        if method == "sendMessage":
            return {
                "message_id": next(self._message_ids),
                "date": int(time.time()),
                "chat": {"id": int(params["chat_id"]), "type": "private"},
                "text": params.get("text", ""),
            }
        if method == "setWebhook":
            self.webhook_url = params.get("url", "")
            return True
        if method == "getWebhookInfo":
            return {"url": self.webhook_url, "has_custom_certificate": False, "pending_update_count": 0}
        if method in ("answerCallbackQuery", "deleteWebhook"):
            return True
        return None

    def _handler_class(self) -> type:
        api = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 (http.server's naming)
                match = re.fullmatch(r"/bot(?P<token>[^/]+)/(?P<method>\w+)", urllib.parse.urlsplit(self.path).path)
                if not match:
                    return self._reply(404, {"ok": False, "error_code": 404, "description": "Not Found"})
                params = self._params()
                api.record(Call(match["method"], match["token"], params))
                if match["token"] != TOKEN:
                    return self._reply(401, {"ok": False, "error_code": 401, "description": "Unauthorized"})
                result = api.result(match["method"], params)
                if result is None:
                    return self._reply(
                        404, {"ok": False, "error_code": 404, "description": "Not Found: method not found"}
                    )
                self._reply(200, {"ok": True, "result": result})

            do_GET = do_POST

            def _params(self) -> Dict[str, Any]:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0)).decode("utf-8")
                if "json" in (self.headers.get("Content-Type") or ""):
                    params = json.loads(body or "{}")
                else:  # aiogram posts form fields, JSON-encoding the structured ones
                    params = {key: values[-1] for key, values in urllib.parse.parse_qs(body).items()}
                    for key in JSON_FIELDS:
                        if isinstance(params.get(key), str):
                            params[key] = json.loads(params[key])
                return params

            def _reply(self, status: int, body: Dict[str, Any]) -> None:
                data = json.dumps(body).encode("utf-8")
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *_: Any) -> None:
                pass

        return Handler


@dataclass(frozen=True)
class Bot:
    api: FakeBotApi
    assistant: Assistant
    webhook_url: str

    @property
    def webhook(self) -> str:
        return f"{self.assistant.base_url}/webhooks/telegram/webhook"

    def post(
        self, update: Any, headers: Optional[Dict[str, str]] = None, raw: Optional[bytes] = None
    ) -> requests.Response:
        headers = {"Content-Type": "application/json", **(SECRET_HEADERS if headers is None else headers)}
        data = raw if raw is not None else json.dumps(update).encode("utf-8")
        return requests.post(self.webhook, data=data, headers=headers, timeout=60)


def telegram_env(api_url: str, public_url: str) -> Dict[str, str]:
    return {
        "TELEGRAM_TOKEN": TOKEN,
        "TELEGRAM_BOT_NAME": BOT_NAME,
        "TELEGRAM_SECRET_TOKEN": SECRET,
        "TELEGRAM_WEBHOOK_URL": public_url,
        "TELEGRAM_API_URL": api_url,
    }


@pytest.fixture(scope="module")
def bot(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Bot]:
    directory = tmp_path_factory.mktemp("telegram")
    credentials = directory / "credentials.yml"
    # What `make run` generates when TELEGRAM_TOKEN is set: credentials.yml plus one line.
    credentials.write_text(
        (PROJECT / "credentials.yml").read_text(encoding="utf-8") + "\nchannels.telegram.SecureTelegramInput:\n",
        encoding="utf-8",
    )
    public_url = "https://bot.example.test/webhooks/telegram/webhook"
    with FakeBotApi() as api:
        with running_assistant(directory, credentials, telegram_env(api.url, public_url)) as assistant:
            yield Bot(api, assistant, public_url)


_ids = itertools.count(1)


def user(chat_id: int) -> Dict[str, Any]:
    return {"id": chat_id, "is_bot": False, "first_name": "Test", "language_code": "en"}


def message(chat_id: int, **content: Any) -> Dict[str, Any]:
    return {
        "message_id": next(_ids),
        "from": user(chat_id),
        "date": int(time.time()),
        "chat": {"id": chat_id, "first_name": "Test", "type": "private"},
        **content,
    }


def text_update(chat_id: int, text: str) -> Dict[str, Any]:
    content: Dict[str, Any] = {"text": text}
    if text.startswith("/"):
        content["entities"] = [{"offset": 0, "length": len(text.split()[0]), "type": "bot_command"}]
    return {"update_id": next(_ids), "message": message(chat_id, **content)}


def callback_update(chat_id: int, data: str, query_id: str) -> Dict[str, Any]:
    bot_message = {
        **message(chat_id, text="(the bot's answer)"),
        "from": {"id": 123456789, "is_bot": True, "first_name": "Pore care", "username": BOT_NAME},
    }
    return {
        "update_id": next(_ids),
        "callback_query": {
            "id": query_id,
            "from": user(chat_id),
            "message": bot_message,
            "chat_instance": "-42",
            "data": data,
        },
    }


def sent_to(api: FakeBotApi, mark: int, chat_id: int) -> List[Dict[str, Any]]:
    return [call.params for call in api.since(mark, "sendMessage") if str(call.params.get("chat_id")) == str(chat_id)]


def all_text(messages: List[Dict[str, Any]]) -> str:
    return "\n".join(m.get("text", "") for m in messages)


def keyboard(messages: List[Dict[str, Any]]) -> List[Dict[str, str]]:
    rows = [row for m in messages for row in (m.get("reply_markup") or {}).get("inline_keyboard", [])]
    return [button for row in rows for button in row]


def ask(bot: Bot, chat_id: int, text: str) -> List[Dict[str, Any]]:
    mark = bot.api.mark()
    reply = bot.post(text_update(chat_id, text))
    assert reply.status_code == 200, reply.text
    return sent_to(bot.api, mark, chat_id)


# --- against the running servers -----------------------------------------------------------


def test_start_up_registers_the_webhook_with_the_secret_on_the_configured_api(bot: Bot) -> None:
    registrations = [call for call in bot.api.calls if call.method == "setWebhook"]
    assert registrations, "the channel registers its webhook at start-up"
    params = registrations[0].params
    assert params["url"] == bot.webhook_url and params["secret_token"] == SECRET
    assert params["allowed_updates"] == ["message", "callback_query"]
    assert all(call.token == TOKEN for call in bot.api.calls)


def test_a_question_is_answered_through_the_bot_api_with_an_inline_keyboard(bot: Bot) -> None:
    sent = ask(bot, 1001, "what does a collagen mask do?")
    assert len(sent) == 1, "one answer, not one message per paragraph"
    assert "collagen" in sent[0]["text"].lower() and "Source:" in sent[0]["text"]
    buttons = keyboard(sent)
    assert buttons and all(b["callback_data"].startswith("/ask_fact{") for b in buttons)
    assert all(len(b["callback_data"].encode("utf-8")) <= MAX_CALLBACK_DATA_BYTES for b in buttons)
    assert all(len(row) == 1 for row in sent[0]["reply_markup"]["inline_keyboard"]), "one button per row"
    assert "parse_mode" not in sent[0], "plain text: nothing in an answer can fail to parse"


def test_a_follow_up_resolves_against_the_conversation(bot: Bot) -> None:
    ask(bot, 1002, "what does a collagen mask do?")
    follow_up = all_text(ask(bot, 1002, "how often should I use it?"))
    assert "collagen mask" in follow_up.lower() and "week" in follow_up


def test_a_button_tap_is_acknowledged_and_answered_like_the_typed_payload(bot: Bot) -> None:
    chat_id = 1003
    buttons = keyboard(ask(bot, chat_id, "why do pores sag?"))
    assert buttons
    tapped = buttons[0]
    mark = bot.api.mark()
    reply = bot.post(callback_update(chat_id, tapped["callback_data"], "cbq-1003"))
    assert reply.status_code == 200
    acks = bot.api.since(mark, "answerCallbackQuery")
    assert [call.params["callback_query_id"] for call in acks] == ["cbq-1003"]
    answer = sent_to(bot.api, mark, chat_id)
    assert answer and "Source:" in answer[0]["text"]
    typed = requests.post(
        bot.assistant.rest_url, json={"sender": "typed-1003", "message": tapped["callback_data"]}, timeout=60
    ).json()
    assert answer[0]["text"].split("\n\n")[0] == typed[0]["text"].split("\n\n")[0]


def test_start_greets(bot: Bot) -> None:
    for chat_id, command in ((1004, "/start"), (1014, "/start@" + BOT_NAME), (1024, "/start from-a-link")):
        greeting = ask(bot, chat_id, command)
        assert greeting and greeting[0]["text"].startswith("Hi!"), command


def test_a_korean_user_is_answered_in_korean(bot: Bot) -> None:
    """Telegram's `language_code: ko` and a Korean question: Korean replies, Korean buttons."""
    chat_id = 9100
    korean_user = {"id": chat_id, "is_bot": False, "first_name": "민지", "language_code": "ko"}
    mark = bot.api.mark()
    sticker = {**message(chat_id, sticker={"file_id": "CAACAgIAAx", "file_unique_id": "AgAD"}), "from": korean_user}
    assert bot.post({"update_id": next(_ids), "message": sticker}).status_code == 200
    assert all_text(sent_to(bot.api, mark, chat_id)) == say("text_only", "ko")
    mark = bot.api.mark()
    question = {**message(chat_id, text="각질팩은 일주일에 몇 번 해요?"), "from": korean_user}
    assert bot.post({"update_id": next(_ids), "message": question}).status_code == 200
    replies = sent_to(bot.api, mark, chat_id)
    assert "한두 번" in all_text(replies) and "출처" in all_text(replies)
    assert all(any("\uac00" <= ch <= "\ud7a3" for ch in button["text"]) for button in keyboard(replies))


def test_a_sticker_or_a_photo_gets_a_polite_reply_and_the_conversation_goes_on(bot: Bot) -> None:
    chat_id = 1005
    for content in (
        {
            "sticker": {
                "file_id": "CAACAgIAAx",
                "file_unique_id": "AgAD",
                "width": 512,
                "height": 512,
                "is_animated": False,
                "emoji": "👍",
            }
        },
        {"photo": [{"file_id": "AgACAgIAAx", "file_unique_id": "AQAD", "width": 90, "height": 90}]},
    ):
        mark = bot.api.mark()
        reply = bot.post({"update_id": next(_ids), "message": message(chat_id, **content)})
        assert reply.status_code == 200
        assert all_text(sent_to(bot.api, mark, chat_id)) == say("text_only", "en")
    assert "week" in all_text(ask(bot, chat_id, "how often should I use a collagen mask?"))


@pytest.mark.parametrize("kind", ["edited_message", "channel_post", "edited_channel_post"])
def test_edits_and_channel_posts_are_ignored_with_a_200(bot: Bot, kind: str) -> None:
    chat = {"id": -1001006, "title": "A channel", "type": "channel"} if "channel" in kind else None
    content = message(1006, text="how often should I exfoliate?")
    if chat:
        content = {**content, "chat": chat}
        content.pop("from")
    mark = bot.api.mark()
    reply = bot.post({"update_id": next(_ids), kind: content})
    assert reply.status_code == 200
    assert bot.api.since(mark) == []


@pytest.mark.parametrize("headers, status", [({}, 401), ({"X-Telegram-Bot-Api-Secret-Token": "wrong"}, 403)])
def test_an_update_without_the_right_secret_is_refused_before_the_bot(bot: Bot, headers, status) -> None:
    mark = bot.api.mark()
    reply = bot.post(text_update(1007, "what does a collagen mask do?"), headers=headers)
    assert reply.status_code == status
    assert bot.api.since(mark) == [], "nothing reaches the bot, nothing is sent"


@pytest.mark.parametrize(
    "raw",
    [
        b"this is not json",
        b"{broken",
        b"",
        b'["a", "list"]',
        b'{"message": {"chat": {"id": 1}, "text": "hi"}}',
        b'{"update_id": "7", "message": {"chat": {"id": 1}, "text": "hi"}}',
        b'{"update_id": 7, "message": "hi"}',
        b'{"update_id": 7, "message": {"text": "hi"}}',
        b'{"update_id": 7, "message": {"chat": {"id": 1, "type": "private"}, "text": 5}}',
        b'{"update_id": 7, "callback_query": {"data": "/greet"}}',
    ],
)
def test_malformed_bodies_get_a_clear_4xx_never_a_500(bot: Bot, raw: bytes) -> None:
    mark = bot.api.mark()
    reply = bot.post(None, raw=raw)
    assert reply.status_code == 400 and reply.json()["error"]
    assert bot.api.since(mark, "sendMessage") == []


def test_odd_but_valid_updates_get_a_200(bot: Bot) -> None:
    odd = [
        {"update_id": next(_ids)},
        {"update_id": next(_ids), "my_chat_member": {"chat": {"id": 1008, "type": "private"}}},
        {"update_id": next(_ids), "message": message(1008, new_chat_title="renamed")},
        {
            "update_id": next(_ids),
            "callback_query": {
                "id": "cbq-inline",
                "from": user(1008),
                "inline_message_id": "x",
                "chat_instance": "1",
                "data": "/greet",
            },
        },
    ]
    for update in odd:
        assert bot.post(update).status_code == 200, update


def test_markup_in_a_question_never_breaks_a_reply(bot: Bot) -> None:
    sent = ask(bot, 1009, "<b>how often</b> should I *exfoliate*_ [x](y)?")
    assert sent and all("parse_mode" not in m for m in sent)
    assert "<b>" not in all_text(sent)


def test_the_webhook_refuses_other_methods_and_rasas_unprotected_set_webhook(bot: Bot) -> None:
    mark = bot.api.mark()
    assert requests.get(bot.webhook, timeout=10).status_code == 405
    assert requests.get(f"{bot.assistant.base_url}/webhooks/telegram/set_webhook", timeout=10).status_code == 404
    assert requests.post(f"{bot.assistant.base_url}/webhooks/telegram/set_webhook", timeout=10).status_code == 404
    assert bot.api.since(mark, "setWebhook") == []
    assert requests.get(f"{bot.assistant.base_url}/webhooks/telegram/", timeout=10).status_code == 200


def test_the_registration_command_sets_the_webhook_with_the_secret(bot: Bot) -> None:
    mark = bot.api.mark()
    env = {**os.environ, **telegram_env(bot.api.url, "https://elsewhere.example.test/webhooks/telegram/webhook")}
    done = subprocess.run(
        [sys.executable, "-m", "channels.telegram_webhook"],
        cwd=PROJECT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    calls = bot.api.since(mark, "setWebhook")
    assert [c.params for c in calls] == [
        {
            "url": "https://elsewhere.example.test/webhooks/telegram/webhook",
            "secret_token": SECRET,
            "allowed_updates": ["message", "callback_query"],
        }
    ]
    assert "elsewhere.example.test" in done.stdout and TOKEN not in done.stdout + done.stderr
    missing = subprocess.run(
        [sys.executable, "-m", "channels.telegram_webhook"],
        cwd=PROJECT,
        env={**env, "TELEGRAM_SECRET_TOKEN": ""},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert missing.returncode == 1 and "TELEGRAM_SECRET_TOKEN" in missing.stderr


# --- the channel's helpers -----------------------------------------------------------------


def test_long_texts_are_split_under_the_limit_between_paragraphs() -> None:
    paragraphs = ["para %d " % i + "word " * 300 for i in range(10)]
    pieces = split_text("\n\n".join(paragraphs))
    assert len(pieces) > 1 and all(utf16_length(p) <= MAX_TELEGRAM_CHARS for p in pieces)
    assert all(p.startswith("para ") for p in pieces), "cuts fall between paragraphs"
    assert "".join(pieces).replace(" ", "").replace("\n", "") == "".join(paragraphs).replace(" ", "")
    unbroken = split_text("x" * 10000)
    assert [len(p) for p in unbroken] == [4096, 4096, 1808]
    emoji = split_text("😀" * 3000)
    assert all(utf16_length(p) <= MAX_TELEGRAM_CHARS for p in emoji) and "".join(emoji) == "😀" * 3000
    assert split_text("   ") == [] and split_text("short") == ["short"]


def test_keyboards_leave_out_buttons_telegram_would_refuse() -> None:
    markup = inline_keyboard(
        [
            {"title": "ok", "payload": '/ask_fact{"fact_id": "collagen_mask_what_is"}'},
            {"title": "too long", "payload": "/ask_fact" + "x" * 64},
            {"title": "", "payload": "/greet"},
            {"title": "no payload"},
        ]
    )
    assert markup is not None and [[b.text for b in row] for row in markup.inline_keyboard] == [["ok"]]
    assert inline_keyboard([{"title": "too long", "payload": "x" * 65}]) is None


def test_commands_and_secrets() -> None:
    assert command_as_intent("/start") == "/greet" and command_as_intent("/help") == "/ask_capabilities"
    assert command_as_intent('/ask_fact{"fact_id": "x"}') == '/ask_fact{"fact_id": "x"}'
    assert command_as_intent("how do I start?") == "how do I start?"
    assert secret_refusal(None, SECRET) == 401 and secret_refusal("nope", SECRET) == 403
    assert secret_refusal(SECRET, SECRET) is None
    assert screen_update({"update_id": True}).verdict == REJECT
