"""A burst of one sender's messages, sent in a known order (the supervision and cluster tests)."""

import threading
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Callable, List, Tuple

import requests

# Each message leaves this long after the one before it started: fixed offsets from a common
# start let a late thread overtake on a busy machine, and the server must see them in order.
GAP_S = 0.03


def send_burst(count: int, send_one: Callable[[int], requests.Response]) -> Tuple[float, List[requests.Response]]:
    """``send_one(0 .. count-1)`` from ``count`` threads, in that order, ``GAP_S`` apart; the
    seconds until the last answer, and the responses in the order sent."""
    started = [threading.Event() for _ in range(count)]

    def send(number: int) -> requests.Response:
        if number:
            started[number - 1].wait()
            time.sleep(GAP_S)
        started[number].set()
        return send_one(number)

    began = time.monotonic()
    with ThreadPoolExecutor(max_workers=count) as pool:
        responses = list(pool.map(send, range(count)))
    return time.monotonic() - began, responses
