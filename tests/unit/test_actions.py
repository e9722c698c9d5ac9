"""The actions on tracker states as Rasa sends them to the action server, comparing the whole
event list and every message (as RasaHQ's financial-demo does).

The fixtures are in ``fixtures/action_turns.json``: each holds the tracker, the action to run,
and the events and messages it must return. When the wording of a reply or a fact changes on
purpose, re-record them (``python -m tests.unit.fixtures.record_action_turns``) and review the diff.
"""

import asyncio
import json
from pathlib import Path
from typing import Any, Dict

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.actions import ActionAnswerQuestion, ActionDefaultFallback

FIXTURES = json.loads((Path(__file__).parent / "fixtures" / "action_turns.json").read_text(encoding="utf-8"))
ACTIONS = {action().name(): action for action in (ActionAnswerQuestion, ActionDefaultFallback)}


def run(case: Dict[str, Any]):
    dispatcher = CollectingDispatcher()
    events = asyncio.run(ACTIONS[case["action"]]().run(dispatcher, Tracker.from_dict(case["tracker"]), domain={}))
    return events, dispatcher.messages


@pytest.mark.parametrize("name", sorted(FIXTURES))
def test_action_returns_exactly_the_recorded_events_and_messages(name: str) -> None:
    events, messages = run(FIXTURES[name])
    assert events == FIXTURES[name]["events"]
    assert messages == FIXTURES[name]["messages"]


def test_the_fixtures_cover_what_the_issues_promise() -> None:
    """Guards the fixture file itself: a regenerated file must still show these behaviours."""
    by_name = {name: "\n".join(m.get("text") or "" for m in case["messages"]) for name, case in FIXTURES.items()}
    assert "Source: “Why pores matter”" in by_name["answer_with_source_and_disclaimer"]
    assert "출처:" in by_name["korean_question_answered_in_korean"]
    assert "concentration of 7% or higher" in by_name["source_request_quotes_the_last_answer"]
    assert by_name["two_questions_two_answers"].count("Source:") == 2
    assert by_name["not_covered_says_so"].startswith("My sources don't cover niacinamide")
    assert "outside what I can help with" in by_name["unrelated_question_gets_no_fact"]
    assert "<script>" not in by_name["markup_is_never_echoed"]
    assert "7%" in by_name["a_pick_from_a_list_asking_a_detail_gets_the_fact_with_it"]
    assert by_name["small_talk_the_nlu_missed_is_still_small_talk"].startswith("천만에요")
    assert "Over-exfoliation can trigger redness" in by_name["overdoing_an_acid_is_answered_from_exfoliation"]
    assert "밤" in by_name["a_korean_follow_up_without_it_continues_the_subject"]
    assert "Source:" not in by_name["a_question_about_an_uncovered_term_gets_no_borrowed_answer"]
    assert by_name["a_broad_question_beside_an_uncovered_product_is_answered"].startswith(
        "My sources don't cover toners. On the rest"
    )
    assert "Over-exfoliation" in by_name["doing_it_daily_also_hears_what_overdoing_does"]
    assert "7% or higher" in by_name["a_pick_asking_a_detail_gets_the_item_that_gives_it"]
    assert "영어 원문" in by_name["the_original_sentences_asked_in_korean_stay_korean"]
    assert "붉은기" in by_name["small_talk_words_that_ask_more_of_the_answer_get_it"]
    assert "출처:" not in by_name["a_price_question_beside_an_uncovered_treatment_gets_no_fact"]
