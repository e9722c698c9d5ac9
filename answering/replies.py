"""What the assistant says: the wording of every reply built from the fact store."""

import json
from typing import Any, Dict, List, Optional

from knowledge.store import Fact, FactStore

DISCLAIMER = "(General information from my sources, not medical advice.)"
SUGGESTION_INTENT = "ask_fact"


def suggestion_buttons(facts: List[Fact]) -> List[Dict[str, str]]:
    """Buttons whose payload asks for that exact fact, whatever the channel's NLU."""
    return [
        {"title": fact.question, "payload": f"/{SUGGESTION_INTENT}{json.dumps({'fact_id': fact.id})}"}
        for fact in facts
    ]


def answer(store: FactStore, fact: Fact, related: List[Fact], with_disclaimer: bool) -> Dict[str, Any]:
    titles = " and ".join(f"“{title}”" for title in store.source_titles(fact))
    text = f"{fact.answer}\n\nSource: {titles}"
    if with_disclaimer:
        text += f"\n\n{DISCLAIMER}"
    return {"text": text, "buttons": suggestion_buttons(related)}


def not_covered(missing: Optional[str], suggestions: List[Fact]) -> Dict[str, Any]:
    subject = missing or "that"
    text = f"My sources don't cover {subject}, so I won't guess."
    if suggestions:
        text += " Here is what I can tell you about:"
    return {"text": text, "buttons": suggestion_buttons(suggestions)}


def detail_not_covered(missing: str, suggestions: List[Fact]) -> Dict[str, Any]:
    text = f"My sources don't say {missing}. Here is what they do cover:"
    return {"text": text, "buttons": suggestion_buttons(suggestions)}


def did_you_mean(suggestions: List[Fact]) -> Dict[str, Any]:
    return {
        "text": "I'm not sure I understood. Did you mean one of these?",
        "buttons": suggestion_buttons(suggestions),
    }
