"""The actions that speak: answer a question from the fact store, or say why not."""

import logging
import re
from functools import lru_cache
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from answering import replies
from answering.retrieval import Outcome, Question, Result, Retriever
from knowledge.store import Fact, default_store

logger = logging.getLogger(__name__)

INTENT_KINDS = {
    "ask_frequency": "frequency",
    "ask_what_is": "what_is",
    "ask_cause": "cause",
    "ask_how_to": "how_to",
    "ask_recommendation": "recommendation",
}
FOLLOW_UP_INTENT = "inform_topic"
# "and BHA?", "what about retinol": a new topic, the same question as before.
FOLLOW_UP_OPENER = re.compile(r"^\W*(and|what about|how about|also|same for|what of)\b", re.IGNORECASE)
FALLBACK_INTENT = "nlu_fallback"
OUT_OF_SCOPE_INTENT = "out_of_scope"


@lru_cache(maxsize=1)
def retriever() -> Retriever:
    return Retriever(default_store())


def _entity_values(tracker: Tracker, entity: str) -> List[str]:
    return [str(e.get("value")) for e in tracker.latest_message.get("entities", []) if e.get("entity") == entity]


def _question(tracker: Tracker, intent: str) -> Question:
    no_context = intent in (FALLBACK_INTENT, OUT_OF_SCOPE_INTENT)
    return Question(
        text=tracker.latest_message.get("text") or "",
        intent_kind=INTENT_KINDS.get(intent),
        # The NLU's entities are only as good as its intent: for a message it could not
        # place, its `topic` tags are noise.
        entity_values=() if intent == FALLBACK_INTENT else _entity_values(tracker, "topic"),
        # A message the NLU could not place is never read as a follow-up: guessing that
        # "blah" means "tell me more about collagen masks" would answer the wrong question.
        context_topics=() if no_context else tuple(tracker.get_slot("last_topics") or ()),
        context_kind=tracker.get_slot("last_kind"),
        is_follow_up=intent == FOLLOW_UP_INTENT or bool(FOLLOW_UP_OPENER.match(tracker.latest_message.get("text") or "")),
        needs_specific_topic=intent == OUT_OF_SCOPE_INTENT,
    )


class ActionGreet(Action):
    """The greeting, with the store's example questions as buttons."""

    def name(self) -> Text:
        return "action_greet"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[EventType]:
        store = default_store()
        examples = [store.fact(fact_id) for fact_id in store.greeting_facts]
        dispatcher.utter_message(
            response="utter_greet", buttons=replies.suggestion_buttons([f for f in examples if f])
        )
        return []


class ActionAnswerQuestion(Action):
    """Answers a pore-care question with one grounded fact and its source."""

    def name(self) -> Text:
        return "action_answer_question"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[EventType]:
        intent = (tracker.latest_message.get("intent") or {}).get("name") or FALLBACK_INTENT
        requested = self._requested_fact(tracker)
        if requested is not None:
            return self._say_fact(dispatcher, tracker, requested, list(requested.topics), None)
        result = retriever().retrieve(_question(tracker, intent))
        logger.info("question outcome=%s fact=%s topics=%s kind=%s", result.outcome.value,
                    result.fact.id if result.fact else None, result.topics, result.kind)
        return self._say_result(dispatcher, tracker, result, is_fallback=intent == FALLBACK_INTENT)

    @staticmethod
    def _requested_fact(tracker: Tracker) -> Optional[Fact]:
        """The fact a suggestion button asked for (`/ask_fact{"fact_id": ...}`), if any."""
        fact_ids = _entity_values(tracker, "fact_id")
        return default_store().fact(fact_ids[0]) if fact_ids else None

    def _say_result(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, result: Result, is_fallback: bool
    ) -> List[EventType]:
        if result.outcome is Outcome.ANSWER and result.fact is not None:
            return self._say_fact(dispatcher, tracker, result.fact, result.topics, result.kind, result.suggestions)
        if result.outcome is Outcome.OUT_OF_DOMAIN:
            dispatcher.utter_message(response="utter_out_of_scope")
            return []
        if result.outcome is Outcome.DETAIL_NOT_COVERED and result.missing:
            dispatcher.utter_message(**replies.detail_not_covered(result.missing, result.suggestions))
            return [SlotSet("last_topics", result.topics), SlotSet("last_kind", result.kind)]
        if result.outcome is Outcome.NOT_COVERED and is_fallback:
            dispatcher.utter_message(**replies.did_you_mean(result.suggestions))
            return []
        dispatcher.utter_message(**replies.not_covered(result.missing, result.suggestions))
        return []

    @staticmethod
    def _say_fact(
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        fact: Fact,
        topics: List[str],
        kind: Optional[str],
        related: Optional[List[Fact]] = None,
    ) -> List[EventType]:
        if related is None:
            related = retriever().suggestions_for(fact.question)
            related = [other for other in related if other.id != fact.id]
        needs_disclaimer = not tracker.get_slot("disclaimer_shown")
        dispatcher.utter_message(**replies.answer(default_store(), fact, related, needs_disclaimer))
        return [
            SlotSet("last_topics", topics),
            SlotSet("last_kind", kind or fact.kinds[0]),
            SlotSet("disclaimer_shown", True),
        ]
