"""The red-flag override: symptoms always reach a dermatologist, pore questions never do."""

from pathlib import Path

import pytest
import yaml

from nlu_components.red_flags import RedFlagOverride
from rasa.shared.nlu.training_data.message import Message

CONFIG = Path(__file__).resolve().parents[2] / "config.yml"


@pytest.fixture(scope="module")
def override() -> RedFlagOverride:
    pipeline = yaml.safe_load(CONFIG.read_text(encoding="utf-8"))["pipeline"]
    settings = next(c for c in pipeline if c["name"].endswith("RedFlagOverride"))
    return RedFlagOverride({**RedFlagOverride.get_default_config(), **settings})


@pytest.mark.parametrize("text", [
    "my mole is bleeding",
    "a mole on my back keeps changing shape",
    "my face is swollen after a peel",
    "burning feeling after the acid toner",
    "I got blisters from a mask",
    "there's a rash on my cheeks",
    "I have a sore that won't heal on my chin",
    "my pore looks infected and full of pus",
    "really painful cystic acne on my jaw",
    "점에서 피가 나요",
    "얼굴이 붓고 화끈거려요",
])
def test_symptoms_are_flagged(override: RedFlagOverride, text: str) -> None:
    message = Message.build(text=text, intent="ask_what_is")
    override.process([message])
    assert message.get("intent")["name"] == "report_symptom"
    assert message.get("intent_ranking")[0]["name"] == "report_symptom"


@pytest.mark.parametrize("text", [
    "how often should I use a collagen mask?",
    "does sunburn make pores sag?",
    "what concentration of vitamin C?",
    "각질팩은 얼마나 자주 해야 하나요?",
    "how long should I boil an egg?",
    "can over-exfoliation cause redness?",
])
def test_pore_questions_are_not_flagged(override: RedFlagOverride, text: str) -> None:
    assert override.matching_pattern(text) is None


def _classified(intent: str, confidence: float, runner_up: str = "ask_what_is") -> Message:
    message = Message.build(text="do I keep my serum somewhere cool?")
    message.set("intent", {"name": intent, "confidence": confidence})
    message.set("intent_ranking", [{"name": intent, "confidence": confidence},
                                   {"name": runner_up, "confidence": 1 - confidence}])
    return message


def test_a_hesitant_classifier_symptom_gives_way_to_the_next_intent(override: RedFlagOverride) -> None:
    message = _classified("report_symptom", 0.7)
    override.process([message])
    assert message.get("intent")["name"] == "ask_what_is"


def test_a_confident_classifier_symptom_stands(override: RedFlagOverride) -> None:
    message = _classified("report_symptom", 0.97)
    override.process([message])
    assert message.get("intent")["name"] == "report_symptom"
