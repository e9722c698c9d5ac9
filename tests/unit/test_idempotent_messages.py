"""Finding the stored answer of a retried request (rasa_internals/idempotent_messages.py)."""

from rasa.shared.core.events import ActionExecuted, BotUttered, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from rasa_internals.idempotent_messages import stored_answers


def tracker_with_two_turns() -> DialogueStateTracker:
    return DialogueStateTracker.from_events(
        "someone",
        [
            UserUttered("what does a collagen mask do?", message_id="req-1"),
            ActionExecuted("action_answer_question"),
            BotUttered("A collagen mask ...", data={"buttons": [{"title": "How often?", "payload": "/x"}]}),
            BotUttered("(General information ...)"),
            ActionExecuted("action_listen"),
            UserUttered("thanks!", message_id="req-2"),
            ActionExecuted("utter_thanks"),
            BotUttered("You're welcome!"),
        ],
    )


def test_a_stored_request_gets_exactly_its_own_answers_back() -> None:
    tracker = tracker_with_two_turns()
    first = stored_answers(tracker, "req-1")
    assert first is not None
    assert [answer.text for answer in first] == ["A collagen mask ...", "(General information ...)"]
    assert first[0].message()["buttons"] == [{"title": "How often?", "payload": "/x"}]
    second = stored_answers(tracker, "req-2")
    assert second is not None
    assert [answer.text for answer in second] == ["You're welcome!"]


def test_a_request_that_was_never_stored_is_handled() -> None:
    assert stored_answers(tracker_with_two_turns(), "req-3") is None
