"""The slot events an action returns."""

from typing import Any, Dict, List

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet


def changed_slots(tracker: Tracker, values: Dict[str, Any]) -> List[EventType]:
    """``SlotSet`` events for the values that differ from the tracker's: every event is stored,
    replayed and featurised on every later turn, so one that changes nothing costs for nothing."""
    return [SlotSet(name, value) for name, value in values.items() if not _same(value, tracker.get_slot(name))]


def _same(value: Any, current: Any) -> bool:
    """Slot values as stored: a tuple becomes a list once the tracker holds it."""
    as_stored = list(value) if isinstance(value, tuple) else value
    return bool(as_stored == current)
