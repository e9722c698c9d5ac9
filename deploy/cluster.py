"""``make run-cluster``: the production profile on one machine.

    python -m deploy.cluster [--env-file FILE]   # default: .env.production, else the example

starts, with every setting from the environment (an env file fills in what the environment
does not set; the environment wins):

- the action servers (``CLUSTER_ACTIONS_PORTS``, default 5056 and 5057), and nginx in front of
  them on ``CLUSTER_ACTIONS_LB_PORT`` (5055); the replicas' ``ACTION_ENDPOINT_URL`` is set to
  that balancer;
- the Rasa replicas (``CLUSTER_RASA_PORTS``, 5006 and 5007), each ``python -m
  deploy.rasa_server`` with ``endpoints.production.yml``: PostgreSQL tracker store, Redis lock
  store, HTTP API off unless ``RASA_API_TOKEN``/``RASA_JWT_SECRET`` is set;
- nginx on ``CLUSTER_LB_PORT`` (5005) in front of the replicas, with a configuration rendered
  from ``deploy/nginx.conf.template`` into ``CLUSTER_DIR`` (``var/cluster``), started once
  every replica is ready.

Logs go to ``CLUSTER_DIR/logs/<process>.log``; ``CLUSTER_DIR/cluster.json`` names every
process and its current pid. A process that dies is started again (``serving/supervisor.py``);
meanwhile the balancer sends its requests to the other replica, retrying there a request the
dead one failed (README, "Failures: what a user sees"). Ctrl-C or SIGTERM stops everything, the balancer first.
Each process's command line comes from ``serving/processes.py``.
"""

import argparse
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, List, Mapping, NoReturn, Optional, Sequence

from serving import processes
from serving.processes import PROJECT, ProcessSpec
from serving.supervisor import SupervisedProcess, Supervisor

ENDPOINTS = PROJECT / "endpoints.production.yml"
CREDENTIALS = PROJECT / "credentials.yml"
NGINX_TEMPLATE = Path(__file__).resolve().parent / "nginx.conf.template"
DEFAULT_ENV_FILE = PROJECT / ".env.production.example"
LOCAL_ENV_FILE = PROJECT / ".env.production"
HEALTH_CHANNEL = "deploy.health.HealthInput"
STOP_TIMEOUT_S = 30

# Settings of this launcher only (Kubernetes has its own equivalents, see docs/kubernetes.md).
CLUSTER_DEFAULTS = {
    "CLUSTER_LB_LISTEN": "0.0.0.0",
    "CLUSTER_LB_PORT": "5005",
    "CLUSTER_RASA_PORTS": "5006,5007",
    "CLUSTER_RASA_INTERFACE": "127.0.0.1",
    "CLUSTER_ACTIONS_LB_PORT": "5055",
    "CLUSTER_ACTIONS_PORTS": "5056,5057",
    "CLUSTER_DIR": "var/cluster",
    "CLUSTER_MODEL": "models/pore-care.tar.gz",
    "CLUSTER_START_TIMEOUT": "600",
}


class ClusterError(Exception):
    """The cluster cannot start as configured."""


class StopRequested(Exception):
    """SIGINT or SIGTERM arrived."""


def log(message: str) -> None:
    print(f"[cluster {time.strftime('%H:%M:%S')}] {message}", flush=True)


def load_env_file(path: Path) -> Dict[str, str]:
    """``KEY=value`` lines; ``#`` comments, blank lines, ``export`` and quotes allowed."""
    values: Dict[str, str] = {}
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        match = re.fullmatch(r"(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)", line)
        if not match:
            raise ClusterError(f"{path}:{number}: expected KEY=value, got {line!r}")
        key, value = match.groups()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
            value = value[1:-1]
        else:
            value = re.sub(r"\s+#.*$", "", value)  # a trailing comment on an unquoted value
        values[key] = value
    return values


def required_variables(endpoints: Path = ENDPOINTS) -> List[str]:
    """The ``${VAR}`` names the endpoints file needs (Rasa refuses to start without them)."""
    lines = [line.split("#", 1)[0] for line in endpoints.read_text(encoding="utf-8").splitlines()]
    return sorted(set(re.findall(r"\$\{(\w+)\}", "\n".join(lines))))


def _ports(value: str, name: str) -> List[int]:
    try:
        ports = [int(part) for part in value.replace(" ", "").split(",") if part]
    except ValueError:
        raise ClusterError(f"{name} must be a comma-separated list of ports, got {value!r}") from None
    if not ports:
        raise ClusterError(f"{name} names no port")
    return ports


def find_nginx() -> str:
    found = shutil.which("nginx") or next(
        (path for path in ("/usr/sbin/nginx", "/usr/local/sbin/nginx") if os.access(path, os.X_OK)), None
    )
    if not found:
        raise ClusterError("nginx not found; `make run-cluster` installs it (apt-get install nginx)")
    return found


@dataclass
class Settings:
    env: Dict[str, str]
    lb_listen: str
    lb_port: int
    rasa_ports: List[int]
    rasa_interface: str
    actions_lb_port: int
    action_ports: List[int]
    run_dir: Path
    model: Path
    start_timeout: float

    @classmethod
    def from_env(cls, environ: Mapping[str, str], env_file: Optional[Path] = None) -> "Settings":
        env = {**CLUSTER_DEFAULTS, **(load_env_file(env_file) if env_file else {}), **environ}
        missing = [name for name in required_variables() if name != "ACTION_ENDPOINT_URL" and name not in env]
        if missing:
            raise ClusterError(
                "the production profile needs these environment variables: "
                + ", ".join(missing)
                + " (see .env.production.example)"
            )
        settings = cls(
            env=env,
            lb_listen=env["CLUSTER_LB_LISTEN"],
            lb_port=int(env["CLUSTER_LB_PORT"]),
            rasa_ports=_ports(env["CLUSTER_RASA_PORTS"], "CLUSTER_RASA_PORTS"),
            rasa_interface=env["CLUSTER_RASA_INTERFACE"],
            actions_lb_port=int(env["CLUSTER_ACTIONS_LB_PORT"]),
            action_ports=_ports(env["CLUSTER_ACTIONS_PORTS"], "CLUSTER_ACTIONS_PORTS"),
            run_dir=(PROJECT / env["CLUSTER_DIR"]).resolve(),
            model=(PROJECT / env["CLUSTER_MODEL"]).resolve(),
            start_timeout=float(env["CLUSTER_START_TIMEOUT"]),
        )
        # The replicas call the action servers through this launcher's balancer.
        settings.env["ACTION_ENDPOINT_URL"] = f"http://127.0.0.1:{settings.actions_lb_port}/webhook"
        return settings

    @property
    def all_ports(self) -> List[int]:
        return [self.lb_port, self.actions_lb_port, *self.rasa_ports, *self.action_ports]

    @property
    def lb_url(self) -> str:
        host = "127.0.0.1" if self.lb_listen in ("0.0.0.0", "*") else self.lb_listen
        return f"http://{host}:{self.lb_port}"

    def replica_url(self, port: int) -> str:
        host = "127.0.0.1" if self.rasa_interface == "0.0.0.0" else self.rasa_interface
        return f"http://{host}:{port}"

    @property
    def proxy_read_timeout(self) -> int:
        lock_lifetime = int(self.env.get("TICKET_LOCK_LIFETIME") or 60)
        return lock_lifetime + 60


def render_nginx_config(settings: Settings, template: Path = NGINX_TEMPLATE) -> str:
    # max_fails=1 fail_timeout=10s: one refused connection takes a replica out for 10 s.
    def servers(ports: Sequence[int], host: str) -> str:
        return "\n".join(f"        server {host}:{port} max_fails=1 fail_timeout=10s;" for port in ports)

    replica_host = "127.0.0.1" if settings.rasa_interface == "0.0.0.0" else settings.rasa_interface
    values = {
        "RUN_DIR": str(settings.run_dir / "nginx"),
        "LOG_DIR": str(settings.run_dir / "logs"),
        "LB_LISTEN": settings.lb_listen,
        "LB_PORT": str(settings.lb_port),
        "ACTIONS_LB_PORT": str(settings.actions_lb_port),
        "RASA_SERVERS": servers(settings.rasa_ports, replica_host),
        "ACTION_SERVERS": servers(settings.action_ports, "127.0.0.1"),
        "PROXY_READ_TIMEOUT": str(settings.proxy_read_timeout),
    }

    def substitute(match: "re.Match[str]") -> str:
        name = match.group(1)
        if name not in values:
            raise ClusterError(f"{template}: unknown placeholder {{{{{name}}}}}")
        return values[name]

    return re.sub(r"\{\{(\w+)\}\}", substitute, template.read_text(encoding="utf-8"))


@dataclass
class Cluster:
    settings: Settings
    nginx_binary: str = field(default_factory=find_nginx)
    supervisor: Optional[Supervisor] = None

    @property
    def nginx_conf(self) -> Path:
        return self.settings.run_dir / "nginx.conf"

    @property
    def credentials(self) -> Path:
        return self.settings.run_dir / "credentials.yml"

    def _write_credentials(self) -> None:
        """credentials.yml (whatever channels it has) plus the health channel."""
        text = CREDENTIALS.read_text(encoding="utf-8")
        if HEALTH_CHANNEL not in text:
            text = (
                text.rstrip("\n")
                + f"\n# Added by deploy/cluster.py: liveness and readiness routes.\n{HEALTH_CHANNEL}:\n"
            )
        self.credentials.write_text(text, encoding="utf-8")

    @property
    def state_file(self) -> Path:
        return self.settings.run_dir / "cluster.json"

    def _child_env(self) -> Dict[str, str]:
        env = dict(self.settings.env)
        env.setdefault("RASA_TELEMETRY_ENABLED", "false")
        env.setdefault("SQLALCHEMY_SILENCE_UBER_WARNING", "1")
        env.setdefault("PYTHONUNBUFFERED", "1")
        return env

    def _plan(self) -> List[ProcessSpec]:
        s = self.settings
        cors = (s.env.get("RASA_CORS_ORIGIN") or "").split()
        return [
            *(processes.action_server(port, name=f"actions-{index}") for index, port in enumerate(s.action_ports, 1)),
            *(
                processes.rasa_replica(
                    port, s.rasa_interface, self.credentials, ENDPOINTS, s.model, cors, name=f"rasa-{index}"
                )
                for index, port in enumerate(s.rasa_ports, 1)
            ),
        ]

    def _nginx_argv(self, *extra: str) -> List[str]:
        return [
            self.nginx_binary,
            "-p",
            str(self.settings.run_dir / "nginx"),
            "-c",
            str(self.nginx_conf),
            "-e",
            str(self.settings.run_dir / "logs" / "nginx-error.log"),
            *extra,
        ]

    def _check_ports_free(self) -> None:
        taken = []
        for port in self.settings.all_ports:
            with socket.socket() as sock:
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
                try:
                    sock.bind(("127.0.0.1", port))
                except OSError:
                    taken.append(port)
        if len(set(self.settings.all_ports)) != len(self.settings.all_ports):
            raise ClusterError(f"the cluster's ports must all differ: {self.settings.all_ports}")
        if taken:
            raise ClusterError(f"port(s) {taken} already in use (is `make run` or another cluster running?)")

    def _write_nginx_config(self) -> None:
        nginx_dir = self.settings.run_dir / "nginx"
        for sub in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"):
            (nginx_dir / sub).mkdir(parents=True, exist_ok=True)
        (self.settings.run_dir / "logs").mkdir(parents=True, exist_ok=True)
        self.nginx_conf.write_text(render_nginx_config(self.settings), encoding="utf-8")
        check = subprocess.run(self._nginx_argv("-t", "-q"), capture_output=True, text=True)
        if check.returncode != 0:
            raise ClusterError(f"nginx rejects {self.nginx_conf}:\n{check.stderr.strip()}")

    def _started_supervisor(self) -> Supervisor:
        if self.supervisor is None:
            raise ClusterError("the cluster has not been started")
        return self.supervisor

    def _start(self, spec: ProcessSpec) -> SupervisedProcess:
        return self._started_supervisor().add(
            spec, self._child_env(), self.settings.run_dir / "logs" / f"{spec.name}.log"
        )

    def _wait_healthy(self, started: Sequence[SupervisedProcess]) -> None:
        try:
            self._started_supervisor().wait_healthy(started, self.settings.start_timeout)
        except RuntimeError as error:
            raise ClusterError(str(error)) from None

    def start(self) -> None:
        s = self.settings
        if not s.model.exists():
            raise ClusterError(f"no model at {s.model} (make train)")
        self._check_ports_free()
        s.run_dir.mkdir(parents=True, exist_ok=True)
        self._write_nginx_config()
        self._write_credentials()
        from deploy.rasa_server import api_mode, rasa_run_argv

        rasa_run_argv([], s.env)  # refuses unusable API settings before anything starts
        log(
            f"tracker store: postgresql://{s.env['TRACKER_DB_HOST']}:{s.env['TRACKER_DB_PORT']}/"
            f"{s.env['TRACKER_DB_NAME']}; lock store: redis://{s.env['LOCK_REDIS_HOST']}:"
            f"{s.env['LOCK_REDIS_PORT']}/{s.env['LOCK_REDIS_DB']}; HTTP API: {api_mode(s.env)}"
        )
        self.supervisor = Supervisor(
            self.state_file,
            log,
            extra_state={
                "lb_url": s.lb_url,
                "replicas": {f"rasa-{index}": s.replica_url(port) for index, port in enumerate(s.rasa_ports, 1)},
                "logs": str(s.run_dir / "logs"),
            },
        )
        self._wait_healthy([self._start(spec) for spec in self._plan()])
        nginx = self._start(ProcessSpec("nginx", self._nginx_argv("-g", "daemon off;"), f"{s.lb_url}/readyz"))
        self._wait_healthy([nginx])
        self.supervisor.mark_ready()
        log(
            f"ready: REST channel at {s.lb_url}/webhooks/rest/webhook "
            f"(replicas {', '.join(s.replica_url(p) for p in s.rasa_ports)}; "
            f"balancer liveness {s.lb_url}/healthz, readiness {s.lb_url}/readyz; "
            f"replica liveness /webhooks/health/live, readiness /webhooks/health/ready)"
        )

    def keep_running(self) -> NoReturn:
        """Restart whatever exits, until SIGINT or SIGTERM."""
        self._started_supervisor().run_forever()

    def stop(self) -> None:
        """The balancer first (no new requests), then the replicas, then the action servers.
        nginx: SIGQUIT is its graceful stop; Sanic finishes in-flight requests on SIGTERM."""
        if self.supervisor is not None:
            self.supervisor.stop(("nginx", "rasa", "actions"), STOP_TIMEOUT_S, {"nginx": signal.SIGQUIT})
        log("stopped")


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--env-file",
        type=Path,
        default=None,
        help="KEY=value file for what the environment does not set (default: "
        f"{LOCAL_ENV_FILE.name} when it exists, else {DEFAULT_ENV_FILE.name})",
    )
    args = parser.parse_args(argv)
    env_file = args.env_file or next((path for path in (LOCAL_ENV_FILE, DEFAULT_ENV_FILE) if path.exists()), None)

    def request_stop(signum: int, _frame: object) -> None:
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        raise StopRequested()

    signal.signal(signal.SIGTERM, request_stop)
    signal.signal(signal.SIGINT, request_stop)
    cluster: Optional[Cluster] = None
    try:
        settings = Settings.from_env(os.environ, env_file)
        if env_file:
            log(f"settings from the environment, then {env_file}")
        cluster = Cluster(settings)
        cluster.start()
        cluster.keep_running()
    except StopRequested:
        log("stopping")
        return 0
    except ClusterError as error:
        log(f"error: {error}")
        return 1
    finally:
        if cluster is not None:
            cluster.stop()


if __name__ == "__main__":
    sys.exit(main())
