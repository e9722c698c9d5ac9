"""Everything in this project that depends on Rasa's internals, fenced in one place.

Each *piece* (a run-time patch, a subclass that relies on private behaviour, the TensorFlow
stand-in) is one ``Piece`` line in ``PIECES`` below: its name, the Rasa members it replaces
or relies on, and, for a patch, the function that applies it. Every piece was checked
against Rasa ``CHECKED_RASA_VERSION`` only (``tests/unit/test_rasa_contracts.py`` pins the
signature and source of each member it uses), so on any other Rasa version every piece is
refused, with one log line each, and Rasa runs as shipped.

Switching pieces off: ``PORE_CARE_DISABLE=<name>,<name>`` (``all`` for every piece).

* Patches (``apply`` set) are applied by :func:`apply_all`, which ``serving/run_rasa.py``
  calls before Rasa starts.
* Classes selected in configuration (``apply`` empty: the tracker store, the lock store,
  the tokenizer) and the TensorFlow stand-in ask :func:`enabled` when they start and fall
  back to Rasa's own behaviour when it says no.

This module imports nothing from Rasa at import time (``rasa.__version__`` is read when
first needed), so ``serving/run_rasa.py`` can consult it before the TensorFlow stand-in
is installed.
"""

import importlib
import logging
import os
from dataclasses import dataclass
from typing import Callable, Dict, FrozenSet, List, Mapping, Optional, Tuple

logger = logging.getLogger(__name__)

CHECKED_RASA_VERSION = "3.6.21"
DISABLE_VARIABLE = "PORE_CARE_DISABLE"
DISABLE_EVERYTHING = "all"


@dataclass(frozen=True)
class Piece:
    """One thing that depends on Rasa internals.

    ``replaces``: the Rasa members it replaces or whose private behaviour it relies on.
    ``apply``: ``"module:function"`` that patches Rasa, run by :func:`apply_all`; empty for
    a class that asks :func:`enabled` itself.
    """

    name: str
    replaces: Tuple[str, ...]
    apply: str = ""


PIECES: Tuple[Piece, ...] = (
    Piece(
        "action_result_validation",
        ("rasa.core.actions.action.RemoteAction._validate_action_result",),
        "rasa_internals.patches:cached_action_result_validation",
    ),
    Piece(
        "event_type_cache",
        ("rasa.shared.core.events.Event.resolve_by_type",),
        "rasa_internals.patches:cached_event_type_lookup",
    ),
    Piece(
        "shared_endpoint_sessions",
        ("rasa.utils.endpoints.EndpointConfig.session",),
        "rasa_internals.patches:shared_endpoint_sessions",
    ),
    Piece(
        "sequential_graph_runs",
        ("rasa.engine.runner.dask.DaskGraphRunner.run",),
        "rasa_internals.patches:sequential_graph_runs",
    ),
    Piece(
        "gc_freeze_after_model_load",
        ("rasa.core.run.load_agent_on_start",),
        "rasa_internals.patches:frozen_heap_after_model_load",
    ),
    Piece(
        "recent_sql_tracker_store",
        (
            "rasa.core.tracker_store.SQLTrackerStore.__init__",
            "rasa.core.tracker_store.SQLTrackerStore.save",
            "rasa.core.tracker_store.SQLTrackerStore._additional_events",
        ),
    ),
    Piece(
        "atomic_redis_lock_store",
        (
            "rasa.core.lock_store.RedisLockStore.__init__",
            "rasa.core.lock_store.LockStore.lock",
            "rasa.core.lock_store.LockStore.issue_ticket",
            "rasa.core.lock_store.LockStore.finish_serving",
            "rasa.core.lock_store.LockStore.cleanup",
        ),
    ),
    Piece("queued_in_memory_lock_store", ("rasa.core.lock_store.LockStore.lock",)),
    Piece("hangul_safe_tokenizer", ("rasa.nlu.tokenizers.whitespace_tokenizer.WhitespaceTokenizer.__init__",)),
    Piece("tensorflow_stand_in", ("tensorflow",)),
    Piece("unused_imports_stand_in", ("matplotlib", "pymongo")),
    Piece(
        "sanic_http_framing",
        ("sanic.request.Request.__init__", "sanic.handlers.ErrorHandler.log", "sanic.config.DEFAULT_CONFIG"),
        "rasa_internals.http_framing:apply",
    ),
    Piece("idempotent_messages", ("rasa.core.run.configure_app", "rasa.core.agent.Agent.handle_message")),
    Piece(
        "tracker_store_errors",
        (
            "rasa.core.tracker_store.SQLTrackerStore.session_scope",
            "rasa.core.tracker_store.FailSafeTrackerStore.on_tracker_store_error",
            "rasa.core.tracker_store.FailSafeTrackerStore.on_tracker_store_retrieve_error",
        ),
        "rasa_internals.tracker_store_errors:apply",
    ),
)

_BY_NAME: Dict[str, Piece] = {piece.name: piece for piece in PIECES}
_applied: List[str] = []


def installed_rasa_version() -> str:
    import rasa

    return str(rasa.__version__)


def disabled_names(environ: Mapping[str, str]) -> FrozenSet[str]:
    """The piece names listed in ``PORE_CARE_DISABLE`` (every name for ``all``)."""
    listed = {name.strip() for name in environ.get(DISABLE_VARIABLE, "").split(",") if name.strip()}
    if DISABLE_EVERYTHING in listed:
        return frozenset(_BY_NAME)
    unknown = sorted(listed - set(_BY_NAME))
    if unknown:
        logger.warning("%s names no piece %s; the pieces are %s", DISABLE_VARIABLE, unknown, sorted(_BY_NAME))
    return frozenset(listed & set(_BY_NAME))


def refusal(name: str, environ: Optional[Mapping[str, str]] = None) -> Optional[str]:
    """Why the piece ``name`` must not be used (None: it may)."""
    if name not in _BY_NAME:
        raise KeyError(f"no piece named {name!r} in rasa_internals.PIECES")
    if name in disabled_names(os.environ if environ is None else environ):
        return f"switched off by {DISABLE_VARIABLE}"
    version = installed_rasa_version()
    if version != CHECKED_RASA_VERSION:
        return f"checked against Rasa {CHECKED_RASA_VERSION}, but Rasa {version} is installed"
    return None


def enabled(name: str) -> bool:
    """Whether the piece ``name`` may be used; logs the reason when not."""
    reason = refusal(name)
    if reason is not None:
        logger.warning("rasa_internals: %s not used (%s); Rasa's own behaviour applies", name, reason)
    return reason is None


def _patch_function(piece: Piece) -> Callable[[], None]:
    module_name, function_name = piece.apply.split(":")
    function: Callable[[], None] = getattr(importlib.import_module(module_name), function_name)
    return function


def apply_all() -> List[str]:
    """Apply every enabled patch once per process; the names of those applied."""
    for piece in PIECES:
        if piece.apply and piece.name not in _applied and enabled(piece.name):
            _patch_function(piece)()
            _applied.append(piece.name)
    logger.debug("rasa_internals: applied %s", _applied)
    return list(_applied)
