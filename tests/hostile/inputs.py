"""The hostile inputs: every case of issue 12 by name, and generators for many more.

Each named case is raw bytes sent on a fresh connection, so malformed HTTP reaches the
server exactly as written. ``PROBES`` is how many body bytes to send of a body whose
declared size is over the limit: the server must answer before the rest is sent.
"""

import json
from dataclasses import dataclass
from typing import Any, Dict, List, Optional

from hypothesis import strategies as st

WEBHOOK = "/webhooks/rest/webhook"
ACTION_WEBHOOK = "/webhook"


@dataclass(frozen=True)
class RawRequest:
    name: str
    data: bytes
    # Send only this many bytes (a client announcing a huge body); None: all of it.
    send_bytes: Optional[int] = None


def post(
    path: str, body: bytes, headers: Optional[Dict[str, str]] = None, content_length: Optional[str] = None
) -> bytes:
    headers = headers or {}
    lines = [
        f"POST {path} HTTP/1.1",
        "Host: 127.0.0.1",
        "Content-Type: application/json",
        *(f"{name}: {value}" for name, value in headers.items()),
    ]
    lines.append(f"Content-Length: {len(body) if content_length is None else content_length}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body


def rest(body: bytes, **kwargs: Any) -> bytes:
    return post(WEBHOOK, body, **kwargs)


def nested(depth: int) -> bytes:
    return b'{"a":' * depth + b"1" + b"}" * depth


def head_only(path: str, headers: List[str]) -> bytes:
    return ("\r\n".join([f"POST {path} HTTP/1.1", "Host: 127.0.0.1", *headers]) + "\r\n\r\n").encode("latin-1")


def rest_cases() -> List[RawRequest]:
    """Every input named in issue 12 (and its neighbours), against the REST channel."""
    five_mb_metadata = b'{"sender":"big","message":"hi","metadata":{"x":"' + b"a" * 5_000_000 + b'"}}'
    return [
        RawRequest("sender with \\ud800", rest(b'{"sender":"x\\ud800","message":"hi"}')),
        RawRequest("sender with raw ED A0 80", rest(b'{"sender":"x\xed\xa0\x80","message":"hi"}')),
        RawRequest("sender with \\udc80", rest(b'{"sender":"x\\udc80","message":"hi"}')),
        RawRequest("sender with NUL", rest(b'{"sender":"x\\u0000y","message":"hi"}')),
        RawRequest("sender with a newline", rest(b'{"sender":"x\\ny","message":"hi"}')),
        RawRequest("sender of 10,000 characters", rest(json.dumps({"sender": "s" * 10_000, "message": "hi"}).encode())),
        RawRequest("message with \\ud800", rest(b'{"sender":"m1","message":"hi \\ud800"}')),
        RawRequest(
            "message with raw F4 90 80 80 (beyond U+10FFFF)", rest(b'{"sender":"m2","message":"hi \xf4\x90\x80\x80"}')
        ),
        RawRequest(
            "message of 100,000 characters", rest(json.dumps({"sender": "m3", "message": "pores " * 10_000}).encode())
        ),
        RawRequest("message with NUL", rest(b'{"sender":"m4","message":"how often\\u0000 should I exfoliate?"}')),
        RawRequest(
            "metadata nested 600 levels", rest(b'{"sender":"n","message":"hi","metadata":' + nested(600) + b"}")
        ),
        RawRequest("body nested 100,000 levels", rest(b'{"sender":"n2","message":"hi","x":' + nested(100_000) + b"}")),
        RawRequest("metadata of 5 MB", rest(five_mb_metadata), send_bytes=4096),
        RawRequest(
            "metadata of 60 KB",
            rest(json.dumps({"sender": "m5", "message": "hi", "metadata": {"x": "a" * 60_000}}).encode()),
        ),
        RawRequest("metadata not an object", rest(b'{"sender":"m6","message":"hi","metadata":[1,2]}')),
        RawRequest("body not JSON", rest(b"hello")),
        RawRequest("body a JSON array", rest(b"[1, 2]")),
        RawRequest("message missing", rest(b'{"sender":"m7"}')),
        RawRequest("Content-Length: -5", rest(b'{"sender":"c1","message":"hi"}', content_length="-5")),
        RawRequest("Content-Length: abc", rest(b'{"sender":"c2","message":"hi"}', content_length="abc")),
        RawRequest("Content-Length: +5", rest(b"{}", content_length="+2")),
        RawRequest("Content-Length: 1_0", rest(b"{}", content_length="1_0")),
        RawRequest("two different Content-Length headers", rest(b"{}", headers={"Content-Length": "7"})),
        RawRequest(
            "Transfer-Encoding: gzip, chunked",
            head_only(WEBHOOK, ["Transfer-Encoding: gzip, chunked"]) + b"5\r\nhello\r\n0\r\n\r\n",
        ),
        RawRequest(
            "Transfer-Encoding: chunked with Content-Length",
            head_only(WEBHOOK, ["Transfer-Encoding: chunked", "Content-Length: 5"]) + b"5\r\nhello\r\n0\r\n\r\n",
        ),
        RawRequest("Transfer-Encoding: identity", head_only(WEBHOOK, ["Transfer-Encoding: identity"]) + b"{}"),
        RawRequest(
            "chunk size not hexadecimal",
            head_only(WEBHOOK, ["Transfer-Encoding: chunked"]) + b"zz\r\nhello\r\n0\r\n\r\n",
        ),
        RawRequest(
            "body of 20 MB announced",
            head_only(WEBHOOK, ["Content-Type: application/json", "Content-Length: 20000000"]) + b"{",
            send_bytes=None,
        ),
        RawRequest("request line garbage", b"\x00\xff GARBAGE\r\n\r\n"),
        RawRequest("header without a colon", head_only(WEBHOOK, ["Content-Length: 2", "NoColonHere"]) + b"{}"),
        RawRequest("Expect: something-else", head_only(WEBHOOK, ["Expect: telepathy", "Content-Length: 2"]) + b"{}"),
    ]


def action_server_cases(token: Optional[str]) -> List[RawRequest]:
    """Forged calls to the action server: no or a wrong token, a malformed or huge tracker."""

    def call(text: str) -> bytes:
        return json.dumps(
            {
                "next_action": "action_answer_question",
                "version": "3.6.21",
                "domain": {},
                "tracker": {
                    "sender_id": "forged",
                    "slots": {},
                    "events": [],
                    "latest_message": {"text": text, "intent": {}, "entities": []},
                },
            }
        ).encode()

    auth = {"Authorization": f"Bearer {token}"} if token else {}
    cases = [
        RawRequest(
            "action call with a 1 MB message",
            post(ACTION_WEBHOOK, call("pores " * 170_000), headers=auth),
            send_bytes=4096,
        ),
        RawRequest("action call with a 100 KB message", post(ACTION_WEBHOOK, call("pores " * 17_000), headers=auth)),
        RawRequest(
            "action call without a tracker",
            post(ACTION_WEBHOOK, b'{"next_action":"action_answer_question"}', headers=auth),
        ),
        RawRequest(
            "action call whose tracker is a list",
            post(ACTION_WEBHOOK, b'{"next_action":"x","tracker":[]}', headers=auth),
        ),
        RawRequest("action call not JSON", post(ACTION_WEBHOOK, b"<tracker/>", headers=auth)),
        RawRequest(
            "action call for an unknown action",
            post(ACTION_WEBHOOK, call("hi").replace(b"action_answer_question", b"action_nope"), headers=auth),
        ),
        RawRequest(
            "action call with Content-Length: -5", post(ACTION_WEBHOOK, b"{}", headers=auth, content_length="-5")
        ),
    ]
    if token:
        cases += [
            RawRequest("action call without a token", post(ACTION_WEBHOOK, call("hi"))),
            RawRequest(
                "action call with a wrong token",
                post(ACTION_WEBHOOK, call("hi"), headers={"Authorization": "Bearer wrong"}),
            ),
        ]
    return cases


# Generated REST bodies: any JSON value, objects shaped like a message with hostile fields,
# and arbitrary bytes. Text may hold lone surrogates and control characters.
hostile_text = st.text(
    alphabet=st.characters(min_codepoint=0, max_codepoint=0x10FFFF, exclude_categories=()), max_size=300
)
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | hostile_text,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(hostile_text, children, max_size=4),
    max_leaves=20,
)
message_bodies = st.fixed_dictionaries(
    {"sender": st.one_of(hostile_text, json_values), "message": st.one_of(hostile_text, json_values)},
    optional={"metadata": json_values},
)


def encode_body(value: Any) -> bytes:
    """JSON as a client would send it, lone surrogates escaped (``\\ud800``)."""
    return json.dumps(value, ensure_ascii=True).encode("ascii")


rest_bodies = st.one_of(
    message_bodies.map(encode_body),
    json_values.map(encode_body),
    st.binary(max_size=400),
)
