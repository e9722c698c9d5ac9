"""How the assistant was started before the performance work, for "before" measurements.

``launch(model)`` is a ``serving.local_stack.Launch`` that starts the servers as they were
started then: ``rasa run actions`` and ``rasa run`` (TensorFlow always imported) with Rasa's
own ``SQLTrackerStore`` on SQLite. Pass a model trained with the old config for a faithful
"before" (``--model``).
"""

from pathlib import Path
from typing import List, Optional, Sequence

from serving.local_stack import Launch
from serving.processes import BIN, LOOPBACK, MODEL, ProcessSpec


def _endpoints_as_before(directory: Path, actions_port: int, tracker_db: Path) -> Path:
    endpoints = directory / "endpoints.yml"
    endpoints.write_text(
        f'action_endpoint:\n  url: "http://{LOOPBACK}:{actions_port}/webhook"\n'
        f'tracker_store:\n  type: SQL\n  dialect: "sqlite"\n  db: "{tracker_db}"\n',
        encoding="utf-8",
    )
    return endpoints


def _servers_as_before(
    actions_port: int,
    rasa_port: int,
    model: Path,
    credentials: Path,
    endpoints: Path,
    cors_origins: Sequence[str],
) -> List[ProcessSpec]:
    return [
        ProcessSpec(
            "actions",
            [str(BIN / "rasa"), "run", "actions", "--port", str(actions_port), "--actions", "actions.actions"],
            f"http://{LOOPBACK}:{actions_port}/health",
        ),
        ProcessSpec(
            "rasa",
            [
                str(BIN / "rasa"),
                "run",
                "--model",
                str(model),
                "--port",
                str(rasa_port),
                "--credentials",
                str(credentials),
                "--endpoints",
                str(endpoints),
                *(["--cors", *cors_origins] if cors_origins else []),
            ],
            f"http://{LOOPBACK}:{rasa_port}/webhooks/rest/",
        ),
    ]


def launch(baseline: bool, model: Optional[Path] = None) -> Launch:
    """The servers as they start now, or (``baseline``) as before the performance work."""
    if baseline:
        return Launch(_endpoints_as_before, _servers_as_before, model or MODEL)
    return Launch(model=model or MODEL)
