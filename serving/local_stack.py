"""The action server and the Rasa server on free ports with a SQLite tracker store of their
own, for the tests, the evaluation and ``bench/``; stopped when the ``with`` block ends.

``Launch`` says how the two servers start (default: as ``make run`` starts them, through
``serving.processes``); ``bench/baseline.py`` passes the way they started before the
performance work.
"""

import os
import subprocess
import tempfile
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Dict, Iterator, List, Optional, Sequence

import requests
import yaml

from serving import processes
from serving.processes import LOOPBACK, MODEL, PROJECT, ProcessSpec, free_port

START_TIMEOUT_S = 240
STOP_TIMEOUT_S = 20


@dataclass(frozen=True)
class Assistant:
    rest_url: str
    base_url: str
    log_path: Path
    tracker_db: Path


def write_endpoints(directory: Path, actions_port: int, tracker_db: Path) -> Path:
    """endpoints.yml as `make run` uses it (same tracker and lock store), with the action
    server on ``actions_port`` and the conversations in ``tracker_db``."""
    config = yaml.safe_load((PROJECT / "endpoints.yml").read_text(encoding="utf-8")) or {}
    config["action_endpoint"] = {
        **(config.get("action_endpoint") or {}),
        "url": f"http://{LOOPBACK}:{actions_port}/webhook",
    }
    config["tracker_store"] = {
        **(config.get("tracker_store") or {"type": "SQL", "dialect": "sqlite"}),
        "db": str(tracker_db),
    }
    endpoints = directory / "endpoints.yml"
    endpoints.write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    return endpoints


def current_servers(
    actions_port: int,
    rasa_port: int,
    model: Path,
    credentials: Path,
    endpoints: Path,
    cors_origins: Sequence[str],
) -> List[ProcessSpec]:
    """The action server and the Rasa server as `make run` starts them."""
    return [
        processes.action_server(actions_port),
        processes.rasa_server(rasa_port, credentials, endpoints, model, cors_origins),
    ]


@dataclass(frozen=True)
class Launch:
    """How ``running_assistant`` starts the servers: the endpoints file it writes and the two
    processes (action server first) it runs."""

    write_endpoints: Callable[[Path, int, Path], Path] = write_endpoints
    servers: Callable[[int, int, Path, Path, Path, Sequence[str]], List[ProcessSpec]] = current_servers
    model: Path = MODEL


def wait_until_up(
    url: str, running: List[subprocess.Popen], log_path: Path, timeout_s: float = START_TIMEOUT_S
) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if any(process.poll() is not None for process in running):
            raise RuntimeError(f"a server exited during start-up; see {log_path}")
        try:
            if requests.get(url, timeout=2).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.25)
    raise TimeoutError(f"{url} not up after {timeout_s}s; see {log_path}")


def server_env(extra_env: Optional[Dict[str, str]] = None) -> Dict[str, str]:
    return {
        **os.environ,
        "RASA_TELEMETRY_ENABLED": "false",
        "SQLALCHEMY_SILENCE_UBER_WARNING": "1",
        **(extra_env or {}),
    }


@contextmanager
def running_assistant(
    workdir: Optional[Path] = None,
    credentials: Optional[Path] = None,
    extra_env: Optional[Dict[str, str]] = None,
    cors_origin: Optional[str] = None,
    model: Optional[Path] = None,
    launch: Launch = Launch(),
) -> Iterator[Assistant]:
    """Both servers on free ports with their own SQLite tracker store; stopped on exit.

    ``credentials`` replaces credentials.yml (it must keep the REST channel: start-up is
    detected through it); ``extra_env`` is added to both servers' environment;
    ``cors_origin`` is a web page origin (``http://127.0.0.1:8080``) that Rasa lets call it
    from a browser (``rasa run --cors``; without it, no cross-origin calls are allowed);
    ``model`` is the model archive to serve (default: ``launch.model``).
    """
    directory = Path(workdir or tempfile.mkdtemp(prefix="pore-care-"))
    actions_port, rasa_port = free_port(), free_port()
    tracker_db = directory / "conversations.db"
    endpoints = launch.write_endpoints(directory, actions_port, tracker_db)
    log_path = directory / "servers.log"
    specs = launch.servers(
        actions_port,
        rasa_port,
        model or launch.model,
        credentials or PROJECT / "credentials.yml",
        endpoints,
        [cors_origin] if cors_origin else [],
    )
    env = server_env(extra_env)
    running: List[subprocess.Popen] = []
    with open(log_path, "ab") as log:
        try:
            for spec in specs:
                running.append(
                    subprocess.Popen(
                        spec.argv, cwd=PROJECT, stdout=log, stderr=subprocess.STDOUT, env={**env, **spec.env}
                    )
                )
            for spec in specs:
                if spec.health_url is not None:  # None: running is all it takes
                    wait_until_up(spec.health_url, running, log_path)
            base_url = f"http://{LOOPBACK}:{rasa_port}"
            yield Assistant(f"{base_url}/webhooks/rest/webhook", base_url, log_path, tracker_db)
        finally:
            for process in running:
                process.terminate()
            for process in running:
                try:
                    process.wait(timeout=STOP_TIMEOUT_S)
                except subprocess.TimeoutExpired:
                    process.kill()


def ask(assistant: Assistant, sender: str, message: str, timeout: float = 30) -> List[dict]:
    reply = requests.post(assistant.rest_url, json={"sender": sender, "message": message}, timeout=timeout)
    reply.raise_for_status()
    return reply.json()
