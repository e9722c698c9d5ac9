"""The fact store: curated, grounded answers and the vocabulary they are indexed by.

Built by ``knowledge.build`` from ``data/`` into one JSON file; loaded read-only here. The
interface follows rasa-sdk's knowledge-base idea: the actions ask the store for objects and
never read the YAML themselves.
"""

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Dict, List, Optional, Tuple

DEFAULT_STORE_PATH = Path(__file__).resolve().parent.parent / "build" / "fact_store.json"


@dataclass(frozen=True)
class Quote:
    document_id: str
    text: str


@dataclass(frozen=True)
class Item:
    """One entry of a list-like answer, and the fact that says more about it."""

    label: str
    fact_id: str


@dataclass(frozen=True)
class Fact:
    id: str
    topics: Tuple[str, ...]
    kinds: Tuple[str, ...]
    # By language ("en", "ko"); English is always there.
    questions: Dict[str, str]
    answers: Dict[str, str]
    items: Tuple[Item, ...]
    quotes: Tuple[Quote, ...]
    lemmas: Tuple[str, ...]
    # Lemmas of the fact's question and of each paraphrase of it.
    phrasing_lemmas: Tuple[Tuple[str, ...], ...]
    # The Korean button question and Korean paraphrases, Hangul only.
    korean_phrasings: Tuple[str, ...]

    @property
    def question(self) -> str:
        """The English button question: what matching and logs use."""
        return self.questions["en"]

    @property
    def answer(self) -> str:
        return self.answers["en"]

    def question_in(self, language: str) -> str:
        return self.questions.get(language, self.question)

    def answer_in(self, language: str) -> str:
        return self.answers.get(language, self.answer)

    @property
    def document_ids(self) -> Tuple[str, ...]:
        """The documents this fact is backed by, in order of first quote."""
        return tuple(dict.fromkeys(quote.document_id for quote in self.quotes))


@dataclass(frozen=True)
class Topic:
    id: str
    name: str
    aliases: Tuple[str, ...]


@dataclass(frozen=True)
class FactStore:
    facts: Tuple[Fact, ...]
    topics: Dict[str, Topic]
    # Document id -> language -> title; English is the original.
    document_titles: Dict[str, Dict[str, str]]
    skincare_terms: Tuple[str, ...]
    # The English terms no everyday English uses ("fraxel", "niacinamide"; not "toner",
    # "collagen powder"): they name skin care with no other word beside them.
    skin_care_only_terms: frozenset
    domain_lemmas: frozenset
    weak_topics: frozenset
    vocabulary: frozenset
    skin_word_lemmas: frozenset
    common_words: frozenset
    # Real English words of three or four letters ("car", "sink"), as against typos ("wek").
    short_words: frozenset
    greeting_facts: Tuple[str, ...]
    # The first two syllables of every Korean word the facts, topics and questions use.
    korean_stems: frozenset

    def fact(self, fact_id: str) -> Optional[Fact]:
        return next((fact for fact in self.facts if fact.id == fact_id), None)

    def facts_about(self, topic_ids: List[str]) -> List[Fact]:
        """Facts that list any of ``topic_ids``, in store order."""
        wanted = set(topic_ids)
        return [fact for fact in self.facts if wanted.intersection(fact.topics)]

    def topic_name(self, topic_id: str) -> str:
        topic = self.topics.get(topic_id)
        return topic.name if topic else topic_id.replace("_", " ")

    def document_title(self, document_id: str, language: str = "en") -> str:
        titles = self.document_titles[document_id]
        return titles.get(language, titles["en"])


def _fact_from_json(raw: dict) -> Fact:
    return Fact(
        id=raw["id"],
        topics=tuple(raw["topics"]),
        kinds=tuple(raw["kinds"]),
        questions=dict(raw["question"]),
        answers=dict(raw["answer"]),
        items=tuple(Item(item["label"], item["fact"]) for item in raw["items"]),
        quotes=tuple(Quote(q["document"], q["text"]) for q in raw["quotes"]),
        lemmas=tuple(raw["lemmas"]),
        phrasing_lemmas=tuple(tuple(lemmas) for lemmas in raw["phrasing_lemmas"]),
        korean_phrasings=tuple(raw["korean_phrasings"]),
    )


def load_store(path: Path = DEFAULT_STORE_PATH) -> FactStore:
    """Read a built store. Fails loudly if the build step has not run."""
    if not path.exists():
        raise FileNotFoundError(f"{path} is missing: run `make store` first")
    raw = json.loads(path.read_text(encoding="utf-8"))
    return FactStore(
        facts=tuple(_fact_from_json(fact) for fact in raw["facts"]),
        topics={
            topic_id: Topic(topic_id, topic["name"], tuple(topic["aliases"]))
            for topic_id, topic in raw["topics"].items()
        },
        document_titles={doc["id"]: dict(doc["title"]) for doc in raw["documents"]},
        skincare_terms=tuple(raw["skincare_terms"]),
        skin_care_only_terms=frozenset(raw["skin_care_only_terms"]),
        domain_lemmas=frozenset(raw["domain_lemmas"]),
        weak_topics=frozenset(raw["weak_topics"]),
        vocabulary=frozenset(raw["vocabulary"]),
        skin_word_lemmas=frozenset(raw["skin_word_lemmas"]),
        common_words=frozenset(raw["common_words"]),
        short_words=frozenset(raw["short_words"]),
        greeting_facts=tuple(raw["greeting_facts"]),
        korean_stems=frozenset(raw["korean_stems"]),
    )


@lru_cache(maxsize=1)
def default_store() -> FactStore:
    """The store the action server answers from, loaded once per process."""
    return load_store()
