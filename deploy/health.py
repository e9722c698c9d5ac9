"""Liveness and readiness of a Rasa replica, as an input channel (Rasa's extension point for
extra HTTP routes; it takes no messages).

- ``GET /webhooks/health/live``: 200 while the process serves HTTP. For a liveness probe: it
  checks nothing outside the process, so a database outage never restarts the replicas.
- ``GET /webhooks/health/ready``: 200 when the model is loaded and the tracker store
  (``SELECT 1``) and the lock store (``PING``) answer within 2 s, else 503; the body says which
  check failed. For a readiness probe and the balancer's readiness.

Why not the REST channel's ``GET /webhooks/rest/``: it answers 200 as soon as the server
listens, also when the model failed to load, and such a replica acknowledges every message
with an empty reply.

Enabled by a line ``deploy.health.HealthInput:`` in the credentials file (``make run-cluster``
adds it to credentials.yml; Kubernetes: docs/kubernetes.md).
"""

import asyncio
import logging
from typing import Any, Awaitable, Callable, Dict, Optional, Text

from rasa.core.channels.channel import InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

logger = logging.getLogger(__name__)

CHECK_TIMEOUT_S = 2.0


def _innermost_tracker_store(store: Any) -> Any:
    """Rasa wraps the configured store (FailSafeTrackerStore, AwaitableTrackerStore)."""
    while hasattr(store, "_tracker_store"):
        store = store._tracker_store
    return store


def _check_tracker_store(agent: Any) -> None:
    store = _innermost_tracker_store(agent.tracker_store)
    engine = getattr(store, "engine", None)
    if engine is None:
        return  # not an SQL store (the default profile's store needs no check here)
    import sqlalchemy as sa

    with engine.connect() as connection:
        connection.execute(sa.text("SELECT 1"))


def _check_lock_store(agent: Any) -> None:
    redis_client = getattr(agent.lock_store, "red", None)
    if redis_client is not None:
        redis_client.ping()


async def readiness(agent: Optional[Any]) -> Dict[Text, Text]:
    """What is not ready, by check name (an empty dict: ready)."""
    if agent is None or not agent.is_ready():
        return {"model": "not loaded"}
    problems: Dict[Text, Text] = {}
    loop = asyncio.get_running_loop()
    for name, check in (("tracker_store", _check_tracker_store), ("lock_store", _check_lock_store)):
        try:
            await asyncio.wait_for(loop.run_in_executor(None, check, agent), CHECK_TIMEOUT_S)
        except asyncio.TimeoutError:
            problems[name] = f"no answer within {CHECK_TIMEOUT_S:.0f}s"
        except Exception as error:  # any failure means "not ready"; the reason goes to the body
            problems[name] = f"{type(error).__name__}: {error}".splitlines()[0][:200]
    return problems


class HealthInput(InputChannel):
    """``/webhooks/health/live`` and ``/webhooks/health/ready``."""

    @classmethod
    def name(cls) -> Text:
        return "health"

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        health = Blueprint("replica_health", __name__)

        @health.route("/live", methods=["GET"])
        async def live(_: Request) -> HTTPResponse:
            return response.json({"status": "alive"})

        @health.route("/ready", methods=["GET"])
        async def ready(request: Request) -> HTTPResponse:
            agent = getattr(request.app.ctx, "agent", None)
            problems = await readiness(agent)
            if problems or agent is None:  # readiness() always reports a missing agent
                logger.warning("health: not ready: %s", problems)
                return response.json({"status": "not ready", "problems": problems}, status=503)
            return response.json({"status": "ready", "model_id": str(agent.model_id)})

        return health
