"""The input limits of channels/limits.yml as typed settings, read once per process."""

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

LIMITS_FILE = Path(__file__).resolve().parent / "limits.yml"


@dataclass(frozen=True)
class HttpLimits:
    request_max_bytes: int
    request_timeout_seconds: int


@dataclass(frozen=True)
class RestLimits:
    body_max_bytes: int
    sender_max_chars: int
    message_max_chars: int
    metadata_max_bytes: int
    metadata_max_depth: int


@dataclass(frozen=True)
class TelegramLimits:
    body_max_bytes: int
    callback_data_max_bytes: int


@dataclass(frozen=True)
class ActionServerLimits:
    body_max_bytes: int
    message_max_chars: int


@dataclass(frozen=True)
class Limits:
    http: HttpLimits
    rest: RestLimits
    telegram: TelegramLimits
    action_server: ActionServerLimits


@lru_cache(maxsize=None)
def load_limits(path: Path = LIMITS_FILE) -> Limits:
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    return Limits(
        http=HttpLimits(**raw["http"]),
        rest=RestLimits(**raw["rest"]),
        telegram=TelegramLimits(**raw["telegram"]),
        action_server=ActionServerLimits(**raw["action_server"]),
    )
