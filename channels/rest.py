"""Rasa's REST channel with input validation in front of it.

Same address and reply format as ``rasa.core.channels.rest.RestInput``
(``POST /webhooks/rest/webhook`` with ``{"sender": ..., "message": ...}``). What it adds:
a malformed body gets a 400 with a JSON error instead of an exception inside Rasa (a body
over the size limit a 413); an empty or over-long message gets a plain reply without running
NLU; every rejection is logged once. Nothing the tracker store cannot write gets through: the
sender, the message and the metadata must be well-formed Unicode, and the metadata is
bounded in size and depth (limits in channels/limits.yml; README, "Awkward input").
"""

import logging
from typing import Any, Awaitable, Callable, Dict, Optional, Text, Tuple

from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from rasa.core.channels.rest import RestInput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from channels.limits import load_limits
from channels.validation import is_well_formed, metadata_problem, parse_json_body, sender_problem
from texts import LANGUAGES, say, written_language

logger = logging.getLogger(__name__)

LIMITS = load_limits().rest
MAX_MESSAGE_CHARS = LIMITS.message_max_chars
MAX_SENDER_CHARS = LIMITS.sender_max_chars
DEFAULT_SENDER = "default"


def reply_language(text: str, metadata: Optional[Dict[Text, Any]]) -> str:
    """The language of a reply sent without running the assistant: the message's script, else
    the language the client reported (the web chat sends the browser's), else English."""
    reported = metadata.get("language") if metadata else None
    fallback = reported[:2].lower() if isinstance(reported, str) and reported[:2].lower() in LANGUAGES else "en"
    return written_language(text) or fallback


def empty_reply(language: str) -> str:
    return say("empty_message", language)


def too_long_reply(length: int, language: str) -> str:
    return say("too_long", language, length=f"{length:,}", limit=f"{MAX_MESSAGE_CHARS:,}")


def _bad_request(reason: Text, request: Request, status: int = 400) -> HTTPResponse:
    logger.warning("rest: rejected request from %s: %s", request.ip, reason)
    return response.json({"error": reason}, status=status)


def validate_body(body: Any) -> Tuple[Optional[Text], Optional[Dict[Text, Any]]]:
    """The reason the body is unusable (or None), and the cleaned fields."""
    if not isinstance(body, dict):
        return "the body must be a JSON object with a string `message`", None
    message, sender = body.get("message"), body.get("sender", DEFAULT_SENDER)
    metadata = body.get("metadata")
    if message is None:
        return "`message` is missing", None
    if not isinstance(message, str):
        return "`message` must be a string", None
    if not is_well_formed(message):
        return "`message` is not well-formed Unicode (it holds a lone surrogate)", None
    problem = sender_problem(sender, MAX_SENDER_CHARS) or metadata_problem(
        metadata, LIMITS.metadata_max_bytes, LIMITS.metadata_max_depth
    )
    if problem:
        return problem, None
    text = "".join(ch for ch in message if ch.isprintable() or ch in "\n\t").strip()
    return None, {"text": text, "sender": sender, "metadata": metadata}


def _direct_reply(sender: Text, text: Text) -> HTTPResponse:
    return response.json([{"recipient_id": sender, "text": text}])


class ValidatingRestInput(RestInput):
    """The REST channel, refusing what it cannot use with a clear answer."""

    @classmethod
    def name(cls) -> Text:
        return "rest"

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[None]]) -> Blueprint:
        webhook = Blueprint("validating_rest_webhook", __name__)

        @webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            if len(request.body) > LIMITS.body_max_bytes:
                return _bad_request(f"the body is larger than {LIMITS.body_max_bytes:,} bytes", request, 413)
            reason, body = parse_json_body(request.body)
            if reason:
                return _bad_request(reason, request)
            reason, fields = validate_body(body)
            if reason or fields is None:
                return _bad_request(reason or "invalid body", request)
            sender, text = fields["sender"], fields["text"]
            if not text:
                logger.info("rest: empty message from sender %s", sender)
                return _direct_reply(sender, empty_reply(reply_language(text, fields["metadata"])))
            if len(text) > MAX_MESSAGE_CHARS:
                logger.info("rest: %d-character message from sender %s", len(text), sender)
                language = reply_language(text, fields["metadata"])
                return _direct_reply(sender, too_long_reply(len(text), language))
            collector = CollectingOutputChannel()
            try:
                await on_new_message(
                    UserMessage(text, collector, sender, input_channel=self.name(), metadata=fields["metadata"])
                )
            except Exception:
                logger.exception("rest: failed to handle a message from sender %s", sender)
                return response.json({"error": "the message could not be handled; please retry"}, status=503)
            return response.json(collector.messages)

        return webhook
