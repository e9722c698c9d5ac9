"""The edge checks without a server: framing, Unicode, metadata, the action server's token."""

import json

import pytest

from channels.validation import json_depth, metadata_problem, parse_json_body, sender_problem
from rasa_internals.http_framing import framing_problem
from serving.action_server import StartupError, action_call_problem, check_exposure, token_refusal


def head(*headers: str) -> bytes:
    return "\r\n".join(["POST /webhooks/rest/webhook HTTP/1.1", "Host: x", *headers]).encode()


@pytest.mark.parametrize(
    "headers, problem",
    [
        (("Content-Length: -5",), "non-negative"),
        (("Content-Length: abc",), "non-negative"),
        (("Content-Length: +5",), "non-negative"),
        (("Content-Length: 5", "Content-Length: 6"), "conflicting"),
        (("Transfer-Encoding: gzip, chunked",), "only Transfer-Encoding"),
        (("Transfer-Encoding: chunked", "Content-Length: 5"), "must not come together"),
    ],
)
def test_bad_framing_is_named(headers, problem) -> None:
    assert problem in (framing_problem(head(*headers)) or "")


@pytest.mark.parametrize(
    "headers",
    [(), ("Content-Length: 12",), ("transfer-encoding: Chunked",), ("Content-Length: 5", "content-length: 5")],
)
def test_good_framing_passes(headers) -> None:
    assert framing_problem(head(*headers)) is None


def test_senders_must_be_well_formed_without_control_characters() -> None:
    assert "surrogate" in (sender_problem("x\ud800", 128) or "")
    assert "control" in (sender_problem("x\x00", 128) or "")
    assert sender_problem("민지 🙂", 128) is None


def test_metadata_depth_and_size_are_bounded() -> None:
    assert json_depth({"a": [{"b": 1}]}) == 3
    assert "deeper" in (metadata_problem({"a": {"b": {"c": {}}}}, 4096, 2) or "")
    assert "larger" in (metadata_problem({"a": "x" * 5000}, 4096, 8) or "")
    assert metadata_problem({"locale": "ko"}, 4096, 8) is None


def test_bodies_must_be_strict_utf8_json() -> None:
    assert parse_json_body(b'"\xf4\x90\x80\x80"')[0] == "the body is not valid UTF-8"
    assert parse_json_body(b"[" * 100_000)[0] == "the body nests too deeply"
    assert parse_json_body(b'{"message": "hi"}') == (None, {"message": "hi"})


def test_action_server_token() -> None:
    assert token_refusal(None, "s3cret") == 401
    assert token_refusal("Bearer wrong", "s3cret") == 403
    assert token_refusal("Bearer s3cret", "s3cret") is None


def test_action_server_needs_a_token_beyond_loopback() -> None:
    check_exposure("127.0.0.1", "")
    check_exposure("0.0.0.0", "token")
    with pytest.raises(StartupError):
        check_exposure("0.0.0.0", "")


def test_action_calls_are_checked_before_any_action_runs() -> None:
    def call(text: str) -> bytes:
        return json.dumps(
            {"next_action": "a", "tracker": {"sender_id": "s", "latest_message": {"text": text}}}
        ).encode()

    assert action_call_problem(call("hi"), 100) is None
    assert "longer" in (action_call_problem(call("x" * 101), 100) or "")
    assert "tracker" in (action_call_problem(b'{"next_action": "a", "tracker": []}', 100) or "")
    assert action_call_problem(b"<xml/>", 100) == "the body is not valid JSON"
