"""The assistant in each profile on free ports, with a way to read how much it stored.

- default: ``tests.servers.running_assistant`` (``make run``'s way: SQLite, the action server
  on loopback without a token);
- production: ``deploy.rasa_server`` with ``endpoints.production.yml`` on the local
  PostgreSQL (a database of the test's own) and Redis (a key prefix of its own), and
  ``serving.action_server`` requiring ``ACTION_SERVER_TOKEN``.
"""

import os
import secrets
import sqlite3
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Dict, Iterator, List, Optional

import requests

from deploy.cluster import load_env_file
from tests.cluster_servers import EXAMPLE_ENV, connection_settings, pg_connect
from tests.servers import MODEL, PROJECT, free_port, running_assistant

START_TIMEOUT_S = 300
STORED_BYTES_QUERY = "SELECT COALESCE(SUM(LENGTH(data)), 0) FROM events"


@dataclass(frozen=True)
class Profile:
    name: str
    rest_url: str
    rasa_port: int
    health_url: str
    stored_bytes: Callable[[], int]
    actions_port: Optional[int] = None
    action_token: Optional[str] = None


def _sqlite_stored_bytes(path: Path) -> Callable[[], int]:
    def stored() -> int:
        with sqlite3.connect(path) as connection:
            return int(connection.execute(STORED_BYTES_QUERY).fetchone()[0])

    return stored


@contextmanager
def default_profile() -> Iterator[Profile]:
    with running_assistant() as assistant:
        port = int(assistant.base_url.rsplit(":", 1)[1])
        yield Profile(
            "default",
            assistant.rest_url,
            port,
            f"{assistant.base_url}/webhooks/rest/",
            _sqlite_stored_bytes(assistant.tracker_db),
        )


def _wait_until_up(url: str, processes: List[subprocess.Popen], log: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if any(process.poll() is not None for process in processes):
            raise RuntimeError(f"a server exited during start-up; see {log}")
        try:
            if requests.get(url, timeout=2).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.5)
    raise TimeoutError(f"{url} not up after {START_TIMEOUT_S}s; see {log}")


def _production_env(database: str, key_prefix: str, actions_port: int, token: str) -> Dict[str, str]:
    return {
        **load_env_file(EXAMPLE_ENV),
        **os.environ,
        **connection_settings(),
        "TRACKER_DB_NAME": database,
        "TRACKER_DB_LOGIN_DB": "",
        "LOCK_REDIS_KEY_PREFIX": key_prefix,
        "ACTION_ENDPOINT_URL": f"http://127.0.0.1:{actions_port}/webhook",
        "ACTION_SERVER_TOKEN": token,
        "RASA_API_TOKEN": "",
        "RASA_JWT_SECRET": "",
        "RASA_TELEMETRY_ENABLED": "false",
    }


@contextmanager
def production_profile() -> Iterator[Profile]:
    settings = connection_settings()
    database, key_prefix = f"hostile_{secrets.token_hex(4)}", f"hostile{secrets.token_hex(4)}"
    admin = pg_connect(settings, "postgres")
    admin.autocommit = True
    admin.cursor().execute(f"CREATE DATABASE {database}")
    actions_port, rasa_port, token = free_port(), free_port(), secrets.token_hex(32)
    env = _production_env(database, key_prefix, actions_port, token)
    log = Path(tempfile.mkdtemp(prefix="pore-care-hostile-")) / "servers.log"
    python = sys.executable
    commands = [
        [
            python,
            "-m",
            "serving.action_server",
            "--host",
            "127.0.0.1",
            "--port",
            str(actions_port),
            "--actions",
            "actions.actions",
        ],
        [
            python,
            "-m",
            "deploy.rasa_server",
            "--model",
            str(MODEL),
            "--port",
            str(rasa_port),
            "--interface",
            "127.0.0.1",
            "--endpoints",
            "endpoints.production.yml",
            "--credentials",
            "credentials.yml",
        ],
    ]
    with open(log, "ab") as log_file:
        processes = [
            subprocess.Popen(command, cwd=PROJECT, env=env, stdout=log_file, stderr=subprocess.STDOUT)
            for command in commands
        ]
        try:
            _wait_until_up(f"http://127.0.0.1:{actions_port}/health", processes, log)
            _wait_until_up(f"http://127.0.0.1:{rasa_port}/webhooks/rest/", processes, log)

            def stored() -> int:
                with pg_connect(settings, database) as connection, connection.cursor() as cursor:
                    cursor.execute(STORED_BYTES_QUERY)
                    return int(cursor.fetchone()[0])

            yield Profile(
                "production",
                f"http://127.0.0.1:{rasa_port}/webhooks/rest/webhook",
                rasa_port,
                f"http://127.0.0.1:{rasa_port}/webhooks/rest/",
                stored,
                actions_port,
                token,
            )
        finally:
            for process in processes:
                process.terminate()
            for process in processes:
                try:
                    process.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()
            admin.cursor().execute(f"DROP DATABASE IF EXISTS {database}")
            admin.close()
