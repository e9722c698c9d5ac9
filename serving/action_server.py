"""The action server: rasa_sdk's app with a shared-secret check and input limits.

    python -m serving.action_server --host 127.0.0.1 --port 5055 --actions actions.actions

What it adds to ``python -m rasa_sdk``:

- it listens on ``--host`` (loopback by default; rasa_sdk listens on 0.0.0.0), and refuses to
  start on any other interface unless ``ACTION_SERVER_TOKEN`` is set;
- with ``ACTION_SERVER_TOKEN`` set, ``POST /webhook`` needs ``Authorization: Bearer <token>``
  (401 without it, 403 when wrong); Rasa sends it from the ``headers:`` of ``action_endpoint``
  in endpoints.production.yml. ``GET /health`` stays open for health checks;
- a body over ``action_server.body_max_bytes`` (channels/limits.yml) gets 413 before it is
  read, a body that is not an action call (JSON object with ``next_action`` and a tracker
  whose ``sender_id`` and latest message are strings) a 400, and a latest message over
  ``action_server.message_max_chars`` a 413, so no forged tracker costs the others seconds;
- an action that fails gets a 500 that names no part of the request (rasa_sdk's own handler
  echoes the whole body back).
"""

import argparse
import hmac
import importlib
import ipaddress
import logging
import os
import sys
from typing import List, Optional, Text

from jsonschema import Draft7Validator
from sanic import Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse

import rasa_internals
from channels.limits import load_limits
from channels.validation import parse_json_body

logger = logging.getLogger(__name__)

TOKEN_VARIABLE = "ACTION_SERVER_TOKEN"
WEBHOOK_PATH = "/webhook"
# The parts of an action call that rasa_sdk's executor reads without checking.
ACTION_CALL_SCHEMA = {
    "type": "object",
    "required": ["next_action", "tracker"],
    "properties": {
        "next_action": {"type": "string", "maxLength": 200},
        "tracker": {
            "type": "object",
            "required": ["sender_id"],
            "properties": {
                "sender_id": {"type": "string"},
                "slots": {"type": "object"},
                "events": {"type": "array", "items": {"type": "object"}},
                "latest_message": {
                    "type": "object",
                    "properties": {
                        "text": {"type": ["string", "null"]},
                        "intent": {"type": "object"},
                        "entities": {"type": "array", "items": {"type": "object"}},
                    },
                },
            },
        },
        "domain": {"type": ["object", "null"]},
    },
}
ACTION_CALL_VALIDATOR = Draft7Validator(ACTION_CALL_SCHEMA)


class StartupError(Exception):
    """The server would be reachable from other machines without a token."""


def is_loopback(host: Text) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def token_refusal(authorization: Optional[Text], token: Text) -> Optional[int]:
    """401 without a bearer token, 403 with a wrong one, None when it matches."""
    scheme, _, given = (authorization or "").partition(" ")
    if scheme.lower() != "bearer" or not given.strip():
        return 401
    if not hmac.compare_digest(given.strip().encode("utf-8"), token.encode("utf-8")):
        return 403
    return None


def action_call_problem(body: bytes, message_max_chars: int) -> Optional[Text]:
    """Why ``body`` is not an action call this server runs (None when it is)."""
    reason, call = parse_json_body(body)
    if reason:
        return reason
    error = next(iter(ACTION_CALL_VALIDATOR.iter_errors(call)), None)
    if error is not None:
        where = "/".join(str(part) for part in error.absolute_path) or "the body"
        return f"not an action call: {where} is invalid ({error.validator})"
    text = (call["tracker"].get("latest_message") or {}).get("text") or ""
    if len(text) > message_max_chars:
        return f"the latest message is longer than {message_max_chars:,} characters"
    return None


def _refuse(request: Request, status: int, reason: Text) -> HTTPResponse:
    logger.warning(
        "action server: refused %s %s from %s: %d %s", request.method, request.path, request.ip, status, reason
    )
    return response.json({"error": reason}, status=status)


# thinc (under spaCy) imports h5py only to read and write HDF5 model files; the actions' blank
# spaCy pipeline never does, and the import was 11 MB of the action server's ~150 MB peak.
UNUSED_BY_THE_ACTIONS = ("h5py",)


def leave_out_unused_imports() -> None:
    """Make ``import h5py`` raise ImportError, which thinc takes as "not installed" (it imports
    it in a try block). A package already imported is left as it is."""
    for package in UNUSED_BY_THE_ACTIONS:
        sys.modules.setdefault(package, None)  # type: ignore[arg-type]


def create_app(actions_module: Text, token: Text) -> Sanic:
    """rasa_sdk's app with the checks above in front of its webhook."""
    from rasa_sdk.endpoint import create_app as create_sdk_app

    limits = load_limits().action_server
    app = create_sdk_app(actions_module, cors_origins="")
    warm_up = getattr(importlib.import_module(actions_module), "warm_up", None)
    if callable(warm_up):
        warm_up()  # a module's `warm_up()`: whatever its first call would build, built now
    app.config.REQUEST_MAX_SIZE = limits.body_max_bytes

    @app.middleware("request")
    async def guard(request: Request) -> Optional[HTTPResponse]:
        if request.path.rstrip("/") != WEBHOOK_PATH:
            return None
        if token:
            refusal = token_refusal(request.headers.get("authorization"), token)
            if refusal:
                return _refuse(request, refusal, "missing or wrong action server token")
        problem = action_call_problem(request.body, limits.message_max_chars)
        if problem:
            status = 413 if problem.startswith("the latest message is longer") else 400
            return _refuse(request, status, problem)
        return None

    async def failed(request: Request, exception: Exception) -> HTTPResponse:
        status = getattr(exception, "status_code", 500)
        if isinstance(status, int) and 400 <= status < 500:
            return response.json({"error": str(exception)}, status=status)
        logger.error("action server: %s %s failed", request.method, request.path, exc_info=exception)
        return response.json({"error": "the action failed"}, status=500)

    app.error_handler.add(Exception, failed)
    return app


def parse_args(argv: Optional[List[Text]]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="The action server, with a token check and input limits.")
    parser.add_argument("--host", default="127.0.0.1", help="interface to listen on (default: loopback only)")
    parser.add_argument("--port", type=int, default=5055)
    parser.add_argument("--actions", default="actions.actions", help="module with the actions")
    return parser.parse_args(argv)


def check_exposure(host: Text, token: Text) -> None:
    if not token and not is_loopback(host):
        raise StartupError(f"listening on {host} needs {TOKEN_VARIABLE}: anyone who reaches it could run actions")


def main(argv: Optional[List[Text]] = None) -> None:
    args = parse_args(argv)
    token = os.environ.get(TOKEN_VARIABLE, "").strip()
    try:
        check_exposure(args.host, token)
    except StartupError as error:
        sys.exit(f"serving.action_server: {error}")
    from rasa_sdk import utils

    utils.configure_colored_logging("INFO")
    utils.update_sanic_log_level()
    if rasa_internals.enabled("sanic_http_framing"):
        from rasa_internals import http_framing

        http_framing.apply()
    leave_out_unused_imports()
    app = create_app(args.actions, token)
    logger.info("action server on http://%s:%d (token %s)", args.host, args.port, "required" if token else "off")
    app.run(args.host, args.port, workers=utils.number_of_sanic_workers(), access_log=False)


if __name__ == "__main__":
    main()
