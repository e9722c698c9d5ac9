"""serving/: the lean Rasa start (TensorFlow stand-in) and the hot-spot patches."""

import io
import json
import subprocess
import sys
import tarfile
from pathlib import Path
from typing import List

import pytest

from serving import run_rasa
from rasa_internals import tf_free

PROJECT = Path(__file__).resolve().parents[2]


def model_archive(path: Path, classes) -> Path:
    nodes = {f"node{i}": {"uses": f"rasa.some.module.{name}", "fn": "process"} for i, name in enumerate(classes)}
    metadata = json.dumps({"predict_schema": {"nodes": nodes}, "train_schema": {"nodes": {}}}).encode()
    with tarfile.open(path, "w:gz") as archive:
        info = tarfile.TarInfo("metadata.json")
        info.size = len(metadata)
        archive.addfile(info, io.BytesIO(metadata))
    return path


def test_a_model_with_diet_needs_tensorflow_and_one_without_does_not(tmp_path: Path) -> None:
    with_diet = model_archive(tmp_path / "diet.tar.gz", ["WhitespaceTokenizer", "DIETClassifier", "RulePolicy"])
    without = model_archive(tmp_path / "lr.tar.gz", ["WhitespaceTokenizer", "LogisticRegressionClassifier", "RulePolicy"])
    assert tf_free.model_needs_tensorflow(with_diet)
    assert not tf_free.model_needs_tensorflow(without)
    assert tf_free.component_classes(without) == {"WhitespaceTokenizer", "LogisticRegressionClassifier", "RulePolicy"}


def test_tensorflow_is_stubbed_only_for_rasa_run_with_a_model_that_does_not_need_it(tmp_path: Path, monkeypatch) -> None:
    lean = str(model_archive(tmp_path / "lr.tar.gz", ["LogisticRegressionClassifier"]))
    diet = str(model_archive(tmp_path / "diet.tar.gz", ["DIETClassifier"]))
    assert run_rasa.should_stub_tensorflow(["run", "--model", lean, "--port", "5005"])
    assert run_rasa.should_stub_tensorflow(["run", f"--model={lean}"])
    assert not run_rasa.should_stub_tensorflow(["run", "--model", diet])
    assert not run_rasa.should_stub_tensorflow(["run", "actions"])
    assert not run_rasa.should_stub_tensorflow(["train", "--model", lean])
    assert not run_rasa.should_stub_tensorflow(["run", "--model", str(tmp_path / "missing.tar.gz")])
    monkeypatch.setenv("PORE_CARE_TF_STUB", "0")
    assert not run_rasa.should_stub_tensorflow(["run", "--model", lean])


STUB_CHECK = """
import sys, typing
from rasa_internals import tf_free
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


def test_rasa_imports_with_the_tensorflow_stand_in_and_without_tensorflow() -> None:
    result = subprocess.run([sys.executable, "-c", STUB_CHECK], cwd=PROJECT, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
    assert result.stdout.strip().endswith("ok")


def test_install_refuses_to_come_after_tensorflow() -> None:
    code = "import sys; sys.modules['tensorflow'] = object()\nfrom rasa_internals import tf_free\ntry:\n tf_free.install()\nexcept RuntimeError:\n print('refused')"
    result = subprocess.run([sys.executable, "-c", code], cwd=PROJECT, capture_output=True, text=True, timeout=60)
    assert "refused" in result.stdout


GOOD_RESPONSES = [
    {"events": [{"event": "slot", "name": "last_kind", "value": "frequency", "timestamp": None}], "responses": [{"text": "hi"}]},
    {"events": [{"event": "bot", "text": "hello", "data": {"buttons": [{"title": "a", "payload": "/b"}]}},
                {"event": "user", "text": "hi", "parse_data": {"intent": {"name": "greet", "confidence": 1.0}}},
                {"event": "action", "name": "action_listen", "policy": None, "confidence": None}],
     "responses": [{"text": "hi", "buttons": [{"title": "a", "payload": "/b"}]}]},
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
    assert all("Failed to validate Action server response" in v[1] for v in verdicts["patched"][len(GOOD_RESPONSES):])
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
        peers.append(request.transport.get_extra_info("peername"))
        return web.json_response({"echo": (await request.json())["n"]})

    async def scenario() -> list:
        app = web.Application()
        app.router.add_post("/webhook", webhook)
        runner = web.AppRunner(app)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]
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
        needs=needs, uses=Arithmetic.Node, constructor_name="create", fn=fn, config={}, is_target=target)
    schema = GraphSchema({
        "double": node("double", {"value": "__x__"}),
        "quadruple": node("double", {"value": "double"}),
        "sum": node("add", {"left": "quadruple", "right": "double"}, target=True),
        "unneeded": node("double", {"value": "__x__"}),
        "other_sum": node("add", {"left": "unneeded", "right": "__y__"}, target=True),
    })
    return DaskGraphRunner.create(schema, LocalModelStorage(tmp_path), ExecutionContext(schema, "m"))


def test_sequential_graph_runs_give_dasks_results_running_only_the_needed_nodes(tmp_path: Path) -> None:
    from rasa.engine.exceptions import GraphRunError
    from rasa.engine.runner.dask import DaskGraphRunner

    from rasa_internals import patches

    original = DaskGraphRunner.run
    runs = [({"__x__": 3}, ["sum"]), ({"__x__": 5}, ["double", "sum"]), ({"__x__": 1, "__y__": 10}, None)]
    try:
        results = {}
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


def test_objects_alive_after_the_model_load_are_frozen_out_of_garbage_collection(monkeypatch) -> None:
    import asyncio
    import gc

    from rasa.core import run

    from rasa_internals import patches

    async def load_agent_on_start(*args, **kwargs):
        return "agent"

    monkeypatch.setattr(run, "load_agent_on_start", load_agent_on_start)
    patches.frozen_heap_after_model_load()
    try:
        assert asyncio.run(run.load_agent_on_start("model", None, None)) == "agent"
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()
