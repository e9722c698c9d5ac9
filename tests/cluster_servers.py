"""The production profile for tests: ``python -m deploy.cluster`` (what ``make run-cluster``
runs) on free ports, against a PostgreSQL database and a Redis key prefix of the test's own.

PostgreSQL and Redis are the local ones unless TRACKER_DB_HOST/PORT/USER/PASSWORD and
LOCK_REDIS_HOST/PORT/PASSWORD/DB say otherwise (the same variables as the profile itself).
"""

import json
import os
import random
import secrets
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, List, Mapping, Optional

import requests

from deploy.cluster import load_env_file

PROJECT = Path(__file__).resolve().parent.parent
EXAMPLE_ENV = PROJECT / ".env.production.example"
RESULTS = PROJECT / "results" / "kill-test-cluster.json"
START_TIMEOUT_S = 600
STOP_TIMEOUT_S = 90
CONNECTION_VARIABLES = (
    "TRACKER_DB_HOST",
    "TRACKER_DB_PORT",
    "TRACKER_DB_USER",
    "TRACKER_DB_PASSWORD",
    "TRACKER_DB_SSLMODE",
    "LOCK_REDIS_HOST",
    "LOCK_REDIS_PORT",
    "LOCK_REDIS_PASSWORD",
    "LOCK_REDIS_DB",
    "LOCK_REDIS_USE_SSL",
)


def free_ports(count: int) -> List[int]:
    """Distinct free ports below Linux's ephemeral range (32768 and up), so that no outgoing
    connection takes one of them between a stop of the cluster and its restart."""
    import socket

    ports: List[int] = []
    while len(ports) < count:
        port = random.randrange(20000, 32000)
        if port in ports:
            continue
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
        ports.append(port)
    return ports


def connection_settings(environ: Mapping[str, str] = os.environ) -> Dict[str, str]:
    """Where PostgreSQL and Redis are: the environment, else the example env file's values."""
    example = load_env_file(EXAMPLE_ENV)
    return {name: environ.get(name, example[name]) for name in CONNECTION_VARIABLES}


def pg_connect(settings: Mapping[str, str], dbname: str):
    import psycopg2

    return psycopg2.connect(
        host=settings["TRACKER_DB_HOST"],
        port=int(settings["TRACKER_DB_PORT"]),
        dbname=dbname,
        user=settings["TRACKER_DB_USER"],
        password=settings["TRACKER_DB_PASSWORD"] or None,
        sslmode=settings["TRACKER_DB_SSLMODE"],
        connect_timeout=3,
    )


def redis_client(settings: Mapping[str, str]):
    import redis

    return redis.StrictRedis(
        host=settings["LOCK_REDIS_HOST"],
        port=int(settings["LOCK_REDIS_PORT"]),
        db=int(settings["LOCK_REDIS_DB"]),
        password=settings["LOCK_REDIS_PASSWORD"] or None,
        ssl=settings["LOCK_REDIS_USE_SSL"].lower() == "true",
        socket_timeout=3,
    )


@dataclass
class ClusterRun:
    """One ``deploy.cluster`` process tree; ``start``/``stop`` may be called repeatedly."""

    workdir: Path
    database: str
    key_prefix: str
    settings: Dict[str, str]
    api_token: str = field(default_factory=lambda: secrets.token_hex(16))
    ports: List[int] = field(default_factory=lambda: free_ports(6))
    lock_lifetime_s: int = 10
    launcher: Optional[subprocess.Popen] = None
    starts: int = 0

    @property
    def lb_port(self) -> int:
        return self.ports[0]

    @property
    def rasa_ports(self) -> List[int]:
        return self.ports[1:3]

    @property
    def actions_lb_port(self) -> int:
        return self.ports[3]

    @property
    def action_ports(self) -> List[int]:
        return self.ports[4:6]

    @property
    def lb_url(self) -> str:
        return f"http://127.0.0.1:{self.lb_port}"

    @property
    def replica_urls(self) -> List[str]:
        return [f"http://127.0.0.1:{port}" for port in self.rasa_ports]

    @property
    def state_file(self) -> Path:
        return self.workdir / "cluster.json"

    @property
    def access_log(self) -> Path:
        return self.workdir / "logs" / "nginx-access.log"

    @property
    def launcher_log(self) -> Path:
        return self.workdir / "launcher.log"

    def env(self) -> Dict[str, str]:
        return {
            **os.environ,
            **self.settings,
            "TRACKER_DB_NAME": self.database,
            "TRACKER_DB_LOGIN_DB": "",  # the test creates (and drops) its database itself
            "LOCK_REDIS_KEY_PREFIX": self.key_prefix,
            "TICKET_LOCK_LIFETIME": str(self.lock_lifetime_s),
            "RASA_API_TOKEN": self.api_token,
            "RASA_JWT_SECRET": "",
            "CLUSTER_LB_LISTEN": "127.0.0.1",
            "CLUSTER_LB_PORT": str(self.lb_port),
            "CLUSTER_RASA_PORTS": ",".join(map(str, self.rasa_ports)),
            "CLUSTER_RASA_INTERFACE": "127.0.0.1",
            "CLUSTER_ACTIONS_LB_PORT": str(self.actions_lb_port),
            "CLUSTER_ACTIONS_PORTS": ",".join(map(str, self.action_ports)),
            "CLUSTER_DIR": str(self.workdir),
            "CLUSTER_START_TIMEOUT": str(START_TIMEOUT_S),
        }

    def start(self) -> float:
        """Start everything and wait until the balancer is ready; the seconds it took."""
        began = time.monotonic()
        self.workdir.mkdir(parents=True, exist_ok=True)
        with open(self.launcher_log, "ab") as log:
            self.launcher = subprocess.Popen(
                [sys.executable, "-m", "deploy.cluster", "--env-file", str(EXAMPLE_ENV)],
                cwd=PROJECT,
                env=self.env(),
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
            )
        self.starts += 1
        deadline = began + START_TIMEOUT_S + 30
        while time.monotonic() < deadline:
            if self.launcher.poll() is not None:
                raise RuntimeError(f"deploy.cluster exited with {self.launcher.returncode}:\n{self.tail()}")
            if self.state().get("ready"):
                return time.monotonic() - began
            time.sleep(0.5)
        raise TimeoutError(f"cluster not ready after {START_TIMEOUT_S}s:\n{self.tail()}")

    def state(self) -> dict:
        try:
            return json.loads(self.state_file.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}

    def pids(self) -> Dict[str, int]:
        return dict(self.state().get("pids", {}))

    def tail(self, lines: int = 30) -> str:
        try:
            return "\n".join(self.launcher_log.read_text(encoding="utf-8", errors="replace").splitlines()[-lines:])
        except OSError:
            return ""

    def kill_replica(self, name: str) -> int:
        """SIGKILL one replica (no clean-up of any kind); its pid."""
        pid = self.pids()[name]
        os.kill(pid, signal.SIGKILL)
        return pid

    def wait_replica_restarted(self, name: str, old_pid: int, timeout_s: float = 120) -> float:
        """Until ``name`` runs under a new pid and says it is ready; the time it was."""
        deadline = time.monotonic() + timeout_s
        url = self.state()["replicas"][name]
        while time.monotonic() < deadline:
            if self.pids().get(name) not in (None, old_pid):
                try:
                    if requests.get(f"{url}/webhooks/health/ready", timeout=2).status_code == 200:
                        return time.time()
                except requests.RequestException:
                    pass
            time.sleep(0.2)
        raise TimeoutError(f"{name} not restarted within {timeout_s:.0f}s:\n{self.tail()}")

    def record(self, report: Dict[str, object]) -> None:
        """Write the replica kill test's numbers to results/kill-test-cluster.json (README, "Failures:
        what a user sees")."""
        RESULTS.parent.mkdir(parents=True, exist_ok=True)
        RESULTS.write_text(json.dumps(report, indent=2), encoding="utf-8")

    def stop(self) -> None:
        if self.launcher is None or self.launcher.poll() is not None:
            return
        self.launcher.send_signal(signal.SIGTERM)
        try:
            self.launcher.wait(timeout=STOP_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            self.launcher.kill()
            self.launcher.wait()
            for pid in self.pids().values():
                try:
                    os.kill(pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass

    def tracker_events(self, sender: str, replica: int = 0) -> List[dict]:
        """The stored tracker's events, read through a replica's (token-protected) HTTP API."""
        response = requests.get(
            f"{self.replica_urls[replica]}/conversations/{sender}/tracker",
            params={"token": self.api_token, "include_events": "ALL"},
            timeout=30,
        )
        response.raise_for_status()
        return response.json()["events"]
