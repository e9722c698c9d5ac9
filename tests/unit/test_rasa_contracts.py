"""Contracts with Rasa's internals: fail loudly when an upgrade changes what rasa_internals/,
deploy/ and channels/ replace or rely on.

Each private (or privately relied-on) Rasa member the project uses is pinned by its parameter
names and a digest of its source. When one of these tests fails after an upgrade: read the new
source, check the piece that uses it (``rasa_internals.PIECES`` says which), adapt it, and
only then update the pin and ``rasa_internals.CHECKED_RASA_VERSION``.
"""

import hashlib
import importlib
import inspect
import re
from pathlib import Path
from typing import Any, Dict, Tuple

import pytest

import rasa_internals

# dotted name: (parameter names, first 16 hex digits of the SHA-256 of its source)
CONTRACTS: Dict[str, Tuple[str, str]] = {
    # rasa_internals/patches.py: replaced, or read by the replacement
    "rasa.core.actions.action.RemoteAction._validate_action_result": ("(self, result)", "f8cdb4be68123961"),
    "rasa.core.actions.action.RemoteAction.action_response_format_spec": ("()", "091b74aa3738d126"),
    "rasa.shared.core.events.Event.resolve_by_type": ("(type_name, default)", "b5cf570fa7f286c7"),
    "rasa.utils.endpoints.EndpointConfig.__init__": (
        "(self, url, params, headers, basic_auth, token, token_name, cafile, **kwargs)",
        "07e0715d80d8e880",
    ),
    "rasa.utils.endpoints.EndpointConfig.session": ("(self)", "e55aa13d9d4fb4bc"),
    "rasa.utils.endpoints.EndpointConfig.request": (
        "(self, method, subpath, content_type, compress, **kwargs)",
        "ccdb778aed8208e2",
    ),
    "rasa.engine.runner.dask.DaskGraphRunner.__init__": (
        "(self, graph_schema, model_storage, execution_context, hooks)",
        "29f069a010bd16a5",
    ),
    "rasa.engine.runner.dask.DaskGraphRunner.run": ("(self, inputs, targets)", "45f0f52f574f3aa9"),
    "rasa.engine.graph.GraphSchema.minimal_graph_schema": ("(self, targets)", "58dfb30335499fff"),
    "rasa.core.run.load_agent_on_start": ("(model_path, endpoints, remote_storage, app, loop)", "b23e12447febeb64"),
    # looks load_agent_on_start up as a module global when the server starts, so the patch applies
    "rasa.core.run.serve_application": (
        "(model_path, channel, interface, port, credentials, cors, auth_token, enable_api, response_timeout, jwt_secret, jwt_private_key, jwt_method, endpoints, remote_storage, log_file, ssl_certificate, ssl_keyfile, ssl_ca_file, ssl_password, conversation_id, use_syslog, syslog_address, syslog_port, syslog_protocol, request_timeout, server_listeners)",
        "fa80588d9e008b67",
    ),
    # rasa_internals/recent_sql.py: engine and session swap, row format, Rasa's new-event search
    "rasa.core.tracker_store.SQLTrackerStore.__init__": (
        "(self, domain, dialect, host, port, db, username, password, event_broker, login_db, query, **kwargs)",
        "64e704d159dfa35b",
    ),
    "rasa.core.tracker_store.SQLTrackerStore.session_scope": ("(self)", "6775e1ede3ec8d2d"),
    "rasa.core.tracker_store.SQLTrackerStore.save": ("(self, tracker)", "57165e46eab3de08"),
    "rasa.core.tracker_store.SQLTrackerStore._additional_events": ("(self, session, tracker)", "d22f99eb863acb07"),
    "rasa.core.tracker_store.SQLTrackerStore.SQLEvent": ("class", "696a0661ef7643a9"),
    # deploy/rasa_server.py (replaced error hooks) and deploy/health.py (``_tracker_store``)
    "rasa.core.tracker_store.FailSafeTrackerStore.__init__": (
        "(self, tracker_store, on_tracker_store_error, fallback_tracker_store)",
        "a1d5d95d2f96830b",
    ),
    "rasa.core.tracker_store.FailSafeTrackerStore.on_tracker_store_error": ("(self, error)", "6faca7ba72b36da4"),
    "rasa.core.tracker_store.FailSafeTrackerStore.on_tracker_store_retrieve_error": (
        "(self, error)",
        "162b49564c52ab49",
    ),
    "rasa.core.tracker_store.AwaitableTrackerStore.__init__": ("(self, tracker_store)", "8ab8149a9be22d8f"),
    # rasa_internals/lock_store.py: Rasa's ticket-lock algorithm and Redis key format
    "rasa.core.lock_store.LockStore.lock": (
        "(self, conversation_id, lock_lifetime, wait_time_in_seconds)",
        "8b9b716c031a3444",
    ),
    "rasa.core.lock_store.LockStore._acquire_lock": (
        "(self, conversation_id, ticket, wait_time_in_seconds)",
        "ead2fff373291c24",
    ),
    "rasa.core.lock_store.LockStore.create_lock": ("(conversation_id)", "053eef8542dc5bf8"),
    "rasa.core.lock_store.LockStore.issue_ticket": ("(self, conversation_id, lock_lifetime)", "4dfdfb5e62c1dda9"),
    "rasa.core.lock_store.LockStore.finish_serving": ("(self, conversation_id, ticket_number)", "ba76ac5a486b97dd"),
    "rasa.core.lock_store.LockStore.cleanup": ("(self, conversation_id, ticket_number)", "f2ba1745c8153f92"),
    "rasa.core.lock_store.RedisLockStore.__init__": (
        "(self, host, port, db, username, password, use_ssl, ssl_certfile, ssl_keyfile, ssl_ca_certs, key_prefix, socket_timeout)",
        "829e898a8cddff8d",
    ),
    "rasa.core.lock.TicketLock.dumps": ("(self)", "10cd9616a0e09aa9"),
    "rasa.core.lock.TicketLock.from_dict": ("(data)", "2e2f58a003ed9927"),
    "rasa.core.lock.TicketLock.is_locked": ("(self, ticket_number)", "fdce966e493f6113"),
    "rasa.core.lock.TicketLock.remove_expired_tickets": ("(self)", "072ce50022e92446"),
    # nlu_components/tokenizer.py: sets ``emoji_pattern``, which remove_emoji reads
    "rasa.nlu.tokenizers.whitespace_tokenizer.WhitespaceTokenizer.__init__": ("(self, config)", "d81fc8e0a90ebc8f"),
    "rasa.nlu.tokenizers.whitespace_tokenizer.WhitespaceTokenizer.remove_emoji": ("(self, text)", "e6a18f268d57737b"),
    # channels/telegram.py: wraps Rasa's blueprint (its routes, get_output_channel, get_me)
    "rasa.core.channels.telegram.TelegramInput.__init__": (
        "(self, access_token, verify, webhook_url, debug_mode)",
        "ec083cf0a557eef0",
    ),
    "rasa.core.channels.telegram.TelegramInput.blueprint": ("(self, on_new_message)", "9964bdad21bd2f05"),
    "rasa.core.channels.telegram.TelegramOutput.__init__": ("(self, access_token)", "4c37b2f0504ba040"),
    "rasa.core.channels.telegram.TelegramOutput.send_text_message": (
        "(self, recipient_id, text, **kwargs)",
        "747e4ac8be44ce04",
    ),
    "rasa.core.channels.telegram.TelegramOutput.send_text_with_buttons": (
        "(self, recipient_id, text, buttons, button_type, **kwargs)",
        "109dab9bcac35f39",
    ),
    # rasa_internals/idempotent_messages.py
    "rasa.core.run.configure_app": (
        "(input_channels, cors, auth_token, enable_api, response_timeout, jwt_secret, jwt_private_key, jwt_method, route, port, endpoints, log_file, conversation_id, use_syslog, syslog_address, syslog_port, syslog_protocol, request_timeout, server_listeners, use_uvloop, keep_alive_timeout)",
        "72da30416f74c648",
    ),
    "rasa.core.agent.Agent.handle_message": ("(self, message)", "ba53507e4d5532a3"),
    # rasa_internals/http_framing.py: Sanic 21.12, as Rasa 3.6.21 pins it
    "sanic.request.Request.__init__": (
        "(self, url_bytes, headers, version, method, transport, app, head)",
        "5bc01d103dee791b",
    ),
    "sanic.handlers.ErrorHandler.log": ("(request, exception)", "b9ce832d10afd582"),
    "sanic.config.DEFAULT_CONFIG": ("dict", "b8a1e6fa121b133a"),
    # rasa_internals/tf_free.py: finds the archive ``rasa run --model`` loads
    "rasa.model.get_local_model": ("(model_path)", "ac44211d2d27fb71"),
}


def resolve(dotted: str) -> Any:
    """The object a dotted name names: the longest importable module, then attributes."""
    parts = dotted.split(".")
    for end in range(len(parts), 0, -1):
        try:
            found: Any = importlib.import_module(".".join(parts[:end]))
        except ModuleNotFoundError:
            continue
        for attribute in parts[end:]:
            found = getattr(found, attribute)
        return found
    raise ModuleNotFoundError(dotted)


def parameter_names(member: Any) -> str:
    """``(self, a, *args, **kwargs)``; annotations and defaults are covered by the digest."""
    if isinstance(member, dict):
        return "dict"
    if inspect.isclass(member):
        return "class"
    prefixes: Dict[Any, str] = {inspect.Parameter.VAR_POSITIONAL: "*", inspect.Parameter.VAR_KEYWORD: "**"}
    parameters = inspect.signature(member).parameters.values()
    return "(" + ", ".join(prefixes.get(p.kind, "") + p.name for p in parameters) + ")"


def source_digest(member: Any) -> str:
    """Of the source; of the keys for a settings dictionary (its values are ours to change)."""
    text = repr(sorted(member)) if isinstance(member, dict) else inspect.getsource(member)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def test_the_installed_rasa_is_the_version_the_pieces_were_checked_against() -> None:
    import rasa

    assert rasa.__version__ == rasa_internals.CHECKED_RASA_VERSION, (
        f"Rasa {rasa.__version__} is installed; rasa_internals was checked against "
        f"{rasa_internals.CHECKED_RASA_VERSION}: re-check every piece (README, 'Rasa internals')"
    )


@pytest.mark.parametrize("dotted", sorted(CONTRACTS))
def test_a_rasa_member_the_project_relies_on_is_unchanged(dotted: str) -> None:
    member = resolve(dotted)
    assert (parameter_names(member), source_digest(member)) == CONTRACTS[dotted], (
        f"{dotted} changed in this Rasa version: check the pieces that use it"
    )


def test_every_rasa_member_a_piece_replaces_is_pinned() -> None:
    replaced = {
        name for piece in rasa_internals.PIECES for name in piece.replaces if name.startswith(("rasa.", "sanic."))
    }
    assert replaced <= set(CONTRACTS), sorted(replaced - set(CONTRACTS))


def test_only_the_modules_unused_imports_names_import_matplotlib_and_pymongo() -> None:
    """rasa_internals/unused_imports.py stands in for them because only these Rasa modules
    import them (the model-testing plots, the Mongo tracker store); a new importer after an
    upgrade must be read before the stand-in is trusted again."""
    import rasa

    root = Path(rasa.__file__).parent
    importers = {
        str(path.relative_to(root.parent))
        for path in root.rglob("*.py")
        if re.search(r"^\s*(import|from) (matplotlib|pymongo)\b", path.read_text(encoding="utf-8"), re.MULTILINE)
    }
    assert importers == {"rasa/utils/plotting.py", "rasa/core/tracker_store.py"}
