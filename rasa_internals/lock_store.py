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

logger = logging.getLogger(__name__)

T = TypeVar("T")
# A ticket counter outlives any ticket by far; it only has to outlive the lock lifetime.
COUNTER_TTL_SECONDS = 24 * 3600
MAX_TRANSACTION_ATTEMPTS = 100
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
        super().__init__(**_settings(endpoint_config, kwargs))

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
            raise LockError(f"Error while acquiring lock. Error:\n{e}")

    @asynccontextmanager
    async def lock(
        self, conversation_id: Text, lock_lifetime: float = LOCK_LIFETIME, wait_time_in_seconds: float = 1,
    ) -> AsyncGenerator[TicketLock, None]:
        """Rasa's ``LockStore.lock``, waiting with :meth:`_wait_for_turn`."""
        ticket = self.issue_ticket(conversation_id, lock_lifetime)
        try:
            yield await self._wait_for_turn(conversation_id, ticket, lock_lifetime, wait_time_in_seconds)
        finally:
            self.cleanup(conversation_id, ticket)

    async def _wait_for_turn(
        self, conversation_id: Text, ticket_number: int, lock_lifetime: float, wait_time_in_seconds: float,
    ) -> TicketLock:
        """Wait until ``ticket_number`` is served, renewing it at every check."""

        def renew(lock: Optional[TicketLock], _: Any) -> Tuple[Any, Optional[TicketLock]]:
            ours = next((t for t in lock.tickets if t.number == ticket_number), None) if lock else None
            if ours is None or ours.has_expired():
                return _UNCHANGED, None
            ours.expires = time.time() + lock_lifetime
            lock.remove_expired_tickets()
            return lock, lock

        while True:
            lock = self._transaction(conversation_id, renew)
            if lock is None:  # only if we could not check for longer than the lock lifetime
                raise LockError(f"Ticket {ticket_number} for conversation '{conversation_id}' expired while waiting.")
            if not lock.is_locked(ticket_number):
                return lock
            await asyncio.sleep(wait_time_in_seconds)

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

