"""Build the fact store from the documents and the curated facts.

    python -m knowledge.build [--project DIR] [--out FILE]

Fails (exit 1) when a fact's quote is not verbatim in its document, when a fact names an
unknown topic, kind, document or item fact, when a document sentence is neither backed by a
fact nor listed in ``data/facts/excluded.yml``, or when a translation is missing or carries
other numbers than the English answer. Prints a coverage report either way.
"""

import argparse
import json
import re
import sys
from collections import Counter
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Dict, Iterator, List, Set, Tuple

import srsly
import yaml

from knowledge.nlp import content_lemmas, pipeline

EXCLUDED_FILE = "excluded.yml"
QUESTION_MAX_CHARS = 60
HANGUL = re.compile(r"[\uac00-\ud7a3]")
_HANGUL_WORD = re.compile(r"[\uac00-\ud7a3]+")
_ANNOTATION = re.compile(r"\[([^\]]+)\]\([^)]*\)")  # "[각질팩](topic)" in an NLU example
# Numbers as written in an answer: "7%", "1-3", "200,000", "30" -- compared without separators.
NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
DECADES = {"twenties": "20", "thirties": "30", "forties": "40", "fifties": "50", "sixties": "60"}
DECADE = re.compile(r"\b(" + "|".join(DECADES) + r")\b", re.IGNORECASE)
Span = Tuple[int, int]


class BuildError(Exception):
    """The data does not make a valid store; the message lists every problem."""


@dataclass(frozen=True)
class Sentence:
    document_id: str
    start: int
    end: int
    text: str
    is_heading: bool


def _read_yaml(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8")) or {}


def _stripped_span(text: str, start: int, end: int) -> Span:
    """Narrow [start, end) so it has no white space (non-breaking included) at either end."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def split_sentences(document_id: str, text: str, heading_max_words: int) -> List[Sentence]:
    """Sentences of a document, by line first (headings have no full stop), then by spaCy."""
    sentences: List[Sentence] = []
    offset = 0
    for line in text.split("\n"):
        line_sentences = list(pipeline()(line).sents) if line.strip() else []
        for sent in line_sentences:
            start, end = _stripped_span(text, offset + sent.start_char, offset + sent.end_char)
            if start == end:
                continue
            is_heading = len(line_sentences) == 1 and len(sent) <= heading_max_words
            sentences.append(Sentence(document_id, start, end, text[start:end], is_heading))
        offset += len(line) + 1
    return sentences


def load_documents(documents_dir: Path) -> Dict[str, dict]:
    """Documents by id, each with its title and full text."""
    index = _read_yaml(documents_dir / "documents.yml")["documents"]
    return {
        entry["id"]: {
            "id": entry["id"],
            "title": {"en": entry["title"], **_translations(entry, "title")},
            "text": (documents_dir / entry["file"]).read_text(encoding="utf-8"),
        }
        for entry in index
    }


def load_topics(nlu_dir: Path) -> Dict[str, dict]:
    """Topic vocabulary from the NLU synonym blocks: display name is the first example."""
    topics: Dict[str, dict] = {}
    for block in _nlu_blocks(nlu_dir, "synonym"):
        examples = _examples(block)
        topics[block["synonym"]] = {"name": examples[0], "aliases": examples}
    return topics


def item_problems(fact_id: str, fact: dict, languages: List[str]) -> List[str]:
    """An answer that lists its items as bullets (the overviews) has one bullet per item, in
    order, in every language: a pick ("which of those...") is matched against what the list
    says of each item. An answer that names its items in a sentence has no bullets."""
    items = fact.get("items") or []
    problems = []
    for language in languages:
        answer = str(fact.get("answer" if language == "en" else f"answer_{language}") or "")
        bullets = [line for line in answer.splitlines() if line.lstrip().startswith("•")]
        if bullets and len(bullets) != len(items):
            problems.append(f"{fact_id}: {len(items)} items but {len(bullets)} bullets in the `{language}` answer")
    return problems


def load_skincare_terms(nlu_dir: Path) -> List[str]:
    """Skin-care words the documents don't cover (the `skincare_term` lookup table)."""
    return [
        term
        for block in _nlu_blocks(nlu_dir, "lookup")
        if block["lookup"] == "skincare_term"
        for term in _examples(block)
    ]


def load_korean_stems(nlu_dir: Path, intents: List[str], facts: List[dict], topics: Dict[str, dict]) -> List[str]:
    """The first two syllables of every Korean word that the facts (answers, questions,
    paraphrases), the topic names and the NLU examples of ``intents`` use: the Korean words the
    domain gate knows. Korean attaches particles and endings to a word, so its first two
    syllables stand for it."""
    texts = [str(value) for fact in facts for key in ("answer_ko", "question_ko") if (value := fact.get(key))]
    texts += [str(p) for fact in facts for p in fact.get("paraphrases") or []]
    texts += [alias for topic in topics.values() for alias in topic["aliases"]]
    texts += [
        _ANNOTATION.sub(r"\1", example)
        for block in _nlu_blocks(nlu_dir, "intent")
        if block["intent"] in intents
        for example in _examples(block)
    ]
    return sorted({word[:2] for text in texts for word in _HANGUL_WORD.findall(text) if len(word) >= 2})


def _nlu_blocks(nlu_dir: Path, key: str) -> Iterator[dict]:
    for path in sorted(nlu_dir.glob("*.yml")):
        for block in _read_yaml(path).get("nlu", []):
            if key in block:
                yield block


def _examples(block: dict) -> List[str]:
    return [line.strip()[2:].strip() for line in block["examples"].splitlines() if line.strip().startswith("- ")]


def load_facts(facts_dir: Path) -> List[dict]:
    facts: List[dict] = []
    for path in sorted(facts_dir.glob("*.yml")):
        if path.name != EXCLUDED_FILE:
            facts.extend(_read_yaml(path).get("facts", []))
    return facts


def _locate(text: str, quote: str) -> Span:
    start = text.find(quote)
    return (start, start + len(quote)) if start >= 0 else (-1, -1)


def numbers_in(text: str) -> Counter:
    """The numbers a text states, as digit strings ("200,000" and "200000" are one number);
    an English decade counts as its number ("mid-thirties" is the 30 of "30대 중반")."""
    digits = [re.sub(r"[.,](?=\d{3}\b)", "", number) for number in NUMBER.findall(text)]
    decades = [DECADES[word.lower()] for word in DECADE.findall(text)]
    return Counter(digits + decades)


def translation_problems(fact: dict, languages: List[str]) -> List[str]:
    """A translated answer or button question that is missing, or whose numbers differ from
    the English answer's: a translation may reword, never change a percentage or a frequency."""
    problems: List[str] = []
    fact_id = fact.get("id", "<no id>")
    for language in languages:
        if language == "en":
            continue
        for field in ("question", "answer"):
            if not fact.get(f"{field}_{language}"):
                problems.append(f"{fact_id}: `{field}_{language}` is missing")
        translated = fact.get(f"answer_{language}")
        if translated and numbers_in(translated) != numbers_in(fact.get("answer", "")):
            problems.append(
                f"{fact_id}: `answer_{language}` states {sorted(numbers_in(translated).elements())}, "
                f"the English answer {sorted(numbers_in(fact.get('answer', '')).elements())}"
            )
    return problems


def check_facts(
    facts: List[dict], documents: Dict[str, dict], topics: Dict[str, dict], kinds: List[str], languages: List[str]
) -> Tuple[List[str], Dict[str, List[Span]]]:
    """Every problem with the facts, and the character spans their quotes cover, by document."""
    problems: List[str] = []
    quoted: Dict[str, List[Span]] = {doc_id: [] for doc_id in documents}
    seen_ids: Set[str] = set()
    fact_ids = {fact.get("id") for fact in facts}
    for fact in facts:
        fact_id = fact.get("id", "<no id>")
        if fact_id in seen_ids:
            problems.append(f"{fact_id}: duplicate fact id")
        seen_ids.add(fact_id)
        for field in ("id", "topics", "kinds", "question", "answer", "sources"):
            if not fact.get(field):
                problems.append(f"{fact_id}: `{field}` is missing or empty")
        problems += [f"{fact_id}: unknown topic `{t}`" for t in fact.get("topics", []) if t not in topics]
        problems += [f"{fact_id}: unknown kind `{k}`" for k in fact.get("kinds", []) if k not in kinds]
        if len(fact.get("question", "")) > QUESTION_MAX_CHARS:
            problems.append(f"{fact_id}: question longer than {QUESTION_MAX_CHARS} characters")
        problems += translation_problems(fact, languages)
        problems += [
            f"{fact_id}: item `{item.get('label')}` names unknown fact `{item.get('fact')}`"
            for item in fact.get("items", [])
            if item.get("fact") not in fact_ids
        ]
        problems += item_problems(fact_id, fact, languages)
        for source in fact.get("sources", []):
            document = documents.get(source.get("document"))
            if document is None:
                problems.append(f"{fact_id}: unknown document `{source.get('document')}`")
                continue
            for quote in source.get("quotes", []):
                span = _locate(document["text"], quote)
                if span[0] < 0:
                    problems.append(f"{fact_id}: quote not verbatim in {document['id']}: {quote!r}")
                else:
                    quoted[document["id"]].append(span)
    return problems, quoted


def _excluded_spans(excluded: List[dict], documents: Dict[str, dict]) -> Tuple[List[str], Dict[str, List[Span]]]:
    problems: List[str] = []
    spans: Dict[str, List[Span]] = {doc_id: [] for doc_id in documents}
    for entry in excluded:
        document = documents.get(str(entry.get("document")))
        if document is None or not entry.get("reason"):
            problems.append(f"excluded.yml: entry needs a known document and a reason: {entry!r}")
            continue
        span = _locate(document["text"], entry.get("text", ""))
        if span[0] < 0:
            problems.append(f"excluded.yml: text not verbatim in {document['id']}: {entry.get('text')!r}")
        else:
            spans[document["id"]].append(span)
    return problems, spans


def _overlaps(sentence: Sentence, spans: List[Span]) -> bool:
    return any(start < sentence.end and sentence.start < end for start, end in spans)


def coverage_report(
    sentences: List[Sentence], quoted: Dict[str, List[Span]], excluded: Dict[str, List[Span]]
) -> Tuple[List[str], str]:
    """Uncovered sentences (problems) and a human-readable report."""
    counts = {"backed by a fact": 0, "excluded with a reason": 0, "heading": 0}
    problems: List[str] = []
    for sentence in sentences:
        if _overlaps(sentence, quoted[sentence.document_id]):
            counts["backed by a fact"] += 1
        elif _overlaps(sentence, excluded[sentence.document_id]):
            counts["excluded with a reason"] += 1
        elif sentence.is_heading:
            counts["heading"] += 1
        else:
            problems.append(f"{sentence.document_id}: sentence neither backed nor excluded: {sentence.text!r}")
    lines = [f"coverage of {len(sentences)} document sentences:"]
    lines += [f"  {label}: {count}" for label, count in counts.items()]
    lines += [f"  uncovered: {len(problems)}"]
    return problems, "\n".join(lines)


def _english_words(min_log_prob: float, min_chars: int, max_chars: int) -> List[str]:
    """English words of ``min_chars`` to ``max_chars`` letters at least this frequent (log
    probability), from spacy-lookups-data."""
    # The table's own loader keeps only hashes of the words, so read the packaged file.
    probabilities = srsly.read_gzip_json(resources.files("spacy_lookups_data") / "data" / "en_lexeme_prob.json.gz")
    return sorted(
        word
        for word, log_prob in probabilities.items()
        if log_prob >= min_log_prob and min_chars <= len(word) <= max_chars and word.isalpha() and word.islower()
    )


def _rare_terms(terms: List[str], max_log_prob: float) -> List[str]:
    """The English terms all of whose words are rarer than ``max_log_prob`` in English (or
    missing from spacy-lookups-data's table), lower case."""
    probabilities = srsly.read_gzip_json(resources.files("spacy_lookups_data") / "data" / "en_lexeme_prob.json.gz")
    return sorted(
        term.lower()
        for term in terms
        if re.fullmatch(r"[A-Za-z][A-Za-z' -]*", term)
        and all(
            probabilities.get(word, max_log_prob - 1) < max_log_prob for word in re.findall(r"[a-z]+", term.lower())
        )
    )


def _vocabulary(documents: Dict[str, dict], facts: List[dict], topics: Dict[str, dict], words: List[str]) -> List[str]:
    """Every word the documents, the facts and the topic vocabulary use (lower case)."""
    texts = [doc["text"] for doc in documents.values()] + words
    texts += [alias for topic in topics.values() for alias in topic["aliases"]]
    texts += [text for fact in facts for text in (fact["question"], fact["answer"], *fact.get("paraphrases", []))]
    docs = pipeline().pipe(texts)
    return sorted(
        {form for doc in docs for token in doc if token.is_alpha for form in (token.lower_, token.lemma_.lower())}
    )


def _domain_lemmas(topics: Dict[str, dict], terms: List[str], words: List[str]) -> List[str]:
    """Lemmas that make a message about skin care. Not the documents' every word: "feel" and
    "great" are in them too, and "I'm feeling great" is not a pore question."""
    texts = terms + words + [alias for topic in topics.values() for alias in topic["aliases"]]
    return sorted({lemma for text in texts for lemma in content_lemmas(text)})


def build(project: Path) -> Tuple[dict, str]:
    """The store as a JSON-ready dict, and the coverage report. Raises BuildError."""
    settings = _read_yaml(project / "data" / "store.yml")
    documents = load_documents(project / "data" / "documents")
    topics = load_topics(project / "data" / "nlu")
    skincare_terms = load_skincare_terms(project / "data" / "nlu")
    facts = load_facts(project / "data" / "facts")
    excluded = _read_yaml(project / "data" / "facts" / EXCLUDED_FILE).get("excluded", [])

    problems, quoted = check_facts(facts, documents, topics, settings["kinds"], settings["languages"])
    exclusion_problems, excluded_spans = _excluded_spans(excluded, documents)
    sentences = [
        sentence
        for doc in documents.values()
        for sentence in split_sentences(doc["id"], doc["text"], settings["heading_max_words"])
    ]
    coverage_problems, report = coverage_report(sentences, quoted, excluded_spans)
    problems += exclusion_problems + coverage_problems
    problems += _setting_problems(settings, topics, {str(fact.get("id")) for fact in facts}, skincare_terms)
    if problems:
        raise BuildError("\n".join(problems) + "\n" + report)

    store = {
        "documents": [{"id": doc["id"], "title": doc["title"]} for doc in documents.values()],
        "languages": settings["languages"],
        "topics": topics,
        "skincare_terms": skincare_terms,
        "skin_care_only_terms": [
            term
            for term in _rare_terms(skincare_terms, settings["skin_care_only_max_log_prob"])
            if term not in settings["not_skin_care_only"]
        ]
        + settings["skin_care_only"],
        "domain_lemmas": _domain_lemmas(topics, skincare_terms, settings["domain_words"]),
        "skin_word_lemmas": sorted({lemma for word in settings["domain_words"] for lemma in content_lemmas(word)}),
        "common_words": _english_words(settings["common_word_min_log_prob"], 5, 99),
        "short_words": _english_words(settings["short_word_min_log_prob"], 3, 4),
        "vocabulary": _vocabulary(documents, facts, topics, settings["domain_words"]),
        "weak_topics": settings["weak_topics"],
        "korean_stems": load_korean_stems(project / "data" / "nlu", settings["korean_stem_intents"], facts, topics),
        "greeting_facts": settings["greeting_facts"],
        "facts": [_indexed_fact(fact, topics) for fact in facts],
    }
    return store, report


def _setting_problems(
    settings: dict, topics: Dict[str, dict], fact_ids: Set[str], skincare_terms: List[str]
) -> List[str]:
    problems = [f"store.yml: unknown weak topic `{t}`" for t in settings["weak_topics"] if t not in topics]
    problems += [f"store.yml: unknown greeting fact `{f}`" for f in settings["greeting_facts"] if f not in fact_ids]
    known_terms = {term.lower() for term in skincare_terms}
    return problems + [
        f"store.yml: skin_care_only term `{term}` is not in the skincare_term lookup"
        for term in settings["skin_care_only"]
        if term not in known_terms
    ]


def _indexed_fact(fact: dict, topics: Dict[str, dict]) -> dict:
    quotes = [
        {"document": source["document"], "text": quote} for source in fact["sources"] for quote in source["quotes"]
    ]
    topic_names = [topics[topic]["name"] for topic in fact["topics"]]
    phrasings = [fact["question"], *fact.get("paraphrases", [])]
    indexed_text = " ".join([*phrasings, fact["answer"], *topic_names, *(q["text"] for q in quotes)])
    return {
        "id": fact["id"],
        "topics": fact["topics"],
        "kinds": fact["kinds"],
        "question": {"en": fact["question"], **_translations(fact, "question")},
        "answer": {"en": _one_paragraph(fact["answer"]), **_translations(fact, "answer")},
        "items": [{"label": item["label"], "fact": item["fact"]} for item in fact.get("items", [])],
        "quotes": quotes,
        "lemmas": content_lemmas(indexed_text),
        "phrasing_lemmas": [content_lemmas(phrasing) for phrasing in phrasings],
        # Korean phrasings as Hangul only, for character-bigram matching (answering/gather.py).
        "korean_phrasings": [
            "".join(HANGUL.findall(phrasing))
            for phrasing in (fact.get("question_ko", ""), *fact.get("paraphrases", []))
            if HANGUL.search(phrasing)
        ],
    }


def _one_paragraph(text: str) -> str:
    """White space tidied, line breaks kept: an overview's items stand on lines of their own."""
    return "\n".join(" ".join(line.split()) for line in text.strip().splitlines())


def _translations(fact: dict, field: str) -> Dict[str, str]:
    """``{"ko": ...}`` from a fact's ``answer_ko``-style fields."""
    prefix = f"{field}_"
    return {key[len(prefix) :]: _one_paragraph(value) for key, value in fact.items() if key.startswith(prefix)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    project_default = Path(__file__).resolve().parent.parent
    parser.add_argument("--project", type=Path, default=project_default)
    parser.add_argument("--out", type=Path, default=project_default / "build" / "fact_store.json")
    args = parser.parse_args()
    try:
        store, report = build(args.project)
    except BuildError as error:
        print(f"fact store build failed:\n{error}", file=sys.stderr)
        return 1
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(store, ensure_ascii=False, indent=1), encoding="utf-8")
    print(f"fact store: {len(store['facts'])} facts, {len(store['topics'])} topics -> {args.out}")
    print(report)
    return 0


if __name__ == "__main__":
    sys.exit(main())
