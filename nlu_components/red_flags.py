"""Symptoms that need a professional override whatever the classifier thought.

A message describing a bleeding mole or a spreading rash must reach a dermatologist referral
every time, so this is a rule, not a statistic: when one of the configured patterns matches,
the intent becomes ``report_symptom`` with confidence 1.0. The classifier may still find a
symptom no pattern knows, but only when it is very sure; a hesitant ``report_symptom`` gives
way to the next intent. The patterns live in config.yml, which makes them part of the
model's fingerprint (changing them retrains).
"""

import re
from typing import Any, Dict, List, Optional, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import (
    INTENT,
    INTENT_NAME_KEY,
    INTENT_RANKING_KEY,
    PREDICTED_CONFIDENCE_KEY,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class RedFlagOverride(GraphComponent):
    """Sets the intent to the configured one when a red-flag pattern matches the text."""

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {"intent": "report_symptom", "patterns": [], "classifier_min_confidence": 0.9}

    def __init__(self, config: Dict[Text, Any]) -> None:
        self._intent = config["intent"]
        self._min_confidence = config["classifier_min_confidence"]
        self._patterns = [re.compile(pattern, re.IGNORECASE) for pattern in config["patterns"]]

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "RedFlagOverride":
        return cls(config)

    def matching_pattern(self, text: Text) -> Optional[Text]:
        return next((p.pattern for p in self._patterns if p.search(text)), None)

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            ranking = message.get(INTENT_RANKING_KEY) or []
            others = [r for r in ranking if r.get(INTENT_NAME_KEY) != self._intent]
            if self.matching_pattern(message.get(TEXT) or ""):
                override = {INTENT_NAME_KEY: self._intent, PREDICTED_CONFIDENCE_KEY: 1.0}
                message.set(INTENT, override, add_to_output=True)
                message.set(INTENT_RANKING_KEY, [override, *others], add_to_output=True)
            elif self._is_hesitant_symptom(message.get(INTENT) or {}) and others:
                message.set(INTENT, dict(others[0]), add_to_output=True)
        return messages

    def _is_hesitant_symptom(self, intent: Dict[Text, Any]) -> bool:
        return (
            intent.get(INTENT_NAME_KEY) == self._intent
            and (intent.get(PREDICTED_CONFIDENCE_KEY) or 0.0) < self._min_confidence
        )
