"""A Redis lock store whose ticket operations are atomic across Rasa replicas.

Rasa 3.6's ``RedisLockStore`` changes a conversation's ticket lock with a plain GET, an
in-process change and a SET. Two replicas that receive a message for the same conversation
at the same instant both read "no lock", both issue ticket 0, both believe they hold the
lock and both handle their message at once. The SQL tracker store saves "the events beyond
the number already stored", so the later save skips as many of its own events as the first
one stored: one user message is dropped, although both got an answer. Measured
here with two replicas: 5 of 10 simultaneous pairs lost a message.

This subclass keeps Rasa's ticket-lock algorithm and its storage format (a serialised
``TicketLock`` under ``<prefix>lock:<conversation id>``) but performs every
read-modify-write of a lock inside a Redis ``WATCH``/``MULTI`` transaction, retried when
another replica changed the lock in between. Ticket numbers come from a per-conversation
counter in the same transaction, so a number is never handed out twice, even after a
crashed replica's ticket expired. It is selected in ``endpoints.production.yml`` with
``type: rasa_internals.lock_store.AtomicRedisLockStore`` and takes the same settings as
``type: redis``; values read from environment variables arrive as strings and are
converted here.

It also keeps a *waiting* ticket alive. Rasa lets every ticket expire after the lock
lifetime, whether its replica is dead or still waiting its turn. A message that arrives just
after a replica died holding the conversation's lock gets a ticket with the same lifetime a
moment later; when both have expired before the waiting replica looks again (it looks once a
second), its own ticket is gone and Rasa waits for it forever (the cluster test that kills a
replica under load caught this). Here a replica renews its ticket each time it checks whether
its turn has come, so only the tickets of replicas that stopped checking — dead ones — expire.

Faster turns and failover (issue 12; checked against Rasa 3.6.21):

- messages of one conversation on one replica first wait in an in-process line
  (``conversation_queue.ConversationQueues``, arrival order, no polling), so at most one of
  them per replica waits in Redis; that one checks every ``poll_interval_seconds`` (0.05 s,
  instead of Rasa's 1 s);
- a ticket is a *lease* of ``lease_seconds`` (3 s), renewed while its message waits and,
  every third of the lease, while it is handled (up to the lock lifetime,
  ``TICKET_LOCK_LIFETIME``, which still bounds how long one message may hold a conversation).
  A replica that dies holding a conversation thus blocks it for at most the lease, not the
  whole lock lifetime.
"""

import asyncio
import json
import logging
import time
from contextlib import asynccontextmanager
from typing import Any, AsyncGenerator, Callable, Dict, Optional, Text, Tuple, TypeVar

from rasa.core.lock import Ticket, TicketLock
from rasa.core.lock_store import LOCK_LIFETIME, LockError, RedisLockStore
from rasa.utils.endpoints import EndpointConfig

from rasa_internals.conversation_queue import ConversationQueues

logger = logging.getLogger(__name__)

T = TypeVar("T")
# A ticket counter outlives any ticket by far; it only has to outlive the lock lifetime.
COUNTER_TTL_SECONDS = 24 * 3600
MAX_TRANSACTION_ATTEMPTS = 100
DEFAULT_LEASE_SECONDS = 3.0
DEFAULT_POLL_INTERVAL_SECONDS = 0.05
_DELETE = object()
_UNCHANGED = object()


def _as_bool(value: Any) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in ("1", "true", "yes", "on")
    return bool(value)


def _settings(endpoint_config: Optional[EndpointConfig], kwargs: Dict[Text, Any]) -> Dict[Text, Any]:
    settings = dict(kwargs)
    if endpoint_config is not None:
        settings = {"host": endpoint_config.url or "localhost", **endpoint_config.kwargs, **settings}
    for key in ("use_ssl",):
        if key in settings:
            settings[key] = _as_bool(settings[key])
    if "socket_timeout" in settings:
        settings["socket_timeout"] = float(settings["socket_timeout"])
    for key in ("username", "password", "ssl_certfile", "ssl_keyfile", "ssl_ca_certs", "key_prefix"):
        if settings.get(key) == "":
            settings[key] = None  # an empty environment variable means "not set"
    return settings


class AtomicRedisLockStore(RedisLockStore):
    """``RedisLockStore`` with atomic ticket issue, expiry clean-up and release."""

    def __init__(self, endpoint_config: Optional[EndpointConfig] = None, **kwargs: Any) -> None:
        settings = _settings(endpoint_config, kwargs)
        self.lease_seconds = float(settings.pop("lease_seconds", None) or DEFAULT_LEASE_SECONDS)
        self.poll_interval_seconds = float(settings.pop("poll_interval_seconds", None) or DEFAULT_POLL_INTERVAL_SECONDS)
        self.queues = ConversationQueues()
        super().__init__(**settings)

    def _key(self, conversation_id: Text) -> Text:
        return self.key_prefix + conversation_id

    def _counter_key(self, conversation_id: Text) -> Text:
        # "<prefix>lockseq:<id>", beside "<prefix>lock:<id>", so no conversation id can collide.
        return self.key_prefix[: -len("lock:")] + "lockseq:" + conversation_id

    def _transaction(
        self,
        conversation_id: Text,
        change: Callable[[Optional[TicketLock], Any], Tuple[Any, T]],
        with_counter: bool = False,
    ) -> T:
        """Run ``change(lock, last ticket number or None)`` and write its result atomically.

        ``change`` returns ``(new_lock | _DELETE | _UNCHANGED, result)``. The write happens
        only if neither the lock nor its counter changed since they were read; otherwise the
        whole read-change-write is retried.
        """
        import redis

        key, counter_key = self._key(conversation_id), self._counter_key(conversation_id)
        with self.red.pipeline() as pipe:
            for _ in range(MAX_TRANSACTION_ATTEMPTS):
                try:
                    pipe.watch(key, counter_key) if with_counter else pipe.watch(key)
                    raw = pipe.get(key)
                    lock = TicketLock.from_dict(json.loads(raw)) if raw else None
                    context = int(pipe.get(counter_key) or -1) if with_counter else None
                    new_lock, result = change(lock, context)
                    pipe.multi()
                    if new_lock is _DELETE:
                        pipe.delete(key)
                    elif new_lock is not _UNCHANGED:
                        pipe.set(key, new_lock.dumps())
                    if with_counter:
                        pipe.set(counter_key, result, ex=COUNTER_TTL_SECONDS)
                    pipe.execute()
                    return result
                except redis.WatchError:
                    continue
                finally:
                    pipe.reset()
        raise LockError(f"Lock for conversation '{conversation_id}' kept changing; gave up.")

    def issue_ticket(self, conversation_id: Text, lock_lifetime: float = LOCK_LIFETIME) -> int:
        """Append a ticket with a never-reused number to the conversation's lock."""

        def issue(lock: Optional[TicketLock], last_number: int) -> Tuple[TicketLock, int]:
            lock = lock or self.create_lock(conversation_id)
            lock.remove_expired_tickets()
            number = max(last_number, lock.last_issued) + 1
            lock.tickets.append(Ticket(number, time.time() + lock_lifetime))
            return lock, number

        logger.debug(f"Issuing ticket for conversation '{conversation_id}'.")
        try:
            return self._transaction(conversation_id, issue, with_counter=True)
        except LockError:
            raise
        except Exception as e:
            raise LockError(f"Error while acquiring lock. Error:\n{e}") from e

    @asynccontextmanager
    async def lock(
        self,
        conversation_id: Text,
        lock_lifetime: float = LOCK_LIFETIME,
        wait_time_in_seconds: float = 1,
    ) -> AsyncGenerator[TicketLock, None]:
        """Rasa's ``LockStore.lock`` behind this replica's line for the conversation, with a
        leased ticket checked every ``poll_interval_seconds`` (``wait_time_in_seconds``, which
        Rasa always leaves at 1 s, is not used)."""
        lease = min(self.lease_seconds, lock_lifetime)
        async with self.queues.turn(conversation_id, lock_lifetime):
            ticket = self.issue_ticket(conversation_id, lease)
            keep_alive: Optional["asyncio.Task[None]"] = None
            try:
                lock = await self._wait_for_turn(conversation_id, ticket, lease, self.poll_interval_seconds)
                keep_alive = asyncio.create_task(self._keep_alive(conversation_id, ticket, lease, lock_lifetime))
                yield lock
            finally:
                if keep_alive is not None:
                    keep_alive.cancel()
                self.cleanup(conversation_id, ticket)

    async def _keep_alive(self, conversation_id: Text, ticket_number: int, lease: float, lock_lifetime: float) -> None:
        """Renew the held ticket every third of the lease, for at most the lock lifetime."""
        deadline = time.monotonic() + lock_lifetime
        while time.monotonic() + lease / 3 < deadline:
            await asyncio.sleep(lease / 3)
            if self._transaction(conversation_id, self._renewal(ticket_number, lease)) is None:
                logger.warning(f"Ticket {ticket_number} of conversation '{conversation_id}' expired while held.")
                return

    @staticmethod
    def _renewal(
        ticket_number: int, lease: float
    ) -> Callable[[Optional[TicketLock], Any], Tuple[Any, Optional[TicketLock]]]:
        """A transaction step: extend our ticket by ``lease`` (``None`` when it is gone)."""

        def renew(lock: Optional[TicketLock], _: Any) -> Tuple[Any, Optional[TicketLock]]:
            if lock is None:
                return _UNCHANGED, None
            ours = next((t for t in lock.tickets if t.number == ticket_number), None)
            if ours is None or ours.has_expired():
                return _UNCHANGED, None
            ours.expires = time.time() + lease
            lock.remove_expired_tickets()
            return lock, lock

        return renew

    async def _wait_for_turn(
        self,
        conversation_id: Text,
        ticket_number: int,
        lease: float,
        poll_interval: float,
    ) -> TicketLock:
        """Wait until ``ticket_number`` is served, renewing its lease at every check."""
        renew = self._renewal(ticket_number, lease)
        while True:
            lock = self._transaction(conversation_id, renew)
            if lock is None:  # only if we could not check for longer than the lease
                raise LockError(f"Ticket {ticket_number} for conversation '{conversation_id}' expired while waiting.")
            if not lock.is_locked(ticket_number):
                return lock
            await asyncio.sleep(poll_interval)

    def finish_serving(self, conversation_id: Text, ticket_number: int) -> None:
        self.cleanup(conversation_id, ticket_number)

    def cleanup(self, conversation_id: Text, ticket_number: int) -> None:
        """Remove our ticket; delete the lock in the same step when nobody else waits."""

        def release(lock: Optional[TicketLock], _: Any) -> Tuple[Any, None]:
            if lock is None:
                return _UNCHANGED, None
            lock.remove_ticket_for(ticket_number)
            return (lock if lock.is_someone_waiting() else _DELETE), None

        self._transaction(conversation_id, release)
