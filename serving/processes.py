"""How each process of the assistant starts: the one place that knows its command line.

Used by ``python -m serving.supervise`` (``make run``), ``deploy/cluster.py`` (``make
run-cluster``), the tests' server helpers (``serving/local_stack.py``) and ``bench/``.

- the action server: ``serving.action_server`` (rasa_sdk with the token check and limits; no
  Rasa CLI to import), bound to one interface, loopback unless told otherwise;
- the Rasa server: ``serving.run_rasa`` (the profiled fixes, no TensorFlow for a model that
  needs none), or ``deploy.rasa_server`` for a production replica (API settings from the
  environment only);
- the web chat server: ``web/server.py``.
"""

import socket
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, List, Optional, Sequence

PROJECT = Path(__file__).resolve().parent.parent
PYTHON = Path(sys.executable)
BIN = PYTHON.parent
MODEL = PROJECT / "models" / "pore-care.tar.gz"
ACTIONS_MODULE = "actions.actions"
LOOPBACK = "127.0.0.1"


@dataclass(frozen=True)
class ProcessSpec:
    """A process to start: its name, command line, extra environment and a URL that answers
    200 once it serves (``None``: running is all it takes)."""

    name: str
    argv: List[str]
    health_url: Optional[str]
    env: Dict[str, str] = field(default_factory=dict)


def free_port() -> int:
    """A port nothing listens on right now (the kernel's pick)."""
    with socket.socket() as sock:
        sock.bind((LOOPBACK, 0))
        return sock.getsockname()[1]


def action_server(port: int, host: str = LOOPBACK, name: str = "actions") -> ProcessSpec:
    """``serving.action_server``; it reads ``ACTION_SERVER_TOKEN`` from the environment."""
    argv = [
        str(PYTHON),
        "-m",
        "serving.action_server",
        "--host",
        host,
        "--port",
        str(port),
        "--actions",
        ACTIONS_MODULE,
    ]
    return ProcessSpec(name, argv, f"http://{LOOPBACK if host == '0.0.0.0' else host}:{port}/health")


def rasa_server(
    port: int,
    credentials: Path,
    endpoints: Path,
    model: Path = MODEL,
    cors_origins: Sequence[str] = (),
    name: str = "rasa",
) -> ProcessSpec:
    """``rasa run`` started lean (``serving.run_rasa``); up when its REST channel answers."""
    argv = [
        str(PYTHON),
        "-m",
        "serving.run_rasa",
        "run",
        "--model",
        str(model),
        "--port",
        str(port),
        "--credentials",
        str(credentials),
        "--endpoints",
        str(endpoints),
    ]
    if cors_origins:
        argv += ["--cors", *cors_origins]
    return ProcessSpec(name, argv, f"http://{LOOPBACK}:{port}/webhooks/rest/")


def rasa_replica(
    port: int,
    interface: str,
    credentials: Path,
    endpoints: Path,
    model: Path = MODEL,
    cors_origins: Sequence[str] = (),
    name: str = "rasa",
) -> ProcessSpec:
    """A production replica (``deploy.rasa_server``); ready when its health channel says so."""
    argv = [
        str(PYTHON),
        "-m",
        "deploy.rasa_server",
        "--model",
        str(model),
        "--port",
        str(port),
        "--interface",
        interface,
        "--credentials",
        str(credentials),
        "--endpoints",
        str(endpoints),
    ]
    if cors_origins:
        argv += ["--cors", *cors_origins]
    host = LOOPBACK if interface == "0.0.0.0" else interface
    return ProcessSpec(name, argv, f"http://{host}:{port}/webhooks/health/ready")


def web_server(port: int, rasa_url: str, host: str = "localhost", name: str = "web") -> ProcessSpec:
    argv = [
        str(PYTHON),
        str(PROJECT / "web" / "server.py"),
        "--host",
        host,
        "--port",
        str(port),
        "--rasa-url",
        rasa_url,
    ]
    return ProcessSpec(name, argv, f"http://{LOOPBACK if host == 'localhost' else host}:{port}/")
