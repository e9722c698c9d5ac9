"""Sanic 21.12 (as Rasa 3.6.21 and rasa_sdk 3.6.2 pin it): refuse malformed HTTP framing with
a 400, cap request sizes, and log every refused request once.

Replaces ``sanic.request.Request.__init__`` (wrapped) and ``sanic.handlers.ErrorHandler.log``,
and changes two of ``sanic.config.DEFAULT_CONFIG``; checked against Sanic 21.12.2.

Why: Sanic trusts ``Content-Length`` as ``int(value)``. ``Content-Length: -5`` leaves it
reading a body of -5 bytes forever (the event loop spins, every other request times out and
SIGTERM is never acted on); ``Content-Length: abc`` and ``Transfer-Encoding: gzip, chunked``
(no length it can use) end in a ``ValueError``/``KeyError`` and a 500. Here the request head is
checked once Sanic has split it into lines, before it reads the length: one ``Transfer-Encoding`` of exactly
``chunked`` and no
``Content-Length`` with it, or ``Content-Length`` values that are all the same plain decimal
number; anything else is a 400 naming the problem, and the connection is closed (its body is
never read). Sanic logs its 4xx answers nowhere; ``ErrorHandler.log`` here logs each one as
one warning line.

The sizes come from channels/limits.yml: ``REQUEST_MAX_SIZE`` (Sanic answers 413 before
reading a larger body) and ``REQUEST_TIMEOUT`` (408 for a request head that is never completed).
``SANIC_REQUEST_MAX_SIZE``/``SANIC_REQUEST_TIMEOUT`` in the environment still win.
"""

import logging
import re
from typing import Any, Dict, List, Optional, Text

logger = logging.getLogger(__name__)

CONTENT_LENGTH_PATTERN = re.compile(r"[0-9]{1,18}")


def framing_problem(head: bytes) -> Optional[Text]:
    """What is wrong with the body framing of a request head (request line and headers), or None."""
    values: Dict[Text, List[Text]] = {"content-length": [], "transfer-encoding": []}
    for line in head.decode("latin-1").split("\r\n")[1:]:
        name, _, value = line.partition(":")
        if name.strip().lower() in values:
            values[name.strip().lower()].append(value.strip())
    lengths, encodings = values["content-length"], values["transfer-encoding"]
    if encodings:
        if lengths:
            return "Content-Length and Transfer-Encoding must not come together"
        if len(encodings) != 1 or encodings[0].lower() != "chunked":
            return "the only Transfer-Encoding accepted is chunked"
    if any(not CONTENT_LENGTH_PATTERN.fullmatch(length) for length in lengths):
        return "Content-Length must be a non-negative decimal number"
    if len({int(length) for length in lengths}) > 1:
        return "conflicting Content-Length headers"
    return None


def checked_request_head() -> None:
    """Refuse bad framing where Sanic builds the request from the head it parsed, before it
    reads ``Content-Length``. (``Http.http1_request_header`` itself cannot be wrapped: Sanic's
    TouchUp recompiles that method from its source at start-up.) The error takes Sanic's
    own path for a head it cannot parse: a 400, then the connection is closed unread."""
    from sanic.exceptions import InvalidUsage
    from sanic.request import Request

    build_request = Request.__init__

    def __init__(
        self: Any,
        url_bytes: bytes,
        headers: Any,
        version: str,
        method: str,
        transport: Any,
        app: Any,
        head: bytes = b"",
    ) -> None:
        problem = framing_problem(head)
        if problem:
            raise InvalidUsage(f"Bad Request: {problem}")
        build_request(self, url_bytes, headers, version, method, transport, app, head)

    Request.__init__ = __init__  # type: ignore[method-assign]


def logged_refusals() -> None:
    from sanic.handlers import ErrorHandler

    log_error = ErrorHandler.log

    def log(request: Any, exception: Exception) -> None:
        status = getattr(exception, "status_code", None)
        if isinstance(status, int) and 400 <= status < 500:
            try:
                client = request.ip
            except AttributeError:  # a request Sanic made up for a head it could not parse
                client = "unknown"
            logger.warning(
                "http: refused %s %s from %s: %d %s", request.method, request.path, client, status, exception
            )
            return
        log_error(request, exception)

    ErrorHandler.log = staticmethod(log)  # type: ignore[method-assign]


def size_limits() -> None:
    from sanic.config import DEFAULT_CONFIG

    from channels.limits import load_limits

    limits = load_limits().http
    DEFAULT_CONFIG["REQUEST_MAX_SIZE"] = limits.request_max_bytes
    DEFAULT_CONFIG["REQUEST_TIMEOUT"] = limits.request_timeout_seconds
    DEFAULT_CONFIG["FALLBACK_ERROR_FORMAT"] = "json"  # Sanic's own 4xx as JSON, like the channels'


def apply() -> None:
    """All three; call before the Sanic app is created."""
    checked_request_head()
    logged_refusals()
    size_limits()
