"""Run-time fixes for hot spots in Rasa 3.6 that profiling found; same behaviour, less work.

Each function below is one piece of ``rasa_internals.PIECES``, applied (unless switched off,
and only on the Rasa version they were checked against) by ``rasa_internals.apply_all()``,
which serving/run_rasa.py calls before Rasa starts.

* ``RemoteAction._validate_action_result`` checks every action server response with
  ``jsonschema.validate(response, schema)``, which first validates the *schema* against
  the JSON-Schema meta-schema and builds a new validator, on every call. Under load that was
  39% of the Rasa server's time (README, "Performance"). Here the schema is checked once
  and the validator reused; responses are validated exactly as before and a bad response
  raises the same ``ValidationError`` (the best match, with Rasa's message appended). A
  valid response is recognised checking each event against the schema of its own type
  instead of all 23 (``_event_type_dispatch``), which accepts exactly what the whole schema
  accepts; anything else goes through the whole schema for Rasa's error.
* ``Event.resolve_by_type`` walks every ``Event`` subclass (and checks each for being
  abstract) for every event it deserialises; the answer for a type name never changes, so
  it is remembered.
* ``EndpointConfig.request`` opens a new aiohttp ``ClientSession`` -- a new connection
  pool, so a new TCP connection -- for every call to the action server. Here each endpoint
  keeps one session per event loop, with keep-alive connections (closed after 2 s idle,
  before the action server's 5 s keep-alive timeout, so a reused connection is never one
  the server is closing).
* ``DaskGraphRunner.run`` works out the sub-graph its targets need (walking the whole graph
  schema) and hands it to dask's scheduler, twice or three times per message (NLU, then
  each policy prediction). The graph of a served model never changes, so the order of the
  nodes each set of targets needs is worked out once; then the nodes run one after the
  other in that order, each with the outputs of the nodes it needs, as dask's synchronous
  scheduler runs them.
* Python's full (generation 2) garbage collection walks every object the process holds; with
  Rasa, its model and the libraries loaded that took 155 ms under load, during which the
  event loop answers nobody (measured with ``gc.callbacks``). Once the model is loaded, the
  objects that exist then are moved out of the collector's reach (``gc.freeze()``): they live
  as long as the server anyway, and later collections only look at what requests create.
"""

import logging
from typing import Any, Callable, Dict, List, Optional, Text, Tuple

logger = logging.getLogger(__name__)


def cached_action_result_validation() -> None:
    from jsonschema import ValidationError, validators
    from jsonschema.exceptions import best_match
    from rasa.core.actions import action as rasa_action
    from rasa.shared.constants import DOCS_BASE_URL

    remote_action = rasa_action.RemoteAction
    schema = remote_action.action_response_format_spec()
    validator_class = validators.validator_for(schema)
    validator_class.check_schema(schema)
    validator = validator_class(schema)
    is_valid = _event_type_dispatch(schema, validator_class) or validator.is_valid

    def _validate_action_result(self: Any, result: Dict[Text, Any]) -> bool:
        if is_valid(result):
            return True
        error = best_match(validator.iter_errors(result))
        if error is None:
            return True
        if not isinstance(error, ValidationError):  # pragma: no cover - best_match returns ValidationErrors
            raise error
        error.message += (
            f". Failed to validate Action server response from API, "
            f"make sure your response from the Action endpoint is valid. "
            f"For more information about the format visit "
            f"{DOCS_BASE_URL}/custom-actions"
        )
        raise error

    remote_action._validate_action_result = _validate_action_result


def _event_type_dispatch(schema: Dict[Text, Any], validator_class: Any) -> Optional[Callable[[Any], bool]]:
    """A check equivalent to ``schema`` that validates each event against its own type only.

    Rasa's schema says each event is ``oneOf`` 23 event schemas, told apart by the constant
    ``event`` name; a validator tries all 23 for every event (about 1 ms per response). When
    every branch has its own constant, "exactly one branch holds" is the same as "the branch
    of this event's name holds", so that is what is checked. None when the schema is not of
    that shape.
    """
    items = schema.get("properties", {}).get("events", {}).get("items", {})
    branches = items.get("oneOf", [])
    names = [branch.get("properties", {}).get("event", {}).get("const") for branch in branches]
    if not branches or not all(isinstance(name, str) for name in names) or len(set(names)) != len(names):
        return None
    common = {key: value for key, value in items.items() if key != "oneOf"}
    by_name = {name: validator_class({"allOf": [common, branch]}) for name, branch in zip(names, branches)}
    envelope = validator_class({**schema, "properties": {**schema["properties"], "events": {"type": "array"}}})

    def is_valid(result: Any) -> bool:
        if not envelope.is_valid(result):
            return False
        for event in result.get("events") or []:
            name = event.get("event") if isinstance(event, dict) else None
            if not isinstance(name, str) or name not in by_name or not by_name[name].is_valid(event):
                return False
        return True

    return is_valid


def cached_event_type_lookup() -> None:
    from rasa.shared.core.events import Event

    original = Event.resolve_by_type
    found: Dict[Text, Any] = {}

    def resolve_by_type(type_name: Text, default: Any = None) -> Any:
        event_class = found.get(type_name)
        if event_class is None:
            event_class = original(type_name, default)
            if event_class is not None and event_class is not default:
                found[type_name] = event_class
        return event_class

    Event.resolve_by_type = staticmethod(resolve_by_type)


SESSION_ATTRIBUTE = "_serving_shared_session"
KEEPALIVE_S = 2.0


class _BorrowedSession:
    """``async with`` gives the shared session and leaves it open."""

    def __init__(self, session: Any) -> None:
        self.session = session

    async def __aenter__(self) -> Any:
        return self.session

    async def __aexit__(self, *exc_info: Any) -> None:
        return None


def shared_endpoint_sessions() -> None:
    import asyncio

    import aiohttp
    from rasa.utils.endpoints import DEFAULT_REQUEST_TIMEOUT, EndpointConfig

    original_session = EndpointConfig.session

    def new_session(self: Any) -> Any:
        auth = aiohttp.BasicAuth(self.basic_auth["username"], self.basic_auth["password"]) if self.basic_auth else None
        return aiohttp.ClientSession(
            headers=self.headers,
            auth=auth,
            timeout=aiohttp.ClientTimeout(total=DEFAULT_REQUEST_TIMEOUT),
            connector=aiohttp.TCPConnector(keepalive_timeout=KEEPALIVE_S),
        )

    def session(self: Any) -> Any:
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:  # not in a coroutine: Rasa's own behaviour
            return original_session(self)
        shared = self.__dict__.get(SESSION_ATTRIBUTE)
        if shared is None or shared[0] is not loop or shared[1].closed:
            shared = (loop, new_session(self))
            self.__dict__[SESSION_ATTRIBUTE] = shared
        return _BorrowedSession(shared[1])

    EndpointConfig.session = session


def sequential_graph_runs() -> None:
    from graphlib import TopologicalSorter

    from rasa.engine.exceptions import GraphRunError
    from rasa.engine.runner.dask import DaskGraphRunner

    def run_order(self: Any, targets: Tuple[Text, ...]) -> List[Tuple[Text, Tuple[Text, ...]]]:
        """The nodes ``targets`` need, each after what it needs, with the names it needs."""
        orders = self.__dict__.setdefault("_serving_run_orders", {})
        if targets not in orders:
            schema = self._graph_schema.minimal_graph_schema(list(targets))
            needs = {name: tuple(node.needs.values()) for name, node in schema.nodes.items()}
            sorter = TopologicalSorter({name: [n for n in needed if n in needs] for name, needed in needs.items()})
            orders[targets] = [(name, needs[name]) for name in sorter.static_order()]
        return orders[targets]

    def run(
        self: Any, inputs: Optional[Dict[Text, Any]] = None, targets: Optional[List[Text]] = None
    ) -> Dict[Text, Any]:
        run_targets = tuple(targets if targets else self._graph_schema.target_names)
        order = run_order(self, run_targets)
        outputs: Dict[Text, Any] = {}
        for name, value in (inputs or {}).items():
            if isinstance(value, str) and any(value == node for node, _ in order):
                raise GraphRunError(
                    f"Input value '{value}' clashes with a node name. Make sure that none of the input "
                    f"names passed to the `run` method are the same as node names in the graph schema."
                )
            outputs[name] = (name, value)
        try:
            for name, needed in order:
                outputs[name] = self._instantiated_nodes[name](*(outputs[n] for n in needed))
        except RuntimeError as error:
            raise GraphRunError("Error running runner.") from error
        return dict(outputs[target] for target in run_targets)

    DaskGraphRunner.run = run


def frozen_heap_after_model_load() -> None:
    import gc

    from rasa.core import run

    original = run.load_agent_on_start

    async def load_agent_on_start(*args: Any, **kwargs: Any) -> Any:
        agent = await original(*args, **kwargs)
        gc.collect()
        gc.freeze()
        logger.debug("froze %d objects after loading the model", gc.get_freeze_count())
        return agent

    run.load_agent_on_start = load_agent_on_start
