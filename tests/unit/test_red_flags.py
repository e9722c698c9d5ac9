"""Red flags (issue 11): symptom descriptions always reach a doctor, pore questions never do.

Three layers, tested here: the deterministic detector (``safety.red_flags.detect``, rules in
data/red_flags.yml), the NLU component that forces ``report_symptom`` (``RedFlagOverride``,
including its trained paraphrase detector), and the referral action. The sentences below
were written for these tests; the dev set in tests/unit/red_flag_cases.yml is another set
(``python -m safety.measure`` reports its rates with the trained model).
"""

import asyncio
import re
from pathlib import Path
from typing import Dict, List, cast

import numpy as np
import pytest
import yaml
from rasa.shared.nlu.training_data.message import Message
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

import texts
from actions.referral import ActionReferDermatologist
from nlu_components.red_flags import RED_FLAG_KEY, RedFlagOverride, choose_threshold
from nlu_components.tfidf_classifier import OneTextScorer
from safety.measure import load_cases
from safety.red_flags import RULES_PATH, SOON, URGENT, Detector, _needs_letters_of, detect, normalise

PROJECT = Path(__file__).resolve().parents[2]
CONFIG = PROJECT / "config.yml"
ANNOTATION = re.compile(r"\[([^\]]+)\]\([^)]*\)")

# --- people's own descriptions: a change, a sensation that lasts, a hedge, a story ---------
SYMPTOMS_EN = [
    "ok so this is probably me being paranoid but the mole on my calf has gotten noticeably bigger since I started running outside",
    "a spot on my lower lip has been there since christmas and it's kind of rough and white",
    "I got a gel manicure and now the skin around two nails is puffy, red and leaking a bit",
    "My forehead has felt like it's on fire for four days after I switched to a stronger retinol",
    "a little bump on my nose keeps bleeding every time I blow it",
    "the spot where I had a mole removed is growing back darker than before",
    "is it worth having a doctor look at a red scaly patch that itches at night?",
    "these tiny blisters on my hands come back every summer",
    "My acne spots used to clear in a week but this one has been there two months and hurts",
    "hi! 31 here, I love my pore routine (BHA + clay mask) but unrelated, my husband noticed the mole behind my ear is now two colours. Do I need to worry?",
    "there's a raw red patch under my nose that cracks and bleeds and won't heal",
    "the rash from my new moisturizer is moving down my neck and onto my chest",
    "Is it bad that a freckle has gone from light brown to almost black?",
    "Is this serious? My cheek has a hard lump that hurts when I chew",
    "when I press on the bump under my chin it hurts a lot and it's been there for three weeks",
    "should I be concerned about a black dot that appeared on the sole of my foot?",
    "should I see a dermatologist about my skin?",
    "do I need to see a doctor for this spot?",
    "is it cancer?",
]
SYMPTOMS_KO = [
    "종아리에 있는 점이 작년보다 확실히 커졌어요",
    "아랫입술에 하얗고 거친 게 몇 달째 그대로 있어요",
    "레티놀 바꾸고 나서 나흘째 이마가 불타는 것 같아요",
    "코에 난 작은 뾰루지가 코 풀 때마다 피가 나",
    "점 뺀 자리에 다시 점이 더 진하게 올라오고 있어요",
    "밤마다 가려운 빨간 각질 부위가 있는데 의사한테 보여야 하나요?",
    "여름마다 손에 작은 물집이 다시 생겨요",
    "턱 밑에 멍울을 누르면 엄청 아프고 3주째 안 없어져요",
    "팔에 있는 점이 튀어나오고 간지럽기 시작했어",
    "발바닥에 까만 점이 새로 생겼는데 걱정해야 하나요?",
    "새로 산 수분크림 쓰고 난 뒤 발진이 목에서 가슴까지 내려왔어요",
    "주근깨 하나가 연한 갈색에서 거의 까맣게 변했어요",
    "병원 가야 하나요?",
    "피부과 가봐야 할까?",
    "이거 피부암인가요?",
]
URGENT_CASES = [
    "3 days after microneedling my face is still hot and now it smells and there's yellow fluid",
    "i think my face is having an allergic reaction, my eyes are almost swollen shut",
    "I'm feverish and the boil on my leg is huge",
    "my lips are swelling after the lip mask and it's hard to swallow",
    "the red area around the spot doubled in an hour",
    "after the laser I have a burn on my cheek",
    "니들 받고 사흘 됐는데 얼굴이 아직 뜨겁고 진물이 나와요",
    "몸에 열이 나고 다리에 난 종기가 엄청 커졌어요",
    "팩 하고 나서 입술이 붓고 숨쉬기가 힘들어요",
    "필링 받고 얼굴에 화상을 입었어요",
]
ORDINARY_EN = [
    "does exfoliating make you a bit red at first?",
    "how do I get my pores to look smaller for photos?",
    "my nose pores look stretched, is that sagging?",
    "can I use vitamin C in the morning and retinol at night?",
    "does a peel help with enlarged pores on the cheeks?",
    "is a collagen mask ok for sensitive skin that goes a bit red?",
    "my skin is a little dry after BHA, should I use a moisturizing pack?",
    "why do my pores look worse in the afternoon?",
    "is it normal for AHA to tingle for a few seconds?",
    "how long after laser can I start using my serum again?",
    "what percentage of glycolic acid is gentle enough for beginners?",
    "my forehead gets oily after lunch, any tips?",
    "does sleeping on my side make pores bigger on one cheek?",
    "my skin feels slightly tight after the clay mask, is that bad?",
    "how does aging change the pores on the face?",
    "how do I use pore strips without hurting my nose?",
    "my dermatologist recommended a BHA, how often do I use it?",
    "does sunburn make pores sag?",
    "how long should I boil an egg?",
    "should I see a dentist about my tooth?",
]
ORDINARY_KO = [
    "각질 제거하면 처음엔 살짝 붉어져요?",
    "사진 찍을 때 모공 덜 보이게 하려면 어떻게 해요?",
    "아침엔 비타민c, 밤엔 레티놀 써도 돼요?",
    "필링이 볼 모공 넓어진 데 도움 돼요?",
    "BHA 쓰고 좀 건조한데 보습팩 써도 돼요?",
    "오후만 되면 모공이 더 넓어 보이는 이유가 뭐예요?",
    "AHA 바르면 몇 초 따끔한 건 괜찮아요?",
    "레이저 받고 얼마 있다가 세럼 다시 써도 돼요?",
    "점심 먹고 나면 이마가 번들거리는데 팁 있어요?",
    "나이 들면 얼굴 모공이 점점 어떻게 변해요?",
    "모공이 점점 커지는 것 같아요",
    "이 시점에서 보습팩을 해도 돼요?",
    "치과 가야 하나요?",
]


@pytest.mark.parametrize("text", SYMPTOMS_EN + SYMPTOMS_KO + URGENT_CASES)
def test_described_symptoms_are_red_flags(text: str) -> None:
    assert detect(text) is not None


@pytest.mark.parametrize("text", URGENT_CASES)
def test_urgent_signs_make_the_finding_urgent(text: str) -> None:
    finding = detect(text)
    assert finding is not None and finding.urgency == URGENT, finding


@pytest.mark.parametrize(
    "text",
    [
        "a mole on my back has gotten darker",
        "there's a scab on my chin that keeps coming back",
        "몇 주째 볼이 가려워요",
        "점이 커졌어요",
    ],
)
def test_non_urgent_signs_say_soon(text: str) -> None:
    finding = detect(text)
    assert finding is not None and finding.urgency == SOON, finding


@pytest.mark.parametrize("text", ORDINARY_EN + ORDINARY_KO)
def test_ordinary_questions_are_not_red_flags(text: str) -> None:
    assert detect(text) is None, detect(text)


@pytest.mark.parametrize(
    "variants",
    [
        ["점에서 피가 나요", "점에서피가나요", "점 에서 피 가 나 요", "점에서 피가 나", "점에서 피가 남"],
        ["얼굴이 부었어요", "얼굴이부었어", "얼굴 부었음", "얼굴이 부었습니다"],
        ["상처가 안 나아요", "상처가 안나아", "상처가 낫지 않아요", "상처가 낫질 않네", "상처가 아물지 않습니다"],
        ["병원 가야 하나요?", "병원가야하나요", "병원 가야 돼?", "병원에 가 봐야 할까요", "병원 가야 되나"],
    ],
)
def test_korean_spacing_and_speech_levels_do_not_matter(variants: List[str]) -> None:
    signs = {getattr(detect(text), "sign", None) for text in variants}
    assert None not in signs and len(signs) == 1, signs


def test_the_korean_word_for_gradually_is_not_a_mole() -> None:
    assert detect("블랙헤드가 점점 진해져요") is None
    finding = detect("점이 점점 진해져요")
    assert finding is not None and finding.sign == "mole_change", finding


def test_normalise_joins_korean_and_lowercases_english() -> None:
    assert normalise("My  Mole’s  BLEEDING 피가 나요") == {
        "en": "my mole's bleeding 피가 나요",
        "ko": "mymole'sbleeding피가나요",
    }


def test_no_other_intents_training_example_is_a_red_flag() -> None:
    flagged = []
    for path in sorted((PROJECT / "data" / "nlu").glob("*.yml")):
        for block in yaml.safe_load(path.read_text(encoding="utf-8")).get("nlu") or []:
            if "intent" not in block or block["intent"] == "report_symptom":
                continue
            for line in block["examples"].splitlines():
                text = ANNOTATION.sub(r"\1", line.strip()[2:]) if line.strip().startswith("- ") else ""
                finding = detect(text) if text else None
                if finding:
                    flagged.append((block["intent"], text, finding.sign))
    assert flagged == []


def test_dev_set_rates() -> None:
    """The detector alone on tests/unit/red_flag_cases.yml (the model adds its paraphrases)."""
    cases = load_cases()
    for language, items in cases["symptoms"].items():
        findings = [(c, detect(c["text"])) for c in items]
        missed = [c["text"] for c, finding in findings if finding is None]
        assert missed == [], language
        wrong = [
            c["text"] for c, finding in findings if finding is not None and bool(c.get("urgent")) != finding.urgent
        ]
        assert wrong == [], language
    ordinary = [c["text"] for items in cases["ordinary"].values() for c in items]
    false = [text for text in ordinary if detect(text)]
    assert len(false) <= 0.02 * len(ordinary), false


def test_rules_file_is_complete() -> None:
    rules = yaml.safe_load(RULES_PATH.read_text(encoding="utf-8"))
    signs = {sign["id"]: sign for sign in rules["signs"]}
    assert len(signs) == len(rules["signs"])
    for sign in signs.values():
        assert sign["why"].strip() and sign.get("urgency") in (URGENT, SOON)
        assert sign.get("en") and sign.get("ko"), sign["id"]
    assert {s for s, sign in signs.items() if sign["urgency"] == URGENT} == {
        "breathing_or_throat",
        "fever_or_chills",
        "fast_spreading",
        "treatment_injury",
    }
    assert "ABCDE" in signs["mole_change"]["why"]


def test_a_bad_pattern_or_unknown_cue_fails_loudly() -> None:
    with pytest.raises(ValueError, match="unknown cue"):
        Detector({"signs": [{"id": "x", "why": "y", "en": ["<<nope>>"]}]})
    with pytest.raises(ValueError, match="bad pattern"):
        Detector({"signs": [{"id": "x", "why": "y", "en": ["(unclosed"]}]})


# --- the NLU component -----------------------------------------------------------------------


@pytest.fixture(scope="module")
def override() -> RedFlagOverride:
    pipeline = yaml.safe_load(CONFIG.read_text(encoding="utf-8"))["pipeline"]
    settings = next(c for c in pipeline if c["name"].endswith("RedFlagOverride"))
    return RedFlagOverride({k: v for k, v in settings.items() if k != "name"})


@pytest.mark.parametrize(
    "text",
    [
        "my mole is bleeding",
        "a mole on my back keeps changing shape",
        "my face is swollen after a peel",
        "I got blisters from a mask",
        "there's a rash on my cheeks",
        "I have a sore that won't heal on my chin",
        "점에서 피가 나요",
        "얼굴이 붓고 화끈거려요",
        *SYMPTOMS_EN[:5],
        *SYMPTOMS_KO[:5],
    ],
)
def test_a_red_flag_forces_report_symptom_with_the_finding(override: RedFlagOverride, text: str) -> None:
    message = Message.build(text=text, intent="ask_what_is")
    message.set("intent_ranking", [{"name": "ask_what_is", "confidence": 0.8}])
    override.process([message])
    assert message.get("intent") == {"name": "report_symptom", "confidence": 1.0}
    assert message.get("intent_ranking")[0]["name"] == "report_symptom"
    assert message.get(RED_FLAG_KEY)["source"] == "pattern"
    assert message.get(RED_FLAG_KEY)["urgency"] in (URGENT, SOON)
    assert RED_FLAG_KEY in message.as_dict_nlu() or message.get(RED_FLAG_KEY)


@pytest.mark.parametrize("text", ORDINARY_EN[:8] + ORDINARY_KO[:5])
def test_pore_questions_are_not_flagged(override: RedFlagOverride, text: str) -> None:
    message = Message.build(text=text, intent="ask_what_is")
    message.set("intent", {"name": "ask_what_is", "confidence": 0.95})
    message.set("intent_ranking", [{"name": "ask_what_is", "confidence": 0.95}])
    override.process([message])
    assert message.get("intent")["name"] == "ask_what_is"
    assert message.get(RED_FLAG_KEY) is None


def _classified(ranking: List[Dict]) -> Message:
    message = Message.build(text="do I keep my serum somewhere cool?")
    message.set("intent", dict(ranking[0]))
    message.set("intent_ranking", ranking)
    return message


def test_a_hesitant_classifier_symptom_gives_way_to_a_confident_next_intent(override: RedFlagOverride) -> None:
    message = _classified(
        [
            {"name": "report_symptom", "confidence": 0.4},
            {"name": "ask_what_is", "confidence": 0.5},
            {"name": "ask_how_to", "confidence": 0.1},
        ]
    )
    override.process([message])
    assert message.get("intent")["name"] == "ask_what_is"


def test_a_hesitant_symptom_with_an_unsure_runner_up_falls_back(override: RedFlagOverride) -> None:
    message = _classified(
        [
            {"name": "report_symptom", "confidence": 0.7},
            {"name": "ask_what_is", "confidence": 0.2},
            {"name": "ask_how_to", "confidence": 0.1},
        ]
    )
    override.process([message])
    assert message.get("intent") == {"name": "nlu_fallback", "confidence": 0.45}


def test_a_hesitant_symptom_with_an_ambiguous_runner_up_falls_back(override: RedFlagOverride) -> None:
    message = _classified(
        [
            {"name": "report_symptom", "confidence": 0.5},
            {"name": "ask_what_is", "confidence": 0.47},
            {"name": "ask_how_to", "confidence": 0.45},
        ]
    )
    override.process([message])
    assert message.get("intent")["name"] == "nlu_fallback"


def test_a_confident_classifier_symptom_stands(override: RedFlagOverride) -> None:
    message = _classified([{"name": "report_symptom", "confidence": 0.97}, {"name": "ask_what_is", "confidence": 0.03}])
    override.process([message])
    assert message.get("intent")["name"] == "report_symptom"


def test_choose_threshold_keeps_false_positives_under_the_limit() -> None:
    probabilities = np.array([0.95, 0.9, 0.8, 0.3, 0.62, 0.2, 0.1, 0.05])
    is_symptom = np.array([True, True, True, True, False, False, False, False])
    assert choose_threshold(probabilities, is_symptom, 0.0, 0.5) == 0.63
    assert choose_threshold(probabilities, is_symptom, 0.25, 0.5) == 0.5


def test_the_paraphrase_detector_trains_loads_and_promotes(tmp_path: Path) -> None:
    from rasa.engine.storage.local_model_storage import LocalModelStorage
    from rasa.engine.storage.resource import Resource
    from rasa.shared.nlu.training_data.training_data import TrainingData

    symptoms = [
        "my skin looks strange and keeps changing",
        "the thing on my arm is different now",
        "this patch keeps changing every week",
        "my arm thing looks strange again",
        "it looks different and strange every day",
        "the patch on my back keeps changing",
    ] * 3
    others = [
        "how often should I use a collagen mask",
        "what is a moisturizing pack",
        "why do pores sag",
        "which vitamin c concentration",
        "how do I cleanse my face",
        "hello there",
        "thanks a lot",
        "what does retinol do",
        "how often to exfoliate",
        "bye",
    ] * 3
    data = TrainingData(
        [Message.build(text=t, intent="report_symptom") for t in symptoms]
        + [Message.build(text=t, intent="ask_what_is") for t in others]
    )
    storage, resource = LocalModelStorage(tmp_path), Resource("red_flags")
    config = {"max_false_positive_rate": 0.0, "folds": 3}
    RedFlagOverride.create(config, storage, resource, None).train(data)
    loaded = RedFlagOverride.load(config, storage, resource, None)
    assert set(loaded.thresholds) == {"ko", "other"}
    promoted = Message.build(text="my arm thing looks strange and different again")
    promoted.set("intent", {"name": "ask_what_is", "confidence": 0.6})
    promoted.set("intent_ranking", [{"name": "ask_what_is", "confidence": 0.6}])
    untouched = Message.build(text="how often should I use a moisturizing pack")
    untouched.set("intent", {"name": "ask_frequency", "confidence": 0.8})
    loaded.process([promoted, untouched])
    assert promoted.get("intent")["name"] == "report_symptom"
    assert promoted.get(RED_FLAG_KEY)["source"] == "classifier"
    assert untouched.get("intent")["name"] == "ask_frequency"


# --- the referral action ---------------------------------------------------------------------


def _refer(text: str, **slots) -> List[Dict]:
    tracker = Tracker(
        sender_id="test",
        slots=slots,
        latest_message={"text": text, "intent": {"name": "report_symptom"}},
        events=[],
        paused=False,
        followup_action=None,
        active_loop={},
        latest_action_name="action_listen",
    )
    dispatcher = CollectingDispatcher()
    events = asyncio.run(ActionReferDermatologist().run(dispatcher, tracker, domain={}))
    # The referral remembers the language it spoke (when the conversation had another, or
    # none), like every other reply, and ends the turn; nothing else.
    assert [event["name"] for event in events] in (["action_listen"], ["language", "action_listen"])
    assert events[-1]["event"] == "followup"
    assert all(event["value"] in ("en", "ko") and event["value"] != slots.get("language") for event in events[:-1])
    return dispatcher.messages


def test_referral_says_see_a_dermatologist_soon_then_welcomes_pore_questions() -> None:
    messages = _refer("the mole on my arm looks darker than last year")
    assert [m["text"] for m in messages] == [texts.say("referral_soon", "en"), texts.say("referral_follow_on", "en")]
    assert "dermatologist" in messages[0]["text"]
    assert all(not m.get("buttons") for m in messages)


def test_referral_is_urgent_for_urgent_signs() -> None:
    messages = _refer("after the peel my skin is raw and weeping and I have a fever")
    assert messages[0]["text"] == texts.say("referral_urgent", "en")


def test_referral_is_in_the_users_language() -> None:
    messages = _refer("레이저 받고 물집이 잡혔어요")
    assert [m["text"] for m in messages] == [texts.say("referral_urgent", "ko"), texts.say("referral_follow_on", "ko")]


def test_referral_keeps_the_language_the_person_asked_for() -> None:
    messages = _refer("레이저 받고 물집이 잡혔어요", requested_language="en")
    assert messages[0]["text"] == texts.say("referral_urgent", "en")


def test_referral_uses_the_conversation_language_for_a_message_without_letters() -> None:
    assert _refer("?!", language="ko")[0]["text"] == texts.say("referral_soon", "ko")
    assert _refer("?!")[0]["text"] == texts.say("referral_soon", "en")


def test_referral_without_a_pattern_hit_says_soon() -> None:
    assert _refer("something on my skin worries me")[0]["text"] == texts.say("referral_soon", "en")


def test_the_rule_sends_symptoms_to_the_referral_action() -> None:
    rules = yaml.safe_load((PROJECT / "data" / "rules" / "scope_and_safety.yml").read_text(encoding="utf-8"))
    steps = next(r["steps"] for r in rules["rules"] if any(s.get("intent") == "report_symptom" for s in r["steps"]))
    assert steps[-1] == {"action": "action_refer_dermatologist"}
    domain = yaml.safe_load((PROJECT / "domain.yml").read_text(encoding="utf-8"))
    assert "action_refer_dermatologist" in domain["actions"]


def test_skipping_patterns_a_message_has_no_letters_for_changes_no_finding() -> None:
    """``Detector.detect`` does not try a language's patterns on a message without that
    language's letters when the pattern cannot match without them; on every symptom case, NLU
    example and held-out turn it finds exactly what trying every pattern finds."""
    rules = Detector.from_file(RULES_PATH)
    cases = load_cases()
    corpus = [item["text"] for group in cases.values() for items in group.values() for item in items]
    corpus += SYMPTOMS_EN + SYMPTOMS_KO
    for path in sorted((PROJECT / "data" / "nlu").glob("*.yml")):
        for block in yaml.safe_load(path.read_text(encoding="utf-8")).get("nlu", []):
            corpus += [ANNOTATION.sub(r"\1", line.strip()[2:]) for line in block.get("examples", "").splitlines()]
    for path in sorted((PROJECT / "tests" / "eval").glob("conversations*.yml")):
        corpus += [
            t["user"] for c in yaml.safe_load(path.read_text(encoding="utf-8"))["conversations"] for t in c["turns"]
        ]
    corpus += ["ſwelling", "K", "피", "38도", "lip 부었어요", "입술이 swelling 중", "ＳＷＥＬＬＩＮＧ"]
    for text in corpus:
        texts = normalise(text)
        every = [sign.id for sign in rules.signs if sign.search(texts)]
        found = rules.detect(text)
        assert (list(found.signs) if found else []) == every, text


def test_every_pattern_needs_its_language_s_letters() -> None:
    """So that the skip above applies to every sign (a pattern that could match without its
    language's letters is still tried everywhere, but would be slower)."""
    for sign in Detector.from_file(RULES_PATH).signs:
        for language, patterns in sign.patterns.items():
            assert all(_needs_letters_of(language, pattern) for pattern in patterns), sign.id


class _AlwaysSymptom:
    """A paraphrase scorer that finds a symptom in everything."""

    classes = ["other", "symptom"]

    def predict_proba(self, text: str) -> List[float]:
        return [0.01, 0.99]


def _override_that_finds_a_symptom_in_everything() -> RedFlagOverride:
    """The component as config.yml configures it, with a scorer that scores everything 0.99."""
    pipeline = yaml.safe_load(CONFIG.read_text(encoding="utf-8"))["pipeline"]
    settings = next(c for c in pipeline if c["name"].endswith("RedFlagOverride"))
    return RedFlagOverride(
        {k: v for k, v in settings.items() if k != "name"},
        scorer=cast(OneTextScorer, _AlwaysSymptom()),
        thresholds={"other": 0.75},
    )


def test_a_short_question_about_where_is_not_scored_as_a_symptom_story() -> None:
    override = _override_that_finds_a_symptom_in_everything()
    assert override.paraphrase_probability("and where on my cheeks") is None
    assert override.paraphrase_probability("my cheeks have felt odd since yesterday") == pytest.approx(0.99)
    assert override.paraphrase_probability("where i had the peel my cheeks now ooze and itch a lot") is not None


def test_a_short_question_about_what_might_happen_is_not_scored_as_a_symptom_story() -> None:
    override = _override_that_finds_a_symptom_in_everything()
    assert override.paraphrase_probability("and if my face gets kinda red after?") is None
    assert override.paraphrase_probability("what if it stings a bit") is None
    assert override.paraphrase_probability("if anything my face got red and hot after the peel") is not None
    assert override.paraphrase_probability("if my cheek turned dark purple after the facial is that ok") is not None
    assert override.paraphrase_probability("if it's relevant i cant feel my cheek since the filler") is not None
    # The rules still refer a hypothetical that names a sign.
    assert override._detector.detect("what if my face swells up after?") is not None
