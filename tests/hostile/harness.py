"""Sending hostile requests and checking the server survived them."""

import socket
import time
from collections import Counter
from dataclasses import dataclass, field

import requests

from tests.hostile.inputs import RawRequest

ANSWER_TIMEOUT_S = 30
NORMAL_QUESTION = "how often should I exfoliate?"
FOLLOW_UP = "and a collagen mask?"


class NoAnswer(AssertionError):
    """The server dropped the connection or did not answer in time."""


def status_of(port: int, request: RawRequest, timeout: float = ANSWER_TIMEOUT_S) -> int:
    """Send the raw request on a new connection; the HTTP status of the answer."""
    data = request.data if request.send_bytes is None else request.data[: request.send_bytes]
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as sock:
        try:
            sock.sendall(data)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the server may answer and close before a large body is sent; read its answer
        received = b""
        deadline = time.monotonic() + timeout
        while b"\r\n" not in received:
            if time.monotonic() > deadline:
                raise NoAnswer(f"{request.name}: no answer within {timeout}s")
            try:
                chunk = sock.recv(4096)
            except socket.timeout:
                raise NoAnswer(f"{request.name}: no answer within {timeout}s") from None
            except ConnectionResetError:
                raise NoAnswer(f"{request.name}: connection reset without an answer") from None
            if not chunk:
                raise NoAnswer(f"{request.name}: connection closed without an answer")
            received += chunk
    status_line = received.split(b"\r\n", 1)[0].split()
    return int(status_line[1])


@dataclass
class Tally:
    """Counts of what the server answered, for the report."""

    statuses: Counter = field(default_factory=Counter)
    crashes: int = 0

    def add(self, status: int) -> None:
        self.statuses[f"{status // 100}xx"] += 1

    @property
    def tried(self) -> int:
        return sum(self.statuses.values())

    def summary(self) -> str:
        return (
            f"inputs tried {self.tried}, 2xx {self.statuses['2xx']}, 4xx {self.statuses['4xx']}, "
            f"5xx {self.statuses['5xx']}, crashes {self.crashes}"
        )


def assert_conversation_works(rest_url: str, sender: str) -> None:
    """A normal question and its follow-up are both answered with text."""
    for text in (NORMAL_QUESTION, FOLLOW_UP):
        reply = requests.post(rest_url, json={"sender": sender, "message": text}, timeout=ANSWER_TIMEOUT_S)
        assert reply.status_code == 200, (text, reply.status_code, reply.text[:300])
        assert any(message.get("text") for message in reply.json()), (text, reply.json())


def is_up(health_url: str) -> bool:
    try:
        return requests.get(health_url, timeout=ANSWER_TIMEOUT_S).status_code == 200
    except requests.RequestException:
        return False


def assert_survives(port: int, request: RawRequest, tally: Tally, health_url: str) -> int:
    """Send one hostile request: an answer below 500, and the server still answering."""
    status = status_of(port, request)
    tally.add(status)
    if not is_up(health_url):
        tally.crashes += 1
        raise AssertionError(f"{request.name}: the server stopped answering")
    assert status < 500, f"{request.name}: answered {status}"
    return status
