"""How the assistant was started before the performance work, for "before" measurements.

``use_baseline_start()`` makes tests.servers start the servers as they were started then:
``rasa run actions`` and ``rasa run`` (TensorFlow always imported) with Rasa's own
``SQLTrackerStore`` on SQLite. Pass a model trained with the old config for a faithful
"before" (``--model``).
"""

from pathlib import Path
from typing import List

import tests.servers as servers


def _endpoints_as_before(directory: Path, actions_port: int, tracker_db: Path) -> Path:
    endpoints = directory / "endpoints.yml"
    endpoints.write_text(
        f'action_endpoint:\n  url: "http://127.0.0.1:{actions_port}/webhook"\n'
        f'tracker_store:\n  type: SQL\n  dialect: "sqlite"\n  db: "{tracker_db}"\n',
        encoding="utf-8",
    )
    return endpoints


def _commands_as_before(actions_port: int, rasa_port: int, model: Path, credentials: Path, endpoints: Path) -> List[List[str]]:
    return [
        [str(servers.BIN / "rasa"), "run", "actions", "--port", str(actions_port), "--actions", "actions.actions"],
        [str(servers.BIN / "rasa"), "run", "--model", str(model), "--port", str(rasa_port),
         "--credentials", str(credentials), "--endpoints", str(endpoints)],
    ]


def use_baseline_start() -> None:
    servers._write_endpoints = _endpoints_as_before
    servers.server_commands = _commands_as_before


def use_model(model: Path) -> None:
    servers.MODEL = model
