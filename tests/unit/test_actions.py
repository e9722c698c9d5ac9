"""The answer action, run against trackers built as fixtures (as RasaHQ's demo bots test)."""

import asyncio
from typing import Dict, List, Optional

import pytest
from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.actions import ActionAnswerQuestion, ActionGreet
from answering.replies import DISCLAIMER

NO_SLOTS = {"last_topics": None, "last_kind": None, "disclaimer_shown": False}


def tracker_for(text: str, intent: str, entities: Optional[List[Dict]] = None, **slots) -> Tracker:
    return Tracker(
        sender_id="test-user",
        slots={**NO_SLOTS, **slots},
        latest_message={"text": text, "intent": {"name": intent, "confidence": 0.9}, "entities": entities or []},
        events=[],
        paused=False,
        followup_action=None,
        active_loop={},
        latest_action_name="action_listen",
    )


def run(tracker: Tracker):
    dispatcher = CollectingDispatcher()
    events = asyncio.run(ActionAnswerQuestion().run(dispatcher, tracker, domain={}))
    return dispatcher.messages, events


def slot(events, name):
    return next(event["value"] for event in events if event == SlotSet(name, event["value"]) and event["name"] == name)


def test_answer_names_its_source_and_offers_related_questions() -> None:
    messages, events = run(tracker_for("how often should I use a collagen mask?", "ask_frequency",
                                       [{"entity": "topic", "value": "collagen_mask"}]))
    assert len(messages) == 1
    assert "1–2 times a week" in messages[0]["text"] or "1-2 times" in messages[0]["text"]
    assert "Source: “Why pores matter”" in messages[0]["text"]
    assert 2 <= len(messages[0]["buttons"]) <= 3
    assert all(b["payload"].startswith("/ask_fact{") for b in messages[0]["buttons"])
    assert slot(events, "last_topics") == ["collagen_mask"]
    assert slot(events, "last_kind") == "frequency"


def test_disclaimer_once_per_conversation() -> None:
    first, _ = run(tracker_for("what is a 보습팩?", "ask_what_is"))
    later, _ = run(tracker_for("what is a 보습팩?", "ask_what_is", disclaimer_shown=True))
    assert DISCLAIMER in first[0]["text"]
    assert DISCLAIMER not in later[0]["text"]


def test_follow_up_refers_back_to_the_last_topic() -> None:
    messages, _ = run(tracker_for("how often should I use it?", "ask_frequency",
                                  last_topics=["collagen_mask"], last_kind="what_is"))
    assert "collagen mask" in messages[0]["text"].lower()
    assert "1–2" in messages[0]["text"] or "1-2" in messages[0]["text"]


def test_and_aha_after_bha_asks_the_same_about_aha() -> None:
    messages, _ = run(tracker_for("and AHA?", "inform_topic", [{"entity": "topic", "value": "aha"}],
                                  last_topics=["bha"], last_kind="what_is"))
    assert "AHA" in messages[0]["text"]


def test_not_covered_says_so_plainly() -> None:
    messages, events = run(tracker_for("does niacinamide shrink pores", "ask_what_is",
                                       [{"entity": "topic", "value": "niacinamide"}]))
    assert messages[0]["text"].startswith("My sources don't cover niacinamide")
    assert "Source:" not in messages[0]["text"]
    assert events == []


def test_suggestion_button_payload_answers_that_fact() -> None:
    messages, _ = run(tracker_for('/ask_fact{"fact_id": "vitamin_c_concentration"}', "ask_fact",
                                  [{"entity": "fact_id", "value": "vitamin_c_concentration"}]))
    assert "7%" in messages[0]["text"]


def test_low_confidence_off_topic_message_is_redirected() -> None:
    messages, _ = run(tracker_for("asdf qwerty", "nlu_fallback", last_topics=["collagen_mask"]))
    assert messages[0].get("response") == "utter_out_of_scope"


@pytest.mark.parametrize("markup", ["<script>alert(1)</script>", "<img src=x onerror=alert(1)>"])
def test_markup_is_never_echoed(markup: str) -> None:
    messages, _ = run(tracker_for(markup, "ask_what_is", [{"entity": "topic", "value": markup}]))
    assert all(markup not in (m.get("text") or "") for m in messages)


def test_greeting_offers_three_example_questions() -> None:
    dispatcher = CollectingDispatcher()
    asyncio.run(ActionGreet().run(dispatcher, tracker_for("hi", "greet"), domain={}))
    assert dispatcher.messages[0]["response"] == "utter_greet"
    assert len(dispatcher.messages[0]["buttons"]) == 3
