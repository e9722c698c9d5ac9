"""``make run`` as it runs (``python -m serving.supervise``), on free ports, with a SQLite
tracker store of the test's own."""

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, Iterator, List, Optional, Tuple

import pytest
import requests

from serving.local_stack import server_env, write_endpoints
from serving.processes import PROJECT, free_port

START_TIMEOUT_S = 240


@dataclass
class Stack:
    workdir: Path
    rasa_port: int
    actions_port: int
    web_port: int
    tracker_db: Path
    launcher: subprocess.Popen

    @property
    def rest_url(self) -> str:
        return f"http://127.0.0.1:{self.rasa_port}/webhooks/rest/webhook"

    @property
    def state_file(self) -> Path:
        return self.workdir / "run" / "stack.json"

    @property
    def launcher_log(self) -> Path:
        return self.workdir / "launcher.log"

    def state(self) -> dict:
        try:
            return json.loads(self.state_file.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}

    def pids(self) -> Dict[str, int]:
        return dict(self.state().get("pids", {}))

    def kill(self, name: str) -> int:
        pid = self.pids()[name]
        os.kill(pid, signal.SIGKILL)
        return pid

    def health_urls(self) -> Dict[str, str]:
        return {
            "actions": f"http://127.0.0.1:{self.actions_port}/health",
            "rasa": f"http://127.0.0.1:{self.rasa_port}/webhooks/rest/",
            "web": f"http://127.0.0.1:{self.web_port}/",
        }

    def stored_user_turns(self, sender: str) -> List[Tuple[str, Optional[str]]]:
        with sqlite3.connect(self.tracker_db) as connection:
            rows = connection.execute(
                "SELECT data FROM events WHERE sender_id = ? AND type_name = 'user' ORDER BY id", (sender,)
            ).fetchall()
        return [
            (event["text"], (event.get("metadata") or {}).get("turn"))
            for event in map(json.loads, (r[0] for r in rows))
        ]


@pytest.fixture(scope="module")
def stack(tmp_path_factory) -> Iterator[Stack]:
    workdir = Path(tmp_path_factory.mktemp("stack"))
    rasa_port, actions_port, web_port = free_port(), free_port(), free_port()
    tracker_db = workdir / "conversations.db"
    endpoints = write_endpoints(workdir, actions_port, tracker_db)
    argv = [
        sys.executable,
        "-m",
        "serving.supervise",
        "--rasa-port",
        str(rasa_port),
        "--actions-port",
        str(actions_port),
        "--web-port",
        str(web_port),
        "--web-host",
        "127.0.0.1",
        "--endpoints",
        str(endpoints),
        "--run-dir",
        str(workdir / "run"),
    ]
    with open(workdir / "launcher.log", "ab") as log:
        launcher = subprocess.Popen(argv, cwd=PROJECT, env=server_env(), stdout=log, stderr=subprocess.STDOUT)
    running = Stack(workdir, rasa_port, actions_port, web_port, tracker_db, launcher)
    try:
        deadline = time.monotonic() + START_TIMEOUT_S
        while not running.state().get("ready"):
            assert launcher.poll() is None, running.launcher_log.read_text(errors="replace")[-3000:]
            assert time.monotonic() < deadline, "make run's processes not ready"
            time.sleep(0.25)
        yield running
    finally:
        launcher.send_signal(signal.SIGTERM)
        try:
            launcher.wait(timeout=60)
        except subprocess.TimeoutExpired:
            launcher.kill()


def up(url: str) -> bool:
    try:
        return requests.get(url, timeout=2).status_code == 200
    except requests.RequestException:
        return False
