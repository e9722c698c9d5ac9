"""A small HTTP/1.1 load generator for Rasa's REST channel: raw asyncio sockets, TCP_NODELAY.

Every virtual user keeps one keep-alive connection. All loops are bounded by a deadline and a
message cap, and only ever talk to the loopback address they are given.
"""

import asyncio
import json
import socket
import time
import uuid
from dataclasses import dataclass, field
from typing import List, Optional, Sequence, Tuple

REQUEST_TIMEOUT_S = 60.0


class HttpConnection:
    """One keep-alive connection that POSTs JSON and reads Content-Length responses."""

    def __init__(self, host: str, port: int) -> None:
        if host not in ("127.0.0.1", "localhost", "::1"):
            raise ValueError("the load generator only talks to loopback")
        self.host, self.port = host, port
        self.reader: Optional[asyncio.StreamReader] = None
        self.writer: Optional[asyncio.StreamWriter] = None

    async def _open(self) -> None:
        self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        sock = self.writer.get_extra_info("socket")
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    async def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
            try:
                await self.writer.wait_closed()
            except (ConnectionError, OSError):
                pass
        self.reader = self.writer = None

    async def _exchange(self, request: bytes) -> Tuple[int, bytes]:
        assert self.reader is not None and self.writer is not None
        self.writer.write(request)
        await self.writer.drain()
        status_line = await self.reader.readline()
        if not status_line:
            raise ConnectionResetError("server closed the connection")
        status = int(status_line.split()[1])
        length, close = 0, False
        while True:
            line = await self.reader.readline()
            if line in (b"\r\n", b"\n", b""):
                break
            name, _, value = line.decode("latin-1").partition(":")
            name = name.strip().lower()
            if name == "content-length":
                length = int(value.strip())
            elif name == "connection" and value.strip().lower() == "close":
                close = True
        body = await self.reader.readexactly(length) if length else b""
        if close:
            await self.close()
        return status, body

    async def post_json(self, path: str, payload: dict) -> Tuple[int, bytes]:
        body = json.dumps(payload).encode("utf-8")
        request = (
            f"POST {path} HTTP/1.1\r\nHost: {self.host}:{self.port}\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(body)}\r\nConnection: keep-alive\r\n\r\n"
        ).encode("latin-1") + body
        for attempt in range(2):
            if self.writer is None:
                await self._open()
            try:
                return await asyncio.wait_for(self._exchange(request), REQUEST_TIMEOUT_S)
            except (ConnectionResetError, asyncio.IncompleteReadError, BrokenPipeError) as error:
                # An idle keep-alive connection the server closed: nothing was processed.
                await self.close()
                if attempt == 1:
                    raise error
        raise AssertionError("unreachable")


@dataclass
class Sample:
    start: float  # seconds since the phase started
    latency: float  # seconds
    turn: int  # 1-based turn number within its conversation
    ok: bool


@dataclass
class PhaseResult:
    users: int
    duration_s: float
    warmup_s: float
    samples: List[Sample] = field(default_factory=list)

    def measured(self) -> List[Sample]:
        end = self.duration_s
        return [s for s in self.samples if s.start >= self.warmup_s and s.start + s.latency <= end]

    @property
    def throughput(self) -> float:
        ok = [s for s in self.measured() if s.ok]
        return len(ok) / max(self.duration_s - self.warmup_s, 1e-9)

    @property
    def errors(self) -> int:
        return sum(1 for s in self.samples if not s.ok)


async def _send(conn: HttpConnection, sender: str, text: str) -> bool:
    try:
        status, body = await conn.post_json("/webhooks/rest/webhook", {"sender": sender, "message": text})
    except (OSError, asyncio.TimeoutError, asyncio.IncompleteReadError, ValueError):
        await conn.close()
        return False
    return status == 200 and body.startswith(b"[")


async def closed_loop(
    port: int,
    users: int,
    duration_s: float,
    warmup_s: float,
    messages: Sequence[str],
    turns_per_conversation: int = 5,
    max_messages: int = 20000,
    tag: str = "load",
) -> PhaseResult:
    """``users`` users, each holding fresh ``turns_per_conversation``-turn conversations
    back to back until the deadline (or until ``max_messages`` in all)."""
    result = PhaseResult(users, duration_s, warmup_s)
    t0 = time.perf_counter()
    deadline = t0 + duration_s
    sent = 0

    async def user(index: int) -> None:
        nonlocal sent
        conn = HttpConnection("127.0.0.1", port)
        conversation = 0
        try:
            while time.perf_counter() < deadline and sent < max_messages:
                sender = f"{tag}-{index}-{conversation}-{uuid.uuid4().hex[:6]}"
                offset = (index + conversation) % len(messages)
                for turn in range(turns_per_conversation):
                    if time.perf_counter() >= deadline or sent >= max_messages:
                        break
                    sent += 1
                    start = time.perf_counter()
                    ok = await _send(conn, sender, messages[(offset + turn) % len(messages)])
                    result.samples.append(Sample(start - t0, time.perf_counter() - start, turn + 1, ok))
                conversation += 1
        finally:
            await conn.close()

    await asyncio.gather(*(user(i) for i in range(users)))
    return result


async def long_conversation(port: int, turns: int, messages: Sequence[str], tag: str = "long") -> List[Sample]:
    """One user, one conversation of ``turns`` messages, one after the other."""
    conn = HttpConnection("127.0.0.1", port)
    sender = f"{tag}-{uuid.uuid4().hex[:8]}"
    samples = []
    t0 = time.perf_counter()
    try:
        for turn in range(turns):
            start = time.perf_counter()
            ok = await _send(conn, sender, messages[turn % len(messages)])
            samples.append(Sample(start - t0, time.perf_counter() - start, turn + 1, ok))
    finally:
        await conn.close()
    return samples


async def first_answer(port: int, message: str, deadline: float, poll_s: float = 0.25) -> bool:
    """Sends ``message`` until it gets an answer (the server is up) or the deadline passes."""
    while time.monotonic() < deadline:
        conn = HttpConnection("127.0.0.1", port)
        try:
            status, body = await asyncio.wait_for(
                conn.post_json(
                    "/webhooks/rest/webhook", {"sender": f"cold-{uuid.uuid4().hex[:8]}", "message": message}
                ),
                30,
            )
            if status == 200 and body.startswith(b"[") and len(body) > 2:
                return True
        except (OSError, asyncio.TimeoutError, asyncio.IncompleteReadError, ValueError):
            pass
        finally:
            await conn.close()
        await asyncio.sleep(poll_s)
    return False
