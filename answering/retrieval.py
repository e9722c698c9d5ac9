"""Choosing what to say for a question: a fact, or an honest "my sources don't cover that".

The topic of a question comes first (its mentions, else the conversation's last topic); the
kind of question (how often, why, which...) then picks among that topic's facts, with BM25
over the facts' lemmas as the tie-breaker and as the search when no topic is named.
"""

import math
import re
from dataclasses import dataclass, field
from enum import Enum
from typing import Callable, Dict, List, Optional, Sequence, Tuple

from rank_bm25 import BM25Okapi
from rapidfuzz import fuzz, process

from knowledge.nlp import content_lemmas
from knowledge.store import Fact, FactStore
from knowledge.topics import HANGUL, Mention, TopicMatcher

GENERIC_TOPIC = "pores"
# BM25 score a topic-less question must reach to be answered from the best-matching fact.
MIN_FREE_TEXT_SCORE = 4.0
SUGGESTION_COUNT = 3
FOREIGN_MIN_CHARS = 5
TYPO_MIN_RATIO = 80
_SAFE_TERM = re.compile(r"^[A-Za-z][A-Za-z' \-]{1,39}$")

# Keyword cues for the kind of question, most specific first; they beat the NLU intent,
# which only has the whole sentence to go on.
KIND_CUES: Tuple[Tuple[str, re.Pattern], ...] = (
    ("frequency", re.compile(r"how (often|oft?e?n|frequent)|how many times|times? (a|per|each) (week|day|month)|e?ve?ry ?day|daily|weekly|per week|얼마나 자주|몇 ?번|자주")),
    ("cause", re.compile(r"\bwhy\b|\bcaus|\breason|what (\w+ )?makes|\bwhy'?s\b|왜|원인|이유")),
    ("recommendation", re.compile(r"\bwhich\b|concentration|percent|%|\bbest\b|recommend|look for|should i (buy|get|choose|pick)|what kind|농도|추천|어떤")),
    ("what_is", re.compile(r"how (can|do|would|will) (i|you|we) (tell|know)|\bsigns? of\b")),
    ("how_to", re.compile(r"\bhow (do|can|should|to|would|does)\b|\bsteps?\b|\broutine\b|방법|어떻게")),
    ("what_is", re.compile(r"\bwhat (is|are|does|do)\b|\bwhat'?s\b|benefit|good for|\bhelp|\bwork\b|뭐|무엇|효과")),
)

# Details a question can ask for that only some facts give. When the question asks for one
# and the best fact lacks it, we say so instead of answering something nearby.
DETAIL_CUES: Dict[str, Tuple[re.Pattern, Callable[[Fact], bool]]] = {
    "how often to use {topic}": (
        re.compile(r"how (often|oft?e?n|frequent)|how many times|times? (a|per|each) (week|day)|e?ve?ry ?day|얼마나 자주|몇 ?번"),
        lambda fact: "frequency" in fact.kinds,
    ),
    "how long to do it for {topic}": (
        re.compile(r"how long\b(?! have)"),
        lambda fact: re.search(r"\d+\s*(seconds?|minutes?|hours?)", fact.answer) is not None,
    ),
    "what concentration of {topic} to use": (
        re.compile(r"concentration|percent|%|농도|\bstrength\b"),
        lambda fact: "%" in fact.answer,
    ),
}


class Outcome(Enum):
    ANSWER = "answer"
    DETAIL_NOT_COVERED = "detail_not_covered"  # topic known, the asked detail is not in it
    TERM_NOT_COVERED = "term_not_covered"  # a skin-care term the documents never mention
    NOT_COVERED = "not_covered"  # about skin care, nothing in the store fits
    OUT_OF_DOMAIN = "out_of_domain"  # not about skin care at all


@dataclass(frozen=True)
class Question:
    text: str
    intent_kind: Optional[str] = None
    entity_values: Sequence[str] = ()
    context_topics: Sequence[str] = ()
    context_kind: Optional[str] = None
    is_follow_up: bool = False
    # For a message the NLU put out of scope: answer only when it names a specific topic
    # ("vitamin C pills"), not a word that is also everyday language ("oil", "sun").
    needs_specific_topic: bool = False


@dataclass
class Result:
    outcome: Outcome
    fact: Optional[Fact] = None
    topics: List[str] = field(default_factory=list)
    kind: Optional[str] = None
    missing: Optional[str] = None  # the uncovered term or detail, for the reply
    suggestions: List[Fact] = field(default_factory=list)


def cued_kind(text: str) -> Optional[str]:
    lowered = text.lower()
    return next((kind for kind, cue in KIND_CUES if cue.search(lowered)), None)


class Retriever:
    def __init__(self, store: FactStore) -> None:
        self.store = store
        self.topic_matcher = TopicMatcher(store)
        self._bm25 = BM25Okapi([list(fact.lemmas) for fact in store.facts])
        self._position = {fact.id: index for index, fact in enumerate(store.facts)}
        self._vocabulary = sorted(store.vocabulary)
        self._idf = {word: max(value, 0.0) for word, value in self._bm25.idf.items()}
        self._rarest_idf = max(self._idf.values(), default=1.0)
        self._terms = [
            (term, re.compile(rf"(?<!\w){re.escape(term.lower())}s?(?!\w)")) for term in store.skincare_terms
        ]

    def retrieve(self, question: Question) -> Result:
        terms = self._term_spans(question.text)
        mentions = [  # "hyaluronic acid" is a term of its own, not the topic "acids"
            m for m in self.topic_matcher.mentions(question.text)
            if not any(start <= m.start and m.end <= end for _, start, end in terms)
        ]
        topics = _specific_first([m.topic_id for m in mentions] + self._entity_topics(question.entity_values))
        unknown = [term for term, start, end in terms
                   if not any(m.start < end and start < m.end for m in mentions)]
        unknown += self._foreign_entities(question.entity_values)
        if question.needs_specific_topic and not self._names_skin_care(question.text, topics, unknown, terms):
            return Result(Outcome.OUT_OF_DOMAIN)
        cued = cued_kind(question.text)
        kind = cued or question.intent_kind
        if not topics and not unknown and question.context_topics:
            topics = list(question.context_topics)
        if question.is_follow_up and cued is None and question.context_kind:
            kind = question.context_kind  # "and BHA?" asks the last question again
        if unknown:
            return Result(Outcome.TERM_NOT_COVERED, topics=topics, kind=kind, missing=unknown[0],
                          suggestions=self._suggestions(question.text, topics, exclude=None))
        text = _with_aliases(question.text, mentions)
        if topics:
            return self._answer_for_topics(text, topics, kind, kind_is_cued=cued is not None)
        return self._answer_free_text(text, kind)

    def suggestions_for(self, text: str) -> List[Fact]:
        """The facts closest to ``text``, for "did you mean" buttons."""
        return self._suggestions(text, [], exclude=None)

    def _answer_for_topics(self, text: str, topics: List[str], kind: Optional[str], kind_is_cued: bool) -> Result:
        lemmas = content_lemmas(text)
        scores = list(self._bm25.get_scores(lemmas))
        candidates = self.store.facts_about(topics)
        for detail, (cue, has_detail) in DETAIL_CUES.items():
            if cue.search(text.lower()):
                candidates = [fact for fact in candidates if has_detail(fact)]
                if not candidates:
                    return Result(Outcome.DETAIL_NOT_COVERED, topics=topics, kind=kind,
                                  missing=detail.format(topic=self.store.topic_name(topics[0])),
                                  suggestions=self._suggestions(text, topics, exclude=None))
        kind_weight = 2.0 if kind_is_cued else 1.0
        best = max(candidates, key=lambda fact: self._topic_score(fact, topics, kind, kind_weight, lemmas, scores))
        return Result(Outcome.ANSWER, fact=best, topics=topics, kind=kind,
                      suggestions=self._suggestions(text, topics, exclude=best))

    def _answer_free_text(self, text: str, kind: Optional[str]) -> Result:
        lemmas = content_lemmas(text)
        if not set(lemmas) & self.store.domain_lemmas:
            return Result(Outcome.OUT_OF_DOMAIN, kind=kind)
        scores = list(self._bm25.get_scores(lemmas))
        best_index = max(range(len(scores)), key=scores.__getitem__)
        if scores[best_index] < MIN_FREE_TEXT_SCORE:
            return Result(Outcome.NOT_COVERED, kind=kind, suggestions=self._suggestions(text, [], exclude=None))
        best = self.store.facts[best_index]
        return Result(Outcome.ANSWER, fact=best, topics=list(best.topics[:1]), kind=kind,
                      suggestions=self._suggestions(text, list(best.topics[:1]), exclude=best))

    def _topic_score(
        self, fact: Fact, topics: List[str], kind: Optional[str], kind_weight: float,
        lemmas: List[str], bm25: List[float],
    ) -> float:
        """Topic first, then kind (a keyword cue counts more than the NLU's guess), then how
        close the wording is to the fact's question or a paraphrase of it; among equals the
        focused fact (fewer topics and kinds) wins over the combined one."""
        primary = 1.0 if fact.topics[0] == topics[0] else 0.6 if topics[0] in fact.topics else 0.3
        coverage = len(set(topics) & set(fact.topics)) / len(topics)
        kind_match = 1.0 if kind in fact.kinds else 0.0
        top = max(bm25) or 1.0
        focus = 0.5 / len(fact.topics) + 0.5 / len(fact.kinds)
        return (2 * primary + coverage + kind_weight * kind_match + 2 * _wording(lemmas, fact, self._idf, self._rarest_idf)
                + bm25[self._position[fact.id]] / top + focus)

    def _bm25_scores(self, text: str) -> List[float]:
        return list(self._bm25.get_scores(content_lemmas(text)))

    def _suggestions(self, text: str, topics: List[str], exclude: Optional[Fact]) -> List[Fact]:
        """Other facts of the same topics first, then the nearest by BM25."""
        scores = self._bm25_scores(text)
        ranked = sorted(range(len(self.store.facts)), key=lambda i: -scores[i])
        pool = self.store.facts_about(topics) + [self.store.facts[i] for i in ranked]
        picked: List[Fact] = []
        for fact in pool:
            if fact is not exclude and fact not in picked:
                picked.append(fact)
            if len(picked) == SUGGESTION_COUNT:
                break
        return picked

    def _entity_topics(self, entity_values: Sequence[str]) -> List[str]:
        """Topics of the NLU's `topic` entities: synonym-mapped ids, or typos the matcher knows."""
        topics: List[str] = []
        for value in entity_values:
            if value in self.store.topics:
                topics.append(value)
            else:
                topics += [mention.topic_id for mention in self.topic_matcher.mentions(value)]
        return topics

    def _names_skin_care(
        self, text: str, topics: List[str], unknown: List[str], terms: List[Tuple[str, int, int]]
    ) -> bool:
        """Whether a message the NLU put out of scope is about skin care after all: it names a
        specific topic, or an uncovered term beside a skin word ("snail mucin for pores?"),
        not just a word that has other lives ("toothpaste for sensitive teeth")."""
        if not set(topics) <= self.store.weak_topics:
            return True
        if not unknown:
            return False
        rest = text.lower()
        for _, start, end in sorted(terms, key=lambda span: -span[1]):
            rest = rest[:start] + " " + rest[end:]
        return bool(set(content_lemmas(rest)) & self.store.skin_word_lemmas)

    def _foreign_entities(self, entity_values: Sequence[str]) -> List[str]:
        """NLU `topic` entities built on a word no document or fact ever uses ("fridge",
        "collagen powder"): the question hinges on something the sources can't speak to.
        Short words, everyday words and near-spellings of known words don't count: they are
        typos, slang and filler ("temp", "noze", "basically") more often than new subjects."""
        foreign: List[str] = []
        for value in entity_values:
            if value in self.store.topics or not _SAFE_TERM.match(value):
                continue
            if any(self._is_foreign(word) for word in re.findall(r"[a-z]+", value.lower())):
                foreign.append(value.lower())
        return foreign

    def _is_foreign(self, word: str) -> bool:
        if len(word) < FOREIGN_MIN_CHARS or word in self.store.vocabulary or word in self.store.common_words:
            return False
        lemma = content_lemmas(word)
        if lemma and lemma[0] in self.store.vocabulary:
            return False
        return process.extractOne(word, self._vocabulary, scorer=fuzz.ratio, score_cutoff=TYPO_MIN_RATIO) is None

    def _term_spans(self, text: str) -> List[Tuple[str, int, int]]:
        """Skin-care terms from the curated list that the documents don't cover, with spans.

        Only the list counts: the NLU also tags everyday words as `topic` ("cold water"),
        and "my sources don't cover cold" would be a worse answer than the real one."""
        lowered = text.lower()
        return [
            (term, match.start(), match.end())
            for term, pattern in self._terms
            for match in [pattern.search(lowered)]
            if match
        ]


def _with_aliases(text: str, mentions: List[Mention]) -> str:
    """The text with typo'd topic names spelled as the store spells them, for ranking."""
    for mention in sorted(mentions, key=lambda m: -m.start):
        if mention.end <= len(text) and not HANGUL.search(mention.alias):
            text = text[: mention.start] + mention.alias + text[mention.end :]
    return text


def _wording(lemmas: List[str], fact: Fact, idf: Dict[str, float], rarest: float) -> float:
    """Best overlap between the question and the fact's phrasings (its question and its
    paraphrases), as a Dice score weighted by BM25's idf: a rare word the phrasing has and
    the question lacks ("supplements") counts against it more than a common one. A word no
    fact uses weighs like the rarest one. ``math.fsum`` because the order of a set depends on
    the process's hash seed, and a plain float sum in another order can break a tie the
    other way: the same question would get another answer after a restart."""
    query = set(lemmas)
    if not query:
        return 0.0
    weight = lambda words: math.fsum(idf.get(word, rarest) for word in words)  # noqa: E731
    return max(
        (2 * weight(query & set(phrasing)) / (weight(query) + weight(set(phrasing))) for phrasing in fact.phrasing_lemmas),
        default=0.0,
    )


def _specific_first(topic_ids: List[str]) -> List[str]:
    """Unique topics in order, the generic `pores` dropped when anything specific is named."""
    unique = list(dict.fromkeys(topic_ids))
    specific = [topic for topic in unique if topic != GENERIC_TOPIC]
    return specific or unique
