"""Stage 4 of answering: the decision, worded in the conversation's language.

Every sentence comes from ``data/replies.yml`` (through ``texts.say``) or is a fact's own
curated answer; nothing the person typed is echoed unless it is a plain word or two.
"""

import json
import re
from typing import Any, Dict, List, Optional

from answering.decide import Decision, Reply
from knowledge.store import Fact, FactStore
from texts import say, topic_names

SUGGESTION_INTENT = "ask_fact"
# A term from the message may be named in the reply ("My sources don't cover IPL") only when
# it is plain words: no markup, no control characters, nothing long.
_SAFE_SUBJECT = re.compile(r"^[\w][\w .'+\-]{0,38}[\w.+]?$")
# A question quoted back as asked: letters, spaces and plain punctuation, at most 100 characters.
# No digits: a phone number or an address is not said back.
_SAFE_QUESTION = re.compile(r"[^\W\d_](?:[^\W\d_]|[ .,'’+\-]){0,98}[^\W\d_]")
_JOINING_WORDS = re.compile(r"^(?:(?:and|also|but|plus|okay|ok|oh|so|then|그리고|근데|또)(?!\w)\W*)+", re.IGNORECASE)
# A source sentence's own double quotes, as written inside a quote.
_INNER_QUOTES = str.maketrans({"“": "‘", "”": "’", '"': "'"})
Message = Dict[str, Any]


def suggestion_buttons(facts: List[Fact], language: str) -> List[Dict[str, str]]:
    """Buttons whose payload asks for that exact fact, whatever the channel's NLU."""
    return [
        {"title": fact.question_in(language), "payload": f"/{SUGGESTION_INTENT}{json.dumps({'fact_id': fact.id})}"}
        for fact in facts
    ]


def text_only(key: str, language: str) -> Message:
    return {"text": say(key, language)}


def source_line(store: FactStore, fact: Fact, language: str) -> str:
    titles = [
        say(
            "source_title",
            language,
            title=store.document_title(document_id, language),
            original=store.document_title(document_id),
        )
        for document_id in fact.document_ids
    ]
    return say("source_line", language, titles=say("source_titles_joiner", language).join(titles))


def answers(
    store: FactStore, decision: Decision, language: str, with_disclaimer: bool, related: List[Fact]
) -> List[Message]:
    """One message per answered question, each with its source; what the sources don't cover
    (a term, or a detail another question asked) first; the disclaimer and the buttons
    (further questions of the message, then related facts) under the last."""
    messages: List[Message] = []
    if decision.uncovered:
        messages.append({"text": say("partly_covered", language, subject=_subject(decision.uncovered, language))})
    elif decision.detail and decision.topic:
        detail = say(decision.detail, language, topic=topic_name(store, decision.topic, language))
        messages.append({"text": say("partly_detail_not_covered", language, detail=detail)})
    elif decision.unanswered:
        subject = _asked_subject(decision.unanswered, language)
        messages.append({"text": say("partly_covered", language, subject=subject)})
    for fact in decision.facts:
        messages.append({"text": f"{fact.answer_in(language)}\n\n{source_line(store, fact, language)}"})
    if with_disclaimer:
        messages[-1]["text"] += f"\n\n{say('disclaimer', language)}"
    if decision.more:
        messages.append(
            {"text": say("more_questions", language), "buttons": suggestion_buttons(decision.more, language)}
        )
    else:
        messages[-1]["buttons"] = suggestion_buttons(related, language)
    return messages


def no_such_item(listed: List[Fact], language: str) -> List[Message]:
    """ "The sixth one" after a list of five: what the list held, as buttons."""
    return [{"text": say("no_such_item", language), "buttons": suggestion_buttons(listed, language)}]


def source_quotes(store: FactStore, facts: List[Fact], language: str) -> List[Message]:
    """The verbatim sentences behind the last answer, with each document's original title;
    in a language other than English the answer itself stands above them, since the quotes
    are the original English text."""
    lines = [
        say(
            "source_quote_line",
            language,
            quote=_quoted_within(quote.text),
            title=say(
                "source_quote_title",
                language,
                title=store.document_title(quote.document_id, language),
                original=store.document_title(quote.document_id),
            ),
        )
        for fact in facts
        for quote in fact.quotes
    ]
    text = "\n".join([say("source_quote_intro", language), *dict.fromkeys(lines)])
    if language != "en":
        text = "\n\n".join([*(fact.answer_in(language) for fact in facts), text])
    return [{"text": text}]


def _quoted_within(sentence: str) -> str:
    """A quoted sentence's own double quotes as single ones (“the pores of ‘vellus hair
    follicles’…”), as quotes within a quote are written, so the reader (and a screen reader)
    sees where the source sentence ends."""
    return sentence.translate(_INNER_QUOTES)


def not_answered(store: FactStore, decision: Decision, language: str) -> List[Message]:
    """The reply when no fact answers: not covered, a detail not covered, did you mean, or out
    of scope."""
    buttons = suggestion_buttons(decision.suggestions, language)
    if decision.reply is Reply.OUT_OF_DOMAIN:
        return [text_only("out_of_scope", language)]
    if decision.reply is Reply.DID_YOU_MEAN:
        return [{"text": say("did_you_mean", language), "buttons": buttons}]
    if decision.reply is Reply.DETAIL_NOT_COVERED and decision.detail and decision.topic:
        detail = say(decision.detail, language, topic=topic_name(store, decision.topic, language))
        return [{"text": say("detail_not_covered", language, detail=detail), "buttons": buttons}]
    text = say("not_covered", language, subject=_subject(decision.uncovered, language))
    if buttons:
        text += " " + say("suggestions_intro", language)
    return [{"text": text, "buttons": buttons}]


def topic_name(store: FactStore, topic_id: str, language: str) -> str:
    return topic_names().get(topic_id, {}).get(language) or store.topic_name(topic_id)


def _asked_subject(question: str, language: str) -> str:
    """A question nothing answered, quoted as asked ("“does hard water cause breakouts”") without
    the words that join it to the one before ("and also"), when it is short and plain text;
    otherwise "that"."""
    asked = _JOINING_WORDS.sub("", question.strip()).rstrip("?!. ")
    if _SAFE_QUESTION.fullmatch(asked):
        return f"“{asked}”"
    return say("not_covered_subject_unnamed", language)


def _subject(term: Optional[str], language: str) -> str:
    if term and _SAFE_SUBJECT.match(term.strip()):
        return term.strip()
    return say("not_covered_subject_unnamed", language)
