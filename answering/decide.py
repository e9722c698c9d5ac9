"""Stage 3 of answering: from what each question of a message found, what the reply will be.

One message can ask several things; each was looked up on its own (stage 2). Here they become
one decision: answer up to ``max_answered_questions`` of them, name what the sources don't
cover beside what they do, offer the rest as buttons, or say why there is no answer.
"""

from dataclasses import dataclass, field
from enum import Enum
from typing import List, Optional, Sequence

from answering.gather import OVERVIEW_KIND, Outcome, Result
from knowledge.store import Fact


class Reply(Enum):
    ANSWER = "answer"  # one or more facts; `uncovered` may name what the sources lack
    DETAIL_NOT_COVERED = "detail_not_covered"
    NOT_COVERED = "not_covered"
    DID_YOU_MEAN = "did_you_mean"
    OUT_OF_DOMAIN = "out_of_domain"


@dataclass
class Decision:
    reply: Reply
    facts: List[Fact] = field(default_factory=list)  # the answers, in the order asked (from the story last)
    uncovered: Optional[str] = None  # a term the sources don't cover, named in the reply
    unanswered: Optional[str] = None  # a question of the message nothing answers, as asked
    detail: Optional[str] = None  # the reply key of a detail the sources don't give
    topic: Optional[str] = None  # the topic that detail was asked about
    topics: List[str] = field(default_factory=list)  # what a follow-up will refer to
    kind: Optional[str] = None
    more: List[Fact] = field(default_factory=list)  # answers to further questions, as buttons
    suggestions: List[Fact] = field(default_factory=list)


def decide(
    results: List[Result],
    max_answers: int,
    understood_by_nlu: bool,
    last_first: bool = False,
    asked: Sequence[str] = (),
) -> Decision:
    """The reply for a message whose questions found ``results`` (in the order asked).

    ``understood_by_nlu`` is False when the NLU could not place the message: then a message
    nothing was found for gets "did you mean", not "my sources don't cover that". With
    ``last_first`` (a post), the last questions asked are the ones answered when there are more
    than ``max_answers``: a post's questions build up to the ones at its end. ``asked``: the
    questions, as written, that found ``results``; one about skin that nothing answers, beside
    answers, is named in the reply ("…and does hard water from old pipes cause breakouts"). A
    message whose only answers were found by their words alone, beside questions about something
    else, is out of the domain."""
    if any(r.outcome is Outcome.OUT_OF_DOMAIN for r in results) and all(
        r.outcome is Outcome.OUT_OF_DOMAIN or (r.outcome is Outcome.ANSWER and r.by_wording_only) for r in results
    ):
        # "how much gelatin do i need for panna cotta to set, and how do i stop a skin forming
        # on it": a question whose fact was found by its words alone, beside questions about
        # something else, is about that too
        return Decision(Reply.OUT_OF_DOMAIN)
    uncovered = next(
        (r.missing for r in results if r.outcome in (Outcome.TERM_NOT_COVERED, Outcome.ANSWER) and r.missing), None
    )
    unanswered = next((text for r, text in zip(results, asked) if r.outcome is Outcome.NOT_COVERED), None)
    uncovered_results = [r for r in results if r.outcome is Outcome.TERM_NOT_COVERED]
    if uncovered_results:
        # "does accutane shrink pores, or do they go back after the course?": a question that
        # names nothing of its own beside one about an uncovered term asks about that term; one
        # with no skin-care word at all ("프락셀 몇 회 받아야 돼요? 한 회당 가격대도 궁금해요")
        # asks nothing the sources could answer.
        about_the_term = any(r.about_the_term for r in uncovered_results)
        results = [
            r
            for r in results
            # ... but "whats the minimum % that works" after a brand's vitamin C asks a detail the
            # sources give
            if not (
                r.outcome is Outcome.ANSWER
                and not r.asks_a_detail
                and (r.says_nothing_of_skin or (about_the_term and r.names_nothing) or r.of_pores_at_large)
            )
        ]
    if any(r.outcome is Outcome.ANSWER and (not r.names_nothing or r.asks_a_detail) for r in results):
        # "…how can my skin be oily and dry at the same time?? what's actually going on there";
        # "…뭐가 맞는거예요? 일주일에 몇번이 적당한건지 좀 알려주세여": the question that asks
        # something, even if it borrows its subject too
        results = [r for r in results if not (r.outcome is Outcome.ANSWER and r.asks_nothing_new)]
    answered = _distinct_answers(results)
    if last_first and len(answered) > max_answers:
        answered = answered[-max_answers:] + answered[:-max_answers]
    answered = sorted(answered, key=lambda r: r.from_the_story)
    if answered:
        first = answered[0]
        facts = [r.fact for r in answered if r.fact is not None]
        # "how do clinics check pores improved? and how much does a treatment cost?": the
        # answer, and that the sources don't give the price.
        unanswered_detail = (
            None if uncovered else next((r for r in results if r.outcome is Outcome.DETAIL_NOT_COVERED), None)
        )
        return Decision(
            Reply.ANSWER,
            facts=facts[:max_answers],
            uncovered=uncovered,
            unanswered=None if uncovered or unanswered_detail else unanswered,
            detail=unanswered_detail.missing if unanswered_detail else None,
            topic=unanswered_detail.topics[0] if unanswered_detail and unanswered_detail.topics else None,
            topics=first.topics,
            kind=first.kind,
            more=facts[max_answers:],
            suggestions=[fact for r in answered for fact in r.suggestions if fact not in facts],
        )
    first = results[0]
    if any(r.outcome is not Outcome.OUT_OF_DOMAIN for r in results):
        first = next(r for r in results if r.outcome is not Outcome.OUT_OF_DOMAIN)
    if first.outcome is Outcome.DETAIL_NOT_COVERED:
        return Decision(
            Reply.DETAIL_NOT_COVERED,
            detail=first.missing,
            topic=first.topics[0],
            topics=first.topics,
            kind=first.kind,
            suggestions=first.suggestions,
        )
    if first.outcome is Outcome.OUT_OF_DOMAIN:
        return Decision(Reply.OUT_OF_DOMAIN)
    if first.outcome is Outcome.NOT_COVERED and not understood_by_nlu:
        if not first.missing and any(r.outcome is Outcome.OUT_OF_DOMAIN for r in results):
            # "…it still wont gel in the fridge. which bones should i be using, feet? necks?": a
            # question that found nothing beside others about something else is about it too
            return Decision(Reply.OUT_OF_DOMAIN)
        return Decision(Reply.DID_YOU_MEAN, suggestions=first.suggestions)
    return Decision(Reply.NOT_COVERED, uncovered=first.missing, suggestions=first.suggestions)


def _distinct_answers(results: List[Result]) -> List[Result]:
    """The answering results, each fact once, in the order the questions were asked, without a
    fact whose source sentences another answer already quotes ("what order do the packs go in
    and how often?": the order of the packs says how often the exfoliating one is used)."""
    seen: List[str] = []
    distinct: List[Result] = []
    for result in results:
        if result.outcome is Outcome.ANSWER and result.fact is not None and result.fact.id not in seen:
            seen.append(result.fact.id)
            distinct.append(result)
    return [result for index, result in enumerate(distinct) if not _said_by_another(index, distinct)]


def _said_by_another(index: int, answers: List[Result]) -> bool:
    """Whether another answer quotes every source sentence of answer ``index`` and is about each
    of its topics too: more of them, or the same ones and asked before it. (Retinol's answer
    quotes the sentence growth factors' does, but says nothing of growth factors; an overview
    quotes much, but in a few words each, so a fact beside it still says more.)"""
    fact = answers[index].fact
    if fact is None or not fact.quotes:
        return False
    quotes, topics = set(fact.quotes), set(fact.topics)
    return any(
        other.fact is not None
        and OVERVIEW_KIND not in other.fact.kinds
        and topics <= set(other.fact.topics)
        and (quotes < set(other.fact.quotes) or (quotes == set(other.fact.quotes) and position < index))
        for position, other in enumerate(answers)
        if position != index
    )
