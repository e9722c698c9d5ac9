"""Stage 2 of answering: the facts that could answer one question, best first, or why none can.

The topic of a question comes first (its mentions, else the rest of the message's topics, else
the conversation's last topic); the kind of question (how often, why, which...) then picks
among that topic's facts, with BM25 over the facts' lemmas as the tie-breaker and as the
search when no topic is named. A question with nothing about skin in it gets no fact at all.
"""

import math
import re
from dataclasses import dataclass, field
from enum import Enum
from functools import lru_cache
from typing import Dict, FrozenSet, Iterable, List, Mapping, Optional, Pattern, Sequence, Set, Tuple

from rank_bm25 import BM25Okapi
from rapidfuzz import fuzz, process

from answering.settings import DetailCue, settings
from answering.understand import (
    asked_details,
    asked_kind,
    asked_spans,
    checks_a_claim,
    cued_kind,
    cued_kinds,
    sentence_spans,
)
from knowledge.nlp import content_lemmas, thing_words
from knowledge.store import Fact, FactStore
from knowledge.text_cache import text_cache
from knowledge.topics import HANGUL, HANGUL_WORD, Mention, TopicMatcher

_SAFE_TERM = re.compile(r"^[A-Za-z][A-Za-z' \-]{1,39}$")
OVERVIEW_KIND = "overview"
# A Korean particle right after a word ("마스크는", "마스크도").
KOREAN_PARTICLE = "[은는이가을를도요랑만]"
_WORD = re.compile(r"^[a-z]{3,}$")


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
    # Topics of the rest of the message ("why do pores sag, and what can I put on them?"),
    # used before the conversation's when the question names none.
    background_topics: Sequence[str] = ()
    # The whole message says something about skin, even if this question does not.
    skin_context: bool = False
    # The question was picked out of a long post: the story around it is its background.
    of_a_post: bool = False
    # Answer the covered part: the uncovered term has been named already.
    ignore_uncovered: bool = False
    # The whole message is about a thing of another subject ("판젤라틴 몇 장 넣어요? 콜라겐
    # 가루로 대신해도 돼?"), even if this question does not name it.
    another_subject: bool = False
    # Facts that answer the message's earlier questions: a broad question after them ("so is
    # this aging or clogging? and what should i actually be putting on my face for it") asks
    # for another overview than theirs.
    answered_before: Tuple[str, ...] = ()


@dataclass
class Result:
    outcome: Outcome
    fact: Optional[Fact] = None
    topics: List[str] = field(default_factory=list)
    kind: Optional[str] = None
    missing: Optional[str] = None  # the uncovered term, or the reply key of a missing detail
    suggestions: List[Fact] = field(default_factory=list)
    reason: str = ""  # why, for the turn's log line
    # The question named no topic, and no skin-care word or points back ("or should I get a
    # silicone-free one?", "or do they open up again?"): its topics are borrowed.
    names_nothing: bool = False
    # ... and has no skin-care word at all ("한 회당 가격대도 궁금해요").
    says_nothing_of_skin: bool = False
    # An uncovered term is what the question is about: it names no specific topic beside it.
    about_the_term: bool = False
    # A borrowed question of a post with no skin-care word that asks no detail and nothing but
    # what something is ("what's actually going on there?", not "how often?" nor "what if I
    # overdo it?"): beside a question that names its subject, it asks that question again.
    asks_nothing_new: bool = False
    # The question asks a detail (how often, how long...), whatever subject it borrowed.
    asks_a_detail: bool = False
    # The question named only pores and was answered from the topics of the post around it: a
    # question that names its own subject comes first.
    from_the_story: bool = False
    # The question named only pores, or nothing, did not ask what they are or why, and got what
    # pores are or why they matter (``pores_at_large_facts``): beside a question about an
    # uncovered term it is no answer ("what are pores exactly?" asks for it and keeps it).
    of_pores_at_large: bool = False
    # The question named no topic nor skin of the person's own ("my skin is oily but…"), and its
    # fact was found by its words alone (BM25): beside
    # questions about something else, it is about that too ("...panna cotta to set, and how do
    # i stop a skin forming on it").
    by_wording_only: bool = False


class Retriever:
    def __init__(self, store: FactStore) -> None:
        self.store = store
        self._settings = settings().gather
        self.topic_matcher = TopicMatcher(store, self._settings.topic_qualifiers, self._settings.qualified_products)
        self._bm25 = BM25Okapi([list(fact.lemmas) for fact in store.facts])
        self._position = {fact.id: index for index, fact in enumerate(store.facts)}
        self._vocabulary = sorted(store.vocabulary)
        self._idf = {word: max(value, 0.0) for word, value in self._bm25.idf.items()}
        self._rarest_idf = max(self._idf.values(), default=1.0)
        # Words that name skin itself (skin, face, nose…), not a product with other lives.
        self._body_lemmas = (
            store.skin_word_lemmas
            - set(self._settings.everyday_skin_words)
            - set(self._settings.korean_everyday_skin_words)
        )
        # What a product comes as ("toner", "앰플"): after a topic, the form of that topic.
        self._product_forms = set(self._settings.everyday_skin_words) | set(self._settings.korean_everyday_skin_words)
        # One pattern for all uncovered terms, longest first, so "hyaluronic acid" is one term:
        # an English term stands alone ("niacinamide", "niacinamides"), a Korean one may carry a
        # particle ("나이아신아마이드는").
        # A Korean term of three syllables or more also counts inside a compound ("스킨보톡스"),
        # and one of two words also written as one ("클레이마스크").
        alternatives = [
            (r"(?<!\w)" if len(term.replace(" ", "")) < 3 or not HANGUL.search(term) else "")
            + (re.escape(term.lower()).replace(r"\ ", " ?") if HANGUL.search(term) else re.escape(term.lower()))
            + ("" if HANGUL.search(term) else r"s?(?!\w)")
            for term in sorted(store.skincare_terms, key=len, reverse=True)
        ]
        self._terms = re.compile("|".join(alternatives), re.IGNORECASE) if alternatives else None
        # The product forms the sources don't cover ("toner", "토너"): the ones a topic can carry.
        lowered_terms = {term.lower() for term in store.skincare_terms}
        self._uncovered_forms = sorted(form for form in self._product_forms if form.lower() in lowered_terms)
        self._topic_names = [store.topic_name(topic) for topic in store.topics]
        # Each topic's first name of several words ending in a product's word, by that word
        # ("collagen mask" under "mask"), and the product's word standing alone, for
        # ``_with_context_heads``.
        self._product_names: Dict[str, Dict[str, str]] = {}
        for topic_id, topic in store.topics.items():
            for alias in topic.aliases:
                words = alias.split()
                if len(words) >= 2 and words[-1].lower() in self._product_forms:
                    self._product_names.setdefault(topic_id, {}).setdefault(words[-1].lower(), alias)
        # ... and a product's word the person calls their own ("my masks"), for ``_with_own_heads``:
        # products only, not the states of skin a topic's name may end in ("skin is dry")
        products = set(self._settings.qualified_products)
        self._own_product_word = {
            head: re.compile(rf"{self._settings.own_product.pattern}(?P<head>{re.escape(head)})(?=s?\b)", re.IGNORECASE)
            for names in self._product_names.values()
            for head in names
            if head in products and not HANGUL.search(head)
        }
        self._product_word_alone = {
            head: re.compile(rf"(?<!\w){re.escape(head)}(?=s?\b|{KOREAN_PARTICLE}|$)", re.IGNORECASE)
            for names in self._product_names.values()
            for head in names
        }
        # Each fact's phrasings with their idf weight, for ``_wording``.
        self._phrasings = {
            fact.id: [(set(lemmas), self._weight(set(lemmas))) for lemmas in fact.phrasing_lemmas]
            for fact in store.facts
        }

    def retrieve(self, question: Question) -> Result:
        named = self.topic_matcher.mentions(question.text)
        terms = [] if question.ignore_uncovered else self._term_spans(question.text, named)
        mentions = self._not_set_aside(
            question.text,
            [  # "hyaluronic acid" is a term of its own, not the topic "acids"; "blackhead
                # suction gadgets" are suction gadgets, not blackheads; "pore vacuum gadgets" are
                # pore vacuums, not the gadget the sources name
                m
                for m in named
                if not any(start <= m.start and m.end <= end for _, start, end in terms)
                and not any(question.text[m.end : start].isspace() for _, start, _ in terms)
                and not any(question.text[end : m.start].isspace() for _, _, end in terms)
            ],
        )
        # A broad question asks for what it names itself ("my pores get bigger every year. how
        # do people tighten them up?" asks about tightening): its own topics come first.
        broad = asked_kind(question.text) == OVERVIEW_KIND
        topics = self._specific_first(
            [m.topic_id for m in self._main_first(question.text, mentions, asked_first=broad)]
            + self._entity_topics(question.entity_values)
        )
        unknown = [
            question.text[start:end]
            for _, start, end in terms  # as the person wrote it
            # (a term longer than a topic's name it overlaps is still the term: "저분자 콜라겐", the
            # "pores on my back" of "big pores on my back")
            if not any(m.start < end and start < m.end and not _outweighs(start, end, m) for m in mentions)
        ]
        if not question.ignore_uncovered:
            unknown += self._foreign_entities(question.entity_values)
        if question.needs_specific_topic and not self._names_skin_care(question.text, topics, unknown, terms):
            return Result(Outcome.OUT_OF_DOMAIN, reason="out-of-scope intent, no specific topic")
        if self._off_domain(question, mentions, unknown):
            return Result(Outcome.OUT_OF_DOMAIN, reason="nothing about skin")
        cued = asked_kind(question.text)
        if (
            cued in (None, "what_is")
            and settings().understand.relation.search(question.text)
            # ... of its own topics, or of the story's it borrows ("Is it possible that quitting
            # is actually related to this?")
            and set(topics or question.background_topics) & set(self._settings.relation_cause_topics)
        ):
            cued = "cause"  # "혹시 건조한거랑 관계있나요?": is dryness what makes them look big
        kind = cued or question.intent_kind
        borrowed = not topics and not unknown
        # "…or do they just stretch your pores?": "pores" alone, pointing back, names nothing either.
        generic_only = bool(topics) and set(topics) <= {self._settings.generic_topic} and not unknown
        if generic_only and not question.context_topics and settings().understand.what_to_do.search(question.text):
            kind = OVERVIEW_KIND  # "my nose pores r massive what do i do 😭": what to do about pores at all
        causes = set(self._settings.broad_cause_topics) | set(self._settings.relation_cause_topics)
        named_causes = set(topics or question.background_topics or question.context_topics)
        if settings().understand.other_causes.search(question.text) and named_causes and named_causes <= causes:
            # "그냥 피지 많아서 그런거예요?? 다른 이유도 있나여": one cause named, the others asked
            every_cause = self._with_every_cause(question.text, "cause", reason="other causes")
            if every_cause is not None:
                return every_cause
        if (
            cued == "cause"
            and topics
            and set(topics) <= set(self._settings.broad_cause_topics)
            and not unknown  # "is the sugar causing it?" asks about sugar
            and not question.of_a_post
            and not asked_details(question.text)
            and not self._settings.narrowing_clause.search(question.text)
        ):
            # "what makes pores look big in the first place": every cause, not the one whose
            # phrasing shares "look big" (dryness)
            every_cause = self._with_every_cause(question.text, kind, reason="a broad why")
            if every_cause is not None:
                return every_cause
        claimed_case = (
            self.named_case(question.text, topics or question.background_topics)
            if checks_a_claim(question.text)
            else None
        )
        if claimed_case is not None:
            # "My friend says I should use a serum instead of pills. Is that true?": the case the
            # claim names (vitamin C supplements)
            return self._answer_with(claimed_case, question.text, kind, reason="the case a claim names")
        # ... but "are the pills even worth it" after a story about vitamin C tablets names a
        # case of the story's topic (vitamin C supplements), whatever a phrasing says of worth
        if (
            borrowed
            and question.background_topics
            and self.named_case(question.text, question.background_topics) is None
            # (not "and should i put it on in the morning or at night" nor "and is it better at
            # night", about the thing named before)
            and not settings().understand.uses_it.search(question.text)
            and not settings().understand.pronoun_subject.search(question.text)
        ):
            own = self._worded_as(question.text)
            if own is not None:
                # "…how can my skin be oily and dry at the same time??" at the end of a post
                # about moisturizers asks what a fact's phrasing asks, not about moisturizers;
                # so does "…and where on the face does dead keratin build up" after a gadget.
                return self._answer_with(own, question.text, kind, reason="worded like its phrasing")
        story_topics: List[str] = []
        named_topics = list(topics)
        for_a_skin_type = self._for_a_skin_type(question, named_topics)
        if borrowed:
            topics = list(question.background_topics or question.context_topics)
            topics = self._case_first(question.text, topics)
            if kind == OVERVIEW_KIND:
                # "…is this an aging thing? and what should I put on my face?": what helps with
                # what the message's questions before it were answered about, before the rest of
                # the story (the cleanser of its routine)
                answered = [t for fact_id in question.answered_before for t in self.fact_topics(fact_id)]
                topics = list(dict.fromkeys([t for t in answered if t in topics] + topics))
                if topics and set(topics) <= set(self._settings.cause_topics):
                    # "이거 걍 유전이야? 그럼 관리해도 소용없는거?": what to do about pores whose
                    # cause was asked, not the cause again
                    topics += list(self._settings.broad_cause_topics)
            if (kind == "frequency" and not question.background_topics) or kind == OVERVIEW_KIND:
                # "how often tho" after sensitive skin and exfoliating packs asks about the
                # packs: a condition (weak topic) has no frequency of its own; "whats the bare
                # minimum i can do about it" after the sun and sagging pores asks what helps
                # sagging pores: a condition has nothing to do about of its own either.
                topics.sort(key=lambda topic: topic in self.store.weak_topics)
        elif generic_only and kind != OVERVIEW_KIND and (question.of_a_post or self._points_back(question)):
            # "…is there any connection between quitting, the schedule stuff and my pores?" at
            # the end of a post about night shifts: "pores" is what it is about, the story's
            # topics are what it asks about; so are the message's for "…and does it do anything
            # for acne scars or only pores?" after a question about vitamin C.
            story_topics = [topic for topic in question.background_topics if topic not in topics]
            topics = self._case_first(question.text, story_topics + topics)
        elif question.context_topics and mentions and all(_sets_the_scene(question.text, m) for m in mentions):
            # "패치테스트 해보고 괜찮으면 일주일에 몇번 해요?" after a question about an exfoliating pack
            # for sensitive skin: what it names only sets the scene; the pack is what it asks about
            topics = [topic for topic in question.context_topics if topic not in topics] + topics
        elif for_a_skin_type:
            # "what about for oily skin?", "지성이면요?" after how to cleanse: the last question,
            # for that skin type.
            topics = [topic for topic in question.context_topics if topic not in topics] + topics
            if (
                question.context_kind
                and settings().understand.refers_back.search(question.text)
                and cued_kind(question.text) in (None, "what_is")
            ):
                kind = question.context_kind  # "does that still work if my skin is super oily?"
        elif self._pairs_with_context(question, topics):
            # "same day as exfoliating?" after collagen masks, "콜라겐 마스크랑 같이 써도 돼?"
            # after exfoliating, "how often do I use collagen masks, and on the same day as
            # exfoliating?": both.
            paired = list(question.context_topics) + list(question.background_topics)
            topics += [topic for topic in paired if topic not in topics]
        if (
            question.is_follow_up
            and cued is None
            and question.context_kind
            and self.named_case(question.text, topics) is None
        ):
            kind = question.context_kind  # "and BHA?" asks the last question again
            cued = kind  # ... as its wording asked it (not "what about those cleansers that have
            # acids in them?", which names a case of its own)
        if (
            kind == OVERVIEW_KIND
            and not borrowed
            and self._asks_about_pore_care_at_large(question.text, mentions, topics)
        ):
            # "the full rundown on pore care: cleansing, masks, acids": pores, then the rest
            topics = [self._settings.generic_topic] + topics
        elif kind == OVERVIEW_KIND:
            # "which anti-aging ingredients are worth it for pores getting looser?": what helps
            # the sagging pores; nothing is done about a condition (ageing) itself
            topics = sorted(topics, key=lambda topic: topic in self.store.weak_topics)
        overviews = [fact for fact in self.store.facts_about(topics) if OVERVIEW_KIND in fact.kinds]
        # An overview is of its first topic, or of three things or more the question names
        # ("각질팩이랑 보습팩, 콜라겐마스크 … 루틴 좀 짜주실수 있나요?": the weekly routine; the order
        # of two packs is their own fact's), or of a question that names its case ("a weekly plan
        # for exfoliating + masks?")
        cases = self._settings.named_cases
        of_them = [
            fact
            for fact in overviews
            if fact.topics[0] in topics
            or len(set(fact.topics) & set(topics) - self.store.weak_topics) >= 3
            or (fact.id in cases and cases[fact.id].search(question.text) is not None)
        ]
        if kind == OVERVIEW_KIND and not of_them:
            # Only for a condition the question names itself or the last answer was about ("so
            # what can i do about it" after when ageing starts), not one a story mentions, unless
            # a question before it got that overview ("유전이라 포기해야되나요?? … 뭘 해야 좀 덜
            # 보일까요": asked again, said once).
            listing = None if unknown else self._overview_listing(topics)
            if borrowed and question.background_topics and listing and listing.id not in question.answered_before:
                listing = None
            if listing is not None:
                # "so if it's genetic can i still do anything about it?": what helps, from the
                # overview that lists genetics among the things that decide how pores look.
                return self._answer_with(listing, question.text, kind, reason=f"the overview listing {topics[0]}")
            # "what should I use after a peel?", "a good cleansing routine?" sound broad but are
            # about one topic: the next cue
            kind = next((k for k in cued_kinds(question.text) if k != OVERVIEW_KIND), question.intent_kind)
        if unknown and self._asked_about_a_covered_topic(question.text, terms, mentions):
            # "does sunburn make pores sag? i never wear sunscreen": the question is covered,
            # the uncovered term is background; the reply answers and names it.
            result = self._answer_for_topics(
                _with_aliases(question.text, mentions),
                topics,
                kind,
                kind_is_cued=cued is not None,
                named_topics=named_topics,
            )
            # (an answer names the term beside it; a detail no source gives keeps its own reply)
            if result.outcome is Outcome.ANSWER:
                result.missing = unknown[0]
                result.reason += f"; uncovered term {unknown[0]!r} outside the question"
            return result
        compared = self._compared_with_the_term(question.text, terms, mentions) if unknown else None
        if compared is not None:
            partner, term = compared
            # "retinol이랑 세라마이드 중에 뭐가 나아요?", "chemical peels or microneedling?": what the
            # sources say of the one they cover, and that they don't cover the other.
            result = self._answer_for_topics(
                _with_aliases(question.text, mentions),
                [partner] + [topic for topic in topics if topic != partner],
                kind,
                kind_is_cued=cued is not None,
                named_topics=named_topics,
            )
            if result.outcome is Outcome.ANSWER:
                result.missing = term
                result.reason += f"; compared with the uncovered term {term!r}"
                return result
        if unknown:
            return Result(
                Outcome.TERM_NOT_COVERED,
                topics=topics,
                kind=kind,
                missing=unknown[0],
                suggestions=self._suggestions(question.text, topics, exclude=None),
                reason=f"uncovered term {unknown[0]!r}",
                about_the_term=not set(topics) - self.store.weak_topics - {self._settings.generic_topic},
            )
        text = _with_aliases(question.text, mentions)
        if topics:
            result = self._answer_for_topics(
                text,
                topics,
                kind,
                kind_is_cued=cued is not None,
                named_topics=named_topics,
                for_a_skin_type=for_a_skin_type,
                answered_before=question.answered_before,
                of_a_post=question.of_a_post,
            )
            result.from_the_story = result.fact is not None and bool(set(result.fact.topics) & set(story_topics))
            result.of_pores_at_large = (
                (generic_only or borrowed)
                and cued not in ("what_is", "cause")
                and result.fact is not None
                and result.fact.id in self._settings.pores_at_large_facts
            )
            if borrowed or generic_only:
                without_skin_words = borrowed and not self._has_skin_care_words(question.text)
                refers_back = bool(settings().understand.refers_back.search(question.text))
                result.names_nothing = without_skin_words or refers_back
                result.says_nothing_of_skin = without_skin_words
                result.asks_a_detail = bool(asked_details(question.text))
                result.asks_nothing_new = (
                    question.of_a_post
                    and without_skin_words
                    and not asked_details(question.text)
                    and set(cued_kinds(question.text)) <= {"what_is"}
                    # "do the pills even help": the special case of a fact is something new
                    and not any(case.search(question.text) for case in self._settings.special_cases.values())
                )
            return result
        return self._answer_free_text(text, kind)

    def _asks_about_pore_care_at_large(self, text: str, mentions: List[Mention], topics: List[str]) -> bool:
        """Whether a broad question names pores and, beside them, subjects of more than one
        kind (cleansing, masks, acids; conditions like ageing don't count), or names only pores
        in the sentences that ask ("washing my face with bar soap. what's a basic routine for
        pores?"): pore care at large, not one of those subjects."""
        generic = self._settings.generic_topic
        if generic in topics or not any(m.topic_id == generic for m in mentions):
            return False
        asked = asked_spans(text)
        asked_topics = {m.topic_id for m in mentions if any(a <= m.start < b for a, b in asked)}
        specific = [topic for topic in topics if topic not in self.store.weak_topics]
        return asked_topics == {generic} or len(self.subjects(specific)) >= 2

    def _overview_listing(self, topics: List[str]) -> Optional[Fact]:
        """For a broad question about conditions only (genetics, aging, the sun: the store's
        weak topics), the first overview one of whose items is about one of them: "what should
        someone my age be doing?" gets what makes pores less visible, anti-aging care among it."""
        if not topics or not set(topics) <= self.store.weak_topics | {self._settings.generic_topic}:
            return None
        for overview in (fact for fact in self.store.facts if OVERVIEW_KIND in fact.kinds):
            listed = [self.store.fact(item.fact_id) for item in overview.items]
            if any(fact is not None and set(fact.topics) & set(topics) for fact in listed):
                return overview
        return None

    def _not_set_aside(self, text: str, mentions: List[Mention]) -> List[Mention]:
        """The mentions but those named only to be set aside ("besides vit c, what else
        tightens pores?"), unless nothing else is named."""
        cues = settings().understand
        kept = [
            m
            for m in mentions
            if not cues.set_aside_before.search(text[: m.start]) and not cues.set_aside_after.match(text[m.end :])
        ]
        return kept or mentions

    def with_named_ones(self, question: str, message: str, context_topics: Sequence[str] = ()) -> str:
        """``question`` with "the collagen one" spelled as the message named it ("the collagen
        mask"), when the message or the conversation's subject names a topic that begins with
        that word, or when only one topic's name does ("the exfoliating ones": exfoliating pack)."""
        written = [message[m.start : m.end] for m in self.topic_matcher.mentions(message)]
        written += [self.store.topic_name(topic) for topic in context_topics]

        def named(match: "re.Match[str]") -> str:
            word = match.group(1).lower() + " "
            said = [name for name in written if name.lower().startswith(word)]
            # ...or the one topic whose name begins so ("the exfoliating ones": exfoliating packs)
            only = [name for name in self._topic_names if name.lower().startswith(word)]
            return f"the {(said or only)[0]}" if said or len(only) == 1 else match.group(0)

        spelled = self._with_carried_forms(settings().understand.named_one.sub(named, question), message)
        if question != message:
            spelled = self._with_own_heads(spelled, message)
        return self._with_context_heads(spelled, context_topics)

    def with_the_subject_before(self, question: str, before: str) -> str:
        """``question`` with its pronoun subject ("does it go before or after exfoliating?")
        spelled as the one specific topic the question before named ("how often should I use a
        collagen mask"), when it names one and nothing the sources don't cover, and the question
        names a specific topic of its own beside "it" (one that names none, or only a condition
        like ageing, is about the message's topics anyway: "is pore size genetic?? and do they get
        worse as u get older", "is that a myth?" after a cold's vitamin C)."""
        pronoun = settings().understand.pronoun_subject.match(question)
        broad = self.store.weak_topics | {self._settings.generic_topic}
        if pronoun is None or not set(self.topics_of(question)) - broad or self.uncovered_terms(before):
            return question
        named = [mention for mention in self.topic_matcher.mentions(before) if mention.topic_id not in broad]
        if len({mention.topic_id for mention in named}) != 1:
            return question
        start, end = pronoun.span("pronoun")
        return question[:start] + before[named[0].start : named[0].end] + question[end:]

    def _with_context_heads(self, question: str, context_topics: Sequence[str]) -> str:
        """``question`` with a product's word alone ("the mask", "마스크는") spelled out as the
        conversation's topic named so ("collagen mask"), when the question names no topic and
        only one of the conversation's topics has a name of several words ending in it."""
        if not context_topics or self.topic_matcher.mentions(question):
            return question
        names_by_head: Dict[str, Dict[str, str]] = {}  # last word -> topic -> its first such name
        for topic in dict.fromkeys(context_topics):
            for head, alias in self._product_names.get(topic, {}).items():
                names_by_head.setdefault(head, {})[topic] = alias
        for head, names in names_by_head.items():
            alone = self._product_word_alone[head]
            if len(names) == 1 and alone.search(question):
                return alone.sub(next(iter(names.values())), question, count=1)
        return question

    def _with_own_heads(self, question: str, message: str) -> str:
        """``question`` with a product's word that the person calls their own ("how should I
        fit my masks around a clinic procedure?", ``own_product``) spelled out as the one topic
        of the rest of the message named so ("I do collagen sheet masks at home"), where the
        question names none of that word itself."""
        mentions = self.topic_matcher.mentions(question)
        said = {mention.topic_id for mention in self.topic_matcher.mentions(message)}
        for head, pattern in self._own_product_word.items():
            names = {
                topic: self._product_names[topic][head] for topic in said if head in self._product_names.get(topic, {})
            }
            match = pattern.search(question)
            if len(names) != 1 or match is None:
                continue
            start, end = match.span("head")
            if not any(m.start < end and start < m.end for m in mentions):
                return f"{question[:start]}{next(iter(names.values()))}{question[end:]}"
        return question

    def _points_back(self, question: Question) -> bool:
        """Whether a question of several points back at what the message asked before ("it")."""
        return bool(question.background_topics) and bool(settings().understand.refers_back.search(question.text))

    def _for_a_skin_type(self, question: Question, topics: Sequence[str]) -> bool:
        """Whether a follow-up names only a type of skin ("what about for oily skin?", "저
        민감성인데 그래도 그렇게 해도 돼요?")."""
        skin_types = set(self._settings.skin_types)
        cues = settings().understand
        follows_on = question.is_follow_up or bool(cues.refers_back.search(question.text))
        # A type of skin, not a reaction ("그럼 자극 오면 어케 해야됨" asks what to do when
        # irritated), nor a why-question of its own ("근데 번들거리는데 속은 당기는건 왜그래").
        own_question = bool(cues.condition.search(question.text)) or asked_kind(question.text) == "cause"
        return (
            follows_on
            and not own_question
            and bool(question.context_topics)
            and bool(topics)
            and set(topics) <= skin_types
        )

    def _pairs_with_context(self, question: Question, topics: List[str]) -> bool:
        """Whether a question asks about its topic together with the conversation's or the
        message's other subject: it has the wording of a combination ("same day as my acid
        exfoliant?") and names one subject (an acid exfoliant is exfoliation), or follows on;
        or it follows an answer and asks what to do if something happens ("하다가 자극오면요?")."""
        cues = settings().understand
        if question.context_topics and cues.condition.search(question.text):
            return True
        if not cues.combination.search(question.text):
            return False
        return question.is_follow_up or len(self.subjects(topics)) == 1

    def _main_first(self, text: str, mentions: List[Mention], asked_first: bool = False) -> List[Mention]:
        """The mentions in order, those of a clause that only sets the scene last: "after
        cleansing, can I do a pack?", "세안하고 각질팩 해도 돼요?" ask about the pack; and those
        of the sentences that ask before those of the sentences that tell, with ``asked_first``
        (a broad question's own topics; elsewhere what a post tells may be what it asks about:
        "3교대라 생활패턴이 엉망이에요. 모공 넓어지는 데 영향이 있을까요?"), or, without it, only
        the topics that are also everyday words (``weak_topics``: sun, lifestyle, …) told before
        a sentence that asks about a thing (not a state of pores, not a skin type)."""
        asked = asked_spans(text)
        weak = self.store.weak_topics | {self._settings.generic_topic}
        not_a_thing = weak | set(self._settings.everyday_topics)

        def in_asked(mention: Mention) -> bool:
            return any(a <= mention.start < b for a, b in asked)

        # ... and, in any question, a word that is also everyday language told before a sentence
        # that asks about a thing ("…outside all weekend in sun and city traffic. Is a collagen
        # mask actually doing anything for pores?" asks about the mask, not the sun)
        asks_of_a_thing = any(in_asked(m) and m.topic_id not in not_a_thing for m in mentions)
        # ... and the state of the person's pores told before a question that names something
        # else ("gig photos are brutal on my oval cheek pores. is a peel actually worth it?")
        # (not before a question why: "I have sagging pores. is it because I stopped retinol?",
        # "could it be from my vitamin c serum?")
        states = set(self._settings.pore_states)
        asks_of_another = any(in_asked(m) and m.topic_id not in weak | states for m in mentions) and not any(
            "cause" in cued_kinds(text[a:b]) or self._settings.asks_if_caused_by.search(text[a:b]) for a, b in asked
        )

        def told(mention: Mention) -> bool:
            if not asked or in_asked(mention):
                return False
            # (a skin type told is who asks, which the answer may hinge on: not set aside)
            scene = mention.topic_id in weak and mention.topic_id not in self._settings.skin_types
            return asked_first or (asks_of_a_thing and scene) or (asks_of_another and mention.topic_id in states)

        return sorted(mentions, key=lambda mention: (_sets_the_scene(text, mention), told(mention)))

    def _asked_about_a_covered_topic(
        self, text: str, terms: List[Tuple[str, int, int]], mentions: List[Mention]
    ) -> bool:
        """Whether the sentences that ask (all of them, when every sentence asks) name a specific
        topic, or ask a broad question about pores ("what actually makes pores look smaller??
        ive cycled thru 6 toners"), and no uncovered term but one named to be set aside ("not
        just hide them with makeup"), while the other uncovered terms sit around them."""
        asked = asked_spans(text) or ((0, len(text)),)
        cues = settings().understand
        generic = self._settings.generic_topic
        weak = self.store.weak_topics | {generic}

        def inside(start: int, end: int) -> bool:
            return any(a <= start and end <= b for a, b in asked)

        def in_the_background(end: int) -> bool:
            # "지금은 … 선크림 정도만 바르는데 늘어진 모공에는 어떤 성분…": told before a clause that
            # asks what to use for a covered topic; not "흡입기 써봤는데 모공 더 늘어나는거 아닌가요?",
            # which asks what the term does.
            span_end = next((b for a, b in asked if a <= end <= b), len(text))
            clause_end = cues.background_clause_end.search(text, end, span_end)
            if clause_end is None:
                return False
            asking = text[clause_end.end() : span_end]
            return cued_kind(asking) in ("recommendation", OVERVIEW_KIND) and any(
                m.start >= clause_end.end() and m.end <= span_end and m.topic_id not in weak for m in mentions
            )

        def asked_about(start: int, end: int) -> bool:
            # "…tighten loose pores, not just hide them with makeup": named to be set aside;
            # "why do my blackheads come back after i use biore strips?": it sets the scene
            set_aside = cues.term_set_aside.search(text[:start]) or cues.set_aside_after.match(text[end:])
            # ...only for a "why" ("is it safe to exfoliate after i use accutane?" asks about it)
            scene = "cause" in cued_kinds(text) and bool(
                cues.term_scene_before.search(text[:start]) or cues.term_scene_after.match(text[end:])
            )
            return inside(start, end) and not set_aside and not scene and not in_the_background(end)

        def asks_of_pores(start: int) -> bool:
            # "a basic routine for pores that isnt 12 steps", "why do some ppl have huge pores?? my
            # bf has like glass skin": a question of pores themselves; not "i use niacinamide. is
            # it good for pores?", where "it", before the pores, is the uncovered term.
            return any(
                a <= start < b and cued_kind(text[a:b]) is not None and not cues.refers_back.search(text[a:start])
                for a, b in asked
            )

        # "cheeks are bumpy n pores everywhere, makeup sits in them. whats the game plan": a broad
        # question that names nothing, after sentences about pores (not "how do i get rid of
        # strawberry legs?", which names a body part of its own)
        broad_about_the_story = (
            bool(asked_spans(text))
            and all(cued_kind(text[a:b]) == OVERVIEW_KIND for a, b in asked)
            and not any(inside(m.start, m.end) for m in mentions)
            and not any(set(content_lemmas(text[a:b])) & self._body_lemmas for a, b in asked)
            and any(m.topic_id == generic for m in mentions)
        )
        # "앰플 성분표에 '휴먼 성장인자'라고 써있던데 이게 모공이랑 무슨 상관?": a product form
        # beside an ingredient the question names carries it; the ingredient is asked about
        names_specific = any(inside(m.start, m.end) and m.topic_id not in weak for m in mentions)

        def carrier(term: str) -> bool:
            return names_specific and term.lower() in self._settings.carrier_forms

        return (
            bool(asked)
            and not any(asked_about(start, end) for term, start, end in terms if not carrier(term))
            and (
                broad_about_the_story
                or any(
                    inside(m.start, m.end)
                    and (m.topic_id not in weak or (m.topic_id == generic and asks_of_pores(m.start)))
                    for m in mentions
                )
            )
        )

    def _compared_with_the_term(
        self, text: str, terms: List[Tuple[str, int, int]], mentions: List[Mention]
    ) -> Optional[Tuple[str, str]]:
        """The topic a question compares with an uncovered term, and the term as
        written, when it asks which is better (``comparison``) and nothing but "or", "이랑"...
        stands between them, or when a slash joins them as one thing ("quit vaping/smoking": the
        sources speak of the one they cover)."""
        cues = settings().understand
        compares = bool(cues.comparison.search(text))
        for mention in mentions:
            if mention.topic_id == self._settings.generic_topic:
                continue  # "pores or microneedling?" compares nothing the sources cover
            for term, start, end in terms:
                between = text[mention.end : start] if mention.end <= start else text[end : mention.start]
                if between.strip() == "/" or (compares and cues.comparison_joiner.match(between)):
                    return mention.topic_id, term
        return None

    def with_the_things_compared(self, question: str, message: str) -> str:
        """``question`` with the two things it compares by a pronoun ("What's the difference
        between them?", "둘이 뭐가 달라요?") spelled as the last sentence before it named them
        ("one says Vitamin C and the other says Retinol"), for ``each_compared``; a question
        that names a specific topic of its own stays as it is."""
        cues = settings().understand
        pronoun = cues.things_compared.search(question)
        # (the pores and their states a sentence names beside two products are no things compared)
        states = {self._settings.generic_topic, *self._settings.everyday_topics}
        if pronoun is None or not cues.difference.search(question) or set(self.topics_of(question)) - states:
            return question
        position = message.find(question[:30])
        told = [message[start:end] for start, end in sentence_spans(message) if end <= position]
        # (the nearest sentence that names anything decides: one naming a single product means
        # "them" is not two things told before it)
        for sentence in reversed(told):
            named: Dict[str, str] = {}
            for mention in self.topic_matcher.mentions(sentence):
                # (a skin type told between is who asks: "… I have sensitive skin. What's the
                # difference between them?")
                if mention.topic_id not in states and mention.topic_id not in self._settings.skin_types:
                    named.setdefault(mention.topic_id, sentence[mention.start : mention.end])
            if not named:
                continue
            if len(named) != 2:
                return question
            joiner = "하고 " if any(HANGUL.search(name) for name in named.values()) else " and "
            return f"{question[: pronoun.start()]}{joiner.join(named.values())}{question[pronoun.end() :]}"
        return question

    def each_compared(self, text: str) -> List[str]:
        """A question that sets two topics side by side ("whats the difference between a 각질팩 and a
        보습팩?"), asks what two things are, asks of each of two things (then also a topic beside a
        term the sources don't cover: `each`), or asks whether two causes did it, as one question
        of each, the other's name left out; any other question as it is. A broad
        question ("aging vs clogging, how do I tell?") stays whole: an overview tells them apart;
        nor does one that asks how to combine them ("how should i be timing the exfoliating vs
        the collagen masks?")."""
        cues = settings().understand
        compares = bool(cues.difference.search(text))
        # ... and so does a question whether two causes did it ("이게 햇빛이랑 담배 때문임??")
        kind = asked_kind(text)
        asks_why = kind == "cause"
        # ... and so does one asking what two things are ("what are 각질팩 and 보습팩?"), or asking
        # of each ("각각 어떤 역할이에요?")
        defines = kind == "what_is" or bool(cues.each.search(text))
        if not (compares or asks_why or defines) or kind == OVERVIEW_KIND or cues.combination.search(text):
            return [text]
        causes = set(self._settings.relation_cause_topics)
        mentions = [m for m in self.topic_matcher.mentions(text) if m.topic_id != self._settings.generic_topic]
        # ... a term the sources don't cover among them too, when the question asks of each
        # ("레티놀이랑 바쿠치올 … 각각 어떤 역할"): the covered one is answered, the other named as not
        # covered ("which is better" beside a term is answered with the topic, the term named)
        terms = self._term_spans(text, mentions) if cues.each.search(text) else []
        named: List[Tuple[int, int, Optional[str]]] = sorted(
            [(m.start, m.end, m.topic_id) for m in mentions] + [(start, end, None) for _, start, end in terms]
        )
        for (start, end, topic), (next_start, next_end, next_topic) in zip(named, named[1:]):
            both_causes = topic is not None and next_topic is not None and {topic, next_topic} <= causes
            distinct = topic is None or next_topic is None or self.subjects([topic]) != self.subjects([next_topic])
            if (compares or defines or both_causes) and distinct and cues.comparison_joiner.match(text[end:next_start]):
                return [text[:next_start] + text[next_end:], text[:start] + text[end:]]
        return [text]

    def closest_item(self, text: str, facts: List[Fact], listed: Sequence[str] = ()) -> Optional[Fact]:
        """Of the last answer's items, the one a pick means ("which of those helps make
        collagen?", "그 중에 콜라겐 만드는 데 도움되는 건?"): the closest by the item fact's
        phrasings or by how much of the pick its answer, or what the list said of it
        (``listed``, one text per fact), says (English lemmas weighed by idf, Korean syllable
        pairs), since a pick quotes what the list said. None when nothing of it matches."""
        said_of = dict(zip((fact.id for fact in facts), listed))
        best = max(facts, key=lambda fact: self.closeness(text, fact, said_of.get(fact.id, "")), default=None)
        return best if best is not None and self.closeness(text, best, said_of.get(best.id, "")) > 0 else None

    def closeness(self, text: str, fact: Fact, said: str = "") -> float:
        """How close a pick is to a fact (``closest_item``): by its phrasings, or by how much of
        the pick its answer, or what a list said of it, says."""
        lemmas = set(content_lemmas(text)) - set(self._settings.pick_filler_words)
        korean = _bigrams(hangul_only(text))
        english = f"{fact.answer} {said}"
        hangul = hangul_only(f"{fact.answer_in('ko')} {said}")
        by_english = self._weight(lemmas & set(content_lemmas(english))) / self._weight(lemmas) if lemmas else 0.0
        by_korean = len(korean & _bigrams(hangul)) / len(korean) if korean else 0.0
        return max(self._wording(list(lemmas), fact), by_english, by_korean)

    def facts_of_the_parts(self, bullet: str, own_topic: str) -> List[Fact]:
        """The facts of the things a bullet lists besides its own subject ("anti-aging care:
        vitamin C (helps make collagen), retinol, glycolic acid…": vitamin C's, retinol's…), each
        part by the first topic it names; none for a bullet that lists fewer than three."""
        topics: List[str] = []
        for part in self._settings.list_part.split(bullet):
            mentions = sorted(self.topic_matcher.mentions(part), key=lambda mention: mention.start)
            if mentions and mentions[0].topic_id not in topics:
                topics.append(mentions[0].topic_id)
        listed = [topic for topic in topics if topic not in (own_topic, self._settings.generic_topic)]
        if len(listed) < 3:
            return []  # a bullet about one thing, naming others in passing
        return self.store.facts_about(listed)

    def topics_of(self, text: str) -> List[str]:
        """The topics a text names, specific first, those named only to set a scene ("right
        after washing") last."""
        return self._specific_first(
            [mention.topic_id for mention in self._main_first(text, self.topic_matcher.mentions(text))]
        )

    def _has_skin_care_words(self, text: str) -> bool:
        """Whether ``text`` uses a word of skin care ("where does dead keratin build up?",
        "what temp water should I wash with?"), in English or Korean (피부, 모공, 마스크…)."""
        if set(content_lemmas(text)) & self.store.domain_lemmas:
            return True
        return self._has_korean_skin_word(text, everyday=True)

    def names_skin_itself(self, text: str) -> bool:
        """Whether ``text`` names skin, a part of the face or pores (not only a product)."""
        lemmas = set(content_lemmas(text)) - self._body_words_of_things(text)
        return (
            bool(lemmas & (self._body_lemmas | set(self._settings.pore_words)))
            or self._has_korean_skin_word(text)
            or bool(self._settings.korean_face_pores.search(text))
        )

    def names_skin_in_a_story(self, text: str) -> bool:
        """Whether a story that names things of another subject names skin too: the person's
        own ("the pores on my nose"), or skin beside at most one such thing."""
        if not self.names_skin_itself(text):
            return False
        other_subject_words = self._other_subject_words(text)
        return (
            len(other_subject_words) < 2
            or self._names_own_body(text)
            or self._names_own_pores(text, other_subject_words)
        )

    def has_skin_words(self, text: str) -> bool:
        """Whether ``text`` says something about skin: a skin word ("pore" not as a verb: "pore
        over a lease"), or a specific topic."""
        lemmas = set(content_lemmas(self._settings.not_pores.sub(" ", text))) - self._body_words_of_things(text)
        if lemmas & self.store.skin_word_lemmas:
            return True
        if self._has_korean_skin_word(text) or any(word in text for word in self._settings.korean_pore_words):
            return True  # "모공이 엄청 커요. 이거 유전이면 포기해야 돼요?": 모공 names no specific topic
        return not set(self.topics_of(text)) <= self.store.weak_topics

    def _off_domain(
        self, question: Question, mentions: List[Mention], unknown: List[str], extra_words: int = 0
    ) -> bool:
        """A message about something else that shares words with skin care: "how often should
        I change my car oil?" ("oil"), "my bathroom sink is clogged again" ("clogged"). It names
        no topic that only skin care uses (an NLU entity alone doesn't count: the CRF tags "wash"
        in "wash my car" too) and no body word (skin, face, 피부…), and either names a thing of
        another subject (``other_subject_words``: "open pores in oak") or, with no "pores" or
        모공 in it, has words that no source, fact or topic uses ("car", "sink"): at least
        ``off_domain_min_foreign_words`` of them, one more where a word with other lives is
        there, two more beside an uncovered term, one more in Korean, since one stray word ("how
        often should I exfoliate in winter?") is no other subject. A term with a body word in it
        ("blackhead extractor") and a question asking a detail that a fact of its topics gives
        ("when does collagen start dropping off?") are about skin."""
        if self.names_another_subjects_matter(question.text):
            return True  # "is a pore laser tax-deductible?", "does heating juice kill the vitamin c?"
        if question.skin_context:
            return False
        everyday_topics = set(self._settings.everyday_topics)
        other_subject_words = self._other_subject_words(question.text)
        # A topic's name misspelt beside a thing of another subject is that thing ("a 2L
        # hydration pack for a day hike" is no hydrating pack).
        # So is a topic named by a word with lives elsewhere beside two such things ("20 devices"
        # beside a router and a subnet mask; not "an ad on my phone for a pore device").
        named = [
            m
            for m in mentions
            if not (other_subject_words and _misspelt(question.text, m))
            and not (len(other_subject_words) >= 2 and m.alias.lower() in self._settings.ambiguous_topic_words)
        ]
        if self._serves_a_thing(question.text, other_subject_words):
            return True  # "is vitamin c good for my cat?"
        lemmas = self._literal_lemmas(question.text)
        # An uncovered term may be a skin word itself ("toner"): what counts is the rest, unless
        # the term has a body word in it (below).
        term_lemmas = {lemma for term in unknown for lemma in content_lemmas(term)}
        everyday_skin_words = set(self._settings.everyday_skin_words)
        body_words = self._body_words(question.text, lemmas - term_lemmas)
        if any(m.topic_id not in self.store.weak_topics | everyday_topics for m in named):
            return False
        if self._names_things_not_pores(other_subject_words, lemmas):
            return True  # "sanding drywall: n95 or a half face respirator?"
        if body_words or self._has_korean_skin_word(question.text):
            return False  # "my dog licked my face": about the face
        if term_lemmas & self._body_lemmas and len(other_subject_words) < 2:
            return False  # "metal blackhead extractor loops": a term with a body word is about the body
        if not (other_subject_words or question.another_subject) and any(map(self._skin_care_by_itself, unknown)):
            return False  # "roughly how much is a fraxel session in gangnam?"
        if self._names_own_pores(question.text, other_subject_words):
            return False  # "does dairy make your pores bigger? … i love cheese"
        if question.another_subject or other_subject_words:
            return True  # "open pores in oak", "an engine serum for my civic"
        if (
            lemmas & set(self._settings.pore_words)
            or self._has_korean_pore_word(question.text)
            or self._has_korean_skin_word(question.text, everyday=True)
        ):
            return False  # pores, 모공 (also in 처진모공), 마스크팩, with no thing of another subject: about skin
        if unknown and (lemmas - term_lemmas) & everyday_skin_words:
            return False  # "snail mucin for pores?"
        if self._asks_what_its_facts_give(
            question.text, [m.topic_id for m in mentions if m.topic_id not in everyday_topics]
        ):
            return False  # "when does collagen start dropping off?": collagen's facts give the age
        # "oil" or "sun" beside one word of another subject is that subject ("my car oil"); a
        # verb that has other lives ("clogged", "sagging") or "pores" needs more to be outvoted,
        # and so does a term the sources don't cover ("toner for my laser printer").
        has_everyday_words = bool(lemmas & everyday_skin_words) or any(m.topic_id in everyday_topics for m in mentions)
        needed = self._settings.off_domain_min_foreign_words + (1 if has_everyday_words else 0) + extra_words
        if unknown:
            needed += self._settings.off_domain_extra_words_beside_a_term
        foreign = [word for word in self._foreign_words(list(lemmas)) if word not in term_lemmas]
        # Korean words are judged without their part of speech (a verb the store never uses,
        # "골라야", counts too), so a Korean message needs one more of them.
        korean = [word for word in self._foreign_korean_words(question.text) if not any(t in word for t in unknown)]
        if len(foreign) + len(korean) < needed + (1 if korean else 0):
            return False
        return not self._worded_like_a_fact(list(lemmas))

    def off_domain_as_a_whole(self, text: str, questions: int) -> bool:
        """Whether the whole of a message of ``questions`` questions is about something else by
        the domain gate (``_off_domain``), although one of its questions alone reads as skin care:
        the "탄력 되살리는 법 있음?" after "츄리닝 바지 허리 고무줄 탄력이 다 늘어나서". Each question
        beyond the first needs one more word of another subject: a longer message has more words
        ("how much does morpheus8 usually cost and does it hurt" is still a treatment's)."""
        mentions = self.topic_matcher.mentions(text)
        unknown = [term for term, _, _ in self._term_spans(text, mentions)]
        return self._off_domain(Question(text), mentions, unknown, extra_words=questions - 1)

    def names_things_only(self, text: str) -> bool:
        """Whether each sentence of ``text`` names a thing of another subject, two at least, and
        no pores or body of anyone: its questions are one question about those things ("can i
        use glycolic acid to descale my kettle or is citric acid better"), not "my dog and cat
        have fleas lol. anyway, how often should i use bha?"."""
        things = self._other_subject_words(text)
        if len(things) < 2:
            return False  # (most messages: nothing more to read)
        lemmas = self._literal_lemmas(text)
        return (
            self._names_things_not_pores(things, lemmas)
            and all(self._other_subject_words(text[start:end]) for start, end in sentence_spans(text))
            and not self._body_words(text, lemmas)
            and not self._has_korean_skin_word(text)
        )

    def _names_things_not_pores(self, other_subject_words: Set[str], lemmas: Set[str]) -> bool:
        """Two things of another subject and no pores (``lemmas`` as ``_literal_lemmas`` gives)."""
        return len(other_subject_words) >= 2 and not lemmas & set(self._settings.pore_words)

    def _literal_lemmas(self, text: str) -> Set[str]:
        """The content lemmas of ``text`` without "pore" as a verb ("pore over a 40 page lease")
        or as a thing's ("oak pores")."""
        lemmas = set(content_lemmas(self._settings.not_pores.sub(" ", text)))
        return lemmas - (self._body_words_of_things(text) & set(self._settings.pore_words))

    def _body_words(self, text: str, lemmas: Set[str]) -> Set[str]:
        """The body words among ``lemmas`` that are a person's, not a thing's: not the face of
        "the face on my grandpa's clock", the skins of "my tomatoes' skins", or a likeness
        ("키보드 틈 … 블랙헤드 빼듯이")."""
        body_words = lemmas & self._body_lemmas
        if self._settings.face_of_a_thing.search(text):
            body_words -= {"face"}
        return body_words - self._body_words_of_things(text) - self._korean_likened(text)

    def names_another_subjects_matter(self, text: str) -> bool:
        """Whether ``text`` names a matter of another subject (``other_subject_questions``:
        money, cooking, what helps a cold, camera settings) and no skin of the person's own."""
        return bool(self._settings.other_subject_questions.search(text)) and not self._names_own_body(text)

    def _serves_a_thing(self, text: str, other_subject_words: Set[str]) -> bool:
        """Whether the message is for or about a thing of another subject (``for_a_thing``:
        "is vitamin c good for my cat?", "my pug's wrinkle folds") and names no skin of the
        person's own beside it (``own_body``: "my dog licked my face")."""
        served = {
            word
            for pattern in self._settings.for_a_thing
            for match in pattern.finditer(text.lower())
            for word in thing_words(match.group("thing"))
        }
        # "우리 강아지 발바닥", "고양이한테 줘도 돼?"
        korean_served = [
            match.group("thing")
            for pattern in self._settings.korean_for_a_thing
            for match in pattern.finditer(text)
            if any(match.group("thing").startswith(p) for p in self._settings.korean_other_subject_words)
        ]
        return bool(served & other_subject_words or korean_served) and not self._names_own_body(text)

    def _names_own_body(self, text: str) -> bool:
        """Whether ``text`` names skin of the person's own (``own_body``: "my face", "제 얼굴") or
        of a relative named before it and no pet (``a_relative``, ``relatives_body``: "my son … his
        nose")."""
        lowered = text.lower()
        own = {lemma for match in self._settings.own_body.finditer(lowered) for lemma in content_lemmas(match["body"])}
        relative = self._settings.a_relative.search(lowered)
        if relative is not None and not self._settings.pets.search(lowered):
            # "my 15 year old son … His forehead and nose are super oily"
            own |= {
                lemma
                for match in self._settings.relatives_body.finditer(lowered, relative.end())
                for lemma in content_lemmas(match["body"])
            }
        return bool(own & self._body_lemmas) or bool(self._settings.korean_own_body.search(text))

    def _names_own_pores(self, text: str, other_subject_words: Set[str]) -> bool:
        """Whether ``text`` names a person's pores (``own_body`` ending in a pore word: "my
        pores", "your nose pores"; Korean pores that look bigger, ``korean_pores_changing``),
        not a thing's ("my oak table pores", "가죽 소파 모공이 벌어져서")."""
        pore_words = set(self._settings.pore_words)
        prefixes = self._settings.korean_other_subject_words
        return any(
            set(content_lemmas(match.group(0))) & pore_words and not set(match.group(0).split()) & other_subject_words
            for match in self._settings.own_body.finditer(text.lower())
        ) or any(
            not match["before"].startswith(prefixes) for match in self._settings.korean_pores_changing.finditer(text)
        )

    def _body_words_of_things(self, text: str) -> Set[str]:
        """The body words (as lemmas) that ``text`` says of a thing of another subject: the
        skins of "my tomatoes' skins keep splitting", the skin of "the skin on my pudding", a
        film that forms ("how do i stop a skin forming on it", ``skin_forming``)."""
        things = set(self._settings.other_subject_words)
        film = {"skin"} if self._settings.skin_forming.search(text.lower()) else set()
        return film | {
            lemma
            for pattern in self._settings.skin_of_a_thing
            for match in pattern.finditer(text.lower())
            if set(thing_words(match.group("thing"))) & things
            for lemma in content_lemmas(match.group("body"))
        }

    def foreign_words(self, text: str) -> List[str]:
        """The words of ``text`` that nothing in the store or its questions uses, English and
        Korean, or that name a thing of another subject."""
        lemmas = content_lemmas(text)
        other = [word for word in thing_words(text) if word in self._settings.other_subject_words]
        return self._foreign_words(lemmas) + self._foreign_korean_words(text) + other

    def names_another_subject(self, text: str) -> bool:
        """Whether a message names a thing of another subject that shares skin care's words
        (``other_subject_words``): the oak of "open pores in oak", the pan of "exfoliate a cast
        iron pan", the dog of "collagen for my dog's joints"."""
        return bool(self._other_subject_words(text))

    def _other_subject_words(self, text: str) -> Set[str]:
        """The words of ``text`` that name things of another subject, English and Korean (not
        one in a phrase about something else: "so it actually sinks in", "peach fuzz")."""
        literal = self._settings.other_subject_idioms.sub(" ", text)
        english = set(thing_words(literal)) & set(self._settings.other_subject_words)
        prefixes = self._settings.korean_other_subject_words
        korean = {word for word in HANGUL_WORD.findall(literal) if word.startswith(prefixes)}
        return english | korean

    def _foreign_korean_words(self, text: str) -> List[str]:
        """Korean words that nothing in the store begins with the same two syllables as: the
        "프라이팬" and "자국" of "프라이팬 탄 자국 각질처럼 일어났는데", the "왁스" and "광택" of a
        car. Korean attaches particles and endings to a word ("각질처럼"), so its first two
        syllables stand for it; one-syllable words ("차", "탄") say too little to count, and chat
        words ("진짜", "근데") never count."""
        fillers = set(self._settings.korean_filler_words)
        words = [word for word in HANGUL_WORD.findall(text) if len(word) >= 2 and word[:2] not in fillers]
        return [word for word in words if word[:2] not in self.store.korean_stems]

    def _korean_likened(self, text: str) -> Set[str]:
        """The Korean words said as a likeness: "블랙헤드처럼", the 블랙헤드 of "블랙헤드 빼듯이"."""
        words = HANGUL_WORD.findall(text)
        return {
            word
            for word, after in zip(words, [*words[1:], ""])
            if word.endswith(self._settings.korean_likeness) or after.endswith(self._settings.korean_likeness_after)
        }

    def _has_korean_pore_word(self, text: str) -> bool:
        """Whether a Korean word of ``text`` has 모공 in it (처진모공), not as a likeness ("카스테라
        속에 모공처럼 구멍이 숭숭")."""
        likened = self._korean_likened(text)
        return any(
            pore in word
            for word in HANGUL_WORD.findall(text)
            if word not in likened
            for pore in self._settings.korean_pore_words
        )

    def _has_korean_skin_word(self, text: str, everyday: bool = False) -> bool:
        """Whether a Korean message names skin itself (피부, 얼굴, 모공...), whatever its ending
        but a likeness (``_korean_likened``); with ``everyday``, a skin-care word with other lives
        (마스크, 팩, 각질) counts too, again not as a likeness ("폰 보호필름 각질처럼 일어남")."""
        likened = self._korean_likened(text)
        things = [word for word in HANGUL_WORD.findall(text) if word not in likened]
        if any(word.startswith(skin) for word in things for skin in self._settings.korean_skin_words):
            return True
        everyday_words = self._settings.korean_everyday_skin_words if everyday else ()
        return any(word.startswith(skin) for word in things for skin in everyday_words)

    def _case_first(self, text: str, topics: List[str]) -> List[str]:
        """``topics`` with those of the case ``text`` names outright first: "…a bottle of vitamin c
        tablets … do the tablets actually do anything for pores?" is about vitamin C, not the sun
        the story began with."""
        case = self.named_case(text, topics)
        if case is None:
            return topics
        return [t for t in topics if t in case.topics] + [t for t in topics if t not in case.topics]

    def named_case(
        self, text: str, topics: Sequence[str], cases: Optional[Mapping[str, Pattern[str]]] = None
    ) -> Optional[Fact]:
        """The fact on ``topics`` whose case ``text`` names: by default outright (``named_cases``:
        "영양제로 먹어도" of vitamin C is its supplements; not "does it take long?"), or by the
        looser ``cases`` given (``special_cases``)."""
        chosen = self._settings.named_cases if cases is None else cases
        named = [self.store.fact(fact_id) for fact_id, case in chosen.items() if case.search(text)]
        return next((fact for fact in named if fact is not None and set(fact.topics) & set(topics)), None)

    def _with_every_cause(self, text: str, kind: Optional[str], reason: str) -> Optional[Result]:
        """The answer with every cause the sources give (``broad_cause_fact``), if the store has it."""
        every_cause = self.store.fact(self._settings.broad_cause_fact)
        return None if every_cause is None else self._answer_with(every_cause, text, kind, reason=reason)

    def _worded_as(self, text: str) -> Optional[Fact]:
        """The fact that a question naming no topic asks about in other words: one of its
        phrasings shares two words or more besides skin's own (face, pores) with the question,
        and its idf-weighted Dice overlap is at least ``own_wording_min_dice`` ("how can skin be
        oily and dry at the same time?" and "why is my skin oily but still dry and tight?")."""
        query = set(content_lemmas(text))
        threshold = self._settings.own_wording_min_dice
        # "how do i start using it without wrecking my whole face" shares only "start" beside
        # the face with "why does the face itself start to sag?"
        # ... nor only the words of asking how often or how long ("and how many times a week
        # should i be using it" after a BHA is no question about collagen masks)
        skin_words = self._body_lemmas | set(self._settings.pore_words) | set(self._settings.asking_words)
        best = max(
            (
                (self._wording(list(query), fact), fact)
                for fact in self.store.facts
                if any(len((words & query) - skin_words) >= 2 for words, _ in self._phrasings[fact.id])
            ),
            key=lambda scored: scored[0],
            default=None,
        )
        return best[1] if best is not None and best[0] >= threshold else None

    def _worded_like_a_fact(self, lemmas: List[str]) -> bool:
        """Whether the message holds the wording of a fact's question or paraphrase: at least
        two of its words, a skin word among them ("pores", not "tighten" and "loose" of a door
        hinge), and most of its weight (``on_domain_min_wording``), whatever else it says."""
        query = set(lemmas)
        threshold = self._settings.on_domain_min_wording
        return any(
            len(words & query) >= 2
            and bool(words & query & self.store.skin_word_lemmas)
            and self._weight(words & query) >= threshold * weight
            for phrasings in self._phrasings.values()
            for words, weight in phrasings
        )

    def _foreign_words(self, lemmas: List[str]) -> List[str]:
        """Real words that no source, fact or topic uses: a long word that is no typo of one
        ("exfolate" is), a short one that English uses ("car", "sink"; "wek" is a typo), and no
        chat filler ("lol", "tho")."""
        fillers = set(self._settings.filler_words)
        return [
            lemma
            for lemma in sorted(set(lemmas))
            if _WORD.match(lemma)
            and lemma not in self.store.vocabulary
            and lemma not in fillers
            and (
                lemma in self.store.short_words
                if len(lemma) < self._settings.foreign_min_chars
                else process.extractOne(
                    lemma, self._vocabulary, scorer=fuzz.ratio, score_cutoff=self._settings.typo_min_ratio
                )
                is None
            )
        ]

    def suggestions_for(self, text: str) -> List[Fact]:
        """The facts closest to ``text``, for "did you mean" buttons."""
        return self._suggestions(text, [], exclude=None)

    def _answer_for_topics(
        self,
        text: str,
        topics: List[str],
        kind: Optional[str],
        kind_is_cued: bool,
        named_topics: Sequence[str] = (),
        for_a_skin_type: bool = False,
        answered_before: Sequence[str] = (),
        of_a_post: bool = False,
    ) -> Result:
        """The best fact on ``topics`` for the kind of question; ``named_topics`` are those the
        question named itself, the rest came from the conversation or the message;
        ``for_a_skin_type``: it asks the last question for a skin type it names;
        ``answered_before``: facts an overview question should not repeat."""
        # Korean words are matched by syllable pairs (``korean_wording``): as whole words they
        # carry their particles ("모공이"), and matching those ranks by the particle.
        fillers = set(self._settings.filler_words)
        # A letter alone says nothing: the "c" of "비타민C가" once ranked by itself.
        lemmas = [
            lemma
            for lemma in content_lemmas(text)
            if not HANGUL.search(lemma) and lemma not in fillers and len(lemma) > 1
        ]
        korean = hangul_only(text)
        scores = list(self._bm25.get_scores(lemmas))
        candidates = self.store.facts_about(topics)
        details = asked_details(text)
        for detail in details:
            # a broad question's overview gives its details in passing ("각질팩이랑 보습팩,
            # 콜라겐마스크 … 일주일에 몇번씩 … 루틴 좀 짜주실수 있나요?": the weekly routine)
            candidates = [
                fact
                for fact in candidates
                if has_detail(fact, detail) or (kind == OVERVIEW_KIND and OVERVIEW_KIND in fact.kinds)
            ] or [fact for fact in self._kind_of_facts(topics) if all(has_detail(fact, d) for d in details)]
            if not (candidates if kind == OVERVIEW_KIND else _of_their_own(candidates, topics[0])):
                return Result(
                    Outcome.DETAIL_NOT_COVERED,
                    topics=topics,
                    kind=kind,
                    missing=detail.reply,
                    suggestions=self._suggestions(text, topics, exclude=None),
                    reason=f"no {topics[0]} fact has the detail {detail.reply}",
                )
        if details and kind != OVERVIEW_KIND:
            candidates = _of_their_own(candidates, topics[0])
        # A detail of a kind of its own is that kind of question ("사용법을 … 콜라겐 마스크는 일주일에
        # 몇 번 정도 쓰시라고 하면 될까요?" asks how often, whatever "사용법" cues)
        if kind != OVERVIEW_KIND:
            kind = next((detail.fact_kind for detail in details if detail.fact_kind), kind)
        cues = settings().understand
        if len(topics) >= 2 and (cues.combination.search(text) or cues.condition.search(text) or for_a_skin_type):
            # "same day as my exfoliant?" after collagen masks: a fact about both, one of them
            # named by the question ("살짝 따가우면?" after AHA and BHA asks about stinging, not
            # about AHA and BHA); "my AHA and a collagen mask on the same day": AHA is an
            # exfoliant, so the fact about exfoliating and collagen masks (two subjects, each
            # topic as its broader one).
            asked = self.subjects(topics)
            named = set(named_topics or topics)
            # ... of two subjects when two are asked ("fit a BHA and sheet masks together" is
            # not about AHA and BHA, both exfoliants)
            paired = [
                fact
                for fact in candidates
                if len(set(fact.topics) & set(topics)) >= 2
                and (len(asked) < 2 or len(self.subjects(fact.topics) & asked) >= 2)
            ]
            by_subject = [
                fact
                for fact in self.store.facts_about(list(asked))
                if len(self.subjects(fact.topics) & asked) >= 2 and all(has_detail(fact, d) for d in details)
            ]
            candidates = (
                [fact for fact in paired if named & set(fact.topics)]
                or [fact for fact in by_subject if self.subjects(named) & self.subjects(fact.topics)]
                or paired
                or candidates
            )
            if for_a_skin_type:
                # ... the last question's own subject with that skin type ("does that still
                # work if my skin is super oily?" after which cleanser: the cleanser that removes
                # excess sebum, not what makes oily pores visible), or what the sources say of
                # that skin type itself ("저 민감성인데 그래도 그렇게 해도 돼요?" after exfoliating
                # packs: a patch test first)
                candidates = [fact for fact in candidates if topics[0] in fact.topics] or candidates
                own = [f for f in self.store.facts_about(list(named)) if all(has_detail(f, d) for d in details)]
                candidates += [fact for fact in own if fact not in candidates]
        elif len(topics) == 1 and any(
            cues.combination.search(text[a:b]) and cues.both.search(text[a:b])
            for a, b in asked_spans(text) or ((0, len(text)),)
        ):
            # "둘이 같은날 해도됨??" after collagen masks (asked after exfoliating): a fact that
            # pairs the topic with another subject (asked so: not "my sister and I both noticed it at
            # the same time. why do pores sag?")
            candidates = [
                fact for fact in candidates if len(self.subjects(set(fact.topics) - self.store.weak_topics)) >= 2
            ] or candidates
        if kind_is_cued and not any(kind in fact.kinds for fact in candidates):
            candidates += [
                fact
                for fact in self._broader_facts(topics)
                if fact not in candidates and all(has_detail(fact, detail) for detail in details)
            ]
        weights = self._settings.weights
        kind_weight = weights["kind_cued"] if kind_is_cued else weights["kind_from_intent"]
        unasked = {fact_id for fact_id, case in self._settings.special_cases.items() if not case.search(text)}
        named_cases = [
            fact for fact in candidates if fact.id in self._settings.special_cases and fact.id not in unasked
        ]
        if kind == OVERVIEW_KIND and any(
            OVERVIEW_KIND in fact.kinds and fact.id not in answered_before for fact in candidates
        ):
            # ... another overview; with none, the question asks what was answered already
            # ("유전이라 포기해야되나요?? … 뭘 해야 좀 덜 보일까요": what makes pores less visible)
            candidates = [fact for fact in candidates if fact.id not in answered_before]
        # "먹는 건요?" after how strong a vitamin C should be: a follow-up that names only a
        # special case asks about that case; so does "are all pores the same?", which names no
        # topic but pores, about a case of pores; "are the gummies doing anything for my pores"
        # after vitamin C tablets told of, about the case of the story's topic
        names_only_pores = set(named_topics) <= {self._settings.generic_topic}
        named_cases = [fact for fact in named_cases if names_only_pores or set(fact.topics) & set(named_topics)]
        if named_cases and names_only_pores and not details:
            candidates = named_cases
        outright = self.named_case(text, named_topics or topics)
        # ... short: the sentence that asks and names it ("I've been chewing vitamin c gummies since
        # spring. Are the gummies doing anything for my pores?")
        short = outright is not None and any(
            len(text[start:end].split()) <= self._settings.outright_case_max_words
            and self._settings.named_cases[outright.id].search(text[start:end]) is not None
            for start, end in asked_spans(text) or ((0, len(text)),)
        )
        if outright in candidates and not details and short and not of_a_post:
            # a short question naming a case outright ("do cleansers with acids help?", "산
            # 들어간 클렌저는 써도 되나?") is about it, whatever it asks of it ("whats the thing
            # about rubbing dead skin off with steam", "모공에 좋은 팩 같은 거 있어요?"), a detail
            # aside; one picked out of a post may set it aside ("먹는 거 말고 바르는 걸로…")
            candidates = [outright]
        best = max(
            candidates,
            key=lambda fact: (
                self._topic_score(fact, topics, kind, kind_weight, lemmas, scores, korean, named_topics)
                - weights["unasked_special_case"] * (fact.id in unasked)
            ),
        )
        reason = f"best of {len(candidates)} facts on {'/'.join(topics)} for kind {kind}"
        return self._answer_with(best, text, kind, reason, topics)

    def fact_topics(self, fact_id: str) -> Tuple[str, ...]:
        fact = self.store.fact(fact_id)
        return tuple(fact.topics) if fact is not None else ()

    def subjects(self, topics: Iterable[str]) -> Set[str]:
        """The topics as their broader subjects (AHA -> exfoliation)."""
        broader = self._settings.broader_topics
        return {broader.get(topic, topic) for topic in topics}

    def _kind_of_facts(self, topics: List[str]) -> List[Fact]:
        """The facts of the broader topic of those of ``topics`` that are a kind of it
        (``detail_from_broader_topics``: glycolic acid -> exfoliation), for a detail none of
        their own facts gives: "how often should I use my glycolic toner?"."""
        kinds_of = [topic for topic in topics if topic in self._settings.detail_from_broader_topics]
        return self._broader_facts(kinds_of)

    def _broader_facts(self, topics: List[str]) -> List[Fact]:
        """The facts of the broader topics of ``topics`` (AHA -> exfoliation): "what happens if
        I overdo it?" about AHAs is answered by what the sources say of over-exfoliation."""
        broader = [self._settings.broader_topics[topic] for topic in topics if topic in self._settings.broader_topics]
        return self.store.facts_about([topic for topic in broader if topic not in topics])

    def _answer_with(
        self, fact: Fact, text: str, kind: Optional[str], reason: str, topics: Optional[List[str]] = None
    ) -> Result:
        """An answer with ``fact``; ``topics`` (what a follow-up will refer to) default to its own first."""
        topics = topics or list(fact.topics[:1])
        return Result(
            Outcome.ANSWER,
            fact=fact,
            topics=topics,
            kind=kind,
            suggestions=self._suggestions(text, topics, exclude=fact),
            reason=reason,
        )

    def _answer_free_text(self, text: str, kind: Optional[str]) -> Result:
        lemmas = content_lemmas(text)
        if not set(lemmas) & self.store.domain_lemmas:
            return Result(Outcome.OUT_OF_DOMAIN, kind=kind, reason="no skin-care word")
        scores = list(self._bm25.get_scores(lemmas))
        best_index = max(range(len(scores)), key=scores.__getitem__)
        if scores[best_index] < self._settings.min_free_text_score:
            return Result(
                Outcome.NOT_COVERED,
                kind=kind,
                suggestions=self._suggestions(text, [], exclude=None),
                reason=f"no topic, best BM25 {scores[best_index]:.1f}",
            )
        result = self._answer_with(
            self.store.facts[best_index], text, kind, reason=f"no topic, BM25 {scores[best_index]:.1f}"
        )
        result.by_wording_only = not self._names_own_body(text)
        return result

    def _topic_score(
        self,
        fact: Fact,
        topics: List[str],
        kind: Optional[str],
        kind_weight: float,
        lemmas: List[str],
        bm25: List[float],
        korean: str,
        named_topics: Sequence[str] = (),
    ) -> float:
        """Topic first, then kind (a keyword cue counts more than the NLU's guess), then how
        close the wording is to the fact's question or a paraphrase of it; among equals the
        focused fact (fewer topics and kinds) wins over the combined one."""
        weights = self._settings.weights
        # A cause the question names itself counts as its first topic, wherever it was named
        # ("모공 크기도 유전이 되는 겁니까?" asks whether genetics sets pore size); not one it
        # borrowed from the story around it; lifestyle and the sun only in a question about a cause.
        causes = self._settings.cause_topics + (self._settings.causes_when_asked_why if kind == "cause" else ())
        asked_cause = fact.topics[0] in causes and fact.topics[0] in named_topics
        primary = 1.0 if fact.topics[0] == topics[0] or asked_cause else 0.6 if topics[0] in fact.topics else 0.3
        coverage = len(set(topics) & set(fact.topics)) / len(topics)
        kind_match = 1.0 if kind in fact.kinds else 0.0
        top = max(bm25) or 1.0
        focus = 0.5 / len(fact.topics) + 0.5 / len(fact.kinds)
        wording = max(self._wording(lemmas, fact), korean_wording(korean, fact))
        return (
            weights["primary_topic"] * primary
            + coverage
            + kind_weight * kind_match
            + weights["wording"] * wording
            + bm25[self._position[fact.id]] / top
            + focus
        )

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
            if len(picked) == self._settings.suggestion_count:
                break
        return picked

    def _specific_first(self, topic_ids: List[str]) -> List[str]:
        """Unique topics in order, the generic one dropped when anything specific is named."""
        unique = list(dict.fromkeys(topic_ids))
        specific = [topic for topic in unique if topic != self._settings.generic_topic]
        return specific or unique

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
        not just a word that has other lives ("toothpaste for sensitive teeth", "the paint is
        peeling off the ceiling": the everyday topics count as such words here)."""
        if not set(topics) <= self.store.weak_topics | set(self._settings.everyday_topics):
            return True
        if not unknown:
            lemmas = content_lemmas(text)
            if self.names_another_subject(text):
                return False
            if self._has_korean_skin_word(text, everyday=True):
                return True
            return bool(set(lemmas) & self.store.skin_word_lemmas) and (
                len(self._foreign_words(lemmas)) < self._settings.off_domain_min_foreign_words
            )
        if any(self._skin_care_by_itself(term) for term in unknown) and not self.names_another_subject(text):
            return True  # "roughly how much is a fraxel session in gangnam?", "코팩 매일 해도 돼요?"
        rest = text.lower()
        for _, start, end in sorted(terms, key=lambda span: -span[1]):
            rest = rest[:start] + " " + rest[end:]
        return bool(set(content_lemmas(rest)) & self.store.skin_word_lemmas) or self._has_korean_skin_word(rest, True)

    def _skin_care_by_itself(self, term: str) -> bool:
        """Whether an uncovered term says skin care with no other word beside it: an English
        one no everyday English uses ("fraxel", "microneedling"; not "toner", "collagen powder":
        ``skin_care_only_terms``), a Korean one with a skin-care word in it ("코팩", "머드팩")."""
        if HANGUL.search(term):
            skin_words = self._settings.korean_skin_words + self._settings.korean_everyday_skin_words
            return any(word in term for word in skin_words)
        written = term.lower()
        return bool({written, written + "s", written.removesuffix("s")} & self.store.skin_care_only_terms)

    def _foreign_entities(self, entity_values: Sequence[str]) -> List[str]:
        """NLU `topic` entities built on a word no document or fact ever uses ("fridge",
        "collagen powder"): the question hinges on something the sources can't speak to.
        Short words, everyday words and near-spellings of known words don't count: they are
        typos, slang and filler ("temp", "noze", "basically") more often than new subjects."""
        foreign: List[str] = []
        for value in entity_values:
            if value in self.store.topics or not _SAFE_TERM.match(value):
                continue
            if self.topic_matcher.mentions(value):
                continue  # "laser appointment" is about lasers; the curated terms catch "collagen powder"
            if any(self._is_foreign(word) for word in re.findall(r"[a-z]+", value.lower())):
                foreign.append(value.lower())
        return foreign

    def _is_foreign(self, word: str) -> bool:
        if (
            len(word) < self._settings.foreign_min_chars
            or word in self.store.vocabulary
            or word in self.store.common_words
        ):
            return False
        lemma = content_lemmas(word)
        if lemma and lemma[0] in self.store.vocabulary:
            return False
        return (
            process.extractOne(word, self._vocabulary, scorer=fuzz.ratio, score_cutoff=self._settings.typo_min_ratio)
            is None
        )

    def uncovered_terms(self, text: str) -> List[str]:
        """The skin-care terms of ``text`` that the sources don't cover, as written."""
        return [term for term, _, _ in self._term_spans(text, self.topic_matcher.mentions(text))]

    def _term_spans(self, text: str, mentions: List[Mention]) -> List[Tuple[str, int, int]]:
        """Skin-care terms from the curated list that the documents don't cover, with spans.

        Only the list counts: the NLU also tags everyday words as `topic` ("cold water"),
        and "my sources don't cover cold" would be a worse answer than the real one."""
        if self._terms is None:
            return []
        idioms = [match.span() for match in self._settings.not_terms.finditer(text)]
        spans = [
            (term, term_start, term_end)
            for term, term_start, term_end in _found_terms(self._terms, text)
            if not any(start < term_end and term_start < end for start, end in idioms)
        ]
        joined = _joined(text, spans)
        carried = {_form_key(span) for span in joined if self._carrier(text, span, mentions)}
        return [
            span
            for span in joined
            if _form_key(span) not in carried
            or not (self._carrier(text, span, mentions) or self._named_again(text, span))
        ]

    def _asks_what_its_facts_give(self, text: str, topics: List[str]) -> bool:
        """Whether a question asks a detail (an age, how often...) that a fact of its topics gives."""
        details = asked_details(text)
        return bool(details) and any(
            has_detail(fact, detail) for fact in self.store.facts_about(topics) for detail in details
        )

    def _carrier(self, text: str, span: Tuple[str, int, int], mentions: List[Mention]) -> Optional[Mention]:
        """The topic a term is only the form of: named right before it ("my AHA toner",
        "비타민c 앰플" are AHA and vitamin C, not toners and ampoules) or as what it contains ("a
        toner with AHA in it", "아하바하 들어간 토너"). ``_term_spans`` then sets aside every mention
        of that form in the message, and ``with_named_ones`` spells it out in a question of the
        message that names it alone ("… How often should I use the toner?")."""
        term, start, end = span
        forms = self._product_forms
        if not (term.lower() in forms or term.lower().removesuffix("s") in forms):
            return None
        contains = self._settings.form_containing_topic
        contained = self._settings.topic_in_form
        return next(
            (
                m
                for m in mentions
                if (m.end <= start and (not text[m.end : start].strip() or contained.match(text[m.end : start])))
                or (end <= m.start and contains.match(text[end : m.start]))
            ),
            None,
        )

    def _with_carried_forms(self, question: str, message: str) -> str:
        """``question`` with a product's form it names again ("the toner") preceded by the topic
        the message said that form carries ("an exfoliating toner with AHA in it"); not a form
        named anew ("what toner should I use in the morning?")."""
        lowered = question.lower()
        if question == message or not any(form in lowered for form in self._uncovered_forms):
            return question
        mentions = self.topic_matcher.mentions(message)
        carriers: Dict[str, Set[str]] = {}
        for span in self._joined_terms(message):
            carrier = self._carrier(message, span, mentions)
            if carrier is not None:
                carriers.setdefault(_form_key(span), set()).add(message[carrier.start : carrier.end])
        own = self.topic_matcher.mentions(question)
        for span in reversed(self._joined_terms(question)):
            named = carriers.get(_form_key(span), set())
            if len(named) == 1 and self._named_again(question, span) and self._carrier(question, span, own) is None:
                question = f"{question[: span[1]]}{next(iter(named))} {question[span[1] :]}"
        return question

    def _joined_terms(self, text: str) -> List[Tuple[str, int, int]]:
        if self._terms is None:
            return []
        return _joined(text, list(_found_terms(self._terms, text)))

    def _named_again(self, text: str, span: Tuple[str, int, int]) -> bool:
        """Whether a term is named as one already spoken of ("the toner", "그 토너", "앰플 농도는"
        after a vitamin C ampoule; not "what toner", "어떤 토너")."""
        if HANGUL.search(span[0]):
            return not self._settings.form_named_anew_ko.search(text, 0, span[1])
        return bool(self._settings.form_named_again.search(text, 0, span[1]))

    def _weight(self, words: Set[str]) -> float:
        """Words weighed by BM25's idf (a word no fact uses like the rarest one). ``math.fsum``
        because the order of a set depends on the process's hash seed, and a plain float sum
        in another order can break a tie the other way: the same question would get another
        answer after a restart."""
        return math.fsum(self._idf.get(word, self._rarest_idf) for word in words)

    def _wording(self, lemmas: List[str], fact: Fact) -> float:
        """Best overlap between the question and the fact's phrasings (its question and its
        paraphrases), as a Dice score weighted by idf: a rare word the phrasing has and the
        question lacks ("supplements") counts against it more than a common one."""
        query = set(lemmas)
        if not query:
            return 0.0
        query_weight = self._weight(query)
        return max(
            (2 * self._weight(query & words) / (query_weight + weight) for words, weight in self._phrasings[fact.id]),
            default=0.0,
        )


def _of_their_own(facts: List[Fact], topic: str) -> List[Fact]:
    """The facts that give a detail of ``topic`` themselves rather than in an overview's line
    ("what should i put on after" exfoliating: the collagen mask, not a routine that mentions
    "after"), else the overviews about ``topic``: one about something else gives the detail of
    that ("is retinol good for loose pores? and what percentage…": the sagging overview's 7% is
    vitamin C's)."""
    return [fact for fact in facts if OVERVIEW_KIND not in fact.kinds] or [
        fact for fact in facts if topic in fact.topics
    ]


def has_detail(fact: Fact, detail: DetailCue) -> bool:
    """Whether ``fact`` gives the detail a question asks for (how often, how long, ...)."""
    by_kind = bool(detail.fact_kind and detail.fact_kind in fact.kinds)
    return by_kind or bool(detail.has and detail.has.search(fact.answer))


def _sets_the_scene(text: str, mention: Mention) -> bool:
    """Whether a mention is in a clause that only sets the scene ("after washing", "세안하고",
    "패치테스트 해보고"), also when the scene word is the mention's own first word."""
    cues = settings().understand
    first_word = text[mention.start : mention.end].split(" ", 1)[0]
    before = any(cues.scene_before.search(head) for head in (text[: mention.start], f"{first_word} "))
    return before or bool(cues.scene_after.match(text, mention.end))


def _joined(text: str, spans: List[Tuple[str, int, int]]) -> List[Tuple[str, int, int]]:
    """Terms written one after the other as one ("makeup primer", not "makeup")."""
    joined: List[Tuple[str, int, int]] = []
    for term, start, end in spans:
        if joined and not text[joined[-1][2] : start].strip():
            start = joined.pop()[1]
            term = text[start:end]
        joined.append((term, start, end))
    return joined


def _misspelt(text: str, mention: Mention) -> bool:
    """Whether a mention matched a topic's name only as a typo of it ("hydration pack"), not as
    another form of its words ("clog pores" for "clogged pores")."""
    written = text[mention.start : mention.end]

    def squeezed(words: str) -> str:
        return "".join(words.lower().split())

    return squeezed(written) != squeezed(mention.alias) and content_lemmas(written) != content_lemmas(mention.alias)


def _with_aliases(text: str, mentions: List[Mention]) -> str:
    """The text with typo'd topic names spelled as the store spells them, for ranking."""
    for mention in sorted(mentions, key=lambda m: -m.start):
        if mention.end <= len(text) and not HANGUL.search(mention.alias):
            text = text[: mention.start] + mention.alias + text[mention.end :]
    return text


@text_cache(maxsize=256)
def _found_terms(terms: Pattern[str], text: str) -> Tuple[Tuple[str, int, int], ...]:
    """Every curated uncovered term in ``text`` with its span. Cached: the pattern holds
    hundreds of terms tried at every position, and a message of several questions is read
    for them once per question and once as a whole."""
    return tuple((match.group(0), match.start(), match.end()) for match in terms.finditer(text))


def hangul_only(text: str) -> str:
    """The Hangul of a text, without spaces or anything else: "각질 팩은" -> "각질팩은"."""
    return "".join(HANGUL.findall(text))


@lru_cache(maxsize=4096)
def _bigrams(text: str) -> FrozenSet[str]:
    """Character pairs of ``text``. Not a ``text_cache``: it mostly holds the facts' Korean
    phrasings, which a live server has read long before the message at hand."""
    return frozenset(text[i : i + 2] for i in range(len(text) - 1))


def korean_wording(korean: str, fact: Fact) -> float:
    """Best overlap between a Korean question and the fact's Korean phrasings (its Korean
    button question and Korean paraphrases), as a Dice score over character bigrams: Korean
    attaches particles and endings to words ("각질팩은", "각질팩을"), so whole words rarely
    match, while their syllable pairs do."""
    if len(korean) < 2:
        return 0.0
    query = _bigrams(korean)
    return max((_dice(query, _bigrams(phrasing)) for phrasing in fact.korean_phrasings), default=0.0)


def _dice(first: FrozenSet[str], second: FrozenSet[str]) -> float:
    return 2 * len(first & second) / (len(first) + len(second)) if first or second else 0.0


def _form_key(span: Tuple[str, int, int]) -> str:
    """A product's form as a key, singular: "toners" and "Toner" are one form."""
    return span[0].lower().removesuffix("s")


def _outweighs(start: int, end: int, mention: Mention) -> bool:
    """Whether the span from ``start`` to ``end`` is longer than ``mention``, which it overlaps."""
    return end - start > mention.end - mention.start
