"""The events an action returns: the slots that changed, then the end of the turn."""

from typing import Any, Dict, List

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, FollowupAction, SlotSet


def changed_slots(tracker: Tracker, values: Dict[str, Any]) -> List[EventType]:
    """``SlotSet`` events for the values that differ from the tracker's: every event is stored,
    replayed and featurised on every later turn, so one that changes nothing costs for nothing."""
    return [SlotSet(name, value) for name, value in values.items() if not _same(value, tracker.get_slot(name))]


def _same(value: Any, current: Any) -> bool:
    """Slot values as stored: a tuple becomes a list once the tracker holds it."""
    as_stored = list(value) if isinstance(value, tuple) else value
    return bool(as_stored == current)


def then_listen(events: List[EventType]) -> List[EventType]:
    """``events``, then the end of the turn. Every turn of this assistant is one action, so the
    rules would predict ``action_listen`` next; naming it as the follow-up action spares the
    Rasa server that second policy run per message (its processor takes a follow-up action as
    the prediction; the next user message or action clears it)."""
    return [*events, FollowupAction("action_listen")]
