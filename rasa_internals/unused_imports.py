"""Keep out of the Rasa server two packages it imports at start-up for features it does not use.

* ``matplotlib``: ``rasa.server`` imports ``rasa.core.test``, which imports
  ``rasa.utils.plotting`` for the HTTP API's model-testing endpoints. Those exist only with
  ``--enable-api``; without it nothing can draw a plot.
* ``pymongo``: ``rasa.core.tracker_store`` imports ``pymongo.collection`` for
  ``MongoTrackerStore``, which only a ``tracker_store`` of type ``mongod`` creates.

Together 28 MB of the server's memory (measured beside the packages Rasa needs), a tenth of it.
When a server is started without the API and with a tracker store of a known non-Mongo type,
imports of these packages get the inert stand-in of ``rasa_internals/tf_free.py`` (names
exist, nothing runs). Anything else (the API on, a Mongo or custom tracker store, an
unreadable endpoints file) imports them as Rasa does.
"""

import logging
from pathlib import Path
from typing import List, Optional, Sequence

import yaml

import rasa_internals

logger = logging.getLogger(__name__)

PIECE = "unused_imports_stand_in"
PLOTTING = "matplotlib"
MONGO = "pymongo"
# Tracker store types that never touch pymongo: Rasa's own (case does not matter to Rasa) and ours.
NON_MONGO_TRACKER_STORES = frozenset({"in_memory", "sql", "redis", "dynamo"})
OUR_TRACKER_STORE = "rasa_internals.recent_sql.RecentSQLTrackerStore"
DEFAULT_ENDPOINTS = "endpoints.yml"


def _option(argv: Sequence[str], name: str) -> Optional[str]:
    for index, arg in enumerate(argv):
        if arg == name and index + 1 < len(argv):
            return argv[index + 1]
        if arg.startswith(name + "="):
            return arg.split("=", 1)[1]
    return None


def tracker_store_type(endpoints: Path) -> Optional[str]:
    """The ``tracker_store`` type an endpoints file names (None: none configured).

    Raises OSError or yaml.YAMLError when the file cannot be read."""
    config = yaml.safe_load(endpoints.read_text(encoding="utf-8")) or {}
    store = config.get("tracker_store") or {}
    value = store.get("type") if isinstance(store, dict) else None
    return str(value) if value else None


def _never_uses_mongo(store_type: Optional[str]) -> bool:
    """None: no tracker store configured, so Rasa's in-memory one."""
    return store_type is None or store_type.lower() in NON_MONGO_TRACKER_STORES or store_type == OUR_TRACKER_STORE


def unused_packages(argv: Sequence[str]) -> List[str]:
    """The packages ``rasa <argv>`` (a ``run`` of the server) does without."""
    if argv[:1] != ["run"] or argv[1:2] == ["actions"] or not rasa_internals.enabled(PIECE):
        return []
    unused = [] if "--enable-api" in argv else [PLOTTING]
    endpoints = Path(_option(argv, "--endpoints") or DEFAULT_ENDPOINTS)
    try:
        store = tracker_store_type(endpoints) if endpoints.exists() else None
    except (OSError, yaml.YAMLError) as error:
        logger.warning("unused_imports: %s could not be read (%s); pymongo is imported", endpoints, error)
        return unused
    if _never_uses_mongo(store):
        unused.append(MONGO)
    return unused
