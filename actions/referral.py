"""The referral: what the assistant says to someone describing a symptom (issue 11).

The rule ``report_symptom -> action_refer_dermatologist`` runs it. It says how soon (see a
dermatologist soon, or urgent care / an emergency department now), in the language the
message is written in, then that pore-care questions are still welcome. It never adds a
cosmetic fact or suggestion buttons: nothing in this reply can read as advice for the symptom.

Two exceptions, only for a message the trained detector alone referred (no red-flag rule
matched): one about a thing of another subject that names no skin gets the out-of-scope
reply; one that asks about pores and uses no word of a sign (``classifier_gate`` in
data/red_flags.yml) is answered as a question.

How soon comes from ``safety.red_flags.detect``, run again here on the message: the same
deterministic rules the NLU used (data/red_flags.yml), so a message the NLU referred through
its paraphrase detector, or through a model trained before a rule changed, still gets the
urgent wording when it mentions fever, fast spreading, trouble breathing, or a burn or open
wound after a treatment.
"""

import logging
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Dict, List, Optional, Pattern, Text, Tuple

import yaml
from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

import texts
from actions.slots import changed_slots, then_listen
from answering.understand import Turn, conversation_language
from safety.red_flags import RULES_PATH, Finding, detect

logger = logging.getLogger(__name__)

LANGUAGE_SLOT = "language"


def referral_language(text: Text, tracker: Tracker) -> Text:
    """The conversation's language, chosen as for every other reply (answering/understand.py):
    an explicit request, else the message's script, else the conversation's language."""
    slots = tracker.slots if isinstance(tracker.slots, dict) else {}
    turn = Turn(
        text=text,
        intent="report_symptom",
        language_slot=slots.get(LANGUAGE_SLOT),
        requested_language=slots.get("requested_language"),
    )
    return conversation_language(turn)[0]


def referral_messages(finding: Optional[Finding], language: Text) -> List[Text]:
    """The referral's texts, in order: how soon, then the way back to pore care."""
    key = "referral_urgent" if finding is not None and finding.urgent else "referral_soon"
    return [texts.say(key, language), texts.say("referral_follow_on", language)]


@dataclass(frozen=True)
class ClassifierGate:
    """What a message the trained detector alone referred must have to be answered instead
    (``classifier_gate`` in data/red_flags.yml)."""

    pores: Pattern[str]
    sign_words: Tuple[Pattern[str], ...]


@lru_cache(maxsize=1)
def classifier_gate() -> ClassifierGate:
    raw = yaml.safe_load(RULES_PATH.read_text(encoding="utf-8"))["classifier_gate"]
    return ClassifierGate(
        pores=re.compile(raw["pores"], re.IGNORECASE),
        sign_words=tuple(re.compile(pattern, re.IGNORECASE) for pattern in raw["sign_words"].values()),
    )


def asks_about_pores_only(text: Text) -> bool:
    """Whether a message the trained detector alone took for a symptom asks about pores and
    uses no word of a sign ("quit smoking, now my pores look more open… could that be
    connected?", "I turned 35 and the ones around my nose look bigger and oval, why?"): a
    story about pores changing, not a symptom. A red-flag rule's finding is never second-guessed."""
    gate = classifier_gate()
    return bool(gate.pores.search(text)) and not any(words.search(text) for words in gate.sign_words)


def about_another_subject(text: Text) -> bool:
    """Whether a message the trained detector alone took for a symptom names a thing of another
    subject and no skin at all ("paint on my bathroom ceiling is peeling off in big flakes"):
    no skin can be described there. A red-flag rule's finding is never second-guessed."""
    from actions.actions import assistant  # the one retriever; imported here, actions.actions imports this module

    retriever = assistant().retriever
    return retriever.names_another_subject(text) and not retriever.names_skin_itself(text)


class ActionReferDermatologist(Action):
    def name(self) -> Text:
        return "action_refer_dermatologist"

    async def run(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: Dict[Text, Any],
    ) -> List[EventType]:
        text = (tracker.latest_message or {}).get("text") or ""
        finding = detect(text)
        language = referral_language(text, tracker)
        if finding is None and about_another_subject(text):
            logger.info("referral: classifier, but the message is about another subject")
            dispatcher.utter_message(text=texts.say("out_of_scope", language))
            return then_listen(changed_slots(tracker, {LANGUAGE_SLOT: language}))
        if finding is None and asks_about_pores_only(text):
            logger.info("referral: classifier, but the message asks about pores and names no sign")
            from actions.actions import ActionAnswerQuestion  # actions.actions imports this module

            return await ActionAnswerQuestion().run(dispatcher, tracker, domain)
        logger.info(
            "referral: %s (%s)",
            finding.sign if finding else "classifier",
            finding.urgency if finding else "soon",
        )
        for message in referral_messages(finding, language):
            dispatcher.utter_message(text=message)
        return then_listen(changed_slots(tracker, {LANGUAGE_SLOT: language}))
