"""Validation of REST bodies before they reach Rasa."""

import pytest

from channels.rest import MAX_SENDER_CHARS, validate_body


@pytest.mark.parametrize(
    "body, reason",
    [
        ([], "JSON object"),
        ("hello", "JSON object"),
        ({"sender": "a"}, "`message` is missing"),
        ({"sender": "a", "message": 42}, "`message` must be a string"),
        ({"sender": "a", "message": ["hi"]}, "`message` must be a string"),
        ({"sender": 7, "message": "hi"}, "`sender`"),
        ({"sender": "x" * (MAX_SENDER_CHARS + 1), "message": "hi"}, "`sender`"),
        ({"sender": "a", "message": "hi", "metadata": "x"}, "`metadata`"),
    ],
)
def test_unusable_bodies_are_refused_with_a_reason(body, reason) -> None:
    problem, fields = validate_body(body)
    assert fields is None and reason in (problem or "")


def test_control_characters_are_dropped_and_white_space_trimmed() -> None:
    problem, fields = validate_body({"sender": "a", "message": "  hi\x00 there\x07 "})
    assert problem is None and fields is not None and fields["text"] == "hi there"


def test_sender_defaults_like_rasa() -> None:
    problem, fields = validate_body({"message": "hi"})
    assert problem is None and fields is not None and fields["sender"] == "default"
