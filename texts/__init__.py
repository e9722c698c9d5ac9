"""What the assistant says, in each language it speaks: the catalogue in ``data/replies.yml``.

Light on purpose (YAML only): the channels' own replies come from here too, in the Rasa
process, and so do the action server's.
"""

import re
from functools import lru_cache
from pathlib import Path
from typing import Dict, FrozenSet, Optional

import yaml

REPLIES_PATH = Path(__file__).resolve().parent.parent / "data" / "replies.yml"
GLOSSARY_PATH = REPLIES_PATH.parent / "glossary.yml"
LANGUAGES = ("en", "ko")
DEFAULT_LANGUAGE = "en"
HANGUL = re.compile(r"[\uac00-\ud7a3\u3131-\u318e]")
LATIN_WORD = re.compile(r"[A-Za-z]{2,}")
NOT_HANGUL = re.compile(r"[^\uac00-\ud7a3\u3131-\u318e]")
# An English sentence with Korean product names in it has at least this many English words.
ENGLISH_WITH_NAMES_MIN_WORDS = 3


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


@lru_cache(maxsize=1)
def korean_names() -> FrozenSet[str]:
    """The Korean names of products and ingredients (``data/glossary.yml``), without spaces:
    English writers use them as they are ("what is a 각질팩 for?")."""
    terms = yaml.safe_load(GLOSSARY_PATH.read_text(encoding="utf-8"))["terms"]
    return frozenset(str(name).replace(" ", "") for name in terms.values() if HANGUL.search(str(name)))


def written_language(text: str) -> Optional[str]:
    """The language a message is written in: Korean when it has Hangul (mixed messages such
    as "collagen mask 몇 번 써?" are Korean), except an English sentence whose only Hangul is
    product names as they are ("is a 각질팩 or a 보습팩 better after cleansing?"); English
    when it has a Latin word; None when it cannot tell: a name and a word or two of English
    ("and 보습팩?", the conversation's language decides), or neither script (a number, an
    emoji, a button payload)."""
    if text.startswith("/"):
        return None
    hangul_words = [word for word in text.split() if HANGUL.search(word)]
    latin_words = len(LATIN_WORD.findall(text))
    if not hangul_words:
        return "en" if latin_words else None
    if not latin_words or not all(NOT_HANGUL.sub("", word) in korean_names() for word in hangul_words):
        return "ko"
    return "en" if latin_words >= ENGLISH_WITH_NAMES_MIN_WORDS else None
