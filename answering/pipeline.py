"""The answering pipeline in one place: understand -> gather -> decide -> compose.

``Assistant.respond`` takes what the action server knows about a message (a ``Turn``) and
returns the messages to send and the conversation state to remember, and logs one line per
turn saying what was chosen and why.
"""

import logging
import re
from dataclasses import dataclass, field, replace
from typing import Any, Dict, List, Optional, Pattern, Set, Tuple

from answering import compose
from answering.decide import Decision, Reply, decide
from answering.gather import OVERVIEW_KIND, Outcome, Question, Result, Retriever, has_detail
from answering.settings import settings
from answering.understand import (
    Turn,
    Understanding,
    asked_details,
    asked_spans,
    cued_kind,
    cued_kinds,
    sentence_spans,
    small_talk_cue,
    understand,
)
from knowledge.store import Fact, FactStore
from knowledge.topics import HANGUL

logger = logging.getLogger(__name__)

INTENT_KINDS = {
    "ask_frequency": "frequency",
    "ask_what_is": "what_is",
    "ask_cause": "cause",
    "ask_how_to": "how_to",
    "ask_recommendation": "recommendation",
}
FALLBACK_INTENT = "nlu_fallback"
# "english please, thanks": a switch thanked for or agreed to is only a switch.
SWITCH_ALONE_INTENTS = ("thank", "acknowledge", "goodbye")
OUT_OF_SCOPE_INTENT = "out_of_scope"


@dataclass
class Response:
    messages: List[compose.Message]
    # Slot values to set: language, requested_language, last_topics, last_kind, last_facts,
    # disclaimer_shown.
    slots: Dict[str, Any] = field(default_factory=dict)


class Assistant:
    """Answers pore-care questions from one fact store."""

    def __init__(self, store: FactStore) -> None:
        self.store = store
        self.retriever = Retriever(store)

    def respond(self, turn: Turn) -> Response:
        understanding = understand(turn)
        language = understanding.language
        response, why = self._respond(turn, understanding)
        response.slots["language"] = language
        if understanding.switched_language:
            response.slots["requested_language"] = language
        logger.info(
            "turn language=%s intent=%s questions=%d facts=%s why=%s",
            language,
            turn.intent,
            len(understanding.questions),
            response.slots.get("last_facts"),
            why,
        )
        return response

    def _respond(self, turn: Turn, understanding: Understanding) -> Tuple[Response, str]:
        language = understanding.language
        last_facts = [fact for fact in (self.store.fact(i) for i in turn.last_facts) if fact is not None]
        requested = self.store.fact(turn.requested_fact_id) if turn.requested_fact_id else None
        if requested is not None:
            return self._answer(
                turn, Decision(Reply.ANSWER, facts=[requested], topics=list(requested.topics)), language
            ), "button"
        if understanding.switched_language and not self._asks_more_than_switching(turn):
            switched = [compose.text_only("language_switched", language)]
            beside = self._small_talk_beside_the_switch(turn)
            if beside is not None:
                return Response(switched + self._small_talk(beside, language)), "language switch and small talk"
            if last_facts:
                again = self._answer(
                    turn,
                    Decision(Reply.ANSWER, facts=last_facts, topics=list(turn.last_topics), kind=turn.last_kind),
                    language,
                )
                return Response(switched + again.messages, again.slots), "language switch, last answer again"
            return Response(switched), "language switch"
        if understanding.wants_source and not self._asks_its_own_question(turn, understanding, last_facts):
            if not last_facts:
                return Response([compose.text_only("no_answer_yet", language)]), "source asked, no answer yet"
            return Response(
                compose.source_quotes(self.store, last_facts, language),
                {"last_facts": [fact.id for fact in last_facts]},
            ), "source of the last answer"
        listed = self._listed_facts(last_facts)
        if understanding.ordinal and understanding.ordinal != "last" and int(understanding.ordinal) > len(listed) > 0:
            return Response(compose.no_such_item(listed, language)), "no such item in the last answer"
        item = self._item_with_asked_detail(turn, self._chosen_item(turn, understanding, last_facts), listed)
        if item is not None and not asked_details(turn.text):
            # "그 중에 첫번째꺼는 영양제로 먹어도 효과 똑같아?": the item's case the pick names
            item = self.retriever.named_case(turn.text, item.topics[:1]) or item
        if item is not None:
            return self._answer(
                turn, Decision(Reply.ANSWER, facts=[item], topics=list(item.topics)), language
            ), "item of the last answer"
        explained = self._explained_by_the_last_answer(turn, last_facts)
        if explained is not None:
            return self._answer(
                turn, Decision(Reply.ANSWER, facts=[explained], topics=list(explained.topics)), language
            ), "the last answer says why"
        instead = self._what_to_use_instead_of_the_last(turn, last_facts)
        if instead is not None:
            return self._answer(
                turn, Decision(Reply.ANSWER, facts=[instead], topics=list(instead.topics)), language
            ), "what to use instead"
        mentioned = self._mentioned_before(turn)
        if mentioned is not None:
            return self._answer(
                turn, Decision(Reply.ANSWER, facts=[mentioned], topics=list(mentioned.topics)), language
            ), "the thing said before"
        intent = self._small_talk_intent(turn, understanding)
        small_talk = settings().understand.small_talk.get(intent)
        if small_talk is not None and (
            # "아까 알려주신대로 … 횟수 줄였더니 덜 뒤집어지네요 고마워요!!" tells and thanks
            self._thanks_without_a_question(turn.text)
            or (
                not self._asks_about_a_topic(turn)
                and not self._asks_more_of_the_answer(turn)
                # "ㅇㅇ 근데 그냥 먹는 영양제로 먹으면 안됨?" after vitamin C: a case of the subject
                and not (turn.last_topics and self._names_a_case_of(turn))
                # "아 그럼 바르는건 어때요?" after supplements is no "how are you": a follow-up
                # whose own words are no small talk asks on (a goodbye, thanks or "너 ai야?" stays)
                and not (
                    intent in ("greet", "how_are_you")
                    and turn.last_topics
                    and understanding.is_follow_up
                    and small_talk_cue(turn.text) is None
                )
                # "can you help me deduct my office?" asks another subject's question; "thanks! off
                # to make a smoothie" is still thanks
                and not (
                    settings().understand.question_sentence.search(turn.text)
                    and self.retriever.names_another_subjects_matter(turn.text)
                )
            )
        ):
            return Response(self._small_talk(small_talk, language)), f"small talk ({intent})"
        decision, why = self._decide(turn, understanding)
        if decision.reply is Reply.ANSWER:
            return self._answer(turn, decision, language), why
        slots: Dict[str, Any] = {}
        if decision.reply is Reply.DETAIL_NOT_COVERED:
            slots = {"last_topics": decision.topics, "last_kind": decision.kind}
        return Response(compose.not_answered(self.store, decision, language), slots), why

    def _asks_its_own_question(self, turn: Turn, understanding: Understanding, last_facts: List[Fact]) -> bool:
        """Whether a message with a source request's words asks a question of its own: before any
        answer, one that names a topic ("각질제거 너무 자주하면… 근거 있는 얘기에요?"); in a message
        of several sentences, one that names a topic or term ("Ok. My friend says ice water shrinks
        pores. Any proof of that?"), not "헐 진짜? 그 숫자 어디서 나온 거임 원문 보여주셈"."""
        names_something = bool(self.retriever.topics_of(turn.text) or self.retriever.uncovered_terms(turn.text))
        return names_something and (not last_facts or understanding.is_post)

    def _follows_on(self, turn: Turn, understanding: Understanding) -> bool:
        """Whether a message continues the conversation's subject: it points back ("how long
        does that take?"), or it is short and asks a kind of question, a detail ("어느 부위
        위주로?") or what if something happens ("살짝 따가우면?"), names a topic ("what kind of
        environmental stuff?"), or asks in words that are all pore care's, without being a new
        subject of its own."""
        if self.retriever.names_another_subject(turn.text) and not self.retriever.topics_of(turn.text):
            return False  # "점심 뭐 먹을까요?", "and for my dog?": a thing of another subject
        if understanding.refers_back or understanding.is_follow_up or understanding.ordinal:
            return True
        cues = settings().understand
        if len(turn.text.split()) > cues.follow_up_max_words:
            return False
        # "살짝 따가우면?": what to do if something happens to the last subject.
        asks = (
            cued_kind(turn.text) is not None or bool(asked_details(turn.text)) or bool(cues.condition.search(turn.text))
        )
        # Korean drops the "it" ("언제 하는 게 좋아요?", "따가우면 어떡해요?"): a short question
        # all of whose words the store or its questions use continues the subject too.
        plain_question = bool(cues.question_sentence.search(turn.text)) and not self.retriever.foreign_words(turn.text)
        return asks or plain_question or bool(self.retriever.topics_of(turn.text)) or self._names_a_case_of(turn)

    def _names_a_case_of(self, turn: Turn) -> bool:
        """Whether a message names the special case of a fact on the last answer's topics ("걍
        영양제로 먹으면 안됨?" after the ingredients that tighten pores, vitamin C among them)."""
        # ...asking, in no English word the store doesn't know ("what should I eat for dinner
        # tonight?", "is red wine ok?" are other subjects)
        if not settings().understand.question_sentence.search(turn.text) or any(
            word.isascii() for word in self.retriever.foreign_words(turn.text)
        ):
            return False
        return self.retriever.named_case(turn.text, turn.last_topics, settings().gather.special_cases) is not None

    def _small_talk_intent(self, turn: Turn, understanding: Understanding) -> str:
        """The NLU's intent, or, for a message that names no topic, the small talk its words
        make ("감사합니다!! 수고하세요"); a message that only asks whether it may ask ("하이요~
        모공 질문 좀 해도 돼요?") is a greeting or asks what the bot can do."""
        if self._only_asks_to_ask(turn.text):
            return small_talk_cue(turn.text) or "ask_capabilities"
        if self._thanks_without_a_question(turn.text):
            return "thank"  # "아까 알려주신대로 각질제거 횟수 줄였더니 덜 뒤집어지네요 고마워요!!"
        if self._asks_which_languages(turn.text):
            return "ask_capabilities"  # its reply names the languages
        if self.retriever.topics_of(turn.text) or self.retriever.uncovered_terms(turn.text):
            return turn.intent
        if turn.intent in INTENT_KINDS and turn.last_topics and self._follows_on(turn, understanding):
            return turn.intent  # "thanks and how often", "hi, what about the second one?"
        # ...or one the NLU took for a question that names nothing ("좋은 아침입니당 ☀️")
        return small_talk_cue(turn.text) or self._chat_after_a_greeting(turn.text) or turn.intent

    def _chat_after_a_greeting(self, text: str) -> Optional[str]:
        """A message that opens (or closes) with a greeting and otherwise only chats ("굿모닝~ 출근길인데 심심해서
        말 걸어봄 ㅋㅋ 넌 잠도 안 자?"): a greeting, when nothing in it is skin care's or another
        subject's, it asks no kind of question or detail, and any question in it is put to the
        assistant ("Hello, how long does a student visa take?", "hi, who won the game last
        night?" ask about something else)."""
        cues = settings().understand
        clauses = [clause for clause in cues.clause_break.split(text) if clause and clause.strip()]
        if not clauses or self.retriever.has_skin_words(text):
            return None
        # ... or closes with one ("점심 먹었어? 아 너는 밥 안 먹지ㅋㅋ 암튼 안녕~"), asking for nothing
        if small_talk_cue(clauses[0]) == "greet":
            rest = clauses[1:]
        elif cues.closing_greeting.search(text) and not cues.request.search(text):
            rest = clauses
        else:
            return None
        if cued_kind(text) is not None or asked_details(text):
            return None
        if cues.question_sentence.search(" ".join(rest)) and not cues.addresses_the_assistant.search(text):
            return None
        return None if self.retriever.names_another_subject(text) else "greet"

    @staticmethod
    def _thanks_without_a_question(text: str) -> bool:
        """Whether a message thanks and asks nothing, whatever it tells of how the advice went:
        no question nor request ("…알려주시면 감사하겠습니다" asks), and its last clause thanks
        ("ok thanks. anything else for clogged pores" asks for more, "thanks but my blackheads are
        still there" tells it didn't work)."""
        cues = settings().understand
        thanks = dict(cues.small_talk_cues)["thank"]
        if not thanks.search(text) or "?" in text or cues.question_sentence.search(text) or cues.request.search(text):
            return False
        clauses = [clause for clause in cues.clause_break.split(text) if clause and re.search(r"\w", clause)]
        return bool(clauses) and bool(thanks.search(clauses[-1]))

    def _only_asks_to_ask(self, text: str) -> bool:
        """Whether a message asks whether it may ask, about pores in general at most, and asks
        nothing yet: no question after that ("I got a few questions: do pores breathe?"), no
        specific topic, term, kind of question or detail."""
        cues = settings().understand
        asks_to_ask = cues.asks_to_ask.search(text)
        if asks_to_ask is None or cues.question_sentence.search(text[asks_to_ask.end() :].replace("?", "")):
            return False
        generic = {settings().gather.generic_topic}
        return (
            set(self.retriever.topics_of(text)) <= generic
            and not self.retriever.uncovered_terms(text)
            # "여기서 뭐 물어봐도 돼요?": the 뭐 one may ask is no what-is question
            and cued_kind(text[: asks_to_ask.start()] + " " + text[asks_to_ask.end() :]) is None
            and not asked_details(text)
        )

    def _asks_which_languages(self, text: str) -> bool:
        """Whether a message asks which languages it may write in ("can i ask you things in
        korean?", "영어로 물어봐도 돼요?") and names no topic but the language's name (not "can I
        ask about Korean skincare in English?")."""
        cues = settings().understand
        return bool(cues.asks_languages.search(text)) and not self.retriever.topics_of(
            cues.language_names.sub(" ", text)
        )

    def _asks_about_a_topic(self, turn: Turn) -> bool:
        """Whether a message the NLU took for small talk asks a pore-care question after all:
        "can you over-exfoliate? what happens" is not "what can you do?", and "hi! how often
        should I use a collagen mask?" wants the answer. It names a specific topic and asks
        (a question mark, or the wording of a kind of question)."""
        if self._asks_which_languages(turn.text):
            return False
        topics = [topic for topic in self.retriever.topics_of(turn.text) if topic != settings().gather.generic_topic]
        return bool(topics) and ("?" in turn.text or cued_kind(turn.text) is not None)

    def _asks_more_of_the_answer(self, turn: Turn) -> bool:
        """Whether a message the NLU took for small talk asks more of the last answer: "과도하게
        사용하면 어떤 문제가 생깁니까?" is no "what can you do?", "ㅇㅋ 하고나서는 뭐 바름??" is
        more than "ok". It follows an answer, asks a detail or a kind of question other than a
        broad one, and has no words of thanks, greeting or goodbye."""
        if not turn.last_topics or small_talk_cue(turn.text) is not None:
            return False
        kinds = [kind for kind in cued_kinds(turn.text) if kind != OVERVIEW_KIND]
        return bool(kinds or asked_details(turn.text))

    def _small_talk(self, reply: str, language: str) -> List[compose.Message]:
        """A small-talk reply; the greeting offers example questions as buttons."""
        message: compose.Message = compose.text_only(reply, language)
        if reply == "greet":
            examples = [fact for fact in map(self.store.fact, self.store.greeting_facts) if fact is not None]
            message["buttons"] = compose.suggestion_buttons(examples, language)
        return [message]

    def _context_topics(self, turn: Turn, text: str) -> Tuple[str, ...]:
        """The conversation's topics for a question: the last answer's; for one that names no
        topic and asks a detail after an overview ("where on my face should i focus then" after
        the weekly routine), also the topics of the steps the overview listed, which give such
        details."""
        overviews = [
            fact for fact in map(self.store.fact, turn.last_facts) if fact is not None and OVERVIEW_KIND in fact.kinds
        ]
        if not overviews or not asked_details(text) or self.retriever.topics_of(text):
            return turn.last_topics
        listed = [topic for fact in overviews for topic in fact.topics]
        return tuple(dict.fromkeys([*turn.last_topics, *listed]))

    def _decide(self, turn: Turn, understanding: Understanding) -> Tuple[Decision, str]:
        if self.retriever.names_things_only(turn.text):
            # one question about those things, however many it asks ("glycolic acid to descale
            # my kettle, or is citric acid better?")
            understanding = replace(understanding, questions=(turn.text,), is_post=False)
        several = len(understanding.questions) > 1 or understanding.is_post
        questions = tuple(
            part
            for question in understanding.questions
            for part in self.retriever.each_compared(self.retriever.with_the_things_compared(question, turn.text))
        )
        another_subject = self._about_another_subject(turn, understanding)
        skin_context = several and self.retriever.has_skin_words(turn.text) and not another_subject
        # The rest of the message's topics, for a question that names none; only when the
        # message is about skin ("내일 날씨 어때? 우산 챙겨야 되나" names the weather, not skin).
        background = self.retriever.topics_of(turn.text) if skin_context else []
        if skin_context and not background and understanding.is_post and not turn.last_topics:
            # "my cheeks look like the skin of an orange. Is it too late to do anything about it?":
            # a post about skin that names no topic is about pores at least.
            background = [settings().gather.generic_topic]
        # A message the NLU could not place, or put out of scope, is read as a follow-up only
        # when it points back ("how long does that take?"): guessing that "blah" means "tell
        # me more about collagen masks" would answer the wrong question.
        follows_on = bool(turn.last_topics) and self._follows_on(turn, understanding)
        names_a_topic_in_context = (
            bool(turn.last_topics) and not another_subject and bool(self.retriever.topics_of(turn.text))
        )
        uses_context = follows_on or turn.intent not in (FALLBACK_INTENT, OUT_OF_SCOPE_INTENT)
        results: List[Result] = []
        for index, text in enumerate(questions):
            if index > 0:
                text = self.retriever.with_the_subject_before(text, questions[index - 1])
            question = Question(
                text=self.retriever.with_named_ones(text, turn.text, turn.last_topics),
                intent_kind=None if several else INTENT_KINDS.get(turn.intent),
                # The NLU's entities are only as good as its intent, and they belong to the
                # whole message: for one question of several, the question's own words count.
                entity_values=() if several or turn.intent == FALLBACK_INTENT else turn.entity_topics,
                context_topics=self._context_topics(turn, text) if uses_context else (),
                context_kind=turn.last_kind,
                is_follow_up=understanding.is_follow_up,
                needs_specific_topic=turn.intent == OUT_OF_SCOPE_INTENT and not several and not follows_on,
                background_topics=self._after_the_question_before(questions, index, background, turn.text),
                of_a_post=understanding.is_post,
                # A follow-up is about the last answer's subject, whatever its own words; so is
                # a longer message that names a topic in a conversation about skin ("각질제거도
                # 같이 하고 있는데 … 순서나 날짜 어떻게 잡아요?"), unless it names another subject.
                skin_context=skin_context or follows_on or names_a_topic_in_context,
                another_subject=another_subject and several,
                answered_before=tuple(r.fact.id for r in results if r.fact is not None),
            )
            results.append(
                self._about_the_last_other_subject(text, results)
                or self._about_the_last_uncovered_term(text, results)
                or self._list_of_each(text, background)
                or self._the_others(text)
                or self.retriever.retrieve(question)
            )
        decision = self._with_what_overdoing_does(
            turn.text,
            turn.last_topics,
            decide(
                results,
                settings().understand.max_answered_questions,
                understood_by_nlu=turn.intent != FALLBACK_INTENT,
                # ... a story's questions build up to its last ones; a long list of questions
                # asks its first first
                last_first=(
                    understanding.is_post
                    and bool(asked_spans(turn.text))
                    and len(settings().understand.enumeration.findall(turn.text)) < 2
                ),
                asked=questions,
            ),
        )
        decision = self._with_the_sensitive_skin_advice(
            turn.text, self._with_what_to_use_instead(self._with_what_helps(turn.text, decision), turn.last_topics)
        )
        return decision, "; ".join(
            f"{r.outcome.value}: {r.fact.id if r.fact else r.missing} ({r.reason})" for r in results
        )

    def _after_the_question_before(
        self, questions: Tuple[str, ...], index: int, background: List[str], text: str
    ) -> List[str]:
        """The message's topics for its question ``index``; for one that asks a detail or points
        back ("…or should I be putting it on my skin instead?"), those of the question right
        before it first: "집에서 각질 정리하는 방법 알려주실 수 있나요? 그리고
        얼굴 어느 부위 위주로 해야 하는지도 궁금해요" asks where to exfoliate, not where the
        pores the story began with sag. The first question of a story that points back ("잠도
        불규칙하고 담배도 피다 끊다 반복중임. 이런 것도 모공에 영향 줌?") is about the sentence
        right before it, or the last one before it that names a topic ("a friend gave me a
        각질팩 … I really want to try it but I'm scared. How do I try it without my face freaking
        out?" asks how to try the pack)."""
        question = questions[index]
        cues = settings().understand
        points_back = bool(cues.refers_back.search(question))
        if index == 0 and (cues.points_at_the_story.search(question) or cues.uses_it.search(question)):
            # (the question's own first words: one joined to its claim is not in the text as a whole)
            position = text.find(question[:30])
            told = [text[start:end] for start, end in sentence_spans(text) if end <= position]
            named = (
                [topic for topic in self.retriever.topics_of(sentence) if topic in background]
                for sentence in told[::-1]
            )
            before = next((topics for topics in named if topics), [])
        elif index > 0 and (asked_details(question) or points_back):
            before = [topic for topic in self.retriever.topics_of(questions[index - 1]) if topic in background]
        elif cues.excess.search(question) and not self.retriever.topics_of(question):
            # "…스크럽이랑 각질 토너를 거의 매일 … 썼어요 … 제가 너무 자주 한 건가요?": what the story
            # says is done that often, what can be overdone of it first
            done = [topic for topic in self._done_that_often(text, question, cues.overdoing) if topic in background]
            before = sorted(done, key=lambda t: not self.retriever.subjects([t]) & set(cues.overdoing_facts))
        else:
            return background
        return before + [topic for topic in background if topic not in before]

    def _done_that_often(self, text: str, question: str, overdoing: Pattern[str]) -> List[str]:
        """The topics of the last sentence before ``question`` that says something is done very
        often (``overdoing``: "my roommate uses them every day"), or of the sentence before it
        when it names none ("came home with 40 collagen sheet masks. I've been doing one every
        night…")."""
        position = text.rfind(question[:30])
        told = [text[start:end] for start, end in sentence_spans(text) if end <= position]
        said = next((index for index in range(len(told) - 1, -1, -1) if overdoing.search(told[index])), None)
        if said is None:
            return []
        return self.retriever.topics_of(told[said]) or (self.retriever.topics_of(told[said - 1]) if said else [])

    def _with_what_overdoing_does(self, text: str, last_topics: Tuple[str, ...], decision: Decision) -> Decision:
        """The decision, with what overdoing the answer's subject does: as a further answer when
        the message says it is done very often ("I scrub almost every day… how often should I
        exfoliate?"), as the first when it asks about doing it too much ("각질제거 많이 하면
        안좋음?"); the cue in a sentence that names that subject."""
        cues = settings().understand
        if decision.reply is not Reply.ANSWER or not (cues.overdoing.search(text) or cues.excess.search(text)):
            return decision
        overdone = self._overdone_subject_of_the_last_answer(text, last_topics)
        if overdone is not None:
            # "and what happens if i overdo it" after how often to exfoliate clogged pores
            extra = self.store.fact(cues.overdoing_facts[overdone])
            if extra is not None:
                return replace(decision, facts=[extra])
        subjects = self.retriever.subjects(decision.facts[0].topics[:1])
        subject = next(iter(subjects), "")
        extra = self.store.fact(cues.overdoing_facts.get(subject, ""))
        if extra is None or len(subjects) != 1:
            return decision
        # ...or of the last answer's, by a follow-up that names nothing ("더 자주하면요?")
        unnamed = set() if self.retriever.topics_of(text) else {subject}

        def said_of_the_subject(cue: Pattern[str], carried: bool = False) -> bool:
            # ``carried``: a question that names nothing is about the subject of the sentence
            # before it ("aha bha 각질제거 일주일에 몇번이 적당함? 걍 매일 하면 안돼?"; not "…and a
            # collagen mask? dont wanna overdo either", which asks nothing of overdoing, nor "저녁에
            # 반신욕은 거의 매일 하는 편이에요", which tells), whichever sentence before named it
            # ("BHA 토너 하나 샀거든요 … 볼은 좀 건조한 편이에요 … 매일 써도 되는건지")
            subjects = unnamed
            for start, end in sentence_spans(text):
                sentence = text[start:end]
                own = self._subjects_of(sentence)
                # ... asking in pore care's words only ("그냥 매일 하면 안 돼요?", not "can I go
                # swimming every day?"), or of skin or pores ("매일 쓰면 모공 더 빨리 좋아지는거 아님?")
                asks = bool(cues.question_sentence.search(sentence)) and (
                    not self.retriever.foreign_words(sentence)
                    or self.retriever.has_skin_words(sentence)
                    or bool(cues.uses_a_product.search(sentence))
                )
                if cue.search(sentence) and subject in (own or (subjects if carried and asks else unnamed)):
                    return True
                subjects = own | subjects
            return False

        facts = [fact for fact in decision.facts if fact != extra]
        overdoing_told = said_of_the_subject(cues.overdoing, carried=True)
        if len(facts) > cues.overdoing_joins_at_most and overdoing_told:
            # ...but what overdoing does answers an irritation told after overdoing
            facts = [fact for fact in facts if fact.id not in cues.overdoing_replaces] or facts
        if len(facts) > cues.overdoing_joins_at_most and not _asks_about_overdoing(text):
            # two questions answered: a worry told in passing ("너무 자주 하면 뒤집어진다고 해서
            # 무서워요") takes neither's place
            return decision
        if said_of_the_subject(cues.excess):
            facts = [extra] + facts
        elif overdoing_told and extra not in decision.facts:
            facts = facts[:1] + [extra] + facts[1:]
        else:
            return decision
        most = cues.max_answered_questions
        return replace(decision, facts=facts[:most], more=facts[most:] + decision.more)

    def _with_what_helps(self, text: str, decision: Decision) -> Decision:
        """The decision, with what helps as a further answer when a broad question ("what helps
        in humid weather?") was answered with the one fact of a condition that has no overview of
        its own (humidity): the overview of ``what_helps_a_condition`` for it."""
        cues = settings().understand
        if decision.reply is not Reply.ANSWER or len(decision.facts) != 1 or cued_kind(text) != OVERVIEW_KIND:
            return decision
        answered = decision.facts[0]
        overview = self.store.fact(cues.what_helps_a_condition.get(answered.topics[0], ""))
        if overview is None or OVERVIEW_KIND in answered.kinds:
            return decision
        return _with_further_answer(decision, overview)

    def _with_what_to_use_instead(self, decision: Decision, last_topics: Tuple[str, ...]) -> Decision:
        """The decision, with what the sources say to use instead (``what_to_use_instead``) as
        a further answer when its one answer says a way does little (vitamin C supplements), in
        a conversation not already about it ("그냥 영양제로 먹으면?" after which vitamin C to
        choose hears about supplements only)."""
        if decision.reply is not Reply.ANSWER or len(decision.facts) != 1:
            return decision
        instead = self._what_replaces(decision.facts[0])
        if instead is None or instead.topics[0] in last_topics:
            return decision
        return _with_further_answer(decision, instead)

    def _what_replaces(self, fact: Fact) -> Optional[Fact]:
        """What the sources say to use instead of the way ``fact`` says does little
        (``what_to_use_instead``), if anything."""
        replacement = settings().understand.what_to_use_instead.get(fact.id)
        return self.store.fact(replacement) if replacement else None

    def _with_the_sensitive_skin_advice(self, text: str, decision: Decision) -> Decision:
        """The decision, with the sources' advice for sensitive skin (a patch test, a small area
        first) as a further answer when the message says the skin is sensitive ("I have sensitive
        skin, how often should I exfoliate?"), the reply has room and does not say it already
        (the advice's sentences back a fact of the reply: the weekly routine's last bullet)."""
        cues = settings().understand
        advice = self.store.fact(cues.sensitive_skin_fact)
        if (
            decision.reply is not Reply.ANSWER
            or advice is None
            or set(advice.quotes) <= {quote for fact in decision.facts for quote in fact.quotes}
            or len(decision.facts) >= cues.max_answered_questions
            or not cues.sensitive_skin.search(text)
        ):
            return decision
        return _with_further_answer(decision, advice)

    def _overdone_subject_of_the_last_answer(self, text: str, last_topics: Tuple[str, ...]) -> Optional[str]:
        """The subject of the last answer that can be overdone, when a message that names no
        topic asks about doing it too much ("and what happens if i overdo it"); a skin type named
        beside it is no topic of its own, nor a reaction, which the sensitive-skin type's words
        name ("볼이 좀 빨개지네여 이거 너무 자주 해서 그런거에요?")."""
        cues = settings().understand
        if set(self.retriever.topics_of(text)) - set(settings().gather.skin_types) or not cues.excess.search(text):
            return None
        overdone = [s for s in self.retriever.subjects(last_topics) if s in cues.overdoing_facts]
        return overdone[0] if len(overdone) == 1 else None

    def _subjects_of(self, text: str) -> Set[str]:
        """The subjects a text names: its topics as their broader ones (AHA -> exfoliation), but
        pores themselves, which every subject is done for ("매일 쓰면 모공 더 빨리 좋아지는거
        아님?" is still about the exfoliant of the sentence before)."""
        topics = self.retriever.topics_of(text)
        return self.retriever.subjects(topic for topic in topics if topic != settings().gather.generic_topic)

    def _about_another_subject(self, turn: Turn, understanding: Understanding) -> bool:
        """Whether a message is about a thing or a matter of another subject ("exfoliate my boat
        hull", "돼지껍데기 … 모공마다 털이 박혀있어요"). A long post that names skin or pores is about
        them, whatever it mentions in passing ("I bike to the office along a busy road... the
        pores on my nose look way bigger"); not one about a car's paint that feels "like it has
        clogged pores". A message of several questions whose words, taken together, the domain
        gate reads as another subject is about it too ("츄리닝 바지 … 고무줄 탄력이 … 탄력
        되살리는 법 있음?"), even where one question alone would read as skin care."""
        text = turn.text
        if not (self.retriever.names_another_subject(text) or self.retriever.names_another_subjects_matter(text)):
            questions = len(understanding.questions)
            return questions > 1 and self.retriever.off_domain_as_a_whole(text, questions)
        return not (understanding.is_post and self.retriever.names_skin_in_a_story(text))

    def _list_of_each(self, text: str, background: List[str]) -> Optional[Result]:
        """For a question of each of the things a story named and it does not ("one friend swears
        by vitamin C, another by retinol, another by glycolic acid … what is each one supposed to
        do?"), the list answer whose items are most of them, at least two; not a detail of each
        ("how often each one?"), which the list does not give."""
        cues = settings().understand
        # (the sentence that asks, in a question that tells first: "my aunt uses vitamin c, my
        # sister retinol … what is each one for?")
        asking = " ".join(text[start:end] for start, end in asked_spans(text)) or text
        names_a_topic = set(self.retriever.topics_of(asking)) - {settings().gather.generic_topic}
        if not cues.each.search(asking) or names_a_topic or asked_details(asking):
            return None
        named = set(background) | set(self.retriever.topics_of(text))

        def covered(fact: Fact) -> int:
            item_topics = {topic for item in fact.items for topic in self.retriever.fact_topics(item.fact_id)[:1]}
            return len(item_topics & named)

        lists = [fact for fact in self.store.facts if fact.items and covered(fact) >= 2]
        best = max(lists, key=covered, default=None)
        if best is None:
            return None
        return Result(Outcome.ANSWER, fact=best, topics=list(best.topics[:1]), reason="a list of each thing named")

    def _the_others(self, text: str) -> Optional[Result]:
        """For a question of what else there is besides a thing ("besides retinol what else should
        i use?", "비타민c 말고 모공 조이는데 좋은거"), the longest list of things (not of steps, as an
        overview's are) that has the thing among its items, and so its others; not when the
        question names a topic the list is not about or asks a detail ("other than retinol, how
        often should i exfoliate?"), nor another way to do a step ("스크럽 말고 집에서 각질 제거하는
        방법")."""
        found = settings().understand.other_than.search(text)
        if found is None or asked_details(text):
            return None
        set_aside = found.group("thing") or found.group("thing_ko")
        thing_topics = set(self.retriever.topics_of(set_aside)) - {settings().gather.generic_topic}
        if not thing_topics:
            return None

        def lists_the_thing(fact: Fact) -> bool:
            """A list of things, each item saying what one is, with the thing among them."""
            item_facts = [self.store.fact(item.fact_id) for item in fact.items]
            return (
                bool(item_facts)
                and all(item is not None and "what_is" in item.kinds for item in item_facts)
                and any(set(self.retriever.fact_topics(item.fact_id)[:1]) & thing_topics for item in fact.items)
            )

        lists = [fact for fact in self.store.facts if lists_the_thing(fact)]
        best = max(lists, key=lambda fact: len(fact.items), default=None)
        rest = text[: found.start()] + " " + text[found.end() :]
        if best is None or set(self.retriever.topics_of(rest)) - set(self.store.weak_topics) - set(best.topics):
            return None
        return Result(Outcome.ANSWER, fact=best, topics=list(best.topics[:1]), reason="the others of a list")

    def _about_the_last_other_subject(self, text: str, results: List[Result]) -> Optional[Result]:
        """For a question with no skin-care word of its own right after one about another subject
        ("does taking vitamin c actually shorten a cold / or is that a myth"), that question's
        result: it asks about the same thing, and borrowing the message's topics would answer
        it with a pore fact."""
        if not results or results[-1].outcome is not Outcome.OUT_OF_DOMAIN:
            return None
        return None if self.retriever.has_skin_words(text) else results[-1]

    def _about_the_last_uncovered_term(self, text: str, results: List[Result]) -> Optional[Result]:
        """For a very short question that names no topic right after one about a term the
        sources don't cover ("모공 보톡스 맞으면 줄어들어? 얼마나 가요?"), or one that points back
        at it ("my grandma swears witch hazel tightens pores. does it actually work or is it an
        old wives tale"), that question's result: it asks about the same thing, not about
        whatever else the message names. A longer one ("…and what temp water should I wash
        with?") asks its own question."""
        cues = settings().understand
        short = len(text.split()) <= cues.same_subject_max_words
        # ...but "why is this happening NOW" after pores described beside makeup points at the pores
        about_the_term = bool(results) and results[-1].about_the_term
        asks_of_it = bool(cues.asks_of_the_term.search(text))
        # ... and Korean drops the "it": "스피큘 크림 써보신분? 모공 줄어든다던데 며칠에 한번 발라야 하나요"
        # asks how often to use it ("그리고 모공은 원래 왜 보여요?" asks a question of its own)
        asks_without_it = (
            bool(HANGUL.search(text)) and cued_kind(text) == "frequency" and not cues.korean_new_question.match(text)
        )
        same = short or (about_the_term and bool(cues.points_at_the_term.search(text))) or asks_of_it or asks_without_it
        # ("모공에 효과 있음?" after a dermaroller names pores only: it asks about the dermaroller;
        # "does it pull the gunk out" after facial cupping asks of it, whatever state of pores it
        # names; "also is it true vitamin C helps with acne scars?" asks of vitamin C)
        names_a_topic = set(self.retriever.topics_of(text)) - {settings().gather.generic_topic}
        names_a_thing = names_a_topic - set(settings().gather.everyday_topics)
        if (
            same
            and results
            and results[-1].outcome is Outcome.TERM_NOT_COVERED
            and (not names_a_topic or (asks_of_it and not names_a_thing))
        ):
            return results[-1]
        return None

    def _answer(self, turn: Turn, decision: Decision, language: str) -> Response:
        answered = {fact.id for fact in decision.facts}
        related = [fact for fact in decision.suggestions if fact.id not in answered]
        if not related:
            related = [f for f in self.retriever.suggestions_for(decision.facts[0].question) if f.id not in answered]
        related = list({fact.id: fact for fact in related}.values())[: settings().gather.suggestion_count]
        messages = compose.answers(self.store, decision, language, not turn.disclaimer_shown, related)
        first = decision.facts[0]
        return Response(
            messages,
            {
                "last_topics": decision.topics or list(first.topics),
                "last_kind": decision.kind or first.kinds[0],
                "last_facts": [fact.id for fact in decision.facts],
                "disclaimer_shown": True,
            },
        )

    def _listed_facts(self, last_facts: List[Fact]) -> List[Fact]:
        """The facts behind the items the last answer listed, in order."""
        return [fact for fact in (self.store.fact(i.fact_id) for f in last_facts for i in f.items) if fact]

    def _chosen_item(self, turn: Turn, understanding: Understanding, last_facts: List[Fact]) -> Optional[Fact]:
        """The fact behind "the second one" or "which of those is the moisturising one?",
        from the items of the last answer's list; with no list, "2번째 거는?" after two answers
        (two questions, two things compared) is the second of them."""
        items = [item for fact in last_facts for item in fact.items]
        if not items:
            position = len(last_facts) if understanding.ordinal == "last" else int(understanding.ordinal or 0)
            return last_facts[position - 1] if len(last_facts) >= 2 and 0 < position <= len(last_facts) else None
        if understanding.ordinal:
            position = len(items) if understanding.ordinal == "last" else int(understanding.ordinal)
            return self.store.fact(items[position - 1].fact_id) if position <= len(items) else None
        if not understanding.picks_item:
            return None
        named = set(self.retriever.topics_of(turn.text)) - {settings().gather.generic_topic}
        listed_topics = {topic for item in items if (fact := self.store.fact(item.fact_id)) for topic in fact.topics}
        if named and not named & listed_topics:
            return None  # "방금 말씀하신 것 중에 햇빛 영향은?" after a list without the sun asks about the sun
        lowered = turn.text.lower()
        labelled = [self.store.fact(item.fact_id) for item in items if item.label.lower() in lowered]
        if labelled:  # "which of those is the moisturising one?" naming an item as the list does
            return labelled[0]
        listed = [
            (item_fact, said)
            for fact in last_facts
            for item, said in zip(fact.items, _bullets(fact))
            if (item_fact := self.store.fact(item.fact_id)) is not None
        ]
        closest = self.retriever.closest_item(turn.text, [fact for fact, _ in listed], [said for _, said in listed])
        return self._fact_of_a_part(turn.text, listed, closest, last_facts) or closest

    def _fact_of_a_part(
        self, text: str, listed: List[Tuple[Fact, str]], closest: Optional[Fact], last_facts: List[Fact]
    ) -> Optional[Fact]:
        """The fact of a thing that a bullet lists, when a pick means it more than any item ("which
        of those actually makes new collagen?" after a bullet "vitamin C (helps make collagen),
        retinol…": vitamin C's own fact says it creates new collagen)."""
        said_of = {fact.id: said for fact, said in listed}
        floor = self.retriever.closeness(text, closest, said_of[closest.id]) if closest is not None else 0.0
        parts = [
            fact
            for item_fact, said in listed
            for fact in self.retriever.facts_of_the_parts(said, item_fact.topics[0])
            if fact.id not in said_of and fact not in last_facts
        ]
        return self._closest_above(text, parts, floor + settings().gather.part_over_item_margin, strictly=True)

    def _item_with_asked_detail(self, turn: Turn, item: Optional[Fact], listed: List[Fact]) -> Optional[Fact]:
        """The picked item, or the fact that gives the detail the pick asks for ("그 중에
        비타민C는 농도 몇 % 이상이 좋아?": the vitamin C concentration, not what vitamin C does):
        the closest item that gives it ("what % should the vitamin one be"), else the fact of
        the item's topic that does; the item itself when none gives it."""
        details = asked_details(turn.text)
        if item is None or all(has_detail(item, detail) for detail in details):
            return item
        closest = self.retriever.closest_item(
            turn.text, [fact for fact in listed if all(has_detail(fact, detail) for detail in details)]
        )
        if closest is not None:
            return closest
        result = self.retriever.retrieve(Question(text=turn.text, entity_values=item.topics[:1], skin_context=True))
        return result.fact if result.outcome is Outcome.ANSWER and result.fact is not None else item

    def _explained_by_the_last_answer(self, turn: Turn, last_facts: List[Fact]) -> Optional[Fact]:
        """For a bare "why?" ("why those ones and not the others", "왜요?"), the last answer's
        fact that gives a cause ("sebaceous follicles clog easily: their hair is short…"): its
        answer is the why asked for, where another fact of its topic would change the subject.
        For "what's that for?" ("그걸로 뭘 알 수 있어요?") after an answer that says first what
        something is or does ("clinics use imaging to track pore size"), that answer: another
        fact of its topic would change the subject too."""
        cues = settings().understand
        if cues.bare_why.search(turn.text):
            return next((fact for fact in last_facts if "cause" in fact.kinds), None)
        first = last_facts[0] if last_facts else None
        if not cues.purpose_of_that.search(turn.text) or first is None or "what_is" not in first.kinds or first.items:
            return None
        names_a_topic = set(self.retriever.topics_of(turn.text)) - {settings().gather.generic_topic}
        return None if names_a_topic else first

    def _what_to_use_instead_of_the_last(self, turn: Turn, last_facts: List[Fact]) -> Optional[Fact]:
        """For "so what do i use instead then?" after an answer that says a way does little
        (vitamin C supplements), what the sources say to use instead (``what_to_use_instead``),
        when the message names no topic and no term of its own ("what should i take instead,
        melatonin?" asks about a term the sources lack)."""
        cues = settings().understand
        if not cues.asks_instead.search(turn.text) or self.retriever.uncovered_terms(turn.text):
            return None
        if set(self.retriever.topics_of(turn.text)) - set(turn.last_topics) - {settings().gather.generic_topic}:
            return None
        return next((fact for fact in map(self._what_replaces, last_facts) if fact is not None), None)

    def _mentioned_before(self, turn: Turn) -> Optional[Fact]:
        """The fact of the conversation's subject that says what a follow-up says was mentioned
        ("the one with mild acids you mentioned, what does that do?" after how to cleanse: the
        cleanser fact that names mild acids), when its words are most of the pick's."""
        cues = settings().understand
        if not turn.last_topics or not cues.mentioned_before.search(turn.text):
            return None
        pick = cues.mentioned_before.sub(" ", turn.text)
        return self._closest_above(pick, self.store.facts_about(list(turn.last_topics)), cues.mentioned_min_closeness)

    def _closest_above(self, pick: str, facts: List[Fact], floor: float, strictly: bool = False) -> Optional[Fact]:
        """The fact closest to a pick (``Retriever.closeness``; the first of equals), when it
        is at least ``floor`` close (``strictly``: more than that)."""
        scored = [(self.retriever.closeness(pick, fact), fact) for fact in facts]
        best = max(scored, key=lambda pair: pair[0], default=None)
        if best is None or best[0] < floor or (strictly and best[0] == floor):
            return None
        return best[1]

    def _small_talk_beside_the_switch(self, turn: Turn) -> Optional[str]:
        """The small-talk reply a switch asks for too ("Can you reply in English from now on?
        What can you help me with?"): the NLU's small talk of a message with more words than
        the switch's own (not "english please", which the NLU may call anything)."""
        cues = settings().understand
        remainder = _without_the_switch(turn.text)
        # ... or, when the NLU could not place the mixed message ("hi~ who are you? 한국어로
        # 대답해 주세요"), the small talk of its words
        intent = turn.intent if turn.intent != FALLBACK_INTENT else small_talk_cue(remainder) or turn.intent
        reply = cues.small_talk.get(intent)
        if reply is None or intent in SWITCH_ALONE_INTENTS:
            return None
        # ... not one that points at the last answer ("방금 거 영어로 말해줄 수 있어요?": that answer again)
        asks_by_itself = bool(cues.question_sentence.search(remainder)) and not cues.points_at_the_last_answer.search(
            remainder
        )
        return reply if asks_by_itself and len(remainder.split()) >= cues.small_talk_beside_switch_min_words else None

    def _asks_more_than_switching(self, turn: Turn) -> bool:
        """ "영어로 말해줘" only switches; "in English: how often should I exfoliate?" asks too."""
        # ("can u say that in english pls? my bf doesnt read korean": the language is no topic)
        remainder = settings().understand.language_names.sub(" ", _without_the_switch(turn.text))
        return bool(self.retriever.topics_of(remainder))


def _with_further_answer(decision: Decision, fact: Fact) -> Decision:
    """``decision`` with ``fact`` answered after its answers, and no longer offered as a button."""
    return replace(decision, facts=[*decision.facts, fact], more=[f for f in decision.more if f != fact])


def _asks_about_overdoing(text: str) -> bool:
    """Whether a sentence of ``text`` asks about doing something too much or too often."""
    cues = settings().understand
    sentences = [text[start:end] for start, end in sentence_spans(text)]
    return any(
        cues.question_sentence.search(sentence) and (cues.excess.search(sentence) or cues.overdoing.search(sentence))
        for sentence in sentences
    )


def _without_the_switch(text: str) -> str:
    """The message without its request to switch language."""
    for cue in settings().understand.language_switch.values():
        text = cue.sub(" ", text)
    return text


def _bullets(fact: Fact) -> List[str]:
    """What a bulleted answer says of each of its items, English and Korean (one bullet per
    item, in order: the build checks it); nothing for an answer that lists them in a sentence."""

    def lines(text: str) -> List[str]:
        return [line for line in text.splitlines() if line.lstrip().startswith("•")]

    said = [f"{english} {korean}" for english, korean in zip(lines(fact.answer), lines(fact.answer_in("ko")))]
    return said if len(said) == len(fact.items) else [""] * len(fact.items)
