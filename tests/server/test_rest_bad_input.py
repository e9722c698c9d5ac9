"""Bad input against a running assistant: a clear reply or a clear 4xx, then business as usual."""

import sqlite3
from typing import Iterator

import pytest
import requests

from tests.servers import Assistant, ask, running_assistant


@pytest.fixture(scope="module")
def assistant() -> Iterator[Assistant]:
    with running_assistant() as running:
        yield running


def texts(replies) -> str:
    return "\n".join(reply.get("text") or "" for reply in replies)


def test_a_question_gets_a_grounded_answer_with_its_source(assistant: Assistant) -> None:
    reply = texts(ask(assistant, "plain-user", "how often should I use a collagen mask?"))
    assert "week" in reply and "Source:" in reply


@pytest.mark.parametrize(
    "body",
    [
        b"this is not json",
        b'["a", "list"]',
        b'{"sender": "bad-1"}',
        b'{"sender": "bad-1", "message": 12}',
        b'{"sender": "bad-1", "message": {"text": "hi"}}',
        b'{"sender": ["x"], "message": "hi"}',
        b'{"sender": "bad-1", "message": "hi", "metadata": "nope"}',
    ],
)
def test_malformed_bodies_get_a_400_with_a_reason(assistant: Assistant, body: bytes) -> None:
    response = requests.post(assistant.rest_url, data=body, headers={"Content-Type": "application/json"}, timeout=10)
    assert response.status_code == 400
    assert response.json()["error"]


@pytest.mark.parametrize("message", ["", "   ", "\n\t "])
def test_empty_messages_get_a_clear_reply(assistant: Assistant, message: str) -> None:
    assert "empty" in texts(ask(assistant, "empty-user", message))


def test_a_huge_message_gets_a_clear_reply(assistant: Assistant) -> None:
    assert "too long" in texts(ask(assistant, "long-user", "pores " * 2000))


@pytest.mark.parametrize(
    "message",
    [
        "<script>alert('x')</script>",
        "<img src=x onerror=alert(1)>",
        "<b>how often</b> should I exfoliate?",
    ],
)
def test_markup_is_never_echoed(assistant: Assistant, message: str) -> None:
    replies = ask(assistant, "markup-user", message)
    assert replies, "every message gets a reply"
    assert "<script" not in texts(replies) and "onerror" not in texts(replies)


@pytest.mark.parametrize("message", ["😀😀😀", "¿Cómo cierro los poros?", "👍", "Пора спать"])
def test_emoji_and_other_languages_get_a_reply(assistant: Assistant, message: str) -> None:
    assert texts(ask(assistant, "odd-user", message)).strip()


def test_conversation_works_after_bad_input(assistant: Assistant) -> None:
    sender = "resilient-user"
    ask(assistant, sender, "what does a collagen mask do?")
    requests.post(assistant.rest_url, data=b"{broken", headers={"Content-Type": "application/json"}, timeout=10)
    ask(assistant, sender, "")
    ask(assistant, sender, "x" * 10000)
    follow_up = texts(ask(assistant, sender, "how often should I use it?"))
    assert "collagen mask" in follow_up.lower() and "week" in follow_up


def test_conversations_are_kept_in_the_sqlite_tracker_store(assistant: Assistant) -> None:
    ask(assistant, "stored-user", "why do pores sag?")
    with sqlite3.connect(assistant.tracker_db) as db:
        rows = db.execute("SELECT COUNT(*) FROM events WHERE sender_id = ?", ("stored-user",)).fetchone()
    assert rows[0] > 0


def test_red_flag_gets_a_referral_and_no_cosmetic_advice(assistant: Assistant) -> None:
    reply = texts(ask(assistant, "worried-user", "the mole on my cheek started bleeding, can I exfoliate it?"))
    assert "dermatologist" in reply and "Source:" not in reply
