"""Fixtures for the cluster tests: a PostgreSQL database and a Redis key prefix of their own,
and the cluster (``deploy.cluster``) running against them.

Skipped, with the reason, only when neither PostgreSQL nor Redis can be reached; with just
one of them the tests fail, since the profile needs both.
"""

import secrets
from pathlib import Path
from typing import Dict, Iterator

import pytest

from tests.cluster_servers import ClusterRun, connection_settings, pg_connect, redis_client

MAINTENANCE_DB = "postgres"


def _reachable(settings: Dict[str, str]) -> Dict[str, str]:
    """Which service cannot be reached, and why (an empty dict: both can)."""
    problems = {}
    try:
        pg_connect(settings, MAINTENANCE_DB).close()
    except Exception as error:
        problems["PostgreSQL"] = f"{settings['TRACKER_DB_HOST']}:{settings['TRACKER_DB_PORT']}: {error}".strip()
    try:
        redis_client(settings).ping()
    except Exception as error:
        problems["Redis"] = f"{settings['LOCK_REDIS_HOST']}:{settings['LOCK_REDIS_PORT']}: {error}".strip()
    return problems


@pytest.fixture(scope="session")
def services() -> Dict[str, str]:
    settings = connection_settings()
    problems = _reachable(settings)
    if len(problems) == 2:
        pytest.skip(
            "cluster tests need PostgreSQL and Redis, and neither is reachable: "
            + "; ".join(f"{name} at {reason}" for name, reason in problems.items())
        )
    if problems:
        pytest.fail(
            "cluster tests need PostgreSQL and Redis: "
            + "; ".join(f"{name} at {reason}" for name, reason in problems.items())
        )
    return settings


@pytest.fixture(scope="session")
def database(services: Dict[str, str]) -> Iterator[str]:
    """A database created for this run and dropped after it."""
    name = f"porecare_cluster_test_{secrets.token_hex(4)}"
    admin = pg_connect(services, MAINTENANCE_DB)
    admin.autocommit = True
    try:
        with admin.cursor() as cursor:
            cursor.execute(f'CREATE DATABASE "{name}"')
        yield name
    finally:
        with admin.cursor() as cursor:
            cursor.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true')
            cursor.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s", (name,))
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
        admin.close()


@pytest.fixture(scope="session")
def key_prefix(services: Dict[str, str]) -> Iterator[str]:
    """A Redis key prefix of this run's own; its keys are deleted after it."""
    prefix = f"clustertest{secrets.token_hex(4)}"
    yield prefix
    client = redis_client(services)
    keys = list(client.scan_iter(match=f"{prefix}:*", count=500))
    if keys:
        client.delete(*keys)


@pytest.fixture(scope="module")
def cluster(services: Dict[str, str], database: str, key_prefix: str, tmp_path_factory) -> Iterator[ClusterRun]:
    run = ClusterRun(Path(tmp_path_factory.mktemp("cluster")), database, key_prefix, services)
    try:
        seconds = run.start()
        print(f"\ncluster ready in {seconds:.0f}s")
        yield run
    finally:
        run.stop()


@pytest.fixture
def db(services: Dict[str, str], database: str):
    connection = pg_connect(services, database)
    connection.autocommit = True
    try:
        yield connection
    finally:
        connection.close()
