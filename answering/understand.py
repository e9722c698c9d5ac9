"""Stage 1 of answering: what the message asks, in which language, and what it points back at.

Nothing here looks at facts: it reads the message and the conversation's state (the slots)
with the cues of ``data/answering.yml``.
"""

import re
from dataclasses import dataclass
from typing import Callable, List, Optional, Tuple, TypeVar

from answering.settings import DetailCue, settings
from knowledge.nlp import pipeline
from knowledge.text_cache import text_cache
from knowledge.topics import HANGUL
from texts import DEFAULT_LANGUAGE, LANGUAGES, written_language

T = TypeVar("T")

_WORDS = re.compile(r"[A-Za-z0-9\uac00-\ud7a3]")
# A line ends a sentence in chat, with or without punctuation (Korean breaks include it).
LINE_BREAK = re.compile(r"\s*\n\s*")


@dataclass(frozen=True)
class Turn:
    """What the action server knows when a message arrives: the message and the slots."""

    text: str
    intent: str
    entity_topics: Tuple[str, ...] = ()
    requested_fact_id: Optional[str] = None  # a suggestion button's fact
    language_slot: Optional[str] = None
    requested_language: Optional[str] = None  # what the person asked for ("영어로 말해줘"), if anything
    channel_language: Optional[str] = None  # the browser's or Telegram's language, if sent
    last_topics: Tuple[str, ...] = ()
    last_kind: Optional[str] = None
    last_facts: Tuple[str, ...] = ()  # the facts of the last answer, in order
    disclaimer_shown: bool = False


@dataclass(frozen=True)
class Understanding:
    language: str  # the language to answer in
    switched_language: bool  # the message asked for that language
    wants_source: bool  # "where does that come from?"
    ordinal: Optional[str]  # "2" for "the second one", "last"; None when no item is named
    picks_item: bool  # "which of those..."
    refers_back: bool  # "how long does that take?"
    is_follow_up: bool  # "and BHA?": the last question again, on a new topic
    questions: Tuple[str, ...]  # the questions in the message, in order
    is_post: bool  # a long message whose questions were picked out of a story


def conversation_language(turn: Turn) -> Tuple[str, bool]:
    """The language to answer in, and whether the message asked for it explicitly.

    An explicit request wins (not one for the source's original wording), in this message or
    earlier in the conversation (someone who asked for English keeps getting English, whatever
    they type); then the message's own
    script, except that a very short Latin message ("AHA?", "ok") keeps a Korean conversation
    Korean; then the conversation's language; then the language the channel reported
    (browser, Telegram); then English."""
    cues = settings().understand
    # "출처 문장 영어로 그대로 알려줘" asks for the original sentences, which are English anyway.
    asks_for_source = asks_for_the_source(turn.text)
    # "이 문장 영어로 번역좀 해줘: …" asks to translate a text of its own, not to switch.
    translates = bool(cues.translation_request.search(turn.text))
    for language, cue in cues.language_switch.items():
        if cue.search(turn.text) and not asks_for_source and not translates:
            return language, True
    if turn.requested_language in LANGUAGES:
        return turn.requested_language, False
    written: Optional[str] = written_language(turn.text)
    short = len(turn.text.split()) <= cues.keep_language_max_words
    if written == "en" and turn.language_slot == "ko" and short:
        written = None
    for candidate in (written, turn.language_slot, turn.channel_language):
        if candidate is not None and candidate in LANGUAGES:
            return candidate, False
    return DEFAULT_LANGUAGE, False


@text_cache(maxsize=256)
def sentence_spans(text: str) -> Tuple[Tuple[int, int], ...]:
    """Where the sentences of a message are (cached: the questions of a message, the details it
    asks and the overdoing cue all read them). spaCy's sentencizer splits at punctuation; Korean
    chat often has none and ends a sentence with its verb ending or with ㅠㅠ / ㅋㅋ / …
    ("시작했어요ㅠㅠ 근데 매일 쓰면 따가운 느낌도 있고… 몇 번이 적당해요?"), so a sentence with
    Hangul is split there too (``korean_sentence_break`` in data/answering.yml), and any
    sentence at a line break."""
    breaks = settings().understand.korean_sentence_break
    spans: List[Tuple[int, int]] = []
    for sent in pipeline()(text).sents:
        start = sent.start_char
        for found in breaks.finditer(sent.text) if HANGUL.search(sent.text) else LINE_BREAK.finditer(sent.text):
            spans.append((start, sent.start_char + found.start()))
            start = sent.start_char + found.end()
        spans.append((start, sent.end_char))
    # A sentence has words: "ㅠ" or "!!" after a question is not one.
    return tuple((start, end) for start, end in spans if _WORDS.search(text[start:end]))


def _numbered_questions(text: str) -> List[str]:
    """The items of a numbered list of questions ("궁금한게 1. 얼굴에 모공이 몇 개나 있는지 2. 왜
    코만 유독 큰지 알려주세요"), whether or not they end like one; none for a list after a question
    ("how often should i exfoliate? 1) with bha 2) with a scrub") or of steps ("1. cleanse 2.
    tone 3. moisturize"), whose items are not questions of their own."""
    cues = settings().understand
    markers = list(cues.enumeration.finditer(text))
    if len(markers) < 2 or cues.question_sentence.search(text[: markers[0].start()]):
        return []
    ends = [marker.start() for marker in markers[1:]] + [len(text)]
    items = [text[marker.end() : end].strip() for marker, end in zip(markers, ends)]
    return items if all(len(item.split()) >= cues.numbered_question_min_words for item in items) else []


def _without_the_told(asked: List[T], sentence_of: Callable[[T], str]) -> List[T]:
    """The sentences that ask, without those that tell with a question mark ("…했거든요?") or
    tell someone else's question ("…냐고 하네요"), when others ask."""
    told = settings().understand.told_with_a_question_mark
    return [item for item in asked if not told.search(sentence_of(item))] or asked


def questions_in(text: str) -> Tuple[Tuple[str, ...], bool]:
    """The questions a message asks, and whether it was a long post.

    A long post (age, routine, products tried, then "what should I change?") is read for its
    question sentences only, so a word in passing does not decide the reply; a sentence that
    joins two questions ("why do pores sag, and what can I put on them?") is split in two."""
    cues = settings().understand
    sentences = [text[start:end].strip() for start, end in sentence_spans(text)]
    asked = [
        _with_the_claim(sentences, index)
        for index, sentence in enumerate(sentences)
        if cues.question_sentence.search(sentence)
        or (index == len(sentences) - 1 and index > 0 and cues.reported_claim.search(sentence))
    ]
    # A story with questions in it; three questions in a row ("how often…? also what %…? and
    # can i…") are a list of questions, not a post.
    asked = _without_the_told(asked, lambda sentence: sentence)
    is_post = len(text.split()) > cues.long_message_words or (len(sentences) >= 3 and 0 < len(asked) < len(sentences))
    items = _numbered_questions(text)
    if items:
        chosen = items
    elif is_post:
        chosen = asked or sentences[-1:]
    else:
        chosen = asked if len(asked) >= 2 else [text.strip()]
    questions: List[str] = []
    for sentence in chosen:
        for part in _joined_questions(sentence):
            questions += _listed_questions(part.strip()) if part else []
    return tuple(question for question in dict.fromkeys(questions) if _says_something(question)), is_post


def _joined_questions(sentence: str) -> List[str]:
    """The questions a sentence joins ("why do pores sag, and what can I put on them?"), split
    at each ``question_joiner`` but the "or" of a question that offers two answers ("is it only
    the pores or is the whole face changing, and what helps?": two questions, not three)."""
    cues = settings().understand
    parts: List[str] = []
    start = 0
    for joiner in cues.question_joiner.finditer(sentence):
        either_or = cues.either_or_question.match(sentence, start)
        if either_or is not None and either_or.end() == joiner.end():
            continue
        parts.append(sentence[start : joiner.start()])
        start = joiner.end()
    return parts + [sentence[start:]]


def _says_something(question: str) -> bool:
    """Whether a piece of a message has a word that is not chat filler: the "ok" of "ok and what
    can i do about that" asks nothing."""
    fillers = settings().gather.filler_words
    return any(word.lower() not in fillers for word in re.findall(r"[^\W_]+", question))


def _with_the_claim(sentences: List[str], index: int) -> str:
    """Sentence ``index``; when it only asks whether a claim is right ("Is she right?") right
    after the sentence that reports it ("My coworker says I should put it on my face instead
    of eating it."), or only asks of "it" ("Thinking about microneedling for my saggy pores.
    Does it work?"), both: the sentence before is what it asks about."""
    cues = settings().understand
    sentence = sentences[index]
    if index == 0:
        return sentence
    if cues.claim_check.search(sentence) and cues.reported_claim.search(sentences[index - 1]):
        return f"{sentences[index - 1]} {sentence}"
    if cues.asks_of_the_term.search(sentence) and len(sentence.split()) <= cues.pronoun_question_max_words:
        return f"{sentences[index - 1]} {sentence}"
    return sentence


def checks_a_claim(text: str) -> bool:
    """Whether a question asks whether a reported claim holds: a claim and a sentence that only
    asks whether it is right (as ``_with_the_claim`` joins them)."""
    cues = settings().understand
    spans = sentence_spans(text)
    sentences = [text[start:end] for start, end in spans]
    return any(
        cues.claim_check.search(sentence) and cues.reported_claim.search(sentences[index - 1])
        for index, sentence in enumerate(sentences)
        if index > 0
    )


def _listed_questions(text: str) -> List[str]:
    """A comma-separated list of questions as its questions: each piece that asks by itself
    ends at its comma; the rest stays with the piece before it."""
    cues = settings().understand
    pieces: List[str] = []
    start = 0
    for comma in cues.question_list_comma.finditer(text):
        if cues.asks_by_itself.search(text[start : comma.start()]):
            pieces.append(text[start : comma.start()].strip())
            start = comma.end()
    pieces.append(text[start:].strip())
    return [piece for piece in pieces if piece]


@text_cache(maxsize=256)
def asked_spans(text: str) -> Tuple[Tuple[int, int], ...]:
    """Where the sentences that ask are, when a message also has sentences that don't
    ("does sunburn make pores sag? i never wear sunscreen"); empty otherwise. Cached: each
    question of a message asks it once per uncovered term."""
    cues = settings().understand
    sentences = sentence_spans(text)
    asks = [bool(cues.question_sentence.search(text[start:end])) for start, end in sentences]
    # ... and a fragment that spells out the question right before it ("그 중에 비타민c는 어떤 거
    # 사야돼요? 농도 같은 거", "which one should i get? like what %")
    asks = [
        asked or (index > 0 and asks[index - 1] and bool(cues.question_spelled_out.search(text[start:end])))
        for index, ((start, end), asked) in enumerate(zip(sentences, asks))
    ]
    asked = [span for span, asked in zip(sentences, asks) if asked]
    asked = _without_the_told(asked, lambda span: text[span[0] : span[1]])
    return tuple(asked) if 0 < len(asked) < len(sentences) else ()


@text_cache(maxsize=256)
def asks_for_the_source(text: str) -> bool:
    """Whether a message asks where the last answer comes from: one of the source-request
    phrasings, or a short message with a word for the source and one pointing back (cached:
    understanding a turn and deciding on it both ask, of the same text)."""
    cues = settings().understand
    # ... also with the Korean taken out: a particle glued to an English word ("verbatim으로",
    # "source를") leaves no word boundary for the English phrasings
    latin = HANGUL.sub(" ", text)
    if cues.source_request.search(text) or cues.source_request.search(latin):
        return True
    short = len(text.split()) <= cues.source_request_max_words
    names_the_source = cues.source_words.search(text) or cues.source_words.search(latin)
    return short and bool(names_the_source) and bool(cues.source_pointers.search(text))


def cued_kind(text: str) -> Optional[str]:
    """The kind of question its wording signals, if any."""
    return next(iter(cued_kinds(text)), None)


@text_cache(maxsize=1024)
def cued_kinds(text: str) -> Tuple[str, ...]:
    """Every kind of question its wording signals, most specific first (cached: each stage of a
    turn asks it of the same question, and the broad-question cue is the costliest pattern)."""
    return tuple(dict.fromkeys(kind for kind, cue in settings().understand.kind_cues if cue.search(text)))


def _asking_parts(text: str) -> List[str]:
    """The sentences of a message that ask, when some don't; else the whole message."""
    return [text[start:end] for start, end in asked_spans(text)] or [text]


def asked_details(text: str) -> List[DetailCue]:
    """The details a message asks for, read in its sentences that ask when some don't ("im
    shiny by lunch every day. general advice for pores?" asks nothing about frequency)."""
    return list(_asked_details(text))


@text_cache(maxsize=256)
def _asked_details(text: str) -> Tuple[DetailCue, ...]:
    """(cached: each stage of answering a message asks it of the same text)"""
    asked = _asking_parts(text)
    return tuple(cue for cue in settings().understand.detail_cues if any(cue.pattern.search(part) for part in asked))


def asked_kind(text: str) -> Optional[str]:
    """The kind of question its wording signals, read in its sentences that ask when some
    don't ("do vitamin c tablets help with pores? i already take them daily" asks no "how often")."""
    return cued_kind(" ".join(_asking_parts(text)))


def small_talk_cue(text: str) -> Optional[str]:
    """The small-talk intent a short message's words make ("thx!!", "감사합니다 수고하세요"), for
    messages the NLU could not place; None for anything longer or without such words. An
    emoticon (":)", "^^") is no word."""
    cues = settings().understand
    words = sum(1 for word in text.split() if _WORDS.search(word))
    if words > cues.small_talk_max_words:
        # ... but asking what the assistant is may take more words ("근데 너 이름 있어? 뭐라고 불러야 돼 ㅋㅋ")
        asks_what_it_is = words <= cues.bot_challenge_max_words and dict(cues.small_talk_cues)["bot_challenge"].search(
            text
        )
        return "bot_challenge" if asks_what_it_is else None
    intent = next((intent for intent, cue in cues.small_talk_cues if cue.search(text)), None)
    # ("thanks? for what": a question mark makes thanks or goodbye no small talk, but not a
    # question to the bot itself)
    return None if intent not in (None, "greet", "ask_capabilities", "bot_challenge") and "?" in text else intent


def _ordinal(text: str) -> Optional[str]:
    return next((position for position, cue in settings().understand.ordinals if cue.search(text)), None)


def understand(turn: Turn) -> Understanding:
    cues = settings().understand
    language, switched = conversation_language(turn)
    questions, is_post = questions_in(turn.text)
    return Understanding(
        language=language,
        switched_language=switched,
        # A long post that mentions a source is no request for one; "헐 진짜? 그 숫자 어디서 나온 거임
        # 원문 보여주셈" is, though it has three sentences.
        wants_source=asks_for_the_source(turn.text) and len(turn.text.split()) <= cues.long_message_words,
        ordinal=_ordinal(turn.text) if turn.last_facts and not is_post else None,
        picks_item=bool(cues.item_reference.search(turn.text)) and bool(turn.last_facts),
        refers_back=bool(cues.refers_back.search(turn.text)),
        is_follow_up=turn.intent == "inform_topic" or bool(cues.follow_up_opener.search(turn.text)),
        questions=questions or (turn.text,),
        is_post=is_post,
    )
