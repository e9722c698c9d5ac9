"""``make run``: the action server, the Rasa server and the chat page, kept running.

    python -m serving.supervise --credentials var/credentials.yml [--rasa-port 5005 ...]

A process that exits (a crash, a kill, an out-of-memory kill) is started again within about
a second (``serving/supervisor.py`` says when it backs off); the others keep serving.
Ctrl-C or SIGTERM stops all three. ``<run dir>/stack.json`` names each process and its
current pid; logs go to ``<run dir>/logs/<process>.log``.
"""

import argparse
import os
import signal
import sys
import time
from pathlib import Path
from typing import List, Optional, Sequence

from serving import processes
from serving.processes import MODEL, PROJECT
from serving.supervisor import Supervisor

START_TIMEOUT_S = 240
STOP_TIMEOUT_S = 20
STOP_ORDER = ("web", "rasa", "actions")  # nothing new comes in, then the message handling, then actions


class StopRequested(Exception):
    """SIGINT or SIGTERM arrived."""


def log(message: str) -> None:
    print(f"[run {time.strftime('%H:%M:%S')}] {message}", flush=True)


def parse_args(argv: Optional[Sequence[str]]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rasa-port", type=int, default=5005)
    parser.add_argument("--actions-port", type=int, default=5055)
    parser.add_argument("--web-port", type=int, default=8080)
    parser.add_argument("--web-host", default="localhost")
    parser.add_argument("--cors", default="", help="the web page's origin that may call Rasa")
    parser.add_argument("--model", type=Path, default=MODEL)
    parser.add_argument("--credentials", type=Path, default=PROJECT / "credentials.yml")
    parser.add_argument("--endpoints", type=Path, default=PROJECT / "endpoints.yml")
    parser.add_argument("--run-dir", type=Path, default=PROJECT / "var" / "run")
    return parser.parse_args(argv)


def build(args: argparse.Namespace) -> List[processes.ProcessSpec]:
    rasa_url = f"http://localhost:{args.rasa_port}"
    return [
        processes.action_server(args.actions_port),
        processes.rasa_server(
            args.rasa_port, args.credentials, args.endpoints, args.model, [args.cors] if args.cors else []
        ),
        processes.web_server(args.web_port, rasa_url, args.web_host),
    ]


def main(argv: Optional[Sequence[str]] = None) -> int:
    args = parse_args(argv)

    def request_stop(signum: int, _frame: object) -> None:
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        raise StopRequested()

    signal.signal(signal.SIGTERM, request_stop)
    signal.signal(signal.SIGINT, request_stop)
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    supervisor = Supervisor(args.run_dir / "stack.json", log)
    try:
        started = [supervisor.add(spec, env, args.run_dir / "logs" / f"{spec.name}.log") for spec in build(args)]
        supervisor.wait_healthy(started, START_TIMEOUT_S)
        supervisor.mark_ready()
        log(
            f"ready: REST channel at http://localhost:{args.rasa_port}/webhooks/rest/webhook, "
            f"chat page at http://{args.web_host}:{args.web_port}/; a process that stops is restarted"
        )
        supervisor.run_forever()
    except StopRequested:
        log("stopping")
        return 0
    except RuntimeError as error:
        log(f"error: {error}")
        return 1
    finally:
        supervisor.stop(STOP_ORDER, STOP_TIMEOUT_S)
    return 0


if __name__ == "__main__":
    sys.exit(main())
