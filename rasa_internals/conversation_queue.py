"""Messages of one conversation handled one at a time, in arrival order, inside one process,
without polling; and the default profile's lock store built on it.

Replaces, for Rasa 3.6.21, the waiting in ``rasa.core.lock_store.LockStore.lock``: every
message takes a ticket and checks once every ``wait_time_in_seconds`` (1 s, and
``Agent.handle_message`` passes no other value) whether its turn has come. A burst of 50
messages from one sender thus took about a second per message (24 s median, 44 s max).
Here a message waits on an ``asyncio.Lock`` per conversation, which wakes its waiters in the
order they started waiting, the moment the previous message is done.

``QueuedInMemoryLockStore`` is ``InMemoryLockStore`` (the default profile: one Rasa process)
with that queue in front; ``lock_store.AtomicRedisLockStore`` puts the same queue in front of
Redis, so only one message per conversation and replica waits there.
"""

import asyncio
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any, AsyncGenerator, Dict, Optional, Text

from rasa.core.lock import TicketLock
from rasa.core.lock_store import LOCK_LIFETIME, InMemoryLockStore, LockError
from rasa.utils.endpoints import EndpointConfig


@dataclass
class _Line:
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    members: int = 0


class ConversationQueues:
    """One FIFO line per conversation, dropped as soon as nobody is in it."""

    def __init__(self) -> None:
        self._lines: Dict[Text, _Line] = {}

    def waiting(self, conversation_id: Text) -> int:
        """Messages of the conversation in its line, the one being handled included."""
        line = self._lines.get(conversation_id)
        return line.members if line else 0

    @asynccontextmanager
    async def turn(self, conversation_id: Text, max_wait_s: float) -> AsyncGenerator[None, None]:
        """Wait for the conversation's earlier messages; ``LockError`` after ``max_wait_s``
        (the message is refused rather than handled alongside one that hangs)."""
        line = self._lines.setdefault(conversation_id, _Line())
        line.members += 1
        try:
            try:
                await asyncio.wait_for(line.lock.acquire(), max_wait_s)
            except asyncio.TimeoutError:
                raise LockError(f"Conversation '{conversation_id}' still busy after {max_wait_s:.0f}s.") from None
            try:
                yield
            finally:
                line.lock.release()
        finally:
            line.members -= 1
            if line.members == 0:
                del self._lines[conversation_id]


class QueuedInMemoryLockStore(InMemoryLockStore):
    """``InMemoryLockStore`` whose messages wait in a ``ConversationQueues`` line, so Rasa's
    ticket is always free when it is taken (no polling). Selected in ``endpoints.yml`` with
    ``lock_store: {type: rasa_internals.conversation_queue.QueuedInMemoryLockStore}``."""

    def __init__(self, endpoint_config: Optional[EndpointConfig] = None, **_: Any) -> None:
        super().__init__()
        self.queues = ConversationQueues()

    @asynccontextmanager
    async def lock(
        self,
        conversation_id: Text,
        lock_lifetime: float = LOCK_LIFETIME,
        wait_time_in_seconds: float = 1,
    ) -> AsyncGenerator[TicketLock, None]:
        async with self.queues.turn(conversation_id, lock_lifetime):
            async with super().lock(conversation_id, lock_lifetime, wait_time_in_seconds) as ticket_lock:
                yield ticket_lock
