"""The tunables of every answering stage, read once from ``data/answering.yml``."""

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Dict, Optional, Pattern, Tuple

import yaml

SETTINGS_PATH = Path(__file__).resolve().parent.parent / "data" / "answering.yml"


def _compiled(pattern: str) -> Pattern[str]:
    return re.compile(pattern, re.IGNORECASE)


@dataclass(frozen=True)
class DetailCue:
    reply: str  # the data/replies.yml entry naming the detail
    pattern: Pattern[str]
    fact_kind: Optional[str]  # a fact of this kind has the detail ...
    has: Optional[Pattern[str]]  # ... or one whose English answer matches this


@dataclass(frozen=True)
class Understand:
    small_talk: Dict[str, str]
    small_talk_cues: Tuple[Tuple[str, Pattern[str]], ...]
    small_talk_max_words: int
    bot_challenge_max_words: int
    request: Pattern[str]
    clause_break: Pattern[str]
    asks_to_ask: Pattern[str]
    asks_languages: Pattern[str]
    language_switch: Dict[str, Pattern[str]]
    language_names: Pattern[str]
    other_causes: Pattern[str]
    bare_why: Pattern[str]
    points_at_the_story: Pattern[str]
    uses_it: Pattern[str]
    claim_check: Pattern[str]
    both: Pattern[str]
    purpose_of_that: Pattern[str]
    keep_language_max_words: int
    small_talk_beside_switch_min_words: int
    points_at_the_last_answer: Pattern[str]
    source_request: Pattern[str]
    source_words: Pattern[str]
    source_pointers: Pattern[str]
    source_request_max_words: int
    ordinals: Tuple[Tuple[str, Pattern[str]], ...]
    item_reference: Pattern[str]
    refers_back: Pattern[str]
    combination: Pattern[str]
    condition: Pattern[str]
    overdoing: Pattern[str]
    excess: Pattern[str]
    uses_a_product: Pattern[str]
    pronoun_subject: Pattern[str]
    pronoun_question_max_words: int
    named_one: Pattern[str]
    comparison: Pattern[str]
    comparison_joiner: Pattern[str]
    difference: Pattern[str]
    things_compared: Pattern[str]
    each: Pattern[str]
    other_than: Pattern[str]
    set_aside_before: Pattern[str]
    set_aside_after: Pattern[str]
    term_set_aside: Pattern[str]
    background_clause_end: Pattern[str]
    overdoing_facts: Dict[str, str]
    overdoing_replaces: Tuple[str, ...]
    sensitive_skin: Pattern[str]
    sensitive_skin_fact: str
    what_helps_a_condition: Dict[str, str]
    what_to_use_instead: Dict[str, str]
    asks_instead: Pattern[str]
    addresses_the_assistant: Pattern[str]
    scene_before: Pattern[str]
    term_scene_before: Pattern[str]
    term_scene_after: Pattern[str]
    scene_after: Pattern[str]
    follow_up_opener: Pattern[str]
    question_joiner: Pattern[str]
    question_list_comma: Pattern[str]
    asks_by_itself: Pattern[str]
    enumeration: Pattern[str]
    numbered_question_min_words: int
    what_to_do: Pattern[str]
    question_sentence: Pattern[str]
    question_spelled_out: Pattern[str]
    reported_claim: Pattern[str]
    told_with_a_question_mark: Pattern[str]
    relation: Pattern[str]
    translation_request: Pattern[str]
    mentioned_before: Pattern[str]
    mentioned_min_closeness: float
    either_or_question: Pattern[str]
    korean_sentence_break: Pattern[str]
    max_answered_questions: int
    overdoing_joins_at_most: int
    long_message_words: int
    follow_up_max_words: int
    same_subject_max_words: int
    points_at_the_term: Pattern[str]
    asks_of_the_term: Pattern[str]
    korean_new_question: Pattern[str]
    closing_greeting: Pattern[str]
    kind_cues: Tuple[Tuple[str, Pattern[str]], ...]
    detail_cues: Tuple[DetailCue, ...]


@dataclass(frozen=True)
class Gather:
    generic_topic: str
    pores_at_large_facts: Tuple[str, ...]
    min_free_text_score: float
    suggestion_count: int
    foreign_min_chars: int
    typo_min_ratio: int
    everyday_topics: Tuple[str, ...]
    off_domain_min_foreign_words: int
    off_domain_extra_words_beside_a_term: int
    on_domain_min_wording: float
    own_wording_min_dice: float
    outright_case_max_words: int
    everyday_skin_words: Tuple[str, ...]
    pore_words: Tuple[str, ...]
    korean_pore_words: Tuple[str, ...]
    korean_face_pores: Pattern[str]
    korean_pores_changing: Pattern[str]
    topic_qualifiers: Tuple[str, ...]
    qualified_products: Tuple[str, ...]
    filler_words: Tuple[str, ...]
    korean_skin_words: Tuple[str, ...]
    korean_everyday_skin_words: Tuple[str, ...]
    korean_filler_words: Tuple[str, ...]
    korean_likeness: Tuple[str, ...]
    korean_likeness_after: Tuple[str, ...]
    other_subject_words: Tuple[str, ...]
    face_of_a_thing: Pattern[str]
    skin_forming: Pattern[str]
    own_product: Pattern[str]
    other_subject_idioms: Pattern[str]
    not_terms: Pattern[str]
    form_containing_topic: Pattern[str]
    topic_in_form: Pattern[str]
    form_named_again: Pattern[str]
    form_named_anew_ko: Pattern[str]
    list_part: Pattern[str]
    broad_cause_fact: str
    broad_cause_topics: Tuple[str, ...]
    narrowing_clause: Pattern[str]
    relation_cause_topics: Tuple[str, ...]
    part_over_item_margin: float
    pick_filler_words: Tuple[str, ...]
    asking_words: Tuple[str, ...]
    not_pores: Pattern[str]
    skin_of_a_thing: Tuple[Pattern[str], ...]
    for_a_thing: Tuple[Pattern[str], ...]
    own_body: Pattern[str]
    ambiguous_topic_words: Tuple[str, ...]
    carrier_forms: Tuple[str, ...]
    pore_states: Tuple[str, ...]
    asks_if_caused_by: Pattern[str]
    a_relative: Pattern[str]
    relatives_body: Pattern[str]
    pets: Pattern[str]
    korean_for_a_thing: Tuple[Pattern[str], ...]
    korean_own_body: Pattern[str]
    other_subject_questions: Pattern[str]
    korean_other_subject_words: Tuple[str, ...]
    broader_topics: Dict[str, str]
    cause_topics: Tuple[str, ...]
    causes_when_asked_why: Tuple[str, ...]
    skin_types: Tuple[str, ...]
    detail_from_broader_topics: Tuple[str, ...]
    special_cases: Dict[str, Pattern[str]]
    named_cases: Dict[str, Pattern[str]]
    weights: Dict[str, float]


@dataclass(frozen=True)
class Settings:
    understand: Understand
    gather: Gather


def _understand(raw: dict) -> Understand:
    return Understand(
        small_talk=dict(raw["small_talk"]),
        small_talk_cues=tuple((intent, _compiled(p)) for intent, p in raw["small_talk_cues"].items()),
        small_talk_max_words=raw["small_talk_max_words"],
        bot_challenge_max_words=raw["bot_challenge_max_words"],
        request=_compiled(raw["request"]),
        clause_break=_compiled(raw["clause_break"]),
        asks_to_ask=_compiled(raw["asks_to_ask"]),
        asks_languages=_compiled(raw["asks_languages"]),
        language_switch={language: _compiled(p) for language, p in raw["language_switch"].items()},
        language_names=_compiled(raw["language_names"]),
        other_causes=_compiled(raw["other_causes"]),
        bare_why=_compiled(raw["bare_why"]),
        points_at_the_story=_compiled(raw["points_at_the_story"]),
        uses_it=_compiled(raw["uses_it"]),
        claim_check=_compiled(raw["claim_check"]),
        both=_compiled(raw["both"]),
        purpose_of_that=_compiled(raw["purpose_of_that"]),
        keep_language_max_words=raw["keep_language_max_words"],
        small_talk_beside_switch_min_words=raw["small_talk_beside_switch_min_words"],
        points_at_the_last_answer=_compiled(raw["points_at_the_last_answer"]),
        source_request=_compiled(raw["source_request"]),
        source_words=_compiled(raw["source_words"]),
        source_pointers=_compiled(raw["source_pointers"]),
        source_request_max_words=raw["source_request_max_words"],
        ordinals=tuple((str(position), _compiled(p)) for position, p in raw["ordinals"].items()),
        item_reference=_compiled(raw["item_reference"]),
        refers_back=_compiled(raw["refers_back"]),
        combination=_compiled(raw["combination"]),
        condition=_compiled(raw["condition"]),
        overdoing=_compiled(raw["overdoing"]),
        excess=_compiled(raw["excess"]),
        uses_a_product=_compiled(raw["uses_a_product"]),
        pronoun_subject=_compiled(raw["pronoun_subject"]),
        pronoun_question_max_words=raw["pronoun_question_max_words"],
        named_one=_compiled(raw["named_one"]),
        comparison=_compiled(raw["comparison"]),
        comparison_joiner=_compiled(raw["comparison_joiner"]),
        difference=_compiled(raw["difference"]),
        things_compared=_compiled(raw["things_compared"]),
        each=_compiled(raw["each"]),
        other_than=_compiled(raw["other_than"]),
        set_aside_before=_compiled(raw["set_aside_before"]),
        set_aside_after=_compiled(raw["set_aside_after"]),
        term_set_aside=_compiled(raw["term_set_aside"]),
        background_clause_end=_compiled(raw["background_clause_end"]),
        overdoing_facts=dict(raw["overdoing_facts"]),
        overdoing_replaces=tuple(raw["overdoing_replaces"]),
        sensitive_skin=_compiled(raw["sensitive_skin"]),
        sensitive_skin_fact=raw["sensitive_skin_fact"],
        what_helps_a_condition=dict(raw["what_helps_a_condition"]),
        what_to_use_instead=dict(raw["what_to_use_instead"]),
        asks_instead=_compiled(raw["asks_instead"]),
        addresses_the_assistant=_compiled(raw["addresses_the_assistant"]),
        scene_before=_compiled(raw["scene_before"]),
        term_scene_before=_compiled(raw["term_scene_before"]),
        term_scene_after=_compiled(raw["term_scene_after"]),
        scene_after=_compiled(raw["scene_after"]),
        follow_up_opener=_compiled(raw["follow_up_opener"]),
        question_joiner=_compiled(raw["question_joiner"]),
        question_list_comma=_compiled(raw["question_list_comma"]),
        asks_by_itself=_compiled(raw["asks_by_itself"]),
        enumeration=_compiled(raw["enumeration"]),
        numbered_question_min_words=raw["numbered_question_min_words"],
        what_to_do=_compiled(raw["what_to_do"]),
        question_sentence=_compiled(raw["question_sentence"]),
        question_spelled_out=_compiled(raw["question_spelled_out"]),
        reported_claim=_compiled(raw["reported_claim"]),
        told_with_a_question_mark=_compiled(raw["told_with_a_question_mark"]),
        relation=_compiled(raw["relation"]),
        translation_request=_compiled(raw["translation_request"]),
        mentioned_before=_compiled(raw["mentioned_before"]),
        mentioned_min_closeness=float(raw["mentioned_min_closeness"]),
        either_or_question=_compiled(raw["either_or_question"]),
        korean_sentence_break=_compiled(raw["korean_sentence_break"]),
        max_answered_questions=raw["max_answered_questions"],
        overdoing_joins_at_most=raw["overdoing_joins_at_most"],
        long_message_words=raw["long_message_words"],
        follow_up_max_words=raw["follow_up_max_words"],
        same_subject_max_words=raw["same_subject_max_words"],
        points_at_the_term=_compiled(raw["points_at_the_term"]),
        asks_of_the_term=_compiled(raw["asks_of_the_term"]),
        korean_new_question=_compiled(raw["korean_new_question"]),
        closing_greeting=_compiled(raw["closing_greeting"]),
        kind_cues=tuple((cue["kind"], _compiled(cue["pattern"])) for cue in raw["kind_cues"]),
        detail_cues=tuple(
            DetailCue(
                reply=cue["reply"],
                pattern=_compiled(cue["pattern"]),
                fact_kind=cue.get("fact_kind"),
                has=_compiled(cue["has"]) if cue.get("has") else None,
            )
            for cue in raw["detail_cues"]
        ),
    )


@lru_cache(maxsize=1)
def settings() -> Settings:
    raw = yaml.safe_load(SETTINGS_PATH.read_text(encoding="utf-8"))
    gather: Dict[str, Any] = {key: tuple(v) if isinstance(v, list) else v for key, v in raw["gather"].items()}
    gather["face_of_a_thing"] = _compiled(gather["face_of_a_thing"])
    gather["skin_forming"] = _compiled(gather["skin_forming"])
    gather["own_product"] = _compiled(gather["own_product"])
    gather["special_cases"] = {fact_id: _compiled(p) for fact_id, p in gather["special_cases"].items()}
    gather["named_cases"] = {fact_id: _compiled(p) for fact_id, p in gather["named_cases"].items()}
    gather["other_subject_idioms"] = _compiled(gather["other_subject_idioms"])
    gather["not_terms"] = _compiled(gather["not_terms"])
    gather["form_containing_topic"] = _compiled(gather["form_containing_topic"])
    gather["topic_in_form"] = _compiled(gather["topic_in_form"])
    gather["form_named_again"] = _compiled(gather["form_named_again"])
    gather["form_named_anew_ko"] = _compiled(gather["form_named_anew_ko"])
    gather["list_part"] = _compiled(gather["list_part"])
    gather["narrowing_clause"] = _compiled(gather["narrowing_clause"])
    gather["not_pores"] = _compiled(gather["not_pores"])
    gather["korean_face_pores"] = _compiled(gather["korean_face_pores"])
    gather["korean_pores_changing"] = _compiled(gather["korean_pores_changing"])
    gather["skin_of_a_thing"] = tuple(_compiled(pattern) for pattern in gather["skin_of_a_thing"])
    gather["for_a_thing"] = tuple(_compiled(pattern) for pattern in gather["for_a_thing"])
    gather["own_body"] = _compiled(gather["own_body"])
    gather["a_relative"] = _compiled(gather["a_relative"])
    gather["relatives_body"] = _compiled(gather["relatives_body"])
    gather["pets"] = _compiled(gather["pets"])
    gather["asks_if_caused_by"] = _compiled(gather["asks_if_caused_by"])
    gather["korean_for_a_thing"] = tuple(_compiled(pattern) for pattern in gather["korean_for_a_thing"])
    gather["korean_own_body"] = _compiled(gather["korean_own_body"])
    gather["other_subject_questions"] = _compiled(gather["other_subject_questions"])
    return Settings(understand=_understand(raw["understand"]), gather=Gather(**gather))
