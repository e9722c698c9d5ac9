"""serving/: the lean Rasa start (TensorFlow stand-in) and the hot-spot patches."""

import io
import json
import os
import subprocess
import sys
import tarfile
from pathlib import Path
from typing import Any, Dict, List, Tuple

import pytest

import rasa_internals
from rasa_internals import tf_free, unused_imports
from serving import run_rasa

PROJECT = Path(__file__).resolve().parents[2]


def model_archive(path: Path, components: List[str]) -> Path:
    """A model archive whose metadata names ``components`` (dotted class paths) as graph nodes."""
    nodes = {f"node{i}": {"uses": name, "fn": "process"} for i, name in enumerate(components)}
    metadata = json.dumps({"predict_schema": {"nodes": nodes}, "train_schema": {"nodes": {}}}).encode()
    with tarfile.open(path, "w:gz") as archive:
        info = tarfile.TarInfo("metadata.json")
        info.size = len(metadata)
        archive.addfile(info, io.BytesIO(metadata))
    return path


LEAN = [
    "rasa.nlu.tokenizers.whitespace_tokenizer.WhitespaceTokenizer",
    "rasa.core.policies.rule_policy.RulePolicy",
    "rasa.nlu.classifiers.logistic_regression_classifier.LogisticRegressionClassifier",
]
DIET = "rasa.nlu.classifiers.diet_classifier.DIETClassifier"


def test_the_stand_in_suits_only_a_model_whose_components_are_all_known_tensorflow_free(tmp_path: Path, caplog) -> None:
    assert tf_free.stand_in_suits(model_archive(tmp_path / "lean.tar.gz", LEAN))
    assert tf_free.stand_in_suits(PROJECT / "models" / "pore-care.tar.gz")
    assert not tf_free.stand_in_suits(model_archive(tmp_path / "diet.tar.gz", [*LEAN, DIET]))
    assert DIET in caplog.text
    custom = "my_components.Unchecked"  # not on the allow-list, whatever it does
    assert not tf_free.stand_in_suits(model_archive(tmp_path / "custom.tar.gz", [*LEAN, custom]))
    assert custom in caplog.text


def test_a_model_directory_is_judged_by_the_archive_rasa_would_load_from_it(tmp_path: Path) -> None:
    older, newer = tmp_path / "older.tar.gz", tmp_path / "newer.tar.gz"
    model_archive(older, [DIET])
    model_archive(newer, LEAN)
    os.utime(older, (1_000_000, 1_000_000))
    assert tf_free.served_archive(tmp_path) == newer
    assert tf_free.stand_in_suits(tmp_path)
    os.utime(newer, (500_000, 500_000))
    assert not tf_free.stand_in_suits(tmp_path)
    assert not tf_free.stand_in_suits(tmp_path / "empty-dir-that-does-not-exist")


def test_tensorflow_is_stubbed_only_for_rasa_run_with_a_model_that_does_not_need_it(
    tmp_path: Path, monkeypatch
) -> None:
    lean = str(model_archive(tmp_path / "lean.tar.gz", LEAN))
    diet = str(model_archive(tmp_path / "diet.tar.gz", [DIET]))
    assert run_rasa.should_stub_tensorflow(["run", "--model", lean, "--port", "5005"])
    assert run_rasa.should_stub_tensorflow(["run", f"--model={lean}"])
    assert not run_rasa.should_stub_tensorflow(["run", "--model", diet])
    assert not run_rasa.should_stub_tensorflow(["run", "actions"])
    assert not run_rasa.should_stub_tensorflow(["train", "--model", lean])
    assert not run_rasa.should_stub_tensorflow(["run", "--model", str(tmp_path / "missing.tar.gz")])
    monkeypatch.setenv(rasa_internals.DISABLE_VARIABLE, "tensorflow_stand_in")
    assert not run_rasa.should_stub_tensorflow(["run", "--model", lean])


STUB_CHECK = """
import sys, typing
from rasa_internals import tf_free, unused_imports
tf_free.install()
import tensorflow as tf
from keras.utils.control_flow_util import smart_cond

class Model(tf.keras.models.Model):
    @tf.function
    def call(self, x: typing.Optional[tf.Tensor]) -> typing.Dict[str, tf.Tensor]:
        return x

@tf.function(experimental_relax_shapes=True)
def double(x):
    return 2 * x

assert double(21) == 42 and Model.call(None, 3) == 3
assert not hasattr(tf, "__file__") and tf.float32 is tf.float32
tf.get_logger().setLevel("ERROR")
import rasa.core.agent, rasa.engine.recipes.default_components  # Rasa imports, TensorFlow doesn't load
assert sys.modules["tensorflow"] is tf and not hasattr(sys.modules["tensorflow"], "__file__")
print("ok")
"""


def assert_runs_ok(code: str) -> None:
    """``code`` in a fresh interpreter (stand-ins must come before any Rasa import) prints ok."""
    result = subprocess.run([sys.executable, "-c", code], cwd=PROJECT, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
    assert result.stdout.strip().endswith("ok")


def test_rasa_imports_with_the_tensorflow_stand_in_and_without_tensorflow() -> None:
    assert_runs_ok(STUB_CHECK)


INSTALL_AFTER_TENSORFLOW = """
import sys
sys.modules["tensorflow"] = object()
from rasa_internals import tf_free, unused_imports
try:
    tf_free.install()
except RuntimeError:
    print("refused")
"""


def test_install_refuses_to_come_after_tensorflow() -> None:
    code = INSTALL_AFTER_TENSORFLOW
    result = subprocess.run([sys.executable, "-c", code], cwd=PROJECT, capture_output=True, text=True, timeout=60)
    assert "refused" in result.stdout


def test_matplotlib_and_pymongo_are_left_out_only_when_nothing_can_use_them(tmp_path: Path, monkeypatch) -> None:
    def endpoints(store_type: str) -> str:
        path = tmp_path / f"endpoints-{abs(hash(store_type))}.yml"
        path.write_text(f"tracker_store:\n  type: {store_type}\n" if store_type else "", encoding="utf-8")
        return str(path)

    ours = endpoints("rasa_internals.recent_sql.RecentSQLTrackerStore")
    assert unused_imports.unused_packages(["run", "--endpoints", ours]) == ["matplotlib", "pymongo"]
    assert unused_imports.unused_packages(["run", f"--endpoints={endpoints('SQL')}"]) == ["matplotlib", "pymongo"]
    assert unused_imports.unused_packages(["run", "--endpoints", endpoints("")]) == ["matplotlib", "pymongo"]
    assert unused_imports.unused_packages(["run", "--endpoints", ours, "--enable-api"]) == ["pymongo"]
    assert unused_imports.unused_packages(["run", "--endpoints", endpoints("mongod")]) == ["matplotlib"]
    assert unused_imports.unused_packages(["run", "--endpoints", endpoints("my_stores.Custom")]) == ["matplotlib"]
    broken = tmp_path / "broken.yml"
    broken.write_text("tracker_store: [", encoding="utf-8")
    assert unused_imports.unused_packages(["run", "--endpoints", str(broken)]) == ["matplotlib"]
    assert unused_imports.unused_packages(["run", "actions"]) == []
    assert unused_imports.unused_packages(["train"]) == []
    monkeypatch.setenv(rasa_internals.DISABLE_VARIABLE, "unused_imports_stand_in")
    assert unused_imports.unused_packages(["run", "--endpoints", ours]) == []


UNUSED_IMPORTS_CHECK = """
import sys
from rasa_internals import tf_free, unused_imports
tf_free.install()
tf_free.install(["matplotlib", "pymongo"])
import rasa.server, rasa.core.tracker_store, rasa.utils.plotting  # what imports them in Rasa 3.6
assert not hasattr(sys.modules["matplotlib"], "__file__") and not hasattr(sys.modules["pymongo"], "__file__")
print("ok")
"""


def test_rasa_server_imports_with_matplotlib_and_pymongo_stood_in() -> None:
    assert_runs_ok(UNUSED_IMPORTS_CHECK)


GOOD_RESPONSES = [
    {
        "events": [{"event": "slot", "name": "last_kind", "value": "frequency", "timestamp": None}],
        "responses": [{"text": "hi"}],
    },
    {
        "events": [
            {"event": "bot", "text": "hello", "data": {"buttons": [{"title": "a", "payload": "/b"}]}},
            {"event": "user", "text": "hi", "parse_data": {"intent": {"name": "greet", "confidence": 1.0}}},
            {"event": "action", "name": "action_listen", "policy": None, "confidence": None},
        ],
        "responses": [{"text": "hi", "buttons": [{"title": "a", "payload": "/b"}]}],
    },
    # Rasa's schema leaves these texts untyped, so these pass too.
    {"events": [{"event": "bot", "text": 3}]},
    {"responses": [{"text": 3}]},
    {"events": [], "responses": []},
    {},
]
BAD_RESPONSES = [
    {"events": [{"event": "slot", "name": 3}]},
    {"events": [{"event": "no_such_event"}]},
    {"events": [{"event": ["slot"]}]},
    {"events": [{"event": "user", "text": "hi", "parse_data": {"intent": {"name": 1}}}]},
    {"events": [{"event": "slot", "name": "x", "timestamp": "yesterday"}]},
    "not an object",
    {"events": "not a list"},
    {"events": [{"no_event_key": 1}]},
    {"responses": "x"},
]


@pytest.fixture(scope="module")
def remote_action_class():
    from rasa.core.actions.action import RemoteAction

    original = RemoteAction._validate_action_result
    yield RemoteAction, original
    RemoteAction._validate_action_result = original


def test_cached_validation_accepts_and_rejects_what_rasas_own_does(remote_action_class) -> None:
    from jsonschema import ValidationError

    from rasa_internals import patches

    remote_action, original = remote_action_class
    verdicts = {}
    for name, validate in (("rasa", original), ("patched", None)):
        if validate is None:
            patches.cached_action_result_validation()
            validate = remote_action._validate_action_result
        outcome = []
        for response in GOOD_RESPONSES + BAD_RESPONSES:
            try:
                outcome.append(validate(remote_action, response))
            except ValidationError as error:
                outcome.append(("error", error.message))
        verdicts[name] = outcome
    assert verdicts["patched"] == verdicts["rasa"]
    assert verdicts["patched"][: len(GOOD_RESPONSES)] == [True] * len(GOOD_RESPONSES)
    assert all("Failed to validate Action server response" in v[1] for v in verdicts["patched"][len(GOOD_RESPONSES) :])
    # Rasa's schema has the shape that lets each event be checked against its own type only.
    from jsonschema import validators

    schema = remote_action.action_response_format_spec()
    assert patches._event_type_dispatch(schema, validators.validator_for(schema)) is not None


def test_event_types_are_resolved_as_before() -> None:
    from rasa.shared.core.events import Event

    from rasa_internals import patches

    names = ["user", "bot", "action", "slot", "session_started", "restart", "active_loop", "followup"]
    before = [Event.resolve_by_type(name) for name in names]
    original = Event.resolve_by_type
    try:
        patches.cached_event_type_lookup()
        assert [Event.resolve_by_type(name) for name in names] == before
        assert [Event.resolve_by_type(name) for name in names] == before  # from the cache
        assert Event.resolve_by_type("topic") is None
        assert Event.resolve_by_type("no_such_event", default=Event) is Event
        with pytest.raises(ValueError):
            Event.resolve_by_type("no_such_event")
    finally:
        Event.resolve_by_type = original


def test_calls_to_an_endpoint_share_one_keep_alive_connection() -> None:
    import asyncio

    from aiohttp import web
    from rasa.utils.endpoints import EndpointConfig

    from rasa_internals import patches

    original = EndpointConfig.session
    peers = []

    async def webhook(request: web.Request) -> web.Response:
        assert request.transport is not None
        peers.append(request.transport.get_extra_info("peername"))
        return web.json_response({"echo": (await request.json())["n"]})

    async def scenario() -> list:
        app = web.Application()
        app.router.add_post("/webhook", webhook)
        runner = web.AppRunner(app)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        port = runner.addresses[0][1]
        endpoint = EndpointConfig(f"http://127.0.0.1:{port}/webhook")
        try:
            return [await endpoint.request(json={"n": n}, method="post") for n in range(3)]
        finally:
            async with endpoint.session() as session:
                await session.close()
            await runner.cleanup()

    try:
        patches.shared_endpoint_sessions()
        replies = asyncio.run(scenario())
    finally:
        EndpointConfig.session = original
    assert replies == [{"echo": 0}, {"echo": 1}, {"echo": 2}]
    assert len(peers) == 3 and len(set(peers)) == 1  # one client port: the connection was reused


async def endpoint_calls_as_seen_by_a_server(endpoint_factory) -> Tuple[list, list]:
    """What ``EndpointConfig.request`` returns or raises for a set of calls, and what the server
    received (method, path, query, headers Rasa sets, body)."""
    from aiohttp import web
    from rasa.utils.endpoints import ClientResponseError

    received = []

    async def handler(request: web.Request) -> web.StreamResponse:
        headers = {name: request.headers.get(name) for name in ("Content-Type", "Authorization", "X-Custom", "X-Call")}
        received.append((request.method, request.path, sorted(request.query.items()), headers, await request.text()))
        if request.path.endswith("/missing"):
            return web.Response(status=404, text="no such thing")
        if request.path.endswith("/text"):
            return web.Response(text="plain")
        return web.json_response({"ok": True})

    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", handler)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    endpoint = endpoint_factory(f"http://127.0.0.1:{port}/base")
    calls: List[Dict[str, Any]] = [
        dict(method="post", json={"n": 1}),
        dict(method="get", subpath="text", params={"q": "x"}),
        dict(method="post", subpath="missing", json={}),
        dict(method="put", content_type=None, data="raw", headers={"X-Call": "yes"}),
    ]
    outcomes = []
    try:
        for call in calls:
            try:
                outcomes.append(await endpoint.request(**call))
            except ClientResponseError as error:
                outcomes.append(("ClientResponseError", error.status))
    finally:
        async with endpoint.session() as session:
            await session.close()
        await runner.cleanup()
    return outcomes, received


def test_endpoint_requests_through_the_shared_session_are_rasas_requests() -> None:
    """Same replies, errors and requests on the wire as Rasa's own ``EndpointConfig.request``."""
    import asyncio

    from rasa.utils.endpoints import EndpointConfig

    from rasa_internals import patches

    def endpoint(url: str) -> EndpointConfig:
        return EndpointConfig(
            url,
            params={"a": "1"},
            headers={"X-Custom": "v"},
            basic_auth={"username": "u", "password": "p"},
            token="secret",
        )

    original = EndpointConfig.session
    try:
        rasas = asyncio.run(endpoint_calls_as_seen_by_a_server(endpoint))
        patches.shared_endpoint_sessions()
        shared = asyncio.run(endpoint_calls_as_seen_by_a_server(endpoint))
    finally:
        EndpointConfig.session = original
    assert shared == rasas
    assert rasas[0] == [{"ok": True}, None, ("ClientResponseError", 404), {"ok": True}]


class Arithmetic:
    """Graph components for the runner test: each node's output is computed from its needs."""

    from rasa.engine.graph import GraphComponent as _Base

    class Node(_Base):
        calls: List[str] = []

        def __init__(self, name: str) -> None:
            self.name = name

        @classmethod
        def create(cls, config, model_storage, resource, execution_context):
            return cls(execution_context.node_name)

        def double(self, value: int) -> int:
            self.calls.append(self.name)
            return 2 * value

        def add(self, left: int, right: int) -> int:
            self.calls.append(self.name)
            return left + right


def arithmetic_runner(tmp_path: Path):
    from rasa.engine.graph import ExecutionContext, GraphSchema, SchemaNode
    from rasa.engine.runner.dask import DaskGraphRunner
    from rasa.engine.storage.local_model_storage import LocalModelStorage

    node = lambda fn, needs, target=False: SchemaNode(  # noqa: E731
        needs=needs, uses=Arithmetic.Node, constructor_name="create", fn=fn, config={}, is_target=target
    )
    schema = GraphSchema(
        {
            "double": node("double", {"value": "__x__"}),
            "quadruple": node("double", {"value": "double"}),
            "sum": node("add", {"left": "quadruple", "right": "double"}, target=True),
            "unneeded": node("double", {"value": "__x__"}),
            "other_sum": node("add", {"left": "unneeded", "right": "__y__"}, target=True),
        }
    )
    return DaskGraphRunner.create(schema, LocalModelStorage(tmp_path), ExecutionContext(schema, "m"))


def test_sequential_graph_runs_give_dasks_results_running_only_the_needed_nodes(tmp_path: Path) -> None:
    from rasa.engine.exceptions import GraphRunError
    from rasa.engine.runner.dask import DaskGraphRunner

    from rasa_internals import patches

    original = DaskGraphRunner.run
    runs = [({"__x__": 3}, ["sum"]), ({"__x__": 5}, ["double", "sum"]), ({"__x__": 1, "__y__": 10}, None)]
    try:
        results: Dict[str, list] = {}
        for name in ("dask", "sequential"):
            if name == "sequential":
                patches.sequential_graph_runs()
            runner = arithmetic_runner(tmp_path / name)
            results[name] = []
            for inputs, targets in runs:
                Arithmetic.Node.calls = []
                results[name].append((runner.run(inputs, targets), sorted(Arithmetic.Node.calls)))
            with pytest.raises(GraphRunError):
                runner.run({"__x__": "double"}, ["sum"])
        assert results["sequential"] == results["dask"]
        assert results["sequential"][0] == ({"sum": 18}, ["double", "quadruple", "sum"])
        assert results["sequential"][2][0] == {"sum": 6, "other_sum": 12}
    finally:
        DaskGraphRunner.run = original


def test_the_agent_rasa_loads_on_start_is_frozen_out_of_garbage_collection(monkeypatch) -> None:
    """The hook wraps Rasa's own ``load_agent_on_start``: same agent, on the app as before."""
    import asyncio
    import gc
    from types import SimpleNamespace

    from rasa.core import run
    from rasa.core.agent import Agent

    from rasa_internals import patches

    monkeypatch.setattr(run, "load_agent_on_start", run.load_agent_on_start)  # restored afterwards
    patches.frozen_heap_after_model_load()
    app = SimpleNamespace(ctx=SimpleNamespace())
    try:
        # No model path: Rasa's function loads an agent without a model, quickly.
        agent = asyncio.run(run.load_agent_on_start(None, None, None, app, None))
        assert isinstance(agent, Agent) and app.ctx.agent is agent
        assert gc.get_freeze_count() > 0
        assert not any(tracked is agent for tracked in gc.get_objects())  # frozen objects are not tracked
    finally:
        gc.unfreeze()
