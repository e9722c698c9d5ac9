"""Keeps a set of processes running: a process that exits is started again, its siblings are
left alone. Used by ``make run`` (``serving/supervise.py``) and ``make run-cluster``
(``deploy/cluster.py``).

Why not supervisord or honcho (README, "Supervision"): honcho stops everything when
one process exits, which is the behaviour being replaced; supervisord restarts children but
only knows "running", not "ready", so it cannot hold nginx back until the replicas answer
their readiness check, and it needs a rendered ini file plus a control socket for what is a
poll of ``Popen.poll()`` here.

Restart policy: a process that ran for at least ``STABLE_AFTER_S`` is started again at once;
one that keeps dying sooner waits 1 s, 2 s, 4 s, ... up to ``MAX_BACKOFF_S`` between starts,
so a process that cannot start does not spin.
"""

import ctypes
import json
import signal
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Dict, List, NoReturn, Optional, Sequence

import requests

from serving.processes import PROJECT, ProcessSpec

STABLE_AFTER_S = 10.0
FIRST_BACKOFF_S = 1.0
MAX_BACKOFF_S = 30.0
HEALTH_TIMEOUT_S = 6.0


def _die_with_parent() -> None:
    """In the child: get SIGTERM if the supervisor dies without cleaning up (Linux only)."""
    try:
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except OSError:
        pass


@dataclass
class SupervisedProcess:
    """One process: started from its spec, restarted when it exits."""

    spec: ProcessSpec
    base_env: Dict[str, str]
    log_path: Path
    popen: Optional[subprocess.Popen] = None
    started_at: float = 0.0
    restarts: int = 0
    backoff_s: float = 0.0
    next_start_at: Optional[float] = None

    @property
    def name(self) -> str:
        return self.spec.name

    @property
    def health_url(self) -> Optional[str]:
        return self.spec.health_url

    @property
    def pid(self) -> Optional[int]:
        return self.popen.pid if self.popen else None

    @property
    def returncode(self) -> Optional[int]:
        return self.popen.returncode if self.popen else None

    def start(self) -> None:
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        with open(self.log_path, "ab") as log_file:
            self.popen = subprocess.Popen(
                self.spec.argv,
                cwd=PROJECT,
                env={**self.base_env, **self.spec.env},
                stdout=log_file,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,
                preexec_fn=_die_with_parent,
            )
        self.started_at = time.monotonic()
        self.next_start_at = None

    def is_running(self) -> bool:
        return self.popen is not None and self.popen.poll() is None

    def is_healthy(self) -> bool:
        if not self.is_running():
            return False
        if not self.health_url:
            return True
        try:
            return requests.get(self.health_url, timeout=HEALTH_TIMEOUT_S).status_code == 200
        except requests.RequestException:
            return False

    def schedule_restart(self, now: float) -> float:
        """After an exit: when to start again (backoff only for a process that died young)."""
        if now - self.started_at >= STABLE_AFTER_S:
            self.backoff_s = 0.0
        else:
            self.backoff_s = min(MAX_BACKOFF_S, self.backoff_s * 2 if self.backoff_s else FIRST_BACKOFF_S)
        self.next_start_at = now + self.backoff_s
        return self.backoff_s

    def wait_or_kill(self, timeout_s: float) -> None:
        """Wait for a process that was asked to stop; SIGKILL it after ``timeout_s``."""
        if self.popen is None:
            return
        try:
            self.popen.wait(timeout=timeout_s)
        except subprocess.TimeoutExpired:
            self.popen.kill()
            self.popen.wait()

    def log_tail(self, lines: int = 15) -> str:
        try:
            return "\n".join(self.log_path.read_text(encoding="utf-8", errors="replace").splitlines()[-lines:])
        except OSError:
            return ""


@dataclass
class Supervisor:
    """Starts processes, restarts the ones that exit, and writes their pids to ``state_file``
    (``{"ready": ..., "pids": {name: pid}, "restarts": {name: n}, ...}``) after every change."""

    state_file: Path
    log: Callable[[str], None]
    processes: List[SupervisedProcess] = field(default_factory=list)
    ready: bool = False
    extra_state: Dict[str, object] = field(default_factory=dict)
    stopping: bool = False

    def add(self, spec: ProcessSpec, base_env: Dict[str, str], log_path: Path) -> SupervisedProcess:
        process = SupervisedProcess(spec, base_env, log_path)
        self.processes.append(process)
        process.start()
        self.log(f"started {process.name} (pid {process.pid}), log {log_path}")
        self.write_state()
        return process

    def wait_healthy(self, processes: Sequence[SupervisedProcess], timeout_s: float) -> None:
        """Until every one of ``processes`` answers its health check; raises ``RuntimeError``
        when one exits meanwhile or the time is up."""
        deadline = time.monotonic() + timeout_s
        waiting = list(processes)
        while waiting:
            for process in list(waiting):
                if not process.is_running():
                    raise RuntimeError(
                        f"{process.name} exited during start-up; last lines of "
                        f"{process.log_path}:\n{process.log_tail()}"
                    )
                if process.is_healthy():
                    self.log(f"{process.name} ready" + (f" ({process.health_url})" if process.health_url else ""))
                    waiting.remove(process)
            if waiting and time.monotonic() > deadline:
                raise RuntimeError(f"not ready after {timeout_s:.0f}s: " + ", ".join(p.name for p in waiting))
            time.sleep(0.25)

    def mark_ready(self) -> None:
        self.ready = True
        self.write_state()

    def check(self) -> None:
        """Restart what exited (once its backoff is over); call a few times a second."""
        now = time.monotonic()
        changed = False
        for process in self.processes:
            if process.is_running() or self.stopping:
                continue
            start_at = process.next_start_at
            if start_at is None:
                delay = process.schedule_restart(now)
                start_at = now + delay
                self.log(
                    f"{process.name} (pid {process.pid}) exited with code {process.returncode}; "
                    f"restarting {'now' if not delay else f'in {delay:.0f}s'}"
                )
            if now >= start_at:
                process.restarts += 1
                process.start()
                self.log(f"restarted {process.name} (pid {process.pid}, restart {process.restarts})")
                changed = True
        if changed:
            self.write_state()

    def run_forever(self, interval_s: float = 0.25) -> NoReturn:
        while True:
            self.check()
            time.sleep(interval_s)

    def stop(self, order: Sequence[str], timeout_s: float, signals: Optional[Dict[str, int]] = None) -> None:
        """Stop the processes whose names start with each prefix of ``order`` in turn (all of a
        group at once), with SIGTERM or ``signals[prefix]``; SIGKILL after ``timeout_s``."""
        self.stopping = True
        for prefix in order:
            group = [p for p in self.processes if p.name.startswith(prefix) and p.is_running()]
            for process in group:
                if process.popen is None:  # is_running() said it has one
                    continue
                process.popen.send_signal((signals or {}).get(prefix, signal.SIGTERM))
            for process in group:
                process.wait_or_kill(timeout_s)
        if self.state_file.exists():
            self.state_file.unlink()

    def write_state(self) -> None:
        state = {
            **self.extra_state,
            "ready": self.ready,
            "pids": {p.name: p.pid for p in self.processes if p.pid},
            "restarts": {p.name: p.restarts for p in self.processes},
        }
        self.state_file.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.state_file.with_suffix(".tmp")
        tmp.write_text(json.dumps(state, indent=2), encoding="utf-8")
        tmp.replace(self.state_file)
