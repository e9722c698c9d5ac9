"""The production profile's pieces on their own: API settings, the atomic lock store, the
refusal to fall back to memory, and the documentation naming every setting."""

import asyncio
import re
import threading
import time
from pathlib import Path
from typing import Dict, List

import pytest

from deploy.cluster import load_env_file, required_variables
from deploy.rasa_server import (
    ConfigurationError,
    TrackerStoreUnavailable,
    api_mode,
    fail_instead_of_forgetting,
    rasa_run_argv,
)

PROJECT = Path(__file__).resolve().parents[2]
TOKEN = "t" * 32


def test_the_api_is_off_without_a_token_or_jwt_secret() -> None:
    argv = rasa_run_argv(["--port", "5006"], {"RASA_API_TOKEN": "", "RASA_JWT_SECRET": " "})
    assert argv == ["rasa", "run", "--port", "5006"]
    assert api_mode({}) == "off"


def test_a_token_or_jwt_secret_turns_the_api_on_protected() -> None:
    assert rasa_run_argv([], {"RASA_API_TOKEN": TOKEN})[2:] == ["--enable-api", "--auth-token", TOKEN]
    assert rasa_run_argv([], {"RASA_JWT_SECRET": TOKEN})[2:] == [
        "--enable-api",
        "--jwt-secret",
        TOKEN,
        "--jwt-method",
        "HS256",
    ]
    assert api_mode({"RASA_API_TOKEN": TOKEN}) == "token"


@pytest.mark.parametrize(
    "options, env",
    [
        (["--enable-api"], {}),
        (["--auth-token", TOKEN], {}),
        (["-t", TOKEN], {}),
        (["--jwt-secret=" + TOKEN], {}),
        ([], {"RASA_API_TOKEN": "short"}),
    ],
)
def test_an_open_or_weak_api_is_refused(options: List[str], env: Dict[str, str]) -> None:
    with pytest.raises(ConfigurationError):
        rasa_run_argv(options, env)


def test_every_setting_of_the_profile_is_documented() -> None:
    example = load_env_file(PROJECT / ".env.production.example")
    guide = (PROJECT / "docs" / "kubernetes.md").read_text(encoding="utf-8")
    readme = (PROJECT / "README.md").read_text(encoding="utf-8")
    variables = required_variables()
    assert "TRACKER_DB_HOST" in variables and "LOCK_REDIS_HOST" in variables
    for name in variables:
        assert name in example, f"{name} is not in .env.production.example"
        assert re.search(rf"\b{name}\b", guide), f"{name} is not in docs/kubernetes.md"
        assert re.search(rf"\b{name}\b", readme), f"{name} is not in the README"


def test_a_tracker_store_error_fails_the_message_instead_of_a_memory_fallback(monkeypatch) -> None:
    from rasa.core.tracker_store import FailSafeTrackerStore, InMemoryTrackerStore
    from rasa.shared.core.trackers import DialogueStateTracker

    class BrokenStore(InMemoryTrackerStore):
        async def save(self, tracker):
            raise ConnectionError("database is gone")

        async def retrieve(self, sender_id):
            raise ConnectionError("database is gone")

    for name in ("on_tracker_store_error", "on_tracker_store_retrieve_error"):
        monkeypatch.setattr(FailSafeTrackerStore, name, getattr(FailSafeTrackerStore, name))
    fail_instead_of_forgetting()

    from rasa.shared.core.domain import Domain

    store = FailSafeTrackerStore(BrokenStore(Domain.empty()))
    with pytest.raises(TrackerStoreUnavailable):
        asyncio.run(store.save(DialogueStateTracker("someone", [])))
    with pytest.raises(TrackerStoreUnavailable):
        asyncio.run(store.retrieve("someone"))


def test_tickets_issued_at_once_by_many_clients_are_all_distinct_and_kept(services, key_prefix) -> None:
    from rasa_internals.lock_store import AtomicRedisLockStore

    settings = dict(
        host=services["LOCK_REDIS_HOST"],
        port=services["LOCK_REDIS_PORT"],
        db=services["LOCK_REDIS_DB"],
        password=services["LOCK_REDIS_PASSWORD"],
        use_ssl=services["LOCK_REDIS_USE_SSL"],
        key_prefix=key_prefix,
    )
    stores = [AtomicRedisLockStore(**settings) for _ in range(8)]  # one connection pool each, like replicas
    conversation, tickets, barrier = "ticket-race", [], threading.Barrier(len(stores))

    def issue(store: AtomicRedisLockStore) -> None:
        barrier.wait()
        for _ in range(20):
            tickets.append(store.issue_ticket(conversation, 60))

    threads = [threading.Thread(target=issue, args=(store,)) for store in stores]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(tickets) == list(range(160))
    lock = stores[0].get_lock(conversation)
    assert [ticket.number for ticket in lock.tickets] == list(range(160))
    assert lock.now_serving == 0
    for number in tickets:
        stores[number % 8].cleanup(conversation, number)
    assert stores[0].get_lock(conversation) is None
    # The numbers go on from where they were: a number is never handed out twice.
    assert stores[0].issue_ticket(conversation, 60) == 160


def test_a_message_waiting_for_a_dead_replicas_lock_gets_it_when_that_ticket_expires(services, key_prefix) -> None:
    """A replica killed while holding a conversation's lock never releases it; the next
    message must get the lock once that ticket expires, although its own ticket was issued
    with the same lifetime only a moment later (Rasa lets a waiting ticket expire too, and
    then waits forever)."""
    from rasa_internals.lock_store import AtomicRedisLockStore

    settings = dict(
        host=services["LOCK_REDIS_HOST"],
        port=services["LOCK_REDIS_PORT"],
        db=services["LOCK_REDIS_DB"],
        password=services["LOCK_REDIS_PASSWORD"],
        use_ssl=services["LOCK_REDIS_USE_SSL"],
        key_prefix=key_prefix,
    )
    dead, live = AtomicRedisLockStore(**settings), AtomicRedisLockStore(**settings)
    lifetime, conversation = 1.0, "dead-holder"

    async def next_message() -> float:
        started = time.monotonic()
        async with live.lock(conversation, lock_lifetime=lifetime, wait_time_in_seconds=0.4):
            return time.monotonic() - started

    for gap in (0.05, 0.2, 0.35):  # how long after the dead replica's ticket ours was issued
        dead.issue_ticket(conversation, lifetime)  # never released
        time.sleep(gap)
        waited = asyncio.run(asyncio.wait_for(next_message(), timeout=10))
        assert lifetime - gap - 0.1 <= waited <= lifetime + 1.0
    assert live.get_lock(conversation) is None


def test_the_kubernetes_manifests_parse_and_give_the_replicas_every_setting() -> None:
    import yaml

    guide = (PROJECT / "docs" / "kubernetes.md").read_text(encoding="utf-8")
    documents = [
        doc for block in re.findall(r"```yaml\n(.*?)```", guide, re.S) for doc in yaml.safe_load_all(block) if doc
    ]
    by_kind = {(doc["kind"], doc["metadata"]["name"]): doc for doc in documents}
    rasa = by_kind[("Deployment", "pore-care-rasa")]["spec"]["template"]["spec"]["containers"][0]
    provided = set()
    for source in rasa.get("envFrom", []):
        if "configMapRef" in source:
            provided |= set(by_kind[("ConfigMap", source["configMapRef"]["name"])]["data"])
        if "secretRef" in source:
            provided |= set(by_kind[("Secret", source["secretRef"]["name"])]["stringData"])
    provided |= {item["name"] for item in rasa.get("env", [])}
    assert set(required_variables()) <= provided, set(required_variables()) - provided
    assert rasa["command"][:3] == ["python", "-m", "deploy.rasa_server"]
    assert "--enable-api" not in rasa["command"]
    assert rasa["readinessProbe"]["httpGet"]["path"] == "/webhooks/health/ready"
    credentials = yaml.safe_load(by_kind[("ConfigMap", "pore-care-files")]["data"]["credentials.yml"])
    assert set(credentials) == {"channels.rest.ValidatingRestInput", "deploy.health.HealthInput"}
