"""A tracker store error fails one message (the channel answers 503), never the process.

Replaces ``rasa.core.tracker_store.SQLTrackerStore.session_scope`` and
``FailSafeTrackerStore.on_tracker_store_error``/``on_tracker_store_retrieve_error``;
checked against Rasa 3.6.21.

Why: ``session_scope`` takes *any* ``ValueError`` raised while a session is open for "the
PostgreSQL schema named in POSTGRESQL_SCHEMA does not exist" and calls ``sys.exit(1)``. A
sender id or text SQLite cannot encode raises ``UnicodeEncodeError``, a ``ValueError``, so one
request ended the server. Here only the schema check itself can end it (with Rasa's message);
an error in the session's work is raised as it is. ``FailSafeTrackerStore`` then logs it and
silently carries on with an in-memory store (the turn is answered and forgotten); here it
raises :class:`TrackerStoreUnavailable` so the message is refused and can be retried.
"""

import contextlib
import logging
from typing import Any, Generator

logger = logging.getLogger(__name__)


class TrackerStoreUnavailable(Exception):
    """The tracker store failed; the message is refused rather than half-remembered."""


def schema_check_only_exits() -> None:
    import rasa.shared.utils.cli
    from rasa.core.tracker_store import POSTGRESQL_SCHEMA, SQLTrackerStore, ensure_schema_exists

    @contextlib.contextmanager
    def session_scope(self: Any) -> Generator[Any, None, None]:
        session = self.sessionmaker()
        try:
            try:
                ensure_schema_exists(session)
            except ValueError as error:
                rasa.shared.utils.cli.print_error_and_exit(
                    f"Requested PostgreSQL schema '{error}' was not found in the database. To "
                    f"continue, please create the schema by running 'CREATE DATABASE {error};' "
                    f"or unset the '{POSTGRESQL_SCHEMA}' environment variable in order to "
                    f"use the default schema. Exiting application."
                )
            yield session
        finally:
            session.close()

    SQLTrackerStore.session_scope = session_scope


def failing_message_on_store_error() -> None:
    from rasa.core.tracker_store import FailSafeTrackerStore

    def raise_error(self: Any, error: Exception) -> None:
        logger.error("tracker store %s failed; refusing the message: %r", type(self._tracker_store).__name__, error)
        raise TrackerStoreUnavailable(f"tracker store failed: {type(error).__name__}") from error

    FailSafeTrackerStore.on_tracker_store_error = raise_error
    FailSafeTrackerStore.on_tracker_store_retrieve_error = raise_error


def apply() -> None:
    schema_check_only_exits()
    failing_message_on_store_error()
