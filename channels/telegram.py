"""Rasa's Telegram channel, configured from the environment and safe on a public webhook.

Same address and update handling as ``rasa.core.channels.telegram.TelegramInput``
(``POST /webhooks/telegram/webhook``, a Telegram ``Update`` as JSON). What it adds:

- configuration from ``TELEGRAM_*`` environment variables only (``channels/telegram_webhook.py``),
  with the Bot API address overridable (``TELEGRAM_API_URL``: a local Bot API server, or a fake
  one in tests);
- every update must carry ``X-Telegram-Bot-Api-Secret-Token`` equal to ``TELEGRAM_SECRET_TOKEN``
  (401 without it, 403 when wrong), checked before the update reaches Rasa's handler;
- updates Rasa's handler would crash on or misuse (a malformed body, a sticker, a photo, an
  edited message, a channel post, a callback query without a chat) are screened out first: a
  400 with a reason, a polite reply, or a 200 that ignores them;
- the Bot API's limits are enforced: a body over ``telegram.body_max_bytes`` (channels/limits.yml)
  gets 413, callback data over 64 bytes or text that is not well-formed Unicode a 400;
- only private chats with people are answered: updates from bots, and everything in groups,
  supergroups and channels, are ignored with a 200 (a group would share one conversation and
  its context among everyone in it, and symptoms are not for a group);
- a tapped button is acknowledged (``answerCallbackQuery``) and its payload handled like the
  typed question; ``/start`` greets and ``/help`` says what the bot can do;
- replies go out as plain text (no ``parse_mode``, so nothing in them can fail to parse), in
  as few messages as Telegram's 4,096-character limit allows, with suggestion buttons as an
  inline keyboard of one button per row;
- the webhook is registered at start-up with the secret token (Rasa's own start-up
  ``setWebhook`` would register it without one, and every update would then be refused).

The screening and the helpers are plain functions so they can be tested without a server.
"""

import hmac
import logging
import re
from dataclasses import dataclass
from typing import Any, Awaitable, Callable, Dict, List, Optional, Text

from aiogram.bot.api import TelegramAPIServer
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup, User
from aiogram.utils.exceptions import BadRequest
from rasa.core.channels.channel import UserMessage
from rasa.core.channels.telegram import TelegramInput, TelegramOutput
from rasa.shared.exceptions import RasaException
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from channels.limits import load_limits
from channels.rest import MAX_MESSAGE_CHARS, empty_reply, too_long_reply
from channels.telegram_webhook import (
    DEFAULT_API_URL,
    TelegramConfigError,
    TelegramSettings,
    call_api,
    register_webhook,
    settings_from_env,
)
from channels.validation import is_well_formed, parse_json_body
from texts import LANGUAGES, say, written_language

logger = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
MAX_TELEGRAM_CHARS = 4096  # sendMessage's limit, counted in UTF-16 code units
LIMITS = load_limits().telegram
MAX_CALLBACK_DATA_BYTES = LIMITS.callback_data_max_bytes
# Bot commands people use in every Telegram bot, as the intents that answer them.
COMMAND_INTENTS = {"start": "/greet", "help": "/ask_capabilities"}
COMMAND_PATTERN = re.compile(r"^/(?P<command>[A-Za-z0-9_]+)(?:@\w+)?(?:\s.*)?$", re.DOTALL)
# Message contents a person sends on purpose; they get a polite reply, anything else
# without text (service messages: someone joined, a pin, ...) is ignored.
NON_TEXT_CONTENT = (
    "sticker",
    "photo",
    "video",
    "voice",
    "audio",
    "document",
    "animation",
    "video_note",
    "location",
    "venue",
    "contact",
    "poll",
    "dice",
    "game",
)

PASS, REPLY, IGNORE, REJECT = "pass", "reply", "ignore", "reject"


def utf16_length(text: Text) -> int:
    """Telegram counts message length in UTF-16 code units (an emoji can count twice)."""
    return len(text.encode("utf-16-le")) // 2


def _prefix_within(text: Text, limit: int) -> Text:
    """The longest start of ``text`` that is at most ``limit`` UTF-16 code units."""
    units = 0
    for index, char in enumerate(text):
        units += 2 if ord(char) > 0xFFFF else 1
        if units > limit:
            return text[:index]
    return text


def _cut_point(head: Text) -> int:
    """Where to cut: the last paragraph break in the second half of ``head``, else the last
    line break there, else the last space, else the end (so no piece is needlessly short)."""
    for separator in ("\n\n", "\n", " "):
        cut = head.rfind(separator)
        if cut > len(head) // 2:
            return cut
    cut = head.rfind(" ")
    return cut if cut > 0 else len(head)


def split_text(text: Text, limit: int = MAX_TELEGRAM_CHARS) -> List[Text]:
    """The text in as few pieces of at most ``limit`` as possible, cut between paragraphs,
    else lines, else words, else anywhere. Empty text gives no pieces."""
    pieces: List[Text] = []
    rest = text.strip()
    while rest:
        if utf16_length(rest) <= limit:
            pieces.append(rest)
            break
        head = _prefix_within(rest, limit)
        cut = _cut_point(head)
        pieces.append(rest[:cut].rstrip())
        rest = rest[cut:].strip()
    return [piece for piece in pieces if piece]


def inline_keyboard(buttons: List[Dict[Text, Any]], one_row: bool = False) -> Optional[InlineKeyboardMarkup]:
    """Buttons as an inline keyboard whose callback data is the button's payload.

    One button per row by default: suggestion titles are whole questions, and a single row
    would cut them off. A button whose payload doesn't fit in callback data is left out
    (Telegram would refuse the whole message).
    """
    usable = []
    for button in buttons:
        title, payload = button.get("title"), button.get("payload")
        if not isinstance(title, str) or not title.strip() or not isinstance(payload, str) or not payload:
            continue
        if len(payload.encode("utf-8")) > MAX_CALLBACK_DATA_BYTES:
            logger.warning("telegram: button %r left out: payload over %d bytes", title, MAX_CALLBACK_DATA_BYTES)
            continue
        usable.append(InlineKeyboardButton(title.strip(), callback_data=payload))
    if not usable:
        return None
    markup = InlineKeyboardMarkup()
    if one_row:
        markup.row(*usable)
    else:
        for button in usable:
            markup.row(button)
    return markup


def command_as_intent(text: Text) -> Text:
    """``/start`` (also ``/start@bot_name`` and ``/start <deep-link>``) and ``/help`` as the
    intents that answer them; any other text unchanged."""
    match = COMMAND_PATTERN.match(text.strip())
    if match and match.group("command").lower() in COMMAND_INTENTS:
        return COMMAND_INTENTS[match.group("command").lower()]
    return text


def secret_refusal(given: Optional[Text], expected: Text) -> Optional[int]:
    """401 without the secret header, 403 with a wrong one, None when it matches."""
    if not given:
        return 401
    if not hmac.compare_digest(given.encode("utf-8"), expected.encode("utf-8")):
        return 403
    return None


@dataclass(frozen=True)
class Screening:
    """What to do with an update before Rasa's handler sees it."""

    verdict: Text  # PASS (to Rasa's handler), REPLY (with `reply`), IGNORE, REJECT (400)
    reason: Text
    chat_id: Optional[int] = None
    reply: Optional[Text] = None
    callback_query_id: Optional[Text] = None  # acknowledged whatever the verdict


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _chat(message: Any) -> Optional[Dict[Text, Any]]:
    chat = message.get("chat") if isinstance(message, dict) else None
    return chat if isinstance(chat, dict) and _is_int(chat.get("id")) else None


def _from_bot(item: Dict[Text, Any]) -> bool:
    sender = item.get("from")
    return isinstance(sender, dict) and sender.get("is_bot") is True


def _user_language(message: Dict[str, Any]) -> str:
    """The sender's Telegram language (``from.language_code``) when the assistant speaks it."""
    sender = message.get("from")
    code = sender.get("language_code") if isinstance(sender, dict) else None
    return code[:2].lower() if isinstance(code, str) and code[:2].lower() in LANGUAGES else "en"


def _screen_message(message: Any) -> Screening:
    chat = _chat(message)
    if chat is None:
        return Screening(REJECT, "`message.chat.id` must be an integer")
    chat_id, text = chat["id"], message.get("text")
    if text is not None and not isinstance(text, str):
        return Screening(REJECT, "`message.text` must be a string")
    if isinstance(text, str) and not is_well_formed(text):
        return Screening(REJECT, "`message.text` is not well-formed Unicode")
    if _from_bot(message):
        return Screening(IGNORE, "message from a bot", chat_id)
    if chat.get("type") != "private":
        return Screening(IGNORE, "message in a group or channel", chat_id)
    if isinstance(text, str):
        if not text.strip():
            return Screening(REPLY, "empty message", chat_id, empty_reply(_user_language(message)))
        if len(text) > MAX_MESSAGE_CHARS:
            return Screening(REPLY, "message too long", chat_id, too_long_reply(len(text), _user_language(message)))
        return Screening(PASS, "text message", chat_id)
    content = next((key for key in NON_TEXT_CONTENT if message.get(key) is not None), None)
    if content is None:
        return Screening(IGNORE, "service message", chat_id)
    return Screening(REPLY, content, chat_id, say("text_only", _user_language(message)))


def _screen_callback_query(query: Any) -> Screening:
    if not isinstance(query, dict) or not isinstance(query.get("id"), str) or not query["id"]:
        return Screening(REJECT, "`callback_query.id` must be a string")
    data, chat = query.get("data"), _chat(query.get("message"))
    if isinstance(data, str) and (not is_well_formed(data) or len(data.encode("utf-8")) > MAX_CALLBACK_DATA_BYTES):
        return Screening(
            REJECT, f"`callback_query.data` must be well-formed and at most {MAX_CALLBACK_DATA_BYTES} bytes"
        )
    if _from_bot(query):
        return Screening(IGNORE, "button tap by a bot", callback_query_id=query["id"])
    if not isinstance(data, str) or not data.strip() or chat is None:
        # A game button, or a button on an inline-mode message: nothing to answer in a chat.
        return Screening(IGNORE, "callback query without data or chat", callback_query_id=query["id"])
    if chat.get("type") != "private":
        return Screening(IGNORE, "button tap in a group or channel", callback_query_id=query["id"])
    return Screening(PASS, "button tap", chat["id"], callback_query_id=query["id"])


def screen_update(body: Any) -> Screening:
    """Decide, from the raw JSON, what happens to an update; never raises."""
    if not isinstance(body, dict):
        return Screening(REJECT, "the body must be a JSON object (a Telegram Update)")
    if not _is_int(body.get("update_id")):
        return Screening(REJECT, "`update_id` must be an integer")
    if "message" in body:
        return _screen_message(body["message"])
    if "callback_query" in body:
        return _screen_callback_query(body["callback_query"])
    kind = next((key for key in body if key != "update_id"), "empty")
    # edited_message, channel_post, my_chat_member, ...: the original message was answered
    # already, or there is no one to answer.
    return Screening(IGNORE, f"{kind} update")


class SafeTelegramOutput(TelegramOutput):
    """Rasa's Telegram output through a configurable Bot API address, in plain text."""

    def __init__(self, access_token: Text, api_url: Text = DEFAULT_API_URL) -> None:
        super().__init__(access_token)
        self.server = TelegramAPIServer.from_base(api_url)
        self.parse_mode = None  # plain text: no Markdown/HTML parsing that could reject a reply
        self._cached_me: Optional[User] = None

    async def get_me(self) -> User:
        """Asked once: Rasa's handler asks on every update, to compare the bot's name."""
        if self._cached_me is None:
            self._cached_me = await super().get_me()
        return self._cached_me

    def remember_me(self, me: Dict[Text, Any]) -> None:
        self._cached_me = User(**me)

    async def send_text_message(self, recipient_id: Text, text: Text, **kwargs: Any) -> None:
        """One message per 4,096 characters (Rasa's sends one message per paragraph)."""
        for piece in split_text(text):
            await self.send_message(recipient_id, piece)

    async def send_text_with_buttons(
        self,
        recipient_id: Text,
        text: Text,
        buttons: List[Dict[Text, Any]],
        button_type: Optional[Text] = "vertical",
        **kwargs: Any,
    ) -> None:
        """The text, with the buttons as an inline keyboard under its last piece.

        ``button_type="inline"`` puts them in one row as Rasa does; anything else one per row.
        """
        # Buttons with no text: a line above them, in the buttons' own language.
        titles = " ".join(str(button.get("title", "")) for button in buttons)
        pieces = split_text(text) or [say("buttons_only", written_language(titles) or "en")]
        for piece in pieces[:-1]:
            await self.send_message(recipient_id, piece)
        keyboard = inline_keyboard(buttons, one_row=button_type == "inline")
        if keyboard is None:
            await self.send_message(recipient_id, pieces[-1])
            return
        try:
            await self.send_message(recipient_id, pieces[-1], reply_markup=keyboard)
        except BadRequest as error:
            # The answer matters more than the suggestions under it.
            logger.warning("telegram: keyboard refused (%s); sending the text alone", error)
            await self.send_message(recipient_id, pieces[-1])


class SecureTelegramInput(TelegramInput):
    """Rasa's Telegram input channel behind the secret-token check and update screening."""

    @classmethod
    def name(cls) -> Text:
        return "telegram"

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> "SecureTelegramInput":
        """Settings come from the environment; the credentials entry just switches it on."""
        if credentials:
            logger.warning("telegram: credentials entries %s ignored: set TELEGRAM_* variables", sorted(credentials))
        try:
            return cls(settings_from_env())
        except TelegramConfigError as error:
            raise RasaException(f"Telegram channel: {error}") from None

    def __init__(self, settings: TelegramSettings) -> None:
        # debug_mode=False: Rasa's handler then logs a failed message instead of raising a 500.
        super().__init__(settings.token, settings.bot_name, settings.webhook_url, debug_mode=False)
        self.settings = settings
        self._output: Optional[SafeTelegramOutput] = None

    def get_output_channel(self) -> SafeTelegramOutput:
        """One output for the process, set up (bot checked, webhook registered) on first use."""
        if self._output is None:
            self._output = SafeTelegramOutput(self.settings.token, self.settings.api_url)
            self._start_up(self._output)
        return self._output

    def _start_up(self, output: SafeTelegramOutput) -> None:
        """Check the token and register the webhook, synchronously: this runs before Sanic's
        event loop, and an aiohttp session opened now would be tied to a loop that is gone.
        Failures are logged, not raised: the other channels still start."""
        settings = self.settings
        try:
            me = call_api(settings, "getMe")
            output.remember_me(me)
            if me.get("username") != settings.bot_name:
                logger.error(
                    "telegram: the token belongs to @%s, not TELEGRAM_BOT_NAME=@%s: updates will be ignored",
                    me.get("username"),
                    settings.bot_name,
                )
            if settings.webhook_url:
                register_webhook(settings)
                logger.info("telegram: webhook registered at %s (with the secret token)", settings.webhook_url)
            else:
                logger.info("telegram: TELEGRAM_WEBHOOK_URL not set; register it with `make telegram-webhook`")
        except TelegramConfigError as error:
            logger.error("telegram: start-up check failed: %s", error)

    def get_metadata(self, request: Request) -> Optional[Dict[Text, Any]]:
        """The sender's Telegram language, so that a first message with no words ("👍", a
        button) is answered in it; the message's own script still comes first."""
        update = request.json if isinstance(request.json, dict) else {}
        message = update.get("message") or update.get("callback_query")
        if not isinstance(message, dict):
            return None
        sender = message.get("from")
        if not isinstance(sender, dict) or not isinstance(sender.get("language_code"), str):
            return None
        return {"language": _user_language(message)}

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        output = self.get_output_channel()

        async def handle(message: UserMessage) -> None:
            message.text = command_as_intent(message.text or "")
            try:
                await on_new_message(message)
            except Exception:
                logger.exception("telegram: failed to handle a message from chat %s", message.sender_id)
                language = written_language(message.text or "") or (message.metadata or {}).get("language", "en")
                await self._send_quietly(output, message.sender_id, say("failure", language))

        webhook = super().blueprint(handle)

        @webhook.middleware("request")
        async def guard(request: Request) -> Optional[HTTPResponse]:
            if request.path.rstrip("/").endswith("/set_webhook"):
                # Rasa's route re-registers the webhook without the secret token: anyone could
                # cut the bot off with one GET.
                return response.json({"error": "register the webhook with `make telegram-webhook`"}, status=404)
            if not request.path.rstrip("/").endswith("/webhook"):
                return None
            if request.method != "POST":
                return response.json({"error": "POST a Telegram Update"}, status=405)
            refusal = secret_refusal(request.headers.get(SECRET_HEADER), self.settings.secret_token)
            if refusal:
                logger.warning(
                    "telegram: refused an update from %s: secret token %s",
                    request.ip,
                    "missing" if refusal == 401 else "wrong",
                )
                return response.json({"error": "missing or wrong secret token"}, status=refusal)
            return await self._screen(request, output)

        return webhook

    async def _screen(self, request: Request, output: SafeTelegramOutput) -> Optional[HTTPResponse]:
        """Answer the updates Rasa's handler shouldn't see; None lets the rest through."""
        if len(request.body) > LIMITS.body_max_bytes:
            logger.warning(
                "telegram: rejected an update from %s: body over %d bytes", request.ip, LIMITS.body_max_bytes
            )
            return response.json({"error": f"the body is larger than {LIMITS.body_max_bytes:,} bytes"}, status=413)
        reason, body = parse_json_body(request.body)
        screening = Screening(REJECT, reason) if reason else screen_update(body)
        if screening.verdict == REJECT:
            logger.warning("telegram: rejected an update from %s: %s", request.ip, screening.reason)
            return response.json({"error": screening.reason}, status=400)
        if screening.callback_query_id:
            try:
                await output.answer_callback_query(screening.callback_query_id)
            except Exception as error:  # best effort: the answer itself matters more
                logger.warning("telegram: could not acknowledge a button tap: %s", error)
        if screening.verdict == PASS:
            try:
                await output.get_me()  # Rasa's handler needs it, outside its own error handling
            except Exception as error:  # network errors come as aiogram's, aiohttp's or asyncio's
                logger.error("telegram: Bot API unreachable (%s); Telegram will retry the update", error)
                return response.json({"error": "the Bot API is unreachable; retry later"}, status=503)
            return None
        if screening.verdict == REPLY and screening.chat_id is not None and screening.reply:
            await self._send_quietly(output, screening.chat_id, screening.reply)
        logger.info(
            "telegram: %s without the bot: %s",
            "answered" if screening.verdict == REPLY else "ignored",
            screening.reason,
        )
        return response.json({"status": screening.verdict, "reason": screening.reason})

    @staticmethod
    async def _send_quietly(output: SafeTelegramOutput, chat_id: Any, text: Text) -> None:
        try:
            await output.send_message(chat_id, text)
        except Exception as error:  # best effort: nothing else can reach the user
            logger.warning("telegram: could not send a reply to chat %s: %s", chat_id, error)
