"""Shared fixtures: the built fact store and a retriever over it."""

from pathlib import Path

import pytest

from answering.gather import Retriever
from knowledge.build import build
from knowledge.store import FactStore, default_store

PROJECT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def store() -> FactStore:
    return default_store()


@pytest.fixture(scope="session")
def retriever(store: FactStore) -> Retriever:
    return Retriever(store)


@pytest.fixture(scope="session")
def built_store() -> dict:
    """The store built afresh from data/, so the tests see the data as it is now."""
    store_dict, _ = build(PROJECT)
    return store_dict
