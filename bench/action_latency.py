"""How long the answer action itself takes, in the action server's own code path.

    python -m bench.action_latency [--rounds 20]

Runs ``ActionAnswerQuestion`` (tracker in, events and messages out, exactly as the action
server calls it) on the bench's messages, English and Korean, each round as one
conversation so follow-ups see their slots, after one warm-up round. Before each round every
cache keyed by a text is emptied (``knowledge.text_cache``), so every round times messages the
process has not seen, as a live server mostly does. Prints the median and 95th percentile in
milliseconds; ``make bench`` reports them beside the server figures.
"""

import argparse
import asyncio
import json
import statistics
import time
from typing import Any, Dict, List

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.actions import ActionAnswerQuestion
from bench.messages import MESSAGES
from knowledge.text_cache import forget_texts

KOREAN_MESSAGES = [
    "각질팩은 일주일에 몇 번 해요?",
    "보습팩은 뭐예요?",
    "출처 알려줘",
    "모공이 왜 처져요?",
    "비타민C 농도는 얼마가 좋아요?",
    "why do pores sag, and what can I put on them?",
    "where does that come from?",
]


def tracker_for(text: str, slots: Dict[str, Any]) -> Tracker:
    return Tracker.from_dict(
        {
            "sender_id": "bench",
            "slots": slots,
            "events": [],
            "paused": False,
            "followup_action": None,
            "active_loop": {},
            "latest_action_name": "action_listen",
            "latest_message": {"text": text, "intent": {"name": "ask_what_is", "confidence": 0.9}, "entities": []},
        }
    )


async def one_round(action: ActionAnswerQuestion, messages: List[str]) -> List[float]:
    forget_texts()
    slots: Dict[str, Any] = {}
    timings = []
    for text in messages:
        started = time.perf_counter()
        events = await action.run(CollectingDispatcher(), tracker_for(text, slots), {})
        timings.append((time.perf_counter() - started) * 1000)
        slots.update({event["name"]: event["value"] for event in events if event.get("event") == "slot"})
    return timings


def measure(rounds: int) -> Dict[str, float]:
    action = ActionAnswerQuestion()
    messages = MESSAGES + KOREAN_MESSAGES
    asyncio.run(one_round(action, messages))  # warm-up: store, matcher and caches loaded
    timings = [ms for _ in range(rounds) for ms in asyncio.run(one_round(action, messages))]
    return {
        "answer_action_median_ms": statistics.median(timings),
        "answer_action_p95_ms": statistics.quantiles(timings, n=20)[18],
        "answer_action_calls": float(len(timings)),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=20)
    print(json.dumps(measure(parser.parse_args().rounds), indent=1))


if __name__ == "__main__":
    main()
