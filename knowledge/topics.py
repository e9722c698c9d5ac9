"""Finding the topics a message talks about: lemma phrases, Korean substrings, typos."""

import re
from dataclasses import dataclass
from typing import Dict, List, Sequence, Tuple

from rapidfuzz import fuzz, process
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc

from knowledge.nlp import SCRIPT_BOUNDARY, pipeline
from knowledge.store import FactStore
from knowledge.text_cache import text_cache

HANGUL = re.compile(r"[\uac00-\ud7a3]")
HANGUL_WORD = re.compile(r"[\uac00-\ud7a3]+")
# A typo must be this close (rapidfuzz ratio, 0-100) to an alias of at least FUZZY_MIN_CHARS.
FUZZY_MIN_RATIO = 86
FUZZY_MIN_CHARS = 6
# A typo usually keeps the first letter ("peeling" is not a typo of "feeling"); long aliases
# may lose it ("kolagen mask").
FUZZY_ANY_START_CHARS = 10
FUZZY_MIN_WORD_RATIO = 75


@dataclass(frozen=True)
class Mention:
    topic_id: str
    start: int
    end: int
    alias: str  # the alias as the store spells it: "collagen mask" for a typed "kolagen mask"


class TopicMatcher:
    """Finds topic mentions in a message, longest match first."""

    def __init__(self, store: FactStore, qualifiers: Sequence[str] = (), products: Sequence[str] = ()) -> None:
        """``qualifiers``: words that name a topic alone but only qualify a product's name right
        after them, one ending in a word of ``products`` ("Korean" of "a Korean exfoliating pack"
        is no question about Korean skin care; that of "Korean exfoliation" is)."""
        self._qualifiers = frozenset(word.lower() for word in qualifiers)
        self._products = frozenset(word.lower() for word in products)
        nlp = pipeline()
        self._matcher = PhraseMatcher(nlp.vocab, attr="LEMMA")
        self._korean: List[Tuple[str, str]] = []
        self._fuzzy: Dict[int, List[Tuple[str, str]]] = {}
        for topic in store.topics.values():
            # In the store's order, not a set's: the order decides between equally close typo
            # matches, and a set's order changes with the process's hash seed.
            for alias in dict.fromkeys(a.lower() for a in topic.aliases):
                if HANGUL.search(alias):
                    self._korean.append((alias.replace(" ", ""), topic.id))
                    continue
                self._matcher.add(topic.id, [nlp(alias)])
                if len(alias) >= FUZZY_MIN_CHARS:
                    token_count = len(nlp.tokenizer(alias))
                    self._fuzzy.setdefault(token_count, []).append((alias, topic.id))

    def mentions(self, text: str) -> List[Mention]:
        """Topic mentions in ``text`` (see ``_mentions``), cached: answering one message looks
        at the same text's topics several times."""
        return list(self._cached_mentions(text))

    @text_cache(maxsize=1024)  # one matcher lives as long as the process
    def _cached_mentions(self, text: str) -> Tuple[Mention, ...]:
        return tuple(self._mentions(text))

    def _mentions(self, text: str) -> List[Mention]:
        """Topic mentions in ``text``, in reading order; char offsets are into ``text``.

        Exact lemma matches and typo matches compete on length, so "pores sagg" beats the
        exact but generic "pores"; at equal length an exact match wins.
        """
        spaced, origin = split_scripts(text)
        doc = pipeline()(spaced.lower())
        candidates = [
            (end - start, 1, start, end, doc.vocab.strings[match_id], doc[start:end].text)
            for match_id, start, end in self._matcher(doc)
        ]
        candidates += [
            (end - start, 0, start, end, topic, alias) for start, end, topic, alias in self._fuzzy_candidates(doc)
        ]
        taken: set = set()
        found: List[Mention] = []
        for _, _, start, end, topic_id, alias in sorted(candidates, reverse=True):
            if taken.isdisjoint(range(start, end)):
                taken.update(range(start, end))
                last = doc[end - 1].idx + len(doc[end - 1]) - 1
                found.append(Mention(topic_id, origin[doc[start].idx], origin[last] + 1, alias))
        found += self._korean_mentions(text)
        return self._without_qualifiers(text, sorted(found, key=lambda mention: mention.start))

    def _without_qualifiers(self, text: str, mentions: List[Mention]) -> List[Mention]:
        """The mentions but a qualifier's that a product's name follows right after it."""

        def qualifies(index: int) -> bool:
            if (
                index + 1 >= len(mentions)
                or text[mentions[index].start : mentions[index].end].lower() not in self._qualifiers
            ):
                return False
            following = mentions[index + 1]
            named = text[following.start : following.end].lower().split()
            return text[mentions[index].end : following.start].isspace() and bool(named) and named[-1] in self._products

        return [mention for index, mention in enumerate(mentions) if not qualifies(index)]

    def _fuzzy_candidates(self, doc: Doc) -> List[Tuple[int, int, str, str]]:
        """(start token, end token, topic, alias) for each window of words that is a typo of an alias."""
        found: List[Tuple[int, int, str, str]] = []
        for token_count, aliases in self._fuzzy.items():
            choices = [alias for alias, _ in aliases]
            for start in range(len(doc) - token_count + 1):
                window = doc[start : start + token_count].text
                match = process.extractOne(window, choices, scorer=fuzz.ratio, score_cutoff=FUZZY_MIN_RATIO)
                if match and _plausible_typo(window, match[0]):
                    found.append((start, start + token_count, aliases[match[2]][1], match[0]))
        return found

    def _korean_mentions(self, text: str) -> List[Mention]:
        """Korean aliases found in the text with its spaces removed ("각질 팩을" has 각질팩),
        longest first; offsets are into ``text`` itself, like every other mention's."""
        if not HANGUL.search(text):
            return []
        lowered = text.lower()
        original_index = [index for index, char in enumerate(lowered) if not char.isspace()]
        compact = "".join(lowered[index] for index in original_index)
        found: List[Mention] = []
        taken: List[Tuple[int, int]] = []
        for alias, topic_id in sorted(self._korean, key=lambda item: -len(item[0])):
            start = compact.find(alias)
            end = start + len(alias)
            if start >= 0 and not any(s < end and start < e for s, e in taken):
                taken.append((start, end))
                found.append(Mention(topic_id, original_index[start], original_index[end - 1] + 1, alias))
        return found


def split_scripts(text: str) -> Tuple[str, List[int]]:
    """``text`` with a space where Latin letters meet Hangul ("AHA나" -> "AHA 나"), and for each
    character of the result the index of the character of ``text`` it is (a space added
    stands for the character after it)."""
    spaced: List[str] = []
    origin: List[int] = []
    cuts = {match.start() for match in SCRIPT_BOUNDARY.finditer(text)}
    for index, char in enumerate(text):
        if index in cuts:
            spaced.append(" ")
            origin.append(index)
        spaced.append(char)
        origin.append(index)
    return "".join(spaced), origin


def _plausible_typo(window: str, alias: str) -> bool:
    """A typo keeps the first letter ("peeling" is not "feeling") unless the alias is long
    ("kolagen mask"), and every word stays close and keeps its first letter unless it is long
    itself: "moisturizing make" is no "moisturizing pack", "are pores" no "large pores"."""
    if window[:1] != alias[:1] and len(alias) < FUZZY_ANY_START_CHARS:
        return False
    return all(
        fuzz.ratio(typed, meant) >= FUZZY_MIN_WORD_RATIO and (typed[:1] == meant[:1] or len(meant) >= FUZZY_MIN_CHARS)
        for typed, meant in zip(window.split(), alias.split())
    )
