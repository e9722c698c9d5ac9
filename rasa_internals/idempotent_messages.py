"""A message sent twice with the same ``X-Request-ID`` is handled once; the second time its
stored answer is sent again. This is what makes it safe for nginx to pass a POST that failed
on one replica to the other (``proxy_next_upstream ... non_idempotent``,
deploy/nginx.conf.template): nginx sends the same ``X-Request-ID`` both times, and a replica
that died *after* saving the turn leaves the answer in the tracker store for the retry.

Replaces, for Rasa 3.6.21 (checked against that version only):

- ``rasa.core.run.configure_app``: the Sanic app it returns also gets a request middleware
  that puts the request's ``X-Request-ID`` header (set by nginx, never trusted from a client:
  nginx overwrites it) into a context variable;
- ``rasa.core.agent.Agent.handle_message``: with a request id, the message's ``message_id`` is
  that id (stored with the ``user`` event), and inside the conversation's lock the stored
  tracker is checked for a ``user`` event with that id first. Without a request id it is
  Rasa's own method.

The check reads what the tracker store loads (the recent-events store loads the last turns,
and a retry follows its first attempt within seconds).
"""

import contextvars
import functools
import logging
from typing import Any, Callable, List, Optional, Text

from rasa.core import run
from rasa.core.agent import Agent
from rasa.core.channels.channel import UserMessage
from rasa.shared.core.events import BotUttered, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

logger = logging.getLogger(__name__)

REQUEST_ID_HEADER = "X-Request-ID"
MAX_REQUEST_ID_CHARS = 128
request_id: contextvars.ContextVar[Optional[Text]] = contextvars.ContextVar("request_id", default=None)


def stored_answers(tracker: DialogueStateTracker, message_id: Text) -> Optional[List[BotUttered]]:
    """The bot's answers to the user message ``message_id``; ``None`` if it is not stored."""
    answers: Optional[List[BotUttered]] = None
    for event in tracker.events:
        if isinstance(event, UserUttered):
            if answers is not None:
                break
            if event.message_id == message_id:
                answers = []
        elif answers is not None and isinstance(event, BotUttered):
            answers.append(event)
    return answers


async def _remember_request_id(request: Any) -> None:
    value = (request.headers.get(REQUEST_ID_HEADER) or "").strip()
    request_id.set(value[:MAX_REQUEST_ID_CHARS] or None)


def _configure_app_with_request_ids(original: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(original)
    def configure_app(*args: Any, **kwargs: Any) -> Any:
        app = original(*args, **kwargs)
        app.register_middleware(_remember_request_id, "request")
        return app

    return configure_app


def _handle_message_once(original: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(original)
    async def handle_message(self: Agent, message: UserMessage) -> Any:
        current = request_id.get()
        if current is None or not self.is_ready():
            return await original(self, message)
        message.message_id = current
        async with self.lock_store.lock(message.sender_id):
            tracker = await self.tracker_store.retrieve(message.sender_id)
            answers = stored_answers(tracker, current) if tracker else None
            if answers is None:
                return await self.processor.handle_message(message)
            logger.info(f"Request {current} of '{message.sender_id}' was handled already; sending its answer again.")
            for answer in answers:
                await message.output_channel.send_response(message.sender_id, answer.message())
            return None

    return handle_message


def apply() -> None:
    run.configure_app = _configure_app_with_request_ids(run.configure_app)
    Agent.handle_message = _handle_message_once(Agent.handle_message)
