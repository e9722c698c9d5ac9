"""The actions that speak. Each reads the turn from the tracker, asks the answering pipeline
or the reply catalogue, and returns the slots to remember; none holds wording of its own."""

from functools import lru_cache
from typing import Any, Dict, List, Optional, Text, Tuple

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from actions.referral import ActionReferDermatologist
from actions.slots import changed_slots, then_listen
from answering.pipeline import Assistant
from answering.understand import Turn, conversation_language
from knowledge.store import default_store
from safety.red_flags import detect
from texts import say


@lru_cache(maxsize=1)
def assistant() -> Assistant:
    return Assistant(default_store())


def warm_up() -> None:
    """Build what the first answer would otherwise build (the fact store, the retriever, the
    spaCy pipeline, the red-flag patterns) while the Rasa server is still loading its model:
    the two start side by side, so this is off the first answer's path."""
    detect("warm up")
    assistant().respond(Turn(text="how often should I exfoliate?", intent="ask_frequency"))


def _entity_values(tracker: Tracker, entity: str) -> List[str]:
    return [str(e.get("value")) for e in tracker.latest_message.get("entities", []) if e.get("entity") == entity]


def _channel_language(tracker: Tracker) -> Optional[str]:
    """The language the channel reported with the message (the web chat sends the browser's,
    Telegram the user's ``language_code``), as a two-letter code."""
    metadata = tracker.latest_message.get("metadata") or {}
    value = metadata.get("language") if isinstance(metadata, dict) else None
    return value[:2].lower() if isinstance(value, str) else None


def turn_from(tracker: Tracker) -> Turn:
    """What the answering pipeline needs from the tracker: the message and the slots."""
    fact_ids = _entity_values(tracker, "fact_id")
    return Turn(
        text=tracker.latest_message.get("text") or "",
        intent=(tracker.latest_message.get("intent") or {}).get("name") or "nlu_fallback",
        entity_topics=tuple(_entity_values(tracker, "topic")),
        requested_fact_id=fact_ids[0] if fact_ids else None,
        language_slot=tracker.get_slot("language"),
        requested_language=tracker.get_slot("requested_language"),
        channel_language=_channel_language(tracker),
        last_topics=tuple(tracker.get_slot("last_topics") or ()),
        last_kind=tracker.get_slot("last_kind"),
        last_facts=tuple(tracker.get_slot("last_facts") or ()),
        disclaimer_shown=bool(tracker.get_slot("disclaimer_shown")),
    )


def _language(tracker: Tracker) -> Tuple[str, List[EventType]]:
    language, _ = conversation_language(turn_from(tracker))
    return language, changed_slots(tracker, {"language": language})


class ActionAnswerQuestion(Action):
    """Every message but a symptom: pore-care questions from the fact store, follow-ups, source
    requests and small talk (answering/pipeline.py)."""

    def name(self) -> Text:
        return "action_answer_question"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        turn = turn_from(tracker)
        if not turn.text.startswith("/") and detect(turn.text) is not None:
            # The NLU already turns these into `report_symptom`; this is the net under the net
            # (a model trained before a rule was added): no cosmetic answer to a red flag.
            return await ActionReferDermatologist().run(dispatcher, tracker, domain)
        response = assistant().respond(turn)
        for message in response.messages:
            dispatcher.utter_message(**message)
        return then_listen(changed_slots(tracker, response.slots))


class ActionDefaultFallback(Action):
    """Rasa's fallback (when no rule applies), worded like every other reply."""

    def name(self) -> Text:
        return "action_default_fallback"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        language, events = _language(tracker)
        dispatcher.utter_message(text=say("default", language))
        return then_listen(events)
