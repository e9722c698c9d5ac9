"""The referral: what the assistant says to someone describing a symptom (issue 11).

The rule ``report_symptom -> action_refer_dermatologist`` runs it. It says how soon (see a
dermatologist soon, or urgent care / an emergency department now), in the language the
message is written in, then that pore-care questions are still welcome. It never adds a
cosmetic fact or suggestion buttons: nothing in this reply can read as advice for the symptom.

How soon comes from ``safety.red_flags.detect``, run again here on the message: the same
deterministic rules the NLU used (data/red_flags.yml), so a message the NLU referred through
its paraphrase detector, or through a model trained before a rule changed, still gets the
urgent wording when it mentions fever, fast spreading, trouble breathing, or a burn or open
wound after a treatment.
"""

import logging
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

import texts
from actions.slots import changed_slots, then_listen
from answering.understand import Turn, conversation_language
from safety.red_flags import Finding, detect

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
        logger.info(
            "referral: %s (%s)",
            finding.sign if finding else "classifier",
            finding.urgency if finding else "soon",
        )
        for message in referral_messages(finding, language):
            dispatcher.utter_message(text=message)
        return then_listen(changed_slots(tracker, {LANGUAGE_SLOT: language}))
