"""What the assistant says, in each language it speaks: the catalogue in ``data/replies.yml``.

Light on purpose (YAML only): the channels' own replies come from here too, in the Rasa
process, and so do the action server's.
"""

import re
from functools import lru_cache
from pathlib import Path
from typing import Dict, Optional

import yaml

REPLIES_PATH = Path(__file__).resolve().parent.parent / "data" / "replies.yml"
LANGUAGES = ("en", "ko")
DEFAULT_LANGUAGE = "en"
HANGUL = re.compile(r"[\uac00-\ud7a3\u3131-\u318e]")
LATIN_WORD = re.compile(r"[A-Za-z]{2,}")


@lru_cache(maxsize=1)
def catalogue() -> Dict[str, Dict[str, str]]:
    """Reply key -> language -> template."""
    return dict(yaml.safe_load(REPLIES_PATH.read_text(encoding="utf-8"))["replies"])


@lru_cache(maxsize=1)
def topic_names() -> Dict[str, Dict[str, str]]:
    """Topic id -> language -> display name, for the languages other than English."""
    return dict(yaml.safe_load(REPLIES_PATH.read_text(encoding="utf-8")).get("topic_names") or {})


def say(key: str, language: str, **fields: object) -> str:
    """The reply ``key`` in ``language`` (English where a translation is missing), filled in."""
    templates = catalogue()[key]
    return templates.get(language, templates[DEFAULT_LANGUAGE]).format(**fields)


def written_language(text: str) -> Optional[str]:
    """The language a message is written in: Korean as soon as it has Hangul (mixed messages
    such as "collagen mask 몇 번 써?" are Korean), English when it has a Latin word, and None
    for a message with neither (a number, an emoji, a button payload)."""
    if text.startswith("/"):
        return None
    if HANGUL.search(text):
        return "ko"
    if LATIN_WORD.search(text):
        return "en"
    return None
