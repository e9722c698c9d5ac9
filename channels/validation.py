"""Checks shared by the channels: what may reach NLU and the tracker store.

A string is *well-formed* when it encodes to UTF-8, i.e. holds no lone UTF-16 surrogate
(JSON's ``"\\ud800"``); SQLite, PostgreSQL and every client that reads it back need that.
"""

import json
import unicodedata
from typing import Any, List, Optional, Text, Tuple

# Unicode categories refused in a sender id: control characters (C0, DEL, C1) and surrogates.
SENDER_FORBIDDEN_CATEGORIES = frozenset({"Cc", "Cs"})


def is_well_formed(text: Text) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def sender_problem(sender: Any, max_chars: int) -> Optional[Text]:
    """Why ``sender`` cannot name a conversation (None when it can)."""
    if not isinstance(sender, str) or not sender.strip() or len(sender) > max_chars:
        return f"`sender` must be a non-empty string of at most {max_chars} characters"
    if not is_well_formed(sender):
        return "`sender` is not well-formed Unicode (it holds a lone surrogate)"
    if any(unicodedata.category(char) in SENDER_FORBIDDEN_CATEGORIES for char in sender):
        return "`sender` must not hold control characters"
    return None


def json_depth(value: Any) -> int:
    """How deeply objects and arrays nest in ``value`` (a scalar is 0); no recursion."""
    deepest = 0
    pending: List[Tuple[Any, int]] = [(value, 0)]
    while pending:
        item, depth = pending.pop()
        if isinstance(item, dict):
            pending.extend((child, depth + 1) for child in item.values())
        elif isinstance(item, list):
            pending.extend((child, depth + 1) for child in item)
        else:
            continue
        deepest = max(deepest, depth + 1)
    return deepest


def metadata_problem(metadata: Any, max_bytes: int, max_depth: int) -> Optional[Text]:
    """Why ``metadata`` cannot be stored with the message (None when it can)."""
    if metadata is None:
        return None
    if not isinstance(metadata, dict):
        return "`metadata` must be a JSON object"
    if json_depth(metadata) > max_depth:
        return f"`metadata` nests deeper than {max_depth} levels"
    try:
        encoded = json.dumps(metadata, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:
        return "`metadata` is not well-formed Unicode (it holds a lone surrogate)"
    if len(encoded) > max_bytes:
        return f"`metadata` is larger than {max_bytes:,} bytes"
    return None


def parse_json_body(body: bytes) -> Tuple[Optional[Text], Any]:
    """The reason ``body`` is not usable JSON (or None), and the parsed value.

    Strict UTF-8 first (a byte sequence beyond U+10FFFF or an encoded surrogate is refused
    here), then the standard library's parser, whose nesting is bounded by Python's
    recursion limit: a RecursionError is the client's fault, not the server's.
    """
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        return "the body is not valid UTF-8", None
    try:
        return None, json.loads(text)
    except RecursionError:
        return "the body nests too deeply", None
    except ValueError:
        return "the body is not valid JSON", None
