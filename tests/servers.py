"""Start the action server and the Rasa server for tests and the evaluation, then stop them."""

import os
import socket
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, Iterator, List, Optional

import requests
import yaml

PROJECT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
MODEL = PROJECT / "models" / "pore-care.tar.gz"
START_TIMEOUT_S = 240


@dataclass(frozen=True)
class Assistant:
    rest_url: str
    base_url: str
    log_path: Path
    tracker_db: Path


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_until_up(url: str, processes: List[subprocess.Popen], log_path: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if any(process.poll() is not None for process in processes):
            raise RuntimeError(f"a server exited during start-up; see {log_path}")
        try:
            if requests.get(url, timeout=2).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.5)
    raise TimeoutError(f"{url} not up after {START_TIMEOUT_S}s; see {log_path}")


def _write_endpoints(directory: Path, actions_port: int, tracker_db: Path) -> Path:
    """endpoints.yml as `make run` uses it (same tracker store type and settings), with the
    action server on ``actions_port`` and the conversations in ``tracker_db``."""
    config = yaml.safe_load((PROJECT / "endpoints.yml").read_text(encoding="utf-8")) or {}
    config["action_endpoint"] = {**(config.get("action_endpoint") or {}), "url": f"http://127.0.0.1:{actions_port}/webhook"}
    config["tracker_store"] = {**(config.get("tracker_store") or {"type": "SQL", "dialect": "sqlite"}), "db": str(tracker_db)}
    endpoints = directory / "endpoints.yml"
    endpoints.write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    return endpoints


def server_commands(actions_port: int, rasa_port: int, model: Path, credentials: Path, endpoints: Path) -> List[List[str]]:
    """The action server and the Rasa server, started the way `make run` starts them:
    rasa_sdk directly (no Rasa CLI to import) and Rasa through serving.run_rasa (no
    TensorFlow when the model does not need it)."""
    return [
        [str(BIN / "python"), "-m", "rasa_sdk", "--port", str(actions_port), "--actions", "actions.actions"],
        [str(BIN / "python"), "-m", "serving.run_rasa", "run", "--model", str(model), "--port", str(rasa_port),
         "--credentials", str(credentials), "--endpoints", str(endpoints)],
    ]


@contextmanager
def running_assistant(
    workdir: Optional[Path] = None, credentials: Optional[Path] = None, extra_env: Optional[Dict[str, str]] = None,
    cors_origin: Optional[str] = None, model: Optional[Path] = None,
) -> Iterator[Assistant]:
    """Both servers on free ports with their own SQLite tracker store; stopped on exit.

    ``credentials`` replaces credentials.yml (it must keep the REST channel: start-up is
    detected through it); ``extra_env`` is added to both servers' environment;
    ``cors_origin`` is a web page origin (``http://127.0.0.1:8080``) that Rasa lets call it
    from a browser (``rasa run --cors``; without it, no cross-origin calls are allowed);
    ``model`` is the model archive to serve (default: ``MODEL``).
    """
    directory = Path(workdir or tempfile.mkdtemp(prefix="pore-care-"))
    actions_port, rasa_port = free_port(), free_port()
    tracker_db = directory / "conversations.db"
    endpoints = _write_endpoints(directory, actions_port, tracker_db)
    log_path = directory / "servers.log"
    env = {**os.environ, "RASA_TELEMETRY_ENABLED": "false", "SQLALCHEMY_SILENCE_UBER_WARNING": "1", **(extra_env or {})}
    with open(log_path, "ab") as log:
        actions_cmd, rasa_cmd = server_commands(
            actions_port, rasa_port, model or MODEL, credentials or PROJECT / "credentials.yml", endpoints
        )
        processes = [
            subprocess.Popen(actions_cmd, cwd=PROJECT, stdout=log, stderr=subprocess.STDOUT, env=env),
            subprocess.Popen(
                [*rasa_cmd, *(["--cors", cors_origin] if cors_origin else [])],
                cwd=PROJECT, stdout=log, stderr=subprocess.STDOUT, env=env,
            ),
        ]
        try:
            base_url = f"http://127.0.0.1:{rasa_port}"
            _wait_until_up(f"http://127.0.0.1:{actions_port}/health", processes, log_path)
            _wait_until_up(f"{base_url}/webhooks/rest/", processes, log_path)
            yield Assistant(f"{base_url}/webhooks/rest/webhook", base_url, log_path, tracker_db)
        finally:
            for process in processes:
                process.terminate()
            for process in processes:
                try:
                    process.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    process.kill()


def ask(assistant: Assistant, sender: str, message: str, timeout: float = 30) -> List[dict]:
    reply = requests.post(assistant.rest_url, json={"sender": sender, "message": message}, timeout=timeout)
    reply.raise_for_status()
    return reply.json()
