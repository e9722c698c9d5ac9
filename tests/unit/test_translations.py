"""The Korean texts: glossary terms rendered the one agreed way, replies complete in both
languages with the same placeholders, a Korean name for every topic.

Reads the YAML files only (no store build, no fixtures), so it runs in a second.
"""

import re
import string
from pathlib import Path
from typing import Dict, List, Set, Tuple

import pytest
import yaml

PROJECT = Path(__file__).resolve().parents[2]
FACTS_DIR = PROJECT / "data" / "facts"
GLOSSARY = PROJECT / "data" / "glossary.yml"
REPLIES = PROJECT / "data" / "replies.yml"
TOPICS = PROJECT / "data" / "nlu" / "topics.yml"


def _yaml(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8")) or {}


def _glossary() -> List[Tuple[str, str, "re.Pattern[str]"]]:
    """(English term, Korean rendering, pattern), longest term first."""
    terms = _yaml(GLOSSARY)["terms"]
    return [
        (english, korean, re.compile(rf"(?<![A-Za-z]){re.escape(english)}s?(?![A-Za-z])", re.IGNORECASE))
        for english, korean in sorted(terms.items(), key=lambda item: -len(item[0]))
    ]


def _facts() -> List[Tuple[str, dict]]:
    return [(path.name, fact) for path in sorted(FACTS_DIR.glob("*.yml")) for fact in _yaml(path).get("facts", [])]


def missing_renderings(english: str, korean: str, glossary=None) -> List[str]:
    """The glossary terms ``english`` uses whose rendering ``korean`` lacks, as
    "term -> rendering". A longer term takes its words away from shorter ones."""
    missing: List[str] = []
    compact_korean = " ".join(korean.split())
    for term, rendering, pattern in glossary or _glossary():
        if pattern.search(english):
            english = pattern.sub(" ", english)
            if rendering not in compact_korean:
                missing.append(f"{term} -> {rendering}")
    return missing


def _placeholders(template: str) -> Set[str]:
    return {field for _, field, _, _ in string.Formatter().parse(template) if field is not None}


# --- the checker itself ------------------------------------------------------------------


def test_a_longer_term_takes_its_words_from_a_shorter_one() -> None:
    assert missing_renderings("Use an exfoliating pack.", "각질팩을 써요.") == []
    assert missing_renderings("Exfoliate weekly.", "각질팩을 써요.") == ["exfoliate -> 각질 제거"]
    assert missing_renderings("Over-exfoliation and AHAs.", "과도한 각질 제거와 AHA") == []
    assert missing_renderings("Vitamin C at 7%.", "비타민C 7%") == ["vitamin C -> 비타민 C"]


def test_glossary_renderings_are_korean_and_unique_per_term() -> None:
    terms = _yaml(GLOSSARY)["terms"]
    assert terms, "data/glossary.yml has no terms"
    lowered = [term.lower() for term in terms]
    assert len(lowered) == len(set(lowered)), "a term is listed twice"
    assert all(isinstance(rendering, str) and rendering.strip() for rendering in terms.values())


# --- facts --------------------------------------------------------------------------------

FACTS = _facts()

# Renderings in data/facts/overviews.yml (written by another curator at the same time) that
# differ from the glossary: (fact id, English term). Fix them there, then delete them here;
# a test below fails as soon as an entry is no longer needed.
KNOWN_DEVIATIONS = {
    ("overview_clear_clogged_pores", "exfoliant"),  # 각질제, not 각질 제거제
    ("overview_weekly_routine", "sensitive skin"),  # 민감한 피부, not 민감성 피부
    ("overview_sagging_pores", "acid cosmetics"),  # 산 화장품, not 산 성분 화장품
}


def _unexpected(fact: dict, missing: List[str]) -> List[str]:
    return [entry for entry in missing if (fact["id"], entry.split(" -> ")[0]) not in KNOWN_DEVIATIONS]


@pytest.mark.parametrize("fact", [fact for _, fact in FACTS if fact.get("answer_ko")], ids=lambda fact: fact["id"])
def test_korean_answer_uses_the_glossary_rendering_of_every_term(fact: dict) -> None:
    assert _unexpected(fact, missing_renderings(fact["answer"], fact["answer_ko"])) == []


def test_known_deviations_are_still_deviations() -> None:
    facts = {fact["id"]: fact for _, fact in FACTS}
    fixed = [
        (fact_id, term)
        for fact_id, term in sorted(KNOWN_DEVIATIONS)
        if fact_id not in facts
        or term
        not in [
            entry.split(" -> ")[0]
            for entry in missing_renderings(facts[fact_id]["answer"], facts[fact_id].get("answer_ko", ""))
        ]
    ]
    assert fixed == [], "fixed (or gone): delete these from KNOWN_DEVIATIONS"


@pytest.mark.parametrize("fact", [fact for _, fact in FACTS if fact.get("question_ko")], ids=lambda fact: fact["id"])
def test_korean_button_question_uses_the_glossary_rendering_of_every_term(fact: dict) -> None:
    assert missing_renderings(fact["question"], fact["question_ko"]) == []


def test_every_fact_with_one_korean_field_has_both() -> None:
    half = [fact["id"] for _, fact in FACTS if bool(fact.get("question_ko")) != bool(fact.get("answer_ko"))]
    assert half == []


# --- replies ------------------------------------------------------------------------------

REPLY_TEXTS: Dict[str, Dict[str, str]] = _yaml(REPLIES)["replies"]
# Replies whose languages may use different placeholders, and every field the code passes to
# them: an English source line shows the original title alone ({original}), a translated one
# shows the translated {title} with the original beside it (the same after a quoted sentence).
FIELDS_PASSED = {"source_title": {"title", "original"}, "source_quote_title": {"title", "original"}}


@pytest.mark.parametrize("key", sorted(REPLY_TEXTS))
def test_every_reply_has_korean_with_the_same_placeholders(key: str) -> None:
    texts = REPLY_TEXTS[key]
    assert texts.get("en"), f"{key}: no English text"
    assert texts.get("ko"), f"{key}: `en` without `ko`"
    if key in FIELDS_PASSED:
        assert _placeholders(texts["en"]) <= _placeholders(texts["ko"]) <= FIELDS_PASSED[key]
    else:
        assert _placeholders(texts["ko"]) == _placeholders(texts["en"]), f"{key}: placeholders differ"


def test_every_topic_has_a_korean_name() -> None:
    topic_ids = [block["synonym"] for block in _yaml(TOPICS)["nlu"] if "synonym" in block]
    names = _yaml(REPLIES).get("topic_names") or {}
    assert [topic for topic in topic_ids if not (names.get(topic) or {}).get("ko")] == []
    assert sorted(set(names) - set(topic_ids)) == [], "a Korean name for a topic that doesn't exist"


def test_a_translation_states_the_same_numbers_decades_included() -> None:
    """The build's number check (knowledge/build.py): "200,000" is 200000, and an English
    decade is its number, so "mid-thirties" and "30대 중반" agree and "서른 중반" would not."""
    from knowledge.build import numbers_in

    assert numbers_in("about 200,000 pores") == numbers_in("약 200000개")
    assert numbers_in("from your mid-thirties") == numbers_in("30대 중반부터")
    assert numbers_in("from your mid-thirties") != numbers_in("서른 중반부터")
    assert numbers_in("1–2 times a week") == numbers_in("주 1~2회")


@pytest.mark.parametrize(
    "text, language",
    [
        ("collagen mask 몇 번 써?", "ko"),  # Korean grammar around English words: Korean
        ("각질팩은 얼마나 자주 해요?", "ko"),
        ("각질팩?", "ko"),
        ("what is a 각질팩 for?", "en"),  # an English sentence using the Korean product name
        ("is a 각질팩 or a 보습팩 better after cleansing?", "en"),
        ("and 보습팩?", None),  # too little to tell: the conversation's language decides
        ("how often should I exfoliate?", "en"),
        ("👍", None),
    ],
)
def test_the_language_a_message_is_written_in(text: str, language: str) -> None:
    import texts

    assert texts.written_language(text) == language
