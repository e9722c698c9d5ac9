"""Caches keyed by a message's text, kept in one registry.

Answering one message reads the same text at several stages (its sentences, its kind of
question, its topics, its lemmas), so those readings are cached per text. ``forget_texts``
empties every such cache at once: ``bench/action_latency.py`` calls it before each round, so
that it times messages the process has not seen, as a live server mostly does.
"""

from functools import lru_cache
from typing import Any, Callable, List, TypeVar, cast

Function = TypeVar("Function", bound=Callable[..., Any])

_CACHES: List[Any] = []


def text_cache(maxsize: int) -> Callable[[Function], Function]:
    """``functools.lru_cache`` of ``maxsize`` entries, registered for ``forget_texts``."""

    def decorate(function: Function) -> Function:
        cached = lru_cache(maxsize=maxsize)(function)
        _CACHES.append(cached)
        return cast(Function, cached)

    return decorate


def forget_texts() -> None:
    """Empty every cache keyed by a text."""
    for cache in _CACHES:
        cache.cache_clear()
