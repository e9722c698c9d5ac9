"""Start one Rasa server of the production profile: ``rasa run`` with the HTTP API off,
or on and protected, never open.

    python -m deploy.rasa_server [rasa run options ...]

takes the same options as ``rasa run`` except the API ones, which come from the environment
only, so that no secret appears on a command line (``ps`` shows command lines to every user):

- neither ``RASA_API_TOKEN`` nor ``RASA_JWT_SECRET`` set (or both empty): the HTTP API is off;
  the server answers only ``GET /`` (liveness) and the REST channel under ``/webhooks/rest/``;
- ``RASA_API_TOKEN``: ``--enable-api --auth-token <token>``; API calls need ``?token=<token>``;
- ``RASA_JWT_SECRET`` (and ``RASA_JWT_METHOD``, default HS256): ``--enable-api --jwt-secret``;
  API calls need ``Authorization: Bearer <JWT>``.

Rasa's own ``--enable-api`` without a token or JWT serves the API to anyone; this wrapper
refuses API options on its command line and secrets shorter than 16 characters.

It also turns off Rasa's silent fallback to an in-memory tracker store (see
``fail_instead_of_forgetting``), handles a message that nginx retries on this replica once
(``rasa_internals.idempotent_messages``: same ``X-Request-ID``, same answer), and starts Rasa lean the way
``make run`` does
(``serving.run_rasa.prepare``: the profiled fixes, and no TensorFlow for a model without it).
"""

import logging
import os
import sys
from typing import Any, List, Mapping, Sequence

from serving import run_rasa

logger = logging.getLogger(__name__)

API_OPTIONS = ("--enable-api", "--auth-token", "-t", "--jwt-secret", "--jwt-private-key", "--jwt-method")
MIN_SECRET_CHARS = 16


class ConfigurationError(Exception):
    """The API settings would leave the API open or are unusable."""


def rasa_run_argv(options: Sequence[str], env: Mapping[str, str]) -> List[str]:
    """``sys.argv`` for ``rasa run`` with ``options`` and the API settings from ``env``."""
    for option in options:
        name = option.split("=", 1)[0]
        if name in API_OPTIONS or (name.startswith("-t") and not name.startswith("--")):
            raise ConfigurationError(
                f"{name} is not accepted on the command line: set RASA_API_TOKEN or "
                "RASA_JWT_SECRET in the environment to turn the API on"
            )
    token = (env.get("RASA_API_TOKEN") or "").strip()
    jwt_secret = (env.get("RASA_JWT_SECRET") or "").strip()
    for name, value in (("RASA_API_TOKEN", token), ("RASA_JWT_SECRET", jwt_secret)):
        if value and len(value) < MIN_SECRET_CHARS:
            raise ConfigurationError(f"{name} must be at least {MIN_SECRET_CHARS} characters long")
    argv = ["rasa", "run", *options]
    if token or jwt_secret:
        argv.append("--enable-api")
    if token:
        argv += ["--auth-token", token]
    if jwt_secret:
        argv += ["--jwt-secret", jwt_secret, "--jwt-method", (env.get("RASA_JWT_METHOD") or "HS256").strip()]
    return argv


def api_mode(env: Mapping[str, str]) -> str:
    """How the API is exposed, for logs: "off", "token" or "jwt" (never the secret)."""
    modes = [
        name for name, var in (("token", "RASA_API_TOKEN"), ("jwt", "RASA_JWT_SECRET")) if (env.get(var) or "").strip()
    ]
    return "+".join(modes) or "off"


class TrackerStoreUnavailable(Exception):
    """The tracker store failed; the message is refused rather than half-remembered."""


def fail_instead_of_forgetting() -> None:
    """Make a tracker store error fail the message (the REST channel answers 503, "please
    retry") instead of Rasa's default.

    Rasa wraps every tracker store in ``FailSafeTrackerStore``: when PostgreSQL fails, a
    failed read returns "no conversation" (the turn starts a fresh tracker, context lost, and
    its events are then skipped by the SQL store's next save) and a failed write goes to an
    in-memory store inside that one replica. Either way the user gets an answer for a turn
    that no other replica, and no restart, will ever see. With several replicas a refused
    message is the only honest outcome: the client retries, nothing acknowledged is lost.
    """
    from rasa.core.tracker_store import FailSafeTrackerStore

    def raise_error(self: Any, error: Exception) -> None:
        logger.error("tracker store %s failed; refusing the message: %s", type(self._tracker_store).__name__, error)
        raise TrackerStoreUnavailable(f"tracker store failed: {error}") from error

    FailSafeTrackerStore.on_tracker_store_error = raise_error
    FailSafeTrackerStore.on_tracker_store_retrieve_error = raise_error


def main() -> None:
    try:
        sys.argv = rasa_run_argv(sys.argv[1:], os.environ)
    except ConfigurationError as error:
        sys.exit(f"deploy.rasa_server: {error}")
    run_rasa.prepare(sys.argv[1:])
    fail_instead_of_forgetting()
    from rasa_internals import idempotent_messages  # imports Rasa: only after prepare()

    idempotent_messages.apply()
    from rasa.__main__ import main as rasa_main

    rasa_main()


if __name__ == "__main__":
    main()
