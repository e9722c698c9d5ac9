"""An SQL tracker store whose cost per message does not grow with the conversation.

Rasa's ``SQLTrackerStore`` rebuilds the tracker on every message from *all* events since the
session started, and counts them again to know which ones to write. Every later step pays
for the length too: replaying the events, featurising the whole history for the policy, and
sending the whole tracker to the action server. At turn 100 that is most of the time.

This store keeps exactly the same ``events`` table (same rows, written the same way), plus
one row per conversation in ``tracker_snapshots``: the slot values (and active loop) after
the last stored event, and that event's id. A tracker is then rebuilt from

* ``SlotSet`` events that restore the slots from the snapshot, followed by
* the most recent events, at most ``recent_events`` of them, cut at a turn boundary
  (an ``action_listen``), or at the latest session start when that is in the window.

That is enough for this assistant: every turn is a single-turn rule decision and the
follow-up context lives in slots. It is also safe: if the snapshot is missing or does not
match the newest stored event (a conversation written by Rasa's own store, or by another
writer), the tracker is rebuilt from the whole session exactly as Rasa does.
``retrieve_full_tracker`` (used for exports and the full-tracker API) is Rasa's, unchanged.

It is the piece ``recent_sql_tracker_store`` of ``rasa_internals``: switched off (or on a Rasa
version other than the one it was checked against) it is exactly Rasa's ``SQLTrackerStore``.

In endpoints.yml::

    tracker_store:
      type: rasa_internals.recent_sql.RecentSQLTrackerStore
      dialect: "sqlite"
      db: "var/conversations.db"
      recent_events: 16       # optional
      sqlite_wal: true        # optional: WAL journal and synchronous=NORMAL for SQLite
"""

import itertools
import json
import logging
from collections import OrderedDict
from typing import Any, Dict, List, Optional, Text

import sqlalchemy as sa
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.constants import ACTION_LISTEN_NAME
from rasa.shared.core.events import ActiveLoop, Event, SessionStarted, SlotSet, deserialise_events
from rasa.shared.core.trackers import DialogueStateTracker
from sqlalchemy.orm import declarative_base

import rasa_internals

logger = logging.getLogger(__name__)

PIECE = "recent_sql_tracker_store"
# Enough for the current turn and the one before (a turn of this assistant is 4 to 9 events:
# the user message, the action, its replies, the slots that changed, action_listen); the
# rules look at the current turn only, and everything older lives in the slot snapshot.
DEFAULT_RECENT_EVENTS = 16
# How many just-seen new conversations to remember until their tracker is created.
NEW_SENDERS_KEPT = 1024
# How many of a tracker's events are already in the database (set on every tracker this
# store returns or saves, so `save` writes only what is new without counting rows).
STORED_MARKER = "_recent_sql_stored_events"

SnapshotBase: Any = declarative_base()


class TrackerSnapshot(SnapshotBase):
    """The state of one conversation after its newest stored event."""

    __tablename__ = "tracker_snapshots"

    sender_id = sa.Column(sa.String(255), primary_key=True)
    last_event_id = sa.Column(sa.Integer, nullable=False)
    slots = sa.Column(sa.Text, nullable=False)
    active_loop = sa.Column(sa.String(255))


def _sqlite_pragmas(dbapi_connection: Any, _: Any) -> None:
    cursor = dbapi_connection.cursor()
    # WAL: readers never wait for the writer, and a commit appends to the log instead of
    # rewriting pages. synchronous=NORMAL: no fsync per commit; a committed conversation
    # survives a crash or restart of the process (only an OS crash or power loss can drop
    # the last commits), which is what "survives a restart" asks for.
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def tail_start(type_names: List[Text], action_names: List[Optional[Text]]) -> Optional[int]:
    """Where the recent window starts, or None when it holds no usable boundary.

    The latest session start in the window wins (Rasa itself loads from there); otherwise
    the first ``action_listen``, so the window starts at the beginning of a turn.
    """
    for index in range(len(type_names) - 1, -1, -1):
        if type_names[index] == SessionStarted.type_name:
            return index
    for index, (type_name, action_name) in enumerate(zip(type_names, action_names)):
        if type_name == "action" and action_name == ACTION_LISTEN_NAME:
            return index
    return None


class RecentSQLTrackerStore(SQLTrackerStore):
    """``SQLTrackerStore`` that rebuilds trackers from slot snapshots and recent events."""

    engine: sa.engine.Engine

    def __init__(
        self,
        domain: Any = None,
        recent_events: int = DEFAULT_RECENT_EVENTS,
        sqlite_wal: bool = True,
        **kwargs: Any,
    ) -> None:
        super().__init__(domain=domain, **kwargs)
        self.recent_events = max(int(recent_events), 4)
        self.uses_snapshots = rasa_internals.enabled(PIECE)
        # Senders that ``retrieve`` just found without any stored event (see ``save``).
        self._new_senders: "OrderedDict[Text, None]" = OrderedDict()
        if self.uses_snapshots:
            self._set_up_snapshots(sqlite_wal)

    def _set_up_snapshots(self, sqlite_wal: bool) -> None:
        """A kept SQLite connection, the snapshot table, the prepared statements, an index."""
        if self.engine.dialect.name == "sqlite":
            # SQLAlchemy 1.4 opens and closes a connection to an SQLite file for every
            # session (NullPool): with WAL, closing the last connection checkpoints the log
            # every time. Keep one connection per thread instead (Rasa uses one thread).
            url = self.engine.url
            self.engine.dispose()
            self.engine = sa.create_engine(url, poolclass=sa.pool.SingletonThreadPool)
            if sqlite_wal:
                sa.event.listen(self.engine, "connect", _sqlite_pragmas)
            self.sessionmaker = sa.orm.session.sessionmaker(bind=self.engine)
        try:
            SnapshotBase.metadata.create_all(self.engine)
        except sa.exc.SQLAlchemyError as error:  # created by another replica at the same time
            logger.debug("table tracker_snapshots not created: %s", error)
        self._prepare_statements()
        # `WHERE sender_id = ? ORDER BY id DESC LIMIT n` without sorting all of a sender's rows.
        index = sa.Index("ix_events_sender_id_id", self.SQLEvent.__table__.c.sender_id, self.SQLEvent.__table__.c.id)
        try:
            index.create(bind=self.engine, checkfirst=True)
        except sa.exc.SQLAlchemyError as error:  # created by another replica at the same time
            logger.debug("index ix_events_sender_id_id not created: %s", error)

    def _prepare_statements(self) -> None:
        """SQLAlchemy Core statements, built once: the ORM's unit of work and per-query cache
        keys were a third of this store's time per message."""
        events = self.SQLEvent.__table__
        snapshots = TrackerSnapshot.__table__
        sender = sa.bindparam("sender_id")
        self._select_snapshot = sa.select(snapshots.c.last_event_id, snapshots.c.slots, snapshots.c.active_loop).where(
            snapshots.c.sender_id == sender
        )
        self._select_recent = (
            sa.select(events.c.id, events.c.type_name, events.c.action_name, events.c.data)
            .where(events.c.sender_id == sender)
            .order_by(events.c.id.desc())
            .limit(self.recent_events)
        )
        self._insert_event = events.insert()
        self._insert_snapshot = snapshots.insert()
        self._update_snapshot = (
            snapshots.update()
            .where(snapshots.c.sender_id == sa.bindparam("sender"))
            .values(
                last_event_id=sa.bindparam("last_event_id"),
                slots=sa.bindparam("slots"),
                active_loop=sa.bindparam("active_loop"),
            )
        )

    # ------------------------------------------------------------------ reading

    async def retrieve(self, sender_id: Text) -> Optional[DialogueStateTracker]:
        """The tracker of the latest session, rebuilt from its snapshot and recent events."""
        if self.domain is None or not self.uses_snapshots:
            return await super().retrieve(sender_id)
        with self.engine.connect() as connection:
            snapshot = connection.execute(self._select_snapshot, {"sender_id": sender_id}).first()
            rows = connection.execute(self._select_recent, {"sender_id": sender_id}).all()
        if snapshot is None and not rows:
            # A new conversation: Rasa creates its tracker next (``create_tracker``) and saves
            # it; ``save`` then knows that nothing of it is stored, so neither Rasa's
            # whole-session query nor its count of stored events runs for it.
            self._new_senders[sender_id] = None
            while len(self._new_senders) > NEW_SENDERS_KEPT:
                self._new_senders.popitem(last=False)
            return None
        tracker = None
        if snapshot is not None and rows and rows[0].id == snapshot.last_event_id:
            rows.reverse()
            start = tail_start([row.type_name for row in rows], [row.action_name for row in rows])
            if start is not None:
                tracker = self._rebuild(
                    sender_id, snapshot, rows[start:], restore_state=start > 0 or len(rows) == self.recent_events
                )
        if tracker is None:
            logger.debug("rebuilding tracker '%s' from its whole session", sender_id)
            tracker = await super().retrieve(sender_id)
        if tracker is not None:
            setattr(tracker, STORED_MARKER, len(tracker.events))
        return tracker

    def _rebuild(self, sender_id: Text, snapshot: Any, rows: List[Any], restore_state: bool) -> DialogueStateTracker:
        recent = deserialise_events([json.loads(row.data) for row in rows])
        starts_session = bool(rows) and rows[0].type_name == SessionStarted.type_name
        prefix = self._state_events(snapshot) if restore_state and not starts_session else []
        return DialogueStateTracker.from_events(sender_id, prefix + recent, self.domain.slots)

    def _state_events(self, snapshot: Any) -> List[Event]:
        """Events that put a fresh tracker into the snapshot's state."""
        initial = {slot.name: slot.initial_value for slot in self.domain.slots}
        events: List[Event] = [
            SlotSet(name, value)
            for name, value in json.loads(snapshot.slots).items()
            if name in initial and value != initial[name]
        ]
        if snapshot.active_loop:
            events.append(ActiveLoop(snapshot.active_loop))
        return events

    # ------------------------------------------------------------------ writing

    async def save(self, tracker: DialogueStateTracker) -> None:
        """Appends the tracker's new events and updates its snapshot, in one transaction."""
        if not self.uses_snapshots:
            return await super().save(tracker)
        await self.stream_events(tracker)
        stored = getattr(tracker, STORED_MARKER, None)
        if stored is None and self._new_senders.pop(tracker.sender_id, False) is None:
            stored = 0  # ``retrieve`` just found none of its events
        if stored is None:  # a tracker this store did not load: Rasa's way of finding new events
            with self.session_scope() as session:
                new_events = list(self._additional_events(session, tracker))
        else:
            new_events = list(itertools.islice(tracker.events, stored, None))
        if new_events:
            with self.engine.begin() as connection:
                for event in new_events:
                    inserted = connection.execute(self._insert_event, self._event_row(tracker.sender_id, event))
                last_event_id = inserted.inserted_primary_key[0]
                snapshot = {
                    "sender_id": tracker.sender_id,
                    "last_event_id": last_event_id,
                    "slots": json.dumps(tracker.current_slot_values()),
                    "active_loop": tracker.active_loop_name,
                }
                # The lock store lets one process at a time handle a conversation, so nobody
                # inserts this sender's snapshot between the two statements.
                if connection.execute(self._update_snapshot, {**snapshot, "sender": tracker.sender_id}).rowcount == 0:
                    connection.execute(self._insert_snapshot, snapshot)
        setattr(tracker, STORED_MARKER, len(tracker.events))

    @staticmethod
    def _event_row(sender_id: Text, event: Event) -> Dict[Text, Any]:
        # The same columns as SQLTrackerStore.save writes.
        data: Dict[Text, Any] = event.as_dict()
        return {
            "sender_id": sender_id,
            "type_name": event.type_name,
            "timestamp": data.get("timestamp"),
            "intent_name": data.get("parse_data", {}).get("intent", {}).get("name"),
            "action_name": data.get("name"),
            "data": json.dumps(data),
        }
