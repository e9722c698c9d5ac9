"""The in-process line per conversation (rasa_internals/conversation_queue.py)."""

import asyncio
import time
from typing import List

import pytest
from rasa.core.lock_store import LockError

from rasa_internals.conversation_queue import ConversationQueues, QueuedInMemoryLockStore


def test_a_burst_of_one_conversation_is_handled_one_at_a_time_in_arrival_order_without_polling() -> None:
    store = QueuedInMemoryLockStore()
    handled: List[int] = []
    busy: List[int] = []

    async def message(number: int) -> None:
        async with store.lock("burst"):
            busy.append(number)
            assert len(busy) == 1, busy
            await asyncio.sleep(0.01)
            handled.append(number)
            busy.remove(number)

    async def burst() -> float:
        began = time.monotonic()
        await asyncio.gather(*(message(number) for number in range(50)))
        return time.monotonic() - began

    seconds = asyncio.run(burst())
    assert handled == list(range(50))
    assert seconds < 2.0  # 50 × 10 ms of work; Rasa's store polled once a second per message
    assert store.queues.waiting("burst") == 0 and store.get_lock("burst") is None


def test_conversations_do_not_wait_for_each_other() -> None:
    queues = ConversationQueues()

    async def run() -> List[str]:
        order: List[str] = []

        async def hold(conversation: str, seconds: float) -> None:
            async with queues.turn(conversation, 10):
                await asyncio.sleep(seconds)
                order.append(conversation)

        await asyncio.gather(hold("slow", 0.3), hold("fast", 0.01))
        return order

    assert asyncio.run(run()) == ["fast", "slow"]


def test_a_message_behind_one_that_hangs_is_refused_after_the_lock_lifetime() -> None:
    queues = ConversationQueues()

    async def run() -> None:
        async def hang() -> None:
            async with queues.turn("stuck", 10):
                await asyncio.sleep(5)

        hanging = asyncio.create_task(hang())
        await asyncio.sleep(0.01)
        with pytest.raises(LockError):
            async with queues.turn("stuck", 0.2):
                pass
        assert queues.waiting("stuck") == 1
        hanging.cancel()

    asyncio.run(run())
