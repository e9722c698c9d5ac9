"""RecentSQLTrackerStore: constant-size trackers, the same rows as Rasa's SQL store, safe fallbacks."""

import asyncio
import json
import sqlite3
from pathlib import Path
from typing import List, Optional

import pytest
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import (
    ActionExecuted,
    BotUttered,
    Event,
    SessionStarted,
    SlotSet,
    UserUttered,
)
from rasa.shared.core.trackers import DialogueStateTracker

import rasa_internals
from rasa_internals.recent_sql import RecentSQLTrackerStore, tail_start

DOMAIN = Domain.from_yaml(
    """
version: "3.1"
intents: [ask_what_is, ask_frequency, inform_topic, greet]
slots:
  last_topics: {type: list, influence_conversation: false, mappings: [{type: custom}]}
  last_kind: {type: text, influence_conversation: false, mappings: [{type: custom}]}
  disclaimer_shown: {type: bool, initial_value: false, influence_conversation: false, mappings: [{type: custom}]}
actions: [action_answer_question]
"""
)


def run(coroutine):
    return asyncio.run(coroutine)


def session_start() -> List[Event]:
    return [ActionExecuted("action_session_start"), SessionStarted(), ActionExecuted("action_listen")]


def turn(index: int, topic: Optional[str] = None) -> List[Event]:
    """One user turn as Rasa logs it: message, answer action, reply, slots, listen."""
    events: List[Event] = [
        UserUttered(f"question {index}", {"name": "ask_what_is", "confidence": 0.9}),
        ActionExecuted("action_answer_question"),
        BotUttered(f"answer {index}"),
    ]
    if topic:
        events += [SlotSet("last_topics", [topic]), SlotSet("last_kind", "what_is"), SlotSet("disclaimer_shown", True)]
    return events + [ActionExecuted("action_listen")]


def store_at(path: Path, cls=RecentSQLTrackerStore, **kwargs) -> SQLTrackerStore:
    return cls(domain=DOMAIN, dialect="sqlite", db=str(path), **kwargs)


async def converse(store: SQLTrackerStore, sender: str, turns: int, topic_every: int = 1) -> DialogueStateTracker:
    """Like Rasa's processor: get or create the tracker, add one turn, save; `turns` times."""
    tracker = await store.get_or_create_tracker(sender, append_action_listen=False)
    for event in session_start():
        tracker.update(event, DOMAIN)
    await store.save(tracker)
    for index in range(turns):
        tracker = await store.retrieve(sender)
        topic = f"topic_{index}" if index % topic_every == 0 else None
        for event in turn(index, topic):
            tracker.update(event, DOMAIN)
        await store.save(tracker)
    return tracker


def rows(path: Path) -> List[tuple]:
    with sqlite3.connect(path) as db:
        return db.execute(
            "SELECT sender_id, type_name, intent_name, action_name, data FROM events ORDER BY id"
        ).fetchall()


def comparable(row: tuple) -> tuple:
    data = json.loads(row[4])
    data.pop("timestamp", None)
    return row[:4] + (json.dumps(data, sort_keys=True),)


def test_a_long_conversation_is_loaded_as_a_short_tracker_with_the_same_state(tmp_path: Path) -> None:
    store = store_at(tmp_path / "recent.db", recent_events=20)
    full_store = store_at(tmp_path / "recent.db", cls=SQLTrackerStore)
    # a topic only every 7th turn: the last one was set outside the recent window
    run(converse(store, "long", turns=60, topic_every=7))

    recent = run(store.retrieve("long"))
    full = run(full_store.retrieve("long"))

    assert len(full.events) > 250
    assert len(recent.events) <= 20 + 3
    assert recent.current_slot_values() == full.current_slot_values()
    assert recent.get_slot("last_topics") == ["topic_56"]
    assert recent.latest_message.text == full.latest_message.text == "question 59"
    assert recent.latest_action_name == full.latest_action_name == "action_listen"
    assert isinstance(recent.events[-1], ActionExecuted)


def test_it_writes_exactly_the_rows_rasas_sql_store_writes(tmp_path: Path) -> None:
    run(converse(store_at(tmp_path / "recent.db"), "same", turns=12, topic_every=3))
    run(converse(store_at(tmp_path / "rasa.db", cls=SQLTrackerStore), "same", turns=12, topic_every=3))
    assert [comparable(r) for r in rows(tmp_path / "recent.db")] == [comparable(r) for r in rows(tmp_path / "rasa.db")]


def test_switched_off_it_is_rasas_sql_store(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv(rasa_internals.DISABLE_VARIABLE, "recent_sql_tracker_store")
    store = store_at(tmp_path / "off.db", recent_events=10)
    assert not store.uses_snapshots
    tracker = run(converse(store, "off", turns=12, topic_every=3))
    run(converse(store_at(tmp_path / "rasa.db", cls=SQLTrackerStore), "off", turns=12, topic_every=3))
    assert [comparable(r) for r in rows(tmp_path / "off.db")] == [comparable(r) for r in rows(tmp_path / "rasa.db")]
    assert len(run(store.retrieve("off")).events) == len(tracker.events)  # the whole session, as Rasa loads it
    with sqlite3.connect(tmp_path / "off.db") as db:
        tables = {name for (name,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert "tracker_snapshots" not in tables


def test_saving_twice_writes_nothing_twice(tmp_path: Path) -> None:
    store = store_at(tmp_path / "t.db")
    tracker = run(converse(store, "twice", turns=3))
    before = len(rows(tmp_path / "t.db"))
    run(store.save(tracker))
    run(store.save(run(store.retrieve("twice"))))
    assert len(rows(tmp_path / "t.db")) == before


def test_conversations_survive_a_restart(tmp_path: Path) -> None:
    run(converse(store_at(tmp_path / "t.db", recent_events=10), "restart", turns=30, topic_every=4))
    reopened = run(store_at(tmp_path / "t.db", recent_events=10).retrieve("restart"))
    assert reopened.get_slot("last_topics") == ["topic_28"]
    assert reopened.get_slot("disclaimer_shown") is True


def test_conversations_written_by_rasas_store_are_loaded_whole_then_continued(tmp_path: Path) -> None:
    """Migration: no snapshot yet, or rows the snapshot doesn't know, mean a full rebuild."""
    path = tmp_path / "t.db"
    run(converse(store_at(path, cls=SQLTrackerStore), "old", turns=8, topic_every=5))
    store = store_at(path, recent_events=10)
    tracker = run(store.retrieve("old"))
    assert tracker.get_slot("last_topics") == ["topic_5"]
    assert len(tracker.events) > 10  # the whole session: there was no snapshot
    for event in turn(99, "collagen_mask"):
        tracker.update(event, DOMAIN)
    run(store.save(tracker))
    # Rasa's own store appends a row behind the snapshot's back: the snapshot is stale now
    other = run(store_at(path, cls=SQLTrackerStore).retrieve("old"))
    other.update(SlotSet("last_kind", "frequency"), DOMAIN)
    run(store_at(path, cls=SQLTrackerStore).save(other))

    reloaded = run(store.retrieve("old"))
    assert reloaded.get_slot("last_topics") == ["collagen_mask"]
    assert reloaded.get_slot("last_kind") == "frequency"
    assert [comparable(r) for r in rows(path)][-1][1] == "slot"


def test_a_new_session_in_the_window_starts_the_tracker_there(tmp_path: Path) -> None:
    store = store_at(tmp_path / "t.db", recent_events=30)
    tracker = run(converse(store, "sessions", turns=10))
    for event in session_start()[:2] + [SlotSet("last_topics", ["carried"])] + session_start()[2:]:
        tracker.update(event, DOMAIN)
    for event in turn(100):
        tracker.update(event, DOMAIN)
    run(store.save(tracker))

    reloaded = run(store.retrieve("sessions"))
    assert isinstance(reloaded.events[0], SessionStarted)
    assert reloaded.get_slot("last_topics") == ["carried"]
    assert reloaded.get_slot("disclaimer_shown") is False  # reset by the new session, not carried


def test_unknown_senders_and_empty_stores(tmp_path: Path) -> None:
    store = store_at(tmp_path / "t.db")
    assert run(store.retrieve("nobody")) is None
    tracker = run(store.get_or_create_tracker("new"))
    assert [e.as_dict()["event"] for e in run(store.retrieve("new")).events] == ["action"]
    assert tracker.sender_id == "new"


def test_sqlite_runs_in_wal_mode(tmp_path: Path) -> None:
    store_at(tmp_path / "t.db")
    with sqlite3.connect(tmp_path / "t.db") as db:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


@pytest.mark.parametrize(
    "types, actions, expected",
    [
        (["action", "session_started", "action", "user"], ["action_session_start", None, "action_listen", None], 1),
        (["bot", "slot", "action", "user", "action"], [None, None, "action_listen", None, "action_listen"], 2),
        (["bot", "slot", "user"], [None, None, None], None),
    ],
)
def test_the_window_starts_at_a_session_start_or_a_turn(types, actions, expected) -> None:
    assert tail_start(types, actions) == expected


def test_a_new_conversation_costs_no_whole_session_query_and_no_count(tmp_path: Path) -> None:
    """A sender with nothing stored: one look at its snapshot and events, then inserts only."""
    import sqlalchemy as sa
    from rasa.core.tracker_store import FailSafeTrackerStore

    path = tmp_path / "new.db"
    store = store_at(path)
    statements: List[str] = []
    sa.event.listen(store.engine, "before_cursor_execute", lambda *args: statements.append(args[2]))
    wrapped = FailSafeTrackerStore(store)  # as Rasa wraps every tracker store
    tracker = run(wrapped.get_or_create_tracker("newcomer"))
    for event in turn(1, "pores"):
        tracker.update(event, DOMAIN)
    run(wrapped.save(tracker))
    selects = [s for s in statements if s.lstrip().upper().startswith("SELECT")]
    assert len(selects) == 2 and not any("count(" in s.lower() for s in selects), selects
    # The same rows as Rasa's own store writes for the same conversation.
    reference = store_at(tmp_path / "rasa.db", cls=SQLTrackerStore)
    reference_tracker = run(reference.get_or_create_tracker("newcomer"))
    for event in turn(1, "pores"):
        reference_tracker.update(event, DOMAIN)
    run(reference.save(reference_tracker))
    assert [comparable(r) for r in rows(path)] == [comparable(r) for r in rows(tmp_path / "rasa.db")]
    assert run(store.retrieve("newcomer")).current_slot_values()["last_topics"] == ["pores"]
